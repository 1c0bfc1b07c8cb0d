"""AssetDetails: large preview, original/background-removed compare and switch, metadata editing."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.services.media_library import LibraryError, MediaLibraryService
from studio_app.services.workers import WorkerContext
from studio_app.ui.checkerboard import checkerboard

from .workers import JobRunner

PREVIEW_PX = 300


def _human_bytes(n: int | None) -> str:
    if n is None:
        return "?"
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


class AssetDetails(QWidget):
    """Shows one asset (or a multi-selection count) and edits it through the service.

    Signals:
        changed(object): the asset (MediaAsset) after an edit.
        deleteRequested(): the Delete button.
        error(str): a refused edit, one line.
    """

    changed = Signal(object)
    deleteRequested = Signal()
    error = Signal(str)

    def __init__(self, service: MediaLibraryService, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner
        self.asset: MediaAsset | None = None
        self._preview_token = 0

        self.preview = QLabel("No asset selected")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(QSize(180, 150))
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet("QLabel { background: #23252e; color: #aaa; border-radius: 4px; }")

        compare = self._build_compare()
        form = self._build_form()
        actions = self._build_actions()

        self.where_used = QListWidget()
        self.where_used.setFixedHeight(60)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.preview, 1)
        layout.addLayout(compare)
        layout.addLayout(form)
        layout.addWidget(self.info)
        layout.addLayout(actions)
        layout.addWidget(QLabel("Used in canvases:"))
        layout.addWidget(self.where_used)
        self.show_asset(None)

    def _build_compare(self) -> QVBoxLayout:
        self.original_button = QRadioButton("Original")
        self.processed_button = QRadioButton("Background removed")
        self.compare_group = QButtonGroup(self)
        self.compare_group.addButton(self.original_button, 0)
        self.compare_group.addButton(self.processed_button, 1)
        self.compare_group.idClicked.connect(self._choose_version)
        self.remove_bg_button = QPushButton("Remove background")
        self.remove_bg_button.clicked.connect(self._remove_background)
        # Two rows: a narrow library dock has no room for both choices and the button on one.
        compare = QVBoxLayout()
        compare.addWidget(self.original_button)
        compare.addWidget(self.processed_button)
        compare.addWidget(self.remove_bg_button)
        return compare

    def _build_form(self) -> QFormLayout:
        self.name_edit = QLineEdit()
        self.type_combo = QComboBox()
        for t in MediaAssetType:
            self.type_combo.addItem(t.value.replace("_", " "), t.value)
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText("comma-separated tags")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setFixedHeight(54)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Type", self.type_combo)
        form.addRow("Tags", self.tags_edit)
        form.addRow("Description", self.description_edit)
        return form

    def _build_actions(self) -> QGridLayout:
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color: #888;")
        self.favorite_button = QPushButton("☆ Favourite")
        self.favorite_button.setCheckable(True)
        self.favorite_button.clicked.connect(self._toggle_favorite)
        self.primary_button = QPushButton("Set primary")
        self.primary_button.clicked.connect(self._set_primary)
        self.delete_button = QPushButton("Delete")
        self.delete_button.clicked.connect(self.deleteRequested)
        actions = QGridLayout()
        for i, b in enumerate((self.save_button, self.favorite_button, self.primary_button, self.delete_button)):
            actions.addWidget(b, i // 2, i % 2)
        return actions

    # -- showing -------------------------------------------------------------------

    def show_asset(self, asset: MediaAsset | None, selected_count: int = 1) -> None:
        """Show ``asset`` (None: nothing or several selected, ``selected_count`` of them)."""
        self.asset = asset
        editable = asset is not None
        for w in (self.name_edit, self.type_combo, self.tags_edit, self.description_edit, self.save_button,
                  self.favorite_button, self.primary_button, self.original_button, self.processed_button,
                  self.remove_bg_button):
            w.setEnabled(editable)
        self.delete_button.setEnabled(editable or selected_count > 1)
        self.where_used.clear()
        if asset is None:
            self._preview_token += 1
            self.preview.setPixmap(QPixmap())
            self.preview.setText(f"{selected_count} assets selected" if selected_count > 1 else "No asset selected")
            self.info.setText("")
            for e in (self.name_edit, self.tags_edit):
                e.clear()
            self.description_edit.clear()
            return
        self.name_edit.setText(asset.display_name)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(asset.asset_type.value)))
        self.tags_edit.setText(", ".join(asset.tags))
        self.description_edit.setPlainText(asset.description or "")
        self._sync_flags(asset)
        for doc in self.service.where_used(asset.id):
            self.where_used.addItem(doc.name)
        if self.where_used.count() == 0:
            self.where_used.addItem("(not placed on any canvas)")
        self._load_preview()

    def _sync_flags(self, asset: MediaAsset) -> None:
        self.favorite_button.setChecked(asset.is_favorite)
        self.favorite_button.setText("★ Favourite" if asset.is_favorite else "☆ Favourite")
        self.primary_button.setText("Primary ✓" if asset.is_primary else "Set primary")
        self.primary_button.setEnabled(not asset.is_primary)
        has_processed = bool(asset.processed_url)
        self.processed_button.setEnabled(has_processed)
        self.original_button.setEnabled(has_processed)
        self.remove_bg_button.setVisible(not has_processed)
        using = self.service.uses_processed(asset)
        (self.processed_button if using else self.original_button).setChecked(True)
        bg = asset.metadata.get("background_removal", {})
        bg_text = ""
        if bg.get("status") == "failed":
            bg_text = f" · background kept: {bg.get('reason')}"
        elif bg.get("status") == "pending":
            bg_text = " · removing background…"
        elif bg.get("status") == "done" and bg.get("method"):
            how = {"colour-key": "colour key", "model": f"model {bg.get('model', '')}".strip(),
                   "existing-alpha": "own transparency"}.get(bg["method"], str(bg["method"]))
            conf = bg.get("confidence")
            bg_text = f" · cut-out: {how}" + (f", confidence {conf:.0%}" if isinstance(conf, int | float) else "")
        self.info.setText(
            f"{asset.width}x{asset.height} px · {asset.mime_type} · {_human_bytes(asset.file_size)} · "
            f"{asset.asset_type.value}{' (primary)' if asset.is_primary else ''} · used {asset.usage_count}×"
            f"{bg_text}"
        )

    def _load_preview(self, processed: bool | None = None) -> None:
        asset = self.asset
        if asset is None:
            return
        self._preview_token += 1
        token = self._preview_token
        self.preview.setText("Loading…")
        service = self.service

        def load(_signals: object) -> QImage:
            image = QImage.fromData(service.image_bytes(asset, processed))
            if image.isNull():
                raise ValueError("the image could not be decoded")
            return image.scaled(PREVIEW_PX * 2, PREVIEW_PX * 2, Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)

        self.runner.start(load, lambda img: self._set_preview(token, img),
                          lambda msg: self._preview_failed(token, msg))

    def _set_preview(self, token: int, image: QImage) -> None:
        if token != self._preview_token:
            return  # a newer selection won
        box = self.preview.size().boundedTo(QSize(PREVIEW_PX * 2, PREVIEW_PX * 2))
        scaled = image.scaled(box - QSize(8, 8), Qt.AspectRatioMode.KeepAspectRatio,
                              Qt.TransformationMode.SmoothTransformation)
        if scaled.hasAlphaChannel():
            pm = checkerboard(scaled.size())
            p = QPainter(pm)
            p.drawImage(0, 0, scaled)
            p.end()
        else:
            pm = QPixmap.fromImage(scaled)
        self.preview.setPixmap(pm)

    def _preview_failed(self, token: int, message: str) -> None:
        if token == self._preview_token:
            self.preview.setText(f"Cannot show: {message}")

    # -- edits ---------------------------------------------------------------------

    def _apply(self, fn) -> None:  # noqa: ANN001
        try:
            asset = fn()
        except (LibraryError, LookupError, ValueError) as exc:
            self.error.emit(str(exc))
            return
        self.asset = asset
        self._sync_flags(asset)
        self.changed.emit(asset)

    def save(self) -> None:
        """Store the edited name, type, tags and description."""
        if self.asset is None:
            return
        asset_id = self.asset.id
        tags = list(self.tags_edit.text().split(","))
        self._apply(lambda: self.service.update(
            asset_id, display_name=self.name_edit.text(), description=self.description_edit.toPlainText(),
            tags=tags, asset_type=self.type_combo.currentData()))

    def _toggle_favorite(self) -> None:
        if self.asset is not None:
            asset_id = self.asset.id
            self._apply(lambda: self.service.toggle_favorite(asset_id))

    def _set_primary(self) -> None:
        if self.asset is not None:
            asset_id = self.asset.id
            self._apply(lambda: self.service.set_primary(asset_id))

    def _choose_version(self, button_id: int) -> None:
        if self.asset is None:
            return
        asset_id = self.asset.id
        self._apply(lambda: self.service.use_processed(asset_id, button_id == 1))
        self._load_preview()

    def _remove_background(self) -> None:
        if self.asset is None:
            return
        asset_id = self.asset.id
        self.remove_bg_button.setEnabled(False)
        self.remove_bg_button.setText("Removing…")
        service = self.service

        def done(asset: MediaAsset) -> None:
            self.remove_bg_button.setText("Remove background")
            if self.asset is not None and self.asset.id == asset.id:
                self.asset = asset
                self._sync_flags(asset)
                self._load_preview()
            self.changed.emit(asset)

        def failed(message: str) -> None:
            self.remove_bg_button.setText("Remove background")
            self.remove_bg_button.setEnabled(True)
            self.error.emit(f"background removal: {message}")

        def progress(done_pct: int, _total: int) -> None:
            self.remove_bg_button.setText(f"Removing… {done_pct}%")

        def work(ctx: WorkerContext) -> MediaAsset:
            return service.apply_background_removal(
                asset_id, progress=lambda f, _step: ctx.progress((round(f * 100), 100)))

        self.runner.start(work, done, failed, progress)
