"""provider_setup: settings sections, labels, the default provider, keys and STUDIO_RETRY_SCALE."""

from __future__ import annotations

from pathlib import Path

import keyring.backends.null
import pytest

from studio_app.providers.base import CancelToken
from studio_app.providers.errors import GenerationCancelledError, RateLimitError
from studio_app.services import provider_setup as ps
from studio_app.services.context import StudioStore
from studio_app.store.secrets import SecretSource, SecretStore, SecretStoreError
from tests.integration.conftest import MemoryKeyring

KEY = "AIzaSy-provider-setup-key-000000"


@pytest.fixture
def store(tmp_path: Path, monkeypatch) -> StudioStore:  # noqa: ANN001
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    s = StudioStore.open(tmp_path / "data")
    s.secrets = SecretStore(backend=MemoryKeyring(), environ={})
    yield s
    s.close()


def test_labels_and_default_follow_the_settings(store, monkeypatch) -> None:  # noqa: ANN001
    assert ps.default_provider(store) == "offline"
    assert ps.provider_label(store, "offline") == "Offline preview"
    assert ps.provider_label(store, "gemini") == "Gemini (gemini-3.1-flash-image)"
    monkeypatch.setenv("GEMINI_API_KEY", "from-env")
    assert ps.default_provider(store) == "gemini"
    ps.save_provider_settings(store, ps.ProviderSettings(default_provider="openai",
                                                         models={"openai": "gpt-image-1-mini"}))
    assert ps.default_provider(store) == "openai"
    assert ps.provider_label(store, "openai") == "OpenAI (gpt-image-1-mini)"
    ps.save_provider_settings(store, ps.ProviderSettings(default_provider="dalle9"))
    assert ps.default_provider(store) == "gemini"  # an unknown choice falls back


def test_saving_a_gemini_key_makes_gemini_the_default_unless_another_was_chosen(store) -> None:  # noqa: ANN001
    assert ps.save_api_key(store, "gemini", f"  {KEY}  ") == SecretSource.KEYRING
    assert store.secrets.get("gemini") == KEY
    assert ps.provider_settings(store).default_provider == "gemini"
    assert KEY not in store.paths.settings_file.read_text()
    assert ps.remove_api_key(store, "gemini") is None
    assert ps.provider_settings(store).default_provider is None and store.secrets.get("gemini") is None
    ps.save_provider_settings(store, ps.ProviderSettings(default_provider="openai"))
    ps.save_api_key(store, "gemini", KEY)
    assert ps.provider_settings(store).default_provider == "openai"
    with pytest.raises(SecretStoreError, match="empty"):
        ps.save_api_key(store, "openai", "   ")
    with pytest.raises(SecretStoreError, match="needs no API key"):
        ps.save_api_key(store, "offline", KEY)


def test_key_state_says_where_the_key_comes_from_and_never_shows_it(store) -> None:  # noqa: ANN001
    assert ps.key_state(store, "gemini") == ps.KeyState(None, "No key saved.")
    ps.save_api_key(store, "gemini", KEY)
    assert ps.key_state(store, "gemini") == ps.KeyState("keyring", "Key saved in the system keyring.")
    store.secrets = SecretStore(backend=keyring.backends.null.Keyring(), environ={"GEMINI_API_KEY": KEY})
    state = ps.key_state(store, "gemini")
    assert state.source == "env" and "GEMINI_API_KEY" in state.text and KEY not in state.text
    assert "turned off" in ps.keyring_message(store)


def test_coach_settings_keep_the_coach_services_own_fields(store) -> None:  # noqa: ANN001
    store.settings.save_section(ps.COACH_SECTION, ps.CoachLLMSettings.model_validate(
        {"engine": "auto", "turn_limit": 12, "idle_expiry_minutes": 60}))
    ps.save_coach_llm_settings(store, ps.CoachLLMSettings(engine="lmstudio", model="qwen", base_url=""))
    raw = store.settings.section(ps.COACH_SECTION, ps.CoachLLMSettings)
    assert (raw.engine, raw.model, raw.base_url) == ("lmstudio", "qwen", None)
    assert raw.model_extra == {"turn_limit": 12, "idle_expiry_minutes": 60}
    with pytest.raises(ValueError, match="Unknown coach engine"):
        ps.save_coach_llm_settings(store, ps.CoachLLMSettings(engine="gpt5"))


def test_providers_read_their_settings_when_each_job_starts(store) -> None:  # noqa: ANN001
    ps.save_api_key(store, "gemini", KEY)
    registry = ps.build_provider_registry(store)
    first = registry.create("gemini")
    ps.save_provider_settings(store, ps.ProviderSettings(
        models={"gemini": "gemini-3-pro-image"}, base_urls={"gemini": "http://127.0.0.1:9/"},
        read_timeout_s=7.5))
    second = registry.create("gemini")
    try:
        assert first.model == "gemini-3.1-flash-image"
        assert (second.model, second.base_url) == ("gemini-3-pro-image", "http://127.0.0.1:9")
        assert second._client.timeout.read == 7.5
        assert KEY not in repr(second)
    finally:
        first.close()
        second.close()


def test_retry_scale_multiplies_every_wait(monkeypatch) -> None:  # noqa: ANN001
    assert ps.retry_policy_from_env({}) is None
    assert ps.retry_policy_from_env({"STUDIO_RETRY_SCALE": "fast"}) is None
    assert ps.retry_policy_from_env({"STUDIO_RETRY_SCALE": "-1"}) is None
    slept: list[float] = []
    monkeypatch.setattr(ps, "sleep_through_cancel", lambda seconds, cancel: slept.append(seconds))
    policy = ps.retry_policy_from_env({"STUDIO_RETRY_SCALE": "0.01"})
    calls: list[int] = []

    def attempt() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RateLimitError("slow down", retry_after=20.0)
        return "ok"

    assert policy.run(attempt) == "ok"
    assert slept == [pytest.approx(0.2), pytest.approx(0.2)]  # the 20 s the service asked, scaled
    assert policy.max_retries == 3  # the number of tries is not scaled


def test_a_scaled_wait_still_ends_on_cancel() -> None:
    zero = ps.retry_policy_from_env({"STUDIO_RETRY_SCALE": "0"})
    token = CancelToken()
    token.cancel()
    with pytest.raises(GenerationCancelledError):
        zero.sleep(5.0, token)
