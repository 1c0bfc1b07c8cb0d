"""The ``studio`` command (minimal version on the sync branch; the lead's cli.py replaces it and
keeps the ``add_sync_commands`` call)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    from studio_app.services.sync_cli import add_sync_commands

    parser = argparse.ArgumentParser(prog="studio", description="Streamer Studio")
    parser.add_argument("--data-dir", help="data folder (default: $STUDIO_DATA_DIR or the user data dir)")
    sub = parser.add_subparsers(dest="command")
    add_sync_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``studio``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args))
