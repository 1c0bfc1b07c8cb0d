"""StyleBar: colour, stroke width, fill, font and font size for new sketch elements and the selection."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSignalBlocker, QSize
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QColorDialog,
    QDoubleSpinBox,
    QFontComboBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from studio_app.canvas.kinds import SKETCH
from studio_app.canvas.sketch_style import to_px

from .icons import swatch_icon
from .scene import CanvasScene


class StyleBar(QWidget):
    """Style controls. Changing one restyles the selected sketch elements (one undo step) and
    sets the style of the next ones; selecting one sketch element shows its style."""

    def __init__(self, scene: CanvasScene) -> None:
        super().__init__()
        self.scene = scene
        self.custom_colours: Callable[[], list[str]] = list  # the colour dialog's custom row (``#RRGGBB``)
        s = scene.sketch_style
        self.colour_button = QToolButton()
        self.colour_button.setToolTip("Colour")
        self.colour_button.setIconSize(QSize(20, 20))
        self.colour_button.clicked.connect(self._pick_colour)
        self.width_spin = _px_spin(0.5, 200.0, 1, "Stroke width",
                                   lambda v: scene.ops.apply_style(stroke_width=v))
        self.fill_button = QToolButton()
        self.fill_button.setText("Fill")
        self.fill_button.setCheckable(True)
        self.fill_button.setToolTip("Fill rectangles and ellipses")
        self.fill_button.toggled.connect(lambda on: scene.ops.apply_style(fill=bool(on)))
        self.font_combo = QFontComboBox()
        self.font_combo.setMaximumWidth(170)
        self.font_combo.setToolTip("Font")
        self.font_combo.currentFontChanged.connect(lambda f: scene.ops.apply_style(font_family=f.family()))
        self.size_spin = _px_spin(4.0, 1000.0, 0, "Font size", lambda v: scene.ops.apply_style(font_size=v))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for w in (self.colour_button, QLabel("Width"), self.width_spin, self.fill_button, QLabel("Font"),
                  self.font_combo, self.size_spin):
            layout.addWidget(w)
        layout.addStretch(1)
        self._show(s.colour, s.stroke_width, s.fill, s.font_family, s.font_size)
        scene.selectionChanged.connect(self._from_selection)
        # Easy Sketch and the brand kit's palette set the colour too: the swatch must show the
        # ink that will be drawn (it showed red while drawing the kit's purple).
        scene.styleChanged.connect(self._from_style)

    def _show(self, colour: str, width: float, fill: bool, family: str, size: float) -> None:
        blockers = [QSignalBlocker(w) for w in (self.width_spin, self.fill_button, self.font_combo, self.size_spin)]
        self.colour_button.setIcon(swatch_icon(colour, 20))
        self.width_spin.setValue(width)
        self.fill_button.setChecked(fill)
        self.font_combo.setCurrentFont(QFont(family))
        self.size_spin.setValue(size)
        del blockers

    def _from_style(self) -> None:
        s = self.scene.sketch_style
        self._show(s.colour, s.stroke_width, s.fill, s.font_family, s.font_size)

    def shown_colour(self) -> str:
        """The colour the swatch shows (``#RRGGBB``), read from its icon's pixels."""
        image = self.colour_button.icon().pixmap(20, 20).toImage()
        return image.pixelColor(image.width() // 2, image.height() // 2).name().upper()

    def _from_selection(self) -> None:
        sids = self.scene.selection()[SKETCH]
        if len(sids) != 1:
            return
        e = self.scene.editor.sketch_element(sids[0])
        if e is None:
            return
        s = self.scene.sketch_style
        height = self.scene.editor.document.height
        s.colour, s.stroke_width, s.fill = e.color, round(to_px(e.stroke_width, height), 1), e.fill is not None
        if e.kind == "text":
            s.font_family, s.font_size = e.font_family, round(to_px(e.font_size, height))
        self._show(s.colour, s.stroke_width, s.fill, s.font_family, s.font_size)

    def set_colour(self, colour: str) -> None:
        """Use ``colour`` (``#RRGGBB``) from now on and for the selected sketch elements."""
        self.scene.ops.apply_style(colour=colour.upper())
        self.colour_button.setIcon(swatch_icon(colour, 20))

    def _pick_colour(self) -> None:
        for i, hex_ in enumerate(self.custom_colours()[:16]):  # e.g. the active brand kit's colours
            QColorDialog.setCustomColor(i, QColor(hex_))
        colour = QColorDialog.getColor(QColor(self.scene.sketch_style.colour), self, "Sketch colour")
        if colour.isValid():
            self.set_colour(colour.name())


def _px_spin(low: float, high: float, decimals: int, tip: str,
             changed: Callable[[float], object]) -> QDoubleSpinBox:
    """A pixel spin box from ``low`` to ``high`` px that calls ``changed(value)`` once an edit is
    committed (no keyboard tracking: typing "12" does not apply "1" first)."""
    spin = QDoubleSpinBox()
    spin.setRange(low, high)
    spin.setDecimals(decimals)
    spin.setSuffix(" px")
    spin.setToolTip(tip)
    spin.setKeyboardTracking(False)
    spin.valueChanged.connect(lambda v: changed(float(v)))
    return spin
