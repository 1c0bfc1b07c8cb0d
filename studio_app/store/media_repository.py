"""The creator media library's repository: :class:`MediaAsset` in and out of ``media_assets``.

Each method opens its own transaction through ``Database.session()``; soft-deleted rows
(``deleted_at`` set) are invisible to reads.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from typing import Any, Literal, cast

from sqlalchemy import ColumnElement, CursorResult, exists, func, or_, select, update

from studio_app.domain.media import MediaAsset

from .models import MediaAssetRow
from .repository_base import TableRepository, aware, live_row, now


def _media_from_row(row: MediaAssetRow) -> MediaAsset:
    data = {c: getattr(row, c) for c in MediaAsset.model_fields if c != "metadata"}
    data["metadata"] = row.metadata_ or {}
    for key in ("created_at", "updated_at", "last_used_at"):
        data[key] = aware(data[key])
    return MediaAsset.model_validate(data)


MediaSort = Literal["recent", "most_used", "name"]


class MediaAssetRepository(TableRepository):
    """The creator media library table."""

    def add(self, asset: MediaAsset) -> MediaAsset:
        """Insert ``asset``; returns it as stored."""
        self._insert(MediaAssetRow(**asset.model_dump(exclude={"metadata"}), metadata_=asset.metadata))
        return asset

    def get(self, asset_id: str) -> MediaAsset:
        """The live asset ``asset_id``.

        Raises:
            NotFoundError: missing or deleted.
        """
        with self.db.session() as s:
            return _media_from_row(live_row(s, MediaAssetRow, asset_id, "media asset"))

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
        where: list[ColumnElement[bool]] = [MediaAssetRow.deleted_at.is_(None)]
        if asset_type:
            where.append(MediaAssetRow.asset_type == asset_type)
        return self._count(MediaAssetRow, *where)

    def change_marker(self) -> tuple[Any, ...]:
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
            row = live_row(s, MediaAssetRow, asset_id, "media asset")
            for key, value in changes.items():
                setattr(row, "metadata_" if key == "metadata" else key, value)
            row.updated_at = now()
            s.flush()
            return _media_from_row(row)

    def set_primary(self, asset_id: str) -> MediaAsset:
        """Make ``asset_id`` the primary asset of its asset_type, clearing the flag on the
        others of that type, in one transaction (one primary per type).

        Raises:
            NotFoundError: missing or deleted.
        """
        with self.db.session() as s:
            row = live_row(s, MediaAssetRow, asset_id, "media asset")
            stamp = now()
            s.execute(
                update(MediaAssetRow)
                .where(MediaAssetRow.asset_type == row.asset_type, MediaAssetRow.id != asset_id,
                       MediaAssetRow.is_primary.is_(True))
                .values(is_primary=False, updated_at=stamp)
            )
            row.is_primary = True
            row.updated_at = stamp
            s.flush()
            return _media_from_row(row)

    def mark_used(self, asset_ids: Sequence[str]) -> builtins.list[MediaAsset]:
        """Add 1 to usage_count and set last_used_at = now for each id, in one transaction;
        returns the assets in the given order.

        Raises:
            NotFoundError: any id missing or deleted (nothing is changed).
        """
        stamp = now()
        with self.db.session() as s:
            rows = []
            for asset_id in asset_ids:
                row = live_row(s, MediaAssetRow, asset_id, "media asset")
                rows.append(row)
            for row in rows:
                row.usage_count = (row.usage_count or 0) + 1
                row.last_used_at = stamp
            s.flush()
            return [_media_from_row(r) for r in rows]

    def soft_delete(self, asset_ids: Iterable[str]) -> int:
        """Tombstone the given assets; returns how many were live."""
        ids = list(asset_ids)
        if not ids:
            return 0
        stamp = now()
        with self.db.session() as s:
            result = s.execute(
                update(MediaAssetRow)
                .where(MediaAssetRow.id.in_(ids), MediaAssetRow.deleted_at.is_(None))
                .values(deleted_at=stamp, updated_at=stamp)
            )
            return int(cast(CursorResult[Any], result).rowcount or 0)
