"""Benchmark plumbing: ``bench_record`` collects figures; the session writes bench-results.json.

Each entry: name, value, unit, target (text such as "< 80 ms" or ">= 10x"), and,
where a peer is named, peer (its name), peer_value and ratio (peer_value / value
for times, so > 1 means we are faster), all measured in the same run.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_RESULTS: list[dict[str, Any]] = []
RESULTS_FILE = Path(os.environ.get("BENCH_RESULTS", Path(__file__).resolve().parents[2] / "bench-results.json"))


def record(name: str, value: float, unit: str, target: str, *, peer: str | None = None,
           peer_value: float | None = None, ratio: float | None = None, met: bool | None = None,
           **extra: Any) -> dict[str, Any]:
    """Add one figure to bench-results.json; returns the entry."""
    entry: dict[str, Any] = {"name": name, "value": round(value, 3), "unit": unit, "target": target}
    if peer is not None:
        entry["peer"] = peer
        entry["peer_value"] = None if peer_value is None else round(peer_value, 3)
        if ratio is None and peer_value is not None and value:
            ratio = peer_value / value
        entry["ratio"] = None if ratio is None else round(ratio, 3)
    if met is not None:
        entry["met"] = bool(met)
    entry.update(extra)
    _RESULTS.append(entry)
    print(f"\nBENCH {json.dumps(entry)}")
    return entry


def median_ms(fn: Callable[[], Any], *, repeat: int = 15, warmup: int = 2) -> tuple[float, list[float]]:
    """Run ``fn`` warmup + repeat times; return (median ms, all timings in ms)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), times


@pytest.fixture
def bench_record() -> Callable[..., dict[str, Any]]:
    """The ``record`` function as a fixture."""
    return record


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _RESULTS:
        return
    existing: list[dict[str, Any]] = []
    if RESULTS_FILE.exists() and os.environ.get("BENCH_APPEND"):
        try:
            existing = json.loads(RESULTS_FILE.read_text())
        except ValueError:
            existing = []
    names = {e["name"] for e in _RESULTS}
    merged = [e for e in existing if e.get("name") not in names] + _RESULTS
    RESULTS_FILE.write_text(json.dumps(merged, indent=2) + "\n")
