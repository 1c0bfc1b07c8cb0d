"""The canvas snapshot: a CanvasDocument painted with QPainter to a QImage or PNG bytes.

Paint order: background colour, then placements by ``CanvasDocument.sorted_placements()``
(z_index ascending, stable), then sketch elements above all placements, by z_index
(stable, so list order for equal z_index). Hidden placements are skipped.

Placement geometry (device px = canvas px x scale): the box is centred on the
placement's x/y (percent of the canvas) and sized by width/height in its ``size_unit``
(percent of the canvas, or canvas px). The image is fitted "contain": scaled to the
largest size that fits inside the box with its aspect ratio preserved, centred, so no
part of the photo is cut off; the box may show the background on two sides. Then the
flips (mirror inside the box), the rotation (degrees clockwise about the centre) and
the opacity (percent) apply. A placement whose image the loader cannot supply draws a
grey placeholder box with a cross and its display_name.

The original design's canvas snapshot is exported at 2x, hence ``scale=2.0`` by default.

Speed: each image is drawn from a copy pre-scaled to its exact drawn size, pre-flipped
and pre-rotated, kept in an ImageCache keyed by the source's QImage.cacheKey(), that
size, the flips and the angle. So every placement is a plain 1:1 blit (a row copy for
opaque images at full opacity); the scaling and rotation are paid once per change.
Images without alpha are kept in Format_RGB32, others in Format_ARGB32_Premultiplied.
Freehand pen strokes and text are likewise blitted from sprites (see
sketch_painter); lines, arrows, rectangles and ellipses are rasterised every time.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QTransform

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement

from .colours import qcolor
from .gui_app import ensure_gui_application
from .image_cache import DRAW_FORMAT, ImageCache, decode_qimage, to_draw_format
from .sketch_painter import SketchPainter

log = logging.getLogger(__name__)

ImageSource = Callable[[MediaAssetPlacement], QImage | None]
"""Supplies the decoded image of a placement, or None when it is missing.

The service layer passes one backed by the blob store and an ImageCache (see
``cached_image_source``). It should hand back the same QImage for the same asset, so
the pre-scaled copies (keyed by QImage.cacheKey()) are reused. Exceptions it raises
are logged and treated as a missing image.
"""


def cached_image_source(read_bytes: Callable[[MediaAssetPlacement], bytes | None], cache: ImageCache, *,
                        key: Callable[[MediaAssetPlacement], str] | None = None) -> ImageSource:
    """An ImageSource that decodes each asset once and keeps it in ``cache``.

    Args:
        read_bytes: the encoded image of a placement's asset (e.g. the blob store's
            bytes for its sha256), or None when there is none.
        cache: decoded originals, shared across snapshots (and threads).
        key: the cache key of a placement; default its asset_id, else its url.

    Missing or undecodable images are not cached, so an asset imported later shows
    up in the next snapshot; the renderer draws a placeholder meanwhile.
    """
    key_of = key or (lambda p: p.asset_id or p.url)

    def load(placement: MediaAssetPlacement) -> QImage | None:
        def decode() -> QImage | None:
            data = read_bytes(placement)
            return decode_qimage(data) if data else None

        return cache.get_or_load(key_of(placement), decode)

    return load

DEFAULT_SCALE = 2.0
"""The original design's canvas snapshot resolution (2x the canvas px)."""
MAX_OUTPUT_SIDE = 32_767
"""Largest output side in px that QImage/QPainter accept."""

PLACEHOLDER_FILL = QColor(128, 128, 128)
PLACEHOLDER_LINE = QColor(64, 64, 64)
PLACEHOLDER_TEXT = QColor(255, 255, 255)


@dataclass
class RenderCaches:
    """The renderer's own caches, shared by every snapshot that uses this object.

    Attributes:
        scaled: placement images pre-scaled/flipped/rotated to their drawn size in
            device px, keyed by source QImage.cacheKey(), size, flips and angle.
        sprites: pen strokes and text drawn once at their device position, keyed by
            everything that sets their pixels (see sketch_painter).
    """

    scaled: ImageCache = field(default_factory=lambda: ImageCache(max_bytes=384 * 1024 * 1024))
    sprites: ImageCache = field(default_factory=lambda: ImageCache(max_bytes=128 * 1024 * 1024))

    def clear(self) -> None:
        """Drop everything (e.g. on memory pressure); the next snapshot rebuilds what it needs."""
        self.scaled.clear()
        self.sprites.clear()


DEFAULT_CACHES = RenderCaches()
"""The caches ``render_canvas`` uses when none are passed (384 MiB scaled + 128 MiB sprites)."""


class RenderError(ValueError):
    """The snapshot cannot be made with these arguments (bad scale, too large an output)."""


def output_size(doc: CanvasDocument, scale: float = DEFAULT_SCALE) -> tuple[int, int]:
    """(width, height) in px of the snapshot of ``doc`` at ``scale``.

    Raises:
        RenderError: scale is not a positive finite number, or a side would exceed
            MAX_OUTPUT_SIDE px.
    """
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise RenderError(f"render scale must be a positive number, got {scale!r}")
    w, h = max(1, round(doc.width * scale)), max(1, round(doc.height * scale))
    if w > MAX_OUTPUT_SIDE or h > MAX_OUTPUT_SIDE:
        raise RenderError(f"snapshot of {w}x{h} px is larger than {MAX_OUTPUT_SIDE} px on a side")
    return w, h


def contain_size(image_w: float, image_h: float, box_w: float, box_h: float) -> tuple[float, float]:
    """The "contain" fit: the largest (w, h) with the image's aspect ratio inside the box (px)."""
    if image_w <= 0 or image_h <= 0:
        return box_w, box_h
    factor = min(box_w / image_w, box_h / image_h)
    return image_w * factor, image_h * factor


def placement_box(placement: MediaAssetPlacement, doc: CanvasDocument,
                  scale: float = DEFAULT_SCALE) -> tuple[float, float, float, float]:
    """(centre x, centre y, box width, box height) of a placement in device px at ``scale``."""
    cx, cy = placement.centre_px(doc.width, doc.height)
    bw, bh = placement.size_px(doc.width, doc.height)
    return cx * scale, cy * scale, bw * scale, bh * scale


def render_canvas(doc: CanvasDocument, images: ImageSource, scale: float = DEFAULT_SCALE, *,
                  caches: RenderCaches | None = None) -> QImage:
    """Paint ``doc`` to a new QImage of ``output_size(doc, scale)`` px (ARGB32 premultiplied).

    Args:
        doc: the canvas document.
        images: ImageSource giving each placement's decoded image.
        scale: device px per canvas px; stroke widths and font sizes scale with it.
        caches: where pre-scaled images and sketch sprites are kept (default:
            DEFAULT_CACHES); pass a RenderCaches of your own to isolate or bound them.

    Raises:
        RenderError: see ``output_size``.
        GuiApplicationError: a plain QCoreApplication runs (fonts need a QGuiApplication).

    Thread use: safe from worker threads once a QGuiApplication exists.
    """
    width, height = output_size(doc, scale)
    ensure_gui_application()
    caches = DEFAULT_CACHES if caches is None else caches
    image = QImage(width, height, DRAW_FORMAT)
    image.fill(qcolor(doc.background))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for placement in doc.sorted_placements():
            if placement.hidden or placement.opacity <= 0:
                continue
            _paint_placement(painter, placement, doc, scale, images, caches.scaled)
        painter.setOpacity(1.0)
        sketch = SketchPainter(painter, width, height, scale, sprite_cache=caches.sprites)
        for element in doc.for_snapshot().sorted_sketch_elements():  # a hidden sketch layer is left out
            sketch.paint(element)
    finally:
        painter.end()
    return image


def render_canvas_png(doc: CanvasDocument, images: ImageSource, scale: float = DEFAULT_SCALE, *,
                      caches: RenderCaches | None = None) -> bytes:
    """The snapshot as PNG bytes: RGB when the background is opaque, else RGBA.

    Same arguments and errors as ``render_canvas``.
    """
    image = render_canvas(doc, images, scale, caches=caches)
    if qcolor(doc.background).alpha() == 255:
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    return qimage_to_bytes(image, "PNG")


def qimage_to_bytes(image: QImage, fmt: str, quality: int = -1) -> bytes:
    """Encode a QImage with Qt's writer (``fmt`` such as "PNG", "JPEG", "WEBP").

    Raises:
        RenderError: Qt could not encode the image in that format.
    """
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, fmt, quality)  # type: ignore[call-overload]  # PySide6 stub says bytes; runtime takes str
    buffer.close()
    if not ok:
        raise RenderError(f"Qt could not encode a {image.width()}x{image.height()} image as {fmt}")
    return bytes(data.data())


def _load(images: ImageSource, placement: MediaAssetPlacement) -> QImage | None:
    try:
        image = images(placement)
    except Exception:  # a loader bug or a damaged blob must not stop the snapshot
        log.warning("image for placement %r could not be loaded", placement.display_name, exc_info=True)
        return None
    if image is None or image.isNull():
        return None
    return image


ROTATION_KEY_STEP = 0.01
"""Free rotations are cached per this many degrees (finer than any visible difference)."""


def _prepared(source: QImage, w: int, h: int, flip_h: bool, flip_v: bool, rotation: float,
              cache: ImageCache) -> QImage:
    """``source`` scaled to w x h px, flipped, and rotated (degrees clockwise), from the cache.

    Rotation is lossless for multiples of 90 degrees; other angles are resampled
    bilinearly with antialiased edges into their bounding box (transparent corners).
    """
    angle = round((rotation % 360.0) / ROTATION_KEY_STEP) * ROTATION_KEY_STEP % 360.0
    key = f"{source.cacheKey()}:{w}x{h}:{int(flip_h)}{int(flip_v)}:{angle:.2f}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    image = to_draw_format(source)
    if (image.width(), image.height()) != (w, h):
        image = image.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    if flip_h or flip_v:
        image = _flipped(image, flip_h, flip_v)
    if angle:
        quarter = angle % 90.0 == 0.0
        if not quarter and image.format() != DRAW_FORMAT:
            image = image.convertToFormat(DRAW_FORMAT)
        image = image.transformed(QTransform().rotate(angle), Qt.TransformationMode.SmoothTransformation)
        image = to_draw_format(image) if quarter else image
    cache.put(key, image)
    return image


def _flipped(image: QImage, flip_h: bool, flip_v: bool) -> QImage:
    if hasattr(image, "flipped"):  # Qt >= 6.9; mirrored() is deprecated there
        orientation = Qt.Orientation(0)
        if flip_h:
            orientation |= Qt.Orientation.Horizontal
        if flip_v:
            orientation |= Qt.Orientation.Vertical
        return image.flipped(orientation)
    return image.mirrored(flip_h, flip_v)


def _paint_placement(painter: QPainter, placement: MediaAssetPlacement, doc: CanvasDocument,
                     scale: float, images: ImageSource, cache: ImageCache) -> None:
    cx, cy, bw, bh = placement_box(placement, doc, scale)
    if bw < 0.5 or bh < 0.5:
        return
    painter.setOpacity(placement.opacity / 100.0)
    source = _load(images, placement)
    if source is None:
        _paint_placeholder(painter, placement, cx, cy, bw, bh, scale)
        return
    fw, fh = contain_size(source.width(), source.height(), bw, bh)
    w, h = max(1, round(fw)), max(1, round(fh))
    prepared = _prepared(source, w, h, placement.flip_h, placement.flip_v, placement.rotation, cache)
    # A plain 1:1 blit: no transform, so QPainter copies or blends rows directly.
    painter.drawImage(QPoint(round(cx - prepared.width() / 2.0), round(cy - prepared.height() / 2.0)), prepared)


def _paint_placeholder(painter: QPainter, placement: MediaAssetPlacement, cx: float, cy: float,
                       bw: float, bh: float, scale: float) -> None:
    painter.save()
    painter.translate(cx, cy)
    painter.rotate(placement.rotation)
    box = QRectF(-bw / 2.0, -bh / 2.0, bw, bh)
    painter.fillRect(box, PLACEHOLDER_FILL)
    painter.setPen(QPen(PLACEHOLDER_LINE, max(1.0, 2.0 * scale)))
    painter.drawRect(box)
    painter.drawLine(box.topLeft(), box.bottomRight())
    painter.drawLine(box.topRight(), box.bottomLeft())
    font = QFont()
    font.setPixelSize(max(6, min(round(bh / 6.0), round(24 * scale))))
    painter.setFont(font)
    label = QFontMetricsF(font).elidedText(placement.display_name, Qt.TextElideMode.ElideRight, bw * 0.9)
    painter.setPen(PLACEHOLDER_TEXT)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), label)
    painter.restore()
