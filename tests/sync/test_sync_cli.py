"""``studio sync``: JSON report, connection test, conflicts, and one-line errors with exit codes."""

from __future__ import annotations

import json

import pytest

from studio_app.cli import main
from studio_app.sync.credentials import Credentials
from studio_app.sync.keys import KeyLayout
from studio_app.sync.lock import SyncLock
from studio_app.sync.probe import test_connection as probe_connection
from studio_app.sync.remote import RemoteConfig, S3Remote

from .moto_server import ACCESS_KEY, SECRET_KEY, free_port


@pytest.fixture
def sync_env(monkeypatch, moto_server, bucket):
    for var in ("STUDIO_SYNC_ENDPOINT", "STUDIO_SYNC_BUCKET", "STUDIO_SYNC_PREFIX", "STUDIO_SYNC_REGION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("STUDIO_SYNC_ENDPOINT", moto_server.endpoint)
    monkeypatch.setenv("STUDIO_SYNC_BUCKET", bucket)
    monkeypatch.setenv("STUDIO_SYNC_PREFIX", "studio")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    return monkeypatch


def _run(capsys, *argv) -> tuple[int, dict | str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except ValueError:
        return code, out, err


def test_studio_sync_json_reports_what_moved_in_a_real_process(make_device) -> None:
    a, b = make_device("A"), make_device("B")
    m = a.add_media("logo")
    doc = a.new_canvas("draft")
    result = a.cli("--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert sorted(i["id"] for i in report["uploaded"]) == sorted([m.id, doc.id])
    assert {"uploaded", "downloaded", "deleted", "conflicts"} <= set(report)
    pulled = json.loads(b.cli("--json").stdout)
    assert sorted(i["id"] for i in pulled["downloaded"]) == sorted([m.id, doc.id])
    again = json.loads(b.cli("--json").stdout)
    assert again["uploaded"] == again["downloaded"] == [] and again["requests"] == {"ListObjectsV2": 2}


def test_conflicts_and_resolve_commands(make_device, sync_env, capsys) -> None:
    a, b = make_device("A"), make_device("B")
    doc = a.new_canvas("draft")
    a.sync(), b.sync()
    a.rename_canvas(doc.id, "A"), b.rename_canvas(doc.id, "B")
    a.sync()
    code, report, _ = _run(capsys, "--data-dir", str(b.root), "sync", "--json")
    assert code == 0 and len(report["conflicts"]) == 1
    code, listing, _ = _run(capsys, "--data-dir", str(b.root), "sync", "conflicts", "--json")
    cid = listing["conflicts"][0]["id"]
    assert listing["conflicts"][0]["object_id"] == doc.id
    code, _, _ = _run(capsys, "--data-dir", str(b.root), "sync", "resolve", cid, "--keep", "canonical")
    assert code == 0 and b.canvas_names() == ["A"]
    code, _out, err = _run(capsys, "--data-dir", str(b.root), "sync", "resolve", cid, "--keep", "copy")
    assert code == 1 and err.count("\n") == 1 and "no open conflict" in err


def test_sync_test_reports_conditional_write_support(make_device, sync_env, capsys) -> None:
    a = make_device("A")
    code, result, _ = _run(capsys, "--data-dir", str(a.root), "sync", "test", "--json")
    assert code == 0 and result["ok"] and result["conditional"] == "full"
    assert result["if_none_match"] is True and result["if_match"] is True


def test_a_store_that_ignores_conditional_headers_is_detected(proxy, bucket) -> None:
    proxy.strip_conditional = True
    remote = S3Remote(RemoteConfig(proxy.endpoint, "us-east-1", bucket), Credentials(ACCESS_KEY, SECRET_KEY))
    result = probe_connection(remote, KeyLayout("studio/"), "dev")
    assert result.ok and result.conditional == "none"
    assert "fallback" in result.message


def test_without_a_bucket_the_error_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    for var in ("STUDIO_SYNC_ENDPOINT", "STUDIO_SYNC_BUCKET"):
        monkeypatch.delenv(var, raising=False)
    code, _out, err = _run(capsys, "--data-dir", str(tmp_path / "d"), "sync")
    assert code == 1 and err.count("\n") == 1 and "sync is not set up" in err


def test_bad_environment_value_is_a_one_line_error(tmp_path, sync_env, capsys) -> None:
    sync_env.setenv("STUDIO_SYNC_ENDPOINT", "ftp://nope")
    code, out, err = _run(capsys, "--data-dir", str(tmp_path / "d"), "sync", "--json")
    assert code == 1 and out["ok"] is False and "STUDIO_SYNC_ENDPOINT" in out["error"]
    assert err.count("\n") == 1


def test_unreachable_endpoint_reports_offline_and_keeps_the_outbox(make_device, sync_env, capsys) -> None:
    a = make_device("A")
    a.add_media("logo")
    sync_env.setenv("STUDIO_SYNC_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    code, out, _err = _run(capsys, "--data-dir", str(a.root), "sync", "--json")
    assert code == 1 and "cannot reach" in out["error"]
    code, status, _ = _run(capsys, "--data-dir", str(a.root), "sync", "status", "--json")
    assert status["pending"] == 1 and "cannot reach" in status["last_error"]


def test_safety_stop_exits_3_and_yes_goes_on(make_device, sync_env, moto_server, bucket, capsys) -> None:
    a = make_device("A")
    a.add_media("x"), a.add_media("y")
    a.sync()
    c = moto_server.client()
    for o in c.list_objects_v2(Bucket=bucket)["Contents"]:
        c.delete_object(Bucket=bucket, Key=o["Key"])
    code, out, err = _run(capsys, "--data-dir", str(a.root), "sync", "--json")
    assert code == 3 and out["reason"] == "empty_listing" and "--yes" in err
    code, out, _ = _run(capsys, "--data-dir", str(a.root), "sync", "--json", "--yes")
    assert code == 0 and len(out["uploaded"]) == 2


def test_a_second_concurrent_sync_refuses_to_start(make_device, sync_env, capsys) -> None:
    a = make_device("A")
    with SyncLock(a.root):
        code, _out, err = _run(capsys, "--data-dir", str(a.root), "sync")
    assert code == 4 and "another sync" in err
