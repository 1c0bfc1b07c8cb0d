"""Easy Sketch: three large tools (pen, arrow, text) and a palette from the active brand kit.

A simplified drawing mode for beginners. The palette is the
active BrandKit's primary then accent colours (duplicates dropped); without a kit it
is DEFAULT_PALETTE.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.brand_kit import BrandKit

from .icons import swatch_icon, tool_icon
from .scene import CanvasScene

EASY_TOOLS = ("pen", "arrow", "text")
DEFAULT_PALETTE = ("#FF3B30", "#FFCC00", "#34C759", "#007AFF", "#FFFFFF", "#111111")
"""Used when there is no active brand kit: red, yellow, green, blue, white, near-black."""
EASY_SIZES = {"S": (4.0, 36.0), "M": (8.0, 64.0), "L": (14.0, 110.0)}
"""Size step -> (stroke width px, font size px) at 1x."""


def brand_palette(kit: BrandKit | None) -> list[str]:
    """The kit's primary + accent colours (upper-case, no repeats), or DEFAULT_PALETTE."""
    if kit is None:
        return list(DEFAULT_PALETTE)
    out: list[str] = []
    for c in [*kit.primary_colors, *kit.accent_colors]:
        c = c.upper()
        if c not in out:
            out.append(c)
    return out or list(DEFAULT_PALETTE)


class EasySketchBar(QWidget):
    """Big tool buttons, brand swatches and a size slider.

    Signals:
        exitRequested(): the user wants the full tool set back.
    """

    exitRequested = Signal()

    def __init__(self, scene: CanvasScene, palette: Sequence[str] = DEFAULT_PALETTE, brand_name: str | None = None
                 ) -> None:
        super().__init__()
        self.scene = scene
        self.setObjectName("EasySketchBar")
        self.tool_buttons: dict[str, QToolButton] = {}
        self.swatches: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        tools_row = QHBoxLayout()
        for tool in EASY_TOOLS:
            b = QToolButton()
            b.setIcon(tool_icon(tool, 64))
            b.setIconSize(QSize(40, 40))
            b.setText(tool.capitalize())
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            b.setCheckable(True)
            b.setMinimumSize(76, 76)
            b.clicked.connect(lambda _=False, t=tool: self.choose_tool(t))
            group.addButton(b)
            tools_row.addWidget(b)
            self.tool_buttons[tool] = b
        self.palette_row = QGridLayout()  # two rows of swatches: the bar fits a 1366 px laptop
        self.palette_row.setSpacing(2)
        self.palette_label = QLabel()
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        self.size_slider.setRange(0, 2)
        self.size_slider.setPageStep(1)
        self.size_slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.size_slider.setFixedWidth(90)
        self.size_slider.valueChanged.connect(self._size_chosen)
        self.size_label = QLabel()
        exit_button = QToolButton()
        exit_button.setText("All tools")
        exit_button.setToolTip("Leave Easy Sketch")
        exit_button.clicked.connect(self.exitRequested)

        colours = QVBoxLayout()
        colours.addWidget(self.palette_label)
        colours.addLayout(self.palette_row)
        sizes = QVBoxLayout()
        sizes.addWidget(self.size_label)
        sizes.addWidget(self.size_slider)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(tools_row)
        layout.addSpacing(10)
        layout.addLayout(colours)
        layout.addSpacing(10)
        layout.addLayout(sizes)
        layout.addStretch(1)
        layout.addWidget(exit_button)
        self.set_palette(palette, brand_name)
        self.size_slider.setValue(1)
        self._size_chosen(1)

    def set_palette(self, palette: Sequence[str], brand_name: str | None = None) -> None:
        """Show these swatches (``#RRGGBB``); ``brand_name`` labels where they come from."""
        while self.palette_row.count():
            taken = self.palette_row.takeAt(0)
            w = taken.widget() if taken is not None else None
            if w is not None:
                w.deleteLater()
        self.swatches = {}
        self.palette_colours = [c.upper() for c in palette]
        columns = max(3, (len(self.palette_colours) + 1) // 2)
        for i, c in enumerate(self.palette_colours):
            b = QToolButton()
            b.setIconSize(QSize(30, 30))
            b.setToolTip(c)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _=False, col=c: self.choose_colour(col))
            self.palette_row.addWidget(b, i // columns, i % columns)
            self.swatches[c] = b
        self.palette_label.setText(f"Brand colours: {brand_name}" if brand_name else "Colours")
        current = self.scene.sketch_style.colour.upper()
        self.choose_colour(current if current in self.swatches else self.palette_colours[0])

    def choose_tool(self, tool: str) -> None:
        """Switch to one of EASY_TOOLS."""
        self.scene.set_tool(tool)
        self.tool_buttons[tool].setChecked(True)

    def choose_colour(self, colour: str) -> None:
        """Draw in ``colour`` (and recolour the selected sketch elements)."""
        self.scene.ops.apply_style(colour=colour)
        for c, b in self.swatches.items():
            b.setIcon(swatch_icon(c, 30, selected=(c == colour.upper())))

    def _size_chosen(self, step: int) -> None:
        name = list(EASY_SIZES)[step]
        width, font = EASY_SIZES[name]
        self.size_label.setText(f"Size: {name}")
        self.scene.sketch_style.stroke_width, self.scene.sketch_style.font_size = width, font
