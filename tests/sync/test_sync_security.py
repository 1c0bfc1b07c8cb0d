"""Hostile bucket content: keys that try to escape, records with bad paths. Nothing outside the
data dir is written, nothing bad is imported, and the run still finishes."""

from __future__ import annotations

import json
import os

from studio_app.sync.records import content_hash

from .devices import PREFIX


def _tree(path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


def test_hostile_keys_are_ignored_and_nothing_escapes_the_data_dir(make_device, moto_server, bucket,
                                                                   tmp_path) -> None:
    a, b = make_device("A"), make_device("B")
    a.add_media("logo")
    a.sync()
    c = moto_server.client()
    evil = [f"{PREFIX}/objects/media_asset/../../../../escaped.json", f"{PREFIX}/objects/../escaped.json",
            f"{PREFIX}/objects/media_asset/x/../../y.json", f"{PREFIX}/objects/unknown_kind/x.json",
            f"{PREFIX}/blobs/ab/../../../escaped", f"{PREFIX}/repair/../../escaped"]
    for key in evil:
        c.put_object(Bucket=bucket, Key=key, Body=b'{"format": 1}')
    outside_before = _tree(tmp_path) - _tree(b.root) if b.root.exists() else _tree(tmp_path)
    report = b.sync()
    assert report.ignored_keys == 4  # the repair/blob keys are not even listed by the object scan
    assert len(report.downloaded) == 1
    outside_after = {p for p in _tree(tmp_path) if not p.startswith(("A", "B"))}
    assert outside_after == {p for p in outside_before if not p.startswith(("A", "B"))}
    assert not list(tmp_path.rglob("escaped*"))


def test_a_record_pointing_at_a_local_path_is_refused(make_device, moto_server, bucket) -> None:
    a, b = make_device("A"), make_device("B")
    m = a.add_media("logo", os.urandom(100))
    a.sync()
    key = f"{PREFIX}/objects/media_asset/{m.id}.json"
    c = moto_server.client()
    rec = json.loads(c.get_object(Bucket=bucket, Key=key)["Body"].read())
    rec["data"]["url"] = "file:///etc/passwd"
    rec["data"]["storage_path"] = "../../../../etc/passwd"
    rec["content_hash"] = content_hash(rec["data"], False)
    c.put_object(Bucket=bucket, Key=key, Body=json.dumps(rec).encode())
    report = b.sync()
    assert report.downloaded == []
    assert report.deferred and "not a blob:<sha256> reference" in report.deferred[0]["reason"]
    assert b.store.media.count() == 0


def test_a_tampered_record_fails_its_content_hash(make_device, moto_server, bucket) -> None:
    a, b = make_device("A"), make_device("B")
    doc = a.new_canvas("draft")
    a.sync()
    key = f"{PREFIX}/objects/canvas_document/{doc.id}.json"
    c = moto_server.client()
    rec = json.loads(c.get_object(Bucket=bucket, Key=key)["Body"].read())
    rec["data"]["name"] = "tampered"
    c.put_object(Bucket=bucket, Key=key, Body=json.dumps(rec).encode())
    report = b.sync()
    assert "content hash" in report.deferred[0]["reason"]
    assert b.canvas_names() == []
