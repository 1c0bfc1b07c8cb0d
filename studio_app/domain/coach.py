"""CoachSession: a prompt-coach conversation (the original design's coach_sessions table).
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from .asset_types import AssetType
from .canvas import CanvasDocument
from .placement import MediaAssetPlacement

log = logging.getLogger(__name__)


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


CoachEngineKind = Literal["llm", "offline"]
"""Which coach a session talks to: an LLM (ChatEngine) or the offline guided coach."""


class CoachContext(BaseModel):
    """What a coach session knows beside its messages, stored as JSON in ``coach_sessions.context``.

    Every field has a default, and a stored value that no longer parses falls back to that default
    (logged), so a session saved by an older or newer version always opens; keys this version does
    not know are kept and written back unchanged. The JSON keys are the field names (the same keys
    the earlier ``dict`` used), so no migration is needed.

    Attributes:
        engine: ``llm`` or ``offline`` (None in sessions that never said).
        engine_label: the coach's name as shown when the session started, e.g. "Ollama (llama3.2)".
        custom_mood: the streamer's own mood words when the mood is ``custom`` (<= 60 characters).
        game_id, game_name: the game being streamed (game_name <= 80 characters).
        description: the streamer's idea in their words (<= 500 characters; may be "").
        media_asset_ids: library assets sent as reference images (at most 2).
        media_asset_names: their display names, in the same order.
        media_asset_placements: where media assets sit when there is no canvas.
        canvas: the composed canvas the session started from (or was last generated with).
        canvas_snapshot_description: the canvas in words, as the coach and the prompt see it.
        canvas_snapshot_hash: blob digest of a small PNG of the canvas (the context card).
        prompt_edited: True when the streamer typed the current prompt by hand.
        idea: the LLM coach's last prompt idea (from its reply's prompt block).
        draft: the offline coach's answers (``prompting.PromptDraft.to_dict()`` shape).
        refine_asset_id: an earlier result the next generation refines (None: none picked).
        continued_from: the id of the session this one continues.
    """

    model_config = ConfigDict(extra="allow")

    engine: CoachEngineKind | None = None
    engine_label: str | None = None
    custom_mood: str | None = None
    game_id: str | None = None
    game_name: str | None = None
    description: str = ""
    media_asset_ids: list[str] = Field(default_factory=list)
    media_asset_names: list[str] = Field(default_factory=list)
    media_asset_placements: list[MediaAssetPlacement] = Field(default_factory=list)
    canvas: CanvasDocument | None = None
    canvas_snapshot_description: str | None = None
    canvas_snapshot_hash: str | None = None
    prompt_edited: bool = False
    idea: str | None = None
    draft: dict[str, Any] | None = None
    refine_asset_id: str | None = None
    continued_from: str | None = None

    @field_validator("*", mode="wrap")
    @classmethod
    def _tolerant(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:  # noqa: ANN401 - any stored JSON
        """A stored value that does not parse becomes the field's default instead of losing the session."""
        try:
            return handler(value)
        except ValidationError:
            log.warning("coach session context: stored %s did not parse; using the default", info.field_name)
            field = cls.model_fields[info.field_name or ""]
            return field.get_default(call_default_factory=True)


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
    context: CoachContext = Field(default_factory=CoachContext)
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
