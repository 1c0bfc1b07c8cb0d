"""``studio results``: act on generated results (assets) from scripts.

Commands (all take the global ``--data-dir``)::

    studio results export ID --preset NAME -o DIR [--name DESIGN] [--json]
    studio results presets [--json]

``export`` writes every file of the platform preset (``render.presets.PRESETS``) for asset
``ID`` into DIR, all within the platform's byte limit, or nothing (exit 1, one line on
stderr). ``--json`` prints ``{"asset_id", "preset", "files": [{path, width, height, format,
bytes, max_bytes, alpha, method}]}``.

Other result commands register on the parser this module returns (``results_subparsers``).
"""

from __future__ import annotations

import argparse
import json

_SUBPARSERS: dict[str, argparse._SubParsersAction] = {}


def add_results_commands(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``results export`` and ``results presets`` on the ``studio`` command's subparsers.

    Returns the ``results`` parser; its subparsers are ``results_subparsers()`` for other
    result commands. Handlers are stored as ``func``.
    """
    from studio_app.render.presets import PRESETS

    results = subparsers.add_parser("results", help="generated results: export for a platform")
    sub = results.add_subparsers(dest="results_command", required=True)
    _SUBPARSERS["results"] = sub
    p = sub.add_parser("export", help="write a platform preset's files for one result")
    p.add_argument("asset_id", metavar="ID", help="the generated asset's id (studio jobs show JOB)")
    p.add_argument("--preset", required=True, choices=list(PRESETS), metavar="NAME",
                   help="one of: " + ", ".join(PRESETS))
    p.add_argument("-o", "--output-dir", required=True, metavar="DIR", help="folder for the files (created)")
    p.add_argument("--name", help="design name used in the file names (default: the canvas's name)")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.set_defaults(func=cmd_results_export)
    p = sub.add_parser("presets", help="list the platform presets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_results_presets)
    return results


def results_subparsers() -> argparse._SubParsersAction | None:
    """The ``results`` group's subparsers once ``add_results_commands`` ran (for more commands)."""
    return _SUBPARSERS.get("results")


def cmd_results_export(args: argparse.Namespace) -> int:
    """``studio results export``: see the module docstring."""
    from studio_app.services.context import StudioStore
    from studio_app.services.platform_export import export_asset

    store = StudioStore.open(args.data_dir)
    files = export_asset(store, args.asset_id, args.preset, args.output_dir, design=args.name)
    if args.json:
        print(json.dumps({"asset_id": args.asset_id, "preset": args.preset, "files": [f.as_json() for f in files]}))
    else:
        for f in files:
            limit = f"of {f.max_bytes:,}" if f.max_bytes else "no limit"
            print(f"{f.path}  {f.width}x{f.height} {f.format}  {f.size_bytes:,} bytes ({limit})  {f.method}")
    return 0


def cmd_results_presets(args: argparse.Namespace) -> int:
    """``studio results presets``: name, sizes, formats and byte limit of each preset."""
    from studio_app.render.presets import PRESETS

    rows = [{"name": p.name, "label": p.label, "sizes": [list(s) for s in p.sizes], "formats": list(p.formats),
             "alpha": p.wants_alpha, "max_bytes": p.max_bytes} for p in PRESETS.values()]
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            sizes = ", ".join(f"{w}x{h}" for w, h in r["sizes"])
            limit = f"{r['max_bytes']:,} bytes" if r["max_bytes"] else "no limit"
            print(f"{r['name']:<18} {sizes:<22} {'/'.join(r['formats']):<9} {limit}")
    return 0
