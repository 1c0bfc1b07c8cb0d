"""Waiting for and recording GenerationService job events in tests.

The service emits one ``jobEvent(JobMessage)``; tests read a message as the argument tuple
of its kind with ``args_of``: ``completed`` -> (job_id, asset_id); ``failed`` / ``cancelled``
-> (job_id, message); ``queued`` / ``status`` -> (job_id, status value); ``progress`` ->
(job_id, percent); ``candidate`` -> (job_id, index, asset_id or "", error or "").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from studio_app.domain.job_events import JobEvent, JobMessage

COMPLETED = (JobEvent.COMPLETED,)
ENDED_WITHOUT_ASSET = (JobEvent.FAILED, JobEvent.CANCELLED)
STATUS_CHANGES = (JobEvent.QUEUED, JobEvent.STATUS)
PROGRESS = (JobEvent.PROGRESS,)
CANDIDATES = (JobEvent.CANDIDATE,)


def args_of(message: JobMessage | Any) -> tuple:
    """The argument tuple of ``message`` (a JobMessage, or a qtbot blocker that caught one)."""
    if not isinstance(message, JobMessage):
        message = message.args[0]
    match message.event:
        case JobEvent.COMPLETED:
            return message.job_id, message.asset_id
        case JobEvent.FAILED | JobEvent.CANCELLED:
            return message.job_id, message.error
        case JobEvent.QUEUED | JobEvent.STATUS:
            return message.job_id, message.status.value
        case JobEvent.PROGRESS:
            return message.job_id, message.progress
    return message.job_id, message.index, message.asset_id or "", message.error or ""


def wait_job_event(qtbot: Any, service: Any, kinds: tuple[JobEvent, ...], *, timeout: int,
                   check: Callable[..., bool] | None = None, raising: bool = True) -> Any:
    """A qtbot.waitSignal blocker on ``service.jobEvent`` for a message of one of ``kinds``
    (and, given ``check``, whose ``args_of`` tuple it accepts)."""
    def accept(message: JobMessage) -> bool:
        return message.event in kinds and (check is None or check(*args_of(message)))
    return qtbot.waitSignal(service.jobEvent, timeout=timeout, check_params_cb=accept, raising=raising)


def on_job_event(service: Any, kinds: tuple[JobEvent, ...], slot: Callable[..., object]) -> Callable[[JobMessage], None]:
    """Connect ``slot(*args_of(message))`` to ``service.jobEvent`` for messages of ``kinds``;
    returns the connected callable (to disconnect it)."""
    def relay(message: JobMessage) -> None:
        if message.event in kinds:
            slot(*args_of(message))
    service.jobEvent.connect(relay)
    return relay


def wait_coach_event(qtbot: Any, coach: Any, kinds: tuple[JobEvent, ...], *, timeout: int) -> Any:
    """A qtbot.waitSignal blocker on ``CoachService.jobEvent(session_id, JobMessage)`` for a
    message of one of ``kinds``; the blocker's ``args`` are (session_id, JobMessage)."""
    return qtbot.waitSignal(coach.jobEvent, timeout=timeout,
                            check_params_cb=lambda _session_id, message: message.event in kinds)
