"""What the coach knows about a session, and the prompt rebuilt from it.

``CoachBriefing`` turns a StartCoachRequest into the session's CoachContext (media names, the
canvas and its description, a small snapshot preview), keeps the canvas up to date at Generate
Now, and derives from the context what each coach needs: the LLM's CoachFacts, the guided
coach's GuidedCoachContext and its PromptDraft, and the image prompt built from the coach's idea
or draft with the brand kit and the canvas words.
"""

from __future__ import annotations

import logging

from studio_app.domain.brand_kit import BrandKitContext
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachContext, CoachSession, Mood
from studio_app.domain.media import MAX_PROMPT_INJECTION_ASSETS
from studio_app.prompting.canvas_description import describe_canvas
from studio_app.prompting.coach_prompt import IDEA_MAX_LENGTH, CoachFacts
from studio_app.prompting.engine import PromptEngine
from studio_app.prompting.guided_coach import GuidedCoachContext
from studio_app.prompting.placement_formatter import PlacementFormatter
from studio_app.prompting.prompt_draft import PromptDraft
from studio_app.prompting.sanitize import sanitize_input
from studio_app.store.repositories import NotFoundError

from ..context import StudioStore
from ..generation import GenerationService
from .models import CoachError, StartCoachRequest

log = logging.getLogger(__name__)

SNAPSHOT_PREVIEW_PX = 480
"""Longest side of the canvas preview shown on the chat's context card, in px."""
DESCRIPTION_MAX_LENGTH = 4000
"""Longest canvas description kept in the context, in characters."""


class CoachBriefing:
    """Builds and reads a session's CoachContext.

    Args:
        store: media names, brand kits and blobs (the snapshot preview).
        generation: the brand-kit lookup and the image loader for the snapshot render.
        prompts: builds the image prompt.
    """

    def __init__(self, store: StudioStore, generation: GenerationService, prompts: PromptEngine) -> None:
        self.store, self.generation, self.prompts = store, generation, prompts

    # -- lookups ---------------------------------------------------------------------------------
    def brand_kit_id(self, kit_id: str | None) -> str | None:
        """The id of the kit ``kit_id`` names (None: the active kit), or None when there is none."""
        _, found = self.generation.brand_context(kit_id)
        return found

    def brand_kit(self, session: CoachSession) -> BrandKitContext | None:
        """The session's brand kit as the prompt sees it, or None (no kit, or it was deleted)."""
        if not session.brand_kit_id:
            return None
        ctx, found = self.generation.brand_context(session.brand_kit_id)
        return ctx if found else None

    def media_name(self, asset_id: str) -> str:
        """The display name of a media library asset.

        Raises:
            CoachError: the asset is no longer in the library.
        """
        try:
            return self.store.media.get(asset_id).display_name
        except NotFoundError:
            raise CoachError("A reference image is no longer in the media library; pick another.") from None

    # -- building the context -----------------------------------------------------------------------
    def start_context(self, req: StartCoachRequest) -> CoachContext:
        """The context of a session that starts from ``req``.

        Without ``media_asset_ids`` and with a canvas, the first visible placed assets (at most
        MAX_PROMPT_INJECTION_ASSETS) go as references.

        Raises:
            CoachError: a media asset is not in the library.
        """
        ctx = CoachContext(
            custom_mood=sanitize_input(req.custom_mood, 60) or None if req.mood == Mood.CUSTOM else None,
            game_id=req.game_id, game_name=sanitize_input(req.game_name, 80) or None,
            description=sanitize_input(req.description, 500),
            media_asset_ids=list(req.media_asset_ids),
            media_asset_names=[self.media_name(a) for a in req.media_asset_ids],
            media_asset_placements=[p.model_copy() for p in req.media_asset_placements],
        )
        self.set_canvas(ctx, req.canvas, req.canvas_snapshot_description)
        if not req.media_asset_ids and req.canvas is not None:
            ids: list[str] = []
            for p in req.canvas.sorted_placements():
                if p.asset_id and p.asset_id not in ids and not p.hidden:
                    ids.append(p.asset_id)
            ids = ids[:MAX_PROMPT_INJECTION_ASSETS]
            ctx.media_asset_names = [self.media_name(a) for a in ids]
            ctx.media_asset_ids = ids
        return ctx

    def set_canvas(self, ctx: CoachContext, canvas: CanvasDocument | None, description: str | None) -> None:
        """Put ``canvas`` (a copy), its description and, when it has content, a snapshot preview in ``ctx``."""
        ctx.canvas = canvas.model_copy(deep=True) if canvas is not None else None
        if canvas is None or not canvas.has_content():
            ctx.canvas_snapshot_description = sanitize_input(description, DESCRIPTION_MAX_LENGTH) or None
            return
        ctx.canvas_snapshot_description = sanitize_input(description or describe_canvas(canvas),
                                                         DESCRIPTION_MAX_LENGTH)
        ctx.canvas_snapshot_hash = self._snapshot_preview(canvas)

    def _snapshot_preview(self, canvas: CanvasDocument) -> str | None:
        """A small PNG of the canvas for the chat's context card (the 2x snapshot goes with the job)."""
        try:
            from studio_app.render.snapshot import render_canvas_png

            scale = min(1.0, SNAPSHOT_PREVIEW_PX / max(canvas.width, canvas.height))
            png = render_canvas_png(canvas, self.generation.images, scale=scale)
            return self.store.blobs.put(png)
        except Exception:  # the preview is a nicety; the session must still start
            log.exception("canvas snapshot preview failed")
            return None

    def update_canvas(self, session: CoachSession, canvas: CanvasDocument, description: str | None) -> bool:
        """Take the canvas as it is now; unless the prompt was hand-edited, rebuild the prompt.

        Returns:
            True when ``session.current_prompt`` changed.
        """
        old = session.context.canvas
        if old is not None and old.model_dump(mode="json") == canvas.model_dump(mode="json") and not description:
            return False
        self.set_canvas(session.context, canvas, description)
        if session.context.prompt_edited:
            return False
        rebuilt = self.rebuilt_prompt(session)
        if rebuilt and rebuilt != session.current_prompt:
            session.current_prompt = rebuilt
            return True
        return False

    # -- reading the context --------------------------------------------------------------------------
    def placements_text(self, session: CoachSession) -> str | None:
        """Layout sentences for the session's placements (None when there are none)."""
        placements = session.context.media_asset_placements
        if not placements:
            return None
        canvas = session.context.canvas
        size = (canvas.width, canvas.height) if canvas else None
        try:
            return PlacementFormatter.format_placements(placements, size) or None
        except ValueError:
            return None

    def canvas_words(self, session: CoachSession) -> tuple[str | None, str | None]:
        """(canvas description, placements text): the second only when there is no description."""
        description = session.context.canvas_snapshot_description
        return description, None if description else self.placements_text(session)

    def draft(self, session: CoachSession) -> PromptDraft:
        """The guided coach's answers: stored, or the start form's target, mood and idea."""
        data = session.context.draft
        if data:
            try:
                return PromptDraft.from_dict(data)
            except ValueError:
                pass
        ctx = session.context
        subject = ctx.description or ""
        if subject and ctx.game_name:
            subject = f"{subject} (game: {ctx.game_name})"
        return PromptDraft().replace(asset_type=session.asset_type,
                                     mood=session.mood if session.mood in set(Mood) else None,
                                     custom_mood=ctx.custom_mood, subject=subject or None)

    def guided_context(self, session: CoachSession) -> GuidedCoachContext:
        """What the offline guided coach starts (or restarts) from."""
        description, placements = self.canvas_words(session)
        return GuidedCoachContext(asset_type=session.asset_type, brand_kit=self.brand_kit(session),
                                  canvas_description=description or placements, draft=self.draft(session))

    def facts(self, session: CoachSession, turns_left: int) -> CoachFacts:
        """What the LLM coach's system prompt states about the session."""
        ctx = session.context
        description, placements = self.canvas_words(session)
        mood = Mood(session.mood) if session.mood in set(Mood) else None
        return CoachFacts(
            asset_type=session.asset_type, mood=mood, custom_mood=ctx.custom_mood,
            game_name=session.game_context, description=ctx.description or "",
            brand_kit=self.brand_kit(session), media_asset_names=tuple(ctx.media_asset_names),
            canvas_description=description, placements_text=placements,
            # A hand-edited prompt is what the coach must refine; otherwise its own idea (shorter
            # than the full image prompt, which repeats the template).
            current_prompt=session.current_prompt if ctx.prompt_edited else (ctx.idea or session.current_prompt),
            turns_left=turns_left,
        )

    def rebuilt_prompt(self, session: CoachSession) -> str | None:
        """The current prompt rebuilt from the coach's idea or draft (None when there is none yet)."""
        description, placements = self.canvas_words(session)
        if session.context.engine == "llm" or session.context.idea:
            idea = session.context.idea
            if not idea:
                return None
            return self.prompts.build_prompt(session.asset_type, self.brand_kit(session), idea,
                                             canvas_description=description, placements_text=placements,
                                             custom_prompt_max_length=IDEA_MAX_LENGTH)
        draft = self.draft(session)
        if not draft.subject or draft.mood is None or draft.on_image_text is None:
            return None
        return draft.build(self.prompts, self.brand_kit(session), canvas_description=description or placements)
