"""The main window's first-hour parts: Help (getting started, shortcuts), the empty-pane hints,
starter designs, View → Theme, right-click menus and double-click placing.

A mixin of MainWindow (it uses the window's editor, library panel, canvas view, docks and
store), kept apart so the window module stays about building and wiring the panes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from studio_app.services.starters import starter_document

from .canvas.icons import tool_icon
from .context_menus import canvas_menu, library_menu, scene_centre
from .empty_state import EmptyState
from .shortcuts_dialog import GettingStartedDialog, ShortcutsDialog
from .starters_dialog import choose_starter
from .theme import APPEARANCE_SECTION, AppearanceSettings, apply_theme


class FirstHourMixin:
    """Help menu, empty states, starters, theme switching and context menus of MainWindow."""

    def _build_first_hour(self) -> None:
        h = self.menuBar().addMenu("&Help")
        start = h.addAction("&Getting started")
        start.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        if QKeySequence("F1") not in start.shortcuts():
            start.setShortcuts([*start.shortcuts(), QKeySequence("F1")])
        start.triggered.connect(lambda: self.show_getting_started())
        keys = h.addAction("&Keyboard shortcuts")
        keys.setShortcut(QKeySequence("Ctrl+/"))
        keys.triggered.connect(lambda: self.show_shortcuts())

        self.library_panel.assetActivated.connect(lambda asset_id: self.place_at_centre([asset_id]))
        grid = self.library_panel.grid
        grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        grid.customContextMenuRequested.connect(self._library_context_menu)
        self.library_panel.file_dialogs = self.file_dialogs
        self.coach_panel.file_dialogs = self.file_dialogs
        self.canvas_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas_view.customContextMenuRequested.connect(self._canvas_context_menu)

        model = self.library_panel.model
        self.library_empty = EmptyState(
            grid.viewport(), "Your media goes here",
            "Drop images or a folder here, paste one with Ctrl+V, or press Import…. "
            "Then drag them onto the canvas or double-click one.", lambda: model.rowCount() == 0)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(lambda *_: self.library_empty.refresh())
        self.canvas_empty = EmptyState(
            self.canvas_view.viewport(), "Start here",
            "Pick a target below (YouTube thumbnail, Twitch emote…), then drag media here from the "
            "library or drop files from your computer, or sketch with the tools at the left.",
            lambda: not self.editor.document.has_content())
        self.canvas_empty.add_button("Start from a starter design…", self.new_from_starter)
        self.editor.changed.connect(self.canvas_empty.refresh)
        self.editor.documentReplaced.connect(self.canvas_empty.refresh)
        results_text = ("Generated images appear here, newest first. Press Generate (Ctrl+G), or the coach's "
                        "Generate Now; without an API key you get a labelled offline preview.")
        self.results_empty = EmptyState(self.results.viewport(), "Results", results_text,
                                        lambda: self.results.count() == 0)
        self.generated_empty = EmptyState(self.generated.viewport(), "Nothing generated yet", results_text,
                                          lambda: self.generated.count() == 0)
        for strip, hint in ((self.results, self.results_empty), (self.generated, self.generated_empty)):
            strip.model().rowsInserted.connect(lambda *_, e=hint: e.refresh())
            strip.model().rowsRemoved.connect(lambda *_, e=hint: e.refresh())
        app = QApplication.instance()
        app.styleHints().colorSchemeChanged.connect(lambda _s: self._system_scheme_changed())

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        super().showEvent(event)
        if not getattr(self, "_docks_sized", False):
            self._docks_sized = True
            # Laid out now: the panes' real minimums are known (hints cached earlier lag behind).
            self.left_tabs.setMinimumWidth(max(230, self.library_panel.minimumSizeHint().width() + 6))
            if not self.window_layout.restored:  # first start: room for the canvas on a laptop
                wide = self.width() >= 1700
                self.resizeDocks([self.library_dock, self.coach_dock, self.docks["inspector"]],
                                 [300 if wide else 250, 340 if wide else 280, 260 if wide else 220],
                                 Qt.Orientation.Horizontal)

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts: every shortcut, read from the window's actions."""
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_getting_started(self) -> GettingStartedDialog:
        """F1: the first-hour steps."""
        dialog = GettingStartedDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def set_theme(self, theme: str) -> str:
        """View → Theme: "dark", "light" or "system"; applied to every window now and kept in
        settings. Returns the effective theme ("dark" or "light")."""
        effective = apply_theme(theme)
        self.appearance = self.store.settings.section(APPEARANCE_SECTION, AppearanceSettings)
        self.appearance.theme = theme
        try:
            self.store.settings.save_section(APPEARANCE_SECTION, self.appearance)
        except OSError as exc:
            self.statusBar().showMessage(f"Could not keep the theme: {exc.strerror or exc}", 6000)
        if theme in self.theme_actions:
            self.theme_actions[theme].setChecked(True)
        self._refresh_icons()
        return effective

    def _refresh_icons(self) -> None:
        """Redraw the tool icons in the new palette's text colour (drawn once, at creation)."""
        for tool, act in self.tool_actions.items():
            act.setIcon(tool_icon(tool))
        for tool, button in self.workspace.easy_bar.tool_buttons.items():
            button.setIcon(tool_icon(tool, 64))

    def _system_scheme_changed(self) -> None:
        if self.appearance.theme == "system":
            apply_theme("system")
            self._refresh_icons()

    def new_from_starter(self, asset_type: str | None = None) -> bool:
        """Replace the canvas with the starter design of ``asset_type`` (asks which when None,
        offering the current target first). One undo-clean new document, like File → New."""
        if asset_type is None:
            asset_type = choose_starter(self, self.editor.document.asset_type.value)
            if asset_type is None:
                return False
        self._replace_document(starter_document(asset_type), None)
        self.autosave.discard()
        self.canvas_view.fit()
        self.statusBar().showMessage("Starter design: replace the texts and drop your media into the frame", 8000)
        return True

    def place_at_centre(self, asset_ids: list[str]) -> list[str]:
        """Place library assets at the canvas centre (double-click, Place on canvas)."""
        return self.place_media(asset_ids, scene_centre(self.canvas_view))

    def _canvas_context_menu(self, pos) -> None:  # noqa: ANN001 - QPoint in viewport coordinates
        menu = canvas_menu(self.canvas_view, self.canvas_actions.actions, pos,
                           [("New from starter…", self.new_from_starter)])
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.canvas_view.viewport().mapToGlobal(pos))

    def _library_context_menu(self, pos) -> None:  # noqa: ANN001 - QPoint in viewport coordinates
        panel = self.library_panel
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
