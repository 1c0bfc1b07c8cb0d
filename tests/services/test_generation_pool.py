"""GenerationService on a real pool: cancelling queued and running jobs, the snapshot cache,
worker-made thumbnails (real store, renderer and a scripted provider)."""

from __future__ import annotations

import io
import threading

from PIL import Image
from PySide6.QtCore import QThreadPool

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import JobStatus
from studio_app.domain.sketch import SketchElement
from studio_app.providers.base import ImageProvider, ImageResult
from studio_app.services import generation as generation_module
from studio_app.services.context import StudioStore
from studio_app.services.generation import (
    CANCELLED_MESSAGE,
    THUMBNAIL_PX,
    GenerateRequest,
    GenerationService,
    ProviderRegistry,
)
from tests.job_signals import ENDED_WITHOUT_ASSET, on_job_event, wait_job_event


class Gate(ImageProvider):
    """Waits until released (or cancelled), then returns a 1344x768 PNG; records the inputs."""

    name, label = "gate", "Gate"

    def __init__(self, release: threading.Event, started: threading.Event, inputs: list) -> None:
        self.release, self.started, self.inputs = release, started, inputs

    def generate(self, request, *, cancel=None, progress=None):  # noqa: ANN001
        self.inputs.append(request.input_images)
        self.started.set()
        while not self.release.wait(0.02):
            if cancel is not None:
                cancel.raise_if_cancelled()
        buf = io.BytesIO()
        Image.new("RGB", (1344, 768), "teal").save(buf, "PNG")
        return ImageResult(buf.getvalue(), model="gate-1")


def service(store: StudioStore, threads: int = 1):  # noqa: ANN201
    release, started, inputs = threading.Event(), threading.Event(), []
    registry = ProviderRegistry()
    registry.register("gate", lambda: Gate(release, started, inputs))
    pool = QThreadPool()
    pool.setMaxThreadCount(threads)
    return GenerationService(store, providers=registry, pool=pool), release, started, inputs


def canvas(text: str = "GG") -> CanvasDocument:
    return CanvasDocument(background="#203040", sketch_elements=[
        SketchElement(kind="text", points=[(50, 50)], text=text, color="#FFFFFF", font_size=60 / 7.2)])


def test_cancel_ends_a_queued_job_at_once_and_a_running_one_at_its_next_check(store, qtbot) -> None:  # noqa: ANN001
    svc, release, started, _ = service(store, threads=1)
    failed: list[tuple[str, str]] = []
    on_job_event(svc, ENDED_WITHOUT_ASSET, lambda j, m: failed.append((j, m)))
    running = svc.submit(GenerateRequest(asset_type=AssetType.THUMBNAIL, provider="gate"))
    queued = svc.submit(GenerateRequest(asset_type=AssetType.THUMBNAIL, provider="gate"))
    assert started.wait(10)
    assert svc.is_active(queued.id) and svc.is_active(running.id)
    assert svc.cancel(queued.id) is True
    assert store.jobs.get(queued.id).status == JobStatus.CANCELLED  # no worker was needed
    assert not svc.is_active(queued.id)
    with wait_job_event(qtbot, svc, ENDED_WITHOUT_ASSET, timeout=5000):
        assert svc.cancel(running.id) is True
    assert store.jobs.get(running.id).status == JobStatus.CANCELLED
    svc.pool.waitForDone(5000)
    qtbot.wait(50)  # deliver any late signal
    assert sorted(failed) == sorted([(queued.id, CANCELLED_MESSAGE), (running.id, CANCELLED_MESSAGE)])
    assert store.assets.list() == []
    assert svc.cancel(running.id) is False  # ended: nothing to cancel
    release.set()


def test_an_unchanged_canvas_is_rendered_once_and_an_edit_renders_again(store, monkeypatch) -> None:  # noqa: ANN001
    renders: list[str] = []
    real = generation_module.render_canvas_png

    def counting(doc, images, scale=2.0):  # noqa: ANN001
        renders.append(doc.sketch_elements[0].text)
        return real(doc, images, scale=scale)

    monkeypatch.setattr(generation_module, "render_canvas_png", counting)
    svc, release, _, inputs = service(store)
    release.set()
    doc = canvas()
    for target in (AssetType.THUMBNAIL, AssetType.TWITCH_EMOTE, AssetType.THUMBNAIL):
        job, _ = svc.run(GenerateRequest(asset_type=target, canvas=doc, provider="gate"))
        assert job.status == JobStatus.COMPLETED
    assert renders == ["GG"]
    assert len({i[0].data for i in inputs}) == 1 and inputs[0][0].role == "canvas_snapshot"
    svc.run(GenerateRequest(asset_type=AssetType.THUMBNAIL, canvas=canvas("GG EZ"), provider="gate"))
    assert renders == ["GG", "GG EZ"]
    with Image.open(io.BytesIO(inputs[-1][0].data)) as im:
        assert im.size == (2560, 1440)  # the 2x snapshot of the 1280x720 thumbnail canvas


def test_jobs_asking_for_the_same_snapshot_at_once_wait_for_one_render(store, qtbot, monkeypatch) -> None:  # noqa: ANN001
    renders: list[int] = []
    real = generation_module.render_canvas_png
    gate = threading.Event()

    def slow(doc, images, scale=2.0):  # noqa: ANN001
        renders.append(1)
        gate.wait(5)
        return real(doc, images, scale=scale)

    monkeypatch.setattr(generation_module, "render_canvas_png", slow)
    svc, release, _, inputs = service(store, threads=3)
    release.set()
    doc = canvas()
    jobs = [svc.submit(GenerateRequest(asset_type=AssetType.THUMBNAIL, canvas=doc, provider="gate"))
            for _ in range(3)]
    qtbot.waitUntil(lambda: bool(renders), timeout=5000)
    gate.set()
    svc.pool.waitForDone(20000)
    assert [store.jobs.get(j.id).status for j in jobs] == [JobStatus.COMPLETED] * 3
    assert renders == [1] and len({i[0].data for i in inputs}) == 1


def test_the_worker_makes_the_strip_thumbnail(store) -> None:  # noqa: ANN001
    svc, release, _, _ = service(store)
    release.set()
    _job, asset = svc.run(GenerateRequest(asset_type=AssetType.BANNER, provider="gate"))
    thumb = svc.thumbnail_png(asset.id)
    with Image.open(io.BytesIO(thumb)) as im:
        assert im.size == (THUMBNAIL_PX, round(THUMBNAIL_PX * 480 / 1200))  # banner 1200x480, aspect kept
    with Image.open(io.BytesIO(store.blobs.get(asset.content_hash))) as im:
        assert im.size == (1200, 480)
    assert svc.thumbnail_png("not-an-asset") is None
