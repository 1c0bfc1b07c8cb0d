"""The job-event vocabulary: what a generation job tells the GUI, the coach and the results.

One typed message per event instead of parallel ``(job_id, str)`` signals. The shape follows
krita-ai-diffusion's ``ClientEvent`` enum + ``ClientMessage`` record: a kind and a frozen
record of the job id and the payload fields that kind uses (the others stay None).

Order for one job: ``queued``; ``status`` (processing); ``progress`` (percent, only ever
growing) and ``candidate`` (one per candidate, as it ends) interleaved; ``status`` with the
final stored status; then ``completed`` once per asset kept (completed or partial job), or
``failed`` / ``cancelled`` once when the job ends without an asset. A job cancelled while it
waited sends ``status`` (cancelled) and ``cancelled`` only; a job whose row could not be
stored sends ``failed`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .jobs import JobStatus


class JobEvent(StrEnum):
    """Kinds of job event (see the module docstring for their order)."""

    QUEUED = "queued"
    """The queued job row is stored (``status`` is QUEUED)."""
    STATUS = "status"
    """The stored status changed (``status``: processing or a final status)."""
    PROGRESS = "progress"
    """The job's progress (``progress``: percent 0-100, the mean of its candidates')."""
    CANDIDATE = "candidate"
    """A candidate ended (``index``; ``asset_id`` when it gave an asset, else ``error``)."""
    COMPLETED = "completed"
    """An asset is kept (``asset_id``); sent after the job's final status is stored."""
    FAILED = "failed"
    """The job ended failed, without an asset (``error``: one line for people)."""
    CANCELLED = "cancelled"
    """The job ended cancelled, without an asset (``error``: the cancel message)."""


_REQUIRED: dict[JobEvent, tuple[str, ...]] = {
    JobEvent.QUEUED: ("status",),
    JobEvent.STATUS: ("status",),
    JobEvent.PROGRESS: ("progress",),
    JobEvent.CANDIDATE: ("index",),
    JobEvent.COMPLETED: ("asset_id",),
    JobEvent.FAILED: ("error",),
    JobEvent.CANCELLED: ("error",),
}


@dataclass(frozen=True, slots=True)
class JobMessage:
    """One job event.

    Attributes:
        event: the kind (JobEvent).
        job_id: the GenerationJob's id.
        status: QUEUED / STATUS: the stored status.
        progress: PROGRESS: percent 0-100.
        index: CANDIDATE: the candidate's index in its batch (0-based).
        asset_id: COMPLETED: the kept Asset's id; CANDIDATE: its asset, or None when it failed.
        error: FAILED / CANCELLED: one line for people; CANDIDATE: why it gave no asset.

    Raises:
        ValueError: a field the kind needs is missing, or the percent is outside 0-100.
    """

    event: JobEvent
    job_id: str
    status: JobStatus | None = None
    progress: int | None = None
    index: int | None = None
    asset_id: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        missing = [name for name in _REQUIRED[self.event] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.event.value} job event needs {', '.join(missing)}")
        if self.progress is not None and not 0 <= self.progress <= 100:
            raise ValueError(f"progress is a percent 0-100, not {self.progress}")

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def queued(cls, job_id: str) -> JobMessage:
        """The queued row of ``job_id`` is stored."""
        return cls(JobEvent.QUEUED, job_id, status=JobStatus.QUEUED)

    @classmethod
    def status_changed(cls, job_id: str, status: JobStatus) -> JobMessage:
        """``job_id`` now has ``status`` (stored); QUEUED makes a ``queued`` event."""
        status = JobStatus(status)
        if status == JobStatus.QUEUED:
            return cls.queued(job_id)
        return cls(JobEvent.STATUS, job_id, status=status)

    @classmethod
    def progressed(cls, job_id: str, percent: int) -> JobMessage:
        """``job_id`` is at ``percent`` (0-100)."""
        return cls(JobEvent.PROGRESS, job_id, progress=percent)

    @classmethod
    def candidate_ended(cls, job_id: str, index: int, asset_id: str | None,
                        error: str | None = None) -> JobMessage:
        """Candidate ``index`` of ``job_id`` ended with ``asset_id``, or without one (``error``)."""
        return cls(JobEvent.CANDIDATE, job_id, index=index, asset_id=asset_id or None,
                   error=None if asset_id else (error or ""))

    @classmethod
    def completed(cls, job_id: str, asset_id: str) -> JobMessage:
        """``asset_id`` is kept from ``job_id``."""
        return cls(JobEvent.COMPLETED, job_id, asset_id=asset_id)

    @classmethod
    def failed(cls, job_id: str, message: str) -> JobMessage:
        """``job_id`` ended failed without an asset."""
        return cls(JobEvent.FAILED, job_id, error=message)

    @classmethod
    def cancelled(cls, job_id: str, message: str) -> JobMessage:
        """``job_id`` ended cancelled without an asset."""
        return cls(JobEvent.CANCELLED, job_id, error=message)

    # -- questions ----------------------------------------------------------------------------
    @property
    def changes_status(self) -> bool:
        """True for ``queued`` and ``status`` (the stored status changed; see ``status``)."""
        return self.event in (JobEvent.QUEUED, JobEvent.STATUS)

    @property
    def ends_without_asset(self) -> bool:
        """True for ``failed`` and ``cancelled`` (the job's last event; ``error`` says why)."""
        return self.event in (JobEvent.FAILED, JobEvent.CANCELLED)
