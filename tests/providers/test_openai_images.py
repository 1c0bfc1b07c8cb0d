"""OpenAIImageProvider against the loopback OpenAI double."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from studio_app.domain.asset_types import AssetType
from studio_app.providers.base import ImageRequest, InputImage
from studio_app.providers.errors import (
    AuthenticationError,
    ContentPolicyError,
    GenerationError,
    ModelNotFoundError,
    RateLimitError,
)
from studio_app.providers.factory import create_image_provider
from studio_app.providers.openai_images import OpenAIImageProvider, closest_size
from tests.servers import openai_server as oas
from tests.servers.openai_server import API_KEY

from .conftest import png_bytes

GEN = "/v1/images/generations"
EDIT = "/v1/images/edits"


def provider(server, retry, key: str = API_KEY, **kw) -> OpenAIImageProvider:
    return OpenAIImageProvider(key, base_url=server.base_url, retry=retry, **kw)


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


@pytest.mark.parametrize(("asset_type", "size"), [
    (AssetType.THUMBNAIL, "1536x1024"), (AssetType.STORY_GRAPHIC, "1024x1536"),
    (AssetType.TWITCH_EMOTE, "1024x1024"), (AssetType.X_HEADER, "1536x1024"), (AssetType.CLIP_COVER, "1024x1024"),
])
def test_closest_size(asset_type, size):
    from studio_app.domain.asset_types import TARGET_SPECS

    assert closest_size(*TARGET_SPECS[asset_type].size) == size


def test_generation_without_inputs_uses_json_and_opaque_background(openai_server, fast_retry):
    result = provider(openai_server, fast_retry).generate(ImageRequest("Epic boss fight", AssetType.THUMBNAIL))
    body = openai_server.calls(GEN)[-1].json()
    assert body == {"model": "gpt-image-2.5-sunburst", "prompt": "Epic boss fight", "n": 1, "size": "1360x768",
                    "quality": "auto", "background": "opaque", "output_format": "png"}
    im = opened(result.data)
    assert im.size == (1360, 768) == result.requested_size == result.received_size
    assert result.mime_type == "image/png"
    assert openai_server.rejections == []


def test_alpha_target_asks_for_transparent_png(openai_server, fast_retry):
    result = provider(openai_server, fast_retry).generate(ImageRequest("Pog frog", AssetType.TWITCH_EMOTE))
    assert openai_server.calls(GEN)[-1].json()["background"] == "transparent"
    im = opened(result.data)
    assert im.mode == "RGBA" and im.getpixel((0, 0))[3] == 0  # real transparency came back


def test_inputs_go_to_edits_as_image_array_parts(openai_server, fast_retry, snapshot):
    refs = (InputImage(png_bytes(50, 50, "RGBA", (255, 0, 0, 128)), "image/png", "reference"),
            InputImage(png_bytes(60, 40), "image/png", "reference"))
    result = provider(openai_server, fast_retry).generate(
        ImageRequest("Use my logo", AssetType.DISCORD_STICKER, (snapshot, *refs)))
    assert openai_server.rejections == []
    parts = openai_server.last_edit_images
    assert [p[0] for p in parts] == ["image[]"] * 3
    assert parts[0][3] == snapshot.data and [p[2] for p in parts] == ["image/png"] * 3
    assert opened(result.data).size == (1024, 1024)
    assert openai_server.calls(GEN) == []


def test_moderation_blocked(openai_server, fast_retry):
    openai_server.script(oas.moderation_blocked())
    with pytest.raises(ContentPolicyError, match="safety system") as info:
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert len(openai_server.calls(GEN)) == 1 and "\n" not in str(info.value)


def test_wrong_key_message_does_not_quote_the_masked_key(openai_server, fast_retry):
    with pytest.raises(AuthenticationError) as info:
        provider(openai_server, fast_retry, key="sk-proj-wrongwrongwrong1234").generate(
            ImageRequest("x", AssetType.THUMBNAIL))
    assert "1234" not in str(info.value) and "sk-" not in str(info.value)
    assert len(openai_server.calls(GEN)) == 1


def test_missing_key(openai_server, fast_retry):
    with pytest.raises(AuthenticationError, match="No OpenAI API key"):
        provider(openai_server, fast_retry, key="").generate(ImageRequest("x", AssetType.THUMBNAIL))


def test_unverified_organization_is_explained(openai_server, fast_retry):
    openai_server.script(oas.org_not_verified())
    with pytest.raises(AuthenticationError, match="organization must be verified"):
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))


@pytest.mark.parametrize(("fault", "wait"), [
    (oas.rate_limited(retry_after_ms="1500"), 1.5),
    (oas.rate_limited(retry_after="3"), 3.0),
    (oas.rate_limited(retry_after_ms="250", retry_after="9"), 0.25),
])
def test_rate_limit_honours_retry_headers(openai_server, fast_retry, sleeps, fault, wait):
    openai_server.script(fault)
    provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert sleeps.waits == [wait] and len(openai_server.calls(GEN)) == 2


def test_rate_limit_without_headers_uses_backoff_and_gives_up(openai_server, fast_retry, sleeps):
    openai_server.script(*[oas.rate_limited() for _ in range(4)])
    with pytest.raises(RateLimitError, match="gave up after 4 attempts"):
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert len(sleeps.waits) == 3 and all(w <= c for w, c in zip(sleeps.waits, (1, 2, 4), strict=True))


def test_insufficient_quota_is_not_retried(openai_server, fast_retry, sleeps):
    openai_server.script(oas.insufficient_quota())
    with pytest.raises(RateLimitError, match="no quota or credit") as info:
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert info.value.per_day and sleeps.waits == []


def test_server_errors_are_retried(openai_server, fast_retry):
    openai_server.script(oas.server_error(500), oas.server_error(503), oas.html_error_page(502))
    result = provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert opened(result.data).size == (1360, 768) and len(openai_server.calls(GEN)) == 4


def test_html_page_message(openai_server, fast_retry):
    openai_server.script(*[oas.html_error_page(502) for _ in range(4)])
    with pytest.raises(GenerationError, match="502 Bad Gateway"):
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))


def test_bad_base64_and_not_an_image(openai_server, fast_retry):
    openai_server.script(oas.images_reply("%%%not-base64%%%"))
    with pytest.raises(GenerationError, match="bad base64"):
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))
    openai_server.script(oas.images_reply(base64.b64encode(b"GIF89a-but-not-really").decode()))
    with pytest.raises(GenerationError, match="could not be read"):
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))


def test_malformed_json(openai_server, fast_retry):
    openai_server.script(oas.Fault(status=200, body='{"data": [{"b64_json": "iVBOR'))
    with pytest.raises(GenerationError, match="not valid JSON"):
        provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))


def test_test_connection_and_base_url_env(openai_server, fast_retry, monkeypatch):
    monkeypatch.setenv("STUDIO_OPENAI_BASE_URL", openai_server.base_url + "/v1")
    p = create_image_provider("openai", api_key=API_KEY, retry=fast_retry)
    assert p.base_url == openai_server.base_url
    assert "gpt-image-2.5-sunburst is available" in p.test_connection()
    with pytest.raises(ModelNotFoundError, match="'gpt-image-1'.*gpt-image-2"):
        create_image_provider("openai", api_key=API_KEY, model="gpt-image-1", retry=fast_retry).test_connection()
    with pytest.raises(AuthenticationError):
        create_image_provider("openai", api_key="sk-nope-nope-nope", retry=fast_retry).test_connection()


def test_factory_names():
    assert create_image_provider("offline").is_preview
    assert create_image_provider("gemini", api_key="k", model="gemini-3-pro-image").model == "gemini-3-pro-image"
    with pytest.raises(ValueError, match="choose one of: gemini, openai, offline"):
        create_image_provider("midjourney")


@pytest.mark.parametrize(("asset_type", "size"), [
    (AssetType.X_HEADER, "1776x592"),        # 3:1 kept: nothing cut off, more than the 1500x500 target
    (AssetType.YOUTUBE_BANNER, "2560x1440"),  # the target itself
    (AssetType.STORY_GRAPHIC, "1088x1920"),   # 1080 rounded up to a multiple of 16
    (AssetType.BANNER, "1616x640"),
    (AssetType.TWITCH_EMOTE, "1024x1024"),
])
def test_custom_size_models_get_the_targets_own_ratio(openai_server, fast_retry, asset_type, size):
    result = provider(openai_server, fast_retry).generate(ImageRequest("x", asset_type))
    assert openai_server.calls(GEN)[-1].json()["size"] == size and openai_server.rejections == []
    w, h = (int(v) for v in size.split("x"))
    assert result.received_size == (w, h) and w % 16 == 0 and h % 16 == 0


def test_standard_size_model_gets_the_closest_standard_size(openai_server, fast_retry):
    provider(openai_server, fast_retry, model="gpt-image-1.5").generate(ImageRequest("x", AssetType.X_HEADER))
    assert openai_server.calls(GEN)[-1].json()["size"] == "1536x1024" and openai_server.rejections == []


def test_retired_model_fails_once_naming_the_live_replacements(openai_server, fast_retry, sleeps):
    with pytest.raises(ModelNotFoundError) as info:
        provider(openai_server, fast_retry, model="gpt-image-1").generate(ImageRequest("x", AssetType.THUMBNAIL))
    text = str(info.value)
    assert "'gpt-image-1'" in text and "gpt-image-2.5-sunburst" in text and "\n" not in text
    assert info.value.replacements[0].startswith("gpt-image-") and "gpt-image-1" not in info.value.replacements
    assert len(openai_server.calls(GEN)) == 1 and sleeps.waits == []


def test_409_is_retried_like_the_sdk(openai_server, fast_retry):
    openai_server.script(oas.Fault(status=409, body=oas.error_body("Lock timeout.", "conflict")))
    provider(openai_server, fast_retry).generate(ImageRequest("x", AssetType.THUMBNAIL))
    assert len(openai_server.calls(GEN)) == 2
