"""The SQLite store through a real file: migrations, WAL, foreign keys, state machine, blobs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio_app.domain.asset_types import AssetType
from studio_app.domain.jobs import VALID_TRANSITIONS, GenerationJob, InvalidStateTransitionError, JobStatus
from studio_app.domain.media import MediaAsset
from studio_app.store.blobs import BlobStore, sha256_hex
from studio_app.store.database import Database
from studio_app.store.repositories import JobRepository, MediaAssetRepository, NotFoundError
from studio_app.store.settings import SettingsStore


def test_empty_file_is_migrated_to_head_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(tmp_path / "studio.db")
    assert db.current_revision() == db.head_revision() is not None
    con = sqlite3.connect(tmp_path / "studio.db")
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"media_assets", "brand_kits", "canvas_documents", "generation_jobs", "assets",
            "coach_sessions", "alembic_version"} <= tables
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("pragma foreign_keys").scalar() == 1
    db.close()
    # opening again is a no-op migration
    assert Database(tmp_path / "studio.db").current_revision() == db.head_revision()


def test_schema_head_constant_is_alembics_head(tmp_path: Path) -> None:
    from studio_app.store.database import SCHEMA_HEAD

    db = Database(tmp_path / "studio.db")
    assert db.head_revision() == SCHEMA_HEAD == db.stored_revision()


def test_a_file_behind_head_is_upgraded_at_open(tmp_path: Path) -> None:
    db = Database(tmp_path / "studio.db", migrate=False)
    db.upgrade("0001")
    assert db.stored_revision() == "0001"
    db.close()
    assert Database(tmp_path / "studio.db").stored_revision() == db.head_revision()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = Database(tmp_path / "studio.db")
    with pytest.raises(Exception, match="FOREIGN KEY"), db.engine.begin() as conn:
        conn.exec_driver_sql(
            "insert into assets (id, job_id, asset_type, url, content_hash, width, height, file_size,"
            " provider, is_preview, is_public, created_at, updated_at)"
            " values ('a', 'no-such-job', 'thumbnail', 'u', 'h', 1, 1, 1, 'offline', 0, 0, '2026', '2026')")


def _job_db(tmp_path: Path) -> JobRepository:
    return JobRepository(Database(tmp_path / "jobs.db"))


@settings(max_examples=40, deadline=None)
@given(current=st.sampled_from(list(JobStatus)), target=st.sampled_from(list(JobStatus)))
def test_property_9_through_the_database(tmp_path_factory: pytest.TempPathFactory, current: JobStatus,
                                         target: JobStatus) -> None:
    repo = _job_db(tmp_path_factory.mktemp("p9"))
    job = repo.add(GenerationJob(asset_type=AssetType.OVERLAY, status=current))
    if target in VALID_TRANSITIONS[current]:
        assert repo.update_status(job.id, target).status == target
        assert repo.get(job.id).status == target
    else:
        with pytest.raises(InvalidStateTransitionError):
            repo.update_status(job.id, target)
        assert repo.get(job.id).status == current


def test_interrupted_jobs_fail_at_start(tmp_path: Path) -> None:
    repo = _job_db(tmp_path)
    queued = repo.add(GenerationJob(asset_type=AssetType.THUMBNAIL))
    running = repo.add(GenerationJob(asset_type=AssetType.THUMBNAIL, status=JobStatus.PROCESSING))
    done = repo.add(GenerationJob(asset_type=AssetType.THUMBNAIL, status=JobStatus.COMPLETED))
    assert sorted(repo.fail_interrupted("interrupted")) == sorted([queued.id, running.id])
    for j in (queued, running):
        got = repo.get(j.id)
        assert got.status == JobStatus.FAILED and got.error_message == "interrupted"
    assert repo.get(done.id).status == JobStatus.COMPLETED
    with pytest.raises(NotFoundError):
        repo.get("missing")


def test_media_repository_filters_search_and_tombstones(tmp_path: Path) -> None:
    repo = MediaAssetRepository(Database(tmp_path / "m.db"))
    now = datetime.now(UTC)
    for i, (name, tags, typ) in enumerate([("Cat face", ["pet", "cute"], "face"), ("Logo", ["brand"], "logo"),
                                            ("Space bg", [], "background")]):
        repo.add(MediaAsset(id=f"id{i}", asset_type=typ, display_name=name, url="blob:x", storage_path="blob:x",
                            content_hash=f"{i}" * 64, tags=tags, created_at=now, updated_at=now))
    assert [a.id for a in repo.list(search="CAT")] == ["id0"]
    assert [a.id for a in repo.list(tags=["pet", "cute"])] == ["id0"]
    assert repo.list(tags=["pet", "brand"]) == []
    assert [a.id for a in repo.list(asset_type="logo")] == ["id1"]
    assert repo.counts_by_type() == {"face": 1, "logo": 1, "background": 1}
    assert repo.soft_delete(["id0", "nope"]) == 1
    assert repo.count() == 2
    with pytest.raises(NotFoundError):
        repo.get("id0")


def test_blob_store_is_content_addressed_and_rejects_foreign_keys(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    digest = blobs.put(b"hello")
    assert digest == sha256_hex(b"hello")
    assert blobs.put(b"hello") == digest
    assert blobs.get(digest) == b"hello"
    assert blobs.resolve(blobs.ref(digest)).read_bytes() == b"hello"
    for bad in ("../../etc/passwd", "A" * 64, "ab"):
        with pytest.raises(ValueError):
            blobs.path_for(bad)
    assert not list((tmp_path / "blobs").rglob("*.tmp"))


def test_corrupt_settings_file_is_set_aside(tmp_path: Path) -> None:
    from pydantic import BaseModel

    class Section(BaseModel):
        value: int = 7

    path = tmp_path / "settings.json"
    path.write_text("{not json")
    store = SettingsStore(path)
    assert store.section("s", Section).value == 7
    assert (tmp_path / "settings.json.corrupt").exists()
    store.save_section("s", Section(value=3))
    assert SettingsStore(path).section("s", Section).value == 3
