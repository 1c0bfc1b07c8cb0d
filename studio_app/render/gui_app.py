"""Make sure a QGuiApplication exists, so QFont/QPainter text work (also headless)."""

from __future__ import annotations

import os
import sys
import threading

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication

_APP: QGuiApplication | None = None  # keeps the instance we created alive


class GuiApplicationError(RuntimeError):
    """A plain QCoreApplication is running, so fonts and painting are unavailable."""


def ensure_gui_application() -> QGuiApplication:
    """Return the running QGuiApplication (a QApplication counts), creating one if none exists.

    With no display (neither ``DISPLAY`` nor ``WAYLAND_DISPLAY`` set) on Linux and no
    ``QT_QPA_PLATFORM`` chosen, the ``offscreen`` platform is selected so the CLI and
    tests render headless. Create it from the main thread (Qt requires that); later
    calls from any thread only return the instance. A GUI that needs widgets must
    create its QApplication before the first render (this makes a QGuiApplication,
    which cannot host widgets); pytest-qt's ``qapp`` fixture does that in tests.

    Raises:
        GuiApplicationError: a QCoreApplication (not Gui) is already running, or none
            runs and this is not the main thread.
    """
    app = QCoreApplication.instance()
    if app is not None:
        if not isinstance(app, QGuiApplication):
            raise GuiApplicationError(
                "a QCoreApplication is running; rendering needs QGuiApplication (or QApplication)"
            )
        return app
    if threading.current_thread() is not threading.main_thread():
        raise GuiApplicationError("no QGuiApplication yet; create it on the main thread before rendering in workers")
    if (
        sys.platform.startswith("linux")
        and "QT_QPA_PLATFORM" not in os.environ
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    global _APP
    _APP = QGuiApplication([sys.argv[0] if sys.argv else "studio"])
    return _APP
