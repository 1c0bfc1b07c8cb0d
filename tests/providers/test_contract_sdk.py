"""Contract: the same request sent through the official SDK and through the app reaches the
loopback service as the same body (so the app speaks the wire format the SDKs speak today).

Gemini: google-genai ``models.generate_content``; OpenAI: openai ``images.generate`` and
``images.edit``. Both servers validate every body with the SDK's own types before answering.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import openai
import pytest
from google import genai
from google.genai import types

from studio_app.domain.asset_types import AssetType
from studio_app.providers.base import ImageRequest, InputImage
from studio_app.providers.gemini import GeminiImageProvider
from studio_app.providers.openai_images import OpenAIImageProvider
from studio_app.providers.retry import RetryPolicy
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.openai_server import API_KEY as OPENAI_KEY
from tests.servers.openai_server import parse_multipart

from .conftest import png_bytes

NO_RETRY = RetryPolicy(max_retries=0)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.title() for w in rest)


def normalised(value: Any) -> Any:
    """JSON with every key in camelCase (the API takes both spellings; the SDK mixes them) and
    inline image data decoded (the API takes standard and URL-safe base64; the SDK sends the latter)."""
    if isinstance(value, dict):
        out = {_camel(k): normalised(v) for k, v in value.items()}
        if isinstance(out.get("inlineData"), dict):
            raw = out["inlineData"]["data"]
            out["inlineData"]["data"] = base64.b64decode(raw.replace("-", "+").replace("_", "/") + "==")
        return out
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


@pytest.mark.parametrize(("asset_type", "model"), [
    (AssetType.YOUTUBE_BANNER, "gemini-3-pro-image"),
    (AssetType.TWITCH_EMOTE, "gemini-3.1-flash-image"),
    (AssetType.X_HEADER, "gemini-3.1-flash-lite-image"),
])
def test_gemini_body_is_what_the_sdk_sends(gemini_server, asset_type, model):
    snapshot = InputImage(png_bytes(320, 180), "image/png", "canvas_snapshot")
    logo = InputImage(png_bytes(48, 48, "RGBA", (200, 10, 10, 255)), "image/png", "logo", "Neon Fox")
    ours = GeminiImageProvider(GEMINI_KEY, model=model, base_url=gemini_server.base_url, retry=NO_RETRY)
    request = ImageRequest("A bold neon banner", asset_type, (snapshot, logo))
    plan = ours.plan(request)
    ours.generate(request)
    app_body = gemini_server.calls(":generateContent")[-1].json()

    sent = app_body["contents"][0]["parts"]
    sdk_parts = [types.Part(text=p["text"]) if "text" in p else
                 types.Part.from_bytes(data=base64.b64decode(p["inlineData"]["data"]),
                                       mime_type=p["inlineData"]["mimeType"]) for p in sent]
    sdk = genai.Client(api_key=GEMINI_KEY, http_options=types.HttpOptions(base_url=gemini_server.base_url))
    sdk.models.generate_content(
        model=model, contents=[types.Content(role="user", parts=sdk_parts)],
        config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"], image_config=types.ImageConfig(
            aspect_ratio=plan.aspect_ratio, image_size=plan.image_size)))
    sdk_body = gemini_server.calls(":generateContent")[-1].json()

    assert gemini_server.rejections == []
    assert normalised(app_body) == normalised(sdk_body)
    assert ("imageSize" in app_body["generationConfig"]["imageConfig"]) == (model != "gemini-3.1-flash-lite-image")


def _sdk_client(server) -> openai.OpenAI:  # noqa: ANN001
    return openai.OpenAI(api_key=OPENAI_KEY, base_url=server.base_url + "/v1", max_retries=0)


def test_openai_generation_body_is_what_the_sdk_sends(openai_server):
    ours = OpenAIImageProvider(OPENAI_KEY, base_url=openai_server.base_url, retry=NO_RETRY)
    ours.generate(ImageRequest("A pog frog", AssetType.DISCORD_STICKER))
    app_body = openai_server.calls("/v1/images/generations")[-1].json()
    _sdk_client(openai_server).images.generate(
        model=app_body["model"], prompt=app_body["prompt"], n=1, size=app_body["size"], quality="auto",
        background="transparent", output_format="png")
    sdk_body = openai_server.calls("/v1/images/generations")[-1].json()
    assert openai_server.rejections == []
    assert app_body == sdk_body
    assert app_body["background"] == "transparent" and re.fullmatch(r"\d+x\d+", app_body["size"])


def test_openai_edit_multipart_is_what_the_sdk_sends(openai_server):
    snapshot = InputImage(png_bytes(160, 90), "image/png", "canvas_snapshot")
    ref = InputImage(png_bytes(40, 40), "image/png", "reference", "Me")
    ours = OpenAIImageProvider(OPENAI_KEY, base_url=openai_server.base_url, retry=NO_RETRY)
    ours.generate(ImageRequest("Use my face", AssetType.X_HEADER, (snapshot, ref)))
    app = openai_server.calls("/v1/images/edits")[-1]
    app_fields, app_files = parse_multipart(app.headers["content-type"], app.body)
    _sdk_client(openai_server).images.edit(
        image=[(f[1], f[3], f[2]) for f in app_files], prompt=app_fields["prompt"], model=app_fields["model"],
        n=1, size=app_fields["size"], quality="auto", background="opaque", output_format="png")
    sdk = openai_server.calls("/v1/images/edits")[-1]
    sdk_fields, sdk_files = parse_multipart(sdk.headers["content-type"], sdk.body)
    assert openai_server.rejections == []
    assert app_fields == sdk_fields
    assert [(f[0], f[2], f[3]) for f in app_files] == [(f[0], f[2], f[3]) for f in sdk_files]
    assert "Image 2: a reference image" in app_fields["prompt"] and app_fields["size"] == "1776x592"
