"""The main window's first-hour parts: Help (getting started, shortcuts), the empty-pane hints,
starter designs, View → Theme, right-click menus and double-click placing.

``FirstHour`` is composed by MainWindow (it uses the window's editor, library panel, canvas
view and results strips), kept apart so the window module stays about building and wiring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from studio_app.services.preferences import Preferences
from studio_app.services.starters import starter_document

from .canvas.icons import tool_icon
from .context_menus import canvas_menu, library_menu, scene_centre
from .empty_state import EmptyState
from .shortcuts_dialog import GettingStartedDialog, ShortcutsDialog
from .starters_dialog import choose_starter
from .theme import APPEARANCE_SECTION, AppearanceSettings, apply_theme, theme_name

if TYPE_CHECKING:
    from .main_window import MainWindow


class FirstHour:
    """Help menu, empty states, starters, theme switching and context menus of ``window``.

    ``appearance`` is the stored appearance section (the theme). The empty-pane hints
    (``library_empty``, ``canvas_empty``, ``results_empty``, ``generated_empty``) exist once
    ``build`` ran.
    """

    library_empty: EmptyState
    canvas_empty: EmptyState
    results_empty: EmptyState
    generated_empty: EmptyState

    def __init__(self, window: MainWindow, preferences: Preferences) -> None:
        self.window = window
        self.preferences = preferences
        self.appearance = preferences.section(APPEARANCE_SECTION, AppearanceSettings)

    def build(self) -> None:
        """Add the Help menu, the context menus, double-click placing and the empty-pane hints."""
        self._build_help_menu()
        w = self.window
        w.library_panel.assetActivated.connect(lambda asset_id: self.place_at_centre([asset_id]))
        grid = w.library_panel.grid
        grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        grid.customContextMenuRequested.connect(self.library_context_menu)
        w.library_panel.file_dialogs = w.file_dialogs
        w.coach_panel.file_dialogs = w.file_dialogs
        w.canvas_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        w.canvas_view.customContextMenuRequested.connect(self._canvas_context_menu)
        self._build_empty_states()
        QApplication.styleHints().colorSchemeChanged.connect(lambda _s: self.system_scheme_changed())

    def _build_help_menu(self) -> None:
        h = self.window.menuBar().addMenu("&Help")
        start = h.addAction("&Getting started")
        start.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        if QKeySequence("F1") not in start.shortcuts():
            start.setShortcuts([*start.shortcuts(), QKeySequence("F1")])
        start.triggered.connect(lambda: self.show_getting_started())
        keys = h.addAction("&Keyboard shortcuts")
        keys.setShortcut(QKeySequence("Ctrl+/"))
        keys.triggered.connect(lambda: self.show_shortcuts())

    def _build_empty_states(self) -> None:
        w = self.window
        grid = w.library_panel.grid
        model = w.library_panel.model
        self.library_empty = EmptyState(
            grid.viewport(), "Your media goes here",
            "Drop images or a folder here, paste one with Ctrl+V, or press Import…. "
            "Then drag them onto the canvas or double-click one.", lambda: model.rowCount() == 0)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(lambda *_: self.library_empty.refresh())
        self.canvas_empty = EmptyState(
            w.canvas_view.viewport(), "Start here",
            "Pick a target below (YouTube thumbnail, Twitch emote…), then drag media here from the "
            "library or drop files from your computer, or sketch with the tools at the left.",
            lambda: not w.editor.document.has_content())
        self.canvas_empty.add_button("Start from a starter design…", self.new_from_starter)
        w.editor.changed.connect(self.canvas_empty.refresh)
        w.editor.documentReplaced.connect(self.canvas_empty.refresh)
        results_text = ("Generated images appear here, newest first. Press Generate (Ctrl+G), or the coach's "
                        "Generate Now; without an API key you get a labelled offline preview.")
        self.results_empty = EmptyState(w.results.viewport(), "Results", results_text,
                                        lambda: w.results.count() == 0)
        self.generated_empty = EmptyState(w.generated.viewport(), "Nothing generated yet", results_text,
                                          lambda: w.generated.count() == 0)
        for strip, hint in ((w.results, self.results_empty), (w.generated, self.generated_empty)):
            strip.model().rowsInserted.connect(lambda *_, e=hint: e.refresh())
            strip.model().rowsRemoved.connect(lambda *_, e=hint: e.refresh())

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts: every shortcut, read from the window's actions."""
        dialog = ShortcutsDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_getting_started(self) -> GettingStartedDialog:
        """F1: the first-hour steps."""
        dialog = GettingStartedDialog(self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def set_theme(self, theme: str) -> str:
        """View → Theme: "dark", "light" or "system"; applied to every window now and kept in
        settings. Returns the effective theme ("dark" or "light")."""
        effective = apply_theme(theme)  # raises ValueError for an unknown theme
        self.appearance = self.preferences.section(APPEARANCE_SECTION, AppearanceSettings)
        self.appearance.theme = theme_name(theme)
        try:
            self.preferences.save_section(APPEARANCE_SECTION, self.appearance)
        except OSError as exc:
            self.window.statusBar().showMessage(f"Could not keep the theme: {exc.strerror or exc}", 6000)
        if theme in self.window.theme_actions:
            self.window.theme_actions[theme].setChecked(True)
        self._refresh_icons()
        return effective

    def _refresh_icons(self) -> None:
        """Redraw the tool icons in the new palette's text colour (drawn once, at creation)."""
        for tool, act in self.window.tool_actions.items():
            act.setIcon(tool_icon(tool))
        for tool, button in self.window.workspace.easy_bar.tool_buttons.items():
            button.setIcon(tool_icon(tool, 64))

    def system_scheme_changed(self) -> None:
        """The desktop switched light/dark: follow it when the theme is "system"."""
        if self.appearance.theme == "system":
            apply_theme("system")
            self._refresh_icons()

    def new_from_starter(self, asset_type: str | None = None) -> bool:
        """Replace the canvas with the starter design of ``asset_type`` (asks which when None,
        offering the current target first). One undo-clean new document, like File → New."""
        w = self.window
        if asset_type is None:
            asset_type = choose_starter(w, w.editor.document.asset_type.value)
            if asset_type is None:
                return False
        w.documents.replace_document(starter_document(asset_type), None)
        w.documents.autosave.discard()
        w.canvas_view.fit()
        w.statusBar().showMessage("Starter design: replace the texts and drop your media into the frame", 8000)
        return True

    def place_at_centre(self, asset_ids: list[str]) -> list[str]:
        """Place library assets at the canvas centre (double-click, Place on canvas)."""
        return self.window.place_media(asset_ids, scene_centre(self.window.canvas_view))

    def _canvas_context_menu(self, pos: QPoint) -> None:
        view = self.window.canvas_view  # pos: in viewport coordinates
        menu = canvas_menu(view, self.window.canvas_actions.actions, pos,
                           [("New from starter…", self.new_from_starter)])
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(view.viewport().mapToGlobal(pos))

    def library_context_menu(self, pos: QPoint) -> None:
        """The library grid's right-click menu at ``pos`` (viewport coordinates)."""
        panel = self.window.library_panel
        index = panel.grid.indexAt(pos)
        if not index.isValid():
            return
        if not panel.grid.selectionModel().isSelected(index):
            panel.grid.setCurrentIndex(index)
        ids = panel.selected_ids()
        details = panel.details
        menu = library_menu(panel.grid, ids, place=self.place_at_centre, favourite=details._toggle_favorite,
                            remove_background=details._remove_background, delete=panel.delete_selected)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(panel.grid.viewport().mapToGlobal(pos))
