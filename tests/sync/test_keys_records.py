"""Unit tests: key layout and strict parsing, record parsing and hashing, version vectors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from studio_app.sync.errors import SyncConfigError
from studio_app.sync.keys import KeyLayout, normalize_prefix
from studio_app.sync.records import (
    MAX_RECORD_BYTES,
    RecordFormatError,
    SyncRecord,
    blob_refs,
    content_hash,
    vv_bump,
    vv_changed_by_others,
    vv_dominates,
    vv_merge,
)

SHA = "ab" + "0" * 62
L = KeyLayout("studio/")


@pytest.mark.parametrize(("raw", "norm"), [("studio", "studio/"), ("/team/alex/", "team/alex/"), ("", ""),
                                           (None, ""), ("a.b_c-d", "a.b_c-d/")])
def test_prefix_normalizes(raw, norm) -> None:
    assert normalize_prefix(raw) == norm


@pytest.mark.parametrize("bad", ["../x", "a/../b", "a//b", "a/./b", "a b", "a\\b", "é", ".hidden"])
def test_prefix_rejects_unsafe_segments(bad) -> None:
    with pytest.raises(SyncConfigError, match="invalid sync prefix"):
        normalize_prefix(bad)


def test_keys_round_trip() -> None:
    assert L.blob_key(SHA) == f"studio/blobs/ab/{SHA}"
    assert L.parse_blob_key(L.blob_key(SHA)) == SHA
    key = L.object_key("canvas_document", "3f1c-uuid")
    assert key == "studio/objects/canvas_document/3f1c-uuid.json"
    assert L.parse_object_key(key) == ("canvas_document", "3f1c-uuid")


@pytest.mark.parametrize("key", [
    "studio/objects/canvas_document/../../../etc/passwd.json",
    "studio/objects/canvas_document/..json",
    "studio/objects/canvas_document/a/b.json",
    "studio/objects/canvas_document/%2e%2e.json",
    "studio/objects/canvas_document/a\\..\\b.json",
    "studio/objects/../objects/canvas_document/x.json",
    "/studio/objects/canvas_document/x.json",
    "other/objects/canvas_document/x.json",
    "studio/objects/Canvas/x.json",
    "studio/objects/canvas_document/x.json/",
    "studio/objects/canvas_document/x.json\n",
    "studio/objects/canvas_document/.json",
])
def test_hostile_object_keys_do_not_parse(key) -> None:
    assert L.parse_object_key(key) is None


@pytest.mark.parametrize("key", [
    f"studio/blobs/cd/{SHA}",          # fan-out folder does not match the digest
    f"studio/blobs/ab/{SHA}.tmp",
    f"studio/blobs/ab/../{SHA}",
    f"studio/blobs/ab/{SHA.upper()}",
    "studio/blobs/ab/../../../../etc/passwd",
    f"studio/blobs/{SHA}",
])
def test_hostile_blob_keys_do_not_parse(key) -> None:
    assert L.parse_blob_key(key) is None


@pytest.mark.parametrize(("kind", "oid"), [("media_asset", "../x"), ("media_asset", "a/b"), ("Media", "x"),
                                           ("media_asset", ""), ("media_asset", "x" * 65)])
def test_object_key_refuses_ids_that_would_not_parse_back(kind, oid) -> None:
    with pytest.raises(ValueError):
        L.object_key(kind, oid)


def _record(**over) -> dict:
    data = {"name": "Draft", "updated_at": "2026-01-01T00:00:00+00:00", "deleted_at": None}
    rec = {"format": 1, "kind": "canvas_document", "id": "doc-1", "device_id": "dev1",
           "updated_at": "2026-01-01T00:00:00+00:00", "deleted": False, "version": {"dev1": 1},
           "content_hash": content_hash(data, False), "blobs": [], "data": data}
    rec.update(over)
    return rec


def _parse(rec: dict | bytes, kind="canvas_document", oid="doc-1") -> SyncRecord:
    raw = rec if isinstance(rec, bytes) else json.dumps(rec).encode()
    return SyncRecord.parse(raw, key="k", kind=kind, object_id=oid)


def test_a_valid_record_parses_and_round_trips() -> None:
    rec = _parse(_record())
    assert rec.version == {"dev1": 1}
    assert _parse(rec.to_bytes()) == rec


@pytest.mark.parametrize(("raw", "message"), [
    (b"not json", "not JSON"),
    (json.dumps(_record(format=2)).encode(), "newer than this app"),
    (json.dumps(_record(content_hash="0" * 64)).encode(), "content hash"),
    (json.dumps(_record(id="doc-2")).encode(), "not its key"),
    (json.dumps(_record(kind="brand_kit")).encode(), "not its key"),
    (json.dumps(_record(blobs=["../../etc/passwd"])).encode(), "invalid"),
    (json.dumps(_record(version={"dev/1": 1})).encode(), "invalid"),
    (json.dumps(_record(device_id="")).encode(), "invalid"),
    (b"[1, 2]", "invalid"),
    (b" " * (MAX_RECORD_BYTES + 1), "over the"),
])
def test_bad_records_are_refused_with_a_one_line_reason(raw, message) -> None:
    with pytest.raises(RecordFormatError, match=message) as err:
        _parse(raw)
    assert "\n" not in str(err.value)


def test_content_hash_ignores_times_but_not_content_or_deletion() -> None:
    a = {"name": "x", "updated_at": "2026-01-01T00:00:00+00:00", "deleted_at": None}
    b = {**a, "updated_at": "2030-01-01T00:00:00+00:00"}
    assert content_hash(a, False) == content_hash(b, False)
    assert content_hash(a, False) != content_hash({**a, "name": "y"}, False)
    assert content_hash(a, False) != content_hash(a, True)


def test_blob_refs_finds_nested_references_only_in_exact_form() -> None:
    data = {"url": f"blob:{SHA}", "meta": {"thumbs": [f"blob:{'c' * 64}", f"xblob:{'d' * 64}"]},
            "note": f"see blob:{'e' * 64}"}
    assert set(blob_refs(data)) == {SHA, "c" * 64}


def test_version_vectors() -> None:
    assert vv_dominates({"a": 2, "b": 1}, {"a": 1})
    assert not vv_dominates({"a": 1}, {"a": 1, "b": 1})
    assert vv_merge({"a": 2}, {"a": 1, "b": 3}) == {"a": 2, "b": 3}
    assert vv_bump({"a": 1}, "b") == {"a": 1, "b": 1}
    assert not vv_changed_by_others({"a": 3}, {"a": 1}, "a")        # only our own counter moved
    assert vv_changed_by_others({"a": 1, "b": 1}, {"a": 1}, "a")    # another device published
    assert vv_changed_by_others({"b": 1}, {"a": 1}, "a")            # our version was overwritten


def test_record_times_are_timezone_aware() -> None:
    assert _parse(_record()).updated_at == datetime(2026, 1, 1, tzinfo=UTC)
