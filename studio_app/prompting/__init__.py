"""Prompting: templates, PromptEngine, sanitising, PlacementFormatter, canvas description and the
offline guided coach. Imports only studio_app.domain (no Qt, no I/O beyond reading templates)."""

from .canvas_description import describe_canvas
from .colour_names import colour_name
from .engine import PROMPTS_DIR_ENV, PromptEngine, default_prompts_dir
from .guided_coach import CoachNotStartedError, CoachReply, GuidedCoach, GuidedCoachContext
from .placement_formatter import PlacementFormatError, PlacementFormatter
from .prompt_draft import PromptDraft
from .sanitize import CUSTOM_PROMPT_MAX_LENGTH, find_override_phrase, sanitize_input
from .templates import PromptTemplate, TemplateError, TemplateNotFoundError

__all__ = [
    "CUSTOM_PROMPT_MAX_LENGTH",
    "PROMPTS_DIR_ENV",
    "CoachNotStartedError",
    "CoachReply",
    "GuidedCoach",
    "GuidedCoachContext",
    "PlacementFormatError",
    "PlacementFormatter",
    "PromptDraft",
    "PromptEngine",
    "PromptTemplate",
    "TemplateError",
    "TemplateNotFoundError",
    "colour_name",
    "default_prompts_dir",
    "describe_canvas",
    "find_override_phrase",
    "sanitize_input",
]
