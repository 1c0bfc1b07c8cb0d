"""Editor widgets of the brand kit dialog: colour list, font picker, logo picker and a preview."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.media import MediaAsset
from studio_app.services.brand_kits import MAX_COLOURS, BrandKitError, normalise_hex

ERROR_STYLE = "color: #D93025;"
INVALID_FIELD_STYLE = "QLineEdit { border: 2px solid #D93025; border-radius: 3px; padding: 1px; }"
SWATCH_PX = 22

ColourGetter = Callable[[QColor, QWidget, str], QColor]
"""``(initial, parent, title) -> QColor`` (invalid when cancelled), like QColorDialog.getColor."""


def swatch_icon(colours: list[str], size: int = SWATCH_PX) -> QIcon:
    """A square icon painted with ``colours`` (``#RRGGBB``) as vertical stripes; grey when empty."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    cols = colours or ["#808080"]
    stripe = size / len(cols)
    for i, c in enumerate(cols):
        p.fillRect(QRectF(i * stripe, 0, stripe + 0.5, size), QColor(c))
    p.setPen(QColor(0, 0, 0, 120))
    p.drawRect(QRectF(0.5, 0.5, size - 1, size - 1))
    p.end()
    return QIcon(pix)


class ColourListEditor(QWidget):
    """An ordered list of ``#RRGGBB`` colours with a hex field (validated as you type),
    a colour-dialog picker, Add and Remove. Double-click a colour to change it with the picker.

    Signals:
        changed(): the list of colours changed.
    """

    changed = Signal()

    def __init__(self, label: str, colour_getter: ColourGetter | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.colour_getter: ColourGetter = colour_getter or QColorDialog.getColor
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.ListMode)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setIconSize(QSize(SWATCH_PX, SWATCH_PX))
        self.list.setFixedHeight(SWATCH_PX + 16)
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(self._repick)
        self.hex_edit = QLineEdit()
        self.hex_edit.setPlaceholderText("#RRGGBB")
        self.hex_edit.setMaxLength(9)
        self.hex_edit.setFixedWidth(92)
        self.hex_edit.textChanged.connect(self._validate_live)
        self.hex_edit.returnPressed.connect(self.add_pending)
        self.pick_button = QPushButton("Pick…")
        self.pick_button.clicked.connect(self.pick)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_pending)
        self.add_button.setEnabled(False)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.hex_edit)
        row.addWidget(self.pick_button)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        box.addWidget(self.list)
        box.addLayout(row)
        box.addWidget(self.error)

    # -- values --------------------------------------------------------------------------
    def colours(self) -> list[str]:
        """The colours, in order, ``#RRGGBB``."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def set_colours(self, colours: list[str]) -> None:
        """Replace the list (no ``changed`` signal); clears the hex field."""
        self.list.clear()
        for c in colours:
            self._append(c)
        self.hex_edit.clear()
        self._show_error(None)

    def _append(self, hex_: str) -> None:
        item = QListWidgetItem(swatch_icon([hex_]), hex_)
        item.setToolTip(f"{hex_}: double-click to change")
        self.list.addItem(item)

    def pending_error(self) -> str | None:
        """The error of the text left in the hex field, or None when it is empty or valid."""
        text = self.hex_edit.text().strip()
        if not text:
            return None
        try:
            normalise_hex(text, self.label)
        except BrandKitError as exc:
            return str(exc)
        return None

    # -- actions -------------------------------------------------------------------------
    def _show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.hex_edit.setStyleSheet(INVALID_FIELD_STYLE if message else "")

    def _validate_live(self, text: str) -> None:
        error = self.pending_error()
        self._show_error(error)
        self.add_button.setEnabled(bool(text.strip()) and error is None)

    def add_pending(self) -> bool:
        """Add the colour typed in the hex field. Returns False (and shows why) when it is not
        a hex colour or the list is full; an empty field adds nothing and returns True."""
        text = self.hex_edit.text().strip()
        if not text:
            return True
        try:
            hex_ = normalise_hex(text, self.label)
        except BrandKitError as exc:
            self._show_error(str(exc))
            return False
        return self.add_colour(hex_)

    def add_colour(self, hex_: str) -> bool:
        """Append ``hex_`` (already ``#RRGGBB``) unless present; False when the list is full."""
        if hex_ in self.colours():
            self.hex_edit.clear()
            return True
        if self.list.count() >= MAX_COLOURS:
            self._show_error(f"At most {MAX_COLOURS} {self.label.lower()}s; remove one first.")
            return False
        self._append(hex_)
        self.hex_edit.clear()
        self._show_error(None)
        self.changed.emit()
        return True

    def pick(self) -> None:
        """Choose a colour with the colour dialog and add it."""
        text = self.hex_edit.text().strip()
        initial = QColor(normalise_hex(text)) if text and self.pending_error() is None else QColor("#9146FF")
        colour = self.colour_getter(initial, self, f"Choose a {self.label.lower()}")
        if colour.isValid():
            self.add_colour(colour.name().upper())

    def _repick(self, item: QListWidgetItem) -> None:
        colour = self.colour_getter(QColor(item.text()), self, f"Change {item.text()}")
        if colour.isValid():
            hex_ = colour.name().upper()
            item.setText(hex_)
            item.setIcon(swatch_icon([hex_]))
            self.changed.emit()

    def remove_selected(self) -> None:
        """Remove the selected colour (the last one when none is selected)."""
        row = self.list.currentRow()
        if row < 0:
            row = self.list.count() - 1
        if row >= 0:
            self.list.takeItem(row)
            self.changed.emit()


class FontPicker(QWidget):
    """An editable combo of the system's font families (QFontDatabase.families()), each shown
    in its own face. A family that is not installed can still be typed: the image model only
    reads the name; a note says it is not installed here.

    Signals:
        changed(): the font name changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.families = list(QFontDatabase.families())
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for family in self.families:
            self.combo.addItem(family)
            self.combo.setItemData(self.combo.count() - 1, QFont(family), Qt.ItemDataRole.FontRole)
        completer = QCompleter(self.families, self.combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.combo.setCompleter(completer)
        self.note = QLabel("not installed here")
        self.note.setStyleSheet("color: #888;")
        self.note.setToolTip("The prompt still names this font; install it to preview it here.")
        self.note.hide()
        self.combo.currentTextChanged.connect(self._text_changed)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.note)

    def font_name(self) -> str:
        """The chosen family name (stripped)."""
        return self.combo.currentText().strip()

    def set_font_name(self, name: str) -> None:
        """Show ``name`` (no ``changed`` signal)."""
        self.combo.blockSignals(True)
        index = self.combo.findText(name, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setEditText(name)
        self.combo.blockSignals(False)
        self._update_note(name)

    def _update_note(self, name: str) -> None:
        installed = not name.strip() or any(f.casefold() == name.strip().casefold() for f in self.families)
        self.note.setVisible(not installed)
        editor = self.combo.lineEdit()  # None only for a combo that is not editable
        if editor is not None:
            editor.setFont(QFont(name) if installed and name.strip() else QFont())

    def _text_changed(self, text: str) -> None:
        self._update_note(text)
        self.changed.emit()


THUMB_PX = 32
NO_LOGO = "(no logo)"


class LogoPicker(QComboBox):
    """Choose a logo from the media library: "(no logo)" then assets with their thumbnails.

    A chosen asset that is not among the offered ones (another type, or deleted from the
    library since) stays listed, so nothing is dropped silently; a deleted one is marked.

    Signals:
        changed(): the chosen asset changed (by the user).
    """

    changed = Signal()

    def __init__(self, icon_for: Callable[[MediaAsset], QIcon | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icon_for = icon_for
        self.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(18)
        self.addItem(NO_LOGO, None)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def set_choices(self, assets: list[MediaAsset], current_id: str | None,
                    current: MediaAsset | None = None) -> None:
        """Offer ``assets`` and select ``current_id`` (no ``changed`` signal).

        ``current`` is the live asset of ``current_id`` when it is not in ``assets``; None with a
        ``current_id`` means the asset is gone from the library.
        """
        self.blockSignals(True)
        self.clear()
        self.addItem(NO_LOGO, None)
        offered = list(assets)
        if current_id and all(a.id != current_id for a in offered) and current is not None:
            offered.insert(0, current)
        for asset in offered:
            icon = self._icon_for(asset)
            label = f"{asset.display_name}  ·  {asset.asset_type.value}"
            if icon is not None:
                self.addItem(icon, label, asset.id)
            else:
                self.addItem(label, asset.id)
            self.setItemData(self.count() - 1, f"{asset.display_name} ({asset.width}x{asset.height} px)",
                             Qt.ItemDataRole.ToolTipRole)
        if current_id and self.findData(current_id) < 0:
            self.addItem("(deleted from the library: choose another)", current_id)
        self.setCurrentIndex(max(0, self.findData(current_id)) if current_id else 0)
        self.blockSignals(False)

    def asset_id(self) -> str | None:
        """The chosen MediaAsset id, or None for no logo."""
        return self.currentData()

    def select_asset(self, asset_id: str | None) -> bool:
        """Choose ``asset_id`` (None: no logo) as a user would; False when it is not offered."""
        index = 0 if asset_id is None else self.findData(asset_id)
        if index < 0:
            return False
        self.setCurrentIndex(index)
        return True


class BrandPreview(QWidget):
    """A small banner painted with the kit: primary colour background, accent stripe, the
    headline font in the accent colour, the body font, and the primary logo."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(300, 96)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._primary: list[str] = []
        self._accent: list[str] = []
        self._headline, self._body, self._tone, self._name = "", "", "", ""
        self._logo: QImage | None = None

    def set_values(self, *, name: str, primary: list[str], accent: list[str], headline_font: str,
                   body_font: str, tone: str, logo: QImage | None) -> None:
        """Repaint with these values."""
        self._name, self._primary, self._accent = name, primary, accent
        self._headline, self._body, self._tone, self._logo = headline_font, body_font, tone, logo
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        bg = QColor(self._primary[0]) if self._primary else QColor("#2A2A33")
        p.fillRect(r, bg)
        stripes = (self._primary[1:] + self._accent) or ["#FFFFFF"]
        w = r.width() / len(stripes)
        for i, c in enumerate(stripes):
            p.fillRect(QRectF(r.left() + i * w, r.bottom() - 8, w + 0.5, 8), QColor(c))
        text_colour = QColor(self._accent[0]) if self._accent else QColor("#FFFFFF")
        if abs(text_colour.lightness() - bg.lightness()) < 60:
            text_colour = QColor("#FFFFFF") if bg.lightness() < 128 else QColor("#000000")
        logo_w = 0.0
        if self._logo is not None and not self._logo.isNull():
            side = r.height() - 24
            scaled = self._logo.scaled(int(side), int(side), Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
            p.drawImage(int(r.right() - scaled.width() - 10), int(r.top() + 8), scaled)
            logo_w = scaled.width() + 16
        head = QFont(self._headline or "Sans Serif")
        head.setPixelSize(28)
        head.setBold(True)
        p.setFont(head)
        p.setPen(text_colour)
        text_rect = QRectF(r.left() + 12, r.top() + 6, r.width() - 24 - logo_w, 40)
        p.drawText(text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   p.fontMetrics().elidedText(self._name.upper() or "HEADLINE", Qt.TextElideMode.ElideRight,
                                              int(text_rect.width())))
        body = QFont(self._body or "Sans Serif")
        body.setPixelSize(14)
        p.setFont(body)
        body_rect = QRectF(r.left() + 12, r.top() + 46, r.width() - 24 - logo_w, 34)
        line = f"Tone: {self._tone}" if self._tone else "Body text"
        p.drawText(body_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                   p.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, int(body_rect.width())))
        p.setPen(QColor(0, 0, 0, 110))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(r)
        p.end()
