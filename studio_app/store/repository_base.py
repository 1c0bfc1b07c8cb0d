"""What every repository shares: the not-found error, UTC times, and reading one row by id.

Each repository opens its own transaction through ``Database.session()``; soft-deleted rows
(``deleted_at`` set) are invisible to reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar, Generic, Protocol, TypeVar, overload

from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from .database import Database
from .models import Base


class NotFoundError(LookupError):
    """No live row with that id."""


def now() -> datetime:
    """The current time, UTC-aware (every stored time is UTC)."""
    return datetime.now(UTC)


@overload
def aware(dt: datetime) -> datetime: ...


@overload
def aware(dt: None) -> None: ...


def aware(dt: datetime | None) -> datetime | None:
    """``dt`` with UTC attached when it has no time zone (SQLite drops tzinfo; every stored
    time is UTC); None stays None."""
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt


class _Tombstoned(Protocol):
    @property
    def deleted_at(self) -> datetime | None: ...


RowT = TypeVar("RowT", bound=Base)


def get_row(s: Session, row_type: type[RowT], row_id: str, what: str) -> RowT:
    """The row ``row_id`` of ``row_type``, tombstoned or not.

    Raises:
        NotFoundError: no such row (the message names ``what``, e.g. "job").
    """
    row = s.get(row_type, row_id)
    if row is None:
        raise NotFoundError(f"{what} {row_id} not found")
    return row


TombstonedT = TypeVar("TombstonedT", bound=_Tombstoned)


def live_row(s: Session, row_type: type[TombstonedT], row_id: str, what: str) -> TombstonedT:
    """The live (not soft-deleted) row ``row_id`` of ``row_type``.

    Raises:
        NotFoundError: missing or deleted (the message names ``what``, e.g. "media asset").
    """
    row = s.get(row_type, row_id)
    if row is None or row.deleted_at is not None:
        raise NotFoundError(f"{what} {row_id} not found")
    return row


class TableRepository:
    """The base of a repository of one table: holds the :class:`Database`; ``_insert`` adds a
    row in a transaction of its own."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _insert(self, row: Base) -> None:
        with self.db.session() as s:
            s.add(row)

    def _count(self, row_type: type[Base], *where: ColumnElement[bool]) -> int:
        """How many rows of ``row_type`` meet every condition in ``where``."""
        q = select(func.count()).select_from(row_type).where(*where)
        with self.db.session() as s:
            return int(s.scalar(q) or 0)


ModelT = TypeVar("ModelT", bound=BaseModel)


class DumpedModelRepository(TableRepository, Generic[ModelT]):
    """A table whose rows are a domain model's fields one to one: ``add`` inserts
    ``row_type(**model.model_dump())``."""

    row_type: ClassVar[type[Base]]

    def add(self, item: ModelT) -> ModelT:
        """Insert ``item`` as a new row; returns it."""
        self._insert(self.row_type(**item.model_dump()))
        return item
