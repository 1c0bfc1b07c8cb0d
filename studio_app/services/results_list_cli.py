"""``studio results list|show|delete``: find, inspect and delete generated results from scripts.

Commands (all take the global ``--data-dir``)::

    studio results list [--limit N] [--job JOB] [--json]
    studio results show ID [--json]
    studio results delete ID [--json]

``delete`` tombstones the result's row (sync publishes the delete) and removes its image
file unless another result or a media asset uses the same bytes. Failure exits 1 with one
line on stderr (``studio: error: ...``). They join the ``results`` command group whoever
registers it first (platform export adds ``results export`` to the same group).
"""

from __future__ import annotations

import argparse
import json


def _results_group(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The subparsers of the ``results`` command, created when no other module made it."""
    parser = subparsers.choices.get("results")
    if parser is None:
        parser = subparsers.add_parser("results", help="generated results: list, show, delete, export")
        return parser.add_subparsers(dest="results_command", required=True)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="results_command", required=True)


def add_result_list_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``results list``, ``results show`` and ``results delete``."""
    sub = _results_group(subparsers)
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


def _service(args: argparse.Namespace):
    from studio_app.services.context import StudioStore
    from studio_app.services.results import ResultsService

    return ResultsService(StudioStore.open(args.data_dir))


def cmd_results_list(args: argparse.Namespace) -> int:
    """``studio results list``: id, target, size, provider, date and prompt start of each."""
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
