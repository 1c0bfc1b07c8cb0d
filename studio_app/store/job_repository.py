"""Generation jobs' repository: :class:`GenerationJob` in and out of ``generation_jobs``;
every status change goes through the job state machine (:mod:`studio_app.domain.jobs`)."""

from __future__ import annotations

import builtins
from typing import Any

from sqlalchemy import select, update

from studio_app.domain.jobs import GenerationJob, JobStatus, check_transition

from .models import GenerationJobRow
from .repository_base import DumpedModelRepository, aware, get_row, now


def _job_from_row(row: GenerationJobRow) -> GenerationJob:
    job = GenerationJob.model_validate(row, from_attributes=True)
    return job.model_copy(
        update={
            "created_at": aware(job.created_at),
            "updated_at": aware(job.updated_at),
            "completed_at": aware(job.completed_at),
        }
    )


class JobRepository(DumpedModelRepository[GenerationJob]):
    """Generation jobs (``add`` a job, normally status queued); every status change goes
    through the state machine."""

    row_type = GenerationJobRow

    def get(self, job_id: str) -> GenerationJob:
        """Raises NotFoundError when missing."""
        with self.db.session() as s:
            return _job_from_row(get_row(s, GenerationJobRow, job_id, "job"))

    def list(self, status: JobStatus | None = None, limit: int = 50, offset: int = 0) -> list[GenerationJob]:
        """Jobs with ``status`` (all when None), newest first (created_at, then id for equal
        times so pages never repeat or skip a job); ``limit`` rows after skipping ``offset``.

        Raises:
            ValueError: limit or offset is negative.
        """
        if limit < 0 or offset < 0:
            raise ValueError(f"limit and offset must be >= 0, got {limit} and {offset}")
        q = select(GenerationJobRow).order_by(GenerationJobRow.created_at.desc(), GenerationJobRow.id.desc())
        if status:
            q = q.where(GenerationJobRow.status == JobStatus(status).value)
        with self.db.session() as s:
            return [_job_from_row(r) for r in s.scalars(q.offset(offset).limit(limit))]

    def count(self, status: JobStatus | None = None) -> int:
        """Number of jobs with ``status`` (all when None), for paging."""
        where = [GenerationJobRow.status == JobStatus(status).value] if status else []
        return self._count(GenerationJobRow, *where)

    def update_status(
        self,
        job_id: str,
        status: JobStatus,
        *,
        progress: int | None = None,
        error_message: str | None = None,
    ) -> GenerationJob:
        """Move a job to ``status`` (checked against VALID_TRANSITIONS, under the row's
        transaction so two writers cannot both pass the check).

        Raises:
            NotFoundError: no such job.
            InvalidStateTransitionError: the move is not allowed.
        """
        with self.db.session() as s:
            row = get_row(s, GenerationJobRow, job_id, "job")
            moved = _job_from_row(row).transition(status, progress=progress, error_message=error_message)
            row.status = moved.status.value
            row.progress = moved.progress
            row.error_message = moved.error_message
            row.completed_at = moved.completed_at
            row.updated_at = moved.updated_at
            return moved

    def record_result(self, job_id: str, *, model: str | None = None,
                      requested_size: tuple[int, int] | None = None,
                      received_size: tuple[int, int] | None = None, upscale_factor: float | None = None,
                      result_notes: builtins.list[str] | None = None) -> GenerationJob:
        """Store what the model was asked for and what it returned (sizes in px); fields left
        None keep their value.

        Raises:
            NotFoundError: no such job.
        """
        with self.db.session() as s:
            row = get_row(s, GenerationJobRow, job_id, "job")
            if model:
                row.model = model
            if requested_size is not None:
                row.requested_size = list(requested_size)
            if received_size is not None:
                row.received_size = list(received_size)
            if upscale_factor is not None:
                row.upscale_factor = round(float(upscale_factor), 4)
            if result_notes is not None:
                row.result_notes = list(result_notes)
            row.updated_at = now()
            return _job_from_row(row)

    def set_progress(self, job_id: str, progress: int) -> None:
        """Record progress (percent 0-100) without changing status."""
        with self.db.session() as s:
            s.execute(
                update(GenerationJobRow)
                .where(GenerationJobRow.id == job_id)
                .values(progress=max(0, min(100, progress)), updated_at=now())
            )

    def fail_interrupted(self, message: str = "interrupted") -> builtins.list[str]:
        """Mark every queued or processing job failed with ``message`` (run at start:
        such jobs were left by a process that died). Returns their ids."""
        ids: builtins.list[str] = []
        with self.db.session() as s:
            rows = s.scalars(
                select(GenerationJobRow).where(
                    GenerationJobRow.status.in_([JobStatus.QUEUED.value, JobStatus.PROCESSING.value])
                )
            ).all()
            stamp = now()
            for row in rows:
                check_transition(JobStatus(row.status), JobStatus.FAILED)
                row.status = JobStatus.FAILED.value
                row.error_message = message
                row.completed_at = stamp
                row.updated_at = stamp
                ids.append(row.id)
        return ids

    def merge_parameters(self, job_id: str, changes: dict[str, Any]) -> GenerationJob:
        """Merge ``changes`` into the job's ``parameters`` JSON (e.g. a batch's per-candidate
        outcomes) without touching its status; one transaction, so concurrent candidates of a
        batch never lose each other's keys.

        Raises:
            NotFoundError: no such job.
        """
        with self.db.session() as s:
            row = get_row(s, GenerationJobRow, job_id, "job")
            row.parameters = {**(row.parameters or {}), **changes}
            row.updated_at = now()
            s.flush()
            return _job_from_row(row)
