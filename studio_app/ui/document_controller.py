"""The main window's open document: new, open, save, save as, recent files, the last session,
autosave and crash recovery, the unsaved-changes question and the window title.

``DocumentController`` is composed by MainWindow. Documents autosave to the recovery folder
within 2 s of an edit; dropping a document with unsaved edits asks
``window.unsaved_prompt(window, name) -> UnsavedChoice`` (Save / Discard / Cancel).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QMenu, QMessageBox

from studio_app.domain.canvas import CanvasDocument
from studio_app.services.canvas_files import CanvasFileError, CanvasFiles
from studio_app.services.preferences import Preferences

from .canvas.autosave import RECENT_SECTION, Autosave, RecentFiles
from .canvas.session import SESSION_SECTION, LastSession, UnsavedChoice

if TYPE_CHECKING:
    from .main_window import MainWindow


class DocumentController:
    """Open/save/recent/autosave of ``window``'s canvas document.

    ``file_path`` is the file the document was opened from or saved to (None: untitled).
    """

    def __init__(self, window: MainWindow, files: CanvasFiles, preferences: Preferences) -> None:
        self.window = window
        self.files = files
        self.preferences = preferences
        self.editor = window.editor
        self.undo_stack = window.undo_stack
        self.file_path: Path | None = None
        self.recent_menu: QMenu | None = None
        self.autosave = Autosave(self.editor, self.undo_stack, files.recovery_dir, lambda: self.file_path,
                                 parent=window)
        self.autosave.failed.connect(lambda m: window.statusBar().showMessage(m, 10000))
        self.undo_stack.cleanChanged.connect(lambda _c: self.update_title())

    def _status(self, text: str, ms: int) -> None:
        self.window.statusBar().showMessage(text, ms)

    def update_title(self) -> None:
        """``name* — Streamer Studio``: the file (or document) name, * with unsaved edits."""
        if not shiboken6.isValid(self.undo_stack):
            return
        dirty = "" if self.undo_stack.isClean() else "*"
        self.window.setWindowTitle(f"{self.document_label()}{dirty} — Streamer Studio")

    def document_label(self) -> str:
        """How the open document is named to the streamer: its file name, else its name."""
        return self.file_path.name if self.file_path else self.editor.document.name

    def replace_document(self, doc: CanvasDocument, path: Path | None) -> None:
        """Show ``doc`` (from ``path``, None: untitled) with an empty undo history."""
        self.editor.set_document(doc)
        self.undo_stack.clear()
        self.file_path = path
        self.window.flow.document_replaced()
        self.update_title()

    def new_document(self) -> bool:
        """Start an empty canvas (same target as the current one); False when the streamer
        cancelled the unsaved-changes question."""
        if not self.confirm_unsaved_changes():
            return False
        self.replace_document(CanvasDocument(asset_type=self.editor.document.asset_type), None)
        self.autosave.discard()
        self.remember_session()
        return True

    def open_document(self, path: str | Path | None = None) -> bool:
        """Open a ``.json`` canvas document (asks for a file when ``path`` is None, then whether
        to save unsaved edits of the open one)."""
        window = self.window
        if not path:
            path = window.file_dialogs.open_file(window, "canvas", "Open canvas", "Canvas documents (*.json)")
            if not path:
                return False
        if not self.confirm_unsaved_changes():
            return False
        try:
            doc = self.files.open(path)
        except CanvasFileError as exc:
            window.show_error("Could not open the canvas", str(exc))
            return False
        self.replace_document(doc, Path(path))
        self.autosave.discard()
        window.library_panel.refresh()
        self._remember(Path(path))
        if doc.unknown_elements:
            self._status(f"Opened {path}: {len(doc.unknown_elements)} element(s) from a newer version are kept "
                         "as placeholders", 8000)
        else:
            self._status(f"Opened {path}", 4000)
        return True

    def save_document(self) -> bool:
        """Save to the current file (asks for one the first time)."""
        if self.file_path is None:
            return self.save_document_as()
        return self._write(self.file_path)

    def save_document_as(self, path: str | Path | None = None) -> bool:
        """Save under a new name (asks for one when ``path`` is None)."""
        if not path:
            path = self.window.file_dialogs.save_file(self.window, "canvas", "Save canvas",
                                                      f"{self.editor.document.name}.json", "Canvas documents (*.json)")
            if not path:
                return False
        return self._write(Path(path))

    def _write(self, path: Path) -> bool:
        try:
            self.files.save(self.editor.document, path)
        except OSError as exc:
            self.window.show_error("Could not save the canvas", f"{path}: {exc.strerror or exc}")
            return False
        self.file_path = path
        self.undo_stack.setClean()
        self.autosave.discard()
        self._remember(path)
        self.update_title()
        self._status(f"Saved {path}", 4000)
        return True

    # -- recent files and the last session -----------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recently opened or saved canvas files, most recent first."""
        return self.preferences.section(RECENT_SECTION, RecentFiles).files

    def _remember(self, path: Path) -> None:
        recent = self.preferences.section(RECENT_SECTION, RecentFiles).add(path)
        try:
            self.preferences.save_section(RECENT_SECTION, recent)
        except OSError as exc:
            self._status(f"Could not update recent files: {exc.strerror or exc}", 6000)
        self.rebuild_recent_menu()
        self.remember_session()

    def remember_session(self) -> None:
        """Record the open file (None: untitled) so the next start reopens it."""
        last = str(self.file_path.resolve()) if self.file_path else None
        if self.preferences.section(SESSION_SECTION, LastSession).last_document == last:
            return
        try:
            self.preferences.save_section(SESSION_SECTION, LastSession(last_document=last))
        except OSError as exc:
            self._status(f"Could not remember the open canvas: {exc.strerror or exc}", 6000)

    def set_recent_menu(self, menu: QMenu) -> None:
        """File → Open recent: filled now and after every open or save."""
        self.recent_menu = menu
        self.rebuild_recent_menu()

    def rebuild_recent_menu(self) -> None:
        """Refill the Open recent menu from the recent files."""
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        files = self.recent_files()
        for f in files:
            act = menu.addAction(Path(f).name)
            act.setToolTip(f)
            act.setData(f)
            act.triggered.connect(lambda _=False, p=f: self.open_document(p))
        menu.setEnabled(bool(files))

    def confirm_unsaved_changes(self) -> bool:
        """Before the open document is dropped: with unsaved edits ask Save / Discard / Cancel.
        True when it may go (saved, discarded, or nothing unsaved); False to keep it open."""
        if self.undo_stack.isClean():
            return True
        choice = UnsavedChoice(self.window.unsaved_prompt(self.window, self.document_label()))
        if choice is UnsavedChoice.SAVE:
            return self.save_document()
        if choice is UnsavedChoice.DISCARD:
            self.autosave.discard()
            return True
        return False

    # -- recovery ------------------------------------------------------------------------------
    def _recovery_question(self, doc: CanvasDocument, original: str | None) -> str:
        if original:
            label, where = Path(original).name, f" in {Path(original).parent}"
        else:
            label, where = doc.name, " (never saved)"
        when = datetime.fromtimestamp(self.autosave.path.stat().st_mtime).strftime("%H:%M:%S")
        return (f"Streamer Studio did not close cleanly. Restore the unsaved changes to “{label}”{where}, "
                f"autosaved at {when}?")

    def offer_recovery(self, ask: Callable[[str], bool] | None = None) -> bool:
        """After a crash (a recovery file is waiting): ask whether to restore it.

        ``ask(message) -> bool`` replaces the dialog (tests). Returns True when restored.
        A damaged recovery file is reported and set aside.
        """
        if not self.autosave.has_recovery():
            return False
        try:
            doc, original = self.autosave.read()
        except CanvasFileError as exc:
            self.window.show_error("Could not restore the autosaved canvas", str(exc))
            self.autosave.discard()
            return False
        message = self._recovery_question(doc, original)
        if ask is None:
            answer = QMessageBox.question(self.window, "Restore canvas", message,
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            restore = answer == QMessageBox.StandardButton.Yes
        else:
            restore = bool(ask(message))
        if not restore:
            self.autosave.discard()
            return False
        self.replace_document(doc, Path(original) if original else None)
        self.autosave.mark_pending()  # not saved to its file yet: keep it recoverable
        self.undo_stack.resetClean()
        self.update_title()
        self._status("Restored the autosaved canvas; save it to keep it", 8000)
        return True

    def restore_session(self, ask: Callable[[str], bool] | None = None) -> str:
        """At start: offer the recovery file after a crash, else reopen the last open document.

        ``ask`` as for ``offer_recovery``. Returns "restored", "reopened" or "" (nothing).
        """
        if self.offer_recovery(ask):
            return "restored"
        last = self.preferences.section(SESSION_SECTION, LastSession).last_document
        if last and Path(last).is_file() and self.open_document(last):
            return "reopened"
        if last:
            self._status(f"The last canvas, {last}, is no longer there", 8000)
        return ""

    def close(self) -> bool:
        """The window is closing: False (keep it open) when the streamer cancelled the
        unsaved-changes question; else remember the session and drop the recovery file, so
        the next start never reports a crash."""
        if not self.confirm_unsaved_changes():
            return False
        self.remember_session()
        self.autosave.discard()
        return True
