"""ExportDialog: "Export for platform…": every file a platform wants for one result, within its limits.

Open it with ``open_export_dialog(parent, asset_id, exports)``. The streamer picks a preset (the
result's own target is selected first), sees the files that will be written
(``<design>-<preset>-<size>.<ext>``, sizes and the byte limit), picks a folder (the last one is
remembered) and exports. The work runs on a QThreadPool worker with a busy progress bar; the
files are written all-or-nothing; a failure is shown as one line and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.asset import Asset
from studio_app.render.presets import PRESETS, PresetExportError, file_stem, size_label
from studio_app.services.platform_export import ExportedFile, PlatformExports, default_preset_for
from studio_app.services.workers import Worker, run_in_pool

from ..checkerboard import paint_checkerboard

PREVIEW_PX = 200
COLUMNS = ("File", "Size", "Bytes", "Limit", "How")


def _limit_text(max_bytes: int | None) -> str:
    if max_bytes is None:
        return "no limit"
    if max_bytes >= 1_000_000:
        return f"{max_bytes / 1_000_000:g} MB"
    return f"{max_bytes / 1000:g} kB"


def _one_line(exc: BaseException) -> str:
    """The whole message on one line, whatever failed."""
    return " ".join(str(exc).split()) or type(exc).__name__


class ExportDialog(QDialog):
    """Export one generated result with a platform preset.

    Args:
        asset_id: the generated Asset's id.
        exports: the platform export service (the result, its image, the last folder, the export).
        parent: the owning window.
        pool: where the export runs (default: the global QThreadPool).

    Signals:
        exported(list): the ExportedFile list after a successful export.

    Raises:
        studio_app.store.repositories.NotFoundError: no live asset ``asset_id``.
    """

    exported = Signal(list)

    def __init__(self, asset_id: str, exports: PlatformExports, parent: QWidget | None = None, *,
                 pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.exports, self.asset_id = exports, asset_id
        self.pool = pool or QThreadPool.globalInstance()
        self.asset: Asset = exports.asset(asset_id)
        self.last_files: list[ExportedFile] = []
        self.last_error: str | None = None
        self._running = False
        self._job: Worker | None = None
        self.setWindowTitle("Export for platform")
        self.setMinimumWidth(720)
        left = self._build_preview()
        form = self._build_form()
        self._build_table()
        self._build_progress_and_buttons()
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QLabel("Files:"))
        right.addWidget(self.table, 1)
        right.addWidget(self.progress)
        right.addWidget(self.status)
        top = QHBoxLayout()
        top.addLayout(left)
        top.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.buttons)
        self.preset_combo.currentIndexChanged.connect(lambda _i: self.show_plan())
        self.design_edit.textChanged.connect(lambda _t: self.show_plan())
        self.show_plan()

    def _build_preview(self) -> QVBoxLayout:
        self.preview = QLabel()
        self.preview.setFixedSize(QSize(PREVIEW_PX, PREVIEW_PX))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setPixmap(self._preview_pixmap())
        info = QLabel(f"{self.asset.asset_type.value.replace('_', ' ')}\n{self.asset.width}x{self.asset.height} px"
                      + ("\nOffline preview (no AI)" if self.asset.is_preview else ""))
        info.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        left = QVBoxLayout()
        left.addWidget(self.preview)
        left.addWidget(info)
        left.addStretch(1)
        return left

    def _build_form(self) -> QFormLayout:
        self.preset_combo = QComboBox()
        for p in PRESETS.values():
            self.preset_combo.addItem(p.label, p.name)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(default_preset_for(self.asset).name))
        self.preset_note = QLabel()
        self.preset_note.setWordWrap(True)
        self.preset_note.setStyleSheet("color: palette(mid);")
        self.design_edit = QLineEdit(self.exports.design_name(self.asset))
        self.design_edit.setToolTip("Used at the start of every file name")
        self.folder_edit = QLineEdit(str(self.exports.last_folder() or Path.home()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Platform:", self.preset_combo)
        form.addRow("", self.preset_note)
        form.addRow("Design name:", self.design_edit)
        form.addRow("Folder:", folder_row)
        return form

    def _build_table(self) -> None:
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(130)

    def _build_progress_and_buttons(self) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the files are encoded in one go
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.open_folder_button = self.buttons.addButton("Open folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_folder_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.clicked.connect(self.start_export)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+E"), self).activated.connect(self.start_export)

    # -- reading -------------------------------------------------------------------------------
    @property
    def preset_name(self) -> str:
        """The chosen preset's name."""
        return str(self.preset_combo.currentData())

    def set_preset(self, name: str) -> None:
        """Choose preset ``name``.

        Raises:
            KeyError: no such preset.
        """
        index = self.preset_combo.findData(name)
        if index < 0:
            raise KeyError(name)
        self.preset_combo.setCurrentIndex(index)

    def planned_names(self) -> list[str]:
        """File names the chosen preset will write (PNG extension; a JPEG fallback shows after export)."""
        preset = PRESETS[self.preset_name]
        return [f"{file_stem(self.design_edit.text(), preset, w, h)}.png" for w, h in preset.sizes]

    # -- acting --------------------------------------------------------------------------------
    def show_plan(self) -> None:
        """Fill the table with the files the chosen preset will write."""
        preset = PRESETS[self.preset_name]
        note = preset.note[:1].upper() + preset.note[1:]
        alpha = "Transparent PNG." if preset.wants_alpha else "No transparency."
        self.preset_note.setText(f"{note}. {alpha} Formats: {', '.join(preset.formats)}.")
        self.table.setRowCount(len(preset.sizes))
        for row, ((w, h), name) in enumerate(zip(preset.sizes, self.planned_names(), strict=True)):
            values = (name, f"{w}x{h}" if w != h else f"{size_label(w, h)} px", "", _limit_text(preset.max_bytes), "")
            for col, text in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.status.setText("")
        self.open_folder_button.setEnabled(False)

    def browse(self) -> str | None:
        """Pick the folder with the platform's folder dialog; returns it (None when cancelled)."""
        folder = QFileDialog.getExistingDirectory(self, "Export to folder", self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
        return folder or None

    def start_export(self) -> bool:
        """Export on a worker thread; False when one is already running or the folder is empty."""
        if self._running:
            return False
        folder = self.folder_edit.text().strip()
        if not folder:
            self._fail("Choose a folder to export to.")
            return False
        self._running = True
        self.last_error = None
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setStyleSheet("")
        self.status.setText(f"Exporting {PRESETS[self.preset_name].label}…")
        exports, asset_id, preset, design = self.exports, self.asset_id, self.preset_name, self.design_edit.text()
        self._job = run_in_pool(lambda _ctx: exports.export(asset_id, preset, folder, design=design), pool=self.pool,
                                on_result=self._finished, on_error=lambda exc: self._fail(_one_line(exc)))
        return True

    def is_running(self) -> bool:
        """True while an export is in progress."""
        return self._running

    def open_folder(self) -> None:
        """Show the export folder in the file manager."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(self.folder_edit.text()))

    def _finished(self, files: list[ExportedFile]) -> None:
        self._running = False
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.last_files = files
        self.exports.remember_folder(self.folder_edit.text())
        self.table.setRowCount(len(files))
        for row, f in enumerate(files):
            values = (f.path.name, f"{f.width}x{f.height}", f"{f.size_bytes:,}", _limit_text(f.max_bytes), f.method)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setToolTip(str(f.path))
                self.table.setItem(row, col, item)
        folder = files[0].path.parent if files else self.folder_edit.text()
        self.status.setStyleSheet("color: #2E7D32;")
        self.status.setText(f"Wrote {len(files)} file{'s' if len(files) != 1 else ''} to {folder}")
        self.open_folder_button.setEnabled(True)
        self.exported.emit(files)

    def _fail(self, message: str) -> None:
        self._running = False
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.last_error = message
        self.status.setStyleSheet("color: #C62828;")
        self.status.setText(f"Not exported: {message}")

    def _preview_pixmap(self) -> QPixmap:
        canvas = QPixmap(PREVIEW_PX, PREVIEW_PX)
        canvas.fill(Qt.GlobalColor.transparent)
        try:
            image = QImage.fromData(self.exports.image_bytes(self.asset))
        except FileNotFoundError:
            image = QImage()
        painter = QPainter(canvas)
        if not image.isNull():
            scaled = image.scaled(PREVIEW_PX, PREVIEW_PX, Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            x, y = (PREVIEW_PX - scaled.width()) // 2, (PREVIEW_PX - scaled.height()) // 2
            if scaled.hasAlphaChannel():
                paint_checkerboard(painter, scaled.rect().translated(x, y))
            painter.drawImage(x, y, scaled)
        else:
            painter.drawText(canvas.rect(), Qt.AlignmentFlag.AlignCenter, "image missing")
        painter.end()
        return canvas


def open_export_dialog(parent: QWidget | None, asset_id: str, exports: PlatformExports, *,
                       preset: str | None = None, pool: QThreadPool | None = None) -> ExportDialog:
    """Show an ExportDialog for ``asset_id`` (non-modal) and return it.

    Args:
        parent: the owning window.
        asset_id: the generated Asset's id.
        exports: the platform export service.
        preset: preset name to select instead of the result's own target.
        pool: where the export runs (default: the global QThreadPool).

    Raises:
        studio_app.store.repositories.NotFoundError: no live asset ``asset_id``.
        PresetExportError: ``preset`` is not a preset name.
    """
    dialog = ExportDialog(asset_id, exports, parent, pool=pool)
    if preset is not None:
        if preset not in PRESETS:
            raise PresetExportError(f"unknown preset {preset!r}")
        dialog.set_preset(preset)
    dialog.show()
    dialog.raise_()
    return dialog
