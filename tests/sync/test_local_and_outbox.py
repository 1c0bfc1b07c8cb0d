"""Local side: outbox triggers, the apply guard, migration 0002 on an existing library, and the
checks remote data must pass before it touches the database."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import MediaAsset
from studio_app.store.database import Database
from studio_app.sync.local import LocalRecords
from studio_app.sync.records import RecordFormatError
from studio_app.sync.state import SyncStateStore


def _media(store, name="logo") -> MediaAsset:
    digest = store.blobs.put(os.urandom(100))
    now = datetime.now(UTC)
    return store.media.add(MediaAsset(id=str(uuid.uuid4()), asset_type="logo", display_name=name,
                                      url=f"blob:{digest}", storage_path=f"blob:{digest}", content_hash=digest,
                                      created_at=now, updated_at=now))


def _outbox(store) -> list[tuple[str, str, str]]:
    with store.db.engine.connect() as c:
        return [tuple(r) for r in c.execute(text("SELECT kind, object_id, op FROM sync_outbox ORDER BY seq"))]


def test_every_write_to_a_synced_table_lands_in_the_outbox(store) -> None:
    m = _media(store)
    store.media.update(m.id, tags=["x"])
    store.media.soft_delete([m.id])
    doc = CanvasDocument(name="d")
    store.canvases.save(doc)
    with store.db.engine.begin() as c:
        c.execute(text("DELETE FROM canvas_documents WHERE id = :i"), {"i": doc.id})
    # One row per object: the latest change, with the highest seq.
    assert _outbox(store) == [("media_asset", m.id, "upsert"), ("canvas_document", doc.id, "delete")]
    assert SyncStateStore(store.db).outbox_count() == 2


def test_an_edit_during_a_push_stays_queued(store) -> None:
    m = _media(store)
    state = SyncStateStore(store.db)
    top, pending = state.outbox_snapshot()
    assert pending == {("media_asset", m.id): "upsert"}
    store.media.update(m.id, tags=["edited while uploading"])  # after the snapshot
    with store.db.engine.begin() as conn:
        state.clear_outbox(conn, [("media_asset", m.id)], top)
    assert _outbox(store) == [("media_asset", m.id, "upsert")]


def test_the_apply_guard_silences_triggers_only_inside_its_transaction(store) -> None:
    state = SyncStateStore(store.db)
    with store.db.engine.begin() as conn:
        state.begin_applying(conn)
        conn.execute(text("UPDATE media_assets SET display_name = 'x'"))
        state.end_applying(conn)
    assert _outbox(store) == []
    _media(store)
    assert len(_outbox(store)) == 1


def test_upgrading_an_existing_library_queues_its_rows(tmp_path) -> None:
    db = Database(tmp_path / "studio.db", migrate=False)
    db.upgrade("0001")
    now = datetime.now(UTC).isoformat(sep=" ")
    with db.engine.begin() as c:
        c.execute(text("INSERT INTO brand_kits (id, name, primary_colors, accent_colors, headline_font, body_font,"
                       " tone, logo_asset_ids, is_active, created_at, updated_at) VALUES ('k1', 'Neon', '[]', '[]',"
                       " 'a', 'b', 'c', '{}', 0, :n, :n)"), {"n": now})
    db.upgrade()
    with db.engine.connect() as c:
        rows = c.execute(text("SELECT kind, object_id FROM sync_outbox")).all()
        triggers = c.execute(text("SELECT count(*) FROM sqlite_master WHERE type='trigger'")).scalar()
    assert rows == [("brand_kit", "k1")]
    assert triggers == 18
    db.close()


def test_missing_triggers_are_recreated(store) -> None:
    with store.db.engine.begin() as c:
        c.execute(text("DROP TRIGGER trg_sync_media_assets_insert"))
    assert SyncStateStore(store.db).ensure_triggers() == ["trg_sync_media_assets_insert"]
    _media(store)
    assert len(_outbox(store)) == 1


def test_local_rows_round_trip_through_validation(store) -> None:
    m = _media(store, "Logo")
    local = LocalRecords(store.db)
    obj = local.read("media_asset", [m.id])[m.id]
    values = local.validate("media_asset", m.id, obj.data)
    with store.db.engine.begin() as conn:
        local.upsert(conn, "media_asset", m.id, values)
    assert local.read("media_asset", [m.id])[m.id].hash == obj.hash


def _valid_media_data(store) -> dict:
    m = _media(store)
    return LocalRecords(store.db).read("media_asset", [m.id])[m.id].data


@pytest.mark.parametrize(("change", "message"), [
    ({"url": "file:///etc/passwd"}, "not a blob:<sha256> reference"),
    ({"storage_path": "../../../../etc/passwd"}, "not a blob:<sha256> reference"),
    ({"thumbnail_url": "blob:../../x"}, "not a blob:<sha256> reference"),
    ({"display_name": None}, "must not be null"),
    ({"is_favorite": "yes"}, "not a boolean"),
    ({"usage_count": True}, "not an integer"),
    ({"created_at": "yesterday"}, "ISO 8601"),
    ({"asset_type": "not-a-type"}, "rejected by the domain model"),
    ({"asset_type": "x" * 40}, "longer than 32"),
])
def test_bad_remote_values_are_refused(store, change, message) -> None:
    data = {**_valid_media_data(store), **change}
    with pytest.raises(RecordFormatError, match=message) as err:
        LocalRecords(store.db).validate("media_asset", "m-1", data)
    assert "\n" not in str(err.value)


def test_unknown_columns_from_a_newer_app_are_ignored_and_missing_ones_get_defaults(store) -> None:
    data = _valid_media_data(store)
    data["column_from_the_future"] = 1
    del data["tags"]
    values = LocalRecords(store.db).validate("media_asset", "m-1", data)
    assert "column_from_the_future" not in values and values["tags"] == []


def test_a_canvas_record_must_carry_its_own_id(store) -> None:
    doc = CanvasDocument(name="d")
    store.canvases.save(doc)
    local = LocalRecords(store.db)
    data = local.read("canvas_document", [doc.id])[doc.id].data
    with pytest.raises(RecordFormatError, match="document id differs"):
        local.validate("canvas_document", "another-id", data)
    assert "file_path" not in data  # local paths never travel
