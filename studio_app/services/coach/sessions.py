"""Coach sessions in memory and in the store: open, save, append a message, expire, list, delete.

A session is ``active`` until the streamer ends it (``ended``) or leaves it idle longer than
``CoachSettings.idle_expiry_minutes`` (``expired``, checked whenever a session is opened, listed
or used). A session whose reply is still streaming never expires. Ended and expired sessions
are read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from studio_app.domain.coach import CoachMessage, CoachSession, CoachStatus
from studio_app.store.repositories import NotFoundError

from ..context import StudioStore
from .models import CoachError, CoachSessionPage, CoachSettings, SessionReadOnlyError


class SessionBook:
    """The open sessions (cached in memory) over the store's ``coach_sessions``.

    Args:
        store: the opened data dir.
        clock: the current UTC time.
        settings: the current coach settings (idle expiry).
        busy: True for a session whose reply still streams (it does not expire).
        message_added: called as (session id, index) after a message is appended.
        session_changed: called with the session id after its status changed.
    """

    def __init__(self, store: StudioStore, *, clock: Callable[[], datetime], settings: Callable[[], CoachSettings],
                 busy: Callable[[str], bool], message_added: Callable[[str, int], object],
                 session_changed: Callable[[str], object]) -> None:
        self.store, self.clock, self._settings, self._busy = store, clock, settings, busy
        self._message_added, self._session_changed = message_added, session_changed
        self._open: dict[str, CoachSession] = {}

    def add(self, session: CoachSession) -> None:
        """Keep a new session open (it is stored by the next ``save``)."""
        self._open[session.id] = session

    def cached(self, session_id: str) -> CoachSession | None:
        """The open session, or None when it is not in memory (no store read, no expiry check)."""
        return self._open.get(session_id)

    def forget(self, session_id: str) -> None:
        """Drop the in-memory copy; the stored session is untouched."""
        self._open.pop(session_id, None)

    def get(self, session_id: str) -> CoachSession:
        """The session (expiry applied), read from the store the first time.

        Raises:
            CoachError: no such session.
        """
        session = self._open.get(session_id)
        if session is None:
            try:
                session = self.store.coach_sessions.get(session_id)
            except NotFoundError:
                raise CoachError("That coach session no longer exists.") from None
            self._open[session_id] = session
        self.check_expiry(session)
        return session

    def writable(self, session_id: str) -> CoachSession:
        """The session, when it is active.

        Raises:
            SessionReadOnlyError: ended or expired.
            CoachError: no such session.
        """
        session = self.get(session_id)
        if session.status != CoachStatus.ACTIVE:
            word = "ended" if session.status == CoachStatus.ENDED else "expired"
            raise SessionReadOnlyError(f"This session has {word} and is read-only; continue in a new session.")
        return session

    def append(self, session: CoachSession, message: CoachMessage, *, save: bool = False) -> int:
        """Append ``message`` (reported through ``message_added``); returns its index."""
        session.messages.append(message)
        index = len(session.messages) - 1
        self._message_added(session.id, index)
        if save:
            self.save(session)
        return index

    def save(self, session: CoachSession) -> None:
        """Store the session (insert or update); its ``updated_at`` becomes the time of the write.

        Raises:
            sqlalchemy.exc.SQLAlchemyError: the database refused the write.
        """
        stored = self.store.coach_sessions.save(session)
        session.updated_at = stored.updated_at

    def end(self, session: CoachSession) -> None:
        """Mark an active session ended (read-only from now on)."""
        if session.status == CoachStatus.ACTIVE:
            session.status, session.ended_at = CoachStatus.ENDED, self.clock()
            self.save(session)
            self._session_changed(session.id)

    def check_expiry(self, session: CoachSession) -> None:
        """Expire ``session`` when it is active, not streaming and idle longer than the setting."""
        if session.status != CoachStatus.ACTIVE or self._busy(session.id):
            return
        idle = timedelta(minutes=self._settings().idle_expiry_minutes)
        if self.clock() - session.updated_at > idle:
            session.status = CoachStatus.EXPIRED
            session.ended_at = session.updated_at + idle
            self.save(session)
            self._session_changed(session.id)

    def expire_idle(self) -> list[str]:
        """Expire every active session idle longer than the setting; returns their ids."""
        cutoff = self.clock() - timedelta(minutes=self._settings().idle_expiry_minutes)
        expired = []
        for row in self.store.coach_sessions.summaries(limit=10_000, status=CoachStatus.ACTIVE.value):
            if row.updated_at < cutoff and not self._busy(row.id):
                cached = row.id in self._open
                self.check_expiry(self.get(row.id))
                if not cached:  # don't keep every expired conversation in memory
                    self._open.pop(row.id, None)
                expired.append(row.id)
        return expired

    def page(self, limit: int = 100, offset: int = 0, status: CoachStatus | None = None) -> CoachSessionPage:
        """Stored sessions as list rows, most recently updated first (expiry applied first)."""
        self.expire_idle()
        status_value = status.value if status else None
        return CoachSessionPage(
            sessions=self.store.coach_sessions.summaries(limit, offset, status_value),
            total=self.store.coach_sessions.count(status_value),
        )

    def delete(self, session_id: str) -> None:
        """Tombstone the stored session (sync carries the deletion) and drop it from memory."""
        self._open.pop(session_id, None)
        self.store.coach_sessions.soft_delete(session_id)
