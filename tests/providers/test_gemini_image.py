"""GeminiImageProvider against the strict loopback Gemini double."""

from __future__ import annotations

import base64
import io
import socket

import numpy as np
import pytest
from PIL import Image

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.providers.base import ImageRequest, InputImage
from studio_app.providers.errors import (
    AuthenticationError,
    ContentPolicyError,
    GenerationError,
    GenerationTimeoutError,
    ModelNotFoundError,
    RateLimitError,
)
from studio_app.providers.gemini import (
    DEFAULT_MODEL,
    MAX_INPUT_IMAGE_BYTES,
    PRO_MODEL,
    GeminiImageProvider,
    closest_aspect_ratio,
)
from tests.servers import gemini_server as gs
from tests.servers.gemini_server import API_KEY, GeminiServer
from tests.servers.loopback import Fault

from .conftest import png_bytes

GENERATE = ":generateContent"

# The ratio each target is asked for (nearest of the ten in log space; by hand from TARGET_SPECS).
EXPECTED_RATIO = {
    AssetType.THUMBNAIL: "16:9",        # 1280x720
    AssetType.OVERLAY: "16:9",          # 1920x1080
    AssetType.BANNER: "21:9",           # 1200x480 = 2.5 (21:9 = 2.33, 16:9 = 1.78)
    AssetType.STORY_GRAPHIC: "9:16",    # 1080x1920
    AssetType.CLIP_COVER: "1:1",        # 1080x1080
    AssetType.TWITCH_EMOTE: "1:1",      # 112x112
    AssetType.TWITCH_BADGE: "1:1",      # 72x72
    AssetType.TWITCH_PANEL: "16:9",     # 320x160 = 2.0 (|ln 2 - ln 1.78| < |ln 2.33 - ln 2|)
    AssetType.TWITCH_OFFLINE: "16:9",   # 1920x1080
    AssetType.YOUTUBE_BANNER: "16:9",   # 2560x1440
    AssetType.DISCORD_EMOJI: "1:1",     # 128x128
    AssetType.DISCORD_STICKER: "1:1",   # 320x320
    AssetType.X_HEADER: "21:9",         # 1500x500 = 3.0
}


def provider(server: GeminiServer, retry, *, model: str | None = None, key: str = API_KEY,
             **kwargs) -> GeminiImageProvider:
    return GeminiImageProvider(key, model=model, base_url=server.base_url, retry=retry, **kwargs)


def sent_body(server: GeminiServer, index: int = -1) -> dict:
    return server.calls(GENERATE)[index].json()


def image_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as im:
        return im.size


def one_line_readable(err: BaseException) -> str:
    text = str(err)
    assert "\n" not in text and 10 < len(text) < 600, text
    assert API_KEY not in text
    return text


def test_default_model_generates_table_size_image_from_a_valid_request(gemini_server, fast_retry, snapshot,
                                                                      photos):
    refs = tuple(InputImage(p.read_bytes(), "image/png" if p.suffix == ".png" else "image/jpeg", "reference")
                 for p in photos[:3])
    req = ImageRequest("A neon gaming thumbnail", AssetType.THUMBNAIL, (snapshot, *refs))
    result = provider(gemini_server, fast_retry).generate(req)

    assert gemini_server.rejections == []
    assert image_size(result.data) == (1376, 768)  # 16:9 at 1K on the 3.x image models (G-img table)
    assert result.requested_size == result.received_size == (1376, 768)
    assert result.mime_type == "image/png" and result.text == "Here is your image."
    body = sent_body(gemini_server)
    assert body["generationConfig"]["imageConfig"] == {"aspectRatio": "16:9", "imageSize": "1K"}
    assert body["generationConfig"]["responseModalities"] == ["TEXT", "IMAGE"]
    parts = body["contents"][0]["parts"]
    assert parts[0]["text"] == "A neon gaming thumbnail"
    images = [p["inlineData"] for p in parts if "inlineData" in p]
    assert len(images) == 4  # the provider sends what it is given up to the model's 14 (the service limits)
    assert base64.b64decode(images[0]["data"]) == snapshot.data
    labels = [p["text"] for p in parts[1::2]]
    assert labels[0].startswith("Image 1: the canvas snapshot") and labels[1].startswith("Image 2: a reference")
    assert gemini_server.calls(GENERATE)[-1].headers["x-goog-api-key"] == API_KEY
    assert "key" not in gemini_server.calls(GENERATE)[-1].query


@pytest.mark.parametrize("asset_type", list(AssetType))
def test_each_asset_type_asks_for_its_closest_aspect_ratio(gemini_server, fast_retry, asset_type):
    result = provider(gemini_server, fast_retry).generate(ImageRequest("x", asset_type))
    ratio = EXPECTED_RATIO[asset_type]
    assert sent_body(gemini_server)["generationConfig"]["imageConfig"]["aspectRatio"] == ratio
    assert closest_aspect_ratio(*TARGET_SPECS[asset_type].size) == ratio
    size = sent_body(gemini_server)["generationConfig"]["imageConfig"]["imageSize"]
    assert image_size(result.data) == gs.PRO[size][ratio] == result.requested_size
    w, h = TARGET_SPECS[asset_type].size
    assert max(w / result.received_size[0], h / result.received_size[1]) <= 1.0  # never upscaled


@pytest.mark.parametrize(("asset_type", "image_size_name", "returned"), [
    (AssetType.TWITCH_EMOTE, "1K", (1024, 1024)),
    (AssetType.THUMBNAIL, "1K", (1376, 768)),
    (AssetType.OVERLAY, "2K", (2752, 1536)),         # 1920x1080 needs more than 1376x768
    (AssetType.YOUTUBE_BANNER, "2K", (2752, 1536)),  # 2560x1440 fits in 2K
    (AssetType.STORY_GRAPHIC, "2K", (1536, 2752)),
])
def test_pro_picks_smallest_image_size_that_covers_target_and_final_image(
        gemini_server, fast_retry, asset_type, image_size_name, returned):
    result = provider(gemini_server, fast_retry, model=PRO_MODEL).generate(ImageRequest("x", asset_type))
    config = sent_body(gemini_server)["generationConfig"]["imageConfig"]
    assert config["imageSize"] == image_size_name
    # The double sends a 256x256 thought image first; the provider must take the final one.
    assert image_size(result.data) == returned
    assert gemini_server.rejections == []


def test_pro_takes_up_to_14_images_and_drops_references_first(gemini_server, fast_retry, snapshot):
    refs = tuple(InputImage(png_bytes(64, 64, color=(i, 0, 0)), "image/png", "reference") for i in range(5))
    provider(gemini_server, fast_retry, model=PRO_MODEL).generate(
        ImageRequest("x", AssetType.BANNER, (snapshot, *refs)))
    parts = sent_body(gemini_server)["contents"][0]["parts"]
    assert sum("inlineData" in p for p in parts) == 6
    many = tuple(InputImage(png_bytes(32, 32, color=(i, 9, 9)), "image/png", "reference") for i in range(14))
    logo = InputImage(png_bytes(32, 32, color=(1, 2, 3)), "image/png", "logo", "Neon Fox")
    refine = InputImage(png_bytes(32, 32, color=(3, 2, 1)), "image/png", "refine")
    provider(gemini_server, fast_retry, model=PRO_MODEL).generate(
        ImageRequest("x", AssetType.BANNER, (snapshot, *many, refine, logo)))
    parts = sent_body(gemini_server)["contents"][0]["parts"]
    texts = [p["text"] for p in parts if "text" in p]
    assert sum("inlineData" in p for p in parts) == 14 and gemini_server.rejections == []
    assert any('logo "Neon Fox"' in t for t in texts) and any("earlier result to refine" in t for t in texts)


def test_oversized_and_unsupported_inputs_are_reencoded_to_fit(gemini_server, fast_retry):
    rng = np.random.default_rng(3)
    noise = Image.fromarray(rng.integers(0, 255, (1800, 1800, 3), dtype=np.uint8))
    buf = io.BytesIO()
    noise.save(buf, format="PNG", compress_level=1)
    assert len(buf.getvalue()) > MAX_INPUT_IMAGE_BYTES
    gif = io.BytesIO()
    Image.new("P", (40, 40)).save(gif, format="GIF", transparency=0)  # keeps alpha -> PNG
    req = ImageRequest("x", AssetType.THUMBNAIL, (InputImage(buf.getvalue(), "image/png", "canvas_snapshot"),
                                                  InputImage(gif.getvalue(), "image/gif", "reference")))
    provider(gemini_server, fast_retry).generate(req)
    assert gemini_server.rejections == []  # the double enforces 7 MB and png/jpeg/webp
    images = [p["inlineData"] for p in sent_body(gemini_server)["contents"][0]["parts"] if "inlineData" in p]
    assert len(base64.b64decode(images[0]["data"])) <= MAX_INPUT_IMAGE_BYTES
    assert images[1]["mimeType"] == "image/png"


def test_undecodable_reference_fails_before_any_request(gemini_server, fast_retry):
    req = ImageRequest("x", AssetType.THUMBNAIL, (InputImage(b"not an image", "image/png", "reference"),))
    with pytest.raises(GenerationError, match="reference image could not be read"):
        provider(gemini_server, fast_retry).generate(req)
    assert gemini_server.calls(GENERATE) == []


# --- faults -> error types and messages ----------------------------------------------------

def run(server, retry, **kw):
    return provider(server, retry, **kw).generate(ImageRequest("A cat streamer", AssetType.THUMBNAIL))


def test_429_with_retry_info_waits_the_asked_delay_then_succeeds(gemini_server, fast_retry, sleeps):
    gemini_server.script(gs.rate_limited("26s"))
    result = run(gemini_server, fast_retry)
    assert image_size(result.data) == (1376, 768)
    assert sleeps.waits == [26.0]
    assert len(gemini_server.calls(GENERATE)) == 2


def test_429_asking_longer_than_the_cap_is_raised_at_once(gemini_server, fast_retry, sleeps):
    gemini_server.script(gs.rate_limited("45s"))
    with pytest.raises(RateLimitError) as info:
        run(gemini_server, fast_retry)
    assert info.value.retry_after == 45.0 and not info.value.per_day
    assert "45 s" in one_line_readable(info.value)
    assert sleeps.waits == [] and len(gemini_server.calls(GENERATE)) == 1


def test_per_day_quota_is_not_retried_and_says_so(gemini_server, fast_retry, sleeps):
    gemini_server.script(gs.rate_limited("3s", per_day=True))
    with pytest.raises(RateLimitError) as info:
        run(gemini_server, fast_retry)
    assert info.value.per_day
    text = one_line_readable(info.value)
    assert "daily" in text and "tomorrow" in text
    assert len(gemini_server.calls(GENERATE)) == 1 and sleeps.waits == []


def test_overloaded_four_times_gives_up_after_four_calls(gemini_server, fast_retry, sleeps):
    gemini_server.script(*[gs.overloaded() for _ in range(4)])
    with pytest.raises(GenerationError) as info:
        run(gemini_server, fast_retry)
    text = one_line_readable(info.value)
    assert "overloaded" in text and "4 attempts" in text
    assert info.value.status_code == 503 and info.value.attempts == 4
    assert len(gemini_server.calls(GENERATE)) == 4
    assert len(sleeps.waits) == 3
    assert all(0 <= w <= c for w, c in zip(sleeps.waits, (1, 2, 4), strict=True))


def test_internal_error_then_success(gemini_server, fast_retry):
    gemini_server.script(gs.internal_error())
    run(gemini_server, fast_retry)
    assert len(gemini_server.calls(GENERATE)) == 2


def test_wrong_key_is_an_authentication_error_not_retried(gemini_server, fast_retry):
    with pytest.raises(AuthenticationError) as info:
        run(gemini_server, fast_retry, key="AIza-wrong-key-123456")
    text = one_line_readable(info.value)
    assert "API key not valid" in text and "AIza-wrong-key-123456" not in text
    assert len(gemini_server.calls(GENERATE)) == 1


def test_missing_key_needs_no_request(gemini_server, fast_retry):
    with pytest.raises(AuthenticationError, match="No Gemini API key"):
        run(gemini_server, fast_retry, key="")
    assert gemini_server.calls(GENERATE) == []


def test_permission_denied_is_an_authentication_error(gemini_server, fast_retry):
    gemini_server.script(gs.permission_denied())
    with pytest.raises(AuthenticationError, match="HTTP 403"):
        run(gemini_server, fast_retry)
    assert len(gemini_server.calls(GENERATE)) == 1


@pytest.mark.parametrize("retired", ["gemini-2.5-flash-image", "gemini-3-pro-image-preview", "gemini-9-imaginary"])
def test_retired_model_names_the_model_and_the_live_replacements(gemini_server, fast_retry, sleeps, retired):
    with pytest.raises(ModelNotFoundError) as info:
        run(gemini_server, fast_retry, model=retired)
    text = one_line_readable(info.value)
    assert retired in text and info.value.status_code == 404
    assert "gemini-3.1-flash-image" in info.value.replacements and "gemini-3-pro-image" in text
    assert "gemini-3.5-flash" not in info.value.replacements  # chat models are no replacement
    assert len(gemini_server.calls(GENERATE)) == 1 and sleeps.waits == []  # never retried
    assert any(r.path == "/v1beta/models" for r in gemini_server.requests)  # it read the live list


def test_free_tier_quota_of_zero_means_no_access_not_try_tomorrow(gemini_server, fast_retry, sleeps):
    gemini_server.script(gs.no_access_quota())
    with pytest.raises(RateLimitError) as info:
        run(gemini_server, fast_retry, model=PRO_MODEL)
    text = one_line_readable(info.value)
    assert "no access" in text and "tomorrow" not in text and info.value.per_day
    assert sleeps.waits == [] and len(gemini_server.calls(GENERATE)) == 1


def test_image_in_a_later_candidate_is_found(gemini_server, fast_retry):
    png = base64.b64encode(gs.png_of_size(1376, 768)).decode()
    gemini_server.script(Fault(reply={"candidates": [
        {"content": {"role": "model", "parts": [{"text": "Let me think."}]}, "finishReason": "STOP", "index": 0},
        {"content": {"role": "model", "parts": [{"inlineData": {"mimeType": "image/png", "data": png}}]},
         "finishReason": "STOP", "index": 1}], "modelVersion": DEFAULT_MODEL, "responseId": "two"}))
    assert run(gemini_server, fast_retry).received_size == (1376, 768)


def test_list_wrapped_error_body_is_understood(gemini_server, fast_retry):
    gemini_server.script(gs.wrapped_error(503), gs.wrapped_error(503))
    run(gemini_server, fast_retry)
    assert len(gemini_server.calls(GENERATE)) == 3


def test_html_error_page_gives_a_readable_error(gemini_server, fast_retry):
    gemini_server.script(*[gs.html_error_page(502) for _ in range(4)])
    with pytest.raises(GenerationError) as info:
        run(gemini_server, fast_retry)
    text = one_line_readable(info.value)
    assert "HTTP 502" in text and "Error 502 (Server Error)" in text and "<" not in text


def test_html_error_page_on_a_400_is_not_retried(gemini_server, fast_retry):
    gemini_server.script(gs.html_error_page(400))
    with pytest.raises(GenerationError, match="HTTP 400"):
        run(gemini_server, fast_retry)
    assert len(gemini_server.calls(GENERATE)) == 1


@pytest.mark.parametrize("reason", ["PROHIBITED_CONTENT", "SAFETY", "BLOCKLIST", "OTHER", "IMAGE_SAFETY"])
def test_blocked_prompt_is_a_content_policy_error(gemini_server, fast_retry, reason):
    gemini_server.script(gs.blocked_prompt(reason))
    with pytest.raises(ContentPolicyError) as info:
        run(gemini_server, fast_retry)
    assert reason in one_line_readable(info.value)
    assert len(gemini_server.calls(GENERATE)) == 1


@pytest.mark.parametrize("finish", ["IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "SAFETY", "PROHIBITED_CONTENT"])
def test_candidate_stopped_by_safety_is_a_content_policy_error(gemini_server, fast_retry, finish):
    gemini_server.script(gs.image_safety(finish))
    with pytest.raises(ContentPolicyError) as info:
        run(gemini_server, fast_retry)
    assert finish in one_line_readable(info.value)


def test_safety_stop_quotes_the_models_text(gemini_server, fast_retry):
    gemini_server.script(gs.image_safety("IMAGE_SAFETY", text="I can't make images of real people."))
    with pytest.raises(ContentPolicyError, match="real people"):
        run(gemini_server, fast_retry)


def test_text_only_answer_quotes_the_model(gemini_server, fast_retry):
    gemini_server.script(gs.text_only("Sorry, I can only describe that scene."))
    with pytest.raises(GenerationError) as info:
        run(gemini_server, fast_retry)
    assert not isinstance(info.value, ContentPolicyError)
    assert 'It said: "Sorry, I can only describe that scene."' in one_line_readable(info.value)
    assert len(gemini_server.calls(GENERATE)) == 1


@pytest.mark.parametrize(("finish", "expect"), [("NO_IMAGE", "NO_IMAGE"), ("MAX_TOKENS", "MAX_TOKENS")])
def test_other_finish_without_image_names_the_reason(gemini_server, fast_retry, finish, expect):
    gemini_server.script(gs.image_safety(finish))
    with pytest.raises(GenerationError, match=expect) as info:
        run(gemini_server, fast_retry)
    assert not isinstance(info.value, ContentPolicyError)


def test_malformed_json(gemini_server, fast_retry):
    gemini_server.script(gs.malformed_json())
    with pytest.raises(GenerationError, match="not valid JSON"):
        run(gemini_server, fast_retry)


def test_bad_base64(gemini_server, fast_retry):
    gemini_server.script(Fault(reply=None, body={"candidates": [{"content": {"role": "model", "parts": [
        {"inlineData": {"mimeType": "image/png", "data": "@@not*base64@@"}}]}, "finishReason": "STOP"}]}))
    with pytest.raises(GenerationError, match="bad base64"):
        run(gemini_server, fast_retry)


def test_payload_that_is_not_an_image(gemini_server, fast_retry):
    gemini_server.script(gs.image_reply(base64.b64encode(b"<html>definitely not a png</html>").decode()))
    with pytest.raises(GenerationError, match="could not be read"):
        run(gemini_server, fast_retry)


def test_non_image_mime_type(gemini_server, fast_retry):
    gemini_server.script(gs.image_reply(base64.b64encode(b"hello").decode(), mime="text/plain"))
    with pytest.raises(GenerationError, match="instead of an image"):
        run(gemini_server, fast_retry)


def test_slow_answers_time_out_and_are_retried(gemini_server, fast_retry):
    gemini_server.script(*[Fault(delay_s=1.0) for _ in range(4)])
    with pytest.raises(GenerationTimeoutError) as info:
        run(gemini_server, fast_retry, read_timeout_s=0.2)
    assert "did not answer in time" in one_line_readable(info.value)
    assert len(gemini_server.calls(GENERATE)) == 4


def test_one_slow_answer_then_success(gemini_server, fast_retry):
    gemini_server.script(Fault(delay_s=2.0))
    run(gemini_server, fast_retry, read_timeout_s=0.6)
    assert len(gemini_server.calls(GENERATE)) == 2


def test_refused_connection_is_readable_and_not_retried(fast_retry, sleeps):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = GeminiImageProvider(API_KEY, base_url=f"http://127.0.0.1:{port}", retry=fast_retry)
    with pytest.raises(GenerationError, match="Could not connect to Gemini at 127.0.0.1"):
        p.generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert sleeps.waits == []


def test_base_url_from_environment(gemini_server, fast_retry, monkeypatch):
    monkeypatch.setenv("STUDIO_GEMINI_BASE_URL", gemini_server.base_url + "/")
    p = GeminiImageProvider(API_KEY, retry=fast_retry)
    assert p.base_url == gemini_server.base_url and p.model == DEFAULT_MODEL == "gemini-3.1-flash-image"
    p.generate(ImageRequest("x", AssetType.CLIP_COVER))
    assert len(gemini_server.calls(GENERATE)) == 1


def test_test_connection(gemini_server, fast_retry):
    assert "gemini-3.1-flash-image is available" in provider(gemini_server, fast_retry).test_connection()
    with pytest.raises(AuthenticationError):
        provider(gemini_server, fast_retry, key="wrong-key-xyz").test_connection()
    with pytest.raises(ModelNotFoundError, match="gemini-3-pro-image"):
        provider(gemini_server, fast_retry, model="gemini-2.5-flash-image").test_connection()
    assert gemini_server.calls(GENERATE) == []  # nothing billed


def test_repr_has_no_key(gemini_server, fast_retry):
    assert API_KEY not in repr(provider(gemini_server, fast_retry))
