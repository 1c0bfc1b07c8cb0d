"""Tool icons drawn with QPainter (no image files to ship), crisp at any size."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)


def icon_colour() -> QColor:
    """The palette's text colour, so icons read on light and dark themes."""
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText)


def _canvas(size: int) -> tuple[QPixmap, QPainter]:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 24.0, size / 24.0)
    return pix, p


def tool_icon(tool: str, size: int = 48, colour: QColor | None = None) -> QIcon:
    """The icon of a sketch tool (one of scene.TOOLS), drawn on a 24-unit grid in ``colour``
    (default: the palette's text colour)."""
    colour = colour or icon_colour()
    pix, p = _canvas(size)
    pen = QPen(colour, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    if tool == "select":
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(6, 3), QPointF(6, 19), QPointF(10, 15), QPointF(13, 21),
                                 QPointF(15.5, 20), QPointF(12.5, 14), QPointF(18, 14)]))
    elif tool == "pen":
        path = QPainterPath(QPointF(3, 18))
        path.cubicTo(QPointF(7, 6), QPointF(11, 22), QPointF(14, 12))
        path.cubicTo(QPointF(16, 6), QPointF(19, 8), QPointF(21, 5))
        p.drawPath(path)
    elif tool == "line":
        p.drawLine(QPointF(4, 20), QPointF(20, 4))
    elif tool == "arrow":
        p.drawLine(QPointF(4, 20), QPointF(18, 6))
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(20, 4), QPointF(12, 6.5), QPointF(17.5, 12)]))
    elif tool == "rectangle":
        p.drawRect(QRectF(4, 6, 16, 12))
    elif tool == "ellipse":
        p.drawEllipse(QRectF(3, 6, 18, 12))
    elif tool == "text":
        font = QFont()
        font.setPixelSize(18)
        font.setBold(True)
        p.setFont(font)
        p.drawText(QRectF(0, 0, 24, 24), int(Qt.AlignmentFlag.AlignCenter), "T")
    elif tool == "eraser":
        p.save()
        p.translate(12, 12)
        p.rotate(-40)
        p.setBrush(QColor(colour.red(), colour.green(), colour.blue(), 90))
        p.drawRoundedRect(QRectF(-8, -4.5, 16, 9), 2, 2)
        p.drawLine(QPointF(-1, -4.5), QPointF(-1, 4.5))
        p.restore()
        p.drawLine(QPointF(10, 21), QPointF(21, 21))
    else:
        raise ValueError(f"no icon for tool {tool!r}")
    p.end()
    return QIcon(pix)


def swatch_icon(colour: str, size: int = 32, selected: bool = False) -> QIcon:
    """A round colour swatch (``#RRGGBB``), ringed when selected."""
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QGuiApplication.palette().color(QPalette.ColorRole.Highlight) if selected
                  else QColor(0, 0, 0, 90), 3 if selected else 1))
    p.setBrush(QColor(colour))
    m = 3 if selected else 2
    p.drawEllipse(QRectF(m, m, size - 2 * m, size - 2 * m))
    p.end()
    return QIcon(pix)
