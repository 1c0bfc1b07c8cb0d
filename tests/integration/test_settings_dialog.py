"""SettingsDialog with real keyring backends and the loopback servers (pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.null
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from studio_app.app import build_main_window
from studio_app.domain.asset_types import AssetType
from studio_app.domain.jobs import JobStatus
from studio_app.services.provider_setup import (
    COACH_SECTION,
    CoachLLMSettings,
    ProviderSettings,
    coach_llm_settings,
    provider_settings,
    save_provider_settings,
)
from studio_app.services.settings_services import SettingsServices
from studio_app.store.secrets import SERVICE_NAME, SecretStore
from studio_app.ui.settings.dialog import ERROR_STYLE, OK_STYLE, SettingsDialog
from tests.job_signals import COMPLETED, args_of, wait_job_event
from tests.memory_keyring import HangingKeyring
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.openai_server import API_KEY as OPENAI_KEY
from tests.servers.openai_server import OpenAIServer

from .conftest import MemoryKeyring, close_message_boxes, no_wait_retry, open_store, point_at

WRONG_KEY = "AIzaSyWRONG-settings-key-5555555555"


def open_dialog(store, qtbot) -> SettingsDialog:  # noqa: ANN001
    dialog = SettingsDialog(SettingsServices.for_store(store))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=10000)
    return dialog


def finish(dialog, qtbot) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=15000)
    assert not dialog.busy.isVisible()


def test_enter_test_save_and_remove_a_gemini_key(tmp_path: Path, servers, qtbot) -> None:  # noqa: ANN001
    gemini, openai = servers
    backend = MemoryKeyring()
    store = open_store(tmp_path / "data", backend, keys=False)
    point_at(store, gemini, openai)
    dialog = open_dialog(store, qtbot)
    box = dialog.boxes["gemini"]
    assert box.key.echoMode() == box.key.EchoMode.Password
    assert box.key_status.text() == "No key saved." and not dialog.keyring_banner.isVisible()
    assert not box.remove_key.isEnabled()
    assert [box.model.itemText(i) for i in range(box.model.count())][0] == "gemini-3.1-flash-image"
    assert "not checked with the service yet" in box.model_note.text()

    box.key.setText(WRONG_KEY)
    box.test.click()
    assert dialog.busy.isVisible()  # the check runs in a worker; the dialog shows it is busy
    finish(dialog, qtbot)
    assert "rejected the API key" in box.result.text() and box.result.styleSheet() == ERROR_STYLE
    assert WRONG_KEY not in box.result.text()

    box.key.setText(GEMINI_KEY)
    box.test.click()
    finish(dialog, qtbot)
    assert box.result.text() == ("Connected to Gemini: gemini-3.1-flash-image is available to this key "
                                 "(3 image models listed).")
    listed = [box.model.itemText(i) for i in range(box.model.count())]
    assert listed == ["gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-3.1-flash-lite-image"]
    assert "listed by the service" in box.model_note.text() and "1K/2K/4K" in box.model_note.text()
    assert backend.passwords == {}  # testing does not save

    with qtbot.waitSignal(dialog.settingsChanged, timeout=10000):
        box.save_key.click()
    finish(dialog, qtbot)
    assert backend.passwords == {(SERVICE_NAME, "gemini"): GEMINI_KEY}
    assert box.key.text() == "" and box.key_status.text() == "Key saved in the system keyring."
    assert box.result.text() == "Key saved in the system keyring." and box.result.styleSheet() == OK_STYLE
    # "gemini, the default once a key is set"
    assert dialog.default_provider.currentData() == "gemini"
    assert provider_settings(store).default_provider == "gemini"

    box.test.click()  # the saved key now
    finish(dialog, qtbot)
    assert box.result.text().startswith("Connected to Gemini")

    with qtbot.waitSignal(dialog.settingsChanged, timeout=10000):
        box.remove_key.click()
    finish(dialog, qtbot)
    assert backend.passwords == {} and box.key_status.text() == "No key saved."
    assert provider_settings(store).default_provider is None and dialog.default_provider.currentData() == ""
    box.test.click()
    finish(dialog, qtbot)
    assert box.result.text() == "No Gemini API key is set." and box.result.styleSheet() == ERROR_STYLE
    assert GEMINI_KEY not in store.paths.settings_file.read_text()
    store.close()


def test_a_keyring_that_cannot_keep_keys_is_announced_and_the_key_kept_for_this_run(tmp_path, servers,  # noqa: ANN001
                                                                                    qtbot) -> None:
    gemini, openai = servers
    store = open_store(tmp_path / "data", keyring.backends.null.Keyring(), keys=False)
    point_at(store, gemini, openai)
    dialog = open_dialog(store, qtbot)
    assert dialog.keyring_banner.isVisible()
    assert "turned off" in dialog.keyring_banner.text() and "for this run only" in dialog.keyring_banner.text()
    box = dialog.boxes["openai"]
    box.key.setText(OPENAI_KEY)
    box.save_key.click()
    finish(dialog, qtbot)
    assert box.key_status.text() == "Key kept in memory for this run only."
    assert box.result.text() == "Key saved for this run only."
    assert store.secrets.get("openai") == OPENAI_KEY
    box.test.click()
    finish(dialog, qtbot)
    assert box.result.text() == ("Connected to OpenAI: gpt-image-2.5-sunburst is available to this key "
                                 "(6 image models listed).")
    assert dialog.default_provider.currentData() == ""  # only a Gemini key picks the default
    assert OPENAI_KEY not in store.paths.settings_file.read_text()
    store.close()


def test_the_dialog_keeps_running_while_the_keyring_hangs(tmp_path, qtbot) -> None:  # noqa: ANN001
    backend = HangingKeyring()
    store = open_store(tmp_path / "data", keys=False)
    store.secrets = SecretStore(backend=backend, environ={}, timeout_s=0.6)
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(dialog.pending))
    timer.start(10)
    dialog = SettingsDialog(SettingsServices.for_store(store))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.pending == 1 and dialog.busy.isVisible()
    assert dialog.boxes["gemini"].key_status.text() == "Checking the keyring…"
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=10000)
    timer.stop()
    backend.release.set()
    assert sum(1 for p in ticks if p) >= 5  # the event loop ran while the keyring call waited
    assert "did not answer within 0.6 s" in dialog.keyring_banner.text()
    assert dialog.keyring_banner.isVisible() and not dialog.busy.isVisible()
    store.close()


def test_coach_page_tests_a_local_server_and_keeps_the_coach_section(tmp_path, qtbot) -> None:  # noqa: ANN001
    store = open_store(tmp_path / "data", keys=False)
    store.settings.save_section(COACH_SECTION, CoachLLMSettings.model_validate({"turn_limit": 7, "engine": "auto"}))
    with OpenAIServer(require_auth=False, models=("llama3.2", "qwen2.5")) as local:
        dialog = open_dialog(store, qtbot)
        dialog.tabs.setCurrentIndex(1)
        dialog.coach_engine.setCurrentIndex(dialog.coach_engine.findData("ollama"))
        assert dialog.coach_model.isEnabled() and "llama3.2" in dialog.coach_model.placeholderText()
        assert "11434" in dialog.coach_base_url.placeholderText()
        dialog.coach_base_url.setText(local.base_url + "/v1")
        dialog.coach_model.setText("mistral")
        dialog.coach_test.click()
        finish(dialog, qtbot)
        assert "has no model 'mistral'" in dialog.coach_result.text()
        assert dialog.coach_result.styleSheet() == ERROR_STYLE
        dialog.coach_model.setText("qwen2.5")
        dialog.coach_test.click()
        finish(dialog, qtbot)
        assert dialog.coach_result.text() == "Connected to Ollama: qwen2.5 is available."
        assert local.calls("/v1/models")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    saved = coach_llm_settings(store)
    assert (saved.engine, saved.model, saved.base_url) == ("ollama", "qwen2.5", local.base_url + "/v1")
    assert store.settings.section(COACH_SECTION, CoachLLMSettings).model_extra["turn_limit"] == 7
    store.close()


def test_save_stores_models_addresses_default_and_a_key_still_typed(tmp_path, servers, qtbot) -> None:  # noqa: ANN001
    gemini, openai = servers
    backend = MemoryKeyring()
    store = open_store(tmp_path / "data", backend, keys=False)
    dialog = open_dialog(store, qtbot)
    dialog.boxes["gemini"].model.setCurrentText("gemini-3-pro-image")
    dialog.boxes["gemini"].base_url.setText(gemini.base_url)
    dialog.boxes["openai"].base_url.setText(openai.base_url)
    dialog.boxes["openai"].key.setText(OPENAI_KEY)
    dialog.default_provider.setCurrentIndex(dialog.default_provider.findData("openai"))
    dialog.timeout.setValue(90)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert backend.passwords == {(SERVICE_NAME, "openai"): OPENAI_KEY}
    assert provider_settings(store) == ProviderSettings(
        default_provider="openai", models={"gemini": "gemini-3-pro-image"},  # the untouched default follows the list
        base_urls={"gemini": gemini.base_url, "openai": openai.base_url}, read_timeout_s=90)
    assert OPENAI_KEY not in store.paths.settings_file.read_text()
    store.close()


def test_main_window_settings_switch_generate_to_gemini(tmp_path, servers, qtbot) -> None:  # noqa: ANN001
    gemini, openai = servers
    store = open_store(tmp_path / "data", keys=False)
    point_at(store, gemini, openai)
    window = build_main_window(store, retry=no_wait_retry())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.provider_status.text() == "Provider: Offline preview"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    QTest.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    finish(dialog, qtbot)
    dialog.boxes["gemini"].key.setText(GEMINI_KEY)
    dialog.boxes["gemini"].save_key.click()
    finish(dialog, qtbot)
    assert window.provider_status.text() == "Provider: Gemini (gemini-3.1-flash-image)"
    assert window.provider_name == "gemini"
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        dialog.boxes["gemini"].model.setCurrentText("gemini-3-pro-image")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert window.provider_status.text() == "Provider: Gemini (gemini-3-pro-image)"

    window.asset_type_combo.setCurrentIndex(window.asset_type_combo.findData(AssetType.TWITCH_EMOTE.value))
    with wait_job_event(qtbot, window.generation, COMPLETED, timeout=30000) as sig:
        window.generate_button.click()
    job = store.jobs.get(args_of(sig)[0])
    asset = store.assets.get(args_of(sig)[1])
    assert job.status == JobStatus.COMPLETED and job.provider == "gemini" and not asset.is_preview
    assert (asset.width, asset.height) == (112, 112)
    assert gemini.calls(":generateContent")[-1].path == "/v1beta/models/gemini-3-pro-image:generateContent"
    assert job.requested_size == (1024, 1024) and job.upscale_factor < 1
    close_message_boxes()
    window.close()
    store.close()


@pytest.fixture(autouse=True)
def _no_env_keys(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def test_a_retired_stored_model_is_shown_unavailable_with_the_offered_ones(tmp_path, servers, qtbot) -> None:  # noqa: ANN001
    gemini, openai = servers
    store = open_store(tmp_path / "data")
    point_at(store, gemini, openai)
    settings = provider_settings(store)
    save_provider_settings(store, settings.model_copy(update={"models": {"gemini": "gemini-2.5-flash-image"}}))
    dialog = open_dialog(store, qtbot)
    finish(dialog, qtbot)  # the key is there: the dialog asked for the live list on opening
    box = dialog.boxes["gemini"]
    assert box.model.currentText() == "gemini-2.5-flash-image" and box.unavailable
    note = box.model_note.text()
    assert "gemini-2.5-flash-image is unavailable" in note and "gemini-3.1-flash-image" in note
    assert box.model_note.styleSheet() == ERROR_STYLE
    assert any(r.path == "/v1beta/models" for r in gemini.requests)
    box.model.setCurrentText("gemini-3-pro-image")
    assert not box.unavailable and "1K/2K/4K" in box.model_note.text()
    store.close()


def test_coach_page_offers_the_servers_own_model_list_and_keeps_it(tmp_path, qtbot) -> None:  # noqa: ANN001
    """The Coach page's Models menu lists what the chat server lists (GET /v1/models, Ollama's
    name:tag ids), caches it with a time stamp for the next dialog, and a pick fills the field."""
    from studio_app.services import model_lists

    store = open_store(tmp_path / "data", keys=False)
    with OpenAIServer(require_auth=False, models=("llama3.2:latest", "qwen2.5:7b")) as local:
        dialog = open_dialog(store, qtbot)
        dialog.tabs.setCurrentIndex(1)
        dialog.coach_engine.setCurrentIndex(dialog.coach_engine.findData("ollama"))
        dialog.coach_base_url.setText(local.base_url + "/v1")
        assert dialog.coach_models.isEnabled()
        before = len(local.calls("/v1/models"))
        dialog.refresh_coach_models()
        finish(dialog, qtbot)
        assert len(local.calls("/v1/models")) == before + 1
        offered = [a.text() for a in dialog.coach_models_menu.actions() if a.isEnabled() and a.text()]
        assert offered == ["Refresh list", "llama3.2:latest", "qwen2.5:7b"]
        assert dialog.coach_model.completer().model().stringList() == ["llama3.2:latest", "qwen2.5:7b"]
        next(a for a in dialog.coach_models_menu.actions() if a.text() == "qwen2.5:7b").trigger()
        assert dialog.coach_model.text() == "qwen2.5:7b"
        entry = model_lists.cached_list(store, "ollama", kind="chat", base_url=local.base_url + "/v1")
        assert entry is not None and entry.models == ["llama3.2:latest", "qwen2.5:7b"] and entry.fetched_at
        dialog.reject()
        # A new dialog offers the cached list without asking the server again.
        calls = len(local.calls("/v1/models"))
        again = open_dialog(store, qtbot)
        again.tabs.setCurrentIndex(1)
        again.coach_base_url.setText(local.base_url + "/v1")
        again.coach_engine.setCurrentIndex(again.coach_engine.findData("ollama"))
        assert "qwen2.5:7b" in [a.text() for a in again.coach_models_menu.actions()]
        assert len(local.calls("/v1/models")) == calls
        again.reject()
    # With the server gone, a refresh says why in the button's tooltip and keeps the old list.
    dead = open_dialog(store, qtbot)
    dead.tabs.setCurrentIndex(1)
    dead.coach_base_url.setText(local.base_url + "/v1")
    dead.coach_engine.setCurrentIndex(dead.coach_engine.findData("ollama"))
    dead.refresh_coach_models()
    finish(dead, qtbot)
    assert dead.coach_models.toolTip().startswith("Could not list the models:")
    assert "qwen2.5:7b" in [a.text() for a in dead.coach_models_menu.actions()]
    dead.reject()
    store.close()
