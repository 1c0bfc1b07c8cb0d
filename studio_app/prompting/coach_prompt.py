"""The LLM prompt coach's contract: its system prompt template and the prompt block in its replies.

A CoachSession keeps ``current_prompt``; the coach sees the canvas snapshot description and the
media placements. Peers' users ask for LLM prompt help (krita-ai-diffusion issue #1007,
InvokeAI issues #6719 and #9127 on GitHub).

System prompt. ``prompts/coach/system.md`` is plain text with ``{name}`` slots; only the names in
:data:`SYSTEM_PLACEHOLDERS` exist, and any other ``{`` or ``}`` in the file is an error. Every value
comes from the streamer (mood, game, idea, brand kit, media names, canvas text, the prompt so far),
so each goes through :func:`sanitize_input` (one line, no braces, no override phrases, bounded
length) and the slots are filled in one ``re.sub`` pass over the template only. A value therefore
cannot add a line, a section or a slot to the system prompt.

Prompt block. The system prompt asks the model to end every reply with exactly one fenced block::

    ```prompt
    A close-up of ...
    ```

:func:`extract_prompt_block` takes the last such block (or a ``<prompt>...</prompt>`` tag, which
some local models prefer), validates it and returns the *idea* text. The caller puts that idea
into the asset's image template through PromptEngine (as the quoted streamer idea), so whatever a
reply says, the stored prompt keeps the template's structure: base prompt, brand kit, canvas
layout, quality line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.brand_kit import BrandKitContext
from studio_app.domain.coach import Mood
from studio_app.resources import prompts_dir

from .prompt_draft import MOOD_PHRASES
from .sanitize import sanitize_input

SYSTEM_TEMPLATE_NAME = "system.md"
SYSTEM_PLACEHOLDERS: frozenset[str] = frozenset({
    "asset_label",  # TargetSpec.label, e.g. "YouTube thumbnail"
    "width",  # target width, px
    "height",  # target height, px
    "size_hint",  # what the target's size and transparency ask of the picture
    "mood",  # Mood phrase or the custom mood
    "game",  # game name, or "none"
    "description",  # the streamer's idea from the start form
    "brand_kit",  # colours, fonts and tone in one line
    "media_assets",  # names of the (at most 2) reference images
    "canvas_description",  # describe_canvas() of the canvas snapshot
    "placements",  # PlacementFormatter text, when there is no canvas description
    "current_prompt",  # the session's idea so far
    "turns_left",  # replies left before the turn limit
})
"""Every slot the coach system template may use."""
REQUIRED_PLACEHOLDERS = frozenset({"asset_label", "description", "current_prompt"})
"""Slots the template must use: without them the coach would not know what it is refining."""

IDEA_MAX_LENGTH = 1000
"""Longest idea taken from a prompt block, in characters (the image template adds the rest)."""
IDEA_MIN_WORDS = 3
"""A prompt block with fewer words is rejected (an echo of the format, or an empty block)."""
VALUE_LIMITS = {
    "mood": 120, "game": 80, "description": 500, "brand_kit": 300, "media_assets": 200,
    "canvas_description": 4000, "placements": 4000, "current_prompt": IDEA_MAX_LENGTH,
}
"""Longest text kept per slot, in characters."""
SMALL_TARGET_PX = 128
"""Targets no larger than this (emotes, badges, emoji) get the "shown tiny" hint."""

_SLOT_RE = re.compile(r"\{([a-z_]+)\}")
_FENCE_RE = re.compile(r"(?:^|\n)[ \t]*```[ \t]*prompt[ \t]*\r?\n(.*?)(?:\r?\n[ \t]*```|\Z)",
                       re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<prompt>(.*?)(?:</prompt>|\Z)", re.IGNORECASE | re.DOTALL)
_OPEN_RE = re.compile(r"(?:^|\n)[ \t]*```[ \t]*prompt\b|<prompt>", re.IGNORECASE)
_PARTIAL_FENCE_RE = re.compile(r"(?:^|\n)[ \t]*`{1,3}[A-Za-z]*\Z")
_ECHO_RE = re.compile(r"^\W*(?:a close-up of \.\.\.|<[^>]*>|\.\.\.|the prompt|prompt)\W*$", re.IGNORECASE)


class CoachPromptError(ValueError):
    """The coach system template is missing or malformed."""


def coach_prompts_dir() -> Path:
    """``$STUDIO_PROMPTS_DIR/coach`` if set, else the shipped ``prompts/coach``."""
    return prompts_dir() / "coach"


@dataclass(frozen=True)
class CoachFacts:
    """What the coach is told about the session (all values raw; rendering sanitises them).

    Attributes:
        asset_type: the target.
        mood: a Mood (``custom`` uses ``custom_mood``), or None.
        custom_mood: the streamer's own mood words.
        game_name: the game being streamed, if any.
        description: the streamer's idea from the start form.
        brand_kit: colours, fonts and tone; None means "no brand kit".
        media_asset_names: display names of the reference images (at most 2 are sent).
        canvas_description: describe_canvas() of the canvas, when it has content.
        placements_text: PlacementFormatter output, used when there is no canvas description.
        current_prompt: the idea the coach is refining ("" at the start).
        turns_left: replies left before the session's turn limit.
    """

    asset_type: AssetType
    mood: Mood | None = None
    custom_mood: str | None = None
    game_name: str | None = None
    description: str = ""
    brand_kit: BrandKitContext | None = None
    media_asset_names: Sequence[str] = field(default_factory=tuple)
    canvas_description: str | None = None
    placements_text: str | None = None
    current_prompt: str | None = None
    turns_left: int = 0

    def values(self) -> dict[str, str]:
        """Slot name -> sanitised one-line text, for every name in SYSTEM_PLACEHOLDERS."""
        spec = TARGET_SPECS[AssetType(self.asset_type)]
        raw = {
            "mood": mood_text(self.mood, self.custom_mood),
            "game": self.game_name,
            "description": self.description,
            "brand_kit": brand_kit_text(self.brand_kit),
            "media_assets": ", ".join(f"'{sanitize_input(n, 60)}'" for n in self.media_asset_names[:2]
                                      if sanitize_input(n, 60)),
            "canvas_description": self.canvas_description,
            "placements": None if self.canvas_description else self.placements_text,
            "current_prompt": self.current_prompt,
        }
        values = {k: sanitize_input(v, VALUE_LIMITS[k]) or "none" for k, v in raw.items()}
        values.update({
            "asset_label": spec.label,
            "width": str(spec.width),
            "height": str(spec.height),
            "size_hint": size_hint(AssetType(self.asset_type)),
            "turns_left": str(max(0, int(self.turns_left))),
        })
        if values["current_prompt"] == "none":
            values["current_prompt"] = "none yet (write the first one from the idea and the canvas)"
        return values


def mood_text(mood: Mood | str | None, custom_mood: str | None) -> str:
    """The mood in words: the built-in phrase, or the custom mood; "" when unknown."""
    if mood is None:
        return ""
    m = Mood(mood)
    if m == Mood.CUSTOM:
        return sanitize_input(custom_mood, VALUE_LIMITS["mood"])
    return MOOD_PHRASES[m]


def brand_kit_text(kit: BrandKitContext | None) -> str:
    """One line naming the kit's colours, fonts, tone and style reference; "" for no kit."""
    if kit is None:
        return ""
    bits = [f"primary colours {', '.join(kit.primary_colors[:4])}"]
    if kit.accent_colors:
        bits.append(f"accents {', '.join(kit.accent_colors[:4])}")
    bits.append(f"headline font {kit.headline_font}, body font {kit.body_font}")
    bits.append(f"tone {kit.tone}")
    if kit.style_reference:
        bits.append(f"style reference {kit.style_reference}")
    return "; ".join(bits)


def size_hint(asset_type: AssetType) -> str:
    """What the target's size and transparency ask of the picture (one sentence or two)."""
    spec = TARGET_SPECS[AssetType(asset_type)]
    hints = []
    if max(spec.size) <= SMALL_TARGET_PX:
        hints.append("this is shown tiny (down to a few dozen px), so ask for one bold subject, thick outlines, "
                     "no fine detail and at most one short word of text")
    elif spec.aspect_ratio >= 2.5:
        hints.append("this is a wide strip that is cropped differently on phones, so keep the key content "
                     "in the centre band")
    else:
        hints.append("it is often seen small in a feed, so ask for a clear focal subject and large, few words")
    if spec.wants_alpha:
        hints.append("the background should be transparent, so describe the subject cut out on its own")
    if asset_type == AssetType.THUMBNAIL:
        hints.append("YouTube covers the bottom-right corner with the duration badge, so keep it clear")
    return "; ".join(hints) + "."


class CoachSystemPrompt:
    """The coach's system prompt template (``prompts/coach/system.md``).

    Args:
        path: the template file; default ``coach_prompts_dir() / "system.md"``.

    Raises:
        CoachPromptError: the file is missing, uses an unknown slot, lacks a required slot or the
            prompt-block instructions, or has a stray ``{`` / ``}``.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else coach_prompts_dir() / SYSTEM_TEMPLATE_NAME
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CoachPromptError(f"coach system prompt not readable: {self.path} ({exc.strerror or exc})") from exc
        self.text = text.strip() + "\n"
        self.slots = tuple(_SLOT_RE.findall(self.text))
        unknown = sorted(set(self.slots) - SYSTEM_PLACEHOLDERS)
        if unknown:
            raise CoachPromptError(f"{self.path.name}: unknown slot(s) {', '.join(unknown)}")
        missing = sorted(REQUIRED_PLACEHOLDERS - set(self.slots))
        if missing:
            raise CoachPromptError(f"{self.path.name}: missing slot(s) {', '.join(missing)}")
        stray = _SLOT_RE.sub("", self.text)
        if "{" in stray or "}" in stray:
            raise CoachPromptError(f"{self.path.name}: a '{{' or '}}' outside a {{slot}}")
        if not _OPEN_RE.search(self.text):
            raise CoachPromptError(f"{self.path.name}: does not show the ```prompt block replies must end with")

    def render(self, facts: CoachFacts) -> str:
        """The system prompt for ``facts``: every slot filled with its sanitised one-line value.

        The result has exactly the template's lines; values are never scanned for slots again.
        """
        values = facts.values()
        return _SLOT_RE.sub(lambda m: values[m.group(1)], self.text)


@dataclass(frozen=True)
class PromptBlock:
    """The prompt part of a coach reply.

    Attributes:
        idea: the validated, sanitised idea (one line, <= IDEA_MAX_LENGTH characters), or None.
        problem: why there is no idea (one line), or None when ``idea`` is set.
    """

    idea: str | None
    problem: str | None = None


def _blocks(reply: str) -> list[str]:
    found = [(m.start(), m.group(1)) for m in _FENCE_RE.finditer(reply)]
    found += [(m.start(), m.group(1)) for m in _TAG_RE.finditer(reply)]
    return [text for _, text in sorted(found)]


def extract_prompt_block(reply: str) -> PromptBlock:
    """The idea in the last ```prompt block (or ``<prompt>`` tag) of a finished coach reply.

    A block left open at the very end (the stream ended before the closing fence) still counts.
    The text is sanitised (one line, no braces or override phrases, at most IDEA_MAX_LENGTH
    characters) and must hold at least IDEA_MIN_WORDS words and not just echo the format example.

    Returns:
        PromptBlock with ``idea`` set, or with ``problem`` saying why the reply has no usable prompt.
    """
    if not isinstance(reply, str) or not reply.strip():
        return PromptBlock(None, "the coach's reply was empty")
    blocks = _blocks(reply)
    if not blocks:
        return PromptBlock(None, "the coach's reply had no prompt block")
    raw = blocks[-1].strip().strip("`").strip()
    idea = sanitize_input(raw, IDEA_MAX_LENGTH)
    if not idea or _ECHO_RE.match(idea):
        return PromptBlock(None, "the coach's prompt block was empty")
    words = len(re.findall(r"\w+", idea))
    if words < IDEA_MIN_WORDS:
        return PromptBlock(None, "the coach's prompt block was too short to use")
    if ("..." in idea or "…" in idea) and words < 10:
        return PromptBlock(None, "the coach's prompt block only repeated the format example")
    return PromptBlock(idea)


@dataclass(frozen=True)
class ReplyDisplay:
    """A coach reply as the chat shows it.

    Attributes:
        text: the reply without its prompt block(s), trimmed.
        writing_prompt: True while a prompt block is open at the end (still streaming).
        has_prompt: True when the reply contains a prompt block.
    """

    text: str
    writing_prompt: bool
    has_prompt: bool


def reply_display(reply: str) -> ReplyDisplay:
    """Split a (possibly partial) coach reply into the chat text and the prompt-block state."""
    has_prompt = bool(_OPEN_RE.search(reply))
    text = _TAG_RE.sub("", _FENCE_RE.sub("\n", reply))
    opener = _OPEN_RE.search(text)  # "```prompt" whose line has not ended yet
    if opener:
        text = text[:opener.start()]
    text = _PARTIAL_FENCE_RE.sub("", text)
    writing = False
    if has_prompt:
        tail = reply[list(_OPEN_RE.finditer(reply))[-1].end():]
        writing = not re.search(r"\n[ \t]*```|</prompt>", tail, re.IGNORECASE)
    return ReplyDisplay(text.strip(), writing, has_prompt)
