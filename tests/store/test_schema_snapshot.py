"""A brand-new database is made from the migrated-head snapshot, not by Alembic, and is the same."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from studio_app.store import _schema_head
from studio_app.store.database import SCHEMA_HEAD, Database
from studio_app.store.repositories import JobRepository
from studio_app.store.schema_snapshot import migrated_head_statements, render_snapshot_module, schema_rows


def _rows(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return schema_rows(con) + [("alembic_version", *r) for r in con.execute("SELECT * FROM alembic_version")]
    finally:
        con.close()


def test_the_snapshot_is_of_the_head_and_current() -> None:
    head, statements = migrated_head_statements()
    assert _schema_head.REVISION == SCHEMA_HEAD == head
    current = Path(_schema_head.__file__).read_text(encoding="utf-8")
    assert current == render_snapshot_module(head, statements), \
        "migrations changed: run `python -m studio_app.store.schema_snapshot`"


def test_a_new_file_from_the_snapshot_is_identical_to_one_migrated_by_alembic(tmp_path: Path) -> None:
    Database(tmp_path / "snap.db").close()
    migrated = Database(tmp_path / "alembic.db", migrate=False)
    migrated.upgrade()
    migrated.close()
    snap, full = _rows(tmp_path / "snap.db"), _rows(tmp_path / "alembic.db")
    assert snap == full
    assert {r[1] for r in snap if r[0] == "trigger"} and ("table", "sqlite_sequence") in {r[:2] for r in snap}
    assert ("alembic_version", SCHEMA_HEAD) in snap


def test_a_new_file_does_not_import_alembic_and_works(tmp_path: Path) -> None:
    for name in [m for m in sys.modules if m.split(".")[0] == "alembic"]:
        del sys.modules[name]
    db = Database(tmp_path / "studio.db")
    assert not [m for m in sys.modules if m.split(".")[0] == "alembic"]
    assert db.stored_revision() == SCHEMA_HEAD
    from studio_app.domain.asset_types import AssetType
    from studio_app.domain.jobs import GenerationJob

    job = JobRepository(db).add(GenerationJob(asset_type=AssetType.OVERLAY))  # the sync trigger queues it
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT kind, object_id FROM sync_outbox").all() == [("generation_job", job.id)]
    assert db.current_revision() == db.head_revision() == SCHEMA_HEAD  # Alembic agrees
    db.close()


def test_a_file_with_tables_but_no_revision_is_left_to_alembic(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "studio.db")
    con.execute("CREATE TABLE media_assets (id TEXT)")
    con.commit()
    con.close()
    with pytest.raises(Exception, match="already exists"):  # as before: Alembic's 0001 refuses
        Database(tmp_path / "studio.db")
    con = sqlite3.connect(tmp_path / "studio.db")
    assert [r[1] for r in con.execute("PRAGMA table_info(media_assets)")] == ["id"]  # the user's table untouched
    con.close()
