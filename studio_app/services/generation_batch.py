"""Batch: one generation job's candidates while they run (progress, outcomes, final job)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from studio_app.domain.asset import Asset
from studio_app.domain.jobs import GenerationJob
from studio_app.providers.base import CancelToken

from .generation_request import GenerateRequest


class Batch:
    """One batch job while it runs: its candidates' progress and outcomes (under ``lock``).

    Attributes:
        job: the job as last stored by the worker side.
        request: what was asked (``request.count`` candidates).
        token: cancels every candidate.
        progress: an extra progress callback (percent 0-100), or None.
        percent: each candidate's percent; ``reported`` the job's last reported mean.
        outcomes: per candidate, None while it runs, then (asset or None, error or None).
        models: the model each provider answer named; ``details`` its sizes (px) and notes.
        final: the final stored job once ``done`` is set.
    """

    def __init__(self, job: GenerationJob, request: GenerateRequest, token: CancelToken,
                 progress: Callable[[int], None] | None) -> None:
        self.lock = threading.Lock()
        self.job, self.request, self.token, self.progress = job, request, token, progress
        self.started = False
        self.percent = [0] * request.count
        self.reported = 0
        self.outcomes: list[tuple[Asset | None, str | None] | None] = [None] * request.count
        self.models: list[str | None] = [None] * request.count  # the model each answer names
        self.details: list[dict[str, Any]] = [{} for _ in range(request.count)]  # sizes and notes of each answer
        self.final: GenerationJob | None = None
        self.done = threading.Event()

    def ended(self) -> list[tuple[Asset | None, str | None]]:
        """Each candidate's (asset or None, error or None), in candidate order, once all ended.

        Raises:
            RuntimeError: a candidate has not ended yet.
        """
        if any(o is None for o in self.outcomes):
            raise RuntimeError("a candidate of this batch is still running")
        return [o for o in self.outcomes if o is not None]
