"""``studio jobs``: find generation jobs (newest first, paged) and show one with its assets.

Commands (all take the global ``--data-dir``)::

    studio jobs list [--status S] [--limit N] [--offset K] [--json]   newest first, 20 a page
    studio jobs show ID [--json]                                      one job and its assets

``--json`` prints machine-readable output on stdout (``list``: a JSON array of jobs;
``show``: ``{"job": {...}, "assets": [...]}``). Failure exits 1 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys

from studio_app.cli.common import SubParsers, open_store
from studio_app.domain.jobs import GenerationJob, JobStatus

DEFAULT_PAGE_SIZE = 20
"""Jobs per ``studio jobs list`` page unless --limit says otherwise (the original design's list_jobs default)."""
MAX_PAGE_SIZE = 1000


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def _page_size(text: str) -> int:
    value = _non_negative(text)
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise argparse.ArgumentTypeError(f"must be 1-{MAX_PAGE_SIZE}, got {value}")
    return value


def add_jobs_commands(subparsers: SubParsers) -> argparse.ArgumentParser:
    """Register ``jobs list`` and ``jobs show`` on the ``studio`` command's subparsers.

    Handlers are stored as ``func`` (they read ``args.data_dir`` and return the exit code).
    Returns the ``jobs`` parser.
    """
    jobs = subparsers.add_parser("jobs", help="generation jobs: list (newest first) and show")
    sub = jobs.add_subparsers(dest="jobs_command", required=True)
    p = sub.add_parser("list", help="jobs, newest first")
    p.add_argument("--status", choices=[s.value for s in JobStatus], help="only jobs in this state")
    p.add_argument("--limit", type=_page_size, default=DEFAULT_PAGE_SIZE,
                   help=f"jobs per page (default {DEFAULT_PAGE_SIZE})")
    p.add_argument("--offset", type=_non_negative, default=0, help="skip this many newest jobs first")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_jobs_list)
    p = sub.add_parser("show", help="one job with its generated assets")
    p.add_argument("job_id")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=cmd_jobs_show)
    return jobs


def job_line(job: GenerationJob) -> str:
    """One human line for a job: id, status, target, provider (model), start time (local), error."""
    model = f" ({job.model})" if job.model else ""
    err = f"  {job.error_message}" if job.error_message else ""
    return (f"{job.id}  {job.status.value:<10} {job.asset_type.value:<16} {job.provider + model:<24} "
            f"{job.created_at.astimezone():%Y-%m-%d %H:%M}{err}")


def cmd_jobs_list(args: argparse.Namespace) -> int:
    """``studio jobs list``: one page of jobs, newest first; a footer says how many there are."""
    store = open_store(args)
    status = JobStatus(args.status) if args.status else None
    jobs = store.jobs.list(status=status, limit=args.limit, offset=args.offset)
    if args.json:
        print(json.dumps([j.model_dump(mode="json") for j in jobs]))
        return 0
    total = store.jobs.count(status)
    for job in jobs:
        print(job_line(job))
    shown = f"{args.offset + 1}-{args.offset + len(jobs)}" if jobs else "none"
    which = f" {status.value}" if status else ""
    print(f"({shown} of {total}{which} jobs)", file=sys.stderr)
    return 0


def cmd_jobs_show(args: argparse.Namespace) -> int:
    """``studio jobs show ID``: the job's fields and its assets (id, target, size, bytes, provider).

    Raises:
        studio_app.store.repositories.NotFoundError: no job ``ID`` (the CLI prints one line).
    """
    store = open_store(args)
    job = store.jobs.get(args.job_id)
    assets = store.assets.list(job_id=job.id, limit=MAX_PAGE_SIZE)
    if args.json:
        print(json.dumps({"job": job.model_dump(mode="json"), "assets": [a.model_dump(mode="json") for a in assets]}))
        return 0
    rows = [("Job", job.id), ("Status", job.status.value), ("Target", job.asset_type.value),
            ("Provider", job.provider + (f" ({job.model})" if job.model else "")), ("Progress", f"{job.progress}%"),
            ("Created", f"{job.created_at.astimezone():%Y-%m-%d %H:%M:%S}"),
            ("Finished", f"{job.completed_at.astimezone():%Y-%m-%d %H:%M:%S}" if job.completed_at else "-")]
    if job.error_message:
        rows.append(("Error", job.error_message))
    if job.prompt:
        rows.append(("Prompt", " ".join(job.prompt.split())[:300]))
    for key, value in rows:
        print(f"{key + ':':<10} {value}")
    print(f"Assets:    {len(assets)}")
    for a in assets:
        preview = " preview" if a.is_preview else ""
        print(f"  {a.id}  {a.asset_type.value} {a.width}x{a.height}  {a.file_size} bytes  {a.provider}{preview}")
    return 0
