"""GenerationService through the real store, renderer and offline provider."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import JobStatus
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.providers.base import CancelToken, ImageProvider, ImageResult
from studio_app.providers.errors import ContentPolicyError
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerateRequest, GenerationService, ProviderRegistry
from studio_app.services.media_library import MediaLibraryService
from tests.job_signals import COMPLETED, PROGRESS, args_of, on_job_event, wait_job_event


def _canvas(store: StudioStore, photo: Path, asset_type: AssetType = AssetType.THUMBNAIL) -> CanvasDocument:
    outcome = MediaLibraryService(store).import_file(photo, asset_type="character", remove_background=False)
    asset = outcome.asset or outcome.duplicate_of
    return CanvasDocument(
        asset_type=asset_type, background="#102030",
        placements=[MediaAssetPlacement(asset_id=asset.id, display_name="cat", x=30, y=50, width=40, height=60)],
        sketch_elements=[SketchElement(kind="arrow", points=[(50, 50), (80, 20)], color="#FF0000")],
    )


# Correctness property 7 (docs/architecture.md): generated assets have their type's exact dimensions.
@settings(max_examples=13, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(asset_type=st.sampled_from(list(AssetType)))
def test_property_7_offline_asset_has_exact_size(store: StudioStore, photos: list[Path],
                                                 asset_type: AssetType) -> None:
    service = GenerationService(store)
    job, asset = service.run(GenerateRequest(asset_type=asset_type, canvas=_canvas(store, photos[1], asset_type)))
    assert job.status == JobStatus.COMPLETED, job.error_message
    assert asset is not None and asset.is_preview
    assert (asset.width, asset.height) == TARGET_SPECS[asset_type].size
    with Image.open(io.BytesIO(store.blobs.get(asset.content_hash))) as im:
        assert im.size == TARGET_SPECS[asset_type].size
        assert ("A" in im.getbands()) == TARGET_SPECS[asset_type].wants_alpha
    assert store.assets.get(asset.id).job_id == job.id


def test_offline_result_is_the_canvas_itself(store: StudioStore, photos: list[Path]) -> None:
    doc = _canvas(store, photos[1])
    job, asset = GenerationService(store).run(GenerateRequest(asset_type=doc.asset_type, canvas=doc))
    with Image.open(io.BytesIO(store.blobs.get(asset.content_hash))) as im:
        rgb = im.convert("RGB")
        assert rgb.getpixel((1270, 10)) == (0x10, 0x20, 0x30)  # background corner
        r, g, b = rgb.getpixel((int(1280 * 0.65), int(720 * 0.35)))  # on the red arrow (50,50)->(80,20)
        assert r > 150 and g < 90 and b < 90
    assert "canvas" in job.prompt.lower()


class _Scripted(ImageProvider):
    name, label = "scripted", "Scripted"

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour

    def generate(self, request, *, cancel=None, progress=None):  # noqa: ANN001
        if self.behaviour == "garbage":
            return ImageResult(data=b"<html>not an image</html>")
        if self.behaviour == "blocked":
            raise ContentPolicyError("The image was blocked by the provider's safety filter.")
        if self.behaviour == "crash":
            raise RuntimeError("boom")
        im = Image.new("RGB", (1344, 768), "purple")
        buf = io.BytesIO()
        im.save(buf, "PNG")
        return ImageResult(data=buf.getvalue(), model="scripted-1")


def _service(store: StudioStore, behaviour: str) -> GenerationService:
    reg = ProviderRegistry()
    reg.register("scripted", lambda: _Scripted(behaviour))
    return GenerationService(store, providers=reg)


@pytest.mark.parametrize("behaviour,fragment", [
    ("garbage", "could not be read"), ("blocked", "safety filter"), ("crash", "Unexpected error: boom"),
])
def test_failures_fail_the_job_with_a_readable_message(store: StudioStore, behaviour: str, fragment: str) -> None:
    job, asset = _service(store, behaviour).run(GenerateRequest(asset_type=AssetType.THUMBNAIL,
                                                                provider="scripted"))
    assert asset is None
    assert job.status == JobStatus.FAILED
    assert fragment in job.error_message
    assert store.jobs.get(job.id).status == JobStatus.FAILED
    assert store.assets.list() == []


def test_non_preview_provider_output_is_cropped_to_exact_size(store: StudioStore) -> None:
    job, asset = _service(store, "ok").run(GenerateRequest(asset_type=AssetType.X_HEADER, provider="scripted"))
    assert job.status == JobStatus.COMPLETED
    assert (asset.width, asset.height) == (1500, 500) and not asset.is_preview


def test_cancel_before_start_ends_cancelled(store: StudioStore) -> None:
    token = CancelToken()
    token.cancel()
    job, asset = GenerationService(store).run(GenerateRequest(asset_type=AssetType.THUMBNAIL), cancel=token)
    assert asset is None and job.status == JobStatus.CANCELLED


def test_unknown_provider_is_refused_before_a_job_exists(store: StudioStore) -> None:
    from studio_app.providers.errors import GenerationError

    with pytest.raises(GenerationError, match="Unknown provider"):
        GenerationService(store).create_job(GenerateRequest(asset_type=AssetType.THUMBNAIL, provider="dalle9"))
    assert store.jobs.list() == []


def test_submit_runs_on_the_thread_pool_and_signals(store: StudioStore, photos: list[Path], qtbot) -> None:  # noqa: ANN001
    service = GenerationService(store)
    progress: list[int] = []
    on_job_event(service, PROGRESS, lambda _j, p: progress.append(p))
    with wait_job_event(qtbot, service, COMPLETED, timeout=20000) as sig:
        job = service.submit(GenerateRequest(asset_type=AssetType.TWITCH_EMOTE, canvas=_canvas(store, photos[0])))
    job_id, asset_id = args_of(sig)
    assert job_id == job.id
    assert store.jobs.get(job.id).status == JobStatus.COMPLETED
    assert store.assets.get(asset_id).width == 112
    assert progress and max(progress) <= 100


def test_jobs_left_running_by_a_crash_become_failed(store: StudioStore) -> None:
    service = GenerationService(store)
    job = service.create_job(GenerateRequest(asset_type=AssetType.BANNER))
    assert service.recover_interrupted() == [job.id]
    got = store.jobs.get(job.id)
    assert got.status == JobStatus.FAILED and "interrupted" in got.error_message
