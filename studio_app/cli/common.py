"""What the ``studio`` command groups share: exit codes, the one-line error, opening the store.

Kept free of heavy imports: the store and Qt are imported inside the helpers, so
``studio --version`` and argument errors stay fast.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication

    from studio_app.services.context import StudioStore

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
"""0 done; 1 failed (one line on stderr); 2 bad arguments (argparse); 130 cancelled by Ctrl+C."""

if TYPE_CHECKING:  # the object ``ArgumentParser.add_subparsers`` returns (generic only in typeshed)
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    SubParsers = argparse._SubParsersAction


class CommandError(Exception):
    """A command failed; the message is printed as one line."""


def fail(message: str) -> int:
    """Print ``studio: error: MESSAGE`` (whitespace folded to one line) on stderr; returns EXIT_FAIL."""
    print(f"studio: error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_FAIL


def open_store(args: argparse.Namespace) -> StudioStore:
    """The StudioStore of ``args.data_dir`` (None: ``$STUDIO_DATA_DIR`` or the platform's folder)."""
    from studio_app.services.context import StudioStore

    return StudioStore.open(getattr(args, "data_dir", None))


_GUI_APP: list[QGuiApplication] = []  # keeps the instance made below alive for the process


def ensure_offscreen_gui_app() -> None:
    """Make a QGuiApplication on Qt's ``offscreen`` platform if none runs (headless commands
    paint text and images but never show a window, even where a display exists)."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _GUI_APP.append(QGuiApplication([sys.argv[0], "-platform", "offscreen"]))
