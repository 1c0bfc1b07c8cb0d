"""``studio render|describe|generate CANVAS.json``: the canvas document commands.

``render`` paints the canvas offline; ``describe`` prints the canvas description and the
prompt that would be sent; ``generate`` runs the same generation path as the GUI's Generate.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio_app.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    SubParsers,
    ensure_offscreen_gui_app,
    fail,
    open_store,
)
from studio_app.domain.asset_types import AssetType

if TYPE_CHECKING:
    from studio_app.domain.asset import Asset
    from studio_app.domain.canvas import CanvasDocument
    from studio_app.domain.jobs import GenerationJob
    from studio_app.render.export import ExportFormat
    from studio_app.services.context import StudioStore


def add_canvas_commands(sub: SubParsers) -> None:
    """Register ``render``, ``describe`` and ``generate`` (handlers in ``func``)."""
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


def _load_canvas(args: argparse.Namespace, store: StudioStore) -> CanvasDocument:
    from studio_app.services.canvas_files import read_canvas_file, resolve_placements
    from studio_app.services.media_library import MediaLibraryService

    doc = read_canvas_file(args.canvas)
    return resolve_placements(doc, store, MediaLibraryService(store), base_dir=Path(args.canvas).parent)


def cmd_render(args: argparse.Namespace) -> int:
    """``studio render CANVAS.json [--scale S] -o OUT.png``."""
    from studio_app.render.export import export_image
    from studio_app.render.snapshot import render_canvas
    from studio_app.services.images import LibraryImageSource

    ensure_offscreen_gui_app()
    store = open_store(args)
    doc = _load_canvas(args, store)
    image = render_canvas(doc, LibraryImageSource(store), scale=args.scale)
    formats: dict[str, ExportFormat] = {".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
    fmt = formats.get(Path(args.output).suffix.lower(), "PNG")
    export_image(image, args.output, fmt)
    if args.json:
        print(json.dumps({"output": str(args.output), "width": image.width(), "height": image.height()}))
    return EXIT_OK


def cmd_describe(args: argparse.Namespace) -> int:
    """``studio describe CANVAS.json``: the canvas description and the prompt that would be sent."""
    from studio_app.prompting.canvas_description import describe_canvas
    from studio_app.services.generation import GenerateRequest, GenerationService

    store, doc = _open_store_and_canvas(args)
    service = GenerationService(store)
    prompt = service.build_prompt(GenerateRequest(asset_type=doc.asset_type, canvas=doc,
                                                  custom_prompt=args.prompt))
    description = describe_canvas(doc)
    if args.json:
        print(json.dumps({"description": description, "prompt": prompt}))
    else:
        print("Canvas description:\n" + description + "\n\nPrompt:\n" + prompt)
    return EXIT_OK


def _open_store_and_canvas(args: argparse.Namespace) -> tuple[StudioStore, CanvasDocument]:
    store = open_store(args)
    return store, _load_canvas(args, store)


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
    from studio_app.domain.jobs import JobStatus

    ensure_offscreen_gui_app()
    store, doc = _open_store_and_canvas(args)
    job, assets = _run_generation(args, store, doc)
    if job.status == JobStatus.CANCELLED:
        print("studio: cancelled", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not assets:
        return fail(job.error_message or "generation failed")
    results = _write_candidates(args, store, job, assets)
    if job.status == JobStatus.PARTIAL:
        print(f"studio: warning: {' '.join((job.error_message or '').split())}", file=sys.stderr)
    _print_generated(args, job, results)
    return EXIT_OK


def _run_generation(
    args: argparse.Namespace, store: StudioStore, doc: CanvasDocument
) -> tuple[GenerationJob, list[Asset]]:
    """Run the batch job of ``args`` on the settings' providers; Ctrl+C cancels it (not the process)."""
    from studio_app.providers.base import CancelToken
    from studio_app.services.generation import GenerateRequest, GenerationService
    from studio_app.services.provider_setup import build_provider_registry, default_provider

    asset_type = AssetType(args.asset_type) if args.asset_type else doc.asset_type
    registry = build_provider_registry(store)
    service = GenerationService(store, providers=registry)
    provider = args.provider or default_provider(store, registry)
    token = CancelToken()
    previous = signal.signal(signal.SIGINT, lambda *_: token.cancel())
    try:
        return service.run_batch(
            GenerateRequest(asset_type=asset_type, canvas=doc, custom_prompt=args.prompt,
                            provider=provider, model=args.model, media_asset_ids=list(args.media or []),
                            count=args.count),
            cancel=token,
        )
    finally:
        signal.signal(signal.SIGINT, previous)


def _write_candidates(
    args: argparse.Namespace, store: StudioStore, job: GenerationJob, assets: list[Asset]
) -> list[dict[str, Any]]:
    """Write each asset to ``-o`` (``OUT-<n>.png`` for a batch) atomically; one result dict each."""
    from studio_app.atomic_files import atomic_write_bytes

    out = Path(args.output)
    by_asset = {c.get("asset_id"): c for c in job.parameters.get("candidates", [])}
    results = []
    for asset in assets:
        cand = by_asset.get(asset.id, {})
        index = int(cand.get("index", 0))
        path = out if args.count == 1 else out.with_name(f"{out.stem}-{index + 1}{out.suffix}")
        atomic_write_bytes(path, store.blobs.get(asset.content_hash))
        results.append(_candidate_result(job, asset, cand, path))
    return results


def _candidate_result(job: GenerationJob, asset: Asset, cand: dict[str, Any], path: Path) -> dict[str, Any]:
    return {"job_id": job.id, "asset_id": asset.id, "status": job.status.value,
            "asset_type": asset.asset_type.value, "width": asset.width, "height": asset.height,
            "provider": asset.provider, "is_preview": asset.is_preview, "output": str(path),
            "file_size": asset.file_size, "model": job.model or cand.get("model"),
            "requested_size": cand.get("requested_size", job.requested_size),
            "received_size": cand.get("received_size", job.received_size),
            "upscale_factor": cand.get("upscale_factor", job.upscale_factor),
            "notes": cand.get("notes", job.result_notes)}


def _print_generated(args: argparse.Namespace, job: GenerationJob, results: list[dict[str, Any]]) -> None:
    if args.json:
        if args.count == 1:
            print(json.dumps(results[0]))
        else:
            print(json.dumps({"job_id": job.id, "status": job.status.value, "error_message": job.error_message,
                              "candidates": job.parameters.get("candidates", []), "results": results}))
        return
    for r in results:
        label = " (offline preview, no AI)" if r["is_preview"] else ""
        print(f"{r['output']}: {r['width']}x{r['height']} {r['asset_type']}{label}")
        for note in r["notes"] or []:
            print(f"note: {note}", file=sys.stderr)
