"""Conflict rules (after rclone bisync and Syncthing) through a real moto server, two devices."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from studio_app.store import repositories
from studio_app.sync.conflicts import Conflicts, Resolution
from studio_app.sync.credentials import Credentials
from studio_app.sync.errors import PreconditionFailedError, SyncSafetyError
from studio_app.sync.records import SyncRecord, content_hash
from studio_app.sync.remote import RemoteConfig, S3Remote

from .moto_server import ACCESS_KEY, SECRET_KEY


def _synced_pair(make_device, **settings):
    a, b = make_device("A", **settings), make_device("B", **settings)
    doc = a.new_canvas("Draft")
    a.sync()
    b.sync()
    return a, b, doc


def test_same_document_edited_on_two_devices_keeps_both(make_device) -> None:
    a, b, doc = _synced_pair(make_device)
    a.rename_canvas(doc.id, "Draft by A")
    b.rename_canvas(doc.id, "Draft by B")
    assert a.sync().uploaded
    report = b.sync()
    assert len(report.conflicts) == 1 and report.conflicts[0]["id"] == doc.id
    a.sync()
    names_a, names_b = a.canvas_names(), b.canvas_names()
    assert names_a == names_b
    assert names_a[0] == "Draft by A"  # published first: canonical
    copy_name = names_a[1]
    assert copy_name.startswith("Draft by B (conflict copy, ") and copy_name.endswith(" UTC)")
    assert b.store.db.engine  # device name (host name) and minute are in the label
    assert datetime.now(UTC).strftime("%Y-%m-%d") in copy_name
    # The copy is a real, separate canvas with its own id, on both devices.
    copy_id = report.conflicts[0]["copy_id"]
    assert a.store.canvases.get(copy_id).id == copy_id
    # Both devices list the conflict.
    for dev in (a, b):
        views = Conflicts(dev.store.db).open_conflicts()
        assert [(v.object_id, v.copy_id) for v in views] == [(doc.id, copy_id)]
    assert a.snapshot() == b.snapshot()


def test_resolving_a_conflict_travels_to_the_other_device(make_device) -> None:
    a, b, doc = _synced_pair(make_device)
    a.rename_canvas(doc.id, "A")
    b.rename_canvas(doc.id, "B")
    a.sync()
    b.sync()
    a.sync()
    conflict = Conflicts(a.store.db).open_conflicts()[0]
    Conflicts(a.store.db).resolve(conflict.id, Resolution.KEEP_COPY)
    assert a.canvas_names() == ["B"]
    a.sync()
    b.sync()
    assert b.canvas_names() == ["B"]
    assert Conflicts(b.store.db).open_conflicts() == []
    assert a.snapshot() == b.snapshot()


def test_edit_beats_delete_in_either_order(make_device) -> None:
    a, b, doc = _synced_pair(make_device)
    # A edits, B deletes; the delete arrives first.
    a.rename_canvas(doc.id, "kept edit")
    b.store.db.engine  # noqa: B018
    _soft_delete_canvas(b, doc.id)
    b.sync()
    report = a.sync()
    assert [u["id"] for u in report.uploaded] == [doc.id]
    b.sync()
    assert a.canvas_names() == b.canvas_names() == ["kept edit"]

    # Now the edit arrives first: B edits, A deletes.
    b.rename_canvas(doc.id, "edit again")
    _soft_delete_canvas(a, doc.id)
    b.sync()
    report = a.sync()
    assert report.conflicts == []
    assert a.canvas_names() == ["edit again"]
    a.sync(), b.sync()
    assert a.snapshot() == b.snapshot()


def _soft_delete_canvas(dev, doc_id: str) -> None:
    from sqlalchemy import update

    from studio_app.store.models import CanvasDocumentRow

    now = datetime.now(UTC)
    with dev.store.db.session() as s:
        s.execute(update(CanvasDocumentRow).where(CanvasDocumentRow.id == doc_id).values(deleted_at=now,
                                                                                         updated_at=now))


def test_identical_edits_are_not_a_conflict(make_device) -> None:
    a, b, doc = _synced_pair(make_device)
    a.rename_canvas(doc.id, "Same name")
    b.rename_canvas(doc.id, "Same name")
    a.sync()
    report = b.sync()
    assert report.conflicts == [] and report.uploaded == []
    assert report.adopted == 1
    assert a.canvas_names() == b.canvas_names() == ["Same name"]
    assert a.snapshot() == b.snapshot()  # B took A's updated_at too


def test_a_clock_a_day_ahead_does_not_win_over_a_newer_edit(make_device, monkeypatch) -> None:
    a, b, doc = _synced_pair(make_device)
    real_now = repositories._now
    monkeypatch.setattr(repositories, "_now", lambda: real_now() + timedelta(days=1))
    a.rename_canvas(doc.id, "A, clock a day ahead")
    monkeypatch.setattr(repositories, "_now", real_now)
    a.sync()
    b.sync()
    b.rename_canvas(doc.id, "B, later edit with an earlier timestamp")
    b.sync()
    report = a.sync()
    assert report.conflicts == []
    assert a.canvas_names() == ["B, later edit with an earlier timestamp"]


def test_empty_listing_stops_the_sync_and_changes_nothing(make_device, moto_server, bucket) -> None:
    a = make_device("A")
    for i in range(3):
        a.add_media(f"m{i}")
    a.sync()
    before = a.snapshot()
    c = moto_server.client()
    for o in c.list_objects_v2(Bucket=bucket)["Contents"]:
        c.delete_object(Bucket=bucket, Key=o["Key"])
    with pytest.raises(SyncSafetyError) as err:
        a.sync()
    assert err.value.reason == "empty_listing" and "3 objects" in str(err.value)
    assert a.snapshot() == before
    report = a.sync(confirm=True)  # the user confirms: upload everything again
    assert len(report.uploaded) == 3
    assert a.sync().changed_anything is False


def test_mass_delete_from_the_bucket_stops_and_asks(make_device) -> None:
    a, b = make_device("A"), make_device("B")
    items = [a.add_media(f"m{i}") for i in range(4)]
    a.sync(), b.sync()
    a.store.media.soft_delete([m.id for m in items[:3]])
    a.sync()
    with pytest.raises(SyncSafetyError) as err:
        b.sync()
    assert err.value.reason == "mass_delete" and err.value.count == 3
    assert b.store.media.count() == 4  # nothing deleted yet
    report = b.sync(confirm=True)
    assert len(report.deleted) == 3 and b.store.media.count() == 1


def test_stale_if_match_loses_and_is_merged_as_a_conflict(make_device) -> None:
    """B decides to push with the etag it listed; A publishes in between, so B's If-Match PUT gets
    412; B re-reads, sees A's edit and keeps its own as a conflict copy."""
    a, b, doc = _synced_pair(make_device)
    a.rename_canvas(doc.id, "A wins the race")
    b.rename_canvas(doc.id, "B loses the race")
    fired = threading.Event()

    def on_progress(p) -> None:
        if p.phase == "uploading" and not fired.is_set():
            fired.set()
            a.sync()

    report = b.engine(progress=on_progress).run()
    assert fired.is_set()
    assert len(report.conflicts) == 1
    a.sync()
    assert a.canvas_names() == b.canvas_names()
    assert a.canvas_names()[0] == "A wins the race"
    assert a.canvas_names()[1].startswith("B loses the race (conflict copy")


def test_create_only_put_lets_exactly_one_writer_win(moto_server, bucket) -> None:
    r = S3Remote(RemoteConfig(moto_server.endpoint, "us-east-1", bucket, max_connections=16),
                 Credentials(ACCESS_KEY, SECRET_KEY))
    wins: list[int] = []
    losses: list[int] = []
    barrier = threading.Barrier(8)

    def race(i: int) -> None:
        barrier.wait()
        try:
            r.put_bytes("studio/objects/canvas_document/race.json", b"{}" * 1000, if_none_match=True)
            wins.append(i)
        except PreconditionFailedError:
            losses.append(i)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(losses) == 7


def test_without_conditional_writes_a_clobbered_edit_comes_back_as_a_conflict_copy(make_device, moto_server,
                                                                                    bucket) -> None:
    """On a bucket without compare-and-swap a racing writer can overwrite our record. The version
    vector shows our version is gone from the bucket, so the next run keeps it as a conflict copy."""
    a, b, doc = _synced_pair(make_device, conditional_writes="off")
    b.rename_canvas(doc.id, "B's published edit")
    b.sync()
    key = f"studio/objects/canvas_document/{doc.id}.json"
    c = moto_server.client()
    published = SyncRecord.model_validate_json(c.get_object(Bucket=bucket, Key=key)["Body"].read())
    data = dict(published.data)
    data["name"] = "writer that never saw B"
    data["document"] = {**data["document"], "name": "writer that never saw B"}
    stale = {k: v for k, v in published.version.items() if k != published.device_id}
    clobber = published.model_copy(update={"data": data, "content_hash": content_hash(data, False),
                                           "version": {**stale, "c0ffee": 1}, "device_id": "c0ffee"})
    c.put_object(Bucket=bucket, Key=key, Body=clobber.to_bytes())
    report = b.sync()
    assert len(report.conflicts) == 1
    assert b.canvas_names() == ["B's published edit (conflict copy" + b.canvas_names()[0][len("B's published edit (conflict copy"):],
                                "writer that never saw B"] or sorted(b.canvas_names())[1] == "writer that never saw B"
    assert any(n.startswith("B's published edit (conflict copy") for n in b.canvas_names())
    a.sync()
    assert a.snapshot() == b.snapshot()
