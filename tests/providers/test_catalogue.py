"""The provider catalogue: family inference, defaults that follow the live list, custom sizes,
and the live model lists read from the loopback services."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.providers.catalogue import (
    CHAT_PROVIDERS,
    IMAGE_PROVIDERS,
    CustomSizeRule,
    choose_default,
    image_model,
    is_image_model_id,
    replacements,
)
from studio_app.providers.chat import GeminiChatProvider, OpenAICompatibleChatProvider
from studio_app.providers.gemini import GeminiImageProvider
from studio_app.providers.model_lists import match_model_tag, parse_gemini_models
from studio_app.providers.openai_images import OpenAIImageProvider
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.gemini_server import ModelSpec
from tests.servers.openai_server import API_KEY as OPENAI_KEY


def test_defaults_are_current_models():
    assert IMAGE_PROVIDERS["gemini"].default_model == "gemini-3.1-flash-image"
    assert "gemini-3-pro-image" in IMAGE_PROVIDERS["gemini"].models
    assert IMAGE_PROVIDERS["openai"].default_model.startswith("gpt-image-2")
    assert CHAT_PROVIDERS["openai"].default_model not in ("gpt-4o-mini", "gpt-4.1-mini")
    assert CHAT_PROVIDERS["gemini"].default_model != "gemini-2.5-flash"
    for spec in IMAGE_PROVIDERS.values():
        assert spec.models[0] == spec.default_model


@pytest.mark.parametrize(("provider", "model", "family", "inputs", "sizes"), [
    ("gemini", "gemini-3.1-flash-image", "gemini-3-image", 14, ("1K", "2K", "4K")),
    ("gemini", "gemini-3.5-flash-image-preview", "gemini-3-image", 14, ("1K", "2K", "4K")),  # unknown, newer
    ("gemini", "gemini-4-pro-image", "gemini-3-image", 14, ("1K", "2K", "4K")),
    ("gemini", "nano-banana-pro-preview", "gemini-3-image", 14, ("1K", "2K", "4K")),
    ("gemini", "gemini-3.2-flash-lite-image", "gemini-3-lite-image", 14, ()),
    ("gemini", "gemini-2.5-flash-image", "gemini-flash-2.5", 3, ()),
    ("gemini", "something-new-image", "gemini-3-image", 14, ("1K", "2K", "4K")),  # the default's, not the oldest
    ("openai", "gpt-image-2.7-nova", "gpt-image-2", 16, ()),
    ("openai", "gpt-image-1.5", "gpt-image-1", 16, ()),
])
def test_unknown_models_get_their_familys_capabilities(provider, model, family, inputs, sizes):
    spec = image_model(provider, model)
    assert (spec.family, spec.max_input_images, spec.image_sizes) == (family, inputs, sizes)
    assert spec.id == model
    if provider == "openai":
        assert (spec.custom_size is not None) == (family == "gpt-image-2") and spec.transparent_output
    else:
        assert not spec.transparent_output  # no Gemini image model offers a transparent background


def test_image_model_names():
    assert is_image_model_id("gemini", "models/gemini-3-pro-image") and is_image_model_id("gemini", "nano-banana-2")
    assert not is_image_model_id("gemini", "gemini-3.5-flash")
    assert is_image_model_id("openai", "gpt-image-2") and not is_image_model_id("openai", "gpt-5.4-mini")


def test_the_default_follows_the_live_list_but_never_replaces_a_choice():
    assert choose_default("gemini", None) == "gemini-3.1-flash-image"
    assert choose_default("gemini", ["gemini-3-pro-image", "gemini-3.1-flash-image"]) == "gemini-3.1-flash-image"
    # the default retired, a newer flash image model offered: that one, not the pro or lite
    live = ["gemini-3-pro-image", "gemini-3.6-flash-image", "gemini-3.6-flash-lite-image", "gemini-3.4-flash-image"]
    assert choose_default("gemini", live) == "gemini-3.6-flash-image"
    assert replacements("gemini", "gemini-2.5-flash-image", live)[0] == "gemini-3.6-flash-image"
    assert replacements("openai", "gpt-image-1", ["gpt-image-2", "gpt-image-1.5"])[0] == "gpt-image-1.5"


@given(st.integers(16, 6000), st.integers(16, 6000))
@example(16, 3672)  # rounding to multiples of 16 once gave 1216x3680, past 3:1
def test_custom_sizes_obey_the_apis_rules(width, height):
    rule = CustomSizeRule()
    w, h = rule.size_for(width, height)
    assert w % 16 == 0 and h % 16 == 0
    assert max(w, h) <= 3 * min(w, h)  # long edge : short edge at most 3:1
    assert max(w, h) <= 3840 and w * h <= 3840 * 2160


@pytest.mark.parametrize("asset_type", list(TARGET_SPECS))
def test_custom_sizes_cover_every_target_without_upscaling(asset_type):
    tw, th = TARGET_SPECS[asset_type].size
    w, h = CustomSizeRule().size_for(tw, th)
    assert w >= tw and h >= th
    assert abs((w / h) / (tw / th) - 1) < 0.03  # the target's own ratio


def test_gemini_live_list_reads_every_page_and_keeps_image_models(gemini_server):
    extra = {f"gemini-test-{i}": ModelSpec(f"gemini-test-{i}", False, 3000) for i in range(120)}
    gemini_server.models.update(extra)
    provider = GeminiImageProvider(GEMINI_KEY, base_url=gemini_server.base_url)
    live = provider.list_models()
    assert live == ["gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-3.1-flash-lite-image"]
    pages = [r for r in gemini_server.requests if r.path == "/v1beta/models"]
    assert len(pages) == 1  # pageSize=1000 takes them in one page
    chat = GeminiChatProvider(GEMINI_KEY, base_url=gemini_server.base_url).list_models()
    assert "gemini-3.5-flash-lite" in chat and "gemini-embedding-001" not in chat
    assert not any("image" in m for m in chat)


def test_gemini_page_tokens_are_followed():
    first, token = parse_gemini_models(b'{"models": [{"name": "models/a-image", "supportedGenerationMethods": '
                                       b'["generateContent"]}], "nextPageToken": "t2"}')
    assert [m.id for m in first] == ["a-image"] and token == "t2"
    assert parse_gemini_models(b'{"models": []}') == ([], None)


def test_openai_live_list_keeps_gpt_image_models(openai_server):
    live = OpenAIImageProvider(OPENAI_KEY, base_url=openai_server.base_url).list_models()
    assert "gpt-image-2.5-sunburst" in live and "gpt-5.4-mini" not in live and "gpt-image-1" not in live


def test_ollama_tags(local_llm_server):
    assert match_model_tag("llama3.2", ["llama3.2:latest"]) == "llama3.2:latest"
    assert match_model_tag("qwen2.5", ["qwen2.5:7b"]) is None
    ids = OpenAICompatibleChatProvider.ollama(model="llama3.2", base_url=local_llm_server.base_url + "/v1").list_models()
    assert ids == ["llama3.2:latest", "qwen2.5:7b"]
