"""The background-removal contact sheet: ``make screenshots`` writes docs/background-removal.png.

One row per test case (the horse silhouette over a flat colour, a gradient and a wood texture;
the three single-subject photos; a white logo on a flat blue square), columns: the original,
the reference mask (hand-checked, tests/fixtures/masks/), the app's mask, the cut-out over a
checkerboard and over a dark colour. Each row is labelled with the method, the mask IoU against
the reference and the time taken, so anyone can judge both the references and the results.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from studio_app.library.background import remove_background_result  # noqa: E402
from tests.library.cutout_cases import Case, all_cases, iou  # noqa: E402

CELL = 220
LABEL_H = 44
HEADER_H = 30
COLUMNS = ("original", "reference mask", "app's mask", "cut-out over checkerboard", "cut-out over dark")
DARK = (24, 26, 32)


def _logo_case() -> Case:
    img = np.zeros((240, 240, 3), np.uint8) + np.array([30, 80, 200], np.uint8)
    img[50:190, 60:100] = 255
    img[150:190, 60:190] = 255
    truth = np.zeros((240, 240), bool)
    truth[50:190, 60:100] = truth[150:190, 60:190] = True
    return Case("white logo on a flat blue square", img, truth)


def _fit(img: Image.Image) -> Image.Image:
    img = img.copy()
    img.thumbnail((CELL - 8, CELL - 8), Image.Resampling.LANCZOS)
    return img


def _checker(size: tuple[int, int], cell: int = 8) -> Image.Image:
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    light = ((yy // cell + xx // cell) % 2) == 0
    arr = np.where(light[..., None], np.array([240, 240, 240], np.uint8), np.array([205, 205, 205], np.uint8))
    return Image.fromarray(arr.astype(np.uint8), "RGB")


def _over(cut: Image.Image, base: Image.Image) -> Image.Image:
    out = base.convert("RGBA")
    out.alpha_composite(cut)
    return out.convert("RGB")


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def render(out: Path) -> list[dict[str, object]]:
    """Write the sheet to ``out``; return one summary dict per row (name, method, IoU, seconds)."""
    cases = [*all_cases(), _logo_case()]
    width = CELL * len(COLUMNS)
    sheet = Image.new("RGB", (width, HEADER_H + len(cases) * (CELL + LABEL_H)), (250, 250, 250))
    draw = ImageDraw.Draw(sheet)
    head, small = _font(15), _font(13)
    for i, title in enumerate(COLUMNS):
        draw.text((i * CELL + 8, 7), title, fill=(30, 30, 30), font=head)
    rows = []
    for r, case in enumerate(cases):
        buf = io.BytesIO()
        Image.fromarray(case.rgb).save(buf, "PNG")
        t0 = time.perf_counter()
        result = remove_background_result(buf.getvalue())
        seconds = time.perf_counter() - t0
        cut = result.image
        mask = np.asarray(cut)[..., 3]
        score = iou(mask > 127, case.truth)
        tiles = [
            Image.fromarray(case.rgb),
            Image.fromarray(case.truth.astype(np.uint8) * 255, "L").convert("RGB"),
            Image.fromarray(mask, "L").convert("RGB"),
        ]
        fitted_cut = _fit(cut)
        tiles = [_fit(t) for t in tiles]
        tiles.append(_over(fitted_cut, _checker(fitted_cut.size)))
        tiles.append(_over(fitted_cut, Image.new("RGB", fitted_cut.size, DARK)))
        y = HEADER_H + r * (CELL + LABEL_H)
        for c, tile in enumerate(tiles):
            sheet.paste(tile, (c * CELL + (CELL - tile.width) // 2, y + (CELL - tile.height) // 2))
        how = result.method + (f" ({result.model_id})" if result.model_id else "")
        label = (f"{case.name}: {how}, confidence {result.confidence:.2f}, mask IoU {score:.3f} "
                 f"vs reference, {seconds * 1000:.0f} ms")
        draw.text((8, y + CELL + 6), label, fill=(20, 20, 20), font=small)
        draw.line((0, y + CELL + LABEL_H - 2, width, y + CELL + LABEL_H - 2), fill=(210, 210, 210))
        rows.append({"name": case.name, "method": result.method, "iou": score, "seconds": seconds})
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, optimize=True)
    return rows


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs") / "background-removal.png"
    for row in render(target):
        print(row)
    print(f"wrote {target}")
