"""Guard against PySide6 builds that drop references to None (6.12.0 on CPython 3.11).

Such a build aborts the interpreter ("none_dealloc") after a few thousand void calls,
i.e. in the middle of a canvas snapshot. pyproject.toml excludes it; this test catches
an environment that has it anyway.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter


def test_void_qt_calls_keep_none_alive():
    rect = QRectF(0, 0, 4, 4)
    image = QImage(8, 8, QImage.Format.Format_ARGB32_Premultiplied)
    before = sys.getrefcount(None)
    painter = QPainter(image)
    for _ in range(200):
        rect.setX(1)
        painter.setOpacity(0.5)
        painter.drawRect(rect)
    painter.end()
    assert sys.getrefcount(None) - before > -50, "this PySide6 build leaks None references; use 6.11"
