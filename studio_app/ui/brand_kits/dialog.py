"""BrandKitsDialog: the list of brand kits and an editor for one kit."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.brand_kit import BrandKit, BrandKitContext
from studio_app.domain.media import MediaAsset
from studio_app.services.brand_kits import MAX_NAME_LENGTH, MAX_TEXT_LENGTH, BrandKitError, BrandKitService
from studio_app.ui.forms import add_rows

from .widgets import (
    ERROR_STYLE,
    SWATCH_PX,
    THUMB_PX,
    BrandPreview,
    ColourGetter,
    ColourListEditor,
    FontPicker,
    LogoPicker,
    swatch_icon,
)

ACTIVE_MARK = "  ✓ active"
Confirm = Callable[[str, str], bool]
"""``(title, question) -> bool``: ask the user; True means go ahead."""


class BrandKitsDialog(QDialog):
    """Create, edit, duplicate, delete and activate brand kits.

    Left: the kits (the active one marked "✓ active", each with a swatch of its colours) and
    New / Duplicate / Delete / Set active. Right: the editor (name, primary and accent colours,
    headline and body fonts, tone, style reference, primary and secondary logo from the media
    library, a preview) and Save. A refused value shows its one-line error under the editor;
    the form keeps everything typed.

    Args:
        service: the BrandKitService (its ``kitsChanged`` keeps the list current).
        colour_getter: colour chooser, default QColorDialog.getColor (tests pass their own).
        confirm: yes/no question, default a QMessageBox (tests pass their own).
    """

    def __init__(self, service: BrandKitService, parent: QWidget | None = None, *,
                 colour_getter: ColourGetter | None = None, confirm: Confirm | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.confirm: Confirm = confirm or self._ask
        self.kit_id: str | None = None
        self.dirty = False
        self._loading = False
        self._icons: dict[str, QIcon | None] = {}
        self._images: dict[str, QImage | None] = {}
        self.setWindowTitle("Brand kits")
        self.resize(940, 640)

        left_box = self._build_kit_list()
        form = self._build_editor_form(colour_getter)
        right = self._build_editor(form)

        top = QHBoxLayout(self)
        top.addWidget(left_box)
        top.addLayout(right, 1)

        for signal in (self.name_edit.textEdited, self.tone_edit.textEdited, self.style_edit.textEdited,
                       self.primary.changed, self.accent.changed, self.headline_font.changed,
                       self.body_font.changed, self.primary_logo.changed, self.secondary_logo.changed):
            signal.connect(self._edited)
        self.service.kitsChanged.connect(self.reload_list)

        self.reload_list()
        active = self.service.active()
        kits = self.service.list()
        if active or kits:
            self.select_kit((active or kits[0]).id)
        else:
            self._load_draft(BrandKit(name="My brand"))

    def _build_kit_list(self) -> QWidget:
        # -- left: kits --------------------------------------------------------------------
        self.kit_list = QListWidget()
        self.kit_list.setIconSize(QSize(SWATCH_PX, SWATCH_PX))
        self.kit_list.currentItemChanged.connect(self._kit_selected)
        self.new_button = QPushButton("New")
        self.duplicate_button = QPushButton("Duplicate")
        self.delete_button = QPushButton("Delete…")
        self.activate_button = QPushButton("Set active")
        self.new_button.clicked.connect(self.new_kit)
        self.duplicate_button.clicked.connect(self.duplicate_kit)
        self.delete_button.clicked.connect(self.delete_kit)
        self.activate_button.clicked.connect(self.set_active)
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Brand kits</b>"))
        left.addWidget(self.kit_list, 1)
        for row in ((self.new_button, self.duplicate_button), (self.delete_button, self.activate_button)):
            line = QHBoxLayout()
            for b in row:
                line.addWidget(b)
            left.addLayout(line)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(260)
        return left_box

    def _build_editor_form(self, colour_getter: ColourGetter | None) -> QFormLayout:
        # -- right: editor -----------------------------------------------------------------
        self.heading = QLabel()
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(MAX_NAME_LENGTH)
        self.primary = ColourListEditor("Primary colour", colour_getter)
        self.accent = ColourListEditor("Accent colour", colour_getter)
        self.headline_font = FontPicker()
        self.body_font = FontPicker()
        self.tone_edit = QLineEdit()
        self.tone_edit.setMaxLength(MAX_TEXT_LENGTH)
        self.tone_edit.setPlaceholderText("e.g. hype, cosy, retro arcade")
        self.style_edit = QLineEdit()
        self.style_edit.setMaxLength(MAX_TEXT_LENGTH)
        self.style_edit.setPlaceholderText("e.g. bold comic outlines, neon glow")
        self.primary_logo = LogoPicker(self._icon_for)
        self.secondary_logo = LogoPicker(self._icon_for)
        self.all_media = QCheckBox("Offer every media type, not only logos")
        self.all_media.toggled.connect(lambda _on: self._fill_logo_choices())
        self.preview = BrandPreview()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return add_rows(form, [
            ("Name", self.name_edit), ("Primary colours", self.primary), ("Accent colours", self.accent),
            ("Headline font", self.headline_font), ("Body font", self.body_font), ("Tone", self.tone_edit),
            ("Style reference", self.style_edit), ("Primary logo", self.primary_logo),
            ("Secondary logo", self.secondary_logo), ("", self.all_media), ("Preview", self.preview),
        ])

    def _build_editor(self, form: QFormLayout) -> QVBoxLayout:
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.status_label = QLabel()
        self.status_label.setStyleSheet("color: #2E7D32;")
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addLayout(form)
        right.addStretch(1)
        right.addWidget(self.error_label)
        right.addLayout(buttons)
        return right

    # -- helpers ---------------------------------------------------------------------------
    def _ask(self, title: str, question: str) -> bool:
        answer = QMessageBox.question(self, title, question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _image_for(self, asset: MediaAsset) -> QImage | None:
        if asset.id not in self._images:
            data = self.service.thumbnail_bytes(asset)
            image = QImage.fromData(data) if data else QImage()
            self._images[asset.id] = None if image.isNull() else image
        return self._images[asset.id]

    def _icon_for(self, asset: MediaAsset) -> QIcon | None:
        if asset.id not in self._icons:
            image = self._image_for(asset)
            self._icons[asset.id] = None if image is None else QIcon(QPixmap.fromImage(image.scaled(
                THUMB_PX, THUMB_PX, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)))
        return self._icons[asset.id]

    def show_error(self, message: str | None) -> None:
        """Show (or clear, with None) the one-line error under the editor."""
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))
        if message:
            self.status_label.clear()

    def error_text(self) -> str:
        """The error shown under the editor ("" when none)."""
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def _edited(self, *_args: Any) -> None:
        if self._loading:
            return
        self.dirty = True
        self.status_label.clear()
        self._update_preview()

    def _update_preview(self) -> None:
        logo = None
        logo_id = self.primary_logo.asset_id()
        if logo_id:
            try:
                logo = self._image_for(self.service.media_asset(logo_id))
            except LookupError:
                logo = None
        self.preview.set_values(
            name=self.name_edit.text(), primary=self.primary.colours(), accent=self.accent.colours(),
            headline_font=self.headline_font.font_name(), body_font=self.body_font.font_name(),
            tone=self.tone_edit.text(), logo=logo)

    # -- the list --------------------------------------------------------------------------
    def reload_list(self) -> None:
        """Rebuild the kit list from the store, keeping the selection (and the editor) as is."""
        self.kit_list.blockSignals(True)
        self.kit_list.clear()
        for kit in self.service.list():
            item = QListWidgetItem(swatch_icon(kit.primary_colors + kit.accent_colors),
                                   kit.name + (ACTIVE_MARK if kit.is_active else ""))
            item.setData(Qt.ItemDataRole.UserRole, kit.id)
            if kit.is_active:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
                item.setToolTip("The active kit: it feeds prompts, the sketch palette and logo placement.")
            self.kit_list.addItem(item)
            if kit.id == self.kit_id:
                self.kit_list.setCurrentItem(item)
        if self.kit_id is None:
            self.kit_list.setCurrentRow(-1)
        self.kit_list.blockSignals(False)
        self._update_buttons()

    def kit_names(self) -> list[str]:
        """The list's texts, top to bottom (the active kit carries ACTIVE_MARK)."""
        return [self.kit_list.item(i).text() for i in range(self.kit_list.count())]

    def _row_of(self, kit_id: str | None) -> int:
        for i in range(self.kit_list.count()):
            if self.kit_list.item(i).data(Qt.ItemDataRole.UserRole) == kit_id:
                return i
        return -1

    def _update_buttons(self) -> None:
        saved = self.kit_id is not None
        for b in (self.duplicate_button, self.delete_button, self.activate_button):
            b.setEnabled(saved)
        active = self.service.active()
        self.activate_button.setEnabled(saved and (active is None or active.id != self.kit_id))

    def _kit_selected(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        kit_id = current.data(Qt.ItemDataRole.UserRole)
        if kit_id == self.kit_id:
            return
        if not self._may_discard():
            self.kit_list.blockSignals(True)
            self.kit_list.setCurrentRow(self._row_of(self.kit_id))
            self.kit_list.blockSignals(False)
            return
        self._load_kit(self.service.get(kit_id))

    def _may_discard(self) -> bool:
        if not self.dirty:
            return True
        name = self.name_edit.text().strip() or "this kit"
        return self.confirm("Unsaved changes", f"Discard your unsaved changes to '{name}'?")

    def select_kit(self, kit_id: str) -> None:
        """Select ``kit_id`` in the list and load it into the editor."""
        row = self._row_of(kit_id)
        if row >= 0:
            self.kit_list.setCurrentRow(row)
            if self.kit_id != kit_id:  # the selection did not change (already current)
                self._load_kit(self.service.get(kit_id))

    # -- the editor ------------------------------------------------------------------------
    def _fill_logo_choices(self, kit_logos: Mapping[str, str | None] | None = None) -> None:
        choices = self.service.logo_choices(all_types=self.all_media.isChecked())
        if kit_logos is None:
            kit_logos = {"primary": self.primary_logo.asset_id(), "secondary": self.secondary_logo.asset_id()}
        was_loading, self._loading = self._loading, True
        for slot, picker in (("primary", self.primary_logo), ("secondary", self.secondary_logo)):
            current_id = kit_logos.get(slot)
            current = None
            if current_id:
                try:
                    current = self.service.media_asset(current_id)
                except LookupError:
                    current = None
            picker.set_choices(choices, current_id, current)
        self._loading = was_loading
        self._update_preview()

    def _load_values(self, kit: BrandKitContext, name: str, logos: dict[str, str]) -> None:
        self._loading = True
        self.name_edit.setText(name)
        self.primary.set_colours(list(kit.primary_colors))
        self.accent.set_colours(list(kit.accent_colors))
        self.headline_font.set_font_name(kit.headline_font)
        self.body_font.set_font_name(kit.body_font)
        self.tone_edit.setText(kit.tone)
        self.style_edit.setText(kit.style_reference or "")
        self._fill_logo_choices(logos)
        self._loading = False
        self.dirty = False
        self.show_error(None)
        self._update_preview()

    def _load_kit(self, kit: BrandKit) -> None:
        self.kit_id = kit.id
        self.heading.setText(f"<h3>{html.escape(kit.name)}{' <small>(active)</small>' if kit.is_active else ''}</h3>")
        self._load_values(kit, kit.name, dict(kit.logo_asset_ids))
        self._update_buttons()

    def _load_draft(self, kit: BrandKit) -> None:
        self.kit_id = None
        self.kit_list.blockSignals(True)
        self.kit_list.setCurrentRow(-1)
        self.kit_list.blockSignals(False)
        self.heading.setText("<h3>New brand kit <small>(not saved yet)</small></h3>")
        self._load_values(kit, kit.name, dict(kit.logo_asset_ids))
        self._update_buttons()

    def form_values(self) -> dict[str, Any]:
        """The editor's values as BrandKitService.create/update keyword arguments."""
        return {
            "name": self.name_edit.text(),
            "primary_colors": self.primary.colours(),
            "accent_colors": self.accent.colours(),
            "headline_font": self.headline_font.font_name(),
            "body_font": self.body_font.font_name(),
            "tone": self.tone_edit.text(),
            "style_reference": self.style_edit.text() or None,
            "logo_asset_ids": {slot: picker.asset_id() for slot, picker in
                               (("primary", self.primary_logo), ("secondary", self.secondary_logo))
                               if picker.asset_id()},
        }

    # -- actions ---------------------------------------------------------------------------
    def save(self) -> bool:
        """Store the editor's values (a new kit, or the selected one). On a refused value the
        error shows under the editor, nothing is stored and the form keeps its values.
        Returns True when saved."""
        for editor in (self.primary, self.accent):
            error = editor.pending_error()
            if error:
                self.show_error(f"{error} Fix or clear it before saving.")
                editor.hex_edit.setFocus()
                return False
        for editor in (self.primary, self.accent):
            if not editor.add_pending():  # a valid colour typed but not yet added goes in
                self.show_error(editor.error.text())
                return False
        values = self.form_values()
        try:
            if self.kit_id is None:
                kit = self.service.create(**values)
            else:
                kit = self.service.update(self.kit_id, **values)
        except BrandKitError as exc:
            self.show_error(str(exc))
            return False
        self.kit_id = kit.id
        self.dirty = False
        self.reload_list()
        self._load_kit(kit)
        self.status_label.setText(f"Saved '{kit.name}'.")
        return True

    def new_kit(self) -> None:
        """Start a new, unsaved kit with default values (a free name)."""
        if not self._may_discard():
            return
        taken = {k.name.casefold() for k in self.service.list()}
        name, n = "New brand kit", 2
        while name.casefold() in taken:
            name, n = f"New brand kit {n}", n + 1
        self._load_draft(BrandKit(name=name))
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def duplicate_kit(self) -> None:
        """Copy the selected kit ("Copy of …") and select the copy."""
        if self.kit_id is None or not self._may_discard():
            return
        try:
            copy = self.service.duplicate(self.kit_id)
        except BrandKitError as exc:
            self.show_error(str(exc))
            return
        self.dirty = False
        self.select_kit(copy.id)
        self.status_label.setText(f"Created '{copy.name}'.")

    def delete_kit(self) -> None:
        """Delete the selected kit after a confirmation."""
        if self.kit_id is None:
            return
        kit = self.service.get(self.kit_id)
        question = f"Delete the brand kit '{kit.name}'?"
        if kit.is_active:
            question += " It is the active kit: prompts will use no brand kit until you choose another."
        if not self.confirm("Delete brand kit", question):
            return
        try:
            self.service.delete(kit.id)
        except BrandKitError as exc:
            self.show_error(str(exc))
            return
        self.kit_id = None
        self.dirty = False
        self.reload_list()
        kits = self.service.list()
        if kits:
            self.select_kit(kits[0].id)
        else:
            self._load_draft(BrandKit(name="My brand"))
        self.status_label.setText(f"Deleted '{kit.name}'.")

    def set_active(self) -> None:
        """Make the selected (saved) kit the active one."""
        if self.kit_id is None:
            return
        try:
            kit = self.service.set_active(self.kit_id)
        except BrandKitError as exc:
            self.show_error(str(exc))
            return
        if kit is not None:
            self.heading.setText(f"<h3>{html.escape(kit.name)} <small>(active)</small></h3>")
            self.status_label.setText(f"'{kit.name}' is now the active kit.")
        self._update_buttons()

    def reject(self) -> None:  # noqa: D401 - Qt override
        """Close; asks first when there are unsaved changes."""
        if self._may_discard():
            super().reject()

