"""MediaLibraryPanel: the media library pane (grid, filters, details, import, drag to canvas).

Everything slow runs in QThreadPool workers: imports (decode, thumbnails, background
removal), thumbnail decoding for the grid and preview loading. The service is
synchronous and thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QModelIndex, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QImageWriter,
    QKeySequence,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListView,
    QMessageBox,
    QProgressDialog,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.services.media_library import ImportOutcome, MediaLibraryService
from studio_app.services.workers import WorkerContext

from ..file_dialogs import FileDialogs
from .details import AssetDetails
from .grid_model import ASSET_IDS_MIME, AssetIdRole, MediaGridModel
from .workers import JobRunner

__all__ = ["ASSET_IDS_MIME", "MediaLibraryPanel"]

IMPORT_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif);;All files (*)"
WIDE_LAYOUT_PX = 720


def summarise(outcomes: list[ImportOutcome]) -> tuple[str, list[str]]:
    """One status line and the error lines ("name: reason") of an import batch."""
    imported = [o for o in outcomes if o.asset is not None and not (o.duplicate_of and o.asset.id == o.duplicate_of.id)]
    reused = [o for o in outcomes if o.asset is not None and o.duplicate_of and o.asset.id == o.duplicate_of.id]
    failed = [o for o in outcomes if o.error and o.error != "cancelled"]
    cancelled = [o for o in outcomes if o.error == "cancelled"]
    parts = [f"Imported {len(imported)}"]
    if reused:
        parts.append(f"{len(reused)} already in the library (reused)")
    if failed:
        parts.append(f"{len(failed)} failed")
    if cancelled:
        parts.append(f"{len(cancelled)} cancelled")
    return " · ".join(parts), [f"{Path(o.path).name}: {o.error}" for o in failed]


class MediaLibraryPanel(QWidget):
    """The media library pane.

    Args:
        service: the MediaLibraryService (thread-safe).

    Signals:
        assetsChanged(): assets were imported, edited or deleted.
        assetActivated(str): an asset was double-clicked or Enter was pressed on it.
        importFinished(list): the ImportOutcome list of a finished import (tests, status).
        backgroundRemoved(str): a deferred background removal finished for that asset id.
    """

    assetsChanged = Signal()
    assetActivated = Signal(str)
    importFinished = Signal(list)
    backgroundRemoved = Signal(str)

    def __init__(self, service: MediaLibraryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = JobRunner(QThreadPool.globalInstance(), self)
        self.background_pending = 0
        self.thumb_pool = QThreadPool(self)
        self.thumb_pool.setMaxThreadCount(2)
        self.model = MediaGridModel(service, pool=self.thumb_pool, parent=self)
        self.last_outcomes: list[ImportOutcome] = []
        self._progress: QProgressDialog | None = None
        self._last_progress_reload = 0.0
        self._cancel: threading.Event | None = None
        self.setAcceptDrops(True)
        self.file_dialogs: FileDialogs | None = None  # remembers the last folder; set by the window

        import_row, background_row = self._build_import_rows()
        filter_row, search_row = self._build_filter_rows()
        self._build_grid()
        self._build_details()
        self._build_layout(import_row, background_row, search_row, filter_row)

        self.refresh()

    def _build_import_rows(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        # Import row
        # Tool buttons, not push buttons: Fusion gives a push button at least 80 px, three of
        # them and the background choice then overflow a narrow library dock.
        self.import_button = QToolButton()
        self.import_button.setText("Import…")
        self.import_button.setToolTip("Import image files")
        self.import_button.clicked.connect(self._import_dialog)
        self.folder_button = QToolButton()
        self.folder_button.setText("Folder…")
        self.folder_button.setToolTip("Import a folder with its subfolders")
        self.folder_button.clicked.connect(self._folder_dialog)
        self.paste_button = QToolButton()
        self.paste_button.setText("Paste")
        self.paste_button.setToolTip("Import the image on the clipboard (Ctrl+V)")
        self.paste_button.clicked.connect(self.paste)
        self.background_mode = QComboBox()
        for label, value in (("Backgrounds: by type", None), ("Backgrounds: remove", True),
                             ("Backgrounds: keep", False)):
            self.background_mode.addItem(label, value)
        self.background_mode.setToolTip("By type: removed for face, logo, character, object, emote, badge and "
                                        "game skin; kept for the other types (the original is always kept)")
        import_row = QHBoxLayout()
        for w in (self.import_button, self.folder_button, self.paste_button):
            w.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            w.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            import_row.addWidget(w)
        background_row = QHBoxLayout()
        background_row.addWidget(self.background_mode, 1)
        return import_row, background_row

    def _build_filter_rows(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        # Filter row
        self.type_filter = QComboBox()
        self.type_filter.addItem("All types", None)
        for t in MediaAssetType:
            self.type_filter.addItem(t.value.replace("_", " "), t.value)
        self.favorites_check = QCheckBox("★ only")
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search name or description, #tag")
        self.search_edit.setClearButtonEnabled(True)
        self.sort_combo = QComboBox()
        for label, key in (("Recent", "recent"), ("Most used", "most_used"), ("Name", "name")):
            self.sort_combo.addItem(label, key)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search_edit.textChanged.connect(self._search_timer.start)
        self.type_filter.currentIndexChanged.connect(self.apply_filters)
        self.favorites_check.toggled.connect(self.apply_filters)
        self.sort_combo.currentIndexChanged.connect(self.apply_filters)
        filter_row = QHBoxLayout()
        filter_row.addWidget(self.type_filter, 1)
        filter_row.addWidget(self.sort_combo, 1)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.favorites_check)
        return filter_row, search_row

    def _build_grid(self) -> None:
        # Grid
        self.grid = QListView()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setIconSize(QSize(self.model.icon_size, self.model.icon_size))
        self.grid.setGridSize(QSize(self.model.icon_size + 20, self.model.icon_size + 40))
        self.grid.setWordWrap(True)
        self.grid.setSpacing(4)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setDragEnabled(True)
        self.grid.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.grid.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(200)
        self.grid.setModel(self.model)
        self.grid.selectionModel().selectionChanged.connect(self._selection_changed)
        self.grid.activated.connect(self._activated)

    def _build_details(self) -> None:
        self.details = AssetDetails(self.service, self.runner)
        self.details.changed.connect(self._asset_edited)
        self.details.deleteRequested.connect(self.delete_selected)
        self.details.error.connect(self._show_error)
        details_scroll = QScrollArea()
        details_scroll.setWidgetResizable(True)
        details_scroll.setWidget(self.details)
        details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always shown: appearing late, the bar narrowed the viewport under already laid-out details.
        details_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.details_scroll = details_scroll
        self.fit_details_width()

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(details_scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

    def _build_layout(self, import_row: QHBoxLayout, background_row: QHBoxLayout, search_row: QHBoxLayout,
                      filter_row: QHBoxLayout) -> None:
        self.count_label = QLabel()
        self.status_label = QLabel("Drop images here, paste with Ctrl+V, or use Import.")
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet("color: #999;")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(import_row)
        layout.addLayout(background_row)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.status_label)

        QShortcut(QKeySequence.StandardKey.Paste, self, self.paste,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence.StandardKey.Delete, self.grid, self.delete_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)

    def fit_details_width(self) -> None:
        """Give the details' scroll area room for their own minimum beside a vertical scroll bar
        (a narrower viewport cut the buttons and the type combo on their right). Call again after
        changing the details' widgets' sizes."""
        for layout in self.details.findChildren(QLayout):
            layout.invalidate()
        scroll = self.details_scroll
        scroll.setMinimumWidth(self.details.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
                               + 2 * scroll.frameWidth() + 2)

    # -- state ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the grid from the library, keeping filters and the selection if possible."""
        keep = self.selected_ids()
        self.model.reload()
        self._update_count()
        self.select_ids(keep)
        if not keep:
            self.details.show_asset(None, 0)

    def apply_filters(self) -> None:
        """Read the filter bar and reload the grid (``#word`` in the search box filters by tag)."""
        words = self.search_edit.text().split()
        tags = tuple(w[1:] for w in words if w.startswith("#") and len(w) > 1)
        text = " ".join(w for w in words if not w.startswith("#"))
        self.model.set_filters(asset_type=self.type_filter.currentData(),
                               favorites_only=self.favorites_check.isChecked(),
                               search=text, tags=tags, sort=self.sort_combo.currentData())
        self._update_count()
        self._selection_changed()

    def _update_count(self) -> None:
        s = self.service.summary()
        self.count_label.setText(f"{s.total} asset{'' if s.total == 1 else 's'}" if s.total_limit is None
                                 else f"{s.total} of {s.total_limit} assets")

    def selected_ids(self) -> list[str]:
        """Ids of the selected assets, in grid order."""
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        return [self.model.asset_at(r).id for r in rows]

    def select_ids(self, asset_ids: list[str]) -> None:
        """Select the given assets (those loaded in the grid); the first becomes current."""
        sel = self.grid.selectionModel()
        sel.clearSelection()
        first = True
        for asset_id in asset_ids:
            row = self.model.row_of(asset_id)
            if row is None:
                continue
            idx = self.model.index(row)
            flag = sel.SelectionFlag.Select
            if first:
                sel.setCurrentIndex(idx, flag)
                self.grid.scrollTo(idx)
                first = False
            else:
                sel.select(idx, flag)

    def _selection_changed(self, *_: object) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            try:
                self.details.show_asset(self.model.asset(self.model.row_of(ids[0]) or 0))
            except LookupError:  # deleted elsewhere meanwhile
                self.details.show_asset(None, 0)
        else:
            self.details.show_asset(None, len(ids))

    def _activated(self, index: QModelIndex) -> None:
        self.assetActivated.emit(str(index.data(AssetIdRole)))

    def _asset_edited(self, asset: MediaAsset) -> None:
        self.model.update_asset(asset)
        self.assetsChanged.emit()

    def _show_error(self, message: str) -> None:
        self.status_label.setText(f"⚠ {message}")

    # -- import --------------------------------------------------------------------

    def _remove_background_choice(self) -> bool | None:
        return self.background_mode.currentData()

    def _import_dialog(self) -> None:
        if self.file_dialogs is not None:
            paths = self.file_dialogs.open_files(self, "import", "Import media", IMPORT_FILTER)
        else:
            paths, _ = QFileDialog.getOpenFileNames(self, "Import media", "", IMPORT_FILTER)
        if paths:
            self.import_paths(paths)

    def _folder_dialog(self) -> None:
        if self.file_dialogs is not None:
            folder = self.file_dialogs.folder(self, "import", "Import a folder (with its subfolders)")
        else:
            folder = QFileDialog.getExistingDirectory(self, "Import a folder (with its subfolders)")
        if folder:
            self.import_paths([folder])

    def import_paths(self, paths: list[str]) -> None:
        """Import files and folders (recursive) in a worker, with a progress dialog that can
        cancel; results land in the status line and ``importFinished``."""
        if self._cancel is not None:
            self._show_error("an import is already running")
            return
        cancel = threading.Event()
        self._cancel = cancel
        progress = QProgressDialog("Importing…", "Cancel", 0, 0, self)
        progress.setWindowTitle("Import media")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.canceled.connect(cancel.set)
        self._progress = progress
        service, remove_bg = self.service, self._remove_background_choice()

        def work(ctx: WorkerContext) -> list[ImportOutcome]:
            return service.import_files([Path(p) for p in paths], remove_background=remove_bg, cancel=cancel,
                                        progress=lambda done, total: ctx.progress((done, total)),
                                        defer_background=True)

        self.runner.start(work, self._import_done, self._import_failed, self._import_progress)

    def import_image(self, image: QImage, name: str = "pasted image.png") -> None:
        """Import a QImage (clipboard) as PNG, in a worker."""
        buf = QBuffer()
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        QImageWriter(buf, QByteArray(b"PNG")).write(image)  # the bytes QImage.save(buf, "PNG") writes
        data = bytes(QByteArray(buf.data()).data())
        service, remove_bg = self.service, self._remove_background_choice()
        self.status_label.setText("Importing pasted image…")
        self.runner.start(lambda _s: [service.import_bytes(data, name, remove_background=remove_bg,
                                                           defer_background=True)],
                          self._import_done, self._import_failed)

    def paste(self) -> None:
        """Import what the clipboard holds: image files (URLs) or image data."""
        mime = QApplication.clipboard().mimeData()
        if mime is None:
            return
        files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
        if files:
            self.import_paths(files)
        elif mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.import_image(image)
        else:
            self._show_error("the clipboard holds no image")

    def _import_progress(self, done: int, total: int) -> None:
        # A local reference: a modal QProgressDialog.setValue() processes events, so the import's
        # done signal can run _close_progress() (and clear self._progress) in the middle of this.
        progress = self._progress
        if progress is not None:
            progress.setMaximum(total)
            progress.setLabelText(f"Importing {done} of {total}…")
            progress.setValue(done)
        # Show the originals as they land (every 0.3 s), not only when the whole batch is in.
        now = time.monotonic()
        if now - self._last_progress_reload >= 0.3 and done < total:
            self._last_progress_reload = now
            self.model.reload()
            self._update_count()

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.canceled.disconnect()
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        self._cancel = None

    def _import_done(self, outcomes: list[ImportOutcome]) -> None:
        self._close_progress()
        self.last_outcomes = outcomes
        line, errors = summarise(outcomes)
        self.status_label.setText(line + ("\n" + "\n".join(errors[:5]) if errors else ""))
        self.status_label.setToolTip("\n".join(errors))
        ids = [o.asset.id for o in outcomes if o.asset is not None]
        self.model.reload()
        self._update_count()
        self.select_ids(ids)
        if any(o.asset is not None for o in outcomes):
            self.assetsChanged.emit()
        self.importFinished.emit(outcomes)
        self._start_background_removals([o.asset for o in outcomes
                                         if o.asset is not None and o.duplicate_of is None])

    def _start_background_removals(self, assets: list[MediaAsset]) -> None:
        """Run the imports' deferred background removals in workers, one asset per job, so
        the grid shows the originals at once and the cut-outs replace them as they finish."""
        pending = [a.id for a in assets if self.service.background_pending(a)]
        self.background_pending = len(pending)
        for asset_id in pending:
            self.runner.start(self._background_removal(asset_id), self._background_done,
                              self._background_failed)

    def _background_removal(self, asset_id: str) -> Callable[[WorkerContext], MediaAsset]:
        """The worker function removing the deferred background of ``asset_id``."""
        return lambda _ctx: self.service.run_pending_background_removal(asset_id)

    def _background_done(self, asset) -> None:  # noqa: ANN001 - MediaAsset
        self.background_pending = max(0, self.background_pending - 1)
        self.model.reload()
        self.assetsChanged.emit()
        self.backgroundRemoved.emit(asset.id)

    def _background_failed(self, message: str) -> None:
        self.background_pending = max(0, self.background_pending - 1)
        self.status_label.setText(f"Background removal failed: {message}")

    def _import_failed(self, message: str) -> None:
        self._close_progress()
        self._show_error(f"import failed: {message}")
        self.importFinished.emit([])

    # -- drops ---------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802, D102
        mime = event.mimeData()
        if mime.hasFormat(ASSET_IDS_MIME):
            event.ignore()  # our own drag: nothing to import
        elif mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802, D102, ANN001
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Files dropped from the file manager (or image data) are imported."""
        mime = event.mimeData()
        if mime.hasFormat(ASSET_IDS_MIME):
            event.ignore()
            return
        files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []
        if files:
            event.acceptProposedAction()
            self.import_paths(files)
        elif mime.hasImage():
            event.acceptProposedAction()
            self.import_image(QImage(mime.imageData()), "dropped image.png")
        else:
            event.ignore()

    # -- delete --------------------------------------------------------------------

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Delete media", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> int:
        """Delete the selected assets after confirmation; returns how many were deleted."""
        ids = self.selected_ids()
        if not ids:
            return 0
        used = sum(1 for i in ids if self.service.where_used(i))
        text = (f"Delete {len(ids)} assets from the library?" if len(ids) > 1
                else f"Delete “{self.model.asset_at(self.model.row_of(ids[0]) or 0).display_name}”?")
        if used:
            text += f"\n{used} of them {'is' if used == 1 else 'are'} placed on a canvas."
        if not self._confirm(text):
            return 0
        n = self.service.bulk_delete(ids)
        self.status_label.setText(f"Deleted {n} asset{'s' if n != 1 else ''}")
        self.model.reload()
        self._update_count()
        self.details.show_asset(None, 0)
        self.assetsChanged.emit()
        return n

    # -- layout --------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802, D102
        wide = event.size().width() >= WIDE_LAYOUT_PX
        want = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != want:
            self.splitter.setOrientation(want)
        super().resizeEvent(event)
