"""CoachSession: a prompt-coach conversation (the original design's coach_sessions table).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .asset_types import AssetType


class Mood(StrEnum):
    """Moods offered when starting a session, plus ``custom`` with free text.

    The original design names only ``hype`` and a MoodEnum;
    the rest are the moods streamers commonly pick for thumbnails and emotes.
    """

    HYPE = "hype"
    COZY = "cozy"
    RAGE = "rage"
    FUNNY = "funny"
    EPIC = "epic"
    MYSTERIOUS = "mysterious"
    CUSTOM = "custom"


class CoachStatus(StrEnum):
    """Session state: only ``active`` sessions take new turns."""

    ACTIVE = "active"
    ENDED = "ended"
    EXPIRED = "expired"


class CoachMessage(BaseModel):
    """One chat message; ``type='asset'`` messages carry ``asset_id``."""

    role: Literal["user", "coach", "system"]
    content: str = ""
    type: Literal["text", "asset"] = "text"
    asset_id: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class CoachSession(BaseModel):
    """A coach conversation with its refined prompt."""

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    brand_kit_id: str | None = None
    asset_type: AssetType = AssetType.THUMBNAIL
    mood: str | None = None
    game_context: str | None = None
    status: CoachStatus = CoachStatus.ACTIVE
    turns_used: int = Field(0, ge=0)
    current_prompt: str | None = None
    messages: list[CoachMessage] = Field(default_factory=list)
    generated_asset_ids: list[str] = Field(default_factory=list)
    context: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    ended_at: datetime | None = None


class CoachSessionSummary(BaseModel):
    """One row of the original design's session list (GET /coach/sessions): no messages, no context.

    ``has_assets`` is True when the session generated at least one asset.
    """

    model_config = ConfigDict(from_attributes=True)

    id: str
    asset_type: AssetType
    mood: str | None = None
    game_context: str | None = None
    status: CoachStatus
    turns_used: int = 0
    current_prompt: str | None = None
    has_assets: bool = False
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None = None
