"""PromptDraft: the coach's "current prompt" in structured form.

A CoachSession keeps ``asset_type``, ``mood`` and ``current_prompt``. Both the offline guided coach and a later LLM coach fill the same fields; the
prompt text is always rebuilt from them by :class:`PromptEngine`, so the brand kit, template and
sanitising rules apply the same way whichever coach ran. ``to_dict``/``from_dict`` give a JSON-able
form for ``CoachSession.context["draft"]``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from studio_app.domain.asset_types import AssetType
from studio_app.domain.brand_kit import BrandKitContext
from studio_app.domain.coach import Mood

from .engine import PromptEngine
from .sanitize import sanitize_input

SUBJECT_MAX_LENGTH = 200
"""Longest subject kept, in characters."""
ON_IMAGE_TEXT_MAX_LENGTH = 60
"""Longest on-image text kept, in characters (thumbnail text should be a few words)."""
CUSTOM_MOOD_MAX_LENGTH = 60
NOTE_MAX_LENGTH = 120
MAX_NOTES = 3
"""Extra details kept; older ones drop off first."""
IDEA_MAX_LENGTH = 1000
"""Bound on the composed idea text handed to PromptEngine (each part is bounded above)."""

MOOD_PHRASES: dict[Mood, str] = {
    Mood.HYPE: "hype: explosive energy, bold saturated colours, dynamic angles and motion",
    Mood.COZY: "cozy: warm soft lighting, gentle colours, relaxed and friendly",
    Mood.RAGE: "rage: intense and furious, dramatic contrast, fiery reds",
    Mood.FUNNY: "funny: playful and exaggerated, cartoonish expressions, bright colours",
    Mood.EPIC: "epic: cinematic and heroic, grand scale, dramatic lighting",
    Mood.MYSTERIOUS: "mysterious: moody shadows, mist, cool tones, a hint of intrigue",
}
"""What each built-in Mood asks of the image."""


@dataclass(frozen=True)
class PromptDraft:
    """The parts of a prompt a coach collects.

    Attributes:
        asset_type: the target, or None while unknown.
        mood: a Mood; ``Mood.CUSTOM`` uses ``custom_mood``.
        custom_mood: free-text mood (sanitised, <= 60 characters).
        subject: what the picture shows (sanitised, <= 200 characters).
        on_image_text: text to render on the image; ``""`` means "no text", None "not asked yet".
        notes: extra details, newest last (each <= 120 characters, at most 3).
    """

    asset_type: AssetType | None = None
    mood: Mood | None = None
    custom_mood: str | None = None
    subject: str | None = None
    on_image_text: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def replace(self, **changes: Any) -> PromptDraft:
        """A copy with ``changes`` applied; text fields are sanitised to their limits."""
        limits = {"custom_mood": CUSTOM_MOOD_MAX_LENGTH, "subject": SUBJECT_MAX_LENGTH,
                  "on_image_text": ON_IMAGE_TEXT_MAX_LENGTH}
        for key, limit in limits.items():
            if changes.get(key) is not None:
                changes[key] = sanitize_input(changes[key], limit)
        if changes.get("asset_type") is not None:
            changes["asset_type"] = AssetType(changes["asset_type"])
        if changes.get("mood") is not None:
            changes["mood"] = Mood(changes["mood"])
        return dataclasses.replace(self, **changes)

    def add_note(self, note: str) -> PromptDraft:
        """A copy with one more extra detail (sanitised; empty notes are ignored)."""
        clean = sanitize_input(note, NOTE_MAX_LENGTH)
        if not clean:
            return self
        return dataclasses.replace(self, notes=(*self.notes, clean)[-MAX_NOTES:])

    def mood_phrase(self) -> str | None:
        """The mood in words, or None."""
        if self.mood is None:
            return None
        if self.mood == Mood.CUSTOM:
            return self.custom_mood or None
        return MOOD_PHRASES[self.mood]

    def idea_text(self) -> str:
        """The streamer's idea composed from the parts (what PromptEngine receives as custom prompt)."""
        parts = []
        if self.subject:
            parts.append(f"Subject: {self.subject}.")
        mood = self.mood_phrase()
        if mood:
            parts.append(f"Mood: {mood}.")
        if self.on_image_text:
            parts.append(f"Text on the image, spelled exactly: '{self.on_image_text}'.")
        elif self.on_image_text == "":
            parts.append("No text on the image.")
        if self.notes:
            parts.append("Extra details: " + "; ".join(self.notes) + ".")
        return " ".join(parts)

    def build(self, engine: PromptEngine, brand_kit: BrandKitContext | None = None, *,
              canvas_description: str | None = None, placements_text: str | None = None) -> str:
        """The full prompt via ``engine.build_prompt``.

        Raises:
            ValueError: ``asset_type`` is not set yet.
            TemplateNotFoundError, TemplateError: from the engine.
        """
        if self.asset_type is None:
            raise ValueError("the prompt draft has no asset type yet")
        return engine.build_prompt(self.asset_type, brand_kit, self.idea_text() or None,
                                   canvas_description=canvas_description, placements_text=placements_text,
                                   custom_prompt_max_length=IDEA_MAX_LENGTH)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict (enum values as strings, notes as a list)."""
        return {
            "asset_type": self.asset_type.value if self.asset_type else None,
            "mood": self.mood.value if self.mood else None,
            "custom_mood": self.custom_mood,
            "subject": self.subject,
            "on_image_text": self.on_image_text,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PromptDraft:
        """Inverse of ``to_dict``; values are re-sanitised.

        Raises:
            ValueError: an unknown asset type or mood.
        """
        draft = cls().replace(
            asset_type=data.get("asset_type"), mood=data.get("mood"), custom_mood=data.get("custom_mood"),
            subject=data.get("subject"), on_image_text=data.get("on_image_text"),
        )
        for note in data.get("notes") or []:
            draft = draft.add_note(str(note))
        return draft
