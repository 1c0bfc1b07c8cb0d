"""GenerationService: turns a canvas and a prompt into an Asset at the exact target size.

Each job runs as a QRunnable in a QThreadPool. Every status change goes through the
job state machine (domain/jobs.py) and is stored before the signal is emitted, so
the GUI, the CLI and a restarted app all see the same history.
"""

from __future__ import annotations

import io
import logging
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import Image
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from studio_app.domain.asset import Asset
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.brand_kit import BrandKitContext
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import GenerationJob, InvalidStateTransitionError, JobStatus
from studio_app.prompting.canvas_description import describe_canvas
from studio_app.prompting.engine import PromptEngine
from studio_app.providers.base import CancelToken, ImageProvider, ImageRequest, InputImage
from studio_app.providers.errors import GenerationCancelledError, GenerationError
from studio_app.providers.offline import OfflinePreviewProvider
from studio_app.render.fit import ImageDecodeError, fit_image, png_bytes
from studio_app.render.snapshot import render_canvas_png
from studio_app.store.repositories import NotFoundError

from .context import StudioStore
from .generation_results import choose_references, mark_used, media_inputs, prepare_result, reference_limit
from .images import LibraryImageSource

log = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = "interrupted: the app closed while this job was running"
CANCELLED_MESSAGE = "Cancelled."
SNAPSHOT_CACHE_SIZE = 4
"""Canvas snapshots kept for repeated generations of an unchanged canvas."""
THUMBNAIL_PX = 224
"""Longest side of the preview the worker makes for the results strips (2x their 112 px icons)."""
THUMBNAIL_CACHE_SIZE = 200


@dataclass
class GenerateRequest:
    """What the streamer asked for.

    Attributes:
        asset_type: the target (its exact size comes from TARGET_SPECS).
        custom_prompt: the streamer's words (sanitised by PromptEngine), or None.
        canvas: the composed canvas; when it has content its 2x snapshot and its
            description go with the prompt (the seed's canvas mode).
        brand_kit_id: a stored BrandKit, else the active kit, else defaults.
        provider: provider name (``offline``, ``gemini``, ``openai``).
        model: provider model id, or None for its default.
        media_asset_ids: up to MAX_PROMPT_INJECTION_ASSETS references sent as images.
        coach_session_id: the coach session this generation belongs to, if any.
        prompt_override: a fully built prompt (the coach's refined prompt), used as is.
        input_image: extra input image bytes (e.g. "Refine this" of an earlier result).
        use_canvas_snapshot: the GUI's canvas-mode switch; False keeps the canvas out of the
            request (no snapshot, no description) even when it has content.
    """

    asset_type: AssetType
    custom_prompt: str | None = None
    canvas: CanvasDocument | None = None
    brand_kit_id: str | None = None
    provider: str = "offline"
    model: str | None = None
    media_asset_ids: list[str] = field(default_factory=list)
    coach_session_id: str | None = None
    prompt_override: str | None = None
    input_image: bytes | None = None
    use_canvas_snapshot: bool = True

    def canvas_mode(self) -> bool:
        """The seed's canvas mode: the 2x snapshot and its description go with the prompt.

        On when the canvas has placements or sketch elements, unless switched off.
        """
        return bool(self.use_canvas_snapshot and self.canvas is not None and self.canvas.has_content())


ProviderFactory = Callable[[], ImageProvider]


class ProviderRegistry:
    """Provider name -> factory. ``offline`` is always there."""

    def __init__(self) -> None:
        self._factories: dict[str, ProviderFactory] = {"offline": OfflinePreviewProvider}

    def register(self, name: str, factory: ProviderFactory) -> None:
        """Add or replace a provider."""
        self._factories[name] = factory

    def names(self) -> list[str]:
        """Registered provider names."""
        return list(self._factories)

    def create(self, name: str) -> ImageProvider:
        """A provider instance.

        Raises:
            GenerationError: unknown provider name.
        """
        try:
            return self._factories[name]()
        except KeyError:
            raise GenerationError(
                f"Unknown provider {name!r}; choose one of: {', '.join(self._factories)}"
            ) from None


class _JobSignals(QObject):
    statusChanged = Signal(str, str)  # job_id, status
    progressChanged = Signal(str, int)  # job_id, percent
    completed = Signal(str, str)  # job_id, asset_id
    failed = Signal(str, str)  # job_id, message


class GenerationService(QObject):
    """Creates, runs, cancels and records generation jobs.

    Signals (emitted from worker threads; Qt queues them to GUI-thread receivers):
        jobStatusChanged(job_id, status), jobProgress(job_id, percent 0-100),
        jobCompleted(job_id, asset_id), jobFailed(job_id, message). jobFailed is emitted once
        for every job that ends without an asset, failed or cancelled (message "Cancelled.";
        the stored status tells them apart).
    """

    jobStatusChanged = Signal(str, str)
    jobProgress = Signal(str, int)
    jobCompleted = Signal(str, str)
    jobFailed = Signal(str, str)

    def __init__(self, store: StudioStore, *, providers: ProviderRegistry | None = None,
                 prompt_engine: PromptEngine | None = None, pool: QThreadPool | None = None,
                 image_source: LibraryImageSource | None = None) -> None:
        super().__init__()
        self.store = store
        self.providers = providers or ProviderRegistry()
        self.prompts = prompt_engine or PromptEngine()
        self.pool = pool or QThreadPool.globalInstance()
        self.images = image_source or LibraryImageSource(store)
        self._cancels: dict[str, CancelToken] = {}
        self._started: set[str] = set()
        self._ended_early: set[str] = set()
        self._lock = threading.Lock()
        self._snapshots: OrderedDict[tuple, _Snapshot] = OrderedDict()
        self._thumbnails: OrderedDict[str, bytes] = OrderedDict()

    # -- start-up -----------------------------------------------------------------
    def recover_interrupted(self) -> list[str]:
        """Mark jobs a crash left queued or processing as failed ("interrupted"). Returns their ids."""
        return self.store.jobs.fail_interrupted(INTERRUPTED_MESSAGE)

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
        description = describe_canvas(request.canvas) if request.canvas_mode() else None
        return self.prompts.build_prompt(request.asset_type, context, request.custom_prompt,
                                         canvas_description=description)

    def references_for(self, canvas: CanvasDocument | None, selected: list[str] | None = None) -> list[str]:
        """Media asset ids the main Generate sends (generation_results.choose_references)."""
        return choose_references(self.store, list(selected or []), canvas)

    # -- jobs ---------------------------------------------------------------------
    def create_job(self, request: GenerateRequest) -> GenerationJob:
        """Record a queued job for ``request`` (validates the provider name first).

        Raises:
            GenerationError: unknown provider, or more reference images than allowed.
        """
        if request.provider not in self.providers.names():
            self.providers.create(request.provider)  # raises the readable error
        limit = reference_limit(self.store)
        if len(dict.fromkeys(request.media_asset_ids)) > limit:
            raise GenerationError(f"At most {limit} media assets can go with one prompt (Settings, Library).")
        _, kit_id = self.brand_context(request.brand_kit_id)
        job = GenerationJob(
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
            },
        )
        self.store.jobs.add(job)
        return job

    def submit(self, request: GenerateRequest) -> GenerationJob:
        """Queue ``request`` on the thread pool; returns the queued job at once."""
        job = self.create_job(request)
        token = CancelToken()
        with self._lock:
            self._cancels[job.id] = token
        self.jobStatusChanged.emit(job.id, job.status.value)
        self.pool.start(_JobRunnable(self, job, request, token))
        return job

    def run(self, request: GenerationJob | GenerateRequest, *, cancel: CancelToken | None = None,
            progress: Callable[[int], None] | None = None) -> tuple[GenerationJob, Asset | None]:
        """Create (if given a request) and run a job on the calling thread (CLI, tests).

        Returns the final job and its asset (None unless completed).
        """
        if isinstance(request, GenerateRequest):
            job = self.create_job(request)
            req = request
        else:
            raise TypeError("run() takes a GenerateRequest")
        token = cancel or CancelToken()
        with self._lock:
            self._cancels[job.id] = token
        return self._execute(job, req, token, progress)

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
            try:
                job = self.store.jobs.update_status(job_id, JobStatus.CANCELLED, error_message=CANCELLED_MESSAGE)
            except (InvalidStateTransitionError, NotFoundError):
                return True
            self.jobStatusChanged.emit(job.id, job.status.value)
            self.jobFailed.emit(job.id, CANCELLED_MESSAGE)
        return True

    def is_active(self, job_id: str) -> bool:
        """True while ``job_id`` is queued or running in this service (it can be cancelled)."""
        with self._lock:
            return job_id in self._cancels and job_id not in self._ended_early

    # -- worker -------------------------------------------------------------------
    def _set_status(self, job: GenerationJob, status: JobStatus, *, progress: int | None = None,
                    error: str | None = None) -> GenerationJob:
        job = self.store.jobs.update_status(job.id, status, progress=progress, error_message=error)
        self.jobStatusChanged.emit(job.id, job.status.value)
        return job

    def _progress(self, job_id: str, percent: int, extra: Callable[[int], None] | None) -> None:
        self.store.jobs.set_progress(job_id, percent)
        self.jobProgress.emit(job_id, percent)
        if extra:
            extra(percent)

    def thumbnail_png(self, asset_id: str) -> bytes | None:
        """A small PNG (longest side THUMBNAIL_PX) of an asset this service generated
        recently, made on the job's worker so the GUI thread decodes no full-size image;
        None when it is not kept (use the asset's blob)."""
        with self._lock:
            return self._thumbnails.get(asset_id)

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
        with self._lock:
            entry = self._snapshots.get(key)
            owner = entry is None
            if owner:
                entry = self._snapshots[key] = _Snapshot()
                while len(self._snapshots) > SNAPSHOT_CACHE_SIZE:
                    self._snapshots.popitem(last=False)
            else:
                self._snapshots.move_to_end(key)
        if not owner:
            entry.ready.wait()
            if entry.png is not None:
                return entry.png
            return render_canvas_png(canvas, self.images, scale=2.0)  # the first render failed: try ourselves
        try:
            entry.png = render_canvas_png(canvas, self.images, scale=2.0)
        except BaseException:
            with self._lock:
                if self._snapshots.get(key) is entry:
                    del self._snapshots[key]
            raise
        finally:
            entry.ready.set()
        return entry.png

    def _keep_thumbnail(self, asset_id: str, im: Image.Image) -> None:
        scale = THUMBNAIL_PX / max(im.size)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        thumb = im.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0) if scale < 1 else im
        buf = io.BytesIO()
        thumb.save(buf, format="PNG", compress_level=1)
        with self._lock:
            self._thumbnails[asset_id] = buf.getvalue()
            while len(self._thumbnails) > THUMBNAIL_CACHE_SIZE:
                self._thumbnails.popitem(last=False)

    def _input_images(self, request: GenerateRequest) -> tuple[InputImage, ...]:
        images: list[InputImage] = []
        if request.canvas_mode():
            images.append(InputImage(self.snapshot_png(request.canvas), "image/png", "canvas_snapshot"))
        images.extend(media_inputs(self.store, request.media_asset_ids))  # logos first, counted as used
        if request.input_image:
            images.append(InputImage(request.input_image, "image/png", "refine"))
        return tuple(images)

    def _execute(self, job: GenerationJob, request: GenerateRequest, token: CancelToken,
                 progress: Callable[[int], None] | None) -> tuple[GenerationJob, Asset | None]:
        closers: list[Callable[[], None]] = []
        with self._lock:
            if job.id in self._ended_early:  # cancelled while it waited: already recorded
                self._ended_early.discard(job.id)
                self._cancels.pop(job.id, None)
                return self.store.jobs.get(job.id), None
            self._started.add(job.id)
        try:
            token.raise_if_cancelled()
            job = self._set_status(job, JobStatus.PROCESSING, progress=5)
            provider = self.providers.create(job.provider)
            closers.append(provider.close)
            inputs = self._input_images(request)
            self._progress(job.id, 20, progress)
            result = provider.generate(
                ImageRequest(prompt=job.prompt, asset_type=job.asset_type, input_images=inputs, model=job.model),
                cancel=token,
                progress=lambda p: self._progress(job.id, 20 + int(p * 0.6), progress),
            )
            token.raise_if_cancelled()
            spec = TARGET_SPECS[job.asset_type]
            ready = prepare_result(result, job.asset_type, is_preview=result.is_preview or provider.is_preview)
            log.info("job %s: requested %s, received %s, upscale x%.2f", job.id, ready.requested_size,
                     ready.received_size, ready.upscale_factor)
            job = self.store.jobs.record_result(
                job.id, model=job.model or getattr(provider, "model", None), requested_size=ready.requested_size,
                received_size=ready.received_size, upscale_factor=ready.upscale_factor, result_notes=ready.notes)
            try:
                fitted = fit_image(ready.data, spec.width, spec.height, keep_alpha=spec.wants_alpha)
            except ImageDecodeError as exc:
                raise GenerationError(f"The image the provider returned could not be read: {exc}") from exc
            png = png_bytes(fitted)
            width, height = fitted.size
            asset_id = str(uuid.uuid4())
            self._keep_thumbnail(asset_id, fitted)
            self._progress(job.id, 90, progress)
            digest = self.store.blobs.put(png)
            asset = Asset(id=asset_id, job_id=job.id, asset_type=job.asset_type, url=self.store.blobs.ref(digest),
                          content_hash=digest, width=width, height=height, file_size=len(png),
                          provider=job.provider, is_preview=result.is_preview or provider.is_preview,
                          coach_session_id=job.coach_session_id)
            token.raise_if_cancelled()
            self.store.assets.add(asset)
            mark_used(self.store, request.media_asset_ids)
            job = self._set_status(job, JobStatus.COMPLETED, progress=100)
            self.jobCompleted.emit(job.id, asset.id)
            return job, asset
        except GenerationCancelledError:
            job = self._finish_failed(job, JobStatus.CANCELLED, CANCELLED_MESSAGE)
            return job, None
        except GenerationError as exc:
            return self._finish_failed(job, JobStatus.FAILED, str(exc)), None
        except Exception as exc:  # a bug or an OS error must still end the job visibly
            log.exception("generation job %s crashed", job.id)
            return self._finish_failed(job, JobStatus.FAILED, f"Unexpected error: {exc}"), None
        finally:
            for close in closers:
                close()
            with self._lock:
                self._cancels.pop(job.id, None)
                self._started.discard(job.id)

    def _finish_failed(self, job: GenerationJob, status: JobStatus, message: str) -> GenerationJob:
        """Move the job to ``status`` and emit jobFailed, unless it already ended."""
        current = self.store.jobs.get(job.id)
        if current.status not in (JobStatus.QUEUED, JobStatus.PROCESSING):
            return current
        try:
            current = self._set_status(current, status, error=message)
        except InvalidStateTransitionError:
            return self.store.jobs.get(job.id)
        self.jobFailed.emit(current.id, message)
        return current


@dataclass
class _Snapshot:
    """A snapshot being rendered or rendered (``png`` None until ``ready`` is set)."""

    ready: threading.Event = field(default_factory=threading.Event)
    png: bytes | None = None


class _JobRunnable(QRunnable):
    def __init__(self, service: GenerationService, job: GenerationJob, request: GenerateRequest,
                 token: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._service, self._job, self._request, self._token = service, job, request, token

    def run(self) -> None:
        self._service._execute(self._job, self._request, self._token, None)
