"""Reply streaming: an LLM's reply runs on a pool thread and arrives, piece by piece, on the GUI thread.

``ReplyStreams`` keeps the running replies (at most one a session) and starts two kinds of pool
work through the shared worker helper (services/workers.py): ``_stream_reply`` iterates a
ChatEngine's stream (each piece is the worker's progress), ``_check_connection`` runs an
engine's ``test_connection``. Their reports land on the GUI thread; a worker that outlives the
service (app closing) reports nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool

from studio_app.providers.base import CancelToken
from studio_app.providers.errors import GenerationCancelledError, GenerationError

from ..workers import WorkerContext, run_in_pool
from .models import ChatEngine, one_line

if TYPE_CHECKING:  # providers.chat (and httpx) load on the first coach turn, not at start-up
    from studio_app.providers.chat import ChatMessage

log = logging.getLogger(__name__)

StreamStatus = str
"""How a reply ended: ``ok``, ``stopped`` or ``error``."""


@dataclass
class ReplyStream:
    """One running LLM reply.

    Attributes:
        id: unique id of this reply (a session has one running reply at most).
        session_id: the coach session it answers in.
        token: set by Stop; the worker stops reading the stream.
        parts: the text pieces received so far, in order.
        finished: True once the reply ended (later pieces are dropped).
    """

    id: str
    session_id: str
    token: CancelToken
    parts: list[str] = field(default_factory=list)
    finished: bool = False

    def text(self) -> str:
        """The reply so far."""
        return "".join(self.parts)


def _check_connection(engine: object) -> tuple[bool, str]:
    """Run ``engine.test_connection()`` (on a pool thread: it may read the keyring and the network).

    Returns:
        (ok, one-line message); never raises.
    """
    try:
        ok, message = True, engine.test_connection()  # type: ignore[attr-defined]  # the caller checked it is callable
    except GenerationError as exc:
        ok, message = False, one_line(str(exc))
    except Exception as exc:  # report, never crash the pool thread
        log.exception("coach connection test crashed")
        ok, message = False, f"The connection test failed unexpectedly ({type(exc).__name__})."
    finally:
        close = getattr(engine, "close", None)
        if callable(close):
            close()
    return ok, one_line(message)


def _stream_reply(ctx: WorkerContext, engine: ChatEngine, turns: list[ChatMessage], system: str,
                  stream: ReplyStream) -> tuple[StreamStatus, str]:
    """Iterate one chat stream on a pool thread; each piece goes out as ``ctx.progress(text)``.

    Returns:
        (status, one-line message): ``ok``, ``stopped`` (Stop set the stream's token) or
        ``error`` with the reason; never raises.
    """
    token = stream.token
    try:
        chunks = engine.stream_chat(turns, system, cancel=token)
        try:
            for chunk in chunks:
                if token.cancelled:
                    break
                if chunk:
                    ctx.progress(chunk)
        finally:
            close = getattr(chunks, "close", None)
            if callable(close):
                close()
        return ("stopped" if token.cancelled else "ok"), ""
    except GenerationCancelledError:
        return "stopped", ""
    except GenerationError as exc:
        return "error", one_line(str(exc)) or "The coach failed."
    except Exception as exc:  # a bug must still end the reply visibly
        log.exception("coach stream %s crashed", stream.id)
        return "error", f"The coach failed unexpectedly ({type(exc).__name__})."


class ReplyStreams:
    """The running LLM replies of a CoachService, and its connection checks.

    Args:
        parent: the QObject (the service) whose thread receives the reports.
        pool: runs the workers.
        on_token: called as (stream, text) for each new piece of a running reply.
        on_done: called as (stream, status, one-line message) when a reply ends by itself
            (``ok`` or ``error``, or ``stopped`` when the worker noticed the cancel first).
        on_checked: called as (ok, one-line message) with a connection check's result.
    """

    def __init__(self, parent: QObject, pool: QThreadPool, *, on_token: Callable[[ReplyStream, str], None],
                 on_done: Callable[[ReplyStream, StreamStatus, str], None],
                 on_checked: Callable[[bool, str], None]) -> None:
        self.pool, self._owner = pool, parent
        self._on_token, self._on_done, self._on_checked = on_token, on_done, on_checked
        self._streams: dict[str, ReplyStream] = {}
        self._by_session: dict[str, ReplyStream] = {}

    def start(self, session_id: str, engine: ChatEngine, turns: list[ChatMessage], system: str) -> ReplyStream:
        """Start streaming ``engine``'s reply to ``turns`` under the ``system`` prompt."""
        stream = ReplyStream(id=uuid.uuid4().hex, session_id=session_id, token=CancelToken())
        self._streams[stream.id] = stream
        self._by_session[session_id] = stream
        run_in_pool(lambda ctx: _stream_reply(ctx, engine, turns, system, stream), pool=self.pool,
                    owner=self._owner, on_progress=lambda text: self._token(stream.id, text),
                    on_result=lambda outcome: self._done(stream.id, *outcome),
                    on_error=lambda exc: self._done(stream.id, "error", f"The coach failed unexpectedly "
                                                                        f"({type(exc).__name__})."))
        return stream

    def check_connection(self, engine: object) -> None:
        """Run ``engine.test_connection()`` on the pool; the result goes to ``on_checked``."""
        run_in_pool(lambda _ctx: _check_connection(engine), pool=self.pool, owner=self._owner,
                    on_result=lambda outcome: self._on_checked(*outcome))

    def running(self, session_id: str) -> ReplyStream | None:
        """The session's running reply, or None."""
        return self._by_session.get(session_id)

    def any_running(self) -> bool:
        """True while any reply streams."""
        return bool(self._by_session)

    def all_running(self) -> list[ReplyStream]:
        """Every running reply."""
        return list(self._by_session.values())

    def end(self, stream: ReplyStream) -> None:
        """Mark ``stream`` finished; pieces its worker still sends are dropped (Stop also cancels its token)."""
        stream.finished = True
        self._by_session.pop(stream.session_id, None)

    def _token(self, stream_id: str, text: str) -> None:
        stream = self._streams.get(stream_id)
        if stream is None or stream.finished:
            return
        stream.parts.append(text)
        self._on_token(stream, text)

    def _done(self, stream_id: str, status: str, message: str) -> None:
        stream = self._streams.get(stream_id)
        if stream is not None and not stream.finished:
            self.end(stream)
            self._on_done(stream, status, message)
        self._streams.pop(stream_id, None)
