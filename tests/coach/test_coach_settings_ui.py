"""The coach settings dialog: choose an Ollama-like server, test the connection, save, and the
panel's coach follows."""

from __future__ import annotations

from studio_app.services.coach import CoachService, CoachSettings
from studio_app.services.coach.engines import chat_engine_factory
from studio_app.ui.coach.panel import CoachPanel


def test_choose_test_and_save_a_local_llm(store, generation, qtbot, local_llm_server, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    coach = CoachService(store, generation, chat_engine_factory=chat_engine_factory(store))
    try:
        panel = CoachPanel(coach, lambda: None)
        qtbot.addWidget(panel)
        assert panel.engine_label.text() == "Offline guided coach"  # no key in the environment
        dialog = panel.open_settings(modal=False)
        dialog.engine.setCurrentIndex(dialog.engine.findData("ollama"))
        assert dialog.model.isEnabled() and dialog.model.placeholderText() == "llama3.2"
        dialog.base_url.setText(local_llm_server.base_url + "/v1")
        dialog.model.setText("no-such-model")
        with qtbot.waitSignal(coach.connectionTested, timeout=10000) as sig:
            dialog.test_button.click()
        assert sig.args[0] is False and "no model 'no-such-model'" in dialog.result_label.text()
        dialog.model.setText("llama3.2")
        with qtbot.waitSignal(coach.connectionTested, timeout=10000) as sig:
            dialog.test_button.click()
        assert sig.args == [True, "Connected to Ollama: llama3.2 is available."]
        assert dialog.test_button.isEnabled()
        dialog.turn_limit.setValue(4)
        dialog.expiry_hours.setValue(2)
        dialog.save()
        saved = store.settings.section("coach", CoachSettings)
        assert (saved.engine, saved.model, saved.turn_limit, saved.idle_expiry_minutes) == ("ollama", "llama3.2", 4, 120)
        assert saved.base_url == local_llm_server.base_url + "/v1"
        assert panel.engine_label.text() == "Ollama (llama3.2)"

        dialog = panel.open_settings(modal=False)
        dialog.engine.setCurrentIndex(dialog.engine.findData("lmstudio"))
        dialog.model.clear()
        with qtbot.waitSignal(coach.connectionTested, timeout=2000) as sig:
            dialog.test_button.click()
        assert sig.args[0] is False and "Name the LM Studio model" in sig.args[1]
    finally:
        coach.shutdown()
