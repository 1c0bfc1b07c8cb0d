"""The text tool: an in-place editor for a new or existing text element.

Clicking with the text tool opens the editor (on the text element under the pointer, or a
new one there); clicking elsewhere, switching tools or losing focus commits it as one step:
a new text is added, an edited one saved, an emptied one deleted.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from studio_app.canvas.kinds import SKETCH
from studio_app.canvas.sketch_style import to_percent
from studio_app.domain.sketch import SketchElement

from ..commands import RemoveItemsCommand, StyleSketchCommand
from ..items import SketchItem, TextEditItem, text_font
from .base import ToolBase
from .draw import add_sketch_element


class TextTool(ToolBase):
    """Opens, restyles and commits the in-place text editor (it has no drag gesture)."""

    _edit: TextEditItem | None = None

    @property
    def active(self) -> bool:
        """Always False: a text edit is not a mouse gesture (see ``edit_item``)."""
        return False

    @property
    def edit_item(self) -> TextEditItem | None:
        """The in-place text editor, while one is open."""
        return self._edit

    def press(self, event: QGraphicsSceneMouseEvent) -> None:
        """Edit the text element under the pointer, or start a new one there."""
        pos = event.scenePos()
        item = self.scene.item_at(pos)
        if isinstance(item, SketchItem) and item.element.kind == "text":
            self.begin_edit(item.element_id)
        else:
            self.begin_edit(None, pos)
        event.accept()

    def move(self, event: QGraphicsSceneMouseEvent) -> None:
        """Nothing to drag."""

    def release(self, event: QGraphicsSceneMouseEvent) -> None:
        """Nothing to finish."""

    def cancel(self) -> None:
        """Nothing to cancel (an open editor stays open)."""

    def press_while_editing(self, event: QGraphicsSceneMouseEvent) -> bool:
        """A press with the editor open: inside it, False (the editor takes the click); outside,
        commit the edit, accept the press and return True."""
        if self._edit is None or self._edit.sceneBoundingRect().contains(event.scenePos()):
            return False
        self.commit()
        event.accept()
        return True

    def begin_edit(self, element_id: str | None, pos: QPointF | None = None) -> TextEditItem:
        """Open the editor on a text element (or a new one at ``pos``, canvas px).

        Raises:
            KeyError: no sketch element ``element_id``.
        """
        self.commit()
        scene, style = self.scene, self.scene.sketch_style
        doc = scene.editor.document
        if element_id is not None:
            element = scene.editor.sketch_element(element_id)
            if element is None:
                raise KeyError(f"no sketch element {element_id!r}")
            scene.items_of(SKETCH)[element_id].setVisible(False)
        else:
            element = SketchElement(kind="text", points=[scene.percent(pos or QPointF(0, 0))], text=" ",
                                    color=style.colour, font_size=to_percent(style.font_size, doc.height),
                                    font_family=style.font_family, z_index=scene.editor.next_sketch_z_index())
        editor = TextEditItem(element, element_id, doc.width, doc.height)
        if element_id is None:
            editor.setPlainText("")
        self._edit = editor
        scene.addItem(editor)
        editor.setFocus(Qt.FocusReason.MouseFocusReason)
        cursor = editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        editor.setTextCursor(cursor)
        editor.on_focus_out = self._on_focus_out
        scene.textEditingChanged.emit(True)
        return editor

    def restyle(self) -> None:
        """Give the open editor the scene's current colour, font and size."""
        ed, style = self._edit, self.scene.sketch_style
        if ed is None:
            return
        font_size = to_percent(style.font_size, ed.canvas_h)
        e = ed.element.model_copy(update={"color": style.colour.upper(), "font_size": font_size,
                                          "font_family": style.font_family})
        ed.element = e
        ed.setFont(text_font(e, ed.canvas_h))
        ed.setDefaultTextColor(QColor(e.color))

    def _on_focus_out(self) -> None:
        QTimer.singleShot(0, self._commit_if_unfocused)

    def _commit_if_unfocused(self) -> None:
        ed = self._edit
        if ed is not None and not ed.hasFocus():
            self.commit()

    def commit(self) -> None:
        """Close the editor: add the new text, save the edit, or delete an emptied text (one step)."""
        ed, self._edit = self._edit, None
        if ed is None:
            return
        scene = self.scene
        ed.on_focus_out = None
        text = ed.toPlainText().rstrip()
        scene.removeItem(ed)
        scene.textEditingChanged.emit(False)
        if ed.element_id is None:
            if text.strip():
                e = ed.element.model_copy(update={"text": text})
                add_sketch_element(scene, SketchElement.model_validate(e.model_dump()))
            return
        item = scene.items_of(SKETCH).get(ed.element_id)
        if item is not None:
            item.setVisible(scene.editor.document.sketch_visible)
        if scene.editor.sketch_element(ed.element_id) is None:
            return
        if not text.strip():
            scene.undo_stack.push(RemoveItemsCommand(scene.editor, {SKETCH: [ed.element_id]}, "Delete text"))
            return
        values = {"text": text, "color": ed.element.color, "font_size": ed.element.font_size,
                  "font_family": ed.element.font_family}
        scene.ops.push(StyleSketchCommand(scene.editor, [ed.element_id], values, "Edit text"))
