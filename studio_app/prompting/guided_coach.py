"""GuidedCoach: the offline prompt coach (no LLM), a small question-and-answer state machine.

It asks one question at a time: the asset type (unless the context gives it), the mood (the
domain's Mood values, or the streamer's own words), the subject, and the text to show on the
image. Every answer is sanitised, stored in a :class:`PromptDraft`, and when nothing is missing
the coach builds the refined prompt through :class:`PromptEngine` with the brand kit and the
canvas snapshot description. After that each further message is an extra detail, or one of the
commands ``change <mood|subject|text|type>`` and ``start over``.

A bad answer (an unknown asset type, an empty subject) gets a one-line hint and the same
question again; nothing already answered is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.brand_kit import BrandKitContext
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import Mood

from .canvas_description import describe_canvas
from .engine import PromptEngine
from .prompt_draft import PromptDraft
from .sanitize import sanitize_input

INTRO = (
    "Hi! I'm the offline guided coach: I'll ask a few quick questions and build the prompt for you, "
    "no AI model needed. To chat with an AI coach instead, connect an LLM in Settings."
)
NO_TEXT_WORDS = frozenset({"", "none", "no", "nothing", "skip", "-", "no text", "n/a", "na"})
SMALL_TARGET_PX = 128
"""Targets no larger than this (emotes, badges, emoji) get the "keep text tiny" hint."""

QUESTION_KEYS = ("asset_type", "mood", "custom_mood", "subject", "on_image_text")
_CHANGE_ALIASES = {  # keys as _norm() leaves them (lower case, hyphens as spaces)
    "type": "asset_type", "asset type": "asset_type", "asset": "asset_type", "format": "asset_type",
    "mood": "mood", "subject": "subject", "text": "on_image_text", "on image text": "on_image_text",
    "image text": "on_image_text",
}


class CoachNotStartedError(RuntimeError):
    """``answer`` was called before ``start``."""


@dataclass(frozen=True)
class GuidedCoachContext:
    """What the coach knows before the first question.

    Attributes:
        asset_type: the target, when already chosen (skips that question). Falls back to the
            canvas's asset type when a canvas is given.
        brand_kit: injected into the prompt; None uses BrandKitContext's defaults.
        canvas: its snapshot description is added to the prompt when it has content.
        canvas_description: a ready description (wins over ``canvas``).
        draft: answers already known (e.g. restored from CoachSession.context.draft).
    """

    asset_type: AssetType | str | None = None
    brand_kit: BrandKitContext | None = None
    canvas: CanvasDocument | None = None
    canvas_description: str | None = None
    draft: PromptDraft = field(default_factory=PromptDraft)


@dataclass(frozen=True)
class CoachReply:
    """One coach turn.

    Attributes:
        message: the coach's text for the chat.
        refined_prompt: the full prompt once every question is answered, else None.
        done: True when ``refined_prompt`` is ready (the GUI enables "Generate Now").
        question_key: the question now open (one of QUESTION_KEYS), None when done.
        choices: suggested answers for buttons (asset type values, mood values).
        draft: the structured prompt so far.
    """

    message: str
    refined_prompt: str | None
    done: bool
    question_key: str | None
    choices: tuple[str, ...] = ()
    draft: PromptDraft = field(default_factory=PromptDraft)


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", " ", text.strip().lower().replace("_", " "))


def parse_asset_type(answer: str) -> tuple[AssetType | None, list[AssetType]]:
    """Read an asset type from an answer: its value, its number in the list (1-13), its label, or
    words that pick exactly one type ("emote", "youtube banner").

    Returns:
        (the type or None, the candidates when the words fit several types).
    """
    text = _norm(answer)
    types = list(AssetType)
    if text.isdigit() and 1 <= int(text) <= len(types):
        return types[int(text) - 1], []
    for t in types:
        if text in (_norm(t.value), _norm(TARGET_SPECS[t].label)):
            return t, []
    words = set(re.findall(r"[a-z0-9]+", text)) - {"a", "an", "the", "for", "my", "px", "i", "want"}
    if not words:
        return None, []
    fits = [t for t in types
            if words <= set(re.findall(r"[a-z0-9]+", f"{_norm(t.value)} {_norm(TARGET_SPECS[t].label)}"))]
    if len(fits) == 1:
        return fits[0], []
    return None, fits


class GuidedCoach:
    """The offline guided coach (see the module docstring).

    Args:
        engine: builds the prompt; a default PromptEngine when None.

    Usage::

        coach = GuidedCoach()
        reply = coach.start(GuidedCoachContext(brand_kit=kit, canvas=doc))
        while not reply.done:
            reply = coach.answer(input(reply.message))
        reply.refined_prompt
    """

    def __init__(self, engine: PromptEngine | None = None) -> None:
        self.engine = engine or PromptEngine()
        self._context: GuidedCoachContext | None = None
        self._draft = PromptDraft()
        self._canvas_description: str | None = None
        self._question: str | None = None
        self._prompt: str | None = None

    # -- state ----------------------------------------------------------------------------------
    @property
    def draft(self) -> PromptDraft:
        """The structured prompt so far."""
        return self._draft

    @property
    def current_prompt(self) -> str | None:
        """The refined prompt once complete (CoachSession.current_prompt), else None."""
        return self._prompt

    @property
    def question_key(self) -> str | None:
        """The open question, or None when done or not started."""
        return self._question

    @property
    def done(self) -> bool:
        """True when every question is answered and the prompt is built."""
        return self._prompt is not None

    # -- turns ----------------------------------------------------------------------------------
    def start(self, context: GuidedCoachContext | None = None) -> CoachReply:
        """Begin (or restart) a conversation; the reply introduces the coach and asks the first
        open question (or returns the prompt at once when the context answers everything).

        Raises:
            TemplateNotFoundError, TemplateError: the prompt template cannot be loaded.
        """
        ctx = context or GuidedCoachContext()
        self._context = ctx
        draft = ctx.draft
        asset_type = ctx.asset_type or draft.asset_type or (ctx.canvas.asset_type if ctx.canvas else None)
        if asset_type is not None:
            draft = draft.replace(asset_type=AssetType(asset_type))
        self._draft = draft
        if ctx.canvas_description:
            self._canvas_description = ctx.canvas_description
        elif ctx.canvas is not None and ctx.canvas.has_content():
            self._canvas_description = describe_canvas(ctx.canvas)
        else:
            self._canvas_description = None
        self._prompt = None
        intro = INTRO
        if self._canvas_description:
            intro += " I'll include the layout of your canvas in the prompt."
        return self._advance(intro)

    def answer(self, text: str) -> CoachReply:
        """Take the streamer's answer to the open question (or, once done, an extra detail or a
        command) and reply.

        Raises:
            CoachNotStartedError: ``start`` was not called.
            TemplateNotFoundError, TemplateError: the prompt template cannot be loaded.
        """
        if self._context is None:
            raise CoachNotStartedError("call GuidedCoach.start() before answer()")
        raw = text if isinstance(text, str) else ""
        command = _norm(sanitize_input(raw, 80))
        if command in ("start over", "restart", "reset"):
            return self.start(GuidedCoachContext(asset_type=self._context.asset_type, brand_kit=self._context.brand_kit,
                                           canvas=self._context.canvas,
                                           canvas_description=self._context.canvas_description))
        change = re.fullmatch(r"(?:change|edit|redo) (?:the )?(.+)", command)
        if change and change.group(1) in _CHANGE_ALIASES:
            key = _CHANGE_ALIASES[change.group(1)]
            clear: dict[str, object] = {key: None}
            if key == "mood":
                clear["custom_mood"] = None
            self._draft = self._draft.replace(**clear)
            self._prompt = None
            return self._advance("Sure, let's change that.")
        if self._question is None:
            before = self._draft
            self._draft = self._draft.add_note(raw)
            if self._draft == before:
                return self._finish("I didn't catch a detail there.")
            return self._finish("Added that detail.")
        answers: dict[str, Callable[[str], CoachReply]] = {
            "asset_type": self._answer_asset_type,
            "mood": self._answer_mood,
            "custom_mood": self._answer_custom_mood,
            "subject": self._answer_subject,
            "on_image_text": self._answer_on_image_text,
        }
        return answers[self._question](raw)

    # -- answers --------------------------------------------------------------------------------
    def _answer_asset_type(self, raw: str) -> CoachReply:
        kind, fits = parse_asset_type(sanitize_input(raw, 80))
        if kind is None:
            if fits:
                names = ", ".join(t.value for t in fits)
                return self._ask("asset_type", f"That fits several: {names}. Which one?")
            return self._ask("asset_type", "I don't know that asset type; pick a number or a name from the list.")
        self._draft = self._draft.replace(asset_type=kind)
        return self._advance(f"{TARGET_SPECS[kind].label}, {TARGET_SPECS[kind].width}x"
                             f"{TARGET_SPECS[kind].height} px. Got it.")

    def _answer_mood(self, raw: str) -> CoachReply:
        text = sanitize_input(raw, 60)
        key = _norm(text)
        moods = list(Mood)
        if key.isdigit() and 1 <= int(key) <= len(moods):
            key = moods[int(key) - 1].value
        if not key:
            return self._ask("mood", "Please name a mood, or describe your own in a few words.")
        if key == Mood.CUSTOM.value:
            self._draft = self._draft.replace(mood=Mood.CUSTOM, custom_mood=None)
            return self._advance("Your own mood, then.")
        if key in {m.value for m in moods}:
            self._draft = self._draft.replace(mood=Mood(key), custom_mood=None)
            return self._advance(f"{key.capitalize()} it is.")
        self._draft = self._draft.replace(mood=Mood.CUSTOM, custom_mood=text)
        return self._advance(f"A custom mood: {self._draft.custom_mood}.")

    def _answer_custom_mood(self, raw: str) -> CoachReply:
        text = sanitize_input(raw, 60)
        if not text:
            return self._ask("custom_mood", "Describe the mood in a few words, e.g. 'dreamy neon night'.")
        self._draft = self._draft.replace(custom_mood=text)
        return self._advance("Nice.")

    def _answer_subject(self, raw: str) -> CoachReply:
        text = sanitize_input(raw, 200)
        if not text:
            return self._ask("subject", "I need a subject to build the prompt: what should the picture show?")
        self._draft = self._draft.replace(subject=text)
        return self._advance("Great subject.")

    def _answer_on_image_text(self, raw: str) -> CoachReply:
        text = sanitize_input(raw, 60)
        if _norm(text) in NO_TEXT_WORDS:
            self._draft = self._draft.replace(on_image_text="")
            return self._advance("No text, then.")
        self._draft = self._draft.replace(on_image_text=text)
        note = ""
        if self._is_small() and len(text.split()) > 1:
            note = " Heads-up: at this size more than one short word is hard to read."
        return self._advance(f"The image will say '{self._draft.on_image_text}'.{note}")

    # -- flow -----------------------------------------------------------------------------------
    def _is_small(self) -> bool:
        kind = self._draft.asset_type
        return kind is not None and max(TARGET_SPECS[kind].size) <= SMALL_TARGET_PX

    def _missing(self) -> str | None:
        d = self._draft
        if d.asset_type is None:
            return "asset_type"
        if d.mood is None:
            return "mood"
        if d.mood == Mood.CUSTOM and not d.custom_mood:
            return "custom_mood"
        if not d.subject:
            return "subject"
        if d.on_image_text is None:
            return "on_image_text"
        return None

    def _advance(self, lead: str) -> CoachReply:
        key = self._missing()
        if key is None:
            return self._finish(lead)
        return self._ask(key, lead)

    def _ask(self, key: str, lead: str) -> CoachReply:
        self._question = key
        self._prompt = None
        choices: tuple[str, ...] = ()
        if key == "asset_type":
            listing = "; ".join(f"{i}) {TARGET_SPECS[t].label}" for i, t in enumerate(AssetType, 1))
            question = f"What are we making? {listing}."
            choices = tuple(t.value for t in AssetType)
        elif key == "mood":
            named = [m.value for m in Mood if m != Mood.CUSTOM]
            question = f"What mood should it have: {', '.join(named)}, or describe your own?"
            choices = tuple(m.value for m in Mood)
        elif key == "custom_mood":
            question = "Describe the mood in a few words."
        elif key == "subject":
            question = ("What is the main subject? For example: 'my cat in an astronaut suit celebrating "
                        "a clutch win'.")
        else:
            question = "What text should appear on the image? Type 'none' for no text."
            if self._is_small():
                question += " This is shown tiny in chat, so one short word or none works best."
        return CoachReply(message=f"{lead} {question}".strip(), refined_prompt=None, done=False,
                          question_key=key, choices=choices, draft=self._draft)

    def _finish(self, lead: str) -> CoachReply:
        assert self._context is not None
        self._question = None
        self._prompt = self._draft.build(self.engine, self._context.brand_kit,
                                         canvas_description=self._canvas_description)
        message = (f"{lead} Here is your refined prompt. Press Generate Now when you're happy, or tell me a "
                   "detail to add, 'change mood' (or subject, text, type), or 'start over'.")
        return CoachReply(message=message, refined_prompt=self._prompt, done=True, question_key=None,
                          draft=self._draft)
