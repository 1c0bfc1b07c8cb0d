"""CanvasActions: the composer's QActions (tools, edit, arrange, align, view) bound to a scene and view.

The main window puts them in menus and tool bars; tests trigger them like a user would.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence

from .icons import tool_icon
from .scene import TOOLS, CanvasScene
from .view import CanvasView

TOOL_SHORTCUTS = {"select": "V", "pen": "P", "line": "L", "arrow": "A", "rectangle": "R", "ellipse": "E",
                  "text": "T", "eraser": "X"}
TOOL_LABELS = {"select": "Select", "pen": "Pen", "line": "Line", "arrow": "Arrow", "rectangle": "Rectangle",
               "ellipse": "Ellipse", "text": "Text", "eraser": "Eraser"}


class CanvasActions(QObject):
    """Every composer action, by name (``actions["copy"]``, ``tools["pen"]``...).

    Signals:
        safeZonesToggled(bool): the safe-zone overlay was switched.
    """

    safeZonesToggled = Signal(bool)

    def __init__(self, scene: CanvasScene, view: CanvasView, parent: QObject) -> None:
        super().__init__(parent)
        self.scene, self.view = scene, view
        self.actions: dict[str, QAction] = {}
        self.tools: dict[str, QAction] = {}
        group = QActionGroup(self)
        for tool in TOOLS:
            act = QAction(tool_icon(tool), TOOL_LABELS[tool], parent, checkable=True)
            act.setShortcut(QKeySequence(TOOL_SHORTCUTS[tool]))
            act.setToolTip(f"{TOOL_LABELS[tool]} ({TOOL_SHORTCUTS[tool]})")
            act.triggered.connect(lambda _=False, t=tool: scene.set_tool(t))
            group.addAction(act)
            self.tools[tool] = act
        self.tools["select"].setChecked(True)
        scene.toolChanged.connect(lambda t: self.tools[t].setChecked(True))

        add = self._add
        add("copy", "&Copy", QKeySequence.StandardKey.Copy, self.copy)
        add("cut", "Cu&t", QKeySequence.StandardKey.Cut, self.cut)
        add("paste", "&Paste", QKeySequence.StandardKey.Paste, self.paste)
        add("duplicate", "D&uplicate", "Ctrl+D", scene.ops.duplicate_selected)
        add("delete", "&Delete", QKeySequence.StandardKey.Delete, scene.ops.delete_selected)
        add("select_all", "Select &all", QKeySequence.StandardKey.SelectAll, scene.select_all)
        add("front", "Bring to &front", "Ctrl+Shift+]", lambda: scene.ops.arrange_selected("front"))
        add("forward", "Bring &forward", "Ctrl+]", lambda: scene.ops.arrange_selected("forward"))
        add("backward", "Send &backward", "Ctrl+[", lambda: scene.ops.arrange_selected("backward"))
        add("back", "Send to bac&k", "Ctrl+Shift+[", lambda: scene.ops.arrange_selected("back"))
        for mode, text, key in (("left", "Align &left", "Alt+Shift+L"), ("hcentre", "Align &centre", "Alt+Shift+C"),
                                ("right", "Align &right", "Alt+Shift+R"), ("top", "Align &top", "Alt+Shift+T"),
                                ("vcentre", "Align &middle", "Alt+Shift+M"),
                                ("bottom", "Align &bottom", "Alt+Shift+B")):
            add(f"align_{mode}", text, key, lambda _=False, m=mode: scene.ops.align_selected(m))
        add("distribute_h", "Distribute &horizontally", "Alt+Shift+H", lambda: scene.ops.distribute_selected("h"))
        add("distribute_v", "Distribute &vertically", "Alt+Shift+V", lambda: scene.ops.distribute_selected("v"))
        add("flip_h", "Flip &horizontally", "Shift+H", lambda: scene.ops.flip_selected("h"))
        add("flip_v", "Flip &vertically", "Shift+V", lambda: scene.ops.flip_selected("v"))
        add("lock", "&Lock / unlock", "Ctrl+L", scene.ops.toggle_locked_selected)
        add("hide", "&Hide / show", "Ctrl+Shift+H", scene.ops.toggle_hidden_selected)
        add("zoom_in", "Zoom &in", QKeySequence.StandardKey.ZoomIn, view.zoom_in)
        add("zoom_out", "Zoom &out", QKeySequence.StandardKey.ZoomOut, view.zoom_out)
        add("zoom_fit", "&Fit canvas", "Ctrl+0", view.fit)
        add("zoom_100", "&100%", "Ctrl+1", view.zoom_100)
        safe = add("safe_zones", "&Safe zones", "Ctrl+;", self._toggle_safe_zones)
        safe.setCheckable(True)
        sketch = add("sketch_layer", "S&ketch layer", "Ctrl+Shift+K", self._toggle_sketch_layer)
        sketch.setCheckable(True)
        sketch.setChecked(scene.editor.document.sketch_visible)
        scene.editor.edited.connect(lambda _c: sketch.setChecked(scene.editor.document.sketch_visible))
        snap = add("snapping", "S&napping", "Ctrl+Shift+;", self._toggle_snapping)
        snap.setCheckable(True)
        snap.setChecked(scene.snapping)

    def _add(self, name: str, text: str, key, slot) -> QAction:  # noqa: ANN001
        act = QAction(text, self.parent())
        if key:
            act.setShortcut(QKeySequence(key))
        act.triggered.connect(lambda _=False: slot())
        self.actions[name] = act
        return act

    # -- clipboard ----------------------------------------------------------------------
    def copy(self) -> bool:
        """Put the selection on the system clipboard."""
        mime = self.scene.ops.copy_selected()
        if mime is None:
            return False
        QGuiApplication.clipboard().setMimeData(mime)
        return True

    def cut(self) -> bool:
        """Copy and delete the selection (one undo step)."""
        mime = self.scene.ops.cut_selected()
        if mime is None:
            return False
        QGuiApplication.clipboard().setMimeData(mime)
        return True

    def paste(self) -> bool:
        """Paste canvas items from the clipboard (other clipboard content is ignored)."""
        return self.scene.ops.paste(QGuiApplication.clipboard().mimeData())

    # -- view toggles ----------------------------------------------------------------------
    def _toggle_safe_zones(self) -> None:
        on = self.actions["safe_zones"].isChecked()
        self.view.set_show_safe_zones(on)
        self.safeZonesToggled.emit(on)

    def _toggle_sketch_layer(self) -> None:
        self.scene.ops.set_sketch_visible(self.actions["sketch_layer"].isChecked())

    def _toggle_snapping(self) -> None:
        self.scene.snapping = self.actions["snapping"].isChecked()
