"""ResultActions: the one implementation of what a streamer can do with a generated result.

The results strip under the canvas, the library's Generated tab, the coach's result card, the
viewer and the candidates of a batch all call this object, so every surface offers the same
actions with the same behaviour: open in the viewer, Save as…, Export for platform…, copy to
the clipboard, place on the canvas, show in library, reuse its prompt, refine, delete.

Actions that need the main window (placing, showing, reusing the prompt, refining) are
signals the window connects; the rest happen here through ResultsService.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from studio_app.services.results import ResultError, ResultInfo, ResultsService

from .export_dialog import ExportDialog

ACTIONS: tuple[tuple[str, str], ...] = (
    ("open", "Open in viewer"),
    ("save", "Save as…"),
    ("export", "Export for platform…"),
    ("copy", "Copy image"),
    ("place", "Place on canvas"),
    ("show", "Show in library"),
    ("reuse", "Reuse prompt"),
    ("refine", "Refine this"),
    ("delete", "Delete…"),
)
"""(action id, menu text), in menu order; "open" is the double-click action."""
ACTION_TEXT = dict(ACTIONS)
INFO_CACHE_SIZE = 500


def open_export_dialog(parent: QWidget, asset_id: str, results: ResultsService) -> QWidget:
    """Open "Export for platform…" (the platform preset dialog, ``ExportDialog``) for
    ``asset_id``, window-modal; returns the dialog.

    Raises:
        ResultError: the result no longer exists.
    """
    try:
        dialog = ExportDialog(asset_id, results.exports, parent)
    except LookupError:  # the store's NotFoundError: deleted meanwhile
        raise ResultError("That result no longer exists.") from None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


class ResultActions(QObject):
    """The result actions, shared by every surface that shows a result.

    Args:
        results: the ResultsService.
        parent_widget: parent of dialogs and message boxes (the main window).
        load_preview: asset id -> small PNG for thumbnails (None: the stored PNG).
        export_opener: opens Export for platform… (default ``open_export_dialog``).

    Signals:
        placeRequested(media_asset_id): the result was added to the media library; place it.
        showRequested(asset_id), refineRequested(asset_id),
        reusePromptRequested(text, is_full_prompt): for the main window.
        deleted(asset_id): the result was deleted; surfaces drop it.
        saved(asset_id, path), failed(message).
    """

    placeRequested = Signal(str)
    showRequested = Signal(str)
    refineRequested = Signal(str)
    reusePromptRequested = Signal(str, bool)
    deleted = Signal(str)
    saved = Signal(str, str)
    failed = Signal(str)

    def __init__(self, results: ResultsService, parent_widget: QWidget, *,
                 load_preview: Callable[[str], bytes | None] | None = None,
                 export_opener: Callable[[QWidget, str, ResultsService], object] | None = None) -> None:
        super().__init__(parent_widget)
        self.results = results
        self.parent_widget = parent_widget
        self._load_preview = load_preview
        self.export_opener = export_opener or open_export_dialog
        self.confirm: Callable[[str], bool] = self._confirm_dialog
        self.ask_save_path: Callable[[str, str], str | None] = self._save_dialog
        self.last_error: str | None = None
        self.viewers: list[QWidget] = []
        self._infos: dict[str, ResultInfo] = {}
        # Facts a generation worker already delivered (asset id -> ResultInfo or None): asked
        # before the database, so a new result costs the GUI thread no SQL.
        self.find_facts: Callable[[str], ResultInfo | None] | None = None

    # -- reading ----------------------------------------------------------------------------
    def info(self, asset_id: str) -> ResultInfo | None:
        """The result's facts, or None when it is gone. Read once per result and kept (a
        result's facts never change; a delete drops it), so the strips, the staging area and
        the coach card showing one new result cost the GUI thread one database read."""
        cached = self._infos.get(asset_id)
        if cached is not None:
            return cached
        info = self.find_facts(asset_id) if self.find_facts else None
        if info is None:
            try:
                info = self.results.info(asset_id)
            except ResultError:
                return None
        self._infos[asset_id] = info
        while len(self._infos) > INFO_CACHE_SIZE:
            self._infos.pop(next(iter(self._infos)))
        return info

    def tooltip(self, asset_id: str) -> str:
        """Prompt, model, provider, sizes requested and received, when made (one fact a line)."""
        info = self.info(asset_id)
        return info.summary() if info else "This result was deleted."

    def preview_png(self, asset_id: str) -> bytes | None:
        """A small PNG when one is kept, else the stored PNG; None when gone."""
        data = self._load_preview(asset_id) if self._load_preview else None
        if data:
            return data
        try:
            return self.results.png(asset_id)
        except ResultError:
            return None

    # -- the menu ---------------------------------------------------------------------------
    def menu(self, asset_id: str, parent: QWidget | None = None, *, skip: tuple[str, ...] = ()) -> QMenu:
        """The context menu of ``asset_id``: every action of ACTIONS (but ``skip``), each
        QAction's ``objectName`` is ``result_<id>``; "Open in viewer" is the default."""
        menu = QMenu(parent or self.parent_widget)
        menu.setObjectName("result_menu")
        for action_id, text in ACTIONS:
            if action_id in skip:
                continue
            if action_id in ("place", "delete"):
                menu.addSeparator()
            act = menu.addAction(text)
            act.setObjectName(f"result_{action_id}")
            act.triggered.connect(lambda _=False, a=action_id: self.trigger(a, asset_id))
            if action_id == "open":
                menu.setDefaultAction(act)
            elif action_id == "delete":
                act.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
            elif action_id == "copy":
                act.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        return menu

    def trigger(self, action_id: str, asset_id: str) -> object:
        """Run action ``action_id`` (an id of ACTIONS) on ``asset_id``; returns its result."""
        handlers: dict[str, Callable[[str], object]] = {
            "open": self.open_viewer, "save": self.save_as, "export": self.export, "copy": self.copy,
            "place": self.place, "show": self.show_in_library, "reuse": self.reuse_prompt,
            "refine": self.refine, "delete": self.delete,
        }
        return handlers[action_id](asset_id)

    # -- actions ----------------------------------------------------------------------------
    def open_viewer(self, asset_id: str) -> QWidget | None:
        """Open the result in a viewer window (zoom, 100%, checkerboard behind alpha)."""
        from .viewer import ResultViewer  # noqa: PLC0415 - the viewer imports this module

        try:
            viewer = ResultViewer(self, asset_id, self.parent_widget)
        except ResultError as exc:
            self._error("Could not open the result", str(exc))
            return None
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.destroyed.connect(lambda _=None, v=viewer: self.viewers.remove(v) if v in self.viewers else None)
        self.viewers.append(viewer)
        viewer.show()
        return viewer

    def save_as(self, asset_id: str, path: str | Path | None = None) -> Path | None:
        """Save the PNG (asks for a file, starting in the last folder used, when ``path`` is
        None); returns the path, or None when cancelled or failed (the reason is shown)."""
        try:
            if path is None:
                start = str(Path(self._last_folder()) / self.results.default_file_name(asset_id))
                path = self.ask_save_path("Save result as", start)
                if not path:
                    return None
            written = self.results.save_as(asset_id, path)
        except ResultError as exc:
            self._error("Could not save the result", str(exc))
            return None
        self._remember_folder(written.parent)
        self.saved.emit(asset_id, str(written))
        return written

    def export(self, asset_id: str) -> object:
        """Export for platform… (the preset dialog)."""
        if self.info(asset_id) is None:
            self._error("Could not export the result", "That result no longer exists.")
            return None
        try:
            return self.export_opener(self.parent_widget, asset_id, self.results)
        except ResultError as exc:
            self._error("Could not export the result", str(exc))
            return None

    def copy(self, asset_id: str) -> bool:
        """Put the full-size image on the clipboard (with its alpha)."""
        try:
            image = QImage.fromData(self.results.png(asset_id))
        except ResultError as exc:
            self._error("Could not copy the result", str(exc))
            return False
        if image.isNull():
            self._error("Could not copy the result", "The stored image could not be read.")
            return False
        QGuiApplication.clipboard().setImage(image)
        return True

    def place(self, asset_id: str) -> str | None:
        """Add the result to the media library (once) and ask the window to place it on the
        canvas as a new placement; returns the media asset id."""
        try:
            media = self.results.to_media(asset_id)
        except ResultError as exc:
            self._error("Could not place the result", str(exc))
            return None
        self.placeRequested.emit(media.id)
        return media.id

    def show_in_library(self, asset_id: str) -> None:
        """Select the result in the library's Generated tab."""
        self.showRequested.emit(asset_id)

    def reuse_prompt(self, asset_id: str) -> str | None:
        """Put the result's prompt back in the prompt field for the next Generate."""
        info = self.info(asset_id)
        if info is None:
            self._error("Could not reuse the prompt", "That result no longer exists.")
            return None
        text, full = info.reusable_prompt()
        self.reusePromptRequested.emit(text, full)
        return text

    def refine(self, asset_id: str) -> None:
        """Use the result as the input image of the next generation."""
        if self.info(asset_id) is None:
            self._error("Could not refine the result", "That result no longer exists.")
            return
        self.refineRequested.emit(asset_id)

    def delete(self, asset_id: str, *, confirm: bool = True) -> bool:
        """Delete the result (row tombstoned for sync, blob removed when unused); asks first
        unless ``confirm`` is False. Returns True when deleted."""
        info = self.info(asset_id)
        if info is None:
            self.deleted.emit(asset_id)  # already gone: let the surfaces catch up
            return False
        if confirm and not self.confirm(
                f"Delete this {info.asset.width}x{info.asset.height} result? Its image file is removed "
                "from the data folder; this cannot be undone."):
            return False
        try:
            self.results.delete(asset_id)
        except ResultError as exc:  # deleted elsewhere meanwhile (another window, the CLI)
            self._infos.pop(asset_id, None)
            self._error("Could not delete the result", str(exc))
            self.deleted.emit(asset_id)
            return False
        self._infos.pop(asset_id, None)
        self.deleted.emit(asset_id)
        return True

    # -- helpers ----------------------------------------------------------------------------
    def _last_folder(self) -> str:
        folder = self.results.settings().last_save_folder
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _remember_folder(self, folder: Path) -> None:
        with contextlib.suppress(OSError):  # only a convenience
            self.results.save_settings(last_save_folder=str(folder))

    def _save_dialog(self, title: str, start: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, title, start, "PNG images (*.png)")
        return path or None

    def _confirm_dialog(self, message: str) -> bool:
        answer = QMessageBox.question(self.parent_widget, "Delete result", message,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _error(self, title: str, message: str) -> None:
        self.last_error = message
        self.failed.emit(message)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                          self.parent_widget)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
