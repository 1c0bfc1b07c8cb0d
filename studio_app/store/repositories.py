"""Repositories: domain models in, domain models out; one class per table.

Each method opens its own transaction through ``Database.session()``. Soft-deleted
rows (``deleted_at`` set) are invisible to reads. The media library's and the generation
jobs' repositories live in :mod:`.media_repository` and :mod:`.job_repository`; this module
re-exports them with the shared :class:`NotFoundError`.
"""

from __future__ import annotations

import builtins

from sqlalchemy import ColumnElement, exists, or_, select, update

from studio_app.domain.asset import Asset
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachSession, CoachSessionSummary

from .job_repository import JobRepository
from .media_repository import MediaAssetRepository, MediaSort
from .models import AssetRow, BrandKitRow, CanvasDocumentRow, CoachSessionRow, MediaAssetRow
from .repository_base import DumpedModelRepository, NotFoundError, TableRepository, aware, live_row
from .repository_base import now as _now  # one name tests can patch to move this module's clock

__all__ = [
    "AssetRepository",
    "BrandKitRepository",
    "CanvasDocumentRepository",
    "CoachSessionRepository",
    "JobRepository",
    "MediaAssetRepository",
    "MediaSort",
    "NotFoundError",
]


def _asset_from_row(row: AssetRow) -> Asset:
    a = Asset.model_validate(row, from_attributes=True)
    return a.model_copy(update={"created_at": aware(a.created_at)})


class AssetRepository(DumpedModelRepository[Asset]):
    """Generated assets."""

    row_type = AssetRow

    def get(self, asset_id: str) -> Asset:
        """Raises NotFoundError when missing or deleted."""
        with self.db.session() as s:
            row = live_row(s, AssetRow, asset_id, "asset")
            return _asset_from_row(row)

    def list(self, *, job_id: str | None = None, coach_session_id: str | None = None,
             limit: int = 200) -> list[Asset]:
        """Live generated assets, newest first."""
        q = select(AssetRow).where(AssetRow.deleted_at.is_(None)).order_by(AssetRow.created_at.desc())
        if job_id:
            q = q.where(AssetRow.job_id == job_id)
        if coach_session_id:
            q = q.where(AssetRow.coach_session_id == coach_session_id)
        with self.db.session() as s:
            return [_asset_from_row(r) for r in s.scalars(q.limit(limit))]

    def soft_delete(self, asset_id: str) -> Asset:
        """Tombstone one generated asset (``deleted_at`` set, so sync publishes the delete).

        Returns the asset as it was. Raises NotFoundError when missing or already deleted.
        """
        stamp = _now()
        with self.db.session() as s:
            row = live_row(s, AssetRow, asset_id, "asset")
            before = _asset_from_row(row)
            row.deleted_at = stamp
            row.updated_at = stamp
            return before

    def blob_in_use(self, digest: str) -> bool:
        """True when a live generated asset, or any media asset row (tombstoned media keep
        their blobs for undo and sync), still references blob ``digest``."""
        ref = f"blob:{digest}"
        with self.db.session() as s:
            live_asset = s.scalar(select(exists().where(AssetRow.content_hash == digest,
                                                        AssetRow.deleted_at.is_(None))))
            media = s.scalar(select(exists().where(or_(
                MediaAssetRow.content_hash == digest, MediaAssetRow.url == ref, MediaAssetRow.storage_path == ref,
                MediaAssetRow.thumbnail_url == ref, MediaAssetRow.processed_url == ref,
                MediaAssetRow.processed_storage_path == ref))))
            return bool(live_asset or media)


class BrandKitRepository(TableRepository):
    """Brand kits; at most one is active."""

    def save(self, kit: BrandKit) -> BrandKit:
        """Insert or update ``kit``; activating it deactivates the others."""
        with self.db.session() as s:
            if kit.is_active:
                s.execute(update(BrandKitRow).where(BrandKitRow.id != kit.id).values(is_active=False))
            row = s.get(BrandKitRow, kit.id)
            data = kit.model_dump(exclude={"created_at"})
            data["updated_at"] = _now()
            if row is None:
                s.add(BrandKitRow(**data, created_at=kit.created_at))
            else:
                for k, v in data.items():
                    setattr(row, k, v)
        return kit

    def get(self, kit_id: str) -> BrandKit:
        """Raises NotFoundError when missing or deleted."""
        with self.db.session() as s:
            row = live_row(s, BrandKitRow, kit_id, "brand kit")
            return BrandKit.model_validate(row, from_attributes=True)

    def list(self) -> list[BrandKit]:
        """Live kits by name."""
        with self.db.session() as s:
            q = select(BrandKitRow).where(BrandKitRow.deleted_at.is_(None)).order_by(BrandKitRow.name)
            return [BrandKit.model_validate(r, from_attributes=True) for r in s.scalars(q)]

    def active(self) -> BrandKit | None:
        """The active kit, or None."""
        return next((k for k in self.list() if k.is_active), None)

    def soft_delete(self, kit_id: str) -> None:
        """Tombstone a kit."""
        with self.db.session() as s:
            stamp = _now()
            s.execute(update(BrandKitRow).where(BrandKitRow.id == kit_id).values(deleted_at=stamp, updated_at=stamp))


class CanvasDocumentRepository(TableRepository):
    """Canvas documents known to the library (JSON of the CanvasDocument)."""

    def save(self, doc: CanvasDocument, file_path: str | None = None) -> None:
        """Insert or replace the stored copy of ``doc``."""
        with self.db.session() as s:
            row = s.get(CanvasDocumentRow, doc.id)
            data = doc.model_dump(mode="json")
            if row is None:
                s.add(CanvasDocumentRow(id=doc.id, name=doc.name, asset_type=doc.asset_type.value,
                                        document=data, file_path=file_path))
            else:
                row.name, row.asset_type, row.document = doc.name, doc.asset_type.value, data
                row.deleted_at = None
                if file_path:
                    row.file_path = file_path
                row.updated_at = _now()

    def get(self, doc_id: str) -> CanvasDocument:
        """Raises NotFoundError when missing or deleted."""
        with self.db.session() as s:
            row = live_row(s, CanvasDocumentRow, doc_id, "canvas document")
            return CanvasDocument.model_validate(row.document)

    def list(self) -> list[CanvasDocument]:
        """Live documents, most recently updated first."""
        with self.db.session() as s:
            q = (select(CanvasDocumentRow).where(CanvasDocumentRow.deleted_at.is_(None))
                 .order_by(CanvasDocumentRow.updated_at.desc()))
            return [CanvasDocument.model_validate(r.document) for r in s.scalars(q)]


class CoachSessionRepository(TableRepository):
    """Coach sessions with their messages."""

    def save(self, session: CoachSession) -> CoachSession:
        """Insert or update ``session``."""
        data = session.model_dump(mode="json")
        for key in ("created_at", "updated_at", "ended_at"):
            data[key] = getattr(session, key)
        data["updated_at"] = _now()
        with self.db.session() as s:
            row = s.get(CoachSessionRow, session.id)
            if row is None:
                s.add(CoachSessionRow(**data))
            else:
                for k, v in data.items():
                    setattr(row, k, v)
        return session.model_copy(update={"updated_at": data["updated_at"]})

    def get(self, session_id: str) -> CoachSession:
        """Raises NotFoundError when missing or deleted."""
        with self.db.session() as s:
            row = live_row(s, CoachSessionRow, session_id, "coach session")
            return _coach_from_row(row)

    def list(self, limit: int = 100, offset: int = 0) -> list[CoachSession]:
        """Live sessions, most recently updated first."""
        with self.db.session() as s:
            q = (select(CoachSessionRow).where(CoachSessionRow.deleted_at.is_(None))
                 .order_by(CoachSessionRow.updated_at.desc()).offset(offset).limit(limit))
            return [_coach_from_row(r) for r in s.scalars(q)]

    def summaries(self, limit: int = 100, offset: int = 0,
                  status: str | None = None) -> builtins.list[CoachSessionSummary]:
        """Live sessions as list rows (no messages or context loaded), most recently updated first."""
        cols = (CoachSessionRow.id, CoachSessionRow.asset_type, CoachSessionRow.mood,
                CoachSessionRow.game_context, CoachSessionRow.status, CoachSessionRow.turns_used,
                CoachSessionRow.current_prompt, CoachSessionRow.generated_asset_ids,
                CoachSessionRow.created_at, CoachSessionRow.updated_at, CoachSessionRow.ended_at)
        q = select(*cols).where(CoachSessionRow.deleted_at.is_(None))
        if status:
            q = q.where(CoachSessionRow.status == status)
        q = q.order_by(CoachSessionRow.updated_at.desc()).offset(offset).limit(limit)
        with self.db.session() as s:
            rows = s.execute(q).all()
        return [CoachSessionSummary(
            id=r.id, asset_type=r.asset_type, mood=r.mood, game_context=r.game_context, status=r.status,
            turns_used=r.turns_used, current_prompt=r.current_prompt, has_assets=bool(r.generated_asset_ids),
            created_at=aware(r.created_at), updated_at=aware(r.updated_at), ended_at=aware(r.ended_at),
        ) for r in rows]

    def count(self, status: str | None = None) -> int:
        """Number of live sessions (with ``status``, if given)."""
        where: list[ColumnElement[bool]] = [CoachSessionRow.deleted_at.is_(None)]
        if status:
            where.append(CoachSessionRow.status == status)
        return self._count(CoachSessionRow, *where)

    def soft_delete(self, session_id: str) -> None:
        """Tombstone a session."""
        with self.db.session() as s:
            stamp = _now()
            s.execute(update(CoachSessionRow).where(CoachSessionRow.id == session_id)
                      .values(deleted_at=stamp, updated_at=stamp))


def _coach_from_row(row: CoachSessionRow) -> CoachSession:
    cs = CoachSession.model_validate(row, from_attributes=True)
    return cs.model_copy(update={k: aware(getattr(cs, k)) for k in ("created_at", "updated_at", "ended_at")})
