"""`studio --install-desktop-entry` puts the desktop entry, icons and metainfo in the user's
XDG data dir; the installed entry validates and starts this installation's `studio`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from studio_app.desktop import _exec_quote, desktop_entry_text
from studio_app.resources import APP_ID

REPO = Path(__file__).resolve().parents[2]


def _studio(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "studio_app", *args], capture_output=True, text=True,
                          env=env, timeout=60)


def test_install_and_uninstall_for_the_current_user(tmp_path: Path) -> None:
    share = tmp_path / "share"
    proc = _studio("--install-desktop-entry", data_home=share)
    assert proc.returncode == 0, proc.stderr
    entry = share / "applications" / f"{APP_ID}.desktop"
    assert str(entry) in proc.stdout
    for size in (16, 32, 48, 128, 256, 512):
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()

    text = entry.read_text()
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    program = exec_line.removeprefix("Exec=").split()[0]
    assert Path(program).is_absolute() and os.access(program, os.X_OK), exec_line
    validate = subprocess.run([shutil.which("desktop-file-validate") or "desktop-file-validate", str(entry)],
                              capture_output=True, text=True)
    assert validate.returncode == 0, validate.stdout

    # the Exec line really starts this studio
    args = exec_line.removeprefix("Exec=").split()
    version = subprocess.run([*args, "--version"], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    assert version.stdout.startswith("studio ")

    assert _studio("--install-desktop-entry", data_home=share).returncode == 0  # re-run updates in place
    proc = _studio("--uninstall-desktop-entry", data_home=share)
    assert proc.returncode == 0
    assert not entry.exists() and not list((share / "icons").rglob(f"{APP_ID}.*"))


def test_exec_paths_with_spaces_are_quoted() -> None:
    assert _exec_quote("/opt/Streamer Studio/studio") == '"/opt/Streamer Studio/studio"'
    assert _exec_quote("/usr/bin/studio") == "/usr/bin/studio"
    text = desktop_entry_text(["/home/a b/studio"])
    assert 'Exec="/home/a b/studio"\n' in text and "TryExec=/home/a b/studio\n" in text


def test_install_script_uses_the_command(tmp_path: Path) -> None:
    share = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(share), "PYTHONPATH": str(REPO),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(REPO / "packaging" / "install-desktop-entry.sh")], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
