"""Offline background removal: one function for every caller, the right method per image.

* **Colour key** for flat or near-flat backgrounds (logos, rendered graphics, a generated emote
  on a plain colour, a green screen): the background is a smooth colour field fitted to the
  image border; pixels far from it are subject, and only background connected to the border is
  removed, so a white logo inside a blue square stays. Edges get a matte by projecting each
  edge pixel onto the line between local foreground and background colours, and their colour
  is cleaned exactly (F = (I - (1 - alpha) B) / alpha).
* **Learned segmentation** for photographs: a salient-object network (u2netp ships with the app;
  a larger IS-Net can be fetched) run by onnxruntime, its map refined at full resolution with a
  colour guided filter (soft hair and fur edges), edge colours decontaminated by blur fusion.

A cut-out is declined (``BackgroundRemovalError``) only when the mask is empty or covers the
whole image. An image that already has transparency keeps its own alpha.

Shapes: images are numpy arrays (height, width, channels) of uint8; alpha is (height, width)
float32 in [0, 1].
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image

from studio_app.domain.segmentation_models import SegmentationModelSpec

from .errors import BackgroundRemovalError

__all__ = [
    "BackgroundRemoval", "BackgroundRemovalError", "Method", "Progress", "choose_method",
    "remove_background", "remove_background_image", "remove_background_result",
]

Method = Literal["auto", "colour-key", "model"]
Progress = Callable[[float, str], None]
"""``progress(fraction, step)``: fraction of the work done in [0, 1] and a short step name."""

WORK_SIZE_PX = 384
"""Longest side (px) at which the border is analysed to choose the method."""
KEY_MAX_SIDE_PX = 2048
"""Longest side (px) at which the colour key runs; larger images are keyed at this size and
the alpha scaled back."""
BORDER_FRACTION = 0.02
"""Width of the border strip that samples the background, as a fraction of the shorter side."""
PLAIN_DISTANCE = 12.0
"""RGB distance (0-255 units) from the fitted border colour field under which a border pixel is "plain"."""
PLAIN_BORDER_SHARE = 0.9
"""Share of border pixels that must be plain for the colour key to be chosen."""
MIN_SUBJECT_SHARE = 0.002
"""Below this share of opaque pixels the mask is empty: declined."""
MAX_SUBJECT_SHARE = 0.995
"""Above this share the mask covers the whole image: declined."""
_EXISTING_ALPHA_SHARE = 0.01


def _cv2():  # noqa: ANN202 - imported on first use: OpenCV adds ~35 MB to a process that never cuts
    import cv2

    return cv2


@dataclass
class BackgroundRemoval:
    """A cut-out and how it was made.

    Attributes:
        image: RGBA Pillow image, same size (px) as the input.
        method: "colour-key", "model" or "existing-alpha".
        confidence: in [0, 1]; colour key: share of the border that matched the background
            model; model: how decisive the network was (mean of |2p - 1| over its map).
        subject_share: share of pixels with alpha >= 0.5.
        model_id: the segmentation model used (method "model"), else None.
        provider: onnxruntime execution provider used (method "model"), else None.
        seconds: wall time of the removal.
    """

    image: Image.Image
    method: str
    confidence: float
    subject_share: float
    model_id: str | None = None
    provider: str | None = None
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def png_bytes(self) -> bytes:
        """The cut-out as RGBA PNG bytes (zlib level 1: a 512 px cut-out encodes in ~0.02 CPU-s
        instead of ~0.12 s at level 6, for a file ~12 % larger)."""
        buf = io.BytesIO()
        self.image.save(buf, format="PNG", compress_level=1)
        return buf.getvalue()

    def metadata(self) -> dict[str, Any]:
        """What an asset records about its cut-out (JSON-safe): method, confidence, model."""
        out: dict[str, Any] = {"method": self.method, "confidence": round(self.confidence, 3),
                               "subject_share": round(self.subject_share, 4), "seconds": round(self.seconds, 3)}
        if self.model_id:
            out["model"] = self.model_id
        if self.provider:
            out["provider"] = self.provider
        return out


def remove_background(image_bytes: bytes) -> bytes:
    """Cut the subject out of an image (the shipped model for photos, the colour key for flat
    backgrounds).

    Args:
        image_bytes: an encoded PNG, JPEG, WebP or GIF (first frame), already validated.

    Returns:
        RGBA PNG bytes of the same width and height (px); the background is transparent,
        edges are soft. An image that already has transparency (>= 1 % of its pixels
        nearly transparent) is returned with its own alpha.

    Raises:
        BackgroundRemovalError: the mask is empty or covers the whole image (one-line reason).
        PIL.UnidentifiedImageError: the bytes are not an image.
    """
    return remove_background_result(image_bytes).png_bytes()


def remove_background_image(image: Image.Image) -> Image.Image:
    """``remove_background`` for an already decoded Pillow image; returns an RGBA image of
    the same size (px).

    Raises:
        BackgroundRemovalError: as for ``remove_background``.
    """
    return remove_background_result(image).image


def remove_background_result(
    image: Image.Image | bytes,
    *,
    method: Method = "auto",
    model: SegmentationModelSpec | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
) -> BackgroundRemoval:
    """Cut the subject out and say how.

    Args:
        image: a decoded Pillow image or encoded image bytes (first frame is used).
        method: "auto" (colour key when the border is flat or near-flat, else the model),
            "colour-key" or "model".
        model: which segmentation model (default: the shipped u2netp).
        models_dir: folder of fetched models (for a non-shipped ``model``).
        progress: called with (fraction done, step name) as the work goes on.

    Returns:
        A BackgroundRemoval (RGBA image, method, confidence, ...).

    Raises:
        BackgroundRemovalError: the mask is empty or covers the whole image.
        studio_app.library.segmentation.ModelUnavailableError: the model file is missing, fails
            its checksum, or onnxruntime is not installed.
    """
    t0 = time.perf_counter()
    report = progress or (lambda _f, _s: None)
    rgba = _rgba_array(image)
    h, w = rgba.shape[:2]
    if min(h, w) < 8:
        raise BackgroundRemovalError(f"image too small for background removal ({w}x{h} px)")
    report(0.05, "reading")
    a = rgba[..., 3]
    if (a < 16).mean() >= _EXISTING_ALPHA_SHARE:
        report(1.0, "done")
        return BackgroundRemoval(Image.fromarray(rgba, "RGBA"), "existing-alpha", 1.0,
                                 float((a >= 128).mean()), seconds=time.perf_counter() - t0)
    rgb = np.ascontiguousarray(rgba[..., :3])
    plain_share = border_plain_share(rgb)
    chosen = method if method != "auto" else ("colour-key" if plain_share >= PLAIN_BORDER_SHARE else "model")
    report(0.1, chosen)
    if chosen == "colour-key":
        alpha, colours = _colour_key(rgb)
        confidence, model_id, provider = plain_share, None, None
    else:
        alpha, colours, confidence, model_id, provider = _model_cutout(rgb, model, models_dir, report)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = colours
    out[..., 3] = np.round(np.clip(alpha, 0.0, 1.0) * 255.0).astype(np.uint8)
    report(1.0, "done")
    return BackgroundRemoval(Image.fromarray(out, "RGBA"), chosen, float(confidence),
                             float((alpha >= 0.5).mean()), model_id=model_id, provider=provider,
                             seconds=time.perf_counter() - t0, details={"plain_border_share": round(plain_share, 3)})


def _rgba_array(image: Image.Image | bytes) -> np.ndarray:
    """The image (the first frame of encoded bytes) as an (h, w, 4) uint8 RGBA array."""
    if isinstance(image, bytes | bytearray):
        with Image.open(io.BytesIO(image)) as img:
            img.seek(0)
            return np.asarray(img.convert("RGBA"))
    return np.asarray(image.convert("RGBA"))


def _model_cutout(
    rgb: np.ndarray, model: SegmentationModelSpec | None, models_dir: Path | None, report: Progress,
) -> tuple[np.ndarray, np.ndarray, float, str, str]:
    """Cut out with a segmentation model: (alpha (h, w) 0..1, decontaminated colours (h, w, 3)
    uint8, confidence 0..1, model id, onnxruntime execution provider).

    Raises:
        BackgroundRemovalError: the mask is empty or covers the whole image.
        studio_app.library.segmentation.ModelUnavailableError: the model cannot be loaded.
    """
    from .matting import decontaminate
    from .segmentation import decisiveness, load_model, shipped_model

    net = shipped_model() if model is None else load_model(model, models_dir)
    report(0.15, "segmenting")
    saliency = net.predict_averaged(rgb, passes=2 if net.spec.input_size_px <= 512 else 1)
    report(0.6, "refining edges")
    alpha = refine_saliency(rgb, saliency)
    _check_share(alpha)
    report(0.8, "cleaning edge colours")
    colours = decontaminate(rgb, alpha)
    return alpha, colours, float(decisiveness(saliency)), net.spec.id, net.provider


def choose_method(image: Image.Image) -> str:
    """The method "auto" would use for ``image``: "existing-alpha", "colour-key" or "model"."""
    rgba = np.asarray(image.convert("RGBA"))
    if (rgba[..., 3] < 16).mean() >= _EXISTING_ALPHA_SHARE:
        return "existing-alpha"
    share = border_plain_share(np.ascontiguousarray(rgba[..., :3]))
    return "colour-key" if share >= PLAIN_BORDER_SHARE else "model"


def _check_share(alpha: np.ndarray) -> None:
    share = float((alpha >= 0.5).mean())
    if share < MIN_SUBJECT_SHARE:
        raise BackgroundRemovalError("no subject stands out from the background; the original is kept")
    if share > MAX_SUBJECT_SHARE:
        raise BackgroundRemovalError("the subject fills the whole image; nothing to remove, the original is kept")


# -- choosing the method ----------------------------------------------------------------------


def _border(h: int, w: int) -> np.ndarray:
    b = max(2, int(min(h, w) * BORDER_FRACTION))
    border = np.zeros((h, w), bool)
    border[:b] = border[-b:] = True
    border[:, :b] = border[:, -b:] = True
    return border


def _trend(h: int, w: int, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    y, x = ys / h, xs / w
    return np.stack([np.ones_like(x), x, y, x * y, x * x, y * y], -1)


def _fit_border(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quadratic colour field (6, 3) fitted to the border of ``rgb`` and the border residuals (n, 3)."""
    h, w = rgb.shape[:2]
    border = _border(h, w)
    ys, xs = np.nonzero(border)
    samples = rgb[border].astype(np.float32)
    terms = _trend(h, w, ys.astype(np.float32), xs.astype(np.float32))
    coef, *_ = np.linalg.lstsq(terms, samples, rcond=None)
    return coef.astype(np.float32), samples - terms @ coef


def border_plain_share(rgb: np.ndarray) -> float:
    """Share of the border (2 % strip) within PLAIN_DISTANCE of a smooth quadratic colour field
    fitted to it: 1.0 for flat and gradient backdrops, 0.1-0.6 for ordinary photos."""
    cv2 = _cv2()
    h, w = rgb.shape[:2]
    scale = min(1.0, WORK_SIZE_PX / max(h, w))
    small = rgb if scale == 1.0 else cv2.resize(
        rgb, (max(8, round(w * scale)), max(8, round(h * scale))), interpolation=cv2.INTER_AREA)
    _, residual = _fit_border(small)
    return float((np.linalg.norm(residual, axis=-1) < PLAIN_DISTANCE).mean())


# -- colour key -------------------------------------------------------------------------------


def _colour_key(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alpha (h, w) and decontaminated colours (h, w, 3) uint8 for a flat/gradient background.

    Raises:
        BackgroundRemovalError: empty or whole-image mask.
    """
    cv2 = _cv2()
    h, w = rgb.shape[:2]
    scale = min(1.0, KEY_MAX_SIDE_PX / max(h, w))
    work = rgb if scale == 1.0 else cv2.resize(rgb, (round(w * scale), round(h * scale)),
                                                interpolation=cv2.INTER_AREA)
    wh, ww = work.shape[:2]
    coef, residual = _fit_border(work)
    gy, gx = np.mgrid[0:wh, 0:ww].astype(np.float32)
    fitted = _trend(wh, ww, gy, gx) @ coef
    dist = np.linalg.norm(work.astype(np.float32) - fitted, axis=-1)
    noise = float(np.percentile(np.linalg.norm(residual, axis=-1), 95))
    threshold = max(24.0, 3.0 * noise)
    subject = (dist > threshold).astype(np.uint8)
    # Background = not-subject regions that touch the border; enclosed ones stay (a white logo
    # inside a blue badge on a white page is part of the badge).
    n, labels = cv2.connectedComponents(1 - subject, connectivity=4)
    border = _border(wh, ww)
    touching = np.zeros(n, bool)
    touching[np.unique(labels[border & (subject == 0)])] = True
    touching[0] = False if subject.all() else touching[0]
    background = touching[labels] & (subject == 0)
    mask = ~background
    # Drop specks (JPEG noise, dust): components under 0.05 % of the image.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if n > 1:
        keep = np.zeros(n, bool)
        keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= max(4, wh * ww * 0.0005)
        mask = keep[labels]
    _check_share(mask.astype(np.float32))
    alpha = _soft_edges(work, mask, fitted)
    if scale != 1.0:
        alpha = cv2.resize(alpha, (w, h), interpolation=cv2.INTER_LINEAR)
        fy, fx = np.mgrid[0:h, 0:w].astype(np.float32)
        fitted = _trend(h, w, fy, fx) @ coef
    from .matting import decontaminate

    return alpha, decontaminate(rgb, alpha, background=fitted)


def _soft_edges(rgb: np.ndarray, mask: np.ndarray, fitted_bg: np.ndarray) -> np.ndarray:
    """Alpha from the binary mask, with a matte in a 2-px band around its edge.

    In the band, alpha is the projection of the pixel colour onto the segment from the
    local background colour B to the local foreground colour F (both averaged from
    nearby sure pixels): alpha = (I - B).(F - B) / |F - B|^2.
    """
    cv2 = _cv2()
    x = rgb.astype(np.float32)
    m8 = mask.astype(np.uint8)
    kernel = np.ones((5, 5), np.uint8)
    sure_fg = cv2.erode(m8, kernel).astype(np.float32)
    sure_bg = 1.0 - cv2.dilate(m8, kernel).astype(np.float32)
    band = ~(sure_fg.astype(bool) | sure_bg.astype(bool))

    def local_mean(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        num = cv2.blur(x * weights[..., None], (15, 15))
        den = cv2.blur(weights, (15, 15))
        return num / np.maximum(den, 1e-6)[..., None], den

    fg, fg_w = local_mean(sure_fg)
    bg = fitted_bg
    diff = fg - bg
    denom = (diff * diff).sum(-1)
    proj = ((x - bg) * diff).sum(-1) / np.maximum(denom, 1e-6)
    usable = band & (fg_w > 1e-3) & (denom > 400.0)  # |F - B| > 20 levels: a real colour line
    alpha = mask.astype(np.float32)
    alpha[usable] = np.clip(proj[usable], 0.0, 1.0)
    return alpha


# -- model path -------------------------------------------------------------------------------


def refine_saliency(rgb: np.ndarray, saliency: np.ndarray) -> np.ndarray:
    """Full-resolution alpha (h, w) float32 in [0, 1] from a network's low-resolution map.

    The map is scaled up bilinearly, made to follow the photo's edges with a colour guided
    filter (radius about 1/100 of the longer side), then given a contrast curve so the inside
    is opaque and the outside clear while edges stay soft."""
    from .matting import guided_upsample

    h, w = rgb.shape[:2]
    radius = max(2, round(max(h, w) / 100))
    # Coefficients at about 512 px (the map has 320), applied to the full-resolution photo.
    refined = guided_upsample(rgb, saliency, radius, 1e-3, work_px=512)
    refined -= 0.1
    refined *= 1.0 / 0.4
    return np.clip(refined, 0.0, 1.0, out=refined)
