"""Chat streaming through both wire formats against the loopback servers."""

from __future__ import annotations

import threading

import httpx
import pytest
from httpx_sse import EventSource

from studio_app.domain.coach import CoachMessage
from studio_app.providers.base import CancelToken
from studio_app.providers.chat import (
    ChatMessage,
    GeminiChatProvider,
    OpenAICompatibleChatProvider,
    chat_messages_from_coach,
)
from studio_app.providers.errors import (
    AuthenticationError,
    ContentPolicyError,
    GenerationCancelledError,
    GenerationError,
    ModelNotFoundError,
    RateLimitError,
)
from studio_app.providers.factory import create_chat_provider
from tests.servers import gemini_server as gs
from tests.servers import openai_server as oas
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.loopback import Fault
from tests.servers.openai_server import API_KEY as OPENAI_KEY

STREAM = ":streamGenerateContent"
CHAT = "/v1/chat/completions"
HISTORY = [ChatMessage("user", "make me a thumbnail"), ChatMessage("assistant", "What game?"),
           ChatMessage("user", "Elden Ring boss fight")]
EXPECTED = "Echo: Elden Ring boss fight"


def gemini(server, retry, **kw) -> GeminiChatProvider:
    return GeminiChatProvider(kw.pop("key", GEMINI_KEY), base_url=server.base_url, retry=retry, **kw)


def local(server, retry, **kw) -> OpenAICompatibleChatProvider:
    return OpenAICompatibleChatProvider.ollama(model=kw.pop("model", "llama3.2"), base_url=server.base_url + "/v1",
                                               retry=retry, **kw)


# --- Gemini SSE ----------------------------------------------------------------------------

def test_gemini_stream_yields_deltas_skips_thoughts_and_keeps_last_usage(gemini_server, fast_retry):
    stream = gemini(gemini_server, fast_retry).stream_chat(HISTORY, "You are a thumbnail coach.")
    tokens = list(stream)
    assert len(tokens) > 3 and "".join(tokens) == EXPECTED
    assert "Thinking" not in "".join(tokens)
    assert stream.finish_reason == "STOP"
    assert stream.usage is not None and stream.usage.output_tokens == len(EXPECTED.split())
    rec = gemini_server.calls(STREAM)[-1]
    assert rec.query["alt"] == ["sse"] and gemini_server.rejections == []
    body = rec.json()
    assert [c["role"] for c in body["contents"]] == ["user", "model", "user"]
    assert body["systemInstruction"] == {"parts": [{"text": "You are a thumbnail coach."}]}


def test_gemini_stream_with_crlf_and_lf_separators(gemini_server, fast_retry):
    provider = gemini(gemini_server, fast_retry)
    assert gemini_server.sse_newline == "\r\n"  # the double's default, like the service
    assert provider.stream_chat(HISTORY).text() == EXPECTED
    gemini_server.script(Fault(sse_newline="\n"))
    assert provider.stream_chat(HISTORY).text() == EXPECTED


def test_gemini_consecutive_turns_are_merged(gemini_server, fast_retry):
    body = GeminiChatProvider.build_body([ChatMessage("user", "a"), ChatMessage("user", "b")], "")
    assert body == {"contents": [{"role": "user", "parts": [{"text": "a"}, {"text": "b"}]}]}
    assert gemini(gemini_server, fast_retry).stream_chat([ChatMessage("user", "a"), ChatMessage("user", "b")]).text() \
        == "Echo: b"


def test_gemini_slow_first_token_still_streams(gemini_server, fast_retry):
    gemini_server.script(Fault(first_event_delay_s=0.5))
    assert gemini(gemini_server, fast_retry).stream_chat(HISTORY).text() == EXPECTED


def test_gemini_error_mid_stream_after_tokens(gemini_server, fast_retry):
    gemini_server.script(gs.stream_error_after(3))
    received: list[str] = []
    with pytest.raises(GenerationError) as info:
        for token in gemini(gemini_server, fast_retry).stream_chat(HISTORY):
            received.append(token)
    assert "".join(received) == "Echo: Elden "  # two deltas arrived before the error
    assert "overloaded" in str(info.value) and info.value.status_code == 503
    assert len(gemini_server.calls(STREAM)) == 1  # never retried once tokens flowed


def test_gemini_stream_cut_off_is_reported(gemini_server, fast_retry):
    gemini_server.script(Fault(cut_after_events=2))
    with pytest.raises(GenerationError, match="cut off"):
        gemini(gemini_server, fast_retry).stream_chat(HISTORY).text()


def test_gemini_rate_limit_before_the_stream_is_retried(gemini_server, fast_retry, sleeps):
    gemini_server.script(gs.rate_limited("2s"), gs.overloaded())
    assert gemini(gemini_server, fast_retry).stream_chat(HISTORY).text() == EXPECTED
    assert sleeps.waits[0] == 2.0 and len(gemini_server.calls(STREAM)) == 3


def test_gemini_per_day_and_bad_key(gemini_server, fast_retry):
    gemini_server.script(gs.rate_limited("1s", per_day=True))
    with pytest.raises(RateLimitError, match="daily"):
        gemini(gemini_server, fast_retry).stream_chat(HISTORY).text()
    with pytest.raises(AuthenticationError):
        gemini(gemini_server, fast_retry, key="bad-key-123").stream_chat(HISTORY).text()


def test_gemini_blocked_prompt_in_stream(gemini_server, fast_retry):
    gemini_server.script(Fault(status=200, content_type="text/event-stream",
                               body='data: {"promptFeedback": {"blockReason": "SAFETY"}}\r\n\r\n'))
    with pytest.raises(ContentPolicyError, match="SAFETY"):
        gemini(gemini_server, fast_retry).stream_chat(HISTORY).text()


def test_gemini_html_page_instead_of_stream(gemini_server, fast_retry):
    gemini_server.script(*[gs.html_error_page(502) for _ in range(4)])
    with pytest.raises(GenerationError, match="502"):
        gemini(gemini_server, fast_retry).stream_chat(HISTORY).text()


def test_gemini_chat_test_connection(gemini_server, fast_retry):
    assert "Gemini 3.5 Flash Lite is available" in gemini(gemini_server, fast_retry).test_connection()
    with pytest.raises(ModelNotFoundError, match="'gemini-2.5-flash'.*gemini-3.5-flash"):
        gemini(gemini_server, fast_retry, model="gemini-2.5-flash").test_connection()
    with pytest.raises(AuthenticationError):
        gemini(gemini_server, fast_retry, key="").test_connection()


@pytest.mark.timeout(20)
def test_gemini_cancel_while_waiting_for_the_first_token(gemini_server, fast_retry):
    gemini_server.script(Fault(first_event_delay_s=30.0))
    cancel = CancelToken()
    stream = gemini(gemini_server, fast_retry).stream_chat(HISTORY, cancel=cancel)
    threading.Timer(0.2, cancel.cancel).start()
    with pytest.raises(GenerationCancelledError):
        list(stream)


# --- OpenAI-compatible SSE -----------------------------------------------------------------

def test_local_llm_stream_with_done_and_usage(local_llm_server, fast_retry):
    stream = local(local_llm_server, fast_retry).stream_chat(HISTORY, "Be brief.")
    tokens = list(stream)
    assert "".join(tokens) == EXPECTED and len(tokens) >= 4
    assert stream.finish_reason == "stop"
    assert stream.usage is not None and stream.usage.output_tokens == 5 and stream.usage.total_tokens > 5
    body = local_llm_server.calls(CHAT)[-1].json()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
    assert "authorization" not in local_llm_server.calls(CHAT)[-1].headers
    assert local_llm_server.rejections == []


def test_local_llm_stream_with_crlf(local_llm_server, fast_retry):
    local_llm_server.script(Fault(sse_newline="\r\n"))
    assert local(local_llm_server, fast_retry).stream_chat(HISTORY).text() == EXPECTED


def test_local_llm_slow_first_token(local_llm_server, fast_retry):
    local_llm_server.script(Fault(first_event_delay_s=0.5))
    assert local(local_llm_server, fast_retry).stream_chat(HISTORY).text() == EXPECTED


def test_openai_error_mid_stream(local_llm_server, fast_retry):
    local_llm_server.script(oas.stream_error_after(2))
    received: list[str] = []
    with pytest.raises(GenerationError, match="had an error") as info:
        for token in local(local_llm_server, fast_retry).stream_chat(HISTORY):
            received.append(token)
    assert received == ["Echo: "]
    assert "Ollama" in str(info.value)


def test_openai_stream_cut_before_done(local_llm_server, fast_retry):
    local_llm_server.script(Fault(cut_after_events=3))
    with pytest.raises(GenerationError, match="cut off"):
        local(local_llm_server, fast_retry).stream_chat(HISTORY).text()


def test_openai_chat_with_key_and_rate_limit(openai_server, fast_retry, sleeps):
    openai_server.script(oas.rate_limited(retry_after_ms="1500", route=CHAT))
    provider = create_chat_provider("openai", api_key=OPENAI_KEY, base_url=openai_server.base_url,
                                    retry=fast_retry)
    assert provider.stream_chat(HISTORY).text() == EXPECTED
    assert sleeps.waits == [1.5]
    assert openai_server.calls(CHAT)[-1].headers["authorization"] == f"Bearer {OPENAI_KEY}"


def test_openai_chat_wrong_key(openai_server, fast_retry):
    provider = create_chat_provider("openai", api_key="sk-wrong-key-0000000000", base_url=openai_server.base_url,
                                    retry=fast_retry)
    with pytest.raises(AuthenticationError) as info:
        provider.stream_chat(HISTORY).text()
    assert "sk-" not in str(info.value) and "0000" not in str(info.value)


def test_local_llm_not_running(fast_retry):
    provider = OpenAICompatibleChatProvider.lm_studio(model="qwen", base_url="http://127.0.0.1:9/v1",
                                                      retry=fast_retry)
    with pytest.raises(GenerationError, match="Could not connect to LM Studio"):
        provider.test_connection()


def test_local_llm_test_connection_lists_models(local_llm_server, fast_retry):
    assert "llama3.2:latest is available" in local(local_llm_server, fast_retry).test_connection()
    assert "qwen2.5:7b is available" in local(local_llm_server, fast_retry, model="qwen2.5:7b").test_connection()
    with pytest.raises(GenerationError, match="no model 'qwen2.5'. Available: llama3.2:latest, qwen2.5:7b"):
        local(local_llm_server, fast_retry, model="qwen2.5").test_connection()  # only :latest is implied
    with pytest.raises(GenerationError, match="no model 'mistral'. Available: llama3.2:latest, qwen2.5:7b"):
        local(local_llm_server, fast_retry, model="mistral").test_connection()


def test_non_stream_answer_is_reported(local_llm_server, fast_retry):
    local_llm_server.script(Fault(status=200, body={"choices": []}))
    with pytest.raises(GenerationError, match="without a stream"):
        local(local_llm_server, fast_retry).stream_chat(HISTORY).text()


@pytest.mark.timeout(20)
def test_openai_cancel_while_waiting_for_the_first_token(local_llm_server, fast_retry):
    local_llm_server.script(Fault(first_event_delay_s=30.0))
    cancel = CancelToken()
    stream = local(local_llm_server, fast_retry).stream_chat(HISTORY, cancel=cancel)
    threading.Timer(0.2, cancel.cancel).start()
    with pytest.raises(GenerationCancelledError):
        stream.text()


def test_close_stops_a_stream_early(local_llm_server, fast_retry):
    stream = local(local_llm_server, fast_retry).stream_chat(HISTORY)
    first = next(stream)
    stream.close()
    assert first == "Echo: "
    with pytest.raises(StopIteration):
        next(stream)


# --- helpers -------------------------------------------------------------------------------

def test_coach_messages_map_to_chat_roles():
    msgs = [CoachMessage(role="system", content="rules"), CoachMessage(role="coach", content="Hi!"),
            CoachMessage(role="user", content="neon please"), CoachMessage(role="coach", type="asset", asset_id="a1"),
            CoachMessage(role="user", content="  ")]
    assert chat_messages_from_coach(msgs) == [ChatMessage("assistant", "Hi!"), ChatMessage("user", "neon please")]


def test_factory_kinds():
    assert create_chat_provider("ollama").base_url == "http://localhost:11434/v1"
    assert create_chat_provider("lmstudio", model="qwen").base_url == "http://localhost:1234/v1"
    with pytest.raises(ValueError, match="model"):
        create_chat_provider("lmstudio")
    with pytest.raises(ValueError, match="address"):
        create_chat_provider("custom", model="m")
    with pytest.raises(ValueError, match="Unknown chat provider"):
        create_chat_provider("nope")
    with pytest.raises(AuthenticationError):
        create_chat_provider("openai", api_key=None)


def test_sse_parser_handles_multiline_data_and_comments():
    """httpx-sse joins multi-line data with \\n and skips comments, for any line ending."""
    raw = b": keep-alive\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\ndata: x\rdata: y\r\r"
    resp = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=raw)
    assert [e.data for e in EventSource(resp).iter_sse()] == ['{"a":\n1}', "x\ny"]
