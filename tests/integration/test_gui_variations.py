"""Variations through the main window and the loopback Gemini server: a 3-candidate batch in
which one candidate's request is refused (scripted IMAGE_SAFETY answer) ends ``partial`` with
two results kept, and the failure's one-line reason is shown in its candidate slot."""

from __future__ import annotations

import io

from PIL import Image
from PySide6.QtCore import QThreadPool

from studio_app.app import build_main_window
from studio_app.domain.asset_types import AssetType
from studio_app.domain.jobs import JobStatus
from studio_app.store.repositories import NotFoundError
from tests.job_signals import PROGRESS, on_job_event
from tests.servers import gemini_server as gs

from .conftest import close_message_boxes, no_wait_retry, open_store, point_at


def test_three_candidates_one_refused_is_partial_with_two_kept(qapp, qtbot, tmp_path, servers) -> None:  # noqa: ANN001
    gemini, openai = servers
    store = open_store(tmp_path / "data")
    point_at(store, gemini, openai, provider="gemini")
    pool = QThreadPool()
    pool.setMaxThreadCount(3)
    win = build_main_window(store, retry=no_wait_retry(), pool=pool)
    qtbot.addWidget(win)
    win.show()
    try:
        win.asset_type_combo.setCurrentIndex(win.asset_type_combo.findData(AssetType.THUMBNAIL.value))
        win.generate_options.prompt_edit.setText("a neon city at night")
        win.generate_options.count_spin.setValue(3)
        gemini.script(gs.image_safety())  # whichever candidate's request comes first is refused
        progress: list[int] = []
        on_job_event(win.generation, PROGRESS, lambda _j, p: progress.append(p))
        win.generate_button.click()
        job_id = win.flow.active_job
        assert win.staging.isVisible() and len(win.staging.slots) == 3
        # Generate's intake thread writes the job row just after the click returns: until then
        # the job is not in the store yet.
        qtbot.waitUntil(lambda: job_status(store, job_id) == JobStatus.PARTIAL, timeout=30000)
        qtbot.waitUntil(lambda: win.generate_button.isEnabled(), timeout=5000)

        job = store.jobs.get(job_id)
        assert len(gemini.requests) == 3 and gemini.rejections == []  # one batch, three valid requests
        assert {r.json()["contents"][0]["parts"][0]["text"] for r in gemini.requests} == {job.prompt}
        assert job.error_message.startswith("1 of 3 candidates failed: ")
        assert "IMAGE_SAFETY" in job.error_message and "\n" not in job.error_message
        kept = store.assets.list(job_id=job_id)
        assert len(kept) == 2
        for asset in kept:
            with Image.open(io.BytesIO(store.blobs.get(asset.content_hash))) as im:
                assert im.size == (1280, 720)
        assert {a.id for a in kept} <= set(win.results.asset_ids())
        tip = win.result_actions.tooltip(kept[0].id)
        cand = next(c for c in job.parameters["candidates"] if c["asset_id"] == kept[0].id)
        assert job.model and f"Model: {job.model}" in tip
        assert f"Size received: {cand['received_size'][0]}x{cand['received_size'][1]} px" in tip
        assert {a.id for a in kept} <= set(win.generated.asset_ids())

        # One progress bar for the batch; it ends on the partial outcome.
        assert progress == sorted(progress) and win.progress.value() == 100
        assert win.progress.format() == "2 of 3 kept"
        assert win.progress.toolTip() == job.error_message
        assert win.staging.heading.text().startswith("2 of 3 kept. 1 of 3 candidates failed: ")

        # The staging area: two candidates to keep, discard or refine; the failure's reason.
        slots = win.staging.slots
        failed = [s for s in slots if s.error]
        assert len(failed) == 1 and "IMAGE_SAFETY" in failed[0].preview.text()
        assert failed[0].status.text() == "failed" and failed[0].preview.toolTip() == failed[0].error
        assert failed[0].error in job.error_message and "\n" not in failed[0].preview.text()
        ready = [s for s in slots if s.asset_id]
        assert len(ready) == 2 and all(s.keep_button.isEnabled() for s in ready)
        assert win.staging.isVisible()

        # Keep one, discard the other, refine the kept one.
        ready[0].keep_button.click()
        ready[1].discard_button.click()
        assert ready[0].decision == "kept" and ready[1].decision == "discarded"
        assert [a.id for a in store.assets.list(job_id=job_id)] == [ready[0].asset_id]
        assert ready[1].asset_id not in win.results.asset_ids()
        ready[0].refine_button.click()
        assert win.generate_options.refine_asset_id == ready[0].asset_id
        assert win.staging.keep_all_button.text() == "Close"
        win.staging.keep_all_button.click()
        assert not win.staging.isVisible()
    finally:
        close_message_boxes()
        win.close()
        pool.waitForDone(15000)
        store.close()


def job_status(store, job_id: str) -> JobStatus | None:  # noqa: ANN001
    """The job's stored status, or None while its row is not written yet."""
    try:
        return store.jobs.get(job_id).status
    except NotFoundError:
        return None
