"""Round trips between two devices through a real moto S3 server process."""

from __future__ import annotations

import json
import os

import pytest

from studio_app.domain.asset import Asset
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.coach import CoachSession
from studio_app.domain.jobs import GenerationJob, JobStatus
from studio_app.store.repositories import NotFoundError

from .devices import bucket_keys


def test_offline_edits_reach_the_other_device(make_device, moto_server, bucket) -> None:
    a, b = make_device("A"), make_device("B")
    logo = a.add_media("Logo", os.urandom(5000))
    doc = a.new_canvas("Stream thumbnail")
    kit = a.store.brand_kits.save(BrandKit(name="Neon", primary_colors=["#FF00FF"]))
    session = a.store.coach_sessions.save(CoachSession(mood="hype"))
    job = a.store.jobs.add(GenerationJob(asset_type="thumbnail", prompt="neon frog"))
    a.store.jobs.update_status(job.id, JobStatus.PROCESSING)
    png = os.urandom(3000)
    digest = a.store.blobs.put(png)
    a.store.assets.add(Asset(job_id=job.id, asset_type="thumbnail", url=f"blob:{digest}", content_hash=digest,
                             width=1280, height=720, file_size=len(png)))
    a.store.jobs.update_status(job.id, JobStatus.COMPLETED)

    up = a.sync()
    assert {i["kind"] for i in up.uploaded} == {"media_asset", "canvas_document", "brand_kit", "coach_session",
                                                "generation_job", "asset"}
    assert up.blobs_uploaded == 2

    down = b.sync()
    assert len(down.downloaded) == 6 and down.blobs_downloaded == 2
    assert b.store.media.get(logo.id).display_name == "Logo"
    assert b.store.blobs.get(logo.content_hash) == a.store.blobs.get(logo.content_hash)
    assert b.store.canvases.get(doc.id).name == "Stream thumbnail"
    assert b.store.brand_kits.get(kit.id).primary_colors == ["#FF00FF"]
    assert b.store.coach_sessions.get(session.id).mood == "hype"
    assert b.store.jobs.get(job.id).status == JobStatus.COMPLETED
    assert b.store.blobs.get(digest) == png
    assert a.snapshot() == b.snapshot()

    # B edits offline (no network needed to edit), then syncs; A pulls the edit.
    b.rename_canvas(doc.id, "Stream thumbnail v2")
    b.store.media.update(logo.id, tags=["brand"])
    assert b.sync().uploaded and a.sync().downloaded
    assert a.store.canvases.get(doc.id).name == "Stream thumbnail v2"
    assert a.store.media.get(logo.id).tags == ["brand"]
    assert a.snapshot() == b.snapshot()


def test_second_sync_without_changes_transfers_nothing(make_device) -> None:
    a, b = make_device("A"), make_device("B")
    for i in range(5):
        a.add_media(f"asset {i}")
    a.sync()
    b.sync()
    for dev in (a, b):
        engine = dev.engine()
        report = engine.run()
        assert not report.changed_anything
        assert report.requests == {"ListObjectsV2": 2}, report.requests


def test_deletes_travel_as_tombstones(make_device) -> None:
    a, b = make_device("A"), make_device("B")
    keep, gone = a.add_media("keep"), a.add_media("gone")
    a.sync(), b.sync()
    b.store.media.soft_delete([gone.id])
    report = b.sync()
    assert report.deleted == [{"kind": "media_asset", "id": gone.id, "label": "gone", "where": "remote"}]
    pulled = a.sync()
    assert [d["id"] for d in pulled.deleted] == [gone.id]
    with pytest.raises(NotFoundError):
        a.store.media.get(gone.id)
    assert a.store.media.get(keep.id)
    assert a.snapshot() == b.snapshot()


def test_raw_database_is_never_uploaded_and_keys_follow_the_layout(make_device, moto_server, bucket) -> None:
    a = make_device("A")
    m = a.add_media("logo")
    a.new_canvas("draft")
    a.sync()
    keys = bucket_keys(moto_server, bucket)
    assert f"studio/blobs/{m.content_hash[:2]}/{m.content_hash}" in keys
    assert f"studio/objects/media_asset/{m.id}.json" in keys
    assert not [k for k in keys if ".db" in k or "wal" in k or "settings" in k]
    assert all(k.startswith(("studio/objects/", "studio/blobs/")) for k in keys)
    body = moto_server.client().get_object(Bucket=bucket, Key=f"studio/objects/media_asset/{m.id}.json")["Body"].read()
    record = json.loads(body)
    assert record["device_id"] == report_device(a)
    assert record["version"] == {record["device_id"]: 1}
    assert record["updated_at"] and record["blobs"] == [m.content_hash]


def report_device(dev) -> str:
    from studio_app.sync.state import SyncStateStore

    return SyncStateStore(dev.store.db).device_id()


def test_unfinished_generation_jobs_wait_until_they_finish(make_device) -> None:
    a, b = make_device("A"), make_device("B")
    job = a.store.jobs.add(GenerationJob(asset_type="thumbnail", prompt="p"))
    a.store.jobs.update_status(job.id, JobStatus.PROCESSING)
    assert a.sync().uploaded == []
    b.sync()
    with pytest.raises(NotFoundError):
        b.store.jobs.get(job.id)
    a.store.jobs.update_status(job.id, JobStatus.FAILED, error_message="offline")
    assert [i["id"] for i in a.sync().uploaded] == [job.id]
    b.sync()
    assert b.store.jobs.get(job.id).status == JobStatus.FAILED


def test_large_blob_goes_up_in_parts_and_comes_back_identical(make_device, moto_server, bucket) -> None:
    a = make_device("A", multipart_threshold_bytes=5 * 1024 * 1024, part_size_bytes=5 * 1024 * 1024)
    b = make_device("B")
    big = os.urandom(11 * 1024 * 1024)
    m = a.add_media("video still", big)
    engine = a.engine()
    report = engine.run()
    assert report.requests.get("UploadPart") == 3 and report.requests.get("CompleteMultipartUpload") == 1
    assert moto_server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    b.sync()
    assert b.store.blobs.get(m.content_hash) == big


def test_an_edit_made_while_a_sync_is_uploading_is_not_lost(make_device) -> None:
    a, b = make_device("A"), make_device("B")
    doc = a.new_canvas("v1")
    typed: list[str] = []

    def on_progress(p) -> None:
        if p.phase == "uploading" and not typed:
            typed.append("v2")
            a.rename_canvas(doc.id, "v2, typed during the upload")

    first = a.engine(progress=on_progress).run()
    assert typed and [u["label"] for u in first.uploaded] == ["v1"]
    assert a.store.db and len(a.sync().uploaded) == 1  # the later edit was still queued
    b.sync()
    assert b.canvas_names() == ["v2, typed during the upload"]
