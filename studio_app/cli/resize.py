"""``studio resize CANVAS --asset-type T -o NEW.json [--json]``: copy a design to another target.

The copy gets the target's exact size, a new id and a name naming the target; placements keep
their percent layout, sketch strokes and text keep their proportions to the canvas height and
text stays inside the canvas (``domain.resize``). The source file is not changed; the new file
is written atomically. ``--json`` prints ``{"output", "asset_type", "width", "height", "id"}``.
"""

from __future__ import annotations

import argparse
import json

from studio_app.cli.common import SubParsers
from studio_app.domain.asset_types import AssetType


def add_resize_command(subparsers: SubParsers) -> argparse.ArgumentParser:
    """Register ``resize`` on the ``studio`` command's subparsers (handler in ``func``)."""
    p = subparsers.add_parser("resize", help="copy a canvas document to another target (Magic Resize)")
    p.add_argument("canvas", help="the canvas document (.json)")
    p.add_argument("--asset-type", required=True, choices=[t.value for t in AssetType], help="the new target")
    p.add_argument("-o", "--output", required=True, help="the new canvas document (.json)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_resize)
    return p


def cmd_resize(args: argparse.Namespace) -> int:
    """Read, resize (a copy), write; 0 on success (errors raise with one-line messages)."""
    from pathlib import Path

    from studio_app.render.gui_app import ensure_gui_application
    from studio_app.services.canvas_files import read_canvas_file, write_canvas_file
    from studio_app.services.design_resize import resize_design

    if Path(args.output).resolve() == Path(args.canvas).resolve():
        raise ValueError("the output must be a new file: resize makes a copy and keeps the original")
    ensure_gui_application()
    doc = read_canvas_file(args.canvas)
    new = resize_design(doc, args.asset_type, copy=True)
    write_canvas_file(new, args.output)
    if args.json:
        print(json.dumps({"output": str(args.output), "asset_type": new.asset_type.value, "width": new.width,
                          "height": new.height, "id": new.id}))
    else:
        print(f"{args.output}: {new.width}x{new.height} {new.asset_type.value} ({new.name})")
    return 0
