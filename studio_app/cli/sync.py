"""``studio sync``: the headless sync commands (the logic is ``studio_app.sync``'s engine).

Commands (all take the global ``--data-dir``)::

    studio sync [--json] [--yes]      pull then push once; --yes goes past the safety stops
    studio sync test [--json]         check access and probe conditional writes
    studio sync conflicts [--json]    list open conflict copies
    studio sync resolve ID --keep canonical|copy|both
    studio sync status [--json]       pending changes, last sync, last error

The bucket comes from settings or STUDIO_SYNC_ENDPOINT / _BUCKET / _PREFIX / _REGION; credentials
from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the keyring.

Exit codes: 0 done; 1 error (one line on stderr, nothing lost); 3 stopped by a safety check
(run again with --yes); 4 another sync is running.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from studio_app.cli.common import SubParsers

EXIT_OK, EXIT_ERROR, EXIT_SAFETY, EXIT_BUSY = 0, 1, 3, 4


def add_sync_commands(subparsers: SubParsers) -> argparse.ArgumentParser:
    """Register ``sync`` on the ``studio`` command's subparsers; returns its parser.

    The handler is stored as ``func`` (call ``args.func(args)``; it returns the exit code and
    reads ``args.data_dir``).
    """
    p = subparsers.add_parser("sync", help="sync the library with an S3-compatible bucket",
                              description="Pull then push once (or test / conflicts / resolve / status).")
    p.add_argument("action", nargs="?", default="run", choices=["run", "test", "conflicts", "resolve", "status"])
    p.add_argument("conflict_id", nargs="?", help="conflict id (for resolve)")
    p.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    p.add_argument("--yes", action="store_true", help="go on past the safety stops (empty listing, mass delete)")
    p.add_argument("--keep", choices=["canonical", "copy", "both"], help="resolution (for resolve)")
    p.set_defaults(func=run_sync_command)
    return p


def _print(args: argparse.Namespace, payload: dict[str, Any], line: str) -> None:
    if args.json:
        sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _fail(args: argparse.Namespace, message: str, code: int, **extra: Any) -> int:
    if args.json:
        sys.stdout.write(json.dumps({"ok": False, "error": message, **extra}) + "\n")
    sys.stderr.write(f"studio sync: {message}\n")
    return code


def run_sync_command(args: argparse.Namespace) -> int:
    """Handle ``studio sync ...``; returns the exit code."""
    from studio_app.services.context import StudioStore
    from studio_app.sync.errors import SyncBusyError, SyncError, SyncSafetyError

    try:
        store = StudioStore.open(getattr(args, "data_dir", None))
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported in one line
        return _fail(args, f"cannot open the data dir: {exc}".splitlines()[0], EXIT_ERROR)
    try:
        if args.action == "run":
            return _run(args, store)
        if args.action == "test":
            return _test(args, store)
        if args.action == "conflicts":
            return _conflicts(args, store)
        if args.action == "resolve":
            return _resolve(args, store)
        return _status(args, store)
    except SyncSafetyError as exc:
        return _fail(args, f"{exc} (run `studio sync --yes`)", EXIT_SAFETY, reason=exc.reason, count=exc.count)
    except SyncBusyError as exc:
        return _fail(args, str(exc), EXIT_BUSY)
    except SyncError as exc:
        return _fail(args, str(exc), EXIT_ERROR)
    except KeyboardInterrupt:
        return _fail(args, "interrupted; committed work is kept", EXIT_ERROR)
    finally:
        store.close()


def _engine(store: Any, progress: Any = None) -> Any:
    from studio_app.sync.factory import build_engine

    return build_engine(db=store.db, blobs=store.blobs, settings_store=store.settings,
                        data_dir=store.paths.data_dir, progress=progress)


def _progress_line(p: Any) -> None:
    total = f" {p.done}/{p.total}" if p.total else ""
    sys.stderr.write(f"\rsync: {p.phase}{total} ({p.percent}%)\033[K")
    sys.stderr.flush()


def _run(args: argparse.Namespace, store: Any) -> int:
    tty = sys.stderr.isatty() and not args.json
    engine = _engine(store, progress=_progress_line if tty else None)
    try:
        report = engine.run(confirm=args.yes)
    finally:
        if tty:
            sys.stderr.write("\r\033[K")
    _print(args, {"ok": True, **report.to_dict()}, report.summary())
    return EXIT_OK


def _test(args: argparse.Namespace, store: Any) -> int:
    from studio_app.sync.probe import test_connection

    engine = _engine(store)
    result = test_connection(engine.remote, engine.layout, engine.state.device_id())
    _print(args, result.to_dict(), ("ok: " if result.ok else "failed: ") + result.message)
    return EXIT_OK if result.ok else EXIT_ERROR


def _conflicts(args: argparse.Namespace, store: Any) -> int:
    from dataclasses import asdict

    from studio_app.sync.conflicts import Conflicts

    items = Conflicts(store.db).open_conflicts()
    lines = [f"{c.id}  {c.kind}  {c.canonical_label or c.object_id}  <->  {c.copy_label or c.copy_id}"
             f"  ({c.device_name}, {c.detected_at})" for c in items]
    _print(args, {"conflicts": [asdict(c) for c in items]}, "\n".join(lines) or "no open conflicts")
    return EXIT_OK


def _resolve(args: argparse.Namespace, store: Any) -> int:
    from studio_app.sync.conflicts import ConflictNotFoundError, Conflicts

    if not args.conflict_id or not args.keep:
        return _fail(args, "resolve needs a conflict id and --keep canonical|copy|both", EXIT_ERROR)
    choice = {"canonical": "keep_canonical", "copy": "keep_copy", "both": "keep_both"}[args.keep]
    try:
        Conflicts(store.db).resolve(args.conflict_id, choice)
    except ConflictNotFoundError as exc:
        return _fail(args, str(exc), EXIT_ERROR)
    _print(args, {"ok": True, "resolved": args.conflict_id, "keep": args.keep},
           f"resolved {args.conflict_id}: kept {args.keep}")
    return EXIT_OK


def _status(args: argparse.Namespace, store: Any) -> int:
    from studio_app.sync.status import read_status

    st = read_status(store.db, store.settings)
    _print(args, st.to_dict(), st.summary())
    return EXIT_OK
