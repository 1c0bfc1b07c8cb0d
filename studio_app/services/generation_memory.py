"""What the generation service keeps in memory: recent results, ended jobs, previews, snapshots.

The GUI thread shows a result from here without SQL or a full-size decode (the worker made
the preview), and an unchanged canvas is rendered to its 2x snapshot once for repeated
generations. Every class here is thread-safe.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from PIL import Image
from PySide6.QtGui import QImage

from studio_app.domain.asset import Asset
from studio_app.domain.jobs import GenerationJob

SNAPSHOT_CACHE_SIZE = 4
"""Canvas snapshots kept for repeated generations of an unchanged canvas."""
THUMBNAIL_PX = 224
"""Longest side of the preview the worker makes for the results strips (2x their 112 px icons)."""
THUMBNAIL_CACHE_SIZE = 200
RESULT_CACHE_SIZE = 200
"""Recent results and finished jobs kept in memory for the GUI (no database read per result)."""


@dataclass(frozen=True)
class GeneratedResult:
    """A result as its worker delivered it, so the GUI shows it without SQL or a full decode.

    Attributes:
        asset: the stored Asset.
        job: its job; ``parameters["candidates"]`` holds at least this result's own entry
            (index, model, sizes in px, notes); once the batch ended, the final stored job.
        thumbnail: the preview made on the worker (longest side THUMBNAIL_PX, RGBA8888).
    """

    asset: Asset
    job: GenerationJob
    thumbnail: QImage


class RecentResults:
    """The last RESULT_CACHE_SIZE results and ended jobs, and THUMBNAIL_CACHE_SIZE preview PNGs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: OrderedDict[str, GeneratedResult] = OrderedDict()
        self._ended_jobs: OrderedDict[str, GenerationJob] = OrderedDict()
        self._thumbnails: OrderedDict[str, bytes] = OrderedDict()

    def result(self, asset_id: str) -> GeneratedResult | None:
        """The kept result ``asset_id``, or None."""
        with self._lock:
            return self._results.get(asset_id)

    def ended_job(self, job_id: str) -> GenerationJob | None:
        """The kept final state of job ``job_id``, or None."""
        with self._lock:
            return self._ended_jobs.get(job_id)

    def thumbnail_png(self, asset_id: str) -> bytes | None:
        """The kept preview PNG of ``asset_id`` (longest side THUMBNAIL_PX), or None."""
        with self._lock:
            return self._thumbnails.get(asset_id)

    def keep_result(self, result: GeneratedResult) -> None:
        """Keep ``result`` (replacing an earlier one of the same asset)."""
        with self._lock:
            self._results[result.asset.id] = result
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)

    def keep_ended(self, job: GenerationJob) -> None:
        """Keep the final state of ``job``."""
        with self._lock:
            self._ended_jobs[job.id] = job
            while len(self._ended_jobs) > RESULT_CACHE_SIZE:
                self._ended_jobs.popitem(last=False)

    def keep_thumbnail(self, asset_id: str, im: Image.Image) -> QImage:
        """Keep a small PNG of ``im`` (longest side THUMBNAIL_PX, never enlarged) and return
        the same preview as a QImage (RGBA8888). Call it on the worker: it resizes and encodes."""
        scale = THUMBNAIL_PX / max(im.size)
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        thumb = im.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0) if scale < 1 else im
        buf = io.BytesIO()
        thumb.save(buf, format="PNG", compress_level=1)
        rgba = thumb.convert("RGBA")
        image = QImage(rgba.tobytes(), rgba.width, rgba.height, rgba.width * 4, QImage.Format.Format_RGBA8888).copy()
        with self._lock:
            self._thumbnails[asset_id] = buf.getvalue()
            while len(self._thumbnails) > THUMBNAIL_CACHE_SIZE:
                self._thumbnails.popitem(last=False)
        return image

    def forget(self, asset_id: str) -> None:
        """Drop the result and preview of ``asset_id`` (it was deleted)."""
        with self._lock:
            self._results.pop(asset_id, None)
            self._thumbnails.pop(asset_id, None)


@dataclass
class _Snapshot:
    """A snapshot being rendered or rendered (``png`` None until ``ready`` is set)."""

    ready: threading.Event = field(default_factory=threading.Event)
    png: bytes | None = None


class SnapshotCache:
    """The last SNAPSHOT_CACHE_SIZE rendered snapshots (PNG bytes) by key.

    Jobs asking for the same key at once wait for one render; a failed render is not kept
    (a waiter then renders for itself).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._snapshots: OrderedDict[Hashable, _Snapshot] = OrderedDict()

    def get(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        """The PNG kept under ``key``, else ``render()``'s, kept.

        Raises:
            whatever ``render`` raises.
        """
        with self._lock:
            entry = self._snapshots.get(key)
            owner = entry is None
            if entry is None:
                entry = self._snapshots[key] = _Snapshot()
                while len(self._snapshots) > SNAPSHOT_CACHE_SIZE:
                    self._snapshots.popitem(last=False)
            else:
                self._snapshots.move_to_end(key)
        if not owner:
            entry.ready.wait()
            if entry.png is not None:
                return entry.png
            return render()  # the first render failed: try ourselves
        try:
            entry.png = render()
        except BaseException:
            with self._lock:
                if self._snapshots.get(key) is entry:
                    del self._snapshots[key]
            raise
        finally:
            entry.ready.set()
        return entry.png
