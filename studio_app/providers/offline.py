"""The built-in offline provider: no AI, a labelled preview of the canvas itself."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from .base import CancelToken, ImageProvider, ImageRequest, ImageResult, ProgressCallback
from .errors import GenerationError

PREVIEW_LABEL = "Offline preview"


class OfflinePreviewProvider(ImageProvider):
    """Returns the canvas snapshot (the first input image) as the result.

    With no canvas snapshot it returns a flat card with the prompt's first words, so
    the pipeline still runs end to end. The caller fits it to the exact target size.
    Every result has ``is_preview=True`` and is labelled "Offline preview".
    """

    name = "offline"
    label = PREVIEW_LABEL
    is_preview = True

    def generate(self, request: ImageRequest, *, cancel: CancelToken | None = None,
                 progress: ProgressCallback | None = None) -> ImageResult:
        """See ImageProvider.generate. Raises GenerationError for an undecodable snapshot."""
        if cancel:
            cancel.raise_if_cancelled()
        snapshot = next((i for i in request.input_images if i.role == "canvas_snapshot"), None)
        if snapshot is not None:
            try:
                with Image.open(io.BytesIO(snapshot.data)) as im:
                    im.verify()
            except Exception as exc:  # Pillow raises many types for bad data
                raise GenerationError(f"The canvas snapshot could not be read: {exc}") from exc
            data = snapshot.data
        else:
            data = _placeholder_card(request)
        if progress:
            progress(90)
        return ImageResult(data=data, mime_type="image/png", model="offline-preview",
                           text=PREVIEW_LABEL, is_preview=True)


def _placeholder_card(request: ImageRequest) -> bytes:
    im = Image.new("RGBA", (request.width, request.height), (30, 30, 40, 255))
    draw = ImageDraw.Draw(im)
    words = " ".join(request.prompt.split()[:12]) or request.asset_type.value
    draw.text((10, 10), f"{PREVIEW_LABEL}: {words}", fill=(235, 235, 245, 255))
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()
