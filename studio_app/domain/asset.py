"""Asset: a generated image at its target's exact size (the original design's assets row)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field

from .asset_types import AssetType


class Asset(BaseModel):
    """A generated image stored as a blob.

    Attributes:
        url: ``blob:<sha256>`` of the PNG in the local blob store.
        width, height: px, equal to the AssetType's exact size.
        file_size: bytes.
        is_preview: True when the offline provider made it (no AI; labelled "Preview").
    """

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    job_id: str
    asset_type: AssetType
    url: str
    content_hash: str
    width: int
    height: int
    file_size: int
    provider: str = "offline"
    is_preview: bool = False
    is_public: bool = False
    viral_score: int | None = None
    coach_session_id: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
