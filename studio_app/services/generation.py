"""GenerationService: turns a canvas and a prompt into an Asset at the exact target size.

Each candidate of a job runs on a QThreadPool through the worker helper (services/workers.py).
Every status change goes through the job state machine (domain/jobs.py) and is stored before
its job event (domain/job_events.py) is emitted, so the GUI, the CLI and a restarted app all
see the same history.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from functools import partial

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage

from studio_app.domain.asset import Asset
from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.brand_kit import BrandKitContext
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.job_events import JobMessage
from studio_app.domain.jobs import (
    MAX_BATCH_CANDIDATES,
    GenerationJob,
    InvalidStateTransitionError,
    JobStatus,
    batch_status,
)
from studio_app.prompting.canvas_description import describe_canvas
from studio_app.prompting.engine import PromptEngine
from studio_app.providers.base import CancelToken, ImageRequest, InputImage
from studio_app.providers.errors import GenerationCancelledError, GenerationError
from studio_app.render.fit import ImageDecodeError, fit_image, png_bytes
from studio_app.render.snapshot import render_canvas_png
from studio_app.store.repositories import NotFoundError

from .context import StudioStore
from .generation_batch import Batch
from .generation_memory import (
    RESULT_CACHE_SIZE,
    SNAPSHOT_CACHE_SIZE,
    THUMBNAIL_CACHE_SIZE,
    THUMBNAIL_PX,
    GeneratedResult,
    RecentResults,
    SnapshotCache,
)
from .generation_request import GenerateRequest
from .generation_results import choose_references, mark_used, media_inputs, prepare_result, reference_limit
from .images import LibraryImageSource
from .provider_registry import ProviderFactory, ProviderRegistry
from .workers import WorkerContext, on_gui_thread, run_in_pool
from .workers import prepare as prepare_workers

__all__ = [
    "CANCELLED_MESSAGE", "INTERRUPTED_MESSAGE", "RESULT_CACHE_SIZE", "SNAPSHOT_CACHE_SIZE", "THUMBNAIL_CACHE_SIZE",
    "THUMBNAIL_PX", "GenerateRequest", "GeneratedResult", "GenerationError", "GenerationService", "ProviderFactory",
    "ProviderRegistry",
]

log = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = "interrupted: the app closed while this job was running"
CANCELLED_MESSAGE = "Cancelled."
class GenerationService(QObject):
    """Creates, runs, cancels and records generation jobs.

    A job makes ``request.count`` candidates (variations, 1-4) of one request: a batch job
    with one progress (the mean of its candidates'). It ends ``completed`` when every
    candidate gave an asset, ``partial`` when some did (error_message says how many failed
    and the first reason), ``failed`` when none did; each candidate's outcome is stored in
    ``parameters["candidates"]`` as ``{"index", "asset_id", "error", "model", "requested_size",
    "received_size", "upscale_factor", "notes"}`` (``model``: the model the provider's answer
    named; the sizes in px as ``[w, h]``; the job's own size fields hold the last candidate's).

    Signals (always emitted on the thread the service lives on, the GUI thread; worker and
    intake threads queue theirs to it in order):
        jobEvent(JobMessage): every job event, in the order domain/job_events.py gives:
            ``queued`` once the row is stored, ``status`` as the stored status changes,
            ``progress`` (percent 0-100), ``candidate`` as each candidate ends (index, asset
            id or one-line error); then, once the job's final status is stored, ``completed``
            for every asset kept (completed or partial), or once ``failed`` / ``cancelled``
            (error "Cancelled.") for a job that ends without an asset.
    """

    jobEvent = Signal(object)
    # Worker and intake threads announce through this one; it is queued to ``jobEvent`` on
    # the thread this service lives on, so every receiver (widgets, lambdas, test blockers) is
    # called on the GUI thread, in order.
    _jobEventFromThread = Signal(object)

    def __init__(self, store: StudioStore, *, providers: ProviderRegistry | None = None,
                 prompt_engine: PromptEngine | None = None, pool: QThreadPool | None = None,
                 image_source: LibraryImageSource | None = None) -> None:
        super().__init__()
        self._jobEventFromThread.connect(self.jobEvent, Qt.ConnectionType.QueuedConnection)
        prepare_workers()  # the intake thread starts workers: their dispatcher is made here
        self.store = store
        self.providers = providers or ProviderRegistry()
        self.prompts = prompt_engine or PromptEngine()
        self.pool = pool or QThreadPool.globalInstance()
        self.images = image_source or LibraryImageSource(store)
        self._cancels: dict[str, CancelToken] = {}
        self._started: set[str] = set()
        self._ended_early: set[str] = set()
        self._lock = threading.Lock()
        # Job and asset rows are written from the GUI thread (submit) and from every worker.
        # SQLite makes a writer that finds the file locked sleep in steps of up to 100 ms
        # (busy_timeout); taking turns on this lock instead hands over in microseconds, so
        # the GUI thread never sleeps behind a worker's progress update (issue 14: GUI stall).
        self._db_write = threading.Lock()
        self._snapshots = SnapshotCache()
        # Generate's prompt building and job row, off the GUI thread, in submit order.
        self._intake = ThreadPoolExecutor(1, thread_name_prefix="generation-intake")
        self._recorded: dict[str, Future] = {}
        # What the GUI shows of a result or an ended job, made on the worker (issue 14: the GUI
        # thread does no SQL, decode or prompt building per result).
        self._recent = RecentResults()

    # -- start-up -----------------------------------------------------------------
    def recover_interrupted(self) -> list[str]:
        """Mark jobs a crash left queued or processing as failed ("interrupted"). Returns their ids."""
        return self.store.jobs.fail_interrupted(INTERRUPTED_MESSAGE)

    # -- history ------------------------------------------------------------------
    def list_jobs(self, status: JobStatus | None = None, *, limit: int = 50, offset: int = 0) -> list[GenerationJob]:
        """Stored jobs, newest first, optionally only those in ``status``; ``limit`` jobs from
        ``offset`` (the jobs panel's pages)."""
        return self.store.jobs.list(status=status, limit=limit, offset=offset)

    def count_jobs(self, status: JobStatus | None = None) -> int:
        """How many stored jobs there are (in ``status``, when given)."""
        return self.store.jobs.count(status)

    # -- prompt -------------------------------------------------------------------
    def brand_context(self, brand_kit_id: str | None) -> tuple[BrandKitContext, str | None]:
        """The brand kit to inject: the given one, else the active kit, else defaults."""
        kit = None
        if brand_kit_id:
            try:
                kit = self.store.brand_kits.get(brand_kit_id)
            except NotFoundError:
                kit = None
        kit = kit or self.store.brand_kits.active()
        if kit is None:
            return BrandKitContext(), None
        return kit.context(), kit.id

    def build_prompt(self, request: GenerateRequest) -> str:
        """The full prompt for ``request`` (template + brand kit + canvas description + user text)."""
        if request.prompt_override:
            return request.prompt_override
        context, _ = self.brand_context(request.brand_kit_id)
        canvas = request.canvas if request.canvas_mode() else None
        description = describe_canvas(canvas) if canvas is not None else None
        return self.prompts.build_prompt(request.asset_type, context, request.custom_prompt,
                                         canvas_description=description)

    def references_for(self, canvas: CanvasDocument | None, selected: list[str] | None = None) -> list[str]:
        """Media asset ids the main Generate sends (generation_results.choose_references)."""
        return choose_references(self.store, list(selected or []), canvas)

    # -- jobs ---------------------------------------------------------------------
    def validate(self, request: GenerateRequest) -> None:
        """Refuse a request before any job exists.

        Raises:
            GenerationError: unknown provider, or more reference images than allowed.
        """
        if request.provider not in self.providers.names():
            self.providers.create(request.provider)  # raises the readable error
        if not 1 <= request.count <= MAX_BATCH_CANDIDATES:
            raise GenerationError(f"A batch makes 1 to {MAX_BATCH_CANDIDATES} candidates, not {request.count}.")
        limit = reference_limit(self.store)
        if len(dict.fromkeys(request.media_asset_ids)) > limit:
            raise GenerationError(f"At most {limit} media assets can go with one prompt (Settings → Library).")

    def create_job(self, request: GenerateRequest, *, job_id: str | None = None) -> GenerationJob:
        """Record a queued job for ``request`` (validates it first); ``job_id`` fixes its id.

        Raises:
            GenerationError: unknown provider, or more reference images than allowed.
        """
        self.validate(request)
        _, kit_id = self.brand_context(request.brand_kit_id)
        job = GenerationJob(
            id=job_id or str(uuid.uuid4()),
            asset_type=request.asset_type,
            prompt=self.build_prompt(request),
            provider=request.provider,
            model=request.model,
            brand_kit_id=kit_id,
            canvas_document_id=request.canvas.id if request.canvas else None,
            coach_session_id=request.coach_session_id,
            parameters={
                "custom_prompt": request.custom_prompt,
                "media_asset_ids": request.media_asset_ids,
                "canvas_mode": request.canvas_mode(),
                "count": request.count,
            },
        )
        with self._db_write:
            self.store.jobs.add(job)
        return job

    def submit(self, request: GenerateRequest) -> GenerationJob:
        """Queue ``request`` on the thread pool (one runnable per candidate); returns the queued
        job at once.

        Only the checks run on the calling (GUI) thread: the prompt (brand kit read, canvas
        description, template) and the job row are made on the service's intake thread, which
        then starts the candidates, so the GUI thread neither builds prompts nor waits for the
        database (issue 14: GUI stall). The ``queued`` job event is emitted once the row is
        stored; the returned job carries the id, status and request fields but an empty prompt
        (read the stored job for it). ``wait_recorded(job.id)`` waits for the row.

        Raises:
            GenerationError: see ``validate`` (nothing is recorded then).
        """
        self.validate(request)
        job = GenerationJob(id=str(uuid.uuid4()), asset_type=request.asset_type, provider=request.provider,
                            model=request.model, canvas_document_id=request.canvas.id if request.canvas else None,
                            coach_session_id=request.coach_session_id,
                            parameters={"custom_prompt": request.custom_prompt,
                                        "media_asset_ids": request.media_asset_ids,
                                        "canvas_mode": request.canvas_mode(), "count": request.count})
        batch = Batch(job, request, CancelToken(), None)
        with self._lock:
            self._cancels[job.id] = batch.token
            self._recorded[job.id] = self._intake.submit(self._record_and_start, batch)
        return job

    def wait_recorded(self, job_id: str, timeout: float | None = 10.0) -> None:
        """Wait until a job ``submit`` returned is stored (its candidates are then queued)."""
        with self._lock:
            future = self._recorded.get(job_id)
        if future is not None:
            futures_wait([future], timeout=timeout)

    def _record_and_start(self, batch: Batch) -> None:
        """Intake thread: build the prompt, store the queued job, start its candidates."""
        job_id = batch.job.id
        try:
            try:
                batch.job = self.create_job(batch.request, job_id=job_id)
            except Exception as exc:  # a bug or a full disk: the job must end visibly
                log.exception("recording generation job %s failed", job_id)
                with self._lock:
                    self._cancels.pop(job_id, None)
                    self._ended_early.discard(job_id)
                self._announce(JobMessage.failed(job_id, f"The job could not be recorded: {_one_line(str(exc))}"))
                return
            self._announce(JobMessage.status_changed(job_id, batch.job.status))
            for index in range(batch.request.count):
                run_in_pool(partial(self._run_candidate, batch, index), pool=self.pool)
        finally:
            with self._lock:
                self._recorded.pop(job_id, None)

    def run(self, request: GenerateRequest, *, cancel: CancelToken | None = None,
            progress: Callable[[int], None] | None = None) -> tuple[GenerationJob, Asset | None]:
        """Create and run a job, waiting for it (CLI, tests).

        Returns the final job and its first asset (None when none was kept).
        """
        job, assets = self.run_batch(request, cancel=cancel, progress=progress)
        return job, (assets[0] if assets else None)

    def run_batch(self, request: GenerateRequest, *, cancel: CancelToken | None = None,
                  progress: Callable[[int], None] | None = None) -> tuple[GenerationJob, list[Asset]]:
        """Create and run a batch job of ``request.count`` candidates, waiting for it: one
        candidate runs on the calling thread, several run side by side on their own threads.

        Returns the final job and the assets kept, in candidate order.

        Raises:
            GenerationError: see ``create_job`` (nothing is recorded then).
        """
        if not isinstance(request, GenerateRequest):
            raise TypeError("run_batch() takes a GenerateRequest")
        job = self.create_job(request)
        batch = Batch(job, request, cancel or CancelToken(), progress)
        with self._lock:
            self._cancels[job.id] = batch.token
        if request.count == 1:
            self._run_candidate(batch, 0)
        else:
            with ThreadPoolExecutor(request.count, thread_name_prefix="candidate") as ex:
                list(ex.map(lambda i: self._run_candidate(batch, i), range(request.count)))
        batch.done.wait()
        return batch.final or self.store.jobs.get(job.id), [a for a, _ in batch.ended() if a is not None]

    def cancel(self, job_id: str) -> bool:
        """Ask a queued or running job to stop; safe from any thread.

        A job still waiting for a worker is recorded as cancelled at once (its runnable
        then does nothing). A running job stops at its next check: within about 20 ms
        while it waits on the network (providers/transport.py), else after the current
        step (snapshot render, fitting); it then ends ``cancelled``, with no asset.

        Returns:
            False when the job is not queued or running in this service.
        """
        with self._lock:
            token = self._cancels.get(job_id)
            if token is None:
                return False
            token.cancel()
            early = job_id not in self._started
            if early:
                self._ended_early.add(job_id)
        if early:
            self.wait_recorded(job_id)  # the intake thread may still be storing the queued row
            try:
                with self._db_write:
                    job = self.store.jobs.update_status(job_id, JobStatus.CANCELLED,
                                                        error_message=CANCELLED_MESSAGE)
            except (InvalidStateTransitionError, NotFoundError):
                return True
            self._recent.keep_ended(job)
            self._announce(JobMessage.status_changed(job.id, job.status))
            self._announce(JobMessage.cancelled(job.id, CANCELLED_MESSAGE))
        return True

    def is_active(self, job_id: str) -> bool:
        """True while ``job_id`` is queued or running in this service (it can be cancelled)."""
        with self._lock:
            return job_id in self._cancels and job_id not in self._ended_early

    def _announce(self, message: JobMessage) -> None:
        """Emit ``jobEvent(message)`` on the GUI thread: at once when called there, queued
        (in order) from a worker or the intake thread."""
        if on_gui_thread():
            self.jobEvent.emit(message)
        else:
            self._jobEventFromThread.emit(message)

    # -- worker -------------------------------------------------------------------
    def _set_status(self, job: GenerationJob, status: JobStatus, *, progress: int | None = None,
                    error: str | None = None) -> GenerationJob:
        with self._db_write:
            job = self.store.jobs.update_status(job.id, status, progress=progress, error_message=error)
        self._announce(JobMessage.status_changed(job.id, job.status))
        return job

    def _progress(self, batch: Batch, index: int, percent: int) -> None:
        """Record candidate ``index`` at ``percent``; the job shows the candidates' mean."""
        with batch.lock:  # held while reporting, so the figures reported only ever grow
            batch.percent[index] = max(batch.percent[index], percent)
            overall = sum(batch.percent) // len(batch.percent)
            if overall <= batch.reported:
                return
            batch.reported = overall
            with self._db_write:
                self.store.jobs.set_progress(batch.job.id, overall)
            self._announce(JobMessage.progressed(batch.job.id, overall))
            if batch.progress:
                batch.progress(overall)

    def result(self, asset_id: str) -> GeneratedResult | None:
        """The result ``asset_id`` as this service's worker delivered it (asset, job facts,
        thumbnail), or None when it is not one of the last RESULT_CACHE_SIZE or was forgotten.
        Kept before its ``candidate`` / ``completed`` events are emitted. Thread-safe."""
        return self._recent.result(asset_id)

    def ended_job(self, job_id: str) -> GenerationJob | None:
        """The stored final state of a job this service ended recently (kept before its
        ``completed`` / ``failed`` / ``cancelled`` events are emitted), or None. Thread-safe."""
        return self._recent.ended_job(job_id)

    def thumbnail_image(self, asset_id: str) -> QImage | None:
        """The worker's preview of a recent result as a QImage (longest side THUMBNAIL_PX), or None."""
        found = self.result(asset_id)
        return found.thumbnail if found is not None else None

    def forget(self, asset_id: str) -> None:
        """Drop what is kept in memory of ``asset_id`` (it was deleted)."""
        self._recent.forget(asset_id)

    def thumbnail_png(self, asset_id: str) -> bytes | None:
        """A small PNG (longest side THUMBNAIL_PX) of an asset this service generated
        recently, made on the job's worker so the GUI thread decodes no full-size image;
        None when it is not kept (use the asset's blob)."""
        return self._recent.thumbnail_png(asset_id)

    def snapshot_png(self, canvas: CanvasDocument) -> bytes:
        """The 2x canvas snapshot as PNG (render.snapshot), rendered once per canvas state.

        Generating an unchanged canvas again (variants, several targets) reuses the last
        SNAPSHOT_CACHE_SIZE snapshots. The key is the document's JSON plus the blob each
        placement draws, so any edit or changed media renders anew. Jobs asking for the
        same snapshot at once wait for one render. Thread-safe.

        Raises:
            RenderError: the canvas could not be rendered.
        """
        key = (canvas.to_json(), tuple(self.images.blob_ref(p) for p in canvas.placements))
        return self._snapshots.get(key, lambda: render_canvas_png(canvas, self.images, scale=2.0))

    def _input_images(self, request: GenerateRequest) -> tuple[InputImage, ...]:
        images: list[InputImage] = []
        if request.canvas is not None and request.canvas_mode():
            images.append(InputImage(self.snapshot_png(request.canvas), "image/png", "canvas_snapshot"))
        images.extend(media_inputs(self.store, request.media_asset_ids))  # logos first, counted as used
        if request.input_image:
            images.append(InputImage(request.input_image, "image/png", "refine"))
        return tuple(images)

    def _run_candidate(self, batch: Batch, index: int, _ctx: WorkerContext | None = None) -> None:
        """Make candidate ``index`` of ``batch``; the last candidate to end ends the job (on a
        pool thread: ``_ctx`` is the worker helper's context, unused)."""
        job, token = batch.job, batch.token
        with self._lock:
            skip = job.id in self._ended_early  # cancelled while it waited: already recorded
            if not skip:
                self._started.add(job.id)
        if skip:
            self._candidate_done(batch, index, None, CANCELLED_MESSAGE)
            return
        asset: Asset | None = None
        error: str | None = None
        try:
            token.raise_if_cancelled()
            with batch.lock:
                first, batch.started = not batch.started, True
            if first:
                batch.job = self._set_status(job, JobStatus.PROCESSING, progress=5)
            asset = self._make_candidate(batch, index)
        except GenerationCancelledError:
            error = CANCELLED_MESSAGE
        except GenerationError as exc:
            error = str(exc) or "generation failed"
        except Exception as exc:  # a bug or an OS error must still end the job visibly
            log.exception("generation job %s candidate %d crashed", job.id, index)
            error = f"Unexpected error: {exc}"
        self._candidate_done(batch, index, asset, error)

    def _make_candidate(self, batch: Batch, index: int) -> Asset:
        """One provider call, fitted to the exact target size and stored as an Asset."""
        job, request, token = batch.job, batch.request, batch.token
        closers: list[Callable[[], None]] = []
        try:
            self._progress(batch, index, 5)
            provider = self.providers.create(job.provider)
            closers.append(provider.close)
            inputs = self._input_images(request)
            self._progress(batch, index, 20)
            result = provider.generate(
                ImageRequest(prompt=job.prompt, asset_type=job.asset_type, input_images=inputs, model=job.model),
                cancel=token,
                progress=lambda p: self._progress(batch, index, 20 + int(p * 0.6)),
            )
            token.raise_if_cancelled()
            batch.models[index] = result.model
            spec = TARGET_SPECS[job.asset_type]
            ready = prepare_result(result, job.asset_type, is_preview=result.is_preview or provider.is_preview)
            log.info("job %s: requested %s, received %s, upscale x%.2f", job.id, ready.requested_size,
                     ready.received_size, ready.upscale_factor)
            job = self.store.jobs.record_result(
                job.id, model=job.model or getattr(provider, "model", None), requested_size=ready.requested_size,
                received_size=ready.received_size, upscale_factor=ready.upscale_factor, result_notes=ready.notes)
            batch.details[index] = {  # the job record keeps the last candidate's; each candidate keeps its own
                "requested_size": list(ready.requested_size) if ready.requested_size else None,
                "received_size": list(ready.received_size), "upscale_factor": ready.upscale_factor,
                "notes": list(ready.notes)}
            try:
                fitted = fit_image(ready.data, spec.width, spec.height, keep_alpha=spec.wants_alpha)
            except ImageDecodeError as exc:
                raise GenerationError(f"The image the provider returned could not be read: {exc}") from exc
            png = png_bytes(fitted)
            width, height = fitted.size
            asset_id = str(uuid.uuid4())
            thumbnail = self._recent.keep_thumbnail(asset_id, fitted)
            self._progress(batch, index, 90)
            digest = self.store.blobs.put(png)
            asset = Asset(id=asset_id, job_id=job.id, asset_type=job.asset_type, url=self.store.blobs.ref(digest),
                          content_hash=digest, width=width, height=height, file_size=len(png),
                          provider=job.provider, is_preview=result.is_preview or provider.is_preview,
                          coach_session_id=job.coach_session_id)
            token.raise_if_cancelled()
            with self._db_write:
                self.store.assets.add(asset)
            entry = {"index": index, "asset_id": asset.id, "error": None, "model": result.model,
                     **batch.details[index]}  # this candidate's facts, as _finish_batch stores them
            self._recent.keep_result(GeneratedResult(asset, job.model_copy(
                update={"parameters": {**job.parameters, "candidates": [entry]}}), thumbnail))
            return asset
        finally:
            for close in closers:
                close()

    def _candidate_done(self, batch: Batch, index: int, asset: Asset | None, error: str | None) -> None:
        with batch.lock:
            batch.outcomes[index] = (asset, error)
            left = sum(1 for o in batch.outcomes if o is None)
        self._announce(JobMessage.candidate_ended(batch.job.id, index, asset.id if asset else None, error))
        if left:
            self._progress(batch, index, 100)
        if left == 0:
            self._finish_batch(batch)

    def _finish_batch(self, batch: Batch) -> None:
        job, count = batch.job, len(batch.outcomes)
        try:
            outcomes = batch.ended()
            kept = [a for a, _ in outcomes if a is not None]
            errors = [e for a, e in outcomes if a is None and e and e != CANCELLED_MESSAGE]
            cancelled = batch.token.cancelled
            self.store.jobs.merge_parameters(job.id, {"candidates": [
                {"index": i, "asset_id": a.id if a else None, "error": None if a else e, "model": batch.models[i],
                 **batch.details[i]}
                for i, (a, e) in enumerate(outcomes)]})
            status = batch_status(len(kept), count, cancelled=cancelled and not errors)
            if kept:
                mark_used(self.store, batch.request.media_asset_ids)  # once per job, not per candidate
                message = None
                if status == JobStatus.PARTIAL:
                    failed = count - len(kept)
                    message = (f"{failed} of {count} candidates failed: {_one_line(errors[0])}" if errors
                               else f"Cancelled; {len(kept)} of {count} candidates kept.")
                batch.final = self._set_status(self.store.jobs.get(job.id), status, progress=100, error=message)
                self._recent.keep_ended(batch.final)
                for asset in kept:
                    found = self.result(asset.id)
                    if found is not None:
                        self._recent.keep_result(GeneratedResult(asset, batch.final, found.thumbnail))
                for asset in kept:
                    self._announce(JobMessage.completed(job.id, asset.id))
            else:
                message = errors[0] if errors else CANCELLED_MESSAGE
                if count > 1 and errors:
                    message = f"All {count} candidates failed: {_one_line(errors[0])}"
                batch.final = self._finish_failed(job, status, message)
        except Exception:  # the job must never stay "processing" behind a bug
            log.exception("finishing generation job %s failed", job.id)
            batch.final = self._finish_failed(job, JobStatus.FAILED, "Unexpected error while finishing the job")
        finally:
            with self._lock:
                self._cancels.pop(job.id, None)
                self._started.discard(job.id)
                self._ended_early.discard(job.id)
            batch.done.set()

    def _finish_failed(self, job: GenerationJob, status: JobStatus, message: str) -> GenerationJob:
        """Move the job to ``status`` and emit its ``failed`` / ``cancelled`` event, unless it already ended."""
        current = self.store.jobs.get(job.id)
        if current.status not in (JobStatus.QUEUED, JobStatus.PROCESSING):
            return current
        try:
            current = self._set_status(current, status, error=message)
        except InvalidStateTransitionError:
            return self.store.jobs.get(job.id)
        self._recent.keep_ended(current)
        ended = JobMessage.cancelled if current.status == JobStatus.CANCELLED else JobMessage.failed
        self._announce(ended(current.id, message))
        return current


def _one_line(text: str) -> str:
    return " ".join(text.split())
