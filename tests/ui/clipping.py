"""Find text that does not fit its widget: labels, buttons, combo boxes and progress bars.

A widget's text is clipped when the width it needs is more than the width it has on screen:
its own contents rectangle, cut further by any ancestor (a scroll area's viewport, a dock).
Widths come from the widget's own font metrics and the style's content rectangles, so the
icon, frame and padding a style draws are accounted for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QToolButton,
    QWidget,
)

SLACK_PX = 1
"""Rounding between font metrics and painted glyphs."""


@dataclass
class Clip:
    """One clipped text: the widget's class and object name, its text, needed and available px."""

    widget: str
    text: str
    needed: int
    available: int

    def __str__(self) -> str:
        return f"{self.widget} {self.text!r}: needs {self.needed} px, has {self.available} px"


def _visible_width(w: QWidget, rect: QRect) -> int:
    """Width of ``rect`` (widget coordinates) left after every ancestor's rectangle cuts it
    horizontally. Vertical cuts are ignored: a row scrolled out of view is reachable, not clipped."""
    left, right = rect.left() + w.x(), rect.right() + w.x()
    child: QWidget = w
    parent = w.parentWidget()
    while parent is not None and not child.isWindow():
        left, right = max(left, 0), min(right, parent.width() - 1)
        if right < left:
            return 0
        if parent.isWindow():
            break
        left, right = left + parent.x(), right + parent.x()
        child, parent = parent, parent.parentWidget()
    return right - left + 1


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_need(label: QLabel) -> tuple[int, int] | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    cr = label.contentsRect()
    avail = cr.width() - 2 * label.margin() - label.indent() if label.indent() > 0 else cr.width() - 2 * label.margin()
    rich = label.textFormat() in (label.textFormat().RichText, label.textFormat().MarkdownText) or (
        label.textFormat() == label.textFormat().AutoText and ("<" in text and ">" in text))
    if label.wordWrap():
        # Wrapped text is clipped when it needs more height than it has.
        needed_h = label.heightForWidth(label.width())
        if needed_h > label.height() + SLACK_PX:
            return needed_h, -label.height()  # negative: a height, not a width (see clipped_texts)
        # A single word longer than the line is cut too.
        longest = max((label.fontMetrics().horizontalAdvance(word) for word in _strip_tags(text).split()), default=0)
        return longest, avail
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        if label.textFormat() == label.textFormat().MarkdownText:
            doc.setMarkdown(text)
        else:
            doc.setHtml(text)
        doc.setDocumentMargin(0)
        return int(doc.idealWidth() + 0.999), avail
    lines = text.split("\n")
    return max(label.fontMetrics().horizontalAdvance(line) for line in lines), avail


def _strip_tags(text: str) -> str:
    out, inside = [], False
    for ch in text:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def _button_need(b: QAbstractButton) -> tuple[int, int] | None:
    text = _plain(b.text())
    if not text:
        return None
    fm = b.fontMetrics()
    text_w = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    icon_w = b.iconSize().width() + 4 if not b.icon().isNull() else 0
    style = b.style()
    if isinstance(b, QPushButton):
        opt = QStyleOptionButton()
        b.initStyleOption(opt)
        contents = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, b)
        menu = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, b) if b.menu() else 0
        return text_w + icon_w + menu, contents.width() - 2 * style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin,
                                                                                 opt, b) // 2
    if isinstance(b, (QCheckBox, QRadioButton)):
        opt = QStyleOptionButton()
        b.initStyleOption(opt)
        element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(b, QCheckBox)
                   else QStyle.SubElement.SE_RadioButtonContents)
        contents = style.subElementRect(element, opt, b)
        return text_w + icon_w, contents.width()
    if isinstance(b, QToolButton):
        tb_style = b.toolButtonStyle()
        if tb_style == b.toolButtonStyle().ToolButtonIconOnly and not b.icon().isNull():
            return None
        if tb_style in (b.toolButtonStyle().ToolButtonTextUnderIcon,):
            icon_w = 0
        frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, b)
        menu = 0
        if b.popupMode() == QToolButton.ToolButtonPopupMode.MenuButtonPopup:
            menu = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, b)
        return text_w + icon_w, b.contentsRect().width() - 2 * frame - menu
    return text_w + icon_w, b.contentsRect().width()


def _combo_need(c: QComboBox) -> tuple[int, int] | None:
    text = c.currentText()
    if not text:
        return None
    opt = QStyleOptionComboBox()
    c.initStyleOption(opt)
    field = c.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                     QStyle.SubControl.SC_ComboBoxEditField, c)
    icon_w = c.iconSize().width() + 4 if not c.itemIcon(c.currentIndex()).isNull() else 0
    if c.isEditable() and c.lineEdit() is not None:
        return None  # a line edit scrolls its text; nothing is cut for good
    return c.fontMetrics().horizontalAdvance(text) + icon_w, field.width()


def _progress_need(p: QProgressBar) -> tuple[int, int] | None:
    if not p.isTextVisible() or not p.text():
        return None
    return p.fontMetrics().horizontalAdvance(p.text()) + 8, p.contentsRect().width()


_CHECKED_KINDS: tuple[tuple[type[QWidget], Callable[[Any], tuple[int, int] | None], Callable[[Any], str]], ...] = (
    (QLabel, _label_need, QLabel.text),
    (QAbstractButton, _button_need, QAbstractButton.text),
    (QComboBox, _combo_need, QComboBox.currentText),
    (QProgressBar, _progress_need, QProgressBar.text),
)
"""(widget class, its (needed, available) px measure, the text it shows), tried in this order."""


def clipped_texts(window: QWidget) -> list[Clip]:
    """Every visible QLabel, QAbstractButton, QComboBox and QProgressBar in ``window`` whose text
    is wider (or, wrapped, taller) than the room it has. Labels elided on purpose
    (ending in "…" with the full text as tooltip) count as fitting when the elided text fits."""
    found: list[Clip] = []
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window) or not w.isVisible() or w.width() <= 0:
            continue
        kind = next((k for k in _CHECKED_KINDS if isinstance(w, k[0])), None)
        if kind is None:
            continue
        need = kind[1](w)
        text = kind[2](w)
        if need is None:
            continue
        needed, available = need
        if available < 0:  # wrapped label short of height
            found.append(Clip(f"{type(w).__name__}#{w.objectName() or '?'} (height)", text[:60], needed,
                              -available))
            continue
        hidden = w.width() - _visible_width(w, w.rect())  # cut by a scroll viewport or a parent
        if hidden > SLACK_PX and _visible_width(w, w.rect()) > 0:
            # partly outside its parent: a combo's arrow or a button's edge is cut off
            found.append(Clip(f"{type(w).__name__}#{w.objectName() or '?'} (cut by parent)", text[:60], w.width(),
                              w.width() - hidden))
            continue
        if needed > available + SLACK_PX:
            found.append(Clip(f"{type(w).__name__}#{w.objectName() or '?'}", text[:60], needed, available))
    return found
