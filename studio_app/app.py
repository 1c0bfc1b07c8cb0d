"""The composition root: opens the data dir, builds providers and services, shows the window."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import cast

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from studio_app import __version__
from studio_app.providers.retry import RetryPolicy
from studio_app.resources import APP_ID, APP_NAME
from studio_app.services.brand_kits import BrandKitService
from studio_app.services.coach import CoachService
from studio_app.services.coach.engines import chat_engine_factory
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerationService
from studio_app.services.media_library import MediaLibraryService
from studio_app.services.provider_setup import build_provider_registry, default_provider, provider_label
from studio_app.services.sync_service import SyncService
from studio_app.services.window_services import WindowServices
from studio_app.ui.app_icon import app_icon
from studio_app.ui.main_window import MainWindow

STARTUP_PROBE_ENV = "STUDIO_STARTUP_PROBE"
"""Set to 1: ``studio`` prints ``{"shown": <epoch s>, "visible": true}`` once the main window is
shown and painted, then quits (start-up benchmarks of the venv's and the bundle's ``studio``)."""


def build_main_window(store: StudioStore, *, retry: RetryPolicy | None = None,
                      pool: QThreadPool | None = None) -> MainWindow:
    """Wire services to a MainWindow for ``store`` (used by run_gui, tests and benchmarks).

    ``retry`` replaces the providers' retry policy (default: ``$STUDIO_RETRY_SCALE``, else
    the providers' own); ``pool`` the generation thread pool (default: the global one).
    The provider label is built from the settings only: no keyring call on the GUI thread.
    """
    registry = build_provider_registry(store, retry=retry)
    generation = GenerationService(store, providers=registry, pool=pool)
    generation.recover_interrupted()
    name = default_provider(store, registry)
    coach = CoachService(store, generation, chat_engine_factory=chat_engine_factory(store), default_provider=name)
    services = WindowServices.for_store(store, generation, MediaLibraryService(store), coach=coach,
                                        brand_kits=BrandKitService(store), sync=SyncService(store))
    return MainWindow(services, provider_name=name, provider_label=provider_label(store, name))


def configure_application(app: QApplication) -> None:
    """Name, version, desktop file name and window icon, so that taskbars and docks group the
    windows under the installed desktop entry (``studio --install-desktop-entry``) with its icon."""
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("StreamerStudio")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())


def run_gui(data_dir: str | None = None) -> int:
    """Open the main window and run the event loop; returns the exit code.

    ``studio`` checks first that Qt's platform plugin can load (:mod:`studio_app.qt_platform`).
    """
    # the GUI entry point: an application that already exists here is a QApplication
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv))
    configure_application(app)
    store = StudioStore.open(data_dir)
    window = build_main_window(store)
    screen = app.primaryScreen()
    if screen is not None:  # never open wider or taller than the screen (laptops: 1366x768)
        window.resize(window.size().boundedTo(screen.availableGeometry().size()))
    window.show()
    if os.environ.get(STARTUP_PROBE_ENV):
        return _startup_probe(app, window, store)
    window.restore_session()  # after a crash: offer the autosave; else reopen the last document
    code = app.exec()
    store.close()
    return int(code)


def _startup_probe(app: QApplication, window: MainWindow, store: StudioStore) -> int:
    """Paint the shown window once, print when that happened, close everything; exit code 0."""
    app.processEvents()
    window.repaint()
    print(json.dumps({"shown": time.time(), "visible": window.isVisible()}), flush=True)
    window.close()
    store.close()
    return 0
