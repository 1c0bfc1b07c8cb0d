"""The ``studio`` command: the GUI by default; headless subcommands for scripts and checks.

Contract (scripts rely on it): ``--json`` prints machine-readable output on stdout;
failure exits non-zero with a one-line ``studio: error: ...`` on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from studio_app.domain.asset_types import AssetType

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CommandError(Exception):
    """A command failed; the message is printed as one line."""


def _fail(message: str) -> int:
    print(f"studio: error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_FAIL


def _open_store(args: argparse.Namespace):
    from studio_app.services.context import StudioStore

    return StudioStore.open(args.data_dir)


def _ensure_gui_app() -> None:
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        _ensure_gui_app.app = QGuiApplication([sys.argv[0], "-platform", "offscreen"])  # type: ignore[attr-defined]


def _load_canvas(args: argparse.Namespace, store):
    from studio_app.services.canvas_files import read_canvas_file, resolve_placements
    from studio_app.services.media_library import MediaLibraryService

    doc = read_canvas_file(args.canvas)
    return resolve_placements(doc, store, MediaLibraryService(store), base_dir=Path(args.canvas).parent)


def cmd_render(args: argparse.Namespace) -> int:
    """``studio render CANVAS.json [--scale S] -o OUT.png``."""
    from studio_app.render.export import export_image
    from studio_app.render.snapshot import render_canvas
    from studio_app.services.images import LibraryImageSource

    _ensure_gui_app()
    store = _open_store(args)
    doc = _load_canvas(args, store)
    image = render_canvas(doc, LibraryImageSource(store), scale=args.scale)
    fmt = {".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}.get(Path(args.output).suffix.lower(), "PNG")
    export_image(image, args.output, fmt)
    if args.json:
        print(json.dumps({"output": str(args.output), "width": image.width(), "height": image.height()}))
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    """``studio describe CANVAS.json``: the canvas description and the prompt that would be sent."""
    from studio_app.services.generation import GenerateRequest, GenerationService

    store = _open_store(args)
    doc = _load_canvas(args, store)
    from studio_app.prompting.canvas_description import describe_canvas

    service = GenerationService(store)
    prompt = service.build_prompt(GenerateRequest(asset_type=doc.asset_type, canvas=doc,
                                                  custom_prompt=args.prompt))
    description = describe_canvas(doc)
    if args.json:
        print(json.dumps({"description": description, "prompt": prompt}))
    else:
        print("Canvas description:\n" + description + "\n\nPrompt:\n" + prompt)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    """``studio generate CANVAS.json [--asset-type T] [--prompt TEXT] [--provider P] [--model M] [--media ID]...
    [--count N]
    -o OUT.png``.

    The same path as the GUI's Generate: GenerationService with the providers, keys
    (keyring or GEMINI_API_KEY / OPENAI_API_KEY) and settings of the data dir; the provider
    defaults to the one chosen in Settings. Ctrl+C cancels the job (stored as ``cancelled``,
    no output written) and exits 130.

    ``--count N`` (1-4) makes N candidates as one batch job, written to ``OUT-1.png`` ...
    (numbered by candidate). A ``partial`` batch writes the candidates that succeeded, warns on
    stderr and exits 0; a batch where none succeeded fails (exit 1).
    """
    from studio_app.atomic_files import atomic_write_bytes
    from studio_app.domain.jobs import JobStatus
    from studio_app.providers.base import CancelToken
    from studio_app.services.generation import GenerateRequest, GenerationService
    from studio_app.services.provider_setup import build_provider_registry, default_provider

    _ensure_gui_app()
    store = _open_store(args)
    doc = _load_canvas(args, store)
    asset_type = AssetType(args.asset_type) if args.asset_type else doc.asset_type
    registry = build_provider_registry(store)
    service = GenerationService(store, providers=registry)
    provider = args.provider or default_provider(store, registry)
    token = CancelToken()
    previous = signal.signal(signal.SIGINT, lambda *_: token.cancel())
    try:
        job, assets = service.run_batch(
            GenerateRequest(asset_type=asset_type, canvas=doc, custom_prompt=args.prompt,
                            provider=provider, model=args.model, media_asset_ids=list(args.media or []),
                            count=args.count),
            cancel=token,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    if job.status == JobStatus.CANCELLED:
        print("studio: cancelled", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not assets:
        return _fail(job.error_message or "generation failed")
    out = Path(args.output)
    by_asset = {c.get("asset_id"): c for c in job.parameters.get("candidates", [])}
    results = []
    for asset in assets:
        cand = by_asset.get(asset.id, {})
        index = int(cand.get("index", 0))
        path = out if args.count == 1 else out.with_name(f"{out.stem}-{index + 1}{out.suffix}")
        atomic_write_bytes(path, store.blobs.get(asset.content_hash))
        results.append({"job_id": job.id, "asset_id": asset.id, "status": job.status.value,
                        "asset_type": asset.asset_type.value, "width": asset.width, "height": asset.height,
                        "provider": asset.provider, "is_preview": asset.is_preview, "output": str(path),
                        "file_size": asset.file_size, "model": job.model or cand.get("model"),
                        "requested_size": cand.get("requested_size", job.requested_size),
                        "received_size": cand.get("received_size", job.received_size),
                        "upscale_factor": cand.get("upscale_factor", job.upscale_factor),
                        "notes": cand.get("notes", job.result_notes)})
    if job.status == JobStatus.PARTIAL:
        print(f"studio: warning: {' '.join((job.error_message or '').split())}", file=sys.stderr)
    if args.json:
        if args.count == 1:
            print(json.dumps(results[0]))
        else:
            print(json.dumps({"job_id": job.id, "status": job.status.value, "error_message": job.error_message,
                              "candidates": job.parameters.get("candidates", []), "results": results}))
    else:
        for r in results:
            label = " (offline preview, no AI)" if r["is_preview"] else ""
            print(f"{r['output']}: {r['width']}x{r['height']} {r['asset_type']}{label}")
            for note in r["notes"] or []:
                print(f"note: {note}", file=sys.stderr)
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the main window; first, one line instead of Qt's abort when the GUI cannot start."""
    from studio_app.qt_platform import gui_import_problem, platform_problem

    problem = platform_problem()
    if problem:
        return _fail(problem)
    try:
        from studio_app.app import run_gui
    except ImportError as exc:  # Qt's own libraries need system ones (libGL, libEGL, ...)
        return _fail(gui_import_problem(exc))
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

    p = sub.add_parser("render", help="render a canvas document to an image")
    p.add_argument("canvas")
    p.add_argument("--scale", type=float, default=2.0)
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("describe", help="print the canvas description and the prompt")
    p.add_argument("canvas")
    p.add_argument("--prompt")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("generate", help="generate an asset from a canvas")
    p.add_argument("canvas")
    p.add_argument("--asset-type", choices=[t.value for t in AssetType])
    p.add_argument("--prompt")
    p.add_argument("--provider", help="offline, gemini or openai (default: the one chosen in Settings)")
    p.add_argument("--model", help="the provider's model id (default: the one chosen in Settings)")
    p.add_argument("--count", type=int, default=1, metavar="N",
                   help="variations: candidates of the same request, 1-4, as one batch job (default 1); "
                        "with N > 1 the files are OUT-1.png ... OUT-N.png")
    p.add_argument("--media", action="append", metavar="ID",
                   help="a media library asset to send as a reference image (repeatable; logos go first)")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_generate)

    from studio_app.services.design_resize_cli import add_resize_command
    from studio_app.services.jobs_cli import add_jobs_commands
    from studio_app.services.media_library_cli import add_library_commands
    from studio_app.services.models_cli import add_models_command
    from studio_app.services.results_cli import add_results_commands
    from studio_app.services.results_list_cli import add_result_list_commands
    from studio_app.services.sync_cli import add_sync_commands

    add_jobs_commands(sub)
    add_results_commands(sub)
    add_resize_command(sub)
    add_library_commands(sub)
    add_sync_commands(sub)
    add_models_command(sub)
    add_result_list_commands(sub)
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
            return _fail(f"invalid value: {exc.errors()[0].get('msg', exc)}")
        return _fail(str(exc) or exc.__class__.__name__)


if __name__ == "__main__":
    raise SystemExit(main())
