"""Provider figures against the loopback doubles, with the google-genai SDK as peer.

Run: python -m pytest tests/bench -k providers -s -p no:cacheprovider
"""

from __future__ import annotations

import io
import statistics
import threading
import time

import httpx
import pytest
from google import genai
from google.genai import types
from PIL import Image

from studio_app.domain.asset_types import AssetType
from studio_app.providers.base import CancelToken, ImageRequest, InputImage
from studio_app.providers.chat import ChatMessage, GeminiChatProvider
from studio_app.providers.errors import GenerationCancelledError
from studio_app.providers.gemini import GeminiImageProvider
from studio_app.providers.model_lists import gemini_image_models, parse_gemini_models
from tests.bench.conftest import median_ms
from tests.servers.gemini_server import API_KEY, GeminiServer, ModelSpec
from tests.servers.loopback import Fault

pytestmark = pytest.mark.bench


def interleaved_medians(ours, peer, *, repeat: int) -> tuple[float, float]:
    """Median ms of ``ours`` and ``peer``, timed alternately so machine noise hits both alike."""
    for _ in range(3):
        ours()
        peer()
    a, b = [], []
    for _ in range(repeat):
        for fn, out in ((ours, a), (peer, b)):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(a), statistics.median(b)


@pytest.fixture(scope="module")
def server():
    with GeminiServer() as s:
        yield s


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (40, 80, 160)).save(buf, format="PNG")
    return buf.getvalue()


def test_providers_gemini_image_round_trip_vs_sdk(server, bench_record):
    """One image round trip (the default model, a thumbnail with its canvas snapshot) through the
    app's provider and through the google-genai SDK, interleaved in the same run; the issue's
    figure is the ratio of the two (the app's request overhead over the SDK's)."""
    snapshot = _png(1280, 720)
    ours = GeminiImageProvider(API_KEY, base_url=server.base_url)
    req = ImageRequest("A neon thumbnail", AssetType.THUMBNAIL, (InputImage(snapshot, "image/png", "canvas_snapshot"),))
    plan = ours.plan(req)
    sdk = genai.Client(api_key=API_KEY, http_options=types.HttpOptions(base_url=server.base_url))
    config = types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"], image_config=types.ImageConfig(
        aspect_ratio=plan.aspect_ratio, image_size=plan.image_size))

    def peer() -> None:
        r = sdk.models.generate_content(model=plan.model, config=config,
                                        contents=["A neon thumbnail", types.Part.from_bytes(data=snapshot,
                                                                                            mime_type="image/png")])
        assert r.candidates[0].content.parts[-1].inline_data.data

    value, peer_value = interleaved_medians(lambda: ours.generate(req), peer, repeat=25)
    bench_record("providers.gemini_image_round_trip_ms", value, "ms",
                 "< SDK + 20 ms (we verify the returned image; a real generation takes 5-30 s)",
                 peer="google-genai SDK generate_content", peer_value=peer_value,
                 met=value < peer_value + 20)
    ratio = value / peer_value
    bench_record("providers.gemini_image_request_overhead_ratio", ratio, "x",
                 "<= 1.1 (app round trip / SDK round trip, same run, same loopback server)",
                 peer="google-genai SDK generate_content", peer_value=1.0, ratio=ratio, met=ratio <= 1.1,
                 app_ms=round(value, 3), sdk_ms=round(peer_value, 3), model=plan.model)


def test_providers_model_list_fetch_and_parse_50(bench_record):
    """Fetch and parse a 50-model ``GET /v1beta/models`` answer (the Settings list refresh)."""
    names = [f"gemini-bench-{i}-image" if i % 5 == 0 else f"gemini-bench-{i}" for i in range(50)]
    models = {n: ModelSpec(n, n.endswith("-image")) for n in names}
    with GeminiServer(models=models) as s:
        provider = GeminiImageProvider(API_KEY, base_url=s.base_url)
        assert len(provider.list_models()) == 10
        value, times = median_ms(provider.list_models, repeat=40, warmup=3)
        raw = httpx.get(f"{s.base_url}/v1beta/models", params={"pageSize": 1000},
                        headers={"x-goog-api-key": API_KEY}).content
    parse_ms, _ = median_ms(lambda: gemini_image_models(parse_gemini_models(raw)[0]), repeat=200, warmup=5)
    bench_record("providers.model_list_fetch_parse_50_ms", value, "ms", "< 50 ms (50 models, loopback server)",
                 met=value < 50, parse_only_ms=round(parse_ms, 4), bytes=len(raw), max_ms=round(max(times), 3))


def test_providers_gemini_chat_first_token_vs_sdk(server, bench_record):
    ours = GeminiChatProvider(API_KEY, base_url=server.base_url)
    sdk = genai.Client(api_key=API_KEY, http_options=types.HttpOptions(base_url=server.base_url))

    def first_token_ours() -> None:
        stream = ours.stream_chat([ChatMessage("user", "give me a title idea")])
        next(stream)
        stream.close()

    def first_token_sdk() -> None:
        for chunk in sdk.models.generate_content_stream(model=ours.model, contents="give me a title idea"):
            if chunk.text:
                break

    value, peer_value = interleaved_medians(first_token_ours, first_token_sdk, repeat=30)
    bench_record("providers.gemini_chat_first_token_ms", value, "ms", "< SDK + 5 ms (reader thread + queue)",
                 peer="google-genai SDK stream", peer_value=peer_value, met=value < peer_value + 5)


def test_providers_cancel_latency(server, bench_record):
    provider = GeminiImageProvider(API_KEY, base_url=server.base_url)
    latencies = []
    for i in range(12):
        server.script(Fault(delay_s=10.0))
        cancel = CancelToken()
        stamp: dict[str, float] = {}

        def fire(c: CancelToken = cancel, s: dict[str, float] = stamp) -> None:
            s["t"] = time.perf_counter()
            c.cancel()

        threading.Timer(0.05 + i * 0.0017, fire).start()  # spread over the poll period
        with pytest.raises(GenerationCancelledError):
            provider.generate(ImageRequest("x", AssetType.THUMBNAIL), cancel=cancel)
        latencies.append((time.perf_counter() - stamp["t"]) * 1000)
    value = statistics.median(latencies)
    bench_record("providers.cancel_in_flight_latency_ms", value, "ms", "< 100 ms (poll every 20 ms)",
                 met=value < 100, max_ms=round(max(latencies), 3))
