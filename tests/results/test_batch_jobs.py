"""Variations as batch jobs: one job, N candidates side by side, completed / partial / failed."""

from __future__ import annotations

import io
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from PySide6.QtCore import QThreadPool

from studio_app.domain.asset_types import AssetType
from studio_app.domain.jobs import MAX_BATCH_CANDIDATES, JobStatus, batch_status, check_transition
from studio_app.providers.base import ImageProvider, ImageResult
from studio_app.providers.errors import ContentPolicyError, GenerationError
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerateRequest, GenerationService, ProviderRegistry
from tests.job_signals import CANDIDATES, COMPLETED, ENDED_WITHOUT_ASSET, on_job_event


@given(total=st.integers(1, MAX_BATCH_CANDIDATES), data=st.data())
def test_batch_status_follows_the_seed_state_machine(total: int, data: st.DataObject) -> None:
    ok = data.draw(st.integers(0, total))
    cancelled = data.draw(st.booleans())
    status = batch_status(ok, total, cancelled=cancelled)
    check_transition(JobStatus.PROCESSING, status)  # always a move the state machine allows
    if ok == total:
        assert status == JobStatus.COMPLETED
    elif ok:
        assert status == JobStatus.PARTIAL
    else:
        assert status == (JobStatus.CANCELLED if cancelled else JobStatus.FAILED)


@pytest.mark.parametrize("ok,total", [(-1, 2), (3, 2), (0, 0)])
def test_batch_status_rejects_impossible_outcomes(ok: int, total: int) -> None:
    with pytest.raises(ValueError):
        batch_status(ok, total)


class _Candidates(ImageProvider):
    """Fails the calls whose number (0-based, in call order) is in ``fail``; each call waits
    ``delay`` s and counts how many run at once."""

    name, label = "candidates", "Candidates"

    def __init__(self, state: dict) -> None:
        self.state = state

    def generate(self, request, *, cancel=None, progress=None):  # noqa: ANN001
        with self.state["lock"]:
            n = self.state["calls"]
            self.state["calls"] += 1
            self.state["running"] += 1
            self.state["peak"] = max(self.state["peak"], self.state["running"])
        try:
            if cancel is not None and cancel.wait(self.state["delay"]):
                cancel.raise_if_cancelled()
            if n in self.state["fail"]:
                raise ContentPolicyError("The image was blocked by the provider's safety filter.\nSecond line.")
            im = Image.new("RGB", (1344, 768), (40 * n % 255, 80, 160))
            buf = io.BytesIO()
            im.save(buf, "PNG")
            return ImageResult(data=buf.getvalue(), model="candidates-1")
        finally:
            with self.state["lock"]:
                self.state["running"] -= 1


def _service(store: StudioStore, fail: set[int] = frozenset(), delay: float = 0.0,
             pool: QThreadPool | None = None) -> tuple[GenerationService, dict]:
    state = {"lock": threading.Lock(), "calls": 0, "running": 0, "peak": 0, "fail": set(fail), "delay": delay}
    reg = ProviderRegistry()
    reg.register("candidates", lambda: _Candidates(state))
    return GenerationService(store, providers=reg, pool=pool), state


def _request(count: int) -> GenerateRequest:
    return GenerateRequest(asset_type=AssetType.THUMBNAIL, custom_prompt="neon cat", provider="candidates",
                           count=count)


def test_all_candidates_succeed_completed_with_distinct_assets(store: StudioStore) -> None:
    service, state = _service(store, delay=0.2)
    progress: list[int] = []
    job, assets = service.run_batch(_request(4), progress=progress.append)
    assert job.status == JobStatus.COMPLETED and job.progress == 100 and job.error_message is None
    assert len(assets) == 4 and len({a.content_hash for a in assets}) == 4
    assert state["peak"] == 4  # side by side, not one after another
    assert {a.id for a in store.assets.list(job_id=job.id)} == {a.id for a in assets}
    cands = store.jobs.get(job.id).parameters["candidates"]
    assert [c["index"] for c in cands] == [0, 1, 2, 3] and all(c["asset_id"] and not c["error"] for c in cands)
    assert progress == sorted(progress) and progress[-1] <= 100


def test_one_failure_of_three_is_partial_with_the_reason(store: StudioStore) -> None:
    service, _ = _service(store, fail={1})
    job, assets = service.run_batch(_request(3))
    assert job.status == JobStatus.PARTIAL
    assert len(assets) == 2
    assert job.error_message == ("1 of 3 candidates failed: The image was blocked by the provider's safety "
                                 "filter. Second line.")
    stored = store.jobs.get(job.id)
    assert stored.status == JobStatus.PARTIAL and stored.completed_at is not None
    failed = [c for c in stored.parameters["candidates"] if c["error"]]
    assert len(failed) == 1 and failed[0]["asset_id"] is None and "safety filter" in failed[0]["error"]


def test_every_candidate_failing_fails_the_job(store: StudioStore) -> None:
    service, _ = _service(store, fail={0, 1})
    job, assets = service.run_batch(_request(2))
    assert job.status == JobStatus.FAILED and assets == []
    assert job.error_message.startswith("All 2 candidates failed: The image was blocked")


def test_single_candidate_keeps_the_old_message(store: StudioStore) -> None:
    service, _ = _service(store, fail={0})
    job, _ = service.run_batch(_request(1))
    assert job.status == JobStatus.FAILED
    assert job.error_message == "The image was blocked by the provider's safety filter.\nSecond line."


@pytest.mark.parametrize("count", [0, MAX_BATCH_CANDIDATES + 1])
def test_count_out_of_range_is_refused_before_anything_is_recorded(store: StudioStore, count: int) -> None:
    service, _ = _service(store)
    with pytest.raises(GenerationError, match="1 to 4 candidates"):
        service.submit(_request(count))
    assert store.jobs.list() == []


def test_submitted_batch_signals_each_candidate_then_the_assets(store: StudioStore, qtbot) -> None:  # noqa: ANN001
    pool = QThreadPool()
    pool.setMaxThreadCount(3)
    service, _state = _service(store, fail={2}, delay=0.1, pool=pool)
    finished: list[tuple] = []
    completed: list[str] = []
    failed: list[str] = []
    on_job_event(service, CANDIDATES, lambda *a: finished.append(a))
    on_job_event(service, COMPLETED, lambda _j, a: completed.append(a))
    on_job_event(service, ENDED_WITHOUT_ASSET, lambda j, m: failed.append(m))
    job = service.submit(_request(3))
    qtbot.waitUntil(lambda: len(completed) == 2, timeout=10000)
    qtbot.wait(50)
    assert sorted(f[1] for f in finished) == [0, 1, 2]
    assert [f for f in finished if not f[2]][0][3].startswith("The image was blocked")
    assert failed == []  # a partial batch is not a failed job
    assert store.jobs.get(job.id).status == JobStatus.PARTIAL
    assert not service.is_active(job.id)
    pool.waitForDone(5000)


def test_cancel_mid_batch_ends_cancelled_and_keeps_nothing_half_made(store: StudioStore, qtbot) -> None:  # noqa: ANN001
    pool = QThreadPool()
    pool.setMaxThreadCount(4)
    service, state = _service(store, delay=5.0, pool=pool)
    job = service.submit(_request(4))
    qtbot.waitUntil(lambda: state["running"] == 4, timeout=5000)
    t0 = time.perf_counter()
    assert service.cancel(job.id)
    qtbot.waitUntil(lambda: store.jobs.get(job.id).status == JobStatus.CANCELLED, timeout=5000)
    assert time.perf_counter() - t0 < 2.0
    assert store.assets.list(job_id=job.id) == []
    pool.waitForDone(5000)


def test_cancel_before_a_worker_is_free_records_cancelled_once(store: StudioStore, qtbot) -> None:  # noqa: ANN001
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    service, state = _service(store, delay=0.3, pool=pool)
    first = service.submit(_request(1))
    batch = service.submit(_request(3))  # waits behind the first
    failed: list[str] = []
    on_job_event(service, ENDED_WITHOUT_ASSET, lambda j, m: failed.append(j))
    assert service.cancel(batch.id)
    qtbot.waitUntil(lambda: store.jobs.get(first.id).status == JobStatus.COMPLETED, timeout=5000)
    pool.waitForDone(5000)
    qtbot.wait(20)
    assert store.jobs.get(batch.id).status == JobStatus.CANCELLED
    assert failed == [batch.id]  # once, not once per candidate
    assert state["calls"] == 1
