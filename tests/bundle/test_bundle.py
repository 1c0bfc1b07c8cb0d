"""The PyInstaller one-folder bundle (`make dist` builds dist/studio/): its `studio` runs
--version, render and an offline generate of every target from a temporary data dir, with no
Python on PATH and nothing of the developer's environment, and opens the window.

Run by `make dist-test` (which builds the bundle first); CI runs it after `make test`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from studio_app.resources import APP_ID
from tests.installed import clean_env, run, smoke, time_to_window

REPO = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("STUDIO_BUNDLE", REPO / "dist" / "studio"))


@pytest.fixture(scope="module")
def studio() -> list[str]:
    exe = BUNDLE / "studio"
    assert exe.is_file(), f"no bundle at {BUNDLE}: run `make dist` first (`make dist-test` does)"
    return [str(exe)]


def _env_without_python(tmp_path: Path) -> dict[str, str]:
    empty_bin = tmp_path / "bin"  # PATH holds only an empty folder: no python anywhere on it
    empty_bin.mkdir()
    return clean_env(tmp_path / "home", [empty_bin])


def test_bundle_runs_headless_commands_without_python(studio: list[str], tmp_path: Path) -> None:
    sizes = smoke(studio, tmp_path, _env_without_python(tmp_path))
    assert len(sizes) >= 10


def test_bundle_opens_the_window(studio: list[str], tmp_path: Path) -> None:
    env = _env_without_python(tmp_path)
    assert 0 < time_to_window(studio, tmp_path / "data", env, tmp_path) < 60


def test_bundle_finds_its_resources_inside_the_bundle(studio: list[str], tmp_path: Path) -> None:
    env = _env_without_python(tmp_path)
    run(studio, "--install-desktop-entry", env=env, cwd=tmp_path)
    share = tmp_path / "home" / ".local" / "share"
    entry = (share / "applications" / f"{APP_ID}.desktop").read_text()
    assert f"Exec={studio[0]}\n" in entry
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").is_file()


def test_bundle_holds_only_the_qt_plugins_it_needs() -> None:
    plugins = {p.parent.name + "/" + p.name for p in BUNDLE.rglob("plugins/*/*.so")}
    assert "platforms/libqxcb.so" in plugins and "platforms/libqoffscreen.so" in plugins
    assert not [p for p in plugins if p.startswith(("sqldrivers/", "printsupport/", "qmltooling/", "designer/"))]
    assert not list(BUNDLE.rglob("libQt6Quick.so*")) and not list(BUNDLE.rglob("libQt6Qml.so*"))
