"""When Qt's platform plugin cannot load, `studio` prints one line naming the missing system
libraries and the install command, instead of Qt's abort."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from studio_app.qt_platform import (
    find_plugin,
    gui_import_problem,
    install_hint,
    missing_libraries,
    platform_problem,
    plugin_dirs,
    requested_platforms,
)

REPO = Path(__file__).resolve().parents[2]
MISSING = "libstudio-test-missing.so.1"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktops only")


@pytest.fixture(scope="module")
def broken_plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A platform plugin ``libqbrokentest.so`` linked against a library that no longer exists:
    the same situation as libqxcb.so on a desktop without libxcb-cursor0."""
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc, "a C compiler is needed (packaging/install-system-deps.sh test installs gcc)"
    work = tmp_path_factory.mktemp("qpa")
    (work / "stub.c").write_text("int studio_test_stub(void) { return 1; }\n")
    (work / "plugin.c").write_text("int studio_test_stub(void);\nint plugin_entry(void) { return studio_test_stub(); }\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(work / MISSING), f"-Wl,-soname,{MISSING}",
                    str(work / "stub.c")], check=True)
    platforms = work / "platforms"
    platforms.mkdir()
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(platforms / "libqbrokentest.so"), str(work / "plugin.c"),
                    f"-L{work}", f"-l:{MISSING}", "-Wl,--no-as-needed"], check=True)
    (work / MISSING).unlink()  # now the plugin's dependency is gone
    return platforms


def test_requested_platforms() -> None:
    assert requested_platforms(["studio"], {"QT_QPA_PLATFORM": "wayland;xcb"}) == ["wayland", "xcb"]
    assert requested_platforms(["studio"], {"QT_QPA_PLATFORM": "xcb:nomitshm"}) == ["xcb"]
    assert requested_platforms(["studio", "-platform", "offscreen"], {"QT_QPA_PLATFORM": "xcb"}) == ["offscreen"]
    assert requested_platforms(["studio"], {}) == ["xcb"]
    assert requested_platforms(["studio"], {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}) == [
        "wayland", "xcb"]


def test_missing_libraries_of_a_broken_plugin(broken_plugin_dir: Path) -> None:
    plugin = find_plugin("brokentest", [Path("/nonexistent"), broken_plugin_dir])
    assert plugin == broken_plugin_dir / "libqbrokentest.so"
    assert missing_libraries(plugin) == [MISSING]
    offscreen = find_plugin("offscreen", plugin_dirs({}))
    assert offscreen is not None and missing_libraries(offscreen) == []


def test_install_hint_names_debian_packages() -> None:
    if not shutil.which("apt-get"):
        pytest.skip("the hint names apt-get packages on Debian and Ubuntu only")
    assert install_hint(["libxcb-cursor.so.0", "libxkbcommon-x11.so.0"]) == (
        "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0")
    assert "apt-file search libfoo.so.3" in install_hint(["libfoo.so.3"])


def test_platform_problem_and_display_checks(broken_plugin_dir: Path) -> None:
    env = {"QT_QPA_PLATFORM_PLUGIN_PATH": str(broken_plugin_dir), "QT_QPA_PLATFORM": "brokentest"}
    problem = platform_problem(["studio"], env)
    assert problem.startswith("Qt cannot load its 'brokentest' platform plugin: missing system libraries "
                              f"{MISSING}; install them with:")
    assert platform_problem(["studio"], {"QT_QPA_PLATFORM": "offscreen"}) is None
    # a fallback that loads wins over one that does not
    assert platform_problem(["studio"], {**env, "QT_QPA_PLATFORM": "brokentest;offscreen"}) is None
    xcb = find_plugin("xcb", plugin_dirs({}))
    if xcb is not None and not missing_libraries(xcb):
        assert "DISPLAY is not set" in platform_problem(["studio"], {"QT_QPA_PLATFORM": "xcb"})


def test_gui_import_problem_names_the_library() -> None:
    exc = ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
    assert gui_import_problem(exc).startswith("Qt's GUI libraries cannot load: missing system libraries libEGL.so.1")


def test_studio_prints_one_line_instead_of_qts_abort(broken_plugin_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "brokentest", "QT_QPA_PLATFORM_PLUGIN_PATH": str(broken_plugin_dir),
           "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "studio_app", "--data-dir", str(tmp_path / "data")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("studio: error: Qt cannot load its 'brokentest' platform plugin: missing system "
                               f"libraries {MISSING}; install them with:")
    assert "Aborted" not in proc.stderr and "could not load the Qt platform plugin" not in proc.stderr
