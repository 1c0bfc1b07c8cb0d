"""Before the GUI starts: can Qt load its platform plugin? If not, say which system libraries
are missing and how to install them, in one line, instead of Qt's abort ("could not load the
Qt platform plugin").

Only Linux needs this: the PySide6 wheels carry everything else on Windows and macOS, while
on Linux the xcb/wayland plugins link against the desktop's own X11/Wayland libraries
(Qt's documentation, "Qt for X11 Requirements").
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

# Shared library -> Debian/Ubuntu package providing it (the libraries Qt's xcb, wayland and
# EGL/GL platform plugins link against; see "Qt for X11 Requirements").
DEBIAN_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_DLERROR = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")


def requested_platforms(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> list[str]:
    """The platform plugins Qt will try, in order (``-platform`` / ``$QT_QPA_PLATFORM`` / default).

    Qt accepts a ``;``-separated fallback list; options after ``:`` are dropped.
    The default on Linux is ``wayland;xcb`` in a Wayland session, else ``xcb``.
    """
    argv = sys.argv if argv is None else argv
    env: Mapping[str, str] = os.environ if environ is None else environ
    spec = ""
    if "-platform" in argv[:-1]:
        spec = argv[argv.index("-platform") + 1]
    spec = spec or env.get("QT_QPA_PLATFORM", "")
    if not spec:
        wayland = env.get("XDG_SESSION_TYPE") == "wayland" and env.get("WAYLAND_DISPLAY")
        spec = "wayland;xcb" if wayland else "xcb"
    return [name.split(":", 1)[0].strip() for name in spec.split(";") if name.strip()]


def plugin_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Folders Qt searches for platform plugins: ``$QT_QPA_PLATFORM_PLUGIN_PATH``, the
    ``platforms`` folder under each ``$QT_PLUGIN_PATH`` entry, then Qt's own plugins path."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    dirs = [Path(p) for p in env.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    dirs += [Path(p) / "platforms" for p in env.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    from PySide6.QtCore import QLibraryInfo

    dirs.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms")
    return dirs


def find_plugin(name: str, dirs: list[Path]) -> Path | None:
    """The file of platform plugin ``name`` (``libq<name>.so``) in the first folder holding it."""
    for folder in dirs:
        candidate = folder / f"libq{name}.so"
        if candidate.is_file():
            return candidate
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """The shared libraries ``plugin`` needs that the dynamic loader cannot find ([] if it loads).

    Loading is tried first (the cheap, common case: Qt loads the same file next). Only when
    that fails is ``ldd`` asked for the full list; without ``ldd``, the loader's error names one.
    """
    try:
        ctypes.CDLL(str(plugin))
        return []
    except OSError as exc:
        error = str(exc)
    names: list[str] = []
    ldd = shutil.which("ldd")
    if ldd:
        try:
            out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=20,
                                 check=False).stdout
            names = list(dict.fromkeys(_NOT_FOUND.findall(out)))
        except (OSError, subprocess.SubprocessError):
            names = []
    if not names:
        names = _DLERROR.findall(error) or [error.strip()]
    return names


def install_hint(libraries: list[str]) -> str:
    """The command that installs ``libraries`` (Debian/Ubuntu names where known)."""
    packages = [DEBIAN_PACKAGES[lib] for lib in libraries if lib in DEBIAN_PACKAGES]
    unknown = [lib for lib in libraries if lib not in DEBIAN_PACKAGES]
    if shutil.which("apt-get") or not shutil.which("dnf"):
        parts = []
        if packages:
            parts.append("sudo apt-get install " + " ".join(dict.fromkeys(packages)))
        if unknown:
            parts.append("find the package of " + " ".join(unknown) + " with: apt-file search " + unknown[0])
        return "; ".join(parts)
    return "sudo dnf install " + " ".join(f"'*/{lib}'" for lib in libraries)


def platform_problem(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """One line saying why the GUI cannot start, or None when (as far as can be told) it can.

    None also when the plugin files cannot be found: Qt then reports on its own.
    """
    if not sys.platform.startswith("linux"):
        return None
    env: Mapping[str, str] = os.environ if environ is None else environ
    platforms = requested_platforms(argv, env)
    dirs = plugin_dirs(env)
    reasons = []
    for name in platforms:
        plugin = find_plugin(name, dirs)
        if plugin is None:
            return None
        missing = missing_libraries(plugin)
        if not missing:
            if name == "xcb" and not env.get("DISPLAY"):
                reasons.append("no X display (DISPLAY is not set): start it from a desktop session, "
                               "or set QT_QPA_PLATFORM=offscreen for a headless run")
                continue
            if name == "wayland" and not env.get("WAYLAND_DISPLAY"):
                reasons.append("no Wayland display (WAYLAND_DISPLAY is not set)")
                continue
            return None
        reasons.append(f"Qt cannot load its '{name}' platform plugin: missing system libraries "
                       f"{', '.join(missing)}; install them with: {install_hint(missing)}")
    return reasons[-1] if reasons else None


def gui_import_problem(exc: ImportError) -> str:
    """One line for an ImportError of Qt's GUI modules (a system library they link is missing)."""
    libraries = _DLERROR.findall(str(exc))
    if not libraries:
        return f"the GUI cannot start: {exc}"
    return (f"Qt's GUI libraries cannot load: missing system libraries {', '.join(libraries)}; "
            f"install them with: {install_hint(libraries)}")
