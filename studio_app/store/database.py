"""The SQLite database: engine with WAL and foreign keys, migrated by Alembic at open."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DB_FILENAME = "studio.db"
SCHEMA_HEAD = "0003_generation_sizes"
"""The newest Alembic revision this app ships. Opening a file already at this revision skips
importing Alembic (about 0.17 s of start-up); tests/store check it equals Alembic's head."""

if TYPE_CHECKING:
    from alembic.config import Config


def _alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


class Database:
    """One SQLite file (WAL journal, foreign keys on) at ``path``.

    Opening runs every pending Alembic migration, so an old file is upgraded; an empty file
    gets the whole head schema from the migrated-head snapshot (:mod:`.schema_snapshot`),
    identical to what the migrations make, without importing Alembic. Use ``session()`` as a unit of work.

    Raises:
        sqlalchemy.exc.OperationalError: the file is not a database or not writable.
    """

    def __init__(self, path: Path | str, *, migrate: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.path}", future=True)

        @event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        if migrate and self.stored_revision() != SCHEMA_HEAD and not self._create_from_snapshot():
            self.upgrade()

    def upgrade(self, revision: str = "head") -> None:
        """Run Alembic migrations up to ``revision``."""
        from alembic import command

        command.upgrade(_alembic_config(self.engine), revision)

    def _create_from_snapshot(self) -> bool:
        """Give a file without any table the head schema from :mod:`.schema_snapshot` (no Alembic
        import, one transaction); False, and nothing done, when the file has tables or the
        snapshot is not of SCHEMA_HEAD."""
        from studio_app.store import _schema_head
        from studio_app.store.schema_snapshot import create_statements

        if _schema_head.REVISION != SCHEMA_HEAD:
            return False
        raw = self.engine.raw_connection()
        # the sqlite:/// URL always runs on the standard library's sqlite3 driver
        con = cast(sqlite3.Connection, raw.driver_connection)
        try:
            con.execute("BEGIN IMMEDIATE")  # a second process opening the same new file waits here
            if con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                con.rollback()
                return False
            for statement in create_statements(list(_schema_head.STATEMENTS), SCHEMA_HEAD):
                con.execute(statement)
            con.commit()
        except BaseException:
            con.rollback()
            raise
        finally:
            raw.close()
        return True

    def stored_revision(self) -> str | None:
        """The revision recorded in ``alembic_version`` (None for an empty file), read with
        plain SQL so start-up need not import Alembic."""
        try:
            with self.engine.connect() as conn:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:
            return None

    def current_revision(self) -> str | None:
        """The Alembic revision the file is at (None for an empty file)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        """The newest revision in the migrations folder (Alembic's view)."""
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(_alembic_config(self.engine)).get_current_head()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: commits on success, rolls back on error."""
        with self._sessionmaker() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def close(self) -> None:
        """Release all connections."""
        self.engine.dispose()
