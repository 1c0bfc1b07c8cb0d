"""The benchmark peer: the same canvas snapshot drawn the way a Python scripter would, with Pillow.

Not product code. Same geometry as studio_app.render.snapshot (contain fit, flips,
clockwise rotation about the centre, opacity, z order, sketch above placements); the
tools are Pillow's plain ones: Image.resize (BICUBIC), transpose, rotate(expand=True),
putalpha for opacity, Image.alpha_composite, and ImageDraw line/polygon/rectangle/
ellipse/text. Source images arrive already decoded (RGBA), fonts are cached per size.
Pillow's ImageDraw does not antialias, so this peer does less work per shape than
QPainter does.
"""

from __future__ import annotations

import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement


def _rgba(hex_colour: str) -> tuple[int, int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), int(h[6:8], 16) if len(h) == 8 else 255


@lru_cache(maxsize=64)
def _font(family: str, size: int) -> ImageFont.FreeTypeFont:
    name = "DejaVuSerif.ttf" if "serif" in family.lower() and "sans" not in family.lower() else "DejaVuSans.ttf"
    return ImageFont.truetype(name, size)


def render_with_pillow(doc: CanvasDocument, sources: dict[str, Image.Image], scale: float = 2.0) -> Image.Image:
    """The snapshot of ``doc`` as an RGBA Pillow image of canvas px x scale."""
    width, height = round(doc.width * scale), round(doc.height * scale)
    canvas = Image.new("RGBA", (width, height), _rgba(doc.background))
    for p in doc.sorted_placements():
        if p.hidden or p.opacity <= 0:
            continue
        src = sources.get(p.asset_id)
        if src is None:
            continue
        cx, cy = (v * scale for v in p.centre_px(doc.width, doc.height))
        bw, bh = (v * scale for v in p.size_px(doc.width, doc.height))
        factor = min(bw / src.width, bh / src.height)
        im = src.resize((max(1, round(src.width * factor)), max(1, round(src.height * factor))),
                        Image.Resampling.BICUBIC)
        if p.flip_h:
            im = im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if p.flip_v:
            im = im.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        if p.rotation % 360:
            im = im.rotate(-p.rotation, resample=Image.Resampling.BICUBIC, expand=True)
        if p.opacity < 100:
            k = p.opacity / 100.0
            im.putalpha(im.getchannel("A").point(lambda a, k=k: round(a * k)))
        canvas.alpha_composite(im, dest=(round(cx - im.width / 2), round(cy - im.height / 2)))
    draw = ImageDraw.Draw(canvas)
    for element in sorted(doc.sketch_elements, key=lambda e: e.z_index):
        _draw_element(draw, element, width, height, scale)
    return canvas


def _draw_element(draw: ImageDraw.ImageDraw, e: SketchElement, width: int, height: int, scale: float) -> None:
    pts = [(x * width / 100.0, y * height / 100.0) for x, y in e.points]
    colour = _rgba(e.color)
    w = max(1, round(e.stroke_px(height)))  # percent of the output height (canvas schema 3)
    if e.kind == "pen":
        draw.line(pts, fill=colour, width=w, joint="curve")
    elif e.kind == "line":
        draw.line(pts, fill=colour, width=w)
    elif e.kind == "arrow":
        (x0, y0), (x1, y1) = pts
        length = math.hypot(x1 - x0, y1 - y0)
        if length < 1e-6:
            return
        head = min(length, max(w * 4.0, 10.0 * scale))
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        bx, by = x1 - ux * head, y1 - uy * head
        draw.line([(x0, y0), (bx, by)], fill=colour, width=w)
        half = head * 0.5
        draw.polygon([(x1, y1), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)], fill=colour)
    elif e.kind in ("rectangle", "ellipse"):
        (x0, y0), (x1, y1) = pts
        box = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
        fill = _rgba(e.fill) if e.fill else None
        shape = draw.rectangle if e.kind == "rectangle" else draw.ellipse
        shape(box, fill=fill, outline=colour, width=w)
    elif e.kind == "text":
        draw.text(pts[0], e.text or "", fill=colour, font=_font(e.font_family, max(1, round(e.font_px(height)))))
