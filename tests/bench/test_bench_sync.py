"""``studio sync`` against rclone on the same moto server, the same 1,000 files (~50 MB) and the same
machine, in one run.

Figures (bench-results.json):

* ``sync_initial_upload_throughput``: MB/s of file payload for the first upload, measured as the
  wall time of the ``studio sync`` process (Python start-up included) against ``rclone copy``
  with rclone's defaults (4 transfers). Target: at least rclone's. ``rclone --transfers 16`` and
  the in-process engine (same library copied before any sync, its own bucket) are recorded
  alongside.
* ``sync_noop_resync``: seconds for a resync with no changes, measured in process (what the GUI's
  background worker does); target <= 0.5 s and zero PUTs. The ``studio sync`` process time is
  recorded against ``rclone copy``'s no-op as ``sync_noop_resync_cli``.
* ``sync_resync_10_changed``: seconds to upload 10 changed files; target < 1 s (in process),
  plus the process time against rclone.

rclone is Debian's ``rclone`` package (``apt-get install -y rclone``); the test skips without it.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studio_app.domain.media import MediaAsset
from tests.sync.devices import Device
from tests.sync.moto_server import ACCESS_KEY, SECRET_KEY, start_moto

FILES = 1000
FILE_BYTES = 50_000
CHANGED = 10

pytestmark = pytest.mark.bench


def _rclone_env() -> dict[str, str]:
    # The machine's AWS_CA_BUNDLE breaks rclone's plain-HTTP transport; nothing here uses TLS.
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}


def _rclone(conf: Path, *args: str) -> float:
    t0 = time.perf_counter()
    subprocess.run(["rclone", "--config", str(conf), *args], check=True, env=_rclone_env(),
                   capture_output=True, timeout=300)
    return time.perf_counter() - t0


def _timed_cli(dev: Device) -> tuple[float, dict]:
    import json

    t0 = time.perf_counter()
    result = dev.cli("--json", timeout=300)
    elapsed = time.perf_counter() - t0
    assert result.returncode == 0, result.stderr
    return elapsed, json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("rclone") is None, reason="rclone not installed (apt-get install -y rclone)")
def test_bench_sync_against_rclone(tmp_path: Path, bench_record) -> None:
    server = start_moto()
    try:
        _bench(tmp_path, server, bench_record)
    finally:
        server.stop()


def _bench(tmp_path: Path, server, bench_record) -> None:
    rng = random.Random(1)
    studio_bucket, rclone_bucket, rclone16_bucket = server.new_bucket(), server.new_bucket(), server.new_bucket()
    src = tmp_path / "files"
    src.mkdir()
    dev = Device(tmp_path, "A", server.endpoint, studio_bucket)
    now = datetime.now(UTC)
    ids: list[str] = []
    with dev.store.db.session() as s:  # one transaction for 1,000 rows (setup speed only)
        from studio_app.store.models import MediaAssetRow

        for i in range(FILES):
            data = rng.randbytes(FILE_BYTES)
            (src / f"file{i:04d}.bin").write_bytes(data)
            digest = dev.store.blobs.put(data)
            asset = MediaAsset(id=str(uuid.uuid4()), asset_type="reference", display_name=f"file{i:04d}",
                               url=f"blob:{digest}", storage_path=f"blob:{digest}", content_hash=digest,
                               file_size=len(data), mime_type="image/png", created_at=now, updated_at=now)
            s.add(MediaAssetRow(**asset.model_dump(exclude={"metadata"}), metadata_={}))
            ids.append(asset.id)
    total_mb = FILES * FILE_BYTES / 1e6

    conf = tmp_path / "rclone.conf"
    conf.write_text(f"[moto]\ntype = s3\nprovider = Other\naccess_key_id = {ACCESS_KEY}\n"
                    f"secret_access_key = {SECRET_KEY}\nendpoint = {server.endpoint}\nregion = us-east-1\n")

    # A second copy of the same library (made before any sync) measures the in-process engine,
    # i.e. what the GUI's background worker does, without Python start-up.
    dev.store.db.engine.dispose()
    shutil.copytree(dev.root, tmp_path / "A2")
    twin = Device(tmp_path, "A2", server.endpoint, server.new_bucket())

    # --- initial upload ---------------------------------------------------------------------
    t0 = time.perf_counter()
    twin_report = twin.sync()
    in_process_s = time.perf_counter() - t0
    assert len(twin_report.uploaded) == FILES
    # Worst case for a no-op: every object under its own key (after one edit each), 1,000 keys listed.
    from sqlalchemy import text

    with twin.store.db.engine.begin() as conn:
        conn.execute(text("UPDATE media_assets SET tags = '[\"edited\"]'"))
    assert len(twin.sync().uploaded) == FILES
    twin_engine = twin.engine()
    twin_engine.run()
    wide = []
    for _ in range(5):
        t0 = time.perf_counter()
        r = twin_engine.run()
        wide.append(time.perf_counter() - t0)
        assert not r.changed_anything and set(r.requests) == {"ListObjectsV2"}  # 1,001 keys: 2 pages
    twin.close()
    studio_s, report = _timed_cli(dev)
    assert len(report["uploaded"]) == FILES and report["blobs_uploaded"] == FILES
    rclone_s = _rclone(conf, "copy", str(src), f"moto:{rclone_bucket}/files")
    rclone16_s = _rclone(conf, "copy", "--transfers", "16", str(src), f"moto:{rclone16_bucket}/files")
    ours, peer = total_mb / studio_s, total_mb / rclone_s
    bench_record("sync_initial_upload_throughput", ours, "MB/s", ">= rclone", peer="rclone copy (defaults)",
                 peer_value=peer, ratio=ours / peer, met=ours >= peer, files=FILES, megabytes=total_mb,
                 studio_seconds=round(studio_s, 3), rclone_seconds=round(rclone_s, 3),
                 in_process_mb_s=round(total_mb / in_process_s, 3),
                 rclone_transfers16_mb_s=round(total_mb / rclone16_s, 3), requests=report["requests"])

    # --- no-op resync -------------------------------------------------------------------------
    engine = dev.engine()
    engine.run()  # warm: client built, probe cached
    noop_runs, noop_puts = [], 0
    for _ in range(5):
        t0 = time.perf_counter()
        r = engine.run()
        noop_runs.append(time.perf_counter() - t0)
        assert not r.changed_anything
        noop_puts += sum(n for op, n in r.requests.items() if op.startswith(("Put", "UploadPart", "Complete")))
    noop = statistics.median(noop_runs)
    cli_noop_s, cli_report = _timed_cli(dev)
    assert cli_report["requests"] == {"ListObjectsV2": 2}
    rclone_noop_s = _rclone(conf, "copy", str(src), f"moto:{rclone_bucket}/files")
    bench_record("sync_noop_resync", noop, "s", "<= 0.5 s and 0 PUTs", met=noop <= 0.5 and noop_puts == 0,
                 puts=noop_puts, requests=r.requests, runs_s=[round(x, 3) for x in noop_runs])
    bench_record("sync_noop_resync_1000_keys", statistics.median(wide), "s", "<= 0.5 s and 0 PUTs",
                 met=statistics.median(wide) <= 0.5, runs_s=[round(x, 3) for x in wide],
                 note="every object under its own key: the listing returns 1,000 keys")
    bench_record("sync_noop_resync_cli", cli_noop_s, "s", "process incl. Python start-up; vs rclone",
                 peer="rclone copy (defaults)", peer_value=rclone_noop_s)

    # --- 10 changed files -----------------------------------------------------------------------
    changed = rng.sample(range(FILES), CHANGED)
    for i in changed:
        data = rng.randbytes(FILE_BYTES)
        (src / f"file{i:04d}.bin").write_bytes(data)
        dev.replace_media_bytes(ids[i], data)
    t0 = time.perf_counter()
    r = engine.run()
    changed_s = time.perf_counter() - t0
    assert len(r.uploaded) == CHANGED and r.blobs_uploaded == CHANGED
    rclone_changed_s = _rclone(conf, "copy", str(src), f"moto:{rclone_bucket}/files")
    for i in rng.sample(range(FILES), CHANGED):
        dev.replace_media_bytes(ids[i], rng.randbytes(FILE_BYTES))
    cli_changed_s, cli_changed = _timed_cli(dev)
    assert len(cli_changed["uploaded"]) == CHANGED
    bench_record("sync_resync_10_changed", changed_s, "s", "< 1 s", met=changed_s < 1.0,
                 requests=r.requests)
    bench_record("sync_resync_10_changed_cli", cli_changed_s, "s", "process incl. Python start-up; vs rclone",
                 peer="rclone copy (defaults)", peer_value=rclone_changed_s)
    dev.close()
