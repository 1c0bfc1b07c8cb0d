"""Shared test fixtures: offscreen Qt, fixture photos, fresh data dirs and stores, main windows,
and the loopback servers (tests/servers/fixtures.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.windows import show_main_window

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.servers.fixtures"]

REPO_ROOT = Path(__file__).resolve().parents[1]
# The test photos live in the repository with their licences (tests/fixtures/images/LICENSES.md):
# a clone with nothing beside it runs the whole suite.
FIXTURE_IMAGES = Path(__file__).resolve().parent / "fixtures" / "images"


def fixture_photos() -> list[Path]:
    """The real CC0/public-domain photos in tests/fixtures/images (see LICENSES.md there)."""
    return sorted(p for p in FIXTURE_IMAGES.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg"})


@pytest.fixture
def photos() -> list[Path]:
    """Paths of the fixture photos shipped in the repository."""
    return fixture_photos()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir, also set as STUDIO_DATA_DIR."""
    d = tmp_path / "data"
    d.mkdir()
    monkeypatch.setenv("STUDIO_DATA_DIR", str(d))
    return d


@pytest.fixture
def store(data_dir: Path):  # noqa: ANN201
    """A StudioStore on a fresh data dir (real SQLite file, migrated, real blob store), closed
    after the test. Folders whose store needs more set-up define their own ``store``."""
    from studio_app.services.context import StudioStore

    s = StudioStore.open(data_dir)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _clear_clipboard_after_test():
    """Empty the Qt clipboard after each test. Data a test put there (a QImage, QMimeData)
    otherwise outlives the Python objects it refers to and crashes the interpreter at exit
    (segfault, exit code 139) with the offscreen platform."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()


@pytest.fixture(autouse=True, scope="session")
def _unsaved_changes_answer_discard():
    """A window closed with unsaved edits asks Save / Discard / Cancel in a modal box, which
    would wait forever offscreen: tests answer "discard" unless they set
    ``window.unsaved_prompt`` themselves (tests/ui/test_nothing_lost.py checks every answer,
    and the real box). Session-wide, so module-scoped windows closing at the end are covered."""
    from studio_app.ui.main_window import MainWindow

    original = MainWindow.__dict__["unsaved_prompt"]
    MainWindow.unsaved_prompt = staticmethod(lambda _parent, _name: "discard")
    yield
    MainWindow.unsaved_prompt = original


@pytest.fixture
def open_window(tmp_path: Path, qtbot):  # noqa: ANN001, ANN201
    """``open_window(data_path=None, *, size=None)``: a shown, exposed main window built by the
    composition root over a data dir (default ``tmp_path / "data"``), ``size`` (w, h) px when
    given. Every window is closed, and its store, at the end of the test."""
    from studio_app.services.context import StudioStore

    opened = []

    def open_(data_path: Path | None = None, *, size: tuple[int, int] | None = None):  # noqa: ANN202
        store = StudioStore.open(data_path or tmp_path / "data")
        win = show_main_window(store, qtbot, size=size)
        opened.append((win, store))
        return win

    yield open_
    for win, store in reversed(opened):
        win.close()
        store.close()


@pytest.fixture
def window(open_window):  # noqa: ANN001, ANN201
    """A shown main window over a fresh data dir (``open_window()``); modules that need another
    size or set-up define their own ``window``."""
    return open_window()
