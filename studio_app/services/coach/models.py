"""Coach settings, request models and errors (StartCoachRequest and GenerateFromSessionRequest).

A session starts from the canvas (media assets, placements and the canvas snapshot), and Generate
Now sends them again with the logo options; see the models' docstrings for each field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel, Field, field_validator, model_validator

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachSessionSummary, Mood
from studio_app.domain.media import MAX_PROMPT_INJECTION_ASSETS
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.prompting.sanitize import sanitize_input
from studio_app.providers.base import CancelToken

from ..brand_kits import LOGO_POSITIONS  # one list of logo positions for the coach and brand kits

if TYPE_CHECKING:  # providers.chat (and httpx) load with the first chat engine, not at start-up
    from studio_app.providers.chat import ChatMessage

DEFAULT_TURN_LIMIT = 10
"""Default turns per session. A guided session needs 4-5 answers; 10 leaves room for as many
refinements, and keeps an LLM session (system prompt ~700 tokens + 20 messages) inside the
4096-token context that local models such as Ollama's default llama3.2 run with."""
DEFAULT_IDLE_EXPIRY_MINUTES = 24 * 60
"""Default idle time before an active session expires: a day. A coach session belongs to one
sitting at one canvas; by the next day the canvas has usually changed under it."""
MESSAGE_MAX_LENGTH = 2000
"""Longest chat message sent to the coach, in characters (after sanitize_input)."""
PROMPT_MAX_LENGTH = 8000
"""Longest prompt the streamer may type into the prompt box, in characters."""
CoachEngineName = Literal["auto", "offline", "gemini", "openai", "ollama", "lmstudio", "custom"]


def one_line(text: str, limit: int = 300) -> str:
    """``text`` with its white space collapsed to single spaces, cut to ``limit`` characters with "…"."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class CoachError(Exception):
    """A coach operation was refused; the message is one line, ready for the GUI."""


class SessionReadOnlyError(CoachError):
    """The session is ended or expired; continue in a new session to keep going."""


class TurnLimitError(CoachError):
    """The session used all its turns."""


class CoachBusyError(CoachError):
    """The coach is still answering in this session."""


class CoachSettings(BaseModel):
    """The ``coach`` settings section (non-secret; API keys live in the keyring or the env).

    Attributes:
        turn_limit: answered messages per session (default 10, see DEFAULT_TURN_LIMIT).
        idle_expiry_minutes: idle time before an active session expires (default 1440 = 24 h).
        engine: ``auto`` (an LLM when a Gemini or OpenAI key is available, else offline),
            ``offline``, or a chat provider kind: gemini, openai, ollama, lmstudio, custom.
        model: the chat model id; None for the provider's default.
        base_url: server address for ollama/lmstudio/custom (including ``/v1``).
    """

    turn_limit: int = Field(DEFAULT_TURN_LIMIT, ge=1, le=200)
    idle_expiry_minutes: int = Field(DEFAULT_IDLE_EXPIRY_MINUTES, ge=1)
    engine: CoachEngineName = "auto"
    model: str | None = None
    base_url: str | None = None


class ChatEngine(Protocol):
    """A streaming chat model (providers.chat.ChatProvider fits this).

    ``stream_chat`` returns an iterator of text pieces; iterating it does the network I/O
    (on a worker thread) and raises GenerationError subclasses with one-line messages, or
    GenerationCancelledError once ``cancel`` is set.
    """

    label: str

    def stream_chat(self, messages: Sequence[ChatMessage], system: str = "", *,
                    cancel: CancelToken | None = None) -> Iterator[str]: ...


ChatEngineFactory = Callable[[CoachSettings], "ChatEngine | None"]
"""Builds the configured LLM engine from the settings, or None for the offline coach.

Raises CoachError (one line) when the chosen engine cannot be built (e.g. a missing key)."""


class StartCoachRequest(BaseModel):
    """What a session starts from (desktop form of the original design's StartCoachRequest).

    Attributes:
        asset_type: the target.
        mood: a Mood; ``custom`` needs ``custom_mood``.
        custom_mood: the streamer's own mood words (<= 60 characters kept).
        game_id, game_name: the game being streamed (game_name goes to game_context).
        description: the streamer's idea in their words (may be empty: the coach asks).
        brand_kit_id: a stored brand kit; None uses the active kit, if any.
        media_asset_ids: at most MAX_PROMPT_INJECTION_ASSETS (2) library assets sent as references.
        media_asset_placements: where assets sit (used when there is no canvas).
        canvas: the composed canvas; its snapshot description goes to the coach and its 2x
            snapshot with the generation.
        canvas_snapshot_description: a ready description (wins over describing ``canvas``).

    Raises:
        pydantic.ValidationError: more than 2 media assets, or ``custom`` without words.
    """

    asset_type: AssetType
    mood: Mood = Mood.HYPE
    custom_mood: str | None = None
    game_id: str | None = None
    game_name: str | None = None
    description: str = ""
    brand_kit_id: str | None = None
    media_asset_ids: list[str] = Field(default_factory=list, max_length=MAX_PROMPT_INJECTION_ASSETS)
    media_asset_placements: list[MediaAssetPlacement] = Field(default_factory=list)
    canvas: CanvasDocument | None = None
    canvas_snapshot_description: str | None = None

    @model_validator(mode="after")
    def _custom_mood(self) -> StartCoachRequest:
        if self.mood == Mood.CUSTOM and not sanitize_input(self.custom_mood, 60):
            raise ValueError("a custom mood needs a few words describing it")
        return self


class GenerateFromSessionRequest(BaseModel):
    """Options of "Generate Now" (desktop form of the original design's GenerateFromSessionRequest).

    Attributes:
        include_logo: add the brand kit's logo as a reference image with a placement line.
        logo_type: which logo of the kit (``primary`` or ``secondary``).
        logo_position: one of LOGO_POSITIONS.
        media_asset_ids: override the session's reference images (None keeps them).
        media_asset_placements: override the session's placements (None keeps them).
        canvas: the canvas as it is now (None keeps the one the session started from); a
            changed canvas updates the session and, unless the prompt was hand-edited, the prompt.
        canvas_snapshot_description: a ready description of ``canvas``.
        provider, model: image provider and model; None uses the service's default.
        input_asset_id: an earlier result to refine (None uses the session's "Refine this" pick).
    """

    include_logo: bool = False
    logo_type: str = "primary"
    logo_position: str = "bottom-right"
    media_asset_ids: list[str] | None = None
    media_asset_placements: list[MediaAssetPlacement] | None = None
    canvas: CanvasDocument | None = None
    canvas_snapshot_description: str | None = None
    provider: str | None = None
    model: str | None = None
    input_asset_id: str | None = None

    @field_validator("logo_position")
    @classmethod
    def _position(cls, v: str) -> str:
        if v not in LOGO_POSITIONS:
            raise ValueError(f"logo_position must be one of {', '.join(LOGO_POSITIONS)}")
        return v


class CoachSessionPage(BaseModel):
    """A page of the session list (sessions and the total)."""

    sessions: list[CoachSessionSummary]
    total: int
