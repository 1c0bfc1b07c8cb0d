"""GenerateRequest: what the streamer asked the generation service for."""

from __future__ import annotations

from dataclasses import dataclass, field

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument


@dataclass
class GenerateRequest:
    """What the streamer asked for.

    Attributes:
        asset_type: the target (its exact size comes from TARGET_SPECS).
        custom_prompt: the streamer's words (sanitised by PromptEngine), or None.
        canvas: the composed canvas; when it has content its 2x snapshot and its
            description go with the prompt (canvas mode).
        brand_kit_id: a stored BrandKit, else the active kit, else defaults.
        provider: provider name (``offline``, ``gemini``, ``openai``).
        model: provider model id, or None for its default.
        media_asset_ids: up to MAX_PROMPT_INJECTION_ASSETS references sent as images.
        coach_session_id: the coach session this generation belongs to, if any.
        prompt_override: a fully built prompt (the coach's refined prompt), used as is.
        input_image: extra input image bytes (e.g. "Refine this" of an earlier result).
        use_canvas_snapshot: the GUI's canvas-mode switch; False keeps the canvas out of the
            request (no snapshot, no description) even when it has content.
        count: variations: how many candidates of this same request one batch job makes
            (1 to MAX_BATCH_CANDIDATES); they run side by side on the pool.
    """

    asset_type: AssetType
    custom_prompt: str | None = None
    canvas: CanvasDocument | None = None
    brand_kit_id: str | None = None
    provider: str = "offline"
    model: str | None = None
    media_asset_ids: list[str] = field(default_factory=list)
    coach_session_id: str | None = None
    prompt_override: str | None = None
    input_image: bytes | None = None
    use_canvas_snapshot: bool = True
    count: int = 1

    def canvas_mode(self) -> bool:
        """Canvas mode: the 2x snapshot and its description go with the prompt.

        On when the canvas has placements or sketch elements, unless switched off.
        """
        return bool(self.use_canvas_snapshot and self.canvas is not None and self.canvas.has_content())


