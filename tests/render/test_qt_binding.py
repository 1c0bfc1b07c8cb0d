"""Guard against PySide6 builds that drop references to None (6.12.0 on CPython 3.11).

Such a build aborts the interpreter ("none_dealloc") after a few thousand void calls,
i.e. in the middle of a canvas snapshot. pyproject.toml excludes it; this test catches
an environment that has it anyway.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter


def test_void_qt_calls_keep_none_alive():
    rect = QRectF(0, 0, 4, 4)
    image = QImage(8, 8, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    gc.collect()
    gc.disable()  # freed garbage would also lower None's count
    try:
        before = sys.getrefcount(None)
        for _ in range(1000):  # a leaking build loses 3000 references here
            rect.setX(1)
            painter.setOpacity(0.5)
            painter.drawRect(rect)
        drift = sys.getrefcount(None) - before
    finally:
        gc.enable()
        painter.end()
    assert drift > -1000, f"this PySide6 build drops references to None ({drift}); use 6.11"
