"""``studio results``: find, inspect, delete and export generated results (assets) from scripts.

Commands (all take the global ``--data-dir``)::

    studio results export ID --preset NAME -o DIR [--name DESIGN] [--json]
    studio results presets [--json]
    studio results list [--limit N] [--job JOB] [--json]
    studio results show ID [--json]
    studio results delete ID [--json]

``export`` writes every file of the platform preset (``render.presets.PRESETS``) for asset
``ID`` into DIR, all within the platform's byte limit, or nothing (exit 1, one line on
stderr). ``--json`` prints ``{"asset_id", "preset", "files": [{path, width, height, format,
bytes, max_bytes, alpha, method}]}``.

``delete`` tombstones the result's row (sync publishes the delete) and removes its image
file unless another result or a media asset uses the same bytes. Failure exits 1 with one
line on stderr (``studio: error: ...``).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from studio_app.cli.common import SubParsers, open_store

if TYPE_CHECKING:
    from studio_app.services.results import ResultsService


def add_results_commands(subparsers: SubParsers) -> argparse.ArgumentParser:
    """Register ``results export|presets|list|show|delete`` on the ``studio`` command's subparsers.

    Returns the ``results`` parser. Handlers are stored as ``func``.
    """
    from studio_app.render.presets import PRESETS

    results = subparsers.add_parser("results", help="generated results: export for a platform")
    sub = results.add_subparsers(dest="results_command", required=True)
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
    _add_list_show_delete(sub)
    return results


def _add_list_show_delete(sub: SubParsers) -> None:
    p = sub.add_parser("list", help="generated results, newest first")
    p.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    p.add_argument("--job", help="only the results of this job")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_results_list)
    p = sub.add_parser("show", help="one result's prompt, model, provider, sizes and date")
    p.add_argument("asset_id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_results_show)
    p = sub.add_parser("delete", help="delete a result (tombstoned for sync; its image file removed)")
    p.add_argument("asset_id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_results_delete)


def cmd_results_export(args: argparse.Namespace) -> int:
    """``studio results export``: see the module docstring."""
    from studio_app.services.platform_export import export_asset

    store = open_store(args)
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
        for p in PRESETS.values():
            sizes = ", ".join(f"{w}x{h}" for w, h in p.sizes)
            limit = f"{p.max_bytes:,} bytes" if p.max_bytes else "no limit"
            print(f"{p.name:<18} {sizes:<22} {'/'.join(p.formats):<9} {limit}")
    return 0


def _service(args: argparse.Namespace) -> ResultsService:
    from studio_app.services.results import ResultsService

    return ResultsService(open_store(args))


def cmd_results_list(args: argparse.Namespace) -> int:
    """``studio results list``: id, target, size, provider, date and prompt start of each.

    Raises:
        ValueError: ``--limit`` below 1.
    """
    if args.limit < 1:
        raise ValueError(f"--limit must be at least 1, not {args.limit}")
    infos = _service(args).list(args.limit, job_id=args.job)
    if args.json:
        print(json.dumps([i.as_json() for i in infos]))
        return 0
    for i in infos:
        a = i.asset
        prompt = " ".join((i.custom_prompt or i.prompt).split())
        print(f"{a.id}  {a.asset_type.value:<16} {a.width}x{a.height:<5} {i.provider:<8} "
              f"{i.created_at.astimezone():%Y-%m-%d %H:%M}  {prompt[:60]}")
    return 0


def cmd_results_show(args: argparse.Namespace) -> int:
    """``studio results show ID``: every fact of one result."""
    info = _service(args).info(args.asset_id)
    if args.json:
        print(json.dumps(info.as_json()))
    else:
        print(f"Result {info.asset_id} (job {info.asset.job_id})")
        for key, value in info.lines():
            print(f"{key + ':':<16}{value}")
    return 0


def cmd_results_delete(args: argparse.Namespace) -> int:
    """``studio results delete ID``."""
    asset = _service(args).delete(args.asset_id)
    if args.json:
        print(json.dumps({"deleted": asset.id, "job_id": asset.job_id}))
    else:
        print(f"deleted result {asset.id}")
    return 0
