"""Showing and closing a real main window in tests (pytest-qt's ``qtbot``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from studio_app.services.context import StudioStore
    from studio_app.ui.main_window import MainWindow


def show_main_window(store: StudioStore, qtbot: QtBot, *, size: tuple[int, int] | None = None) -> MainWindow:
    """The main window the composition root builds over ``store``, registered with ``qtbot``,
    resized to ``size`` (w, h) px when given, shown and exposed."""
    from studio_app.app import build_main_window

    win = build_main_window(store)
    qtbot.addWidget(win)
    if size is not None:
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win


def close_main_window(store: StudioStore, win: MainWindow) -> None:
    """Close ``win`` after its background work: the coach shut down, the generation pool drained
    (up to 10 s); then close ``store``."""
    win.coach.shutdown()
    win.generation.pool.waitForDone(10000)
    win.close()
    store.close()
