"""Choosing the coach's LLM engine from the settings, and what a missing key looks like."""

from __future__ import annotations

import pytest

from studio_app.services.coach import CoachError, CoachSettings
from studio_app.services.coach.engines import ProviderChatEngine, build_chat_engine, chat_engine_factory
from studio_app.services.provider_setup import ProviderSettings


def test_auto_follows_the_image_provider_then_the_environment(store) -> None:  # noqa: ANN001
    auto = CoachSettings()
    assert build_chat_engine(auto, store, environ={}) is None
    engine = build_chat_engine(auto, store, environ={"OPENAI_API_KEY": "sk-x"})
    assert isinstance(engine, ProviderChatEngine) and engine.kind == "openai" and engine.label == "OpenAI (gpt-5.4-mini)"
    engine = build_chat_engine(auto, store, environ={"OPENAI_API_KEY": "sk-x", "GEMINI_API_KEY": "g"})
    assert engine is not None and engine.kind == "gemini"
    store.settings.save_section("providers", ProviderSettings(default_provider="openai"))
    engine = build_chat_engine(auto, store, environ={"GEMINI_API_KEY": "g"})
    assert engine is not None and engine.kind == "openai"
    assert build_chat_engine(CoachSettings(engine="offline"), store, environ={"GEMINI_API_KEY": "g"}) is None


def test_local_servers_and_their_required_settings(store) -> None:  # noqa: ANN001
    ollama = build_chat_engine(CoachSettings(engine="ollama"), store)
    assert ollama is not None and ollama.label == "Ollama (llama3.2)"
    assert ollama.base_url == "http://localhost:11434/v1"
    lms = build_chat_engine(CoachSettings(engine="lmstudio", model="qwen2.5-7b"), store)
    assert lms is not None and lms.base_url == "http://localhost:1234/v1" and lms.label == "LM Studio (qwen2.5-7b)"
    with pytest.raises(CoachError, match="Name the LM Studio model"):
        build_chat_engine(CoachSettings(engine="lmstudio"), store)
    with pytest.raises(CoachError, match="address of the OpenAI-compatible server"):
        build_chat_engine(CoachSettings(engine="custom", model="m"), store)
    custom = build_chat_engine(CoachSettings(engine="custom", model="m", base_url="http://127.0.0.1:9/v1"), store)
    assert custom is not None and custom.label == "Chat server (m)"


def test_missing_key_is_the_replys_one_line_error(make_coach, store, qtbot, monkeypatch, gemini_server) -> None:  # noqa: ANN001
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.setattr(store.secrets, "get", lambda name: None)  # no key in the keyring either
    store.settings.save_section("coach", CoachSettings(engine="gemini", base_url=gemini_server.base_url))
    coach = make_coach()
    coach._factory = chat_engine_factory(store)
    assert coach.engine_label() == "Gemini (gemini-3.5-flash-lite)"  # built without touching the keyring
    with qtbot.waitSignal(coach.replyFailed, timeout=10000) as failed:
        coach.start_session({"asset_type": "thumbnail", "description": "a knight"})
    assert failed.args[1].startswith("No Gemini API key is set. Add one in Settings")
    assert gemini_server.calls(":streamGenerateContent") == []  # nothing was sent without a key
