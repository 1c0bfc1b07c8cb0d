"""The ``studio`` command: the GUI by default; headless subcommands for scripts and checks.

One module per command group; argparse wiring and printing live here only, the logic they run
lives in ``services/`` (and ``sync/`` for ``studio sync``):

- ``entry``: the top-level parser, ``main(argv)``, the GUI and desktop-entry switches;
- ``canvas``: ``render``, ``describe``, ``generate``;  ``resize``: ``resize`` (Magic Resize);
- ``jobs``: ``jobs list|show``;  ``results``: ``results list|show|delete|export|presets``;
- ``library``: ``import`` and ``library ...``;  ``sync``: ``sync ...``;  ``models``: ``models``;
- ``common``: exit codes, the one-line error and the helpers the groups share.

Contract (scripts rely on it): ``--json`` prints machine-readable output on stdout;
failure exits non-zero with a one-line ``studio: error: ...`` on stderr.
"""

from __future__ import annotations

from studio_app.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]
