"""No API key reaches an exception, a log line or the data dir, whatever goes wrong."""

from __future__ import annotations

import logging
import traceback

import keyring.backends.null
import pytest

from studio_app.domain.asset_types import AssetType
from studio_app.providers.base import ImageRequest
from studio_app.providers.chat import ChatMessage, GeminiChatProvider, OpenAICompatibleChatProvider
from studio_app.providers.errors import GenerationError
from studio_app.providers.gemini import GeminiImageProvider
from studio_app.providers.openai_images import OpenAIImageProvider
from studio_app.store.secrets import SecretStore
from studio_app.store.settings import SettingsStore
from tests.servers import gemini_server as gs
from tests.servers import openai_server as oas
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.loopback import Fault
from tests.servers.openai_server import API_KEY as OPENAI_KEY

WRONG_GEMINI = "AIzaSyWRONG-known-key-987654321"
WRONG_OPENAI = "sk-proj-WRONG-known-key-987654321"
KEYS = (GEMINI_KEY, OPENAI_KEY, WRONG_GEMINI, WRONG_OPENAI)


def leaks(text: str) -> list[str]:
    return [k for k in KEYS if k in text]


def test_errors_logs_and_data_dir_hold_no_key(gemini_server, openai_server, fast_retry, data_dir, caplog):
    caplog.set_level(logging.DEBUG)  # httpx and httpcore too
    errors: list[BaseException] = []

    def expect_error(fn):
        with pytest.raises(GenerationError) as info:
            fn()
        errors.append(info.value)

    req = ImageRequest("a prompt", AssetType.THUMBNAIL)
    gemini = GeminiImageProvider(GEMINI_KEY, base_url=gemini_server.base_url, retry=fast_retry, read_timeout_s=0.5)
    for fault in (gs.rate_limited("45s"), gs.rate_limited("1s", per_day=True), gs.permission_denied(),
                  gs.blocked_prompt(), gs.image_safety(), gs.text_only(f"echo {GEMINI_KEY}?"), gs.malformed_json(),
                  gs.image_reply("@@"), gs.status_fault(400, "INVALID_ARGUMENT", f"bad key {GEMINI_KEY}")):
        gemini_server.script(fault)
        expect_error(lambda: gemini.generate(req))
    gemini_server.script(*[gs.html_error_page(502) for _ in range(4)])
    expect_error(lambda: gemini.generate(req))
    gemini_server.script(*[Fault(delay_s=1.0) for _ in range(4)])
    expect_error(lambda: gemini.generate(req))
    expect_error(lambda: GeminiImageProvider(WRONG_GEMINI, base_url=gemini_server.base_url,
                                             retry=fast_retry).generate(req))

    chat = GeminiChatProvider(GEMINI_KEY, base_url=gemini_server.base_url, retry=fast_retry)
    gemini_server.script(gs.stream_error_after(2, 400, "INVALID_ARGUMENT", f"key {GEMINI_KEY} is odd"))
    expect_error(lambda: chat.stream_chat([ChatMessage("user", "hi")]).text())
    expect_error(lambda: GeminiChatProvider(WRONG_GEMINI, base_url=gemini_server.base_url,
                                            retry=fast_retry).test_connection())

    openai = OpenAIImageProvider(OPENAI_KEY, base_url=openai_server.base_url, retry=fast_retry)
    for fault in (oas.moderation_blocked(), oas.org_not_verified(), oas.insufficient_quota(),
                  oas.Fault(status=400, body={"error": {"message": f"echo {OPENAI_KEY}", "type": "x"}})):
        openai_server.script(fault)
        expect_error(lambda: openai.generate(req))
    expect_error(lambda: OpenAIImageProvider(WRONG_OPENAI, base_url=openai_server.base_url,
                                             retry=fast_retry).generate(req))
    compat = OpenAICompatibleChatProvider(openai_server.base_url + "/v1", model="gpt-4o-mini",
                                          api_key=WRONG_OPENAI, retry=fast_retry)
    expect_error(lambda: compat.stream_chat([ChatMessage("user", "hi")]).text())

    # Secrets under a keyring that must not be used, and settings saved beside them.
    store = SecretStore(backend=keyring.backends.null.Keyring(), environ={})
    store.set("gemini", GEMINI_KEY)
    store.set("openai", OPENAI_KEY)
    from pydantic import BaseModel

    class ProviderSettings(BaseModel):
        image_provider: str = "gemini"
        model: str = "gemini-2.5-flash-image"

    SettingsStore(data_dir / "settings.json").save_section("providers", ProviderSettings())

    assert len(errors) == 20
    for err in errors:
        text = " ".join([str(err), repr(err), "".join(traceback.format_exception(err))])
        assert leaks(text) == [], f"{type(err).__name__}: {err}"
    assert any("***" in str(e) for e in errors)  # echoed keys were redacted, not just absent
    assert "HTTP Request: POST" in caplog.text  # the logs were really captured
    assert leaks(caplog.text) == []
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert files and not any(k.encode() in p.read_bytes() for p in files for k in KEYS)
    for p in (gemini, chat, openai, compat):
        assert leaks(repr(p)) == []
