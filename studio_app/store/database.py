"""The SQLite database: engine with WAL and foreign keys, migrated by Alembic at open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
DB_FILENAME = "studio.db"


def _alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


class Database:
    """One SQLite file (WAL journal, foreign keys on) at ``path``.

    Opening runs every pending Alembic migration, so an empty file gets the whole
    schema and an old one is upgraded. Use ``session()`` as a unit of work.

    Raises:
        sqlalchemy.exc.OperationalError: the file is not a database or not writable.
    """

    def __init__(self, path: Path | str, *, migrate: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.path}", future=True)

        @event.listens_for(self.engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()

        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.upgrade()

    def upgrade(self, revision: str = "head") -> None:
        """Run Alembic migrations up to ``revision``."""
        command.upgrade(_alembic_config(self.engine), revision)

    def current_revision(self) -> str | None:
        """The Alembic revision the file is at (None for an empty file)."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        """The newest revision this app ships."""
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
