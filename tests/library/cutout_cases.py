"""Cut-out test cases with known answers: the horse silhouette (true alpha) composited over a
flat colour, a gradient and a plain wood texture, and the three single-subject photos with their
hand-checked reference masks (tests/fixtures/masks/, drawn by draw_reference_masks.py there).

Shared by tests/library/test_background.py, the contact sheet (packaging/screenshots.py) and
tests/bench/test_bench_background.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IMAGES = FIXTURES / "images"
MASKS = FIXTURES / "masks"

REFERENCE_PHOTOS = {"astronaut": "face", "chelsea": "character", "coffee": "object"}
"""Photo stem -> the MediaAssetType it stands for."""


@dataclass
class Case:
    """One image (h, w, 3) uint8 and its true subject mask (h, w) bool."""

    name: str
    rgb: np.ndarray
    truth: np.ndarray


def horse_alpha() -> tuple[np.ndarray, np.ndarray]:
    """horse_silhouette.png as (alpha (h, w) float32 in [0, 1], colour (h, w, 3) float32 0-255)."""
    with Image.open(IMAGES / "horse_silhouette.png") as im:
        rgba = np.asarray(im.convert("RGBA")).astype(np.float32)
    return rgba[..., 3] / 255.0, rgba[..., :3]


def horse_backgrounds(h: int, w: int) -> dict[str, np.ndarray]:
    """Backgrounds (h, w, 3) float32: a flat green, a two-colour gradient, a wood texture photo
    (the table top of coffee.png, right of the saucer: no subject of its own)."""
    flat = np.zeros((h, w, 3), np.float32) + np.array([40, 170, 90], np.float32)
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    gradient = (np.array([230, 80, 40]) * (1 - x) + np.array([30, 120, 240]) * x) * 0.7 + y * 60
    with Image.open(IMAGES / "coffee.png") as im:
        wood = np.asarray(im.convert("RGB").crop((450, 150, 600, 400)).resize((w, h), Image.Resampling.LANCZOS))
    return {"flat": flat, "gradient": gradient.astype(np.float32), "texture": wood.astype(np.float32)}


def horse_over(name: str) -> Case:
    """The horse composited over background ``name`` ("flat", "gradient", "texture")."""
    alpha, colour = horse_alpha()
    bg = horse_backgrounds(*alpha.shape)[name]
    out = colour * alpha[..., None] + bg * (1.0 - alpha[..., None])
    return Case(f"horse over {name}", np.clip(out, 0, 255).round().astype(np.uint8), alpha > 0.5)


def reference_photo(stem: str) -> Case:
    """A fixture photo and its reference mask."""
    with Image.open(IMAGES / f"{stem}.png") as im:
        rgb = np.asarray(im.convert("RGB"))
    with Image.open(MASKS / f"{stem}.png") as m:
        truth = np.asarray(m.convert("L")) > 127
    return Case(stem, rgb, truth)


def all_cases() -> list[Case]:
    """Horse over flat, gradient and texture, then the three reference photos."""
    return [horse_over(n) for n in ("flat", "gradient", "texture")] + [reference_photo(s) for s in REFERENCE_PHOTOS]


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two bool masks (1.0 when both are empty)."""
    union = (a | b).sum()
    return float((a & b).sum() / union) if union else 1.0
