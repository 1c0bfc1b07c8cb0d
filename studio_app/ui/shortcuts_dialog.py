"""Help → Keyboard shortcuts and Help → Getting started (F1).

The shortcut list is read from the window's real QActions (every menu, recursively, plus
actions added to the window itself), so it cannot drift from what the keys do. Keys the
canvas handles itself (nudging, panning) are not actions; CANVAS_KEYS lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

CANVAS_KEYS = (
    ("Arrow keys", "Nudge the selection by 1 px (Shift: 10 px)"),
    ("Delete / Backspace", "Delete the selection"),
    ("Space + drag, middle drag", "Pan the canvas"),
    ("Ctrl + wheel", "Zoom under the mouse"),
    ("Shift while resizing", "Keep the box's ratio (images always keep theirs)"),
    ("Shift while rotating", "Snap to 15°"),
    ("Double-click a library image", "Place it at the canvas centre"),
    ("Escape", "Cancel a drag, leave text editing, or clear the selection"),
)
"""Keys the canvas view handles directly (not QActions)."""

GETTING_STARTED = """<h3>Your first thumbnail in five steps</h3>
<ol>
<li><b>Pick a target</b> under the canvas (YouTube thumbnail, Twitch emote, …): the canvas takes
its exact size. File → New from starter… gives you a layout to begin from.</li>
<li><b>Bring your media</b>: drop images on the library (left) or use Import…; drag them onto the
canvas, or double-click one to place it in the middle.</li>
<li><b>Sketch the idea</b> with the tools at the left of the canvas (pen, arrow, text…); Easy Sketch
keeps three big tools and your brand colours.</li>
<li><b>Talk to the coach</b> (right): it asks what the picture should say and writes the prompt.</li>
<li><b>Press Generate</b> (Ctrl+G) or the coach's <b>Generate Now</b>. Results appear under the
canvas and in the library's Generated tab. Without an API key you get an offline preview.</li>
</ol>
<p>Right-click canvas items and library images for their commands. Help → Keyboard shortcuts
lists every key.</p>"""


@dataclass(frozen=True)
class ShortcutEntry:
    """One action with a shortcut: menu path ("Edit"), its text ("Undo") and key texts (native format)."""

    menu: str
    text: str
    keys: tuple[str, ...]


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").replace("…", "").strip()


def _walk(menu: QMenu, path: str, seen: set[int], out: list[ShortcutEntry]) -> None:
    for act in menu.actions():
        sub = act.menu()
        if isinstance(sub, QMenu):
            _walk(sub, f"{path} → {_clean(sub.title())}", seen, out)
            continue
        keys = tuple(k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts() if not k.isEmpty())
        if keys and id(act) not in seen:
            seen.add(id(act))
            out.append(ShortcutEntry(path, _clean(act.text()), keys))


def collect_shortcuts(window: QMainWindow) -> list[ShortcutEntry]:
    """Every QAction with a shortcut in ``window``'s menu bar (in menu order), then any other
    action added to the window or its children (e.g. the jobs toggle), each once."""
    out: list[ShortcutEntry] = []
    seen: set[int] = set()
    for top in window.menuBar().actions():
        sub = top.menu()
        if isinstance(sub, QMenu):
            _walk(sub, _clean(sub.title()), seen, out)
    for act in window.findChildren(QAction):
        keys = tuple(k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts() if not k.isEmpty())
        if keys and id(act) not in seen and act.text():
            seen.add(id(act))
            out.append(ShortcutEntry("Window", _clean(act.text()), keys))
    return out


class ShortcutsDialog(QDialog):
    """A searchable list of every shortcut, grouped by menu."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 620)
        self.entries = collect_shortcuts(window)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter (e.g. undo, zoom, Ctrl+J)")
        self.filter.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Command", "Keys"])
        self.tree.setRootIsDecorated(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        groups: dict[str, QTreeWidgetItem] = {}
        for e in self.entries:
            group = groups.get(e.menu)
            if group is None:
                group = groups[e.menu] = QTreeWidgetItem(self.tree, [e.menu])
                group.setFirstColumnSpanned(True)
            QTreeWidgetItem(group, [e.text, "   or   ".join(e.keys)])
        canvas = QTreeWidgetItem(self.tree, ["Canvas"])
        for keys, what in CANVAS_KEYS:
            QTreeWidgetItem(canvas, [what, keys])
        self.tree.expandAll()
        self.filter.textChanged.connect(self._apply_filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        """(command, keys) of every visible row (tests)."""
        out = []
        for _group, children in _groups(self.tree):
            for child in children:
                if not child.isHidden():
                    out.append((child.text(0), child.text(1)))
        return out

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for group, children in _groups(self.tree):
            shown = 0
            for child in children:
                hit = not needle or needle in child.text(0).lower() or needle in child.text(1).lower() \
                    or needle in group.text(0).lower()
                child.setHidden(not hit)
                shown += hit
            group.setHidden(shown == 0)


def _groups(tree: QTreeWidget) -> list[tuple[QTreeWidgetItem, list[QTreeWidgetItem]]]:
    """Each top-level item of ``tree`` with its children, in order."""
    groups = []
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        if group is not None:
            children = [group.child(j) for j in range(group.childCount())]
            groups.append((group, [c for c in children if c is not None]))
    return groups


class GettingStartedDialog(QDialog):
    """F1: the first-hour steps in a few lines, and a way to the shortcut list."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Getting started")
        self.resize(560, 440)
        text = QLabel(GETTING_STARTED)
        text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.shortcuts_button = buttons.addButton("Keyboard shortcuts…", QDialogButtonBox.ButtonRole.ActionRole)
        self.shortcuts_button.clicked.connect(lambda: ShortcutsDialog(window).open())
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
