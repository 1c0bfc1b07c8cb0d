"""GenerationJob, JobStatus and the job state machine.

The state machine is the original design's (correctness property 9, docs/architecture.md).
Two documented extensions for the desktop app:

* ``queued -> failed``: a job can fail before a worker picks it up (the app was
  killed while it waited: "interrupted", or its input could not be prepared).
* ``cancelled``: a terminal state reached from ``queued`` or ``processing`` when
  the streamer cancels (GUI button or Ctrl+C in the CLI).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .asset_types import AssetType


class JobStatus(StrEnum):
    """Lifecycle state of a GenerationJob."""

    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"


VALID_TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    JobStatus.QUEUED: frozenset({JobStatus.PROCESSING, JobStatus.FAILED, JobStatus.CANCELLED}),
    JobStatus.PROCESSING: frozenset(
        {JobStatus.COMPLETED, JobStatus.PARTIAL, JobStatus.FAILED, JobStatus.CANCELLED}
    ),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.PARTIAL: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}

TERMINAL_STATUSES = frozenset(s for s, nxt in VALID_TRANSITIONS.items() if not nxt)


class InvalidStateTransitionError(ValueError):
    """A job was asked to move between two states the state machine does not connect."""

    def __init__(self, current: JobStatus, target: JobStatus) -> None:
        super().__init__(f"invalid job transition {current.value} -> {target.value}")
        self.current = current
        self.target = target


def check_transition(current: JobStatus, target: JobStatus) -> None:
    """Raise InvalidStateTransitionError unless ``current -> target`` is in VALID_TRANSITIONS."""
    if target not in VALID_TRANSITIONS[JobStatus(current)]:
        raise InvalidStateTransitionError(JobStatus(current), JobStatus(target))


UPSCALE_NOTE_THRESHOLD = 1.25
"""An upscale factor above this is worth telling the streamer about (the result is soft)."""


class GenerationJob(BaseModel):
    """One generation request and its progress (percent 0-100).

    Attributes (besides the original design's):
        requested_size: (width, height) px asked of the model (Gemini: the documented output of
            the chosen aspectRatio/imageSize; OpenAI: the ``size`` sent); None before it ran.
        received_size: (width, height) px of the image the model returned.
        upscale_factor: how much the received image was enlarged to cover the exact target
            size (max of target/received per side; below 1 means it was reduced).
        result_notes: one-line notes for the results ("upscaled x1.9", "background could not
            be removed, kept opaque").
    """

    model_config = ConfigDict(from_attributes=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    brand_kit_id: str | None = None
    canvas_document_id: str | None = None
    coach_session_id: str | None = None
    asset_type: AssetType
    status: JobStatus = JobStatus.QUEUED
    prompt: str = ""
    provider: str = "offline"
    model: str | None = None
    progress: int = Field(0, ge=0, le=100)
    error_message: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    completed_at: datetime | None = None
    requested_size: tuple[int, int] | None = None
    received_size: tuple[int, int] | None = None
    upscale_factor: float | None = None
    result_notes: list[str] = Field(default_factory=list)

    @property
    def upscaled_noticeably(self) -> bool:
        """True when the result was enlarged by more than UPSCALE_NOTE_THRESHOLD."""
        return self.upscale_factor is not None and self.upscale_factor > UPSCALE_NOTE_THRESHOLD

    def transition(self, target: JobStatus, *, progress: int | None = None,
                   error_message: str | None = None) -> GenerationJob:
        """Return a copy moved to ``target``.

        Raises:
            InvalidStateTransitionError: the move is not allowed.
        """
        check_transition(self.status, target)
        now = datetime.now(UTC)
        update: dict[str, Any] = {"status": target, "updated_at": now}
        if progress is not None:
            update["progress"] = progress
        if error_message is not None:
            update["error_message"] = error_message
        if target in TERMINAL_STATUSES:
            update["completed_at"] = now
            if target == JobStatus.COMPLETED:
                update["progress"] = 100
        return self.model_copy(update=update)


MAX_BATCH_CANDIDATES = 4
"""Variations: one batch job makes 1 to 4 candidates of the same request."""


def batch_status(succeeded: int, total: int, *, cancelled: bool = False) -> JobStatus:
    """The terminal status of a batch job of ``total`` candidates, ``succeeded`` of which gave
    an asset (the original design's state machine: ``processing -> partial`` is for batch jobs).

    ``completed`` when all succeeded, ``partial`` when some did, ``failed`` when none did
    (``cancelled`` instead when the streamer cancelled and none were kept).

    Raises:
        ValueError: ``total`` < 1 or ``succeeded`` outside 0..total.
    """
    if total < 1 or not 0 <= succeeded <= total:
        raise ValueError(f"invalid batch outcome {succeeded} of {total}")
    if succeeded == total:
        return JobStatus.COMPLETED
    if succeeded:
        return JobStatus.PARTIAL
    return JobStatus.CANCELLED if cancelled else JobStatus.FAILED
