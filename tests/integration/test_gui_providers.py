"""The main window generating through the loopback Gemini and OpenAI servers (pytest-qt).

One window serves the module; the provider is switched through the settings, as the
Settings dialog does. Successes land at the exact target size; every failure the issue
lists ends the job failed with a readable message in the window, and loses nothing:
the canvas document, the media library and the generated assets stay as they were.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt, QThreadPool
from PySide6.QtTest import QTest

from studio_app.app import build_main_window
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.jobs import JobStatus
from studio_app.services.generation import GenerateRequest
from studio_app.services.provider_setup import provider_settings, save_provider_settings
from tests.conftest import FIXTURE_IMAGES
from tests.job_signals import COMPLETED, ENDED_WITHOUT_ASSET, args_of, wait_job_event
from tests.servers import gemini_server as gs
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.loopback import Fault
from tests.servers.openai_server import API_KEY as OPENAI_KEY

from .conftest import close_message_boxes, no_wait_retry, open_store, point_at
from .failures import GENERATE, failure_cases


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory, gemini_server, openai_server) -> Iterator:  # noqa: ANN001
    store = open_store(tmp_path_factory.mktemp("gui") / "data")
    point_at(store, gemini_server, openai_server, provider="gemini")
    pool = QThreadPool()
    pool.setMaxThreadCount(1)  # one job runs, the next waits: the jobs panel test needs a queued job
    win = build_main_window(store, retry=no_wait_retry(), pool=pool)
    win.show()
    asset = win.library.import_file(FIXTURE_IMAGES / "chelsea.png", remove_background=False).asset
    assert asset is not None
    win.library_panel.refresh()
    win.place_media([asset.id], QPointF(400, 360))
    yield win
    close_message_boxes()
    win.close()
    pool.waitForDone(15000)
    store.close()


def use_provider(win, name: str, **changes) -> None:  # noqa: ANN001
    settings = provider_settings(win.generation.store).model_copy(update={"default_provider": name, **changes})
    save_provider_settings(win.generation.store, settings)
    win.apply_provider_settings()


def choose_target(win, asset_type: AssetType) -> None:  # noqa: ANN001
    win.asset_type_combo.setCurrentIndex(win.asset_type_combo.findData(asset_type.value))
    assert win.editor.document.asset_type == asset_type


def state(win) -> dict:  # noqa: ANN001
    """What a failed generation must leave as it was."""
    return {"document": win.editor.document.to_json(),
            "library": [(a.id, a.updated_at) for a in win.library.list_assets()],
            "assets": [a.id for a in win.generation.store.assets.list(limit=1000)],
            "results": win.results.asset_ids(),
            "generated": win.generated.asset_ids()}


@pytest.mark.parametrize("provider,label", [("gemini", "Gemini (gemini-3.1-flash-image)"),
                                            ("openai", "OpenAI (gpt-image-2.5-sunburst)")])
@pytest.mark.parametrize("asset_type", [AssetType.THUMBNAIL, AssetType.TWITCH_EMOTE])
def test_generates_at_the_exact_size_through_the_server(window, servers, qtbot, provider, label,  # noqa: ANN001
                                                        asset_type) -> None:
    gemini, openai = servers
    server = gemini if provider == "gemini" else openai
    use_provider(window, provider)
    assert window.provider_status.text() == f"Provider: {label}"
    choose_target(window, asset_type)
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate_button.click()
    job_id, asset_id = args_of(sig)
    qtbot.waitUntil(window.generate_button.isEnabled, timeout=5000)
    job = window.generation.store.jobs.get(job_id)
    assert job.status == JobStatus.COMPLETED and job.provider == provider
    asset = window.generation.store.assets.get(asset_id)
    spec = TARGET_SPECS[asset_type]
    assert (asset.width, asset.height) == spec.size and not asset.is_preview
    with Image.open(io.BytesIO(window.generation.store.blobs.get(asset.content_hash))) as im:
        assert im.size == spec.size
        assert ("A" in im.getbands()) == spec.wants_alpha
    assert window.results.asset_ids()[0] == asset_id
    assert not window.cancel_button.isEnabled()
    # The canvas went with the prompt: the snapshot as an image part / an edits upload.
    sent = server.calls(GENERATE[provider])
    assert len(sent) == 1
    if provider == "gemini":
        parts = sent[0].json()["contents"][0]["parts"]
        placed = window.generation.references_for(window.editor.document)  # the placed media go along
        assert sum("inlineData" in p for p in parts) == 1 + len(placed)
        assert parts[1]["text"].startswith("Image 1: the canvas snapshot")
    else:
        assert sent[0].path == "/v1/images/edits"
        assert b"canvas_snapshot" in sent[0].body


def test_a_slow_answer_still_completes(window, servers, qtbot) -> None:  # noqa: ANN001
    gemini, _ = servers
    use_provider(window, "gemini")
    choose_target(window, AssetType.TWITCH_EMOTE)
    gemini.script(Fault(delay_s=1.0))
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate_button.click()
    assert window.generation.store.jobs.get(args_of(sig)[0]).status == JobStatus.COMPLETED
    assert len(gemini.calls(GENERATE["gemini"])) == 1  # waited, did not retry


CASES = failure_cases()


@pytest.mark.parametrize("provider,faults,fragment", CASES)
def test_each_failure_is_a_readable_message_and_loses_nothing(window, servers, qtbot, provider, faults,  # noqa: ANN001
                                                              fragment) -> None:
    gemini, openai = servers
    server = gemini if provider == "gemini" else openai
    slow = any(f.delay_s for f in faults)
    use_provider(window, provider, read_timeout_s=0.4 if slow else 20.0)
    choose_target(window, AssetType.THUMBNAIL)
    server.script(*faults)
    before = state(window)
    window.last_error = None
    with wait_job_event(qtbot, window.generation, ENDED_WITHOUT_ASSET, timeout=30000) as sig:
        window.generate_button.click()
    job_id, message = args_of(sig)
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=5000)
    title, shown = window.last_error
    assert title == "Generation failed" and shown == message
    assert fragment in message, message
    assert "\n" not in message and "Traceback" not in message and len(message) < 600
    assert GEMINI_KEY not in message and OPENAI_KEY not in message
    assert fragment in window.statusBar().currentMessage()
    assert window.progress.format() == "Failed"
    assert window.generate_button.isEnabled() and not window.cancel_button.isEnabled()
    job = window.generation.store.jobs.get(job_id)
    assert job.status == JobStatus.FAILED and job.error_message == message
    assert len(server.calls(GENERATE[provider])) == len(faults)  # retried exactly as far as allowed
    assert not server.faults  # every scripted fault was met
    assert state(window) == before
    close_message_boxes()
    use_provider(window, provider, read_timeout_s=20.0)


def test_cancel_button_and_escape_stop_a_running_job(window, servers, qtbot) -> None:  # noqa: ANN001
    gemini, _ = servers
    use_provider(window, "gemini")
    choose_target(window, AssetType.THUMBNAIL)
    before = state(window)
    window.last_error = None
    for how in ("button", "escape"):
        gemini.script(Fault(delay_s=20))
        calls = len(gemini.calls(GENERATE["gemini"]))
        job_id = window.generate()
        assert window.cancel_button.isEnabled() and not window.generate_button.isEnabled()
        qtbot.waitUntil(lambda c=calls: len(gemini.calls(GENERATE["gemini"])) > c, timeout=15000)
        assert window.generation.store.jobs.get(job_id).status == JobStatus.PROCESSING
        with wait_job_event(qtbot, window.generation, ENDED_WITHOUT_ASSET, timeout=3000):
            if how == "button":
                window.cancel_button.click()
            else:  # Esc is a window shortcut: it needs the window active (a closed error box may not give it back)
                window.activateWindow()
                qtbot.waitUntil(window.isActiveWindow, timeout=3000)
                QTest.keyClick(window, Qt.Key.Key_Escape)
        job = window.generation.store.jobs.get(job_id)
        assert job.status == JobStatus.CANCELLED, how
        assert window.progress.format() == "Cancelled"
        assert window.generate_button.isEnabled() and not window.cancel_button.isEnabled()
    assert window.last_error is None  # a cancel is not an error box
    assert "cancelled" in window.statusBar().currentMessage()
    assert state(window) == before


def test_jobs_panel_lists_jobs_and_cancels_queued_and_running_ones(window, servers, qtbot) -> None:  # noqa: ANN001
    gemini, _ = servers
    use_provider(window, "gemini")
    window.show_jobs()
    panel = window.jobs_panel
    assert window.jobs_dock.isVisible()
    gemini.script(gs.blocked_prompt())
    with wait_job_event(qtbot, window.generation, ENDED_WITHOUT_ASSET, timeout=15000) as sig:
        failed = window.generation.submit(GenerateRequest(asset_type=AssetType.BANNER, provider="gemini"))
    qtbot.waitUntil(lambda: panel.cell_text(failed.id, 3) == "Failed", timeout=3000)
    assert panel.cell_text(failed.id, 5) == args_of(sig)[1] and "blocked the prompt" in args_of(sig)[1]
    assert panel.cancel_button(failed.id) is None
    gemini.script(Fault(delay_s=20), Fault(delay_s=20))
    first = window.generation.submit(GenerateRequest(asset_type=AssetType.BANNER, provider="gemini"))
    second = window.generation.submit(GenerateRequest(asset_type=AssetType.X_HEADER, provider="gemini"))
    qtbot.waitUntil(lambda: panel.cell_text(first.id, 3) == "Running" and panel.cell_text(second.id, 3) == "Queued",
                    timeout=15000)
    assert panel.job_ids()[:2] == [second.id, first.id]  # newest first
    queued_button = panel.cancel_button(second.id)
    assert queued_button is not None and panel.cancel_button(first.id) is not None
    queued_button.click()
    assert window.generation.store.jobs.get(second.id).status == JobStatus.CANCELLED  # at once, no worker needed
    panel.cancel_button(first.id).click()
    qtbot.waitUntil(lambda: window.generation.store.jobs.get(first.id).status == JobStatus.CANCELLED, timeout=3000)
    qtbot.waitUntil(lambda: panel.cell_text(first.id, 3) == panel.cell_text(second.id, 3) == "Cancelled",
                    timeout=3000)
    assert panel.cancel_button(first.id) is None and panel.cancel_button(second.id) is None
    assert len(gemini.calls(GENERATE["gemini"])) == 2  # the queued job never reached the server
    close_message_boxes()


def test_a_noticeable_upscale_and_an_opaque_cutout_are_noted_in_the_results(window, servers, qtbot) -> None:  # noqa: ANN001
    """A model that answers smaller than asked (here 1376x768 for a 2560x1440 banner): the job
    records requested/received size and the upscale factor, and the result carries a note."""
    gemini, _ = servers
    use_provider(window, "gemini")
    choose_target(window, AssetType.YOUTUBE_BANNER)
    small = __import__("base64").b64encode(gs.png_of_size(1376, 768)).decode()
    gemini.script(gs.image_reply(small))
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate_button.click()
    job = window.generation.store.jobs.get(args_of(sig)[0])
    assert job.requested_size == (2752, 1536) and job.received_size == (1376, 768)
    assert job.upscale_factor == pytest.approx(max(2560 / 1376, 1440 / 768)) and job.upscaled_noticeably
    assert any("Upscaled x1.88" in n for n in job.result_notes)
    item = window.results.item(0)
    assert "Note" in item.text() and "Upscaled x1.88" in item.toolTip()
    assert "Upscaled" in window.statusBar().currentMessage()
    # A photo-like answer for an emote cannot be cut out: kept opaque, and said so.
    choose_target(window, AssetType.TWITCH_EMOTE)
    noise = Image.effect_noise((1024, 1024), 90).convert("RGB")
    buf = io.BytesIO()
    noise.save(buf, format="PNG")
    gemini.script(gs.image_reply(__import__("base64").b64encode(buf.getvalue()).decode()))
    qtbot.waitUntil(window.generate_button.isEnabled, timeout=5000)
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate_button.click()
    job = window.generation.store.jobs.get(args_of(sig)[0])
    assert any("could not be removed" in n and "kept opaque" in n for n in job.result_notes), job.result_notes
    assert not job.upscaled_noticeably
    qtbot.waitUntil(window.generate_button.isEnabled, timeout=5000)


def test_a_retired_stored_model_fails_in_one_line_naming_the_replacements(window, servers, qtbot) -> None:  # noqa: ANN001
    gemini, _ = servers
    use_provider(window, "gemini", models={"gemini": "gemini-3-pro-image-preview"})
    assert window.provider_status.text() == "Provider: Gemini (gemini-3-pro-image-preview)"  # shown as chosen
    choose_target(window, AssetType.THUMBNAIL)
    window.last_error = None
    with wait_job_event(qtbot, window.generation, ENDED_WITHOUT_ASSET, timeout=30000) as sig:
        window.generate_button.click()
    message = args_of(sig)[1]
    qtbot.waitUntil(lambda: window.last_error is not None, timeout=5000)
    assert window.last_error == ("Generation failed", message) and "\n" not in message
    assert "'gemini-3-pro-image-preview'" in message and "gemini-3-pro-image," in message
    assert len(gemini.calls(GENERATE["gemini"])) == 1  # nothing was tried with another paid model
    close_message_boxes()
    use_provider(window, "gemini", models={})
