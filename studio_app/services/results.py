"""ResultsService: what the GUI and the CLI do with a generated result (an Asset).

Read its facts (prompt, model, provider, size requested and received, when it was made),
save it as a PNG, turn it into a media asset so it can be placed on a canvas, and delete it
(the asset row is tombstoned so sync publishes the delete; its blob is removed when nothing
else references it). Qt-free: the widgets in ``ui/results`` call it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from studio_app.domain.asset import Asset
from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.jobs import MAX_BATCH_CANDIDATES, GenerationJob
from studio_app.domain.media import MediaAsset
from studio_app.store.blobs import BlobNotFoundError
from studio_app.store.repositories import NotFoundError

from .context import StudioStore
from .media_library import MediaLibraryService
from .platform_export import PlatformExports
from .saved_files import save_user_file

RESULTS_SECTION = "results"


class ResultsSettings(BaseModel):
    """The ``results`` settings section.

    Attributes:
        variations: candidates one Generate makes (1 to MAX_BATCH_CANDIDATES), default 1.
        last_save_folder: where Save as… opened last.
    """

    variations: int = Field(1, ge=1, le=MAX_BATCH_CANDIDATES)
    last_save_folder: str | None = None


class ResultError(Exception):
    """A result action failed; the message is one line a streamer can act on."""


@dataclass(frozen=True)
class ResultInfo:
    """The facts shown with a result.

    Attributes:
        requested_size: (width, height) px asked of the model, as the job (or its candidate)
            recorded it; else the target's exact size.
        received_size: (width, height) px the provider returned, when recorded; else the
            stored asset's size.
        upscale_factor: how much the answer was enlarged to cover the target, when recorded.
        notes: one-line notes on the result ("upscaled x1.9", ...).
        prompt: the full prompt sent; ``custom_prompt`` the streamer's own words, if any.
        model: the model the job asked for, else the one the provider's answer named.
        candidate: 1-based position in its batch job, and ``candidates`` the batch size.
    """

    asset: Asset
    prompt: str
    custom_prompt: str | None
    provider: str
    model: str | None
    requested_size: tuple[int, int]
    received_size: tuple[int, int]
    created_at: datetime
    candidate: int
    candidates: int
    upscale_factor: float | None = None
    notes: tuple[str, ...] = ()

    @property
    def asset_id(self) -> str:
        """The asset's id."""
        return self.asset.id

    def reusable_prompt(self) -> tuple[str, bool]:
        """(text, is_full_prompt): the streamer's words when the job had them, else the full
        prompt (a coach's refined prompt) to send unchanged."""
        if self.custom_prompt:
            return self.custom_prompt, False
        return self.prompt, True

    def lines(self) -> list[tuple[str, str]]:
        """(label, value) rows for tooltips and the viewer's info panel."""
        label = TARGET_SPECS[self.asset.asset_type].label
        rw, rh = self.requested_size
        gw, gh = self.received_size
        provider = self.provider + (" (offline preview, no AI)" if self.asset.is_preview else "")
        rows = [("Target", label), ("Provider", provider), ("Model", self.model or "provider default"),
                ("Size requested", f"{rw}x{rh} px"), ("Size received", f"{gw}x{gh} px"),
                ("Stored", f"{self.asset.width}x{self.asset.height} px, {self.asset.file_size:,} bytes"),
                ("Made", self.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"))]
        if self.upscale_factor is not None and abs(self.upscale_factor - 1.0) > 0.005:
            rows.append(("Scaled", f"x{self.upscale_factor:.2f} to the exact target"))
        if self.notes:
            rows.append(("Notes", "; ".join(self.notes)))
        if self.candidates > 1:
            rows.append(("Candidate", f"{self.candidate} of {self.candidates}"))
        rows.append(("Prompt", self.custom_prompt or self.prompt or "(none)"))
        return rows

    def summary(self, max_prompt: int = 300) -> str:
        """Plain text, one fact a line (tooltips)."""
        out = []
        for key, value in self.lines():
            if key == "Prompt" and len(value) > max_prompt:
                value = value[:max_prompt - 1] + "…"
            out.append(f"{key}: {value}")
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        """The facts as JSON-ready values (``studio results show --json``)."""
        a = self.asset
        return {"asset_id": a.id, "job_id": a.job_id, "asset_type": a.asset_type.value, "provider": self.provider,
                "model": self.model, "prompt": self.prompt, "custom_prompt": self.custom_prompt,
                "requested_size": list(self.requested_size), "received_size": list(self.received_size),
                "width": a.width, "height": a.height, "file_size": a.file_size, "is_preview": a.is_preview,
                "created_at": self.created_at.isoformat(), "candidate": self.candidate,
                "candidates": self.candidates, "coach_session_id": a.coach_session_id,
                "upscale_factor": self.upscale_factor, "notes": list(self.notes)}


def _size(value: Any) -> tuple[int, int] | None:
    """A (w, h) from a job field: [w, h], (w, h), {"width", "height"} or "WxH"."""
    try:
        if isinstance(value, dict):
            return int(value["width"]), int(value["height"])
        if isinstance(value, str) and "x" in value:
            w, h = value.lower().split("x", 1)
            return int(w), int(h)
        if isinstance(value, list | tuple) and len(value) == 2:
            return int(value[0]), int(value[1])
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _job_size(job: GenerationJob | None, name: str) -> tuple[int, int] | None:
    if job is None:
        return None
    return _size(getattr(job, name, None)) or _size(job.parameters.get(name))


class ResultsService:
    """Generated results: facts, bytes, save, place (via the media library) and delete."""

    def __init__(self, store: StudioStore, library: MediaLibraryService | None = None) -> None:
        self.store = store
        self.library = library or MediaLibraryService(store)
        self.exports = PlatformExports(store)
        """"Export for platform…" of these results."""

    def settings(self) -> ResultsSettings:
        """The stored results settings (defaults when missing or invalid)."""
        return self.store.settings.section(RESULTS_SECTION, ResultsSettings)

    def save_settings(self, **changes: Any) -> ResultsSettings:
        """Change and store results settings.

        Raises:
            pydantic.ValidationError: a value out of range.
            OSError: settings.json could not be written.
        """
        value = ResultsSettings.model_validate({**self.settings().model_dump(), **changes})
        self.store.settings.save_section(RESULTS_SECTION, value)
        return value

    def recent(self, limit: int = 60) -> list[Asset]:
        """The newest ``limit`` live results, newest first."""
        return self.store.assets.list(limit=limit)

    def job(self, job_id: str) -> GenerationJob:
        """The recorded job ``job_id``.

        Raises:
            NotFoundError: no such job was recorded.
        """
        return self.store.jobs.get(job_id)

    def image_bytes(self, asset: Asset) -> bytes:
        """The stored image file of ``asset`` (its blob, by content hash).

        Raises:
            FileNotFoundError: the blob is missing.
        """
        return self.exports.image_bytes(asset)

    def get(self, asset_id: str) -> Asset:
        """The live asset.

        Raises:
            ResultError: unknown or deleted.
        """
        try:
            return self.store.assets.get(asset_id)
        except NotFoundError:
            raise ResultError("That result no longer exists.") from None

    def info(self, asset_id: str) -> ResultInfo:
        """The facts shown with ``asset_id`` (see ResultInfo).

        Raises:
            ResultError: unknown or deleted.
        """
        return self._info(self.get(asset_id))

    def info_for(self, asset: Asset, job: GenerationJob | None) -> ResultInfo:
        """The facts of ``asset`` from its ``job`` as already read (no database access): for
        results a worker delivered with their job (GenerationService.result)."""
        return self._info(asset, job) if job is not None else ResultInfo(
            asset=asset, prompt="", custom_prompt=None, provider=asset.provider, model=None,
            requested_size=TARGET_SPECS[asset.asset_type].size, received_size=(asset.width, asset.height),
            created_at=asset.created_at, candidate=1, candidates=1, upscale_factor=None, notes=())

    def _info(self, asset: Asset, job: GenerationJob | None = None) -> ResultInfo:
        if job is None:
            try:
                job = self.store.jobs.get(asset.job_id)
            except NotFoundError:
                job = None
        spec = TARGET_SPECS[asset.asset_type]
        params = job.parameters if job else {}
        candidates = params.get("candidates") or []
        # One candidate record of the batch job's parameters (JSON: asset_id, sizes, notes...).
        mine: dict[str, Any] = next((c for c in candidates if c.get("asset_id") == asset.id), {})
        requested = _size(mine.get("requested_size")) or _job_size(job, "requested_size") or (spec.width, spec.height)
        received = _size(mine.get("received_size")) or _job_size(job, "received_size") or (asset.width, asset.height)
        upscale = mine.get("upscale_factor") if mine else getattr(job, "upscale_factor", None)
        notes = list(mine.get("notes") or (getattr(job, "result_notes", None) if not mine else None) or [])
        index = mine.get("index", 0)
        model = (job.model if job else None) or mine.get("model")
        return ResultInfo(asset=asset, prompt=job.prompt if job else "", custom_prompt=params.get("custom_prompt"),
                          provider=asset.provider, model=model, requested_size=requested,
                          received_size=received, created_at=asset.created_at, candidate=int(index) + 1,
                          candidates=int(params.get("count") or 1),
                          upscale_factor=float(upscale) if upscale is not None else None, notes=tuple(notes))

    def list(self, limit: int = 20, *, job_id: str | None = None) -> list[ResultInfo]:
        """The newest ``limit`` live results (of ``job_id`` when given), newest first."""
        jobs: dict[str, GenerationJob | None] = {}
        out = []
        for asset in self.store.assets.list(job_id=job_id, limit=limit):
            if asset.job_id not in jobs:
                try:
                    jobs[asset.job_id] = self.store.jobs.get(asset.job_id)
                except NotFoundError:
                    jobs[asset.job_id] = None
            out.append(self._info(asset, jobs[asset.job_id]))
        return out

    def png(self, asset_id: str) -> bytes:
        """The stored PNG of ``asset_id``.

        Raises:
            ResultError: the result or its file is gone.
        """
        asset = self.get(asset_id)
        try:
            return self.store.blobs.get(asset.content_hash)
        except (BlobNotFoundError, ValueError):
            raise ResultError("That result's image file is missing from the data folder.") from None

    def save_as(self, asset_id: str, path: str | Path) -> Path:
        """Write the result's PNG to ``path`` atomically ("Save as…"); ``.png`` is added when
        the name has no suffix.

        Raises:
            ResultError: the result is gone, the suffix is not .png, or the file could not be
                written (disk full, no permission); an existing file is left untouched then.
        """
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".png")
        if target.suffix.lower() != ".png":
            raise ResultError(f"{target.name}: results are PNG images; use a .png name "
                              "(Export for platform… writes other formats).")
        return save_user_file(target, self.png(asset_id), ResultError)

    def default_file_name(self, asset_id: str) -> str:
        """``<target>-<WxH>-<short id>.png``."""
        asset = self.get(asset_id)
        return f"{asset.asset_type.value}-{asset.width}x{asset.height}-{asset.id[:8]}.png"

    def to_media(self, asset_id: str) -> MediaAsset:
        """The media asset showing this result (imported once; the same bytes are reused), so
        it can be placed on a canvas like any other media.

        Raises:
            ResultError: the result is gone or the library refused the image.
        """
        data = self.png(asset_id)
        asset = self.get(asset_id)
        label = TARGET_SPECS[asset.asset_type].label
        outcome = self.library.import_bytes(data, f"{asset.asset_type.value}-{asset.id[:8]}.png",
                                            display_name=f"Generated {label} {asset.id[:8]}",
                                            remove_background=False, tags=["generated"])
        media = outcome.asset or outcome.duplicate_of
        if media is None:
            raise ResultError(f"Could not add the result to the media library: {outcome.error}")
        return media

    def delete(self, asset_id: str) -> Asset:
        """Delete a result: its row is tombstoned (sync publishes the delete) and its blob is
        removed unless another live result or a media asset uses the same bytes.

        Returns the deleted asset.

        Raises:
            ResultError: unknown or already deleted.
        """
        try:
            asset = self.store.assets.soft_delete(asset_id)
        except NotFoundError:
            raise ResultError("That result no longer exists.") from None
        if not self.store.assets.blob_in_use(asset.content_hash):
            # the row is gone; an orphaned file is harmless and is not shown anywhere
            with contextlib.suppress(OSError, ValueError):
                self.store.blobs.delete(asset.content_hash)
        return asset
