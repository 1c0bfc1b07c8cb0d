"""The main window's menu bar: File, Edit, Arrange, View, Tools, Generate (and Design, Sync).

Each ``build_*_menu(window)`` adds one menu to ``window`` (a MainWindow) and keeps on it the
actions other parts change later (``undo_action``, ``cancel_action``, ``jobs_toggle_action``,
``theme_actions``, ``recent_menu``, ...). The canvas actions themselves come from
``window.canvas_actions`` (ui/canvas/actions.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from .canvas.resize_dialog import add_design_menu
from .theme import THEME_LABELS, THEMES

if TYPE_CHECKING:
    from .main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    """Add File, Edit, Arrange, View, Tools, Generate and Design to ``window``'s menu bar."""
    build_file_menu(window)
    build_edit_menu(window)
    build_arrange_menu(window)
    build_view_menu(window)
    t = window.menuBar().addMenu("&Tools")
    for act in window.tool_actions.values():
        t.addAction(act)
    build_generate_menu(window)


def _add(menu: QMenu, text: str, key: QKeySequence | QKeySequence.StandardKey | str, slot: object) -> QAction:
    act = menu.addAction(text)
    act.setShortcut(QKeySequence(key) if isinstance(key, str) else key)
    act.triggered.connect(lambda _=False, f=slot: f())
    return act


def _add_named(menu: QMenu, acts: dict[str, QAction], *names: str) -> None:
    for name in names:
        menu.addAction(acts[name])


def build_file_menu(window: MainWindow) -> None:
    """File: new, open, starter, recent, save, export, import, settings, quit."""
    docs = window.documents
    m = window.menuBar().addMenu("&File")
    _add(m, "&New canvas", QKeySequence.StandardKey.New, docs.new_document)
    _add(m, "&Open canvas…", QKeySequence.StandardKey.Open, docs.open_document)
    _add(m, "New from &starter…", "Ctrl+Shift+N", window.first_hour.new_from_starter)
    window.recent_menu = QMenu("Open &recent", window)
    m.addMenu(window.recent_menu)
    docs.set_recent_menu(window.recent_menu)
    _add(m, "&Save canvas", QKeySequence.StandardKey.Save, docs.save_document)
    _add(m, "Save canvas &as…", QKeySequence.StandardKey.SaveAs, docs.save_document_as)
    m.addSeparator()
    export = m.addAction("&Export canvas…")
    export.setShortcut(QKeySequence("Ctrl+E"))
    export.triggered.connect(window.placing.export_dialog)
    m.addAction("&Import media…").triggered.connect(window.placing.import_dialog)
    m.addSeparator()
    window.settings_action = m.addAction("Se&ttings…")
    window.settings_action.setShortcut(QKeySequence("Ctrl+,"))
    window.settings_action.triggered.connect(window.open_settings)
    m.addSeparator()
    quit_act = m.addAction("&Quit")
    quit_act.setShortcut(QKeySequence.StandardKey.Quit)
    quit_act.triggered.connect(window.close)


def build_edit_menu(window: MainWindow) -> None:
    """Edit: undo, redo, the clipboard, select all, brand logo and brand kits."""
    acts = window.canvas_actions.actions
    e = window.menuBar().addMenu("&Edit")
    window.undo_action = window.undo_stack.createUndoAction(window, "&Undo")
    window.redo_action = window.undo_stack.createRedoAction(window, "&Redo")
    window.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
    # Both customs: Ctrl+Shift+Z (Linux, macOS, Photoshop) and Ctrl+Y (Windows, Canva, Office).
    window.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    e.addAction(window.undo_action)
    e.addAction(window.redo_action)
    e.addSeparator()
    _add_named(e, acts, "cut", "copy", "paste", "duplicate", "delete")
    e.addSeparator()
    e.addAction(acts["select_all"])
    e.addSeparator()
    e.addAction("Insert brand &logo").triggered.connect(lambda: window.insert_brand_logo())
    e.addAction("&Brand kits…").triggered.connect(window.open_brand_kits)


def build_arrange_menu(window: MainWindow) -> None:
    """Arrange: stacking order, align, distribute, flip, lock and hide."""
    acts = window.canvas_actions.actions
    a = window.menuBar().addMenu("&Arrange")
    _add_named(a, acts, "front", "forward", "backward", "back")
    a.addSeparator()
    _add_named(a.addMenu("A&lign"), acts, "align_left", "align_hcentre", "align_right", "align_top",
               "align_vcentre", "align_bottom")
    _add_named(a.addMenu("&Distribute"), acts, "distribute_h", "distribute_v")
    a.addSeparator()
    _add_named(a, acts, "flip_h", "flip_v", "lock", "hide")


def build_view_menu(window: MainWindow) -> None:
    """View: zoom, overlays, Easy Sketch, the docks, Jobs (Ctrl+J), Reset layout and Theme."""
    acts = window.canvas_actions.actions
    v = window.menuBar().addMenu("&View")
    _add_named(v, acts, "zoom_in", "zoom_out", "zoom_fit", "zoom_100")
    v.addSeparator()
    _add_named(v, acts, "safe_zones", "sketch_layer", "snapping")
    v.addAction(window.workspace.easy_action)
    v.addSeparator()
    for dock in (window.library_dock, window.coach_dock, *window.docks.values()):
        v.addAction(dock.toggleViewAction())
    window.jobs_toggle_action = window.jobs_dock.toggleViewAction()
    window.jobs_toggle_action.setText("&Jobs")
    window.jobs_toggle_action.setShortcut(QKeySequence("Ctrl+J"))
    v.addAction(window.jobs_toggle_action)
    v.addAction("&Reset layout").triggered.connect(lambda: window.window_layout.reset())
    v.addSeparator()
    window.theme_menu = v.addMenu("&Theme")
    window.theme_actions = {}
    group = QActionGroup(window)
    for theme in THEMES:
        act = window.theme_menu.addAction(THEME_LABELS[theme])
        act.setCheckable(True)
        act.setChecked(theme == window.first_hour.appearance.theme)
        act.triggered.connect(lambda _=False, t=theme: window.set_theme(t))
        group.addAction(act)
        window.theme_actions[theme] = act


def build_generate_menu(window: MainWindow) -> None:
    """Generate: Generate (Ctrl+G), Cancel (Esc), the Jobs panel; then the Design menu."""
    g = window.menuBar().addMenu("&Generate")
    gen = g.addAction("&Generate")
    gen.setShortcut(QKeySequence("Ctrl+G"))
    gen.triggered.connect(window.generate)
    window.cancel_action = g.addAction("&Cancel generation")
    window.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    window.cancel_action.setEnabled(False)
    window.cancel_action.triggered.connect(window.cancel_generation)
    g.addSeparator()
    g.addAction(window.jobs_toggle_action)  # Ctrl+J shows and hides the Jobs panel
    window.design_menu = add_design_menu(window.menuBar(), g, window.resize_to)


def build_sync_menu(window: MainWindow) -> None:
    """Sync: Sync now (F5), Conflicts…, Bucket settings… (only with a sync service)."""
    status = window.sync_status
    if status is None or window.sync is None:
        return
    sm = window.menuBar().addMenu("S&ync")
    now = sm.addAction("&Sync now")
    now.setShortcut(QKeySequence("F5"))
    now.triggered.connect(window.sync_now)
    window.sync_now_action = now
    status.setupRequested.connect(lambda: window.open_settings("Sync"))
    window.sync.finished.connect(window.sync_finished)
    window.sync.failed.connect(window.sync_failed)
    sm.addAction("&Conflicts…").triggered.connect(status.open_conflicts)
    sm.addSeparator()
    sm.addAction("Bucket &settings…").triggered.connect(window.open_sync_settings)
