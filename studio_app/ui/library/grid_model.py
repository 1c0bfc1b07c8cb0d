"""MediaGridModel: the library as a Qt list model with lazily loaded thumbnails.

Rows are fetched from the service a page at a time (``canFetchMore``/``fetchMore``),
so a 10,000-asset library costs one page until the user scrolls. A thumbnail is read
and decoded in a QThreadPool worker only when the view asks for it (it asks only for
visible rows); until then the row shows a placeholder. Decoded thumbnails live in an
LRU cache of ``cache_size`` entries.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter

from studio_app.domain.media import MediaAsset
from studio_app.services.media_library import MediaLibraryService
from studio_app.services.workers import run_in_pool
from studio_app.ui.checkerboard import over_checkerboard

ASSET_IDS_MIME = "application/x-studio-media-asset-ids"
"""Drag payload: JSON list of media asset ids (the canvas view reads it)."""
PAGE_SIZE = 500
AssetIdRole = Qt.ItemDataRole.UserRole + 1
AssetRole = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


def load_thumbnail(service: MediaLibraryService, ref: str | None, size: int) -> QImage:
    """Read and decode one thumbnail (PNG, 256 px) and scale it to ``size`` px (aspect kept),
    over the checkerboard where it has alpha; a null QImage when it is missing or corrupt
    (the grid then shows the broken tile). Runs on a pool thread."""
    image = QImage()
    try:
        if ref:
            image = QImage.fromData(service.blob_bytes(ref))
        if not image.isNull():
            image = image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
            if image.hasAlphaChannel():
                image = over_checkerboard(image)
    except Exception:  # noqa: BLE001 - a missing/corrupt thumbnail shows the broken tile
        image = QImage()
    return image


@dataclass(frozen=True, slots=True)
class GridRow:
    """What the grid keeps per asset (a few strings; the full MediaAsset is fetched on demand,
    so 10,000 rows cost about a tenth of the memory of 10,000 MediaAssets)."""

    id: str
    display_name: str
    asset_type: str
    width: int
    height: int
    is_favorite: bool
    is_primary: bool
    thumbnail_ref: str | None
    image_ref: str

    @classmethod
    def of(cls, asset: MediaAsset) -> GridRow:
        """The row of ``asset``."""
        return cls(asset.id, asset.display_name, asset.asset_type.value, asset.width or 0, asset.height or 0,
                   asset.is_favorite, asset.is_primary, MediaLibraryService.thumbnail_ref(asset),
                   MediaLibraryService.image_ref_of(asset))

    @property
    def thumb_key(self) -> str:
        """Cache key: changes when the shown thumbnail changes (original/processed)."""
        return f"{self.id}:{self.thumbnail_ref}"


def _tile(size: int, colour: QColor, cross: bool = False) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(colour)
    if cross:
        p = QPainter(img)
        p.setPen(QColor(200, 80, 80))
        p.drawLine(8, 8, size - 8, size - 8)
        p.drawLine(size - 8, 8, 8, size - 8)
        p.end()
    return img


class MediaGridModel(QAbstractListModel):
    """Live media assets matching the current filters, in the service's sort order.

    Roles: DisplayRole (display name), DecorationRole (thumbnail QImage or placeholder),
    ToolTipRole, AssetIdRole (str), AssetRole (MediaAsset, read from the library).

    Signals:
        thumbnailLoaded(str asset_id): a thumbnail arrived (for tests and benchmarks).
    """

    thumbnailLoaded = Signal(str)

    def __init__(self, service: MediaLibraryService, *, icon_size: int = 128, cache_size: int = 400,
                 pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.icon_size = icon_size
        self.cache_size = cache_size
        self.pool = pool or QThreadPool.globalInstance()
        self.filters: dict[str, Any] = {"asset_type": None, "favorites_only": False, "search": "",
                                        "sort": "recent", "tags": ()}
        self._assets: list[GridRow] = []
        self._row_of: dict[str, int] = {}
        self._exhausted = True
        self._cache: OrderedDict[str, QImage] = OrderedDict()
        self._pending: set[str] = set()
        self._placeholder = _tile(icon_size, QColor(60, 62, 72))
        self._broken = _tile(icon_size, QColor(60, 40, 40), cross=True)
        self.thumbnails_requested = 0

    # -- loading -------------------------------------------------------------------

    def set_filters(self, **filters: Any) -> None:
        """Change filters (asset_type, favorites_only, search, sort, tags) and reload."""
        self.filters.update(filters)
        self.reload()

    def _page(self, offset: int) -> list[GridRow]:
        f = self.filters
        return [GridRow.of(a) for a in self.service.list_assets(asset_type=f["asset_type"] or None, favorites_only=f["favorites_only"],
                                         tags=f["tags"], search=f["search"], sort=f["sort"],
                                         limit=PAGE_SIZE, offset=offset)]

    def reload(self) -> None:
        """Reset to the first page of the current filters (cached thumbnails are kept)."""
        self.beginResetModel()
        self._assets = self._page(0)
        self._exhausted = len(self._assets) < PAGE_SIZE
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        self._row_of = {a.id: i for i, a in enumerate(self._assets)}

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, D102
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: N802, D102
        if parent.isValid() or self._exhausted:
            return
        page = [a for a in self._page(len(self._assets)) if a.id not in self._row_of]
        self._exhausted = len(page) < PAGE_SIZE
        if not page:
            return
        first = len(self._assets)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._assets.extend(page)
        for i, a in enumerate(page, first):
            self._row_of[a.id] = i
        self.endInsertRows()

    # -- model API -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, D102
        return 0 if parent.isValid() else len(self._assets)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: D102
        if not index.isValid() or not 0 <= index.row() < len(self._assets):
            return None
        asset = self._assets[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            star = "★ " if asset.is_favorite else ""
            return f"{star}{asset.display_name}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(asset)
        if role == Qt.ItemDataRole.ToolTipRole:
            primary = ", primary" if asset.is_primary else ""
            return f"{asset.display_name}\n{asset.asset_type}{primary}\n{asset.width}x{asset.height} px"
        if role == AssetIdRole:
            return asset.id
        if role == AssetRole:
            return self.service.get(asset.id)
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(self.icon_size + 16, self.icon_size + 34)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:  # noqa: D102
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return base

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802, D102
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:  # noqa: N802, D102
        return [ASSET_IDS_MIME, "text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:  # noqa: N802
        """The dragged assets: ASSET_IDS_MIME (JSON list of ids) and text/uri-list of the
        blob files (the image each asset currently shows)."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        assets = [self._assets[r] for r in rows]
        mime = QMimeData()
        mime.setData(ASSET_IDS_MIME, QByteArray(json.dumps([a.id for a in assets]).encode("utf-8")))
        mime.setUrls([QUrl.fromLocalFile(str(self.service.blob_path(a.image_ref))) for a in assets])
        return mime

    # -- helpers -------------------------------------------------------------------

    def asset_at(self, row: int) -> GridRow:
        """The GridRow in ``row`` (``asset(row)`` for the full MediaAsset)."""
        return self._assets[row]

    def asset(self, row: int) -> MediaAsset:
        """The full MediaAsset in ``row``, read from the library."""
        return self.service.get(self._assets[row].id)

    def row_of(self, asset_id: str) -> int | None:
        """Row of the asset with this id among the loaded rows, or None."""
        return self._row_of.get(asset_id)

    def update_asset(self, asset: MediaAsset) -> None:
        """Replace the loaded copy of ``asset`` and repaint its row."""
        row = self._row_of.get(asset.id)
        if row is None:
            return
        self._assets[row] = GridRow.of(asset)
        idx = self.index(row)
        self.dataChanged.emit(idx, idx)

    def loaded_thumbnail_count(self) -> int:
        """Thumbnails decoded and cached now."""
        return len(self._cache)

    def _thumbnail(self, asset: GridRow) -> QImage:
        key = asset.thumb_key
        img = self._cache.get(key)
        if img is not None:
            self._cache.move_to_end(key)
            return img
        if key not in self._pending:
            self._pending.add(key)
            self.thumbnails_requested += 1
            service, ref, size = self.service, asset.thumbnail_ref, self.icon_size
            run_in_pool(lambda _ctx: load_thumbnail(service, ref, size), pool=self.pool, owner=self,
                        on_result=partial(self._on_loaded, key))
        return self._placeholder

    def _on_loaded(self, key: str, image: QImage) -> None:
        self._pending.discard(key)
        self._cache[key] = image if not image.isNull() else self._broken
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        asset_id = key.split(":", 1)[0]
        row = self._row_of.get(asset_id)
        if row is not None:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])
        self.thumbnailLoaded.emit(asset_id)
