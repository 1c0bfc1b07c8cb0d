"""The ``studio`` command's top level: the parser tree, ``main(argv)``, the GUI and desktop-entry switches.

With no subcommand ``studio`` opens the GUI; the subcommands are registered by their groups'
modules in this package. Contract (scripts rely on it): ``--json`` prints machine-readable
output on stdout; failure exits non-zero with a one-line ``studio: error: ...`` on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys

from studio_app.cli.canvas import add_canvas_commands
from studio_app.cli.common import EXIT_INTERRUPTED, EXIT_OK, fail
from studio_app.cli.jobs import add_jobs_commands
from studio_app.cli.library import add_library_commands
from studio_app.cli.models import add_models_command
from studio_app.cli.resize import add_resize_command
from studio_app.cli.results import add_results_commands
from studio_app.cli.sync import add_sync_commands


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window; first, one line instead of Qt's abort when the GUI cannot start."""
    from studio_app.qt_platform import gui_import_problem, platform_problem

    problem = platform_problem()
    if problem:
        return fail(problem)
    try:
        from studio_app.app import run_gui
    except ImportError as exc:  # Qt's own libraries need system ones (libGL, libEGL, ...)
        return fail(gui_import_problem(exc))
    return run_gui(args.data_dir)


def cmd_desktop_entry(args: argparse.Namespace) -> int:
    """``studio --install-desktop-entry`` / ``--uninstall-desktop-entry`` (Linux, current user)."""
    from studio_app.desktop import install_desktop_entry, uninstall_desktop_entry

    if args.uninstall_desktop_entry:
        for path in uninstall_desktop_entry():
            print(f"removed {path}")
        return EXIT_OK
    for path in install_desktop_entry():
        print(path)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argparse tree of every subcommand."""
    from studio_app import __version__

    parser = argparse.ArgumentParser(prog="studio", description="Streamer Studio")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--install-desktop-entry", action="store_true",
                        help="add Streamer Studio to this user's application menu (Linux) and exit")
    parser.add_argument("--uninstall-desktop-entry", action="store_true",
                        help="remove what --install-desktop-entry added and exit")
    parser.add_argument("--data-dir", help="data folder (default: $STUDIO_DATA_DIR or the platform's)")
    sub = parser.add_subparsers(dest="command")

    add_canvas_commands(sub)
    add_jobs_commands(sub)
    add_results_commands(sub)
    add_resize_command(sub)
    add_library_commands(sub)
    add_sync_commands(sub)
    add_models_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``studio``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if args.install_desktop_entry or args.uninstall_desktop_entry:
        func = cmd_desktop_entry
    if func is None:
        return cmd_gui(args)
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        print("studio: cancelled", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # one line, never a traceback, for scripts
        if os.environ.get("STUDIO_DEBUG"):  # developers: the full traceback
            raise
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            return fail(f"invalid value: {exc.errors()[0].get('msg', exc)}")
        return fail(str(exc) or exc.__class__.__name__)

