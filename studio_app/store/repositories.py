"""Repositories: domain models in, domain models out; one class per table.

Each method opens its own transaction through ``Database.session()``. Soft-deleted
rows (``deleted_at`` set) are invisible to reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import exists, func, or_, select, update

from studio_app.domain.asset import Asset
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachSession, CoachSessionSummary
from studio_app.domain.jobs import GenerationJob, JobStatus, check_transition
from studio_app.domain.media import MediaAsset

from .database import Database
from .models import (
    AssetRow,
    BrandKitRow,
    CanvasDocumentRow,
    CoachSessionRow,
    GenerationJobRow,
    MediaAssetRow,
)


class NotFoundError(LookupError):
    """No live row with that id."""


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(dt: datetime | None) -> datetime | None:
    # SQLite drops tzinfo; every stored time is UTC.
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt


def _media_from_row(row: MediaAssetRow) -> MediaAsset:
    data = {c: getattr(row, c) for c in MediaAsset.model_fields if c != "metadata"}
    data["metadata"] = row.metadata_ or {}
    for key in ("created_at", "updated_at", "last_used_at"):
        data[key] = _aware(data[key])
    return MediaAsset.model_validate(data)


MediaSort = Literal["recent", "most_used", "name"]


class MediaAssetRepository:
    """The creator media library table."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, asset: MediaAsset) -> MediaAsset:
        """Insert ``asset``; returns it as stored."""
        with self.db.session() as s:
            fields = asset.model_dump(exclude={"metadata"})
            row = MediaAssetRow(**fields, metadata_=asset.metadata)
            s.add(row)
        return asset

    def get(self, asset_id: str) -> MediaAsset:
        """The live asset ``asset_id``.

        Raises:
            NotFoundError: missing or deleted.
        """
        with self.db.session() as s:
            row = s.get(MediaAssetRow, asset_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"media asset {asset_id} not found")
            return _media_from_row(row)

    def find_by_hash(self, content_hash: str) -> MediaAsset | None:
        """A live asset whose original has this SHA-256, or None."""
        with self.db.session() as s:
            row = s.scalars(
                select(MediaAssetRow).where(
                    MediaAssetRow.content_hash == content_hash, MediaAssetRow.deleted_at.is_(None)
                )
            ).first()
            return _media_from_row(row) if row else None

    def list(
        self,
        *,
        asset_type: str | None = None,
        favorites_only: bool = False,
        tags: Sequence[str] = (),
        search: str | None = None,
        sort: MediaSort = "recent",
        limit: int | None = None,
        offset: int = 0,
    ) -> list[MediaAsset]:
        """Live assets matching every given filter.

        ``search`` matches name or description, case-insensitively; ``tags`` must
        all be present. Sort: recent (created_at desc), most_used (usage_count
        desc), name (display_name asc).
        """
        q = select(MediaAssetRow).where(MediaAssetRow.deleted_at.is_(None))
        if asset_type:
            q = q.where(MediaAssetRow.asset_type == asset_type)
        if favorites_only:
            q = q.where(MediaAssetRow.is_favorite.is_(True))
        if search:
            pattern = f"%{search.lower()}%"
            q = q.where(
                or_(
                    func.lower(MediaAssetRow.display_name).like(pattern),
                    func.lower(func.coalesce(MediaAssetRow.description, "")).like(pattern),
                )
            )
        for tag in tags:
            each = func.json_each(MediaAssetRow.tags).table_valued("value")
            q = q.where(exists(select(1).select_from(each).where(each.c.value == tag)))
        order = {
            "recent": (MediaAssetRow.created_at.desc(),),
            "most_used": (MediaAssetRow.usage_count.desc(), MediaAssetRow.created_at.desc()),
            "name": (func.lower(MediaAssetRow.display_name).asc(),),
        }[sort]
        q = q.order_by(*order).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.db.session() as s:
            return [_media_from_row(r) for r in s.scalars(q)]

    def count(self, asset_type: str | None = None) -> int:
        """Number of live assets (of one type, if given)."""
        q = select(func.count()).select_from(MediaAssetRow).where(MediaAssetRow.deleted_at.is_(None))
        if asset_type:
            q = q.where(MediaAssetRow.asset_type == asset_type)
        with self.db.session() as s:
            return int(s.scalar(q) or 0)

    def change_marker(self) -> tuple:
        """A cheap value that differs whenever the library's rows changed: (rows including
        tombstones, live rows, latest updated_at, latest created_at). One query; the GUI compares
        it to know whether another process (``studio import``, a sync) changed the library."""
        q = select(func.count(), func.count(MediaAssetRow.deleted_at), func.max(MediaAssetRow.updated_at),
                   func.max(MediaAssetRow.created_at)).select_from(MediaAssetRow)
        with self.db.session() as s:
            return tuple(s.execute(q).one())

    def counts_by_type(self) -> dict[str, int]:
        """Live asset count per asset_type."""
        q = (
            select(MediaAssetRow.asset_type, func.count())
            .where(MediaAssetRow.deleted_at.is_(None))
            .group_by(MediaAssetRow.asset_type)
        )
        with self.db.session() as s:
            return {t: int(n) for t, n in s.execute(q)}

    def update(self, asset_id: str, **changes: Any) -> MediaAsset:
        """Set the given fields; returns the updated asset.

        Raises:
            NotFoundError: missing or deleted.
        """
        with self.db.session() as s:
            row = s.get(MediaAssetRow, asset_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"media asset {asset_id} not found")
            for key, value in changes.items():
                setattr(row, "metadata_" if key == "metadata" else key, value)
            row.updated_at = _now()
            s.flush()
            return _media_from_row(row)

    def set_primary(self, asset_id: str) -> MediaAsset:
        """Make ``asset_id`` the primary asset of its asset_type, clearing the flag on the
        others of that type, in one transaction (one primary per type).

        Raises:
            NotFoundError: missing or deleted.
        """
        with self.db.session() as s:
            row = s.get(MediaAssetRow, asset_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"media asset {asset_id} not found")
            now = _now()
            s.execute(
                update(MediaAssetRow)
                .where(MediaAssetRow.asset_type == row.asset_type, MediaAssetRow.id != asset_id,
                       MediaAssetRow.is_primary.is_(True))
                .values(is_primary=False, updated_at=now)
            )
            row.is_primary = True
            row.updated_at = now
            s.flush()
            return _media_from_row(row)

    def mark_used(self, asset_ids: Sequence[str]) -> list[MediaAsset]:
        """Add 1 to usage_count and set last_used_at = now for each id, in one transaction;
        returns the assets in the given order.

        Raises:
            NotFoundError: any id missing or deleted (nothing is changed).
        """
        now = _now()
        with self.db.session() as s:
            rows = []
            for asset_id in asset_ids:
                row = s.get(MediaAssetRow, asset_id)
                if row is None or row.deleted_at is not None:
                    raise NotFoundError(f"media asset {asset_id} not found")
                rows.append(row)
            for row in rows:
                row.usage_count = (row.usage_count or 0) + 1
                row.last_used_at = now
            s.flush()
            return [_media_from_row(r) for r in rows]

    def soft_delete(self, asset_ids: Iterable[str]) -> int:
        """Tombstone the given assets; returns how many were live."""
        ids = list(asset_ids)
        if not ids:
            return 0
        now = _now()
        with self.db.session() as s:
            result = s.execute(
                update(MediaAssetRow)
                .where(MediaAssetRow.id.in_(ids), MediaAssetRow.deleted_at.is_(None))
                .values(deleted_at=now, updated_at=now)
            )
            return int(result.rowcount or 0)


def _job_from_row(row: GenerationJobRow) -> GenerationJob:
    job = GenerationJob.model_validate(row, from_attributes=True)
    return job.model_copy(
        update={
            "created_at": _aware(job.created_at),
            "updated_at": _aware(job.updated_at),
            "completed_at": _aware(job.completed_at),
        }
    )


class JobRepository:
    """Generation jobs; every status change goes through the state machine."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, job: GenerationJob) -> GenerationJob:
        """Insert ``job`` (normally status queued)."""
        with self.db.session() as s:
            s.add(GenerationJobRow(**job.model_dump()))
        return job

    def get(self, job_id: str) -> GenerationJob:
        """Raises NotFoundError when missing."""
        with self.db.session() as s:
            row = s.get(GenerationJobRow, job_id)
            if row is None:
                raise NotFoundError(f"job {job_id} not found")
            return _job_from_row(row)

    def list(self, status: JobStatus | None = None, limit: int = 50, offset: int = 0) -> list[GenerationJob]:
        """Jobs with ``status`` (all when None), newest first (created_at, then id for equal
        times so pages never repeat or skip a job); ``limit`` rows after skipping ``offset``.

        Raises:
            ValueError: limit or offset is negative.
        """
        if limit < 0 or offset < 0:
            raise ValueError(f"limit and offset must be >= 0, got {limit} and {offset}")
        q = select(GenerationJobRow).order_by(GenerationJobRow.created_at.desc(), GenerationJobRow.id.desc())
        if status:
            q = q.where(GenerationJobRow.status == JobStatus(status).value)
        with self.db.session() as s:
            return [_job_from_row(r) for r in s.scalars(q.offset(offset).limit(limit))]

    def count(self, status: JobStatus | None = None) -> int:
        """Number of jobs with ``status`` (all when None), for paging."""
        q = select(func.count()).select_from(GenerationJobRow)
        if status:
            q = q.where(GenerationJobRow.status == JobStatus(status).value)
        with self.db.session() as s:
            return int(s.scalar(q) or 0)

    def update_status(
        self,
        job_id: str,
        status: JobStatus,
        *,
        progress: int | None = None,
        error_message: str | None = None,
    ) -> GenerationJob:
        """Move a job to ``status`` (checked against VALID_TRANSITIONS, under the row's
        transaction so two writers cannot both pass the check).

        Raises:
            NotFoundError: no such job.
            InvalidStateTransitionError: the move is not allowed.
        """
        with self.db.session() as s:
            row = s.get(GenerationJobRow, job_id)
            if row is None:
                raise NotFoundError(f"job {job_id} not found")
            moved = _job_from_row(row).transition(status, progress=progress, error_message=error_message)
            row.status = moved.status.value
            row.progress = moved.progress
            row.error_message = moved.error_message
            row.completed_at = moved.completed_at
            row.updated_at = moved.updated_at
            return moved

    def record_result(self, job_id: str, *, model: str | None = None,
                      requested_size: tuple[int, int] | None = None,
                      received_size: tuple[int, int] | None = None, upscale_factor: float | None = None,
                      result_notes: list[str] | None = None) -> GenerationJob:
        """Store what the model was asked for and what it returned (sizes in px); fields left
        None keep their value.

        Raises:
            NotFoundError: no such job.
        """
        with self.db.session() as s:
            row = s.get(GenerationJobRow, job_id)
            if row is None:
                raise NotFoundError(f"job {job_id} not found")
            if model:
                row.model = model
            if requested_size is not None:
                row.requested_size = list(requested_size)
            if received_size is not None:
                row.received_size = list(received_size)
            if upscale_factor is not None:
                row.upscale_factor = round(float(upscale_factor), 4)
            if result_notes is not None:
                row.result_notes = list(result_notes)
            row.updated_at = _now()
            return _job_from_row(row)

    def set_progress(self, job_id: str, progress: int) -> None:
        """Record progress (percent 0-100) without changing status."""
        with self.db.session() as s:
            s.execute(
                update(GenerationJobRow)
                .where(GenerationJobRow.id == job_id)
                .values(progress=max(0, min(100, progress)), updated_at=_now())
            )

    def fail_interrupted(self, message: str = "interrupted") -> list[str]:
        """Mark every queued or processing job failed with ``message`` (run at start:
        such jobs were left by a process that died). Returns their ids."""
        ids: list[str] = []
        with self.db.session() as s:
            rows = s.scalars(
                select(GenerationJobRow).where(
                    GenerationJobRow.status.in_([JobStatus.QUEUED.value, JobStatus.PROCESSING.value])
                )
            ).all()
            now = _now()
            for row in rows:
                check_transition(JobStatus(row.status), JobStatus.FAILED)
                row.status = JobStatus.FAILED.value
                row.error_message = message
                row.completed_at = now
                row.updated_at = now
                ids.append(row.id)
        return ids

    def merge_parameters(self, job_id: str, changes: dict[str, Any]) -> GenerationJob:
        """Merge ``changes`` into the job's ``parameters`` JSON (e.g. a batch's per-candidate
        outcomes) without touching its status; one transaction, so concurrent candidates of a
        batch never lose each other's keys.

        Raises:
            NotFoundError: no such job.
        """
        with self.db.session() as s:
            row = s.get(GenerationJobRow, job_id)
            if row is None:
                raise NotFoundError(f"job {job_id} not found")
            row.parameters = {**(row.parameters or {}), **changes}
            row.updated_at = _now()
            s.flush()
            return _job_from_row(row)


def _asset_from_row(row: AssetRow) -> Asset:
    a = Asset.model_validate(row, from_attributes=True)
    return a.model_copy(update={"created_at": _aware(a.created_at)})


class AssetRepository:
    """Generated assets."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, asset: Asset) -> Asset:
        """Insert ``asset``."""
        with self.db.session() as s:
            s.add(AssetRow(**asset.model_dump()))
        return asset

    def get(self, asset_id: str) -> Asset:
        """Raises NotFoundError when missing or deleted."""
        with self.db.session() as s:
            row = s.get(AssetRow, asset_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"asset {asset_id} not found")
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
        now = _now()
        with self.db.session() as s:
            row = s.get(AssetRow, asset_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"asset {asset_id} not found")
            before = _asset_from_row(row)
            row.deleted_at = now
            row.updated_at = now
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


class BrandKitRepository:
    """Brand kits; at most one is active."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
            row = s.get(BrandKitRow, kit_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"brand kit {kit_id} not found")
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
            now = _now()
            s.execute(update(BrandKitRow).where(BrandKitRow.id == kit_id).values(deleted_at=now, updated_at=now))


class CanvasDocumentRepository:
    """Canvas documents known to the library (JSON of the CanvasDocument)."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
            row = s.get(CanvasDocumentRow, doc_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"canvas document {doc_id} not found")
            return CanvasDocument.model_validate(row.document)

    def list(self) -> list[CanvasDocument]:
        """Live documents, most recently updated first."""
        with self.db.session() as s:
            q = (select(CanvasDocumentRow).where(CanvasDocumentRow.deleted_at.is_(None))
                 .order_by(CanvasDocumentRow.updated_at.desc()))
            return [CanvasDocument.model_validate(r.document) for r in s.scalars(q)]


class CoachSessionRepository:
    """Coach sessions with their messages."""

    def __init__(self, db: Database) -> None:
        self.db = db

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
            row = s.get(CoachSessionRow, session_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError(f"coach session {session_id} not found")
            return _coach_from_row(row)

    def list(self, limit: int = 100, offset: int = 0) -> list[CoachSession]:
        """Live sessions, most recently updated first."""
        with self.db.session() as s:
            q = (select(CoachSessionRow).where(CoachSessionRow.deleted_at.is_(None))
                 .order_by(CoachSessionRow.updated_at.desc()).offset(offset).limit(limit))
            return [_coach_from_row(r) for r in s.scalars(q)]

    def summaries(self, limit: int = 100, offset: int = 0,
                  status: str | None = None) -> list[CoachSessionSummary]:
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
            created_at=_aware(r.created_at), updated_at=_aware(r.updated_at), ended_at=_aware(r.ended_at),
        ) for r in rows]

    def count(self, status: str | None = None) -> int:
        """Number of live sessions (with ``status``, if given)."""
        q = select(func.count()).select_from(CoachSessionRow).where(CoachSessionRow.deleted_at.is_(None))
        if status:
            q = q.where(CoachSessionRow.status == status)
        with self.db.session() as s:
            return int(s.scalar(q) or 0)

    def soft_delete(self, session_id: str) -> None:
        """Tombstone a session."""
        with self.db.session() as s:
            now = _now()
            s.execute(update(CoachSessionRow).where(CoachSessionRow.id == session_id)
                      .values(deleted_at=now, updated_at=now))


def _coach_from_row(row: CoachSessionRow) -> CoachSession:
    cs = CoachSession.model_validate(row, from_attributes=True)
    return cs.model_copy(update={k: _aware(getattr(cs, k)) for k in ("created_at", "updated_at", "ended_at")})
