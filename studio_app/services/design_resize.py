"""Resize a design to another target with real text metrics (``domain.resize`` + ``render.text_metrics``).

Used by ``studio resize``, Design > Resize to... and the target switch of the open design, so
all three follow one rule.
"""

from __future__ import annotations

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.resize import resize_document
from studio_app.render.text_metrics import measure_text


def resize_design(doc: CanvasDocument, asset_type: AssetType | str, *, copy: bool = False) -> CanvasDocument:
    """``doc`` laid out for ``asset_type`` (see ``domain.resize.resize_document``), text measured
    with the snapshot's fonts. Needs a Qt GUI application on the main thread (created if missing).

    Raises:
        ValueError: not an AssetType.
    """
    return resize_document(doc, asset_type, measure=measure_text, copy=copy)
