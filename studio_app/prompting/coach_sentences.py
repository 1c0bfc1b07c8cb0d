"""The sentences the coach composes: lines added to the image prompt, and its notes in the chat.

The image-prompt lines (``logo_instruction``, ``REFINE_INSTRUCTION``) go to the image model after
the session's prompt; ``opening_request`` is the first user message an LLM coach gets when the
streamer gave no idea; the rest are the ``system`` notes the chat shows the streamer. Keeping
them here keeps the wording in one place, beside the coach's system prompt (coach_prompt.py).
"""

from __future__ import annotations

REFINE_INSTRUCTION = ("Refine the reference image of the previous result: keep what works and apply "
                      "the prompt's changes.")
"""Added to the image prompt when the generation refines an earlier result."""

REFINE_PICKED_NOTE = ("The next generation refines this result. Tell the coach what to change, then press "
                      "Generate Now.")
"""Chat note after the streamer picked a result for Refine this."""

STOPPED_NOTE = "Stopped."
"""Chat note after Stop ended a streaming reply."""


def opening_request(target_label: str) -> str:
    """The first user message to an LLM coach when the streamer gave no idea.

    Args:
        target_label: the target's label, e.g. "YouTube thumbnail".
    """
    return f"Help me come up with a great {target_label}."


def logo_instruction(logo_name: str, position: str) -> str:
    """The image-prompt line that places the brand logo.

    Args:
        logo_name: the logo's display name (it is sent as a reference image of that name).
        position: a logo position such as ``bottom-right`` (hyphens become spaces).
    """
    return (f"Add the brand logo (the reference image '{logo_name}') small and clean in the "
            f"{position.replace('-', ' ')} corner, unaltered.")


def offline_fallback_note(problem: str) -> str:
    """Chat note when the configured AI coach could not be built; ``problem`` is one line."""
    return f"The AI coach is not available ({problem}); using the offline guided coach."


def continued_note(when: str, *, prompt_kept: bool) -> str:
    """Chat note opening a session continued from another.

    Args:
        when: the old session's start, as shown (e.g. "05 Dec 2026 01:30").
        prompt_kept: True when the old session had a prompt (it is carried over).
    """
    note = f"Continued from the session of {when}."
    if prompt_kept:
        note += " The prompt so far is kept; tell the coach what to change."
    return note


def last_turn_note(turn_limit: int) -> str:
    """Chat note after the session's last turn (``turn_limit`` turns per session)."""
    return (f"That was the last of this session's {turn_limit} turns. Generate Now still "
            "works; continue in a new session to keep chatting.")


def prompt_unchanged_note(problem: str) -> str:
    """Chat note when an LLM reply had no usable prompt block; ``problem`` says why."""
    return f"The prompt was not changed: {problem}."


def could_not_answer_note(message: str) -> str:
    """Chat note when the coach's reply failed; ``message`` is the one-line reason."""
    return f"The coach could not answer: {message}"


def generation_failed_note(message: str) -> str:
    """Chat note when a Generate Now job failed; ``message`` is the one-line reason."""
    return f"Generation failed: {message}"


def asset_caption(target_label: str, width: int, height: int, *, is_preview: bool) -> str:
    """The caption of a generated asset in the chat, e.g. "Twitch emote, 112x112 px".

    Args:
        target_label: the target's label.
        width, height: the asset's size in px.
        is_preview: True for an offline preview render (said in the caption).
    """
    return f"{target_label}, {width}x{height} px" + (" (offline preview)" if is_preview else "")
