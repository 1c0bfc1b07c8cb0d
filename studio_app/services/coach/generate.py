"""The generate bridge: a session's Generate Now becomes a GenerationService job, and the job's
progress, result or failure comes back to the session (a chat message) and out again as the
same typed JobMessage on ``CoachService.jobEvent`` with the session's id.

The job gets the session's prompt (plus a logo line and a refine line when asked), the canvas,
the reference images and the refine input; the session id is stored on the job and its assets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.coach import CoachMessage, CoachSession
from studio_app.domain.job_events import JobEvent, JobMessage
from studio_app.domain.media import MAX_PROMPT_INJECTION_ASSETS
from studio_app.prompting import coach_sentences as say
from studio_app.providers.errors import GenerationError
from studio_app.store.repositories import NotFoundError

from ..brand_kits import resolve_logo_position
from ..generation import GenerateRequest
from .models import CoachError, GenerateFromSessionRequest, one_line

if TYPE_CHECKING:
    from .service import CoachService


class GenerateBridge:
    """Submits Generate Now jobs for a CoachService and reports them through its signals.

    Args:
        service: the owner (sessions, briefing, generation service, default provider, signals).
    """

    def __init__(self, service: CoachService) -> None:
        self.service = service
        self._jobs: dict[str, str] = {}  # job id -> session id
        service.generation.jobEvent.connect(self._on_job_event)

    def generate(self, session: CoachSession, req: GenerateFromSessionRequest) -> str:
        """Queue the job for an active ``session``; returns the job id (a QUEUED jobEvent is emitted).

        Raises:
            CoachError: no prompt yet, too many reference images, a missing logo or asset, or
                the generation service refused the job (one line).
        """
        service = self.service
        if req.canvas is not None and service.briefing.update_canvas(session, req.canvas,
                                                                    req.canvas_snapshot_description):
            service.promptChanged.emit(session.id, session.current_prompt or "")
        if req.media_asset_placements is not None:
            session.context.media_asset_placements = [p.model_copy() for p in req.media_asset_placements]
        prompt = (session.current_prompt or "").strip()
        if not prompt:
            raise CoachError("There is no prompt yet: answer the coach's questions or write one in the "
                             "prompt box.")
        media, extra = self._references(session, req)
        input_image = self._refine_input(session, req, extra)
        canvas = session.context.canvas
        gen = GenerateRequest(
            asset_type=session.asset_type, canvas=canvas.model_copy(deep=True) if canvas else None,
            brand_kit_id=session.brand_kit_id,
            provider=req.provider or service.default_provider, model=req.model, media_asset_ids=media,
            coach_session_id=session.id, prompt_override="\n".join([prompt, *extra]), input_image=input_image,
        )
        service.sessions.save(session)  # the session row must exist before the job references it
        try:
            job = service.generation.submit(gen)
        except GenerationError as exc:
            raise CoachError(one_line(str(exc))) from exc
        service.generation.wait_recorded(job.id)  # callers read the job row (prompt, session) at once
        self._jobs[job.id] = session.id
        service.jobEvent.emit(session.id, JobMessage.queued(job.id))
        return job.id

    def _references(self, session: CoachSession, req: GenerateFromSessionRequest) -> tuple[list[str], list[str]]:
        """(reference media ids, extra prompt lines) with the logo added when asked."""
        briefing = self.service.briefing
        media = list(req.media_asset_ids if req.media_asset_ids is not None else session.context.media_asset_ids)
        for asset_id in media:
            briefing.media_name(asset_id)
        extra = []
        if req.include_logo:
            logo_id, logo_name = self._logo(session, req.logo_type)
            if logo_id not in media:
                media.append(logo_id)
            position, _moved = resolve_logo_position(session.asset_type, req.logo_position)
            extra.append(say.logo_instruction(logo_name, position))
        if len(media) > MAX_PROMPT_INJECTION_ASSETS:
            raise CoachError(f"At most {MAX_PROMPT_INJECTION_ASSETS} reference images go with one prompt; "
                             "remove one or untick Include logo.")
        return media, extra

    def _refine_input(self, session: CoachSession, req: GenerateFromSessionRequest, extra: list[str]) -> bytes | None:
        """The PNG of the result to refine (None when none is picked); adds the refine line to ``extra``."""
        refine_id = req.input_asset_id or session.context.refine_asset_id
        if not refine_id:
            return None
        store = self.service.store
        try:
            asset = store.assets.get(refine_id)
            input_image = store.blobs.get(asset.content_hash)
        except (NotFoundError, FileNotFoundError, ValueError):
            raise CoachError("The result picked for Refine this is gone; clear it and try again.") from None
        extra.append(say.REFINE_INSTRUCTION)
        return input_image

    def _logo(self, session: CoachSession, logo_type: str) -> tuple[str, str]:
        """(logo media id, its name) of the session's brand kit, else the active kit.

        Raises:
            CoachError: no kit, or the kit has no such logo.
        """
        store = self.service.store
        kit = None
        if session.brand_kit_id:
            try:
                kit = store.brand_kits.get(session.brand_kit_id)
            except NotFoundError:
                kit = None
        kit = kit or store.brand_kits.active()
        if kit is None:
            raise CoachError("There is no brand kit with a logo; add one, or untick Include logo.")
        logo_id = kit.logo_asset_ids.get(logo_type)
        if not logo_id:
            raise CoachError(f"The brand kit '{kit.name}' has no {logo_type} logo; add one, or untick Include logo.")
        return logo_id, self.service.briefing.media_name(logo_id)

    def running_job(self, session_id: str) -> str | None:
        """The id of the session's Generate Now job still running, or None."""
        return next((job for job, sid in self._jobs.items() if sid == session_id), None)

    # -- job events of the generation service --------------------------------------------------------
    def _on_job_event(self, message: JobMessage) -> None:
        """GenerationService.jobEvent: the coach's jobs' progress and endings, recorded in their
        session and passed on (the message unchanged) as ``CoachService.jobEvent(session_id, message)``."""
        session_id = self._jobs.get(message.job_id)
        if session_id is None:
            return
        match message.event:
            case JobEvent.PROGRESS:
                self.service.jobEvent.emit(session_id, message)
            case JobEvent.COMPLETED:
                del self._jobs[message.job_id]
                if self._record_asset(session_id, message.asset_id or ""):
                    self.service.jobEvent.emit(session_id, message)
                    self.service.sessionChanged.emit(session_id)
            case JobEvent.FAILED | JobEvent.CANCELLED:
                del self._jobs[message.job_id]
                if self._record_failure(session_id, message.error or ""):
                    self.service.jobEvent.emit(session_id, message)

    def _record_asset(self, session_id: str, asset_id: str) -> bool:
        """Add the asset to the session (a chat card); False when the session or asset is gone."""
        service = self.service
        try:
            session = service.get(session_id)
            asset = service.store.assets.get(asset_id)
        except (CoachError, NotFoundError):
            return False
        if asset_id not in session.generated_asset_ids:
            session.generated_asset_ids.append(asset_id)
        caption = say.asset_caption(TARGET_SPECS[asset.asset_type].label, asset.width, asset.height,
                                    is_preview=asset.is_preview)
        service.sessions.append(session, CoachMessage(role="coach", type="asset", asset_id=asset_id, content=caption))
        service.sessions.save(session)
        return True

    def _record_failure(self, session_id: str, message: str) -> bool:
        """Note the failure in the session's chat; False when the session is gone."""
        try:
            session = self.service.get(session_id)
        except CoachError:
            return False
        self.service.sessions.append(session, CoachMessage(role="system",
                                                           content=say.generation_failed_note(one_line(message))))
        self.service.sessions.save(session)
        return True
