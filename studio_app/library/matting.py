"""Full-resolution matte refinement and edge-colour decontamination.

* ``guided_filter``: He, Sun and Tang, "Guided Image Filtering" (ECCV 2010 / TPAMI 2013): a
  coarse mask (e.g. a network's 320 px saliency map scaled up) is made to follow the edges of
  the full-resolution photo, so hair and fur edges come out soft instead of as a blocky upscale.
  Box filters only (OpenCV ``blur``), linear in the pixel count whatever the radius.
* ``estimate_foreground``: Forte and Pitié, "Approximate Fast Foreground Colour Estimation"
  (ICIP 2021), the two-pass blur-fusion estimator: the colour each edge pixel would have without
  the background bleeding through, so a cut-out laid over a new colour keeps no green-screen or
  white halo.

Shapes: ``rgb`` (h, w, 3) float32 in [0, 1]; ``alpha`` and masks (h, w) float32 in [0, 1].
"""

from __future__ import annotations

import numpy as np

__all__ = ["decontaminate", "estimate_foreground", "guided_filter", "guided_upsample"]


def _cv2():  # noqa: ANN202 - imported on first use (start-up time)
    import cv2

    return cv2


def _box(x: np.ndarray, r: int) -> np.ndarray:
    return _cv2().blur(x, (2 * r + 1, 2 * r + 1), borderType=_cv2().BORDER_REFLECT)


def guided_filter(guide: np.ndarray, src: np.ndarray, radius: int, eps: float, *, subsample: int = 1) -> np.ndarray:
    """Edge-aware smoothing of ``src`` (h, w) guided by ``guide`` (h, w, 3) colour image.

    Args:
        guide: float32 RGB in [0, 1], same height and width as ``src``.
        src: float32 (h, w), e.g. a scaled-up mask.
        radius: box radius in px (window side 2 * radius + 1), at full resolution.
        eps: regularisation (variance units of ``guide``): larger keeps ``src`` smoother.
        subsample: the "fast guided filter" (He and Sun, 2015): the linear coefficients are
            computed on images ``subsample`` times smaller and applied to the full-resolution
            guide, about subsample^2 times less work for nearly the same result.

    Returns:
        float32 (h, w), not clipped.
    """
    cv2 = _cv2()
    h, w = src.shape
    full_guide = guide
    if subsample > 1:
        size = (max(1, w // subsample), max(1, h // subsample))
        guide = cv2.resize(guide, size, interpolation=cv2.INTER_AREA)
        src = cv2.resize(src, size, interpolation=cv2.INTER_AREA)
        radius = max(1, round(radius / subsample))
    coefs = _coefficients(guide, src, max(1, int(radius)), eps)
    if subsample > 1:
        coefs = [cv2.resize(c, (w, h), interpolation=cv2.INTER_LINEAR) for c in coefs]
    g = full_guide
    return (coefs[0] * g[..., 0] + coefs[1] * g[..., 1] + coefs[2] * g[..., 2] + coefs[3]).astype(np.float32)


def _coefficients(guide: np.ndarray, src: np.ndarray, r: int, eps: float) -> list[np.ndarray]:
    """The guided filter's box-averaged linear coefficients (a_r, a_g, a_b, b), each (h, w) float32."""
    mean_i = _box(guide, r)
    mean_p = _box(src, r)
    corr_ip = _box(guide * src[..., None], r)
    cov_ip = corr_ip - mean_i * mean_p[..., None]
    # 3x3 covariance of the guide per pixel (symmetric: six planes).
    rr = _box(guide[..., 0] * guide[..., 0], r) - mean_i[..., 0] ** 2 + eps
    rg = _box(guide[..., 0] * guide[..., 1], r) - mean_i[..., 0] * mean_i[..., 1]
    rb = _box(guide[..., 0] * guide[..., 2], r) - mean_i[..., 0] * mean_i[..., 2]
    gg = _box(guide[..., 1] * guide[..., 1], r) - mean_i[..., 1] ** 2 + eps
    gb = _box(guide[..., 1] * guide[..., 2], r) - mean_i[..., 1] * mean_i[..., 2]
    bb = _box(guide[..., 2] * guide[..., 2], r) - mean_i[..., 2] ** 2 + eps
    # Inverse of the symmetric 3x3 by cofactors.
    i_rr = gg * bb - gb * gb
    i_rg = gb * rb - rg * bb
    i_rb = rg * gb - gg * rb
    i_gg = rr * bb - rb * rb
    i_gb = rb * rg - rr * gb
    i_bb = rr * gg - rg * rg
    det = rr * i_rr + rg * i_rg + rb * i_rb
    det = np.where(np.abs(det) < 1e-12, 1e-12, det)
    c0, c1, c2 = cov_ip[..., 0], cov_ip[..., 1], cov_ip[..., 2]
    a0 = (i_rr * c0 + i_rg * c1 + i_rb * c2) / det
    a1 = (i_rg * c0 + i_gg * c1 + i_gb * c2) / det
    a2 = (i_rb * c0 + i_gb * c1 + i_bb * c2) / det
    b = mean_p - a0 * mean_i[..., 0] - a1 * mean_i[..., 1] - a2 * mean_i[..., 2]
    return [_box(a0, r), _box(a1, r), _box(a2, r), _box(b, r)]


def guided_upsample(rgb8: np.ndarray, coarse: np.ndarray, radius: int, eps: float, *,
                    work_px: int = 512) -> np.ndarray:
    """``coarse`` (any size, float32) scaled to ``rgb8``'s size (h, w) and made to follow the
    edges of ``rgb8`` (h, w, 3) uint8: the fast guided filter (He and Sun, 2015) with the
    coefficients computed at a working resolution whose longer side is about ``work_px`` px.

    Only the four coefficient planes are scaled up to full resolution and applied to the
    full-resolution image, so the cost at full resolution is four resizes and a weighted sum,
    whatever the radius. ``radius`` (px) is at full resolution. Returns float32 (h, w), not
    clipped; for an image no larger than ``work_px`` this equals ``guided_filter``.
    """
    cv2 = _cv2()
    h, w = rgb8.shape[:2]
    subsample = max(1, round(max(h, w) / work_px))
    size = (max(1, w // subsample), max(1, h // subsample))
    small = rgb8 if subsample == 1 else cv2.resize(rgb8, size, interpolation=cv2.INTER_AREA)
    guide = small.astype(np.float32) * np.float32(1.0 / 255.0)
    interp = cv2.INTER_AREA if coarse.shape[1] > size[0] else cv2.INTER_LINEAR
    src = cv2.resize(coarse.astype(np.float32), size, interpolation=interp)
    a0, a1, a2, b = _coefficients(guide, src, max(1, round(radius / subsample)), eps)
    k = np.float32(1.0 / 255.0)
    if subsample > 1:
        a0, a1, a2, b = (cv2.resize(c, (w, h), interpolation=cv2.INTER_LINEAR) for c in (a0, a1, a2, b))
    out = b
    for c, a in enumerate((a0, a1, a2)):
        a *= k
        out += a * rgb8[..., c]
    return out.astype(np.float32, copy=False)


def _blur_fusion(image: np.ndarray, fg: np.ndarray, bg: np.ndarray, alpha: np.ndarray,
                 r: int) -> tuple[np.ndarray, np.ndarray]:
    a = alpha[..., None]
    blurred_a = _box(alpha, r)[..., None]
    blurred_f = _box(fg * a, r) / (blurred_a + 1e-5)
    blurred_b = _box(bg * (1 - a), r) / ((1 - blurred_a) + 1e-5)
    f = blurred_f + a * (image - a * blurred_f - (1 - a) * blurred_b)
    return np.clip(f, 0.0, 1.0), blurred_b


def estimate_foreground(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Foreground colours (h, w, 3) float32 in [0, 1]: the image with the background's share
    of each partly transparent pixel taken out (two-pass blur fusion, radii scaled to the image)."""
    h, w = alpha.shape
    r1 = int(np.clip(0.06 * max(h, w), 6, 90))
    r2 = max(2, r1 // 15)
    f, b = _blur_fusion(rgb, rgb, rgb, alpha, r1)
    f, _ = _blur_fusion(rgb, f, b, alpha, r2)
    return f


def decontaminate(rgb8: np.ndarray, alpha: np.ndarray, background: np.ndarray | None = None) -> np.ndarray:
    """RGB uint8 (h, w, 3) with edge colours cleaned where 0 < alpha < 1.

    Args:
        rgb8: the image, uint8.
        alpha: its matte, float32 in [0, 1].
        background: the known background colour per pixel (h, w, 3) in 0-255 units (the
            colour-key path knows it); then F = (I - (1 - alpha) B) / alpha exactly.
            None: estimated by blur fusion (photos).
    """
    edge = (alpha > 0.004) & (alpha < 0.996)
    if not edge.any():
        return rgb8
    out = rgb8.copy()
    if background is not None:
        a = np.maximum(alpha[edge], 0.05)[:, None]
        f = (rgb8[edge].astype(np.float32) - (1.0 - a) * background[edge]) / a
        out[edge] = np.clip(np.round(f), 0, 255).astype(np.uint8)
        return out
    ys, xs = np.nonzero(edge)
    pad = 8
    y0, y1 = max(0, ys.min() - pad), min(alpha.shape[0], ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(alpha.shape[1], xs.max() + pad + 1)
    e = edge[y0:y1, x0:x1]
    f = _foreground_on_edges(rgb8[y0:y1, x0:x1], alpha[y0:y1, x0:x1], e)
    region = out[y0:y1, x0:x1]
    region[e] = np.clip(np.round(f * 255.0), 0, 255).astype(np.uint8)
    return out


def _foreground_on_edges(rgb8: np.ndarray, alpha: np.ndarray, edge: np.ndarray) -> np.ndarray:
    """``estimate_foreground``'s colours (n, 3) float32 in [0, 1] at the ``edge`` pixels only.

    Same two-pass blur fusion, computed cheaply: the first pass's wide box averages (radius
    ~6 % of the image) are smooth, so they are taken at a resolution reduced by radius / 8 and
    scaled back; the per-pixel formulas run on the edge pixels alone (where alpha is 1 the
    first pass's estimate is the pixel itself, where it is 0 it carries no weight)."""
    cv2 = _cv2()
    h, w = alpha.shape
    r1 = int(np.clip(0.06 * max(h, w), 6, 90))
    r2 = max(2, r1 // 15)
    img = rgb8.astype(np.float32) * np.float32(1.0 / 255.0)
    a3 = alpha[..., None]
    k = max(1, r1 // 8)
    if k > 1:
        size = (max(1, w // k), max(1, h // k))
        img_s = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
        a_s = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    else:
        img_s, a_s = img, alpha
    rs = max(1, round(r1 / k))
    ba = _box(a_s, rs)[..., None]
    bf = _box(img_s * a_s[..., None], rs) / (ba + 1e-5)
    bb = _box(img_s * (1.0 - a_s[..., None]), rs) / ((1.0 - ba) + 1e-5)
    if k > 1:
        bf = cv2.resize(bf, (w, h), interpolation=cv2.INTER_LINEAR)
        bb = cv2.resize(bb, (w, h), interpolation=cv2.INTER_LINEAR)
    ae = alpha[edge][:, None]
    ie = img[edge]
    f1 = img.copy()
    f1[edge] = np.clip(bf[edge] + ae * (ie - ae * bf[edge] - (1.0 - ae) * bb[edge]), 0.0, 1.0)
    ba2 = _box(alpha, r2)[edge][:, None]
    bf2 = _box(f1 * a3, r2)[edge] / (ba2 + 1e-5)
    bb2 = _box(bb * (1.0 - a3), r2)[edge] / ((1.0 - ba2) + 1e-5)
    return np.clip(bf2 + ae * (ie - ae * bf2 - (1.0 - ae) * bb2), 0.0, 1.0)
