"""``studio import`` and ``studio library ...``: the headless media-library commands.

``add_library_commands(subparsers)`` registers them on the CLI's argparse subparsers;
each sets ``args.func(args) -> int`` (exit code), which opens a StudioStore from
``args.data_dir`` (None = ``$STUDIO_DATA_DIR`` or the platform dir), runs the command
(``services.media_library.MediaLibraryService``) and closes the store. Failures print one
line ``studio: error: ...`` on stderr and return 1; ``--json`` prints machine-readable
results on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from studio_app.cli.common import SubParsers
from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.services.context import StudioStore
from studio_app.services.media_library import (
    ImportOutcome,
    LibraryError,
    MediaLibraryService,
    NotFoundError,
)

Handler = Callable[[argparse.Namespace, StudioStore], int]
TYPE_NAMES = [t.value for t in MediaAssetType]


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print(text)


def _asset_json(asset: MediaAsset) -> dict[str, Any]:
    return asset.model_dump(mode="json")


def _asset_line(asset: MediaAsset) -> str:
    flags = "".join(("*" if asset.is_favorite else "", "P" if asset.is_primary else "",
                     "B" if asset.has_background_removed else ""))
    return (f"{asset.id}  {asset.asset_type.value:<13} {asset.width}x{asset.height}  "
            f"{flags:<3} {asset.display_name}")


def _wrap(handler: Handler) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        try:
            store = StudioStore.open(getattr(args, "data_dir", None))
        except Exception as exc:  # noqa: BLE001 - any failure to open is reported in one line
            print(f"studio: error: cannot open the data dir: {str(exc).splitlines()[0]}", file=sys.stderr)
            return 1
        try:
            return handler(args, store)
        except (LibraryError, NotFoundError, ValueError, OSError) as exc:
            msg = str(exc).strip().splitlines()
            print(f"studio: error: {msg[0] if msg else type(exc).__name__}", file=sys.stderr)
            return 1
        finally:
            store.close()

    return run


def _cmd_import(args: argparse.Namespace, store: StudioStore) -> int:
    svc = MediaLibraryService(store)
    outcomes: list[ImportOutcome] = []
    for path in args.paths:
        if args.name and len(args.paths) == 1:
            outcomes.append(svc.import_file(path, asset_type=args.type, display_name=args.name,
                                            remove_background=args.remove_background,
                                            on_duplicate=args.duplicate))
        else:
            outcomes += svc.import_files([path], asset_type=args.type, remove_background=args.remove_background,
                                         on_duplicate=args.duplicate)
    failed = [o for o in outcomes if o.error]
    for o in failed:
        print(f"studio: error: {o.path}: {o.error}", file=sys.stderr)
    if args.json:
        # One object per file: the asset's fields (id, display_name, ...) plus path,
        # duplicate_of (id of the existing asset with the same SHA-256) and error.
        print(json.dumps([
            {**(_asset_json(o.asset) if o.asset else {"id": None}), "path": o.path,
             "duplicate_of": o.duplicate_of.id if o.duplicate_of else None, "error": o.error}
            for o in outcomes
        ], indent=2, ensure_ascii=False))
    else:
        for o in outcomes:
            if o.asset is not None:
                tag = "reused " if o.duplicate_of is not None and o.asset.id == o.duplicate_of.id else "imported"
                print(f"{tag} {_asset_line(o.asset)}")
    if not outcomes:
        print("studio: error: no image files found", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _cmd_list(args: argparse.Namespace, store: StudioStore) -> int:
    svc = MediaLibraryService(store)
    assets = svc.list_assets(asset_type=args.type, favorites_only=args.favorites, tags=args.tag or (),
                             search=args.search, sort=args.sort, limit=args.limit)
    _emit(args, [_asset_json(a) for a in assets], "\n".join(_asset_line(a) for a in assets) or "(no assets)")
    return 0


def _cmd_show(args: argparse.Namespace, store: StudioStore) -> int:
    svc = MediaLibraryService(store)
    asset = svc.get(args.id)
    text = "\n".join(f"{k}: {v}" for k, v in _asset_json(asset).items())
    _emit(args, _asset_json(asset), text)
    return 0


def _cmd_update(args: argparse.Namespace, store: StudioStore) -> int:
    svc = MediaLibraryService(store)
    tags = None if args.tags is None else list(args.tags.split(","))
    asset = svc.update(args.id, display_name=args.name, description=args.description, tags=tags,
                       asset_type=args.type)
    _emit(args, _asset_json(asset), f"updated {_asset_line(asset)}")
    return 0


def _cmd_delete(args: argparse.Namespace, store: StudioStore) -> int:
    svc = MediaLibraryService(store)
    missing = []
    for asset_id in args.ids:
        try:
            svc.get(asset_id)
        except NotFoundError:
            missing.append(asset_id)
    if missing:
        raise NotFoundError(f"media asset {missing[0]} not found (nothing deleted)")
    n = svc.bulk_delete(args.ids)
    _emit(args, {"deleted": n, "ids": args.ids}, f"deleted {n} asset(s)")
    return 0


def _cmd_favorite(args: argparse.Namespace, store: StudioStore) -> int:
    asset = MediaLibraryService(store).toggle_favorite(args.id)
    _emit(args, _asset_json(asset), f"{'favourite' if asset.is_favorite else 'not favourite'}: {asset.display_name}")
    return 0


def _cmd_primary(args: argparse.Namespace, store: StudioStore) -> int:
    asset = MediaLibraryService(store).set_primary(args.id)
    _emit(args, _asset_json(asset), f"primary {asset.asset_type.value}: {asset.display_name}")
    return 0


def _cmd_summary(args: argparse.Namespace, store: StudioStore) -> int:
    summary = MediaLibraryService(store).summary()
    lines = [f"{summary.total} assets" if summary.total_limit is None
             else f"{summary.total} of {summary.total_limit} assets"]
    lines += [f"  {t:<13} {n}" for t, n in summary.by_type.items() if n]
    _emit(args, summary.model_dump(mode="json"), "\n".join(lines))
    return 0


def add_library_commands(subparsers: SubParsers) -> None:
    """Register ``import`` and ``library {list,show,update,delete,favorite,primary,summary}``.

    Each parser sets ``func`` (call ``args.func(args)``; returns the exit code) and reads
    ``args.data_dir`` if the top-level parser defines it.
    """
    _add_import_command(subparsers)
    lib = subparsers.add_parser("library", help="list and edit the media library")
    sub = lib.add_subparsers(dest="library_command", required=True)
    _add_list_command(sub)
    _add_edit_commands(sub)


def _with_json(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--json", action="store_true", help="print JSON")
    return p


def _add_import_command(subparsers: SubParsers) -> None:
    imp = subparsers.add_parser("import", help="import image files or folders into the media library")
    imp.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursive)")
    imp.add_argument("--type", choices=TYPE_NAMES, help="media asset type (default: object, or "
                     "background for wide opaque images)")
    imp.add_argument("--name", help="display name (single file only; default: file name)")
    bg = imp.add_mutually_exclusive_group()
    bg.add_argument("--remove-background", dest="remove_background", action="store_true", default=None,
                    help="cut out the subject (default: on for face, logo, character, object, emote, badge, "
                    "game_skin)")
    bg.add_argument("--no-remove-background", dest="remove_background", action="store_false")
    imp.add_argument("--duplicate", choices=["reuse", "import"], default="reuse",
                     help="same SHA-256 already in the library: reuse it (default) or import again")
    imp.add_argument("--json", action="store_true", help="print results as JSON")
    imp.set_defaults(func=_wrap(_cmd_import))


def _add_list_command(sub: SubParsers) -> None:
    p = _with_json(sub.add_parser("list", help="list assets"))
    p.add_argument("--type", choices=TYPE_NAMES)
    p.add_argument("--favorites", action="store_true", help="favourites only")
    p.add_argument("--tag", action="append", help="must carry this tag (repeatable)")
    p.add_argument("--search", help="text in name or description")
    p.add_argument("--sort", choices=["recent", "most_used", "name"], default="recent")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=_wrap(_cmd_list))


def _add_edit_commands(sub: SubParsers) -> None:
    p = _with_json(sub.add_parser("show", help="show one asset"))
    p.add_argument("id")
    p.set_defaults(func=_wrap(_cmd_show))

    p = _with_json(sub.add_parser("update", help="change name, description, tags or type"))
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--tags", help="comma-separated; replaces the tags")
    p.add_argument("--type", choices=TYPE_NAMES)
    p.set_defaults(func=_wrap(_cmd_update))

    p = _with_json(sub.add_parser("delete", help="delete assets"))
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=_wrap(_cmd_delete))

    p = _with_json(sub.add_parser("favorite", help="toggle favourite"))
    p.add_argument("id")
    p.set_defaults(func=_wrap(_cmd_favorite))

    p = _with_json(sub.add_parser("primary", help="make the primary asset of its type"))
    p.add_argument("id")
    p.set_defaults(func=_wrap(_cmd_primary))

    p = _with_json(sub.add_parser("summary", help="counts per type"))
    p.set_defaults(func=_wrap(_cmd_summary))

