"""Reply streaming: an LLM's reply runs on a pool thread and arrives, piece by piece, on the GUI thread.

``ReplyStreams`` keeps the running replies (at most one a session) and starts two kinds of pool
work: ``_ReplyWorker`` iterates a ChatEngine's stream, ``_ConnectionCheck`` runs an engine's
``test_connection``. Both report through a QObject sink whose queued signals land on the thread
that owns the service; a worker that outlives the service (app closing) reports nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from studio_app.providers.base import CancelToken
from studio_app.providers.errors import GenerationCancelledError, GenerationError

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


class _StreamSink(QObject):
    token = Signal(str, str)  # stream id, text
    done = Signal(str, str, str)  # stream id, "ok" | "stopped" | "error", message
    checked = Signal(bool, str)  # connection test: ok, one line


class _ConnectionCheck(QRunnable):
    """Runs an engine's test_connection on a pool thread (it may read the keyring and the network)."""

    def __init__(self, engine: object, sink: _StreamSink) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._engine, self._sink = engine, sink

    def run(self) -> None:
        try:
            ok, message = True, self._engine.test_connection()  # type: ignore[attr-defined]  # checked callable by the caller
        except GenerationError as exc:
            ok, message = False, one_line(str(exc))
        except Exception as exc:  # report, never crash the pool thread
            log.exception("coach connection test crashed")
            ok, message = False, f"The connection test failed unexpectedly ({type(exc).__name__})."
        finally:
            close = getattr(self._engine, "close", None)
            if callable(close):
                close()
        try:
            self._sink.checked.emit(ok, one_line(message))
        except RuntimeError:
            pass


class _ReplyWorker(QRunnable):
    """Iterates one chat stream on a pool thread and reports through the sink."""

    def __init__(self, engine: ChatEngine, turns: list[ChatMessage], system: str, stream: ReplyStream,
                 sink: _StreamSink) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._engine, self._turns, self._system, self._stream, self._sink = engine, turns, system, stream, sink

    def _emit(self, signal_name: str, *args: str) -> None:
        try:
            getattr(self._sink, signal_name).emit(*args)
        except RuntimeError:  # the service was deleted while we ran (app closing)
            pass

    def run(self) -> None:
        token, sid = self._stream.token, self._stream.id
        try:
            chunks = self._engine.stream_chat(self._turns, self._system, cancel=token)
            try:
                for chunk in chunks:
                    if token.cancelled:
                        break
                    if chunk:
                        self._emit("token", sid, chunk)
            finally:
                close = getattr(chunks, "close", None)
                if callable(close):
                    close()
            self._emit("done", sid, "stopped" if token.cancelled else "ok", "")
        except GenerationCancelledError:
            self._emit("done", sid, "stopped", "")
        except GenerationError as exc:
            self._emit("done", sid, "error", one_line(str(exc)) or "The coach failed.")
        except Exception as exc:  # a bug must still end the reply visibly
            log.exception("coach stream %s crashed", sid)
            self._emit("done", sid, "error", f"The coach failed unexpectedly ({type(exc).__name__}).")


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
        self.pool = pool
        self._on_token, self._on_done = on_token, on_done
        self._streams: dict[str, ReplyStream] = {}
        self._by_session: dict[str, ReplyStream] = {}
        self._sink = _StreamSink(parent)
        self._sink.token.connect(self._token)
        self._sink.done.connect(self._done)
        self._sink.checked.connect(on_checked)

    def start(self, session_id: str, engine: ChatEngine, turns: list[ChatMessage], system: str) -> ReplyStream:
        """Start streaming ``engine``'s reply to ``turns`` under the ``system`` prompt."""
        stream = ReplyStream(id=uuid.uuid4().hex, session_id=session_id, token=CancelToken())
        self._streams[stream.id] = stream
        self._by_session[session_id] = stream
        self.pool.start(_ReplyWorker(engine, turns, system, stream, self._sink))
        return stream

    def check_connection(self, engine: object) -> None:
        """Run ``engine.test_connection()`` on the pool; the result goes to ``on_checked``."""
        self.pool.start(_ConnectionCheck(engine, self._sink))

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
