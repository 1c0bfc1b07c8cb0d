"""The salient-object segmentation models background removal can use, as plain data.

One shipped model (u2netp, inside the package under ``resources/models/``) and optional larger
ones the user may fetch on request from Settings > Library. Each entry records where the weights
come from, their size in bytes, their SHA-256 (checked before a file is loaded or kept), their
licence and how the network wants its input. Qin et al., "U^2-Net: Going Deeper with Nested
U-Structure for Salient Object Detection", Pattern Recognition 2020 (u2netp); Qin et al.,
"Highly Accurate Dichotomous Image Segmentation", ECCV 2022 (IS-Net). The ONNX exports are the
ones the rembg project publishes.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from .lookup import named_entry

SHIPPED_MODEL_ID = "u2netp"
"""The model that ships with the app and is used unless the user picked and fetched another."""


class SegmentationModelSpec(BaseModel):
    """One salient-object segmentation network in ONNX form.

    Attributes:
        id: stable identifier stored in settings and in an asset's metadata.
        label: the name shown in Settings.
        file_name: the ``.onnx`` file name (in ``resources/models/`` when shipped, else in the
            data dir's ``models/`` folder).
        size_bytes: exact size of the file, bytes.
        sha256: hex SHA-256 of the file; a file with another digest is never loaded.
        md5: hex MD5 the publisher lists (checked too when set, on download).
        url: where an optional model is fetched from (None for the shipped one).
        licence: SPDX identifier of the weights' licence.
        input_size_px: the square side (px) the network reads.
        mean, std: per-channel normalisation of RGB in [0, 1]: (x - mean) / std.
        shipped: True when the file is inside the package.
    """

    id: str
    label: str
    file_name: str
    size_bytes: int = Field(gt=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    md5: str | None = None
    url: str | None = None
    licence: str
    input_size_px: int = Field(gt=0)
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    shipped: bool = False

    @property
    def size_mb(self) -> float:
        """Size in megabytes (10^6 bytes), for display."""
        return self.size_bytes / 1_000_000


U2NETP = SegmentationModelSpec(
    id="u2netp",
    label="U²-Net small (u2netp)",
    file_name="u2netp.onnx",
    size_bytes=4_574_861,
    sha256="309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8",
    licence="Apache-2.0",
    input_size_px=320,
    mean=(0.485, 0.456, 0.406),
    std=(0.229, 0.224, 0.225),
    shipped=True,
)

ISNET_GENERAL = SegmentationModelSpec(
    id="isnet-general-use",
    label="IS-Net general use (larger, sharper edges)",
    file_name="isnet-general-use.onnx",
    size_bytes=178_648_008,
    sha256="60920e99c45464f2ba57bee2ad08c919a52bbf852739e96947fbb4358c0d964a",
    md5="fc16ebd8b0c10d971d3513d564d01e29",
    url="https://github.com/danielgatis/rembg/releases/download/v0.0.0/isnet-general-use.onnx",
    licence="Apache-2.0",
    input_size_px=1024,
    mean=(0.485, 0.456, 0.406),
    std=(1.0, 1.0, 1.0),
)

SEGMENTATION_MODELS: dict[str, SegmentationModelSpec] = {m.id: m for m in (U2NETP, ISNET_GENERAL)}
"""Every known model by id, the shipped one first."""


def segmentation_model(model_id: str) -> SegmentationModelSpec:
    """The spec of ``model_id``.

    Raises:
        KeyError: unknown id (the message lists the known ones).
    """
    return named_entry(SEGMENTATION_MODELS, model_id,
                       lambda known: KeyError(f"unknown segmentation model {model_id!r}; known: {known}"))
