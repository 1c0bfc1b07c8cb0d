"""The coach's turns: the offline guided coach answers at once, an LLM's reply streams.

A turn is one chat message of the streamer that the coach answered; after
``CoachSettings.turn_limit`` turns the session takes no more messages. With an LLM, the system
prompt is rendered from the session's CoachFacts and the session's prompt is taken only from
the reply's prompt block (prompting/coach_prompt.py), then built into the asset's image template.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio_app.domain.coach import CoachMessage, CoachSession
from studio_app.prompting import coach_sentences as say
from studio_app.prompting.coach_prompt import CoachPromptError, extract_prompt_block
from studio_app.prompting.guided_coach import CoachReply, GuidedCoach

from .models import ChatEngine, one_line
from .streaming import ReplyStream, ReplyStreams, StreamStatus

if TYPE_CHECKING:
    from .service import CoachService


class CoachChat:
    """Runs the turns of a CoachService's sessions (its signals report what happened).

    Args:
        service: the owner; its sessions, briefing, settings and signals are used.
        streams: the running LLM replies.
    """

    def __init__(self, service: CoachService, streams: ReplyStreams) -> None:
        self.service, self.streams = service, streams
        self._offline: dict[str, GuidedCoach] = {}

    # -- offline guided coach -----------------------------------------------------------------------
    def start_offline(self, session: CoachSession) -> None:
        """Add the guided coach's first question to a new session."""
        coach = GuidedCoach(self.service.prompts)
        self._offline[session.id] = coach
        self._apply_offline(session, coach.start(self.service.briefing.guided_context(session)))

    def offline_turn(self, session: CoachSession, text: str, clean: str) -> None:
        """The guided coach answers ``text`` (``clean`` is the sanitised copy kept in the chat)."""
        coach = self._offline.get(session.id)
        if coach is None:  # reopened: restore from the stored draft without adding a message
            coach = GuidedCoach(self.service.prompts)
            coach.start(self.service.briefing.guided_context(session))
            self._offline[session.id] = coach
        self.service.sessions.append(session, CoachMessage(role="user", content=clean))
        reply = coach.answer(text)
        session.turns_used += 1
        self._apply_offline(session, reply)
        self._after_turn(session)
        self.service.sessions.save(session)
        self.service.sessionChanged.emit(session.id)

    def forget(self, session_id: str) -> None:
        """Drop the session's guided coach (it is restored from the draft when reopened)."""
        self._offline.pop(session_id, None)

    def _apply_offline(self, session: CoachSession, reply: CoachReply) -> None:
        self.service.sessions.append(session, CoachMessage(role="coach", content=reply.message))
        session.context.draft = reply.draft.to_dict()
        if reply.refined_prompt and reply.refined_prompt != session.current_prompt:
            session.current_prompt = reply.refined_prompt
            session.context.prompt_edited = False
            self.service.promptChanged.emit(session.id, reply.refined_prompt)

    # -- LLM replies -------------------------------------------------------------------------------------
    def start_reply(self, session: CoachSession, engine: ChatEngine) -> None:
        """Stream ``engine``'s answer to the session's conversation (replyStarted, tokenReceived, ...)."""
        service = self.service
        try:
            turns_left = service.settings().turn_limit - session.turns_used
            system = service.system_prompt().render(service.briefing.facts(session, turns_left))
        except CoachPromptError as exc:  # a broken prompts/coach/system.md must not lose the message
            message = one_line(str(exc))
            service.sessions.append(session, CoachMessage(role="system", content=say.could_not_answer_note(message)))
            service.sessions.save(session)
            service.replyFailed.emit(session.id, message)
            return
        from studio_app.providers.chat import chat_messages_from_coach

        self.streams.start(session.id, engine, chat_messages_from_coach(session.messages), system)
        service.replyStarted.emit(session.id)

    def stop(self, session_id: str) -> bool:
        """Stop the session's streaming reply (text so far kept); False when none streams."""
        stream = self.streams.running(session_id)
        if stream is None:
            return False
        stream.token.cancel()
        self.streams.end(stream)
        self.finish(stream, "stopped", "")
        return True

    def on_token(self, stream: ReplyStream, text: str) -> None:
        """A piece of a running reply arrived."""
        self.service.tokenReceived.emit(stream.session_id, text)

    def finish(self, stream: ReplyStream, status: StreamStatus, message: str) -> None:
        """Record how a reply ended: its text as a message and, when ``ok``, the prompt it proposes."""
        session = self.service.sessions.cached(stream.session_id)
        if session is None:
            return
        if status == "ok":
            self._finish_ok(session, stream.text())
            return
        sessions, text = self.service.sessions, stream.text()
        if text.strip():
            sessions.append(session, CoachMessage(role="coach", content=text))
        note = say.STOPPED_NOTE if status == "stopped" else say.could_not_answer_note(message)
        sessions.append(session, CoachMessage(role="system", content=note))
        sessions.save(session)
        if status == "stopped":
            self.service.replyStopped.emit(session.id)
        else:
            self.service.replyFailed.emit(session.id, message)

    def _finish_ok(self, session: CoachSession, text: str) -> None:
        service = self.service
        service.sessions.append(session, CoachMessage(role="coach", content=text))
        if self._answered_user_turn(session):
            session.turns_used += 1
        block = extract_prompt_block(text)
        updated = False
        if block.idea:
            session.context.idea = block.idea
            session.context.prompt_edited = False
            prompt = service.briefing.rebuilt_prompt(session)
            if prompt and prompt != session.current_prompt:
                session.current_prompt = prompt
                updated = True
        else:
            service.sessions.append(session, CoachMessage(role="system",
                                                          content=say.prompt_unchanged_note(str(block.problem))))
        self._after_turn(session)
        service.sessions.save(session)
        if updated:
            service.promptChanged.emit(session.id, session.current_prompt or "")
        service.sessionChanged.emit(session.id)
        service.replyFinished.emit(session.id, updated)

    @staticmethod
    def _answered_user_turn(session: CoachSession) -> bool:
        """True when the reply just added answers a chat message (the opening idea is no turn)."""
        users = [m for m in session.messages if m.role == "user" and m.type == "text"]
        return len(users) > 1 or bool(session.context.continued_from)

    def _after_turn(self, session: CoachSession) -> None:
        limit = self.service.settings().turn_limit
        if session.turns_used == limit:
            self.service.sessions.append(session, CoachMessage(role="system", content=say.last_turn_note(limit)))
