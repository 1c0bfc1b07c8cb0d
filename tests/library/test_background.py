"""Background removal quality: horse.png's silhouette composited over three backgrounds."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio_app.library.background import BackgroundRemovalError, remove_background


def horse_alpha(photos: list[Path]) -> np.ndarray:
    """The horse's true alpha (h, w) in [0, 1].

    horse.png stores the silhouette as black-on-white grey levels with anti-aliased
    edges; its own alpha channel is opaque almost everywhere (131188 of 131200 pixels
    are 255), so coverage is 1 - grey/255.
    """
    with Image.open(next(p for p in photos if p.name == "horse.png")) as im:
        rgba = np.asarray(im.convert("RGBA")).astype(np.float32)
    grey = rgba[..., :3].mean(-1) / 255.0
    return (1.0 - grey) * (rgba[..., 3] / 255.0)


def composite(alpha: np.ndarray, background: np.ndarray) -> bytes:
    """A black horse over ``background`` (h, w, 3) float, as PNG bytes."""
    out = background * (1.0 - alpha[..., None])
    buf = io.BytesIO()
    Image.fromarray(np.clip(out, 0, 255).round().astype(np.uint8), "RGB").save(buf, "PNG")
    return buf.getvalue()


def backgrounds(photos: list[Path], h: int, w: int) -> dict[str, np.ndarray]:
    flat = np.zeros((h, w, 3), np.float32) + np.array([40, 170, 90], np.float32)
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    gradient = (np.array([230, 80, 40]) * (1 - x) + np.array([30, 120, 240]) * x) * 0.7 + y * 60
    with Image.open(next(p for p in photos if p.name == "hubble_deep_field.jpg")) as im:
        photo = np.asarray(im.convert("RGB").resize((w, h), Image.Resampling.LANCZOS)).astype(np.float32)
    return {"flat": flat, "gradient": gradient.astype(np.float32), "photo": photo}


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


@pytest.mark.parametrize("name,minimum", [("flat", 0.95), ("gradient", 0.95), ("photo", 0.85)])
def test_mask_matches_true_alpha(photos: list[Path], name: str, minimum: float) -> None:
    alpha = horse_alpha(photos)
    bg = backgrounds(photos, *alpha.shape)[name]
    out = Image.open(io.BytesIO(remove_background(composite(alpha, bg))))
    assert out.mode == "RGBA" and out.size == (alpha.shape[1], alpha.shape[0])
    got = np.asarray(out)[..., 3] > 127
    score = iou(got, alpha > 0.5)
    print(f"IoU {name}: {score:.4f}")
    assert score >= minimum


def test_edges_are_soft(photos: list[Path]) -> None:
    alpha = horse_alpha(photos)
    out = np.asarray(Image.open(io.BytesIO(remove_background(
        composite(alpha, backgrounds(photos, *alpha.shape)["flat"])))))[..., 3]
    partial = ((out > 20) & (out < 235)).sum()
    assert partial > 200  # an anti-aliased matte, not a hard cut


def test_existing_transparency_is_kept() -> None:
    rgba = np.zeros((60, 80, 4), np.uint8)
    rgba[10:50, 20:60] = (200, 30, 30, 255)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, "PNG")
    out = np.asarray(Image.open(io.BytesIO(remove_background(buf.getvalue()))))
    assert np.array_equal(out[..., 3], rgba[..., 3])


def test_uniform_image_has_no_subject() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 60, 90)).save(buf, "PNG")
    with pytest.raises(BackgroundRemovalError, match="no subject"):
        remove_background(buf.getvalue())


def test_large_image_is_processed_at_work_size_and_scaled_back(photos: list[Path]) -> None:
    alpha = horse_alpha(photos)
    big_alpha = np.asarray(Image.fromarray((alpha * 255).astype(np.uint8)).resize((2000, 1640))) / 255.0
    bg = backgrounds(photos, *big_alpha.shape)["gradient"]
    out = np.asarray(Image.open(io.BytesIO(remove_background(composite(big_alpha, bg)))))
    assert out.shape == (1640, 2000, 4)
    assert iou(out[..., 3] > 127, big_alpha > 0.5) >= 0.95
