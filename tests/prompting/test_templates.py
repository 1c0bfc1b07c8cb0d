"""Prompt templates: every AssetType has a valid v1.0 template written for its platform, and bad
template files fail with a clear TemplateError."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.brand_kit import BrandKitContext
from studio_app.prompting.engine import PROMPTS_DIR_ENV, PromptEngine, default_prompts_dir
from studio_app.prompting.templates import (
    KNOWN_PLACEHOLDERS,
    PromptTemplate,
    TemplateError,
    TemplateNotFoundError,
    parse_template,
)

from .conftest import PROMPTS_DIR

GOOD = """\
name: thumbnail
version: "1.0"
base_prompt: |
  A {tone} picture in {primary_colors}.
  {custom_prompt}
quality_modifiers: [sharp]
placeholders: [tone, primary_colors, custom_prompt]
"""


@pytest.mark.parametrize("asset_type", list(AssetType))
def test_every_asset_type_has_a_template_that_loads_and_builds(engine: PromptEngine, asset_type: AssetType):
    template = engine.load_template(asset_type)
    assert isinstance(template, PromptTemplate)
    assert template.name == asset_type.value and template.version == "1.0"
    assert template.quality_modifiers and set(template.placeholders) <= KNOWN_PLACEHOLDERS
    assert {"tone", "primary_colors", "custom_prompt", "width", "height"} <= set(template.placeholders)
    kit = BrandKitContext(primary_colors=["#00FF7F"], tone="retro arcade")
    prompt = engine.build_prompt(asset_type, kit, "a knight riding a horse")
    spec = TARGET_SPECS[asset_type]
    assert f"{spec.width}x{spec.height} px" in prompt
    assert "#00FF7F" in prompt and "retro arcade" in prompt and "a knight riding a horse" in prompt
    assert "{" not in prompt and "}" not in prompt
    if spec.wants_alpha and asset_type != AssetType.TWITCH_PANEL:
        assert "transparent" in prompt.lower()
    if not spec.wants_alpha:
        assert "opaque" in prompt.lower()


def test_templates_carry_the_platform_rules(engine: PromptEngine):
    def text(t: AssetType) -> str:
        return engine.inject_brand_kit(engine.load_template(t), BrandKitContext()).lower()

    emote = text(AssetType.TWITCH_EMOTE)
    assert "28 px" in emote and "silhouette" in emote and "transparent background" in emote
    assert "bottom-right" in text(AssetType.THUMBNAIL) and "duration badge" in text(AssetType.THUMBNAIL)
    assert "1546x423" in text(AssetType.YOUTUBE_BANNER) and "safe area" in text(AssetType.YOUTUBE_BANNER)
    story = text(AssetType.STORY_GRAPHIC)
    assert "top 14%" in story and "bottom 20%" in story
    assert "18 px" in text(AssetType.TWITCH_BADGE)
    assert "centre of the frame completely transparent" in text(AssetType.OVERLAY)
    assert "60 px" in text(AssetType.X_HEADER)
    assert "320x320" in text(AssetType.DISCORD_STICKER)


def test_template_files_match_the_asset_types_exactly():
    # prompts/coach holds the prompt coach's system prompt (prompting/coach_prompt.py), not an asset template.
    folders = sorted(p.name for p in PROMPTS_DIR.iterdir() if p.is_dir() and p.name != "coach")
    assert folders == sorted(t.value for t in AssetType)
    for folder in folders:
        data = yaml.safe_load((PROMPTS_DIR / folder / "v1.0.yaml").read_text(encoding="utf-8"))
        assert data["name"] == folder


def test_missing_template_raises_template_not_found(engine: PromptEngine, tmp_path: Path):
    with pytest.raises(TemplateNotFoundError, match="v9.9"):
        engine.load_template(AssetType.THUMBNAIL, "v9.9")
    with pytest.raises(TemplateNotFoundError, match="asset type 'poster'"):
        engine.load_template("poster")
    with pytest.raises(TemplateNotFoundError, match="version"):
        engine.load_template(AssetType.THUMBNAIL, "../../etc/passwd")
    empty = PromptEngine(tmp_path)
    with pytest.raises(TemplateNotFoundError, match="no prompt template for overlay v1.0"):
        empty.build_prompt(AssetType.OVERLAY, BrandKitContext())


def _engine_with(tmp_path: Path, text: str, asset: str = "thumbnail") -> PromptEngine:
    (tmp_path / asset).mkdir(parents=True, exist_ok=True)
    (tmp_path / asset / "v1.0.yaml").write_text(text, encoding="utf-8")
    return PromptEngine(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: thumbnail\nversion: '1.0'\nbase_prompt: [unclosed\n", "not valid YAML at line"),
        ("- just\n- a list\n", "expected a mapping"),
        (GOOD.replace("quality_modifiers: [sharp]\n", ""), "missing key.*quality_modifiers"),
        (GOOD + "extra_key: 1\n", "unknown key.*extra_key"),
        (GOOD.replace("{tone} picture", "{mood} picture"), "unknown placeholder.*mood"),
        (GOOD.replace("A {tone}", "A { tone"), "brace that is not a"),
        (GOOD.replace("placeholders: [tone, primary_colors, custom_prompt]",
                      "placeholders: [tone, custom_prompt]"), "differ from those base_prompt uses"),
        (GOOD.replace("name: thumbnail", "name: overlay"), "does not match its folder"),
        (GOOD.replace('version: "1.0"', 'version: "2.0"'), "does not match its file name"),
        (GOOD.replace("quality_modifiers: [sharp]", "quality_modifiers: sharp"), "list of non-empty strings"),
        (GOOD.replace("quality_modifiers: [sharp]", "quality_modifiers: ['{tone}']"), "must not contain braces"),
        (GOOD.replace("placeholders: [tone, primary_colors, custom_prompt]",
                      "placeholders: [tone, primary_colors, custom_prompt, hack]"), "unknown placeholder.*hack"),
    ],
)
def test_malformed_template_gives_one_line_template_error(tmp_path: Path, text: str, message: str):
    engine = _engine_with(tmp_path, text)
    with pytest.raises(TemplateError, match=message) as info:
        engine.load_template(AssetType.THUMBNAIL)
    assert not isinstance(info.value, TemplateNotFoundError)
    assert "\n" not in str(info.value)
    assert "thumbnail" in str(info.value)  # names the file


def test_good_custom_template_builds_and_is_cached(tmp_path: Path):
    engine = _engine_with(tmp_path, GOOD)
    first = engine.load_template(AssetType.THUMBNAIL)
    assert engine.load_template("thumbnail", "1.0") is first
    (tmp_path / "thumbnail" / "v1.0.yaml").write_text(GOOD.replace("picture", "image"), encoding="utf-8")
    assert engine.load_template(AssetType.THUMBNAIL) is first  # served from the cache
    engine.clear_cache()
    assert "image" in engine.load_template(AssetType.THUMBNAIL).base_prompt
    prompt = engine.build_prompt("thumbnail", BrandKitContext(tone="moody", primary_colors=["#1060F0"]))
    assert prompt.splitlines() == ["A moody image in #1060F0 (blue).", "Quality: sharp."]


def test_parse_template_literal_parts_are_the_text_between_slots():
    t = parse_template(GOOD)
    assert t.literal_parts() == ["A ", " picture in ", ".\n", "\n"]


def test_prompts_dir_comes_from_env_or_the_repo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv(PROMPTS_DIR_ENV, raising=False)
    assert default_prompts_dir() == PROMPTS_DIR
    assert PromptEngine().prompts_dir == PROMPTS_DIR
    shutil.copytree(PROMPTS_DIR / "overlay", tmp_path / "overlay")
    text = (tmp_path / "overlay" / "v1.0.yaml").read_text(encoding="utf-8")
    (tmp_path / "overlay" / "v1.0.yaml").write_text(text.replace("for OBS", "for OBS Studio 31"),
                                                    encoding="utf-8")
    monkeypatch.setenv(PROMPTS_DIR_ENV, str(tmp_path))
    engine = PromptEngine()
    assert engine.prompts_dir == tmp_path
    assert "OBS Studio 31" in engine.build_prompt(AssetType.OVERLAY, BrandKitContext())
    with pytest.raises(TemplateNotFoundError):
        engine.load_template(AssetType.THUMBNAIL)
