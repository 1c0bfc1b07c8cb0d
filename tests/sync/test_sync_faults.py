"""Injected faults at each step; in every case the next sync converges with nothing lost, nothing
duplicated and no multipart upload left open.

Faults come from a real proxy in front of the moto server (503 SlowDown, a connection dropped
mid-body) or from killing a real ``studio sync`` process (SIGKILL at a named checkpoint, see
studio_app/sync/faults.py)."""

from __future__ import annotations

import json
import os

import pytest

from studio_app.store.repositories import NotFoundError
from studio_app.sync.errors import SyncOfflineError
from studio_app.sync.settings import SyncSettings

from .devices import PREFIX, bucket_keys, open_uploads

MiB = 1024 * 1024


def _object_keys(moto_server, bucket) -> list[str]:
    return sorted(k for k in bucket_keys(moto_server, bucket) if "/objects/" in k)


def test_503_slowdown_is_retried_and_the_run_completes(make_device, proxy) -> None:
    a = make_device("A", endpoint=proxy.endpoint)
    b = make_device("B", endpoint=proxy.endpoint)
    items = [a.add_media(f"m{i}") for i in range(3)]
    proxy.add("PUT", r"/blobs/", "slowdown", times=1)
    proxy.add("PUT", r"/objects/", "slowdown", times=1)
    a.sync()
    proxy.add("GET", r"list-type=2", "slowdown", times=1)
    proxy.add("GET", r"/objects/", "slowdown", times=1)
    proxy.add("GET", r"/blobs/", "slowdown", times=1)
    b.sync()
    assert len(proxy.fired) == 5 and {f[2] for f in proxy.fired} == {"slowdown"}
    for m in items:
        assert b.store.blobs.get(m.content_hash) == a.store.blobs.get(m.content_hash)
    assert a.snapshot() == b.snapshot()
    assert a.sync().changed_anything is False


def test_dropped_connection_on_download_leaves_no_partial_file(make_device, proxy) -> None:
    a = make_device("A")
    b = make_device("B", endpoint=proxy.endpoint)
    m = a.add_media("photo", os.urandom(300_000))
    a.sync()
    proxy.add("GET", r"/blobs/", "drop", times=1)  # one drop: retried within the run
    b.sync()
    assert b.store.blobs.get(m.content_hash) == a.store.blobs.get(m.content_hash)
    assert b.stray_files() == []

    m2 = a.add_media("photo 2", os.urandom(300_000))
    a.sync()
    proxy.add("GET", r"/blobs/", "drop", times=3)  # every attempt of this run drops
    with pytest.raises(SyncOfflineError):
        b.sync()
    assert b.stray_files() == []
    assert not b.store.blobs.exists(m2.content_hash)
    with pytest.raises(NotFoundError):  # the record waits for its blob: never half-imported
        b.store.media.get(m2.id)
    b.sync()  # the connection is back
    assert b.store.blobs.get(m2.content_hash) == a.store.blobs.get(m2.content_hash)
    assert a.snapshot() == b.snapshot()


def test_dropped_connection_on_a_record_download_is_retried(make_device, proxy) -> None:
    a = make_device("A")
    b = make_device("B", endpoint=proxy.endpoint)
    doc = a.new_canvas("draft")
    a.sync()
    proxy.add("GET", r"/objects/", "drop", times=1)
    b.sync()
    assert b.store.canvases.get(doc.id).name == "draft"


def test_remote_blob_failing_its_hash_is_not_imported_and_gets_repaired(make_device, moto_server, bucket) -> None:
    a, b = make_device("A"), make_device("B")
    m = a.add_media("logo", os.urandom(4000))
    a.sync()
    key = f"{PREFIX}/blobs/{m.content_hash[:2]}/{m.content_hash}"
    moto_server.client().put_object(Bucket=bucket, Key=key, Body=b"bit rot in the bucket")

    report = b.sync()
    assert report.repairs_requested == [m.content_hash]
    assert [d["id"] for d in report.deferred] == [m.id]
    assert any("SHA-256" in w for w in report.warnings)
    assert not b.store.blobs.exists(m.content_hash) and b.stray_files() == []
    with pytest.raises(NotFoundError):
        b.store.media.get(m.id)

    fix = a.sync()  # A holds the good bytes and answers the repair marker
    assert fix.repairs_done == [m.content_hash]
    b.sync()
    assert b.store.blobs.get(m.content_hash) == a.store.blobs.get(m.content_hash)
    assert not [k for k in bucket_keys(moto_server, bucket) if "/repair/" in k]
    assert a.snapshot() == b.snapshot()


def _save_settings(dev, **kw) -> None:
    dev.store.settings.save_section("sync", SyncSettings(bucket=dev.bucket, endpoint_url=dev.endpoint, **kw))


def test_killed_mid_multipart_upload_resumes_and_leaves_no_upload_open(make_device, moto_server, bucket) -> None:
    a, b = make_device("A"), make_device("B")
    _save_settings(a, multipart_threshold_bytes=5 * MiB, part_size_bytes=5 * MiB)
    big = os.urandom(11 * MiB)  # 3 parts
    m = a.add_media("big", big)
    killed = a.cli("--json", kill_at="blob_part_uploaded:1")
    assert killed.returncode == -9, killed.stderr
    assert len(open_uploads(moto_server, bucket)) == 1  # the interrupted upload is still open
    assert _object_keys(moto_server, bucket) == []

    done = a.cli("--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["requests"].get("UploadPart") == 2  # resumed: part 1 was not sent again
    assert report["requests"].get("CreateMultipartUpload") is None
    assert open_uploads(moto_server, bucket) == []
    b.sync()
    assert b.store.blobs.get(m.content_hash) == big


def test_killed_mid_multipart_then_blob_no_longer_needed_aborts_the_upload(make_device, moto_server,
                                                                           bucket) -> None:
    a = make_device("A", multipart_threshold_bytes=5 * MiB, part_size_bytes=5 * MiB)
    _save_settings(a, multipart_threshold_bytes=5 * MiB, part_size_bytes=5 * MiB)
    m = a.add_media("big", os.urandom(11 * MiB))
    assert a.cli(kill_at="blob_part_uploaded:1").returncode == -9
    a.store.media.soft_delete([m.id])  # deleted before the next sync: the blob is not needed
    report = a.sync()
    assert report.multipart_aborted == 1
    assert open_uploads(moto_server, bucket) == []


def test_killed_after_upload_before_local_commit_reuploads_nothing(make_device, moto_server, bucket) -> None:
    a, b = make_device("A"), make_device("B")
    items = [a.add_media(f"m{i}") for i in range(6)]
    killed = a.cli("--json", kill_at="record_uploaded:4")
    assert killed.returncode == -9
    uploaded_before = _object_keys(moto_server, bucket)
    assert len(uploaded_before) >= 4

    report = a.sync()
    assert report.adopted == len(uploaded_before)  # matched by content hash, not uploaded again
    assert report.requests.get("PutObject", 0) == 6 - len(uploaded_before)
    assert len(_object_keys(moto_server, bucket)) == 6  # no duplicates
    assert a.engine().run().requests == {"ListObjectsV2": 2}
    b.sync()
    assert sorted(x.id for x in b.store.media.list()) == sorted(x.id for x in items)
    assert a.snapshot() == b.snapshot()


def test_killed_after_blob_upload_does_not_send_the_blob_again(make_device, moto_server, bucket) -> None:
    a = make_device("A")
    for i in range(4):
        a.add_media(f"m{i}", os.urandom(50_000))
    assert a.cli(kill_at="blob_uploaded:2").returncode == -9
    blobs_there = [k for k in bucket_keys(moto_server, bucket) if "/blobs/" in k]
    assert len(blobs_there) >= 2
    report = a.sync()
    assert report.blobs_uploaded == 4 - len(blobs_there)
    assert len([k for k in bucket_keys(moto_server, bucket) if "/blobs/" in k]) == 4


def test_killed_while_pulling_converges_on_the_next_run(make_device) -> None:
    a, b = make_device("A"), make_device("B")
    for i in range(3):
        a.add_media(f"m{i}", os.urandom(20_000))
    a.new_canvas("draft")
    a.sync()
    for point in ("record_downloaded:2", "blob_downloaded:1", "applied:1"):
        assert b.cli(kill_at=point).returncode == -9, point
        assert b.bad_blobs() == []  # partial downloads never sit in the library
    b.sync()
    assert b.stray_files() == []  # and the next run sweeps them
    assert a.snapshot() == b.snapshot()


def test_bulk_first_upload_goes_in_packs_and_a_kill_after_it_uploads_nothing_twice(make_device, moto_server,
                                                                                     bucket) -> None:
    a, b = make_device("A"), make_device("B")
    items = [a.add_media(f"m{i}", os.urandom(1000)) for i in range(30)]
    killed = a.cli("--json", kill_at="record_uploaded:1")  # the pack is up, the local commit is not
    assert killed.returncode == -9
    keys = bucket_keys(moto_server, bucket)
    packs = [k for k in keys if "/objects/_packs/" in k]
    assert len(packs) == 1 and not [k for k in keys if "/objects/media_asset/" in k]

    report = a.sync()
    assert report.adopted == 30 and report.uploaded == []
    assert "PutObject" not in report.requests
    pulled = b.sync()
    assert len(pulled.downloaded) == 30 and pulled.requests["GetObject"] == 1 + 30  # one pack + the blobs
    # The first edit of a pack-born object goes to its own key; the pack stays as it was.
    b.store.media.update(items[0].id, display_name="renamed on B")
    b.sync()
    assert a.sync().downloaded[0]["label"] == "renamed on B"
    assert f"{PREFIX}/objects/media_asset/{items[0].id}.json" in bucket_keys(moto_server, bucket)
    assert a.snapshot() == b.snapshot()
