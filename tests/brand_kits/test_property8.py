"""Correctness property 8 (docs/architecture.md) end to end: a brand kit saved through
BrandKitService into the SQLite file and set active reaches the thumbnail prompt, built both by
PromptEngine from ``BrandKitService.context()`` and by ``GenerationService.build_prompt``.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from studio_app.domain.asset_types import AssetType
from studio_app.prompting.engine import PromptEngine
from studio_app.prompting.sanitize import find_override_phrase
from studio_app.services.generation import GenerateRequest, GenerationService

_hex = st.integers(0, 0xFFFFFF).map(lambda n: f"{n:06X}")
# Colours as a streamer might type them: with or without '#', either case.
_typed_hex = st.tuples(_hex, st.booleans(), st.booleans()).map(
    lambda t: ("#" if t[1] else "") + (t[0].lower() if t[2] else t[0])
)
_words = st.text(alphabet=string.ascii_letters + string.digits + " -',!&.", min_size=1, max_size=80).map(
    lambda s: " ".join(s.split())
).filter(bool)


@st.composite
def brand_kit_fields(draw: st.DrawFn) -> dict:
    """Keyword arguments for BrandKitService.create (the original design's brand_kit_strategy)."""
    tone = draw(_words)
    assume(find_override_phrase(tone) is None)
    return {
        "primary_colors": draw(st.lists(_typed_hex, min_size=1, max_size=6)),
        "accent_colors": draw(st.lists(_typed_hex, max_size=6)),
        "headline_font": draw(st.sampled_from(["Montserrat", "Bebas Neue", "DejaVu Sans", ""])),
        "body_font": draw(st.sampled_from(["Inter", "Roboto", "DejaVu Serif"])),
        "tone": tone,
        "style_reference": draw(st.one_of(st.none(), _words)),
    }


@pytest.fixture(params=["prompt_engine", "generation_service"])
def thumbnail_prompt(request, service, store):
    """() -> the thumbnail prompt with no kit named (so the active kit applies)."""
    if request.param == "prompt_engine":
        engine = PromptEngine()
        return lambda: engine.build_prompt(AssetType.THUMBNAIL, service.context())
    generation = GenerationService(store)
    return lambda: generation.build_prompt(GenerateRequest(asset_type=AssetType.THUMBNAIL))


def test_property8_active_kit_reaches_the_thumbnail_prompt(service, thumbnail_prompt):
    counter = iter(range(10**6))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(fields=brand_kit_fields())
    def check(fields: dict) -> None:
        kit = service.create(f"Kit {next(counter)}", **fields)
        service.set_active(kit.id)
        stored = service.active()
        assert stored is not None and stored.id == kit.id
        prompt = thumbnail_prompt()
        assert any(colour in prompt for colour in stored.primary_colors)
        assert stored.tone in prompt

    check()


def test_deleting_the_active_kit_takes_it_out_of_the_prompt(service, thumbnail_prompt):
    kit = service.create("Vapor", primary_colors=["#13579B"], tone="dreamy vaporwave calm", active=True)
    assert "#13579B" in thumbnail_prompt()
    service.delete(kit.id)
    prompt = thumbnail_prompt()
    assert "#13579B" not in prompt and "dreamy vaporwave calm" not in prompt
