"""The Gemini test double is faithful: the official google-genai SDK works against it, and it
rejects what the real service rejects (so our provider passing it means something)."""

from __future__ import annotations

import base64
import io
import json

import httpx
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types
from PIL import Image

from tests.servers.gemini_server import API_KEY, MODELS, PRO, RETIRED

from .conftest import png_bytes


@pytest.fixture
def sdk(gemini_server) -> genai.Client:
    return genai.Client(api_key=API_KEY, http_options=types.HttpOptions(base_url=gemini_server.base_url))


def test_sdk_image_generation_with_input_image(sdk, gemini_server):
    response = sdk.models.generate_content(
        model="gemini-3.1-flash-image",
        contents=["Turn this sketch into a neon thumbnail", types.Part.from_bytes(data=png_bytes(64, 36),
                                                                                   mime_type="image/png")],
        config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"],
                                           image_config=types.ImageConfig(aspect_ratio="16:9")))
    assert gemini_server.rejections == []
    images = [p.inline_data for p in response.candidates[0].content.parts if p.inline_data]
    assert len(images) == 1 and images[0].mime_type == "image/png"
    assert Image.open(io.BytesIO(images[0].data)).size == PRO["1K"]["16:9"]
    assert response.usage_metadata.candidates_token_count == 1120
    assert gemini_server.calls(":generateContent")[-1].path.startswith("/v1/")  # SDK 3.x uses /v1/


def test_sdk_pro_image_with_size_has_thoughts_and_signature(sdk, gemini_server):
    response = sdk.models.generate_content(
        model="gemini-3-pro-image", contents="A logo",
        config=types.GenerateContentConfig(image_config=types.ImageConfig(aspect_ratio="1:1", image_size="2K")))
    parts = response.candidates[0].content.parts
    final = [p for p in parts if p.inline_data and not p.thought]
    assert len(final) == 1 and final[0].thought_signature
    assert Image.open(io.BytesIO(final[0].inline_data.data)).size == PRO["2K"]["1:1"]
    assert any(p.thought and p.inline_data for p in parts)


def test_sdk_stream(sdk, gemini_server):
    chunks = list(sdk.models.generate_content_stream(model="gemini-3.5-flash-lite", contents="hello coach"))
    assert "".join(c.text or "" for c in chunks) == "Echo: hello coach"
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP
    assert chunks[-1].usage_metadata.total_token_count > chunks[1].usage_metadata.total_token_count


def test_sdk_sees_the_services_errors(sdk, gemini_server):
    with pytest.raises(genai_errors.ClientError) as info:
        sdk.models.generate_content(model="gemini-3-pro-image", contents="x",
                                    config=types.GenerateContentConfig(image_config=types.ImageConfig(image_size="1k")))
    assert info.value.code == 400 and "1k" in info.value.message
    bad = genai.Client(api_key="wrong", http_options=types.HttpOptions(base_url=gemini_server.base_url))
    with pytest.raises(genai_errors.ClientError) as info:
        bad.models.generate_content(model="gemini-3.5-flash-lite", contents="x")
    assert info.value.code == 400 and info.value.details["error"]["details"][0]["reason"] == "API_KEY_INVALID"


# --- strictness: raw bodies the service would refuse ---------------------------------------

def post(server, body, model="gemini-3.1-flash-lite-image", key=API_KEY) -> httpx.Response:
    headers = {"x-goog-api-key": key} if key else {}
    return httpx.post(f"{server.base_url}/v1beta/models/{model}:generateContent", headers=headers,
                      content=json.dumps(body) if not isinstance(body, bytes) else body, timeout=10)


def img_part(data: bytes, mime: str = "image/png") -> dict:
    return {"inlineData": {"mimeType": mime, "data": base64.b64encode(data).decode()}}


OK_CONTENTS = [{"role": "user", "parts": [{"text": "x"}]}]


@pytest.mark.parametrize(("body", "needle"), [
    ({"contents": OK_CONTENTS, "generation_config": {}, "temperature": 1}, 'Unknown name "temperature"'),
    ({"contents": OK_CONTENTS, "generationConfig": {"imageConfig": {"aspectRatio": "16:10"}}}, "aspect ratio"),
    ({"contents": OK_CONTENTS, "generationConfig": {"imageConfig": {"imageSize": "2K"}}}, "not supported"),
    ({"contents": OK_CONTENTS, "generationConfig": {"imageConfig": {"personGeneration": "ALLOW_ALL"}}},
     "personGeneration"),
    ({"contents": OK_CONTENTS, "generationConfig": {"responseModalities": ["TEXT", "AUDIO"]}}, "AUDIO"),
    ({"contents": OK_CONTENTS, "generationConfig": {"aspectRatio": "1:1"}}, "aspectRatio"),
    ({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}, "valid role"),
    ({"contents": [{"role": "user", "parts": [{"text": "x", "foo": 1}]}]}, 'Unknown name "foo"'),
    ({"contents": [{"role": "user", "parts": [{"inlineData": {"mimeType": "image/png", "data": "!!"}}]}]},
     "base64"),
    ({"contents": [{"role": "user", "parts": [img_part(b"not a png")]}]}, "Unable to process input image"),
    ({"contents": [{"role": "user", "parts": [img_part(png_bytes(8, 8), "image/gif")]}]}, "Unsupported MIME"),
    ({"contents": [{"role": "user", "parts": [img_part(png_bytes(8, 8)) for _ in range(15)]}]}, "at most 14"),
    ({"contents": []}, "contents is not specified"),
])
def test_double_rejects_like_the_service(gemini_server, body, needle):
    resp = post(gemini_server, body)
    assert resp.status_code == 400, resp.text
    err = resp.json()["error"]
    assert err["status"] == "INVALID_ARGUMENT" and needle in err["message"]


def test_double_checks_image_size_case_and_pro_limits(gemini_server):
    body = {"contents": OK_CONTENTS, "generationConfig": {"imageConfig": {"imageSize": "4k"}}}
    assert post(gemini_server, body, model="gemini-3-pro-image").status_code == 400
    body["generationConfig"]["imageConfig"]["imageSize"] = "4K"
    assert post(gemini_server, body, model="gemini-3-pro-image").status_code == 200
    many = {"contents": [{"role": "user", "parts": [img_part(png_bytes(8, 8)) for _ in range(14)]}]}
    assert post(gemini_server, many, model="gemini-3-pro-image").status_code == 200
    many["contents"][0]["parts"].append(img_part(png_bytes(8, 8)))
    assert post(gemini_server, many, model="gemini-3-pro-image").status_code == 400


def test_double_accepts_snake_case_and_key_in_query(gemini_server):
    body = {"contents": [{"role": "user", "parts": [{"inline_data": {"mime_type": "image/png",
                                                                     "data": base64.b64encode(png_bytes(30, 40)).decode()}}]}],
            "generation_config": {"response_modalities": ["IMAGE"]}}
    resp = httpx.post(f"{gemini_server.base_url}/v1beta/models/gemini-3.1-flash-image:generateContent",
                      params={"key": API_KEY}, json=body, timeout=10)
    assert resp.status_code == 200
    data = resp.json()["candidates"][0]["content"]["parts"][-1]["inlineData"]["data"]
    assert Image.open(io.BytesIO(base64.b64decode(data))).size == PRO["1K"]["3:4"]  # matches the input's ratio


def test_double_requires_a_key(gemini_server):
    resp = post(gemini_server, {"contents": OK_CONTENTS}, key=None)
    assert resp.status_code == 403 and resp.json()["error"]["status"] == "PERMISSION_DENIED"
    resp = post(gemini_server, {"contents": OK_CONTENTS}, key="nope")
    assert resp.status_code == 400
    assert resp.json()["error"]["details"][0]["reason"] == "API_KEY_INVALID"


@pytest.mark.parametrize("retired", sorted(RETIRED))
def test_retired_models_answer_404_not_found_like_the_service(sdk, gemini_server, retired):
    with pytest.raises(genai_errors.ClientError) as info:
        sdk.models.generate_content(model=retired, contents="x")
    assert info.value.code == 404 and info.value.status == "NOT_FOUND" and retired in info.value.message
    resp = httpx.get(f"{gemini_server.base_url}/v1beta/models/{retired}", headers={"x-goog-api-key": API_KEY})
    assert resp.status_code == 404


def test_model_list_pages_like_the_service_and_the_sdk_reads_it(sdk, gemini_server):
    listed = [m.name for m in sdk.models.list(config={"page_size": 2})]
    assert listed == [f"models/{m}" for m in MODELS]
    first = httpx.get(f"{gemini_server.base_url}/v1beta/models", params={"pageSize": 3},
                      headers={"x-goog-api-key": API_KEY}).json()
    assert len(first["models"]) == 3 and first["nextPageToken"]
    assert first["models"][0]["supportedGenerationMethods"] == ["generateContent", "countTokens"]
