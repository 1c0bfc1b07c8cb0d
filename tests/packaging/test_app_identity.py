"""The app names itself and sets its icon so taskbars group its windows under the desktop entry."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from studio_app import __version__
from studio_app.app import configure_application
from studio_app.resources import APP_ID


def test_application_name_desktop_file_and_icon(qapp: QApplication) -> None:
    before = (qapp.applicationName(), qapp.organizationName(), qapp.applicationVersion(),
              QApplication.desktopFileName(), qapp.windowIcon())
    try:
        _check(qapp)
    finally:  # other tests keep the test application's own names (QSettings paths follow them)
        qapp.setApplicationName(before[0])
        qapp.setOrganizationName(before[1])
        qapp.setApplicationVersion(before[2])
        QApplication.setDesktopFileName(before[3])
        qapp.setWindowIcon(before[4])


def _check(qapp: QApplication) -> None:
    configure_application(qapp)
    assert qapp.applicationName() == "Streamer Studio"
    assert qapp.applicationVersion() == __version__
    assert QApplication.desktopFileName() == APP_ID
    sizes = qapp.windowIcon().availableSizes()
    for size in (16, 32, 48, 256, 512):
        assert QSize(size, size) in sizes
    pixmap = qapp.windowIcon().pixmap(48, 48)
    assert not pixmap.isNull() and pixmap.toImage().pixelColor(24, 24).alpha() == 255
