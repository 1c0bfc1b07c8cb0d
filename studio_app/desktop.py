"""Desktop integration on Linux: install the app's desktop entry, icons and AppStream metadata
for the current user, so menus, launchers and taskbars show Streamer Studio with its icon.

Files go where the freedesktop.org specifications say (Desktop Entry Specification, Icon Theme
Specification, AppStream): ``$XDG_DATA_HOME`` (default ``~/.local/share``)
``/applications/<APP_ID>.desktop``, ``/icons/hicolor/<N>x<N>/apps/<APP_ID>.png`` (and
``scalable/apps/<APP_ID>.svg``), ``/metainfo/<APP_ID>.metainfo.xml``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from studio_app.resources import APP_ID, resource_path

_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home() -> Path:
    """``$XDG_DATA_HOME`` or ``~/.local/share`` (XDG Base Directory Specification)."""
    env = os.environ.get("XDG_DATA_HOME")
    return Path(env) if env and Path(env).is_absolute() else Path.home() / ".local" / "share"


def studio_command() -> list[str]:
    """The command line that starts this installation of ``studio`` (absolute paths).

    A PyInstaller bundle: its own executable. An installed package: the ``studio`` script
    beside the running interpreter or on ``PATH``; else ``python -m studio_app``.
    """
    if getattr(sys, "frozen", False):
        return [str(Path(sys.executable).resolve())]
    beside = Path(sys.executable).with_name("studio")
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside.absolute())]
    found = shutil.which("studio")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "studio_app"]


def _exec_quote(arg: str) -> str:
    """Quote one Exec argument as the Desktop Entry Specification ("The Exec key") requires."""
    if not arg or _RESERVED & set(arg):
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
        return f'"{escaped}"'
    return arg.replace("%", "%%")


def desktop_entry_text(command: list[str]) -> str:
    """The shipped desktop entry with ``Exec`` and ``TryExec`` pointing at ``command``."""
    lines = []
    for line in resource_path(f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(_exec_quote(a) for a in command)
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0]
        lines.append(line)
    return "\n".join(lines) + "\n"


def install_desktop_entry(target: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Install the desktop entry, icons and metainfo under ``target`` (default :func:`data_home`).

    Existing files of the same names are replaced (re-running updates an install). The icon and
    desktop caches are refreshed when their tools exist. Returns the files written.

    Raises:
        OSError: a file could not be written (e.g. a read-only home).
    """
    target = target or data_home()
    command = command or studio_command()
    written: list[Path] = []
    icons = resource_path("icons", "hicolor")
    for source in sorted(icons.rglob(f"{APP_ID}.*")):
        dest = target / "icons" / "hicolor" / source.relative_to(icons)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    entry = target / "applications" / f"{APP_ID}.desktop"
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(desktop_entry_text(command), encoding="utf-8")
    written.append(entry)
    metainfo = target / "metainfo" / f"{APP_ID}.metainfo.xml"
    metainfo.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(resource_path(f"{APP_ID}.metainfo.xml"), metainfo)
    written.append(metainfo)
    _refresh_caches(target)
    return written


def uninstall_desktop_entry(target: Path | None = None) -> list[Path]:
    """Remove what :func:`install_desktop_entry` installed; returns the files removed."""
    target = target or data_home()
    candidates = [target / "applications" / f"{APP_ID}.desktop", target / "metainfo" / f"{APP_ID}.metainfo.xml"]
    hicolor = target / "icons" / "hicolor"
    if hicolor.is_dir():
        candidates += sorted(hicolor.glob(f"*/apps/{APP_ID}.*"))
    removed = [p for p in candidates if p.is_file()]
    for path in removed:
        path.unlink()
    _refresh_caches(target)
    return removed


def _refresh_caches(target: Path) -> None:
    """Best effort: menus and icon themes pick the change up without a re-login."""
    for tool, args in (("update-desktop-database", [str(target / "applications")]),
                       ("gtk-update-icon-cache", ["-q", "-t", "-f", str(target / "icons" / "hicolor")])):
        exe = shutil.which(tool)
        if exe and Path(args[-1]).is_dir():
            subprocess.run([exe, *args], capture_output=True, timeout=30, check=False)
