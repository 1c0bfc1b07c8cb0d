"""Text extents of sketch text elements, measured with the font the snapshot draws them in.

The ``TextMeasure`` of ``domain.resize``: the same font, pixel size and layout flags as
``SketchPainter`` (top-left anchored, left/top aligned, multi-line), so a resized design's
text is kept inside the canvas by its real glyph box, not an estimate.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from studio_app.domain.sketch import SketchElement

from .gui_app import ensure_gui_application

_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextDontClip)


def measure_text(element: SketchElement, canvas_w: int, canvas_h: int) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) px of ``element``'s drawn text relative to its anchor point,
    on a canvas canvas_w x canvas_h px (font pixel size = font_size percent of canvas_h).

    Raises:
        GuiApplicationError: called off the main thread before any Qt application exists.
    """
    ensure_gui_application()
    font = QFont(element.font_family)
    font.setPixelSize(max(1, round(element.font_px(canvas_h))))
    box = QFontMetricsF(font).boundingRect(QRectF(0, 0, 1, 1), _FLAGS, element.text or "")
    return box.left(), box.top(), box.right(), box.bottom()
