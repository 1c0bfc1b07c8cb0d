"""Prompt templates: the YAML files under ``prompts/<asset_type>/<version>.yaml``.

The format is the original design's "Prompt Template Format (YAML)". A file holds::

    name: thumbnail            # the AssetType value, equal to the folder name
    version: "1.0"             # equal to the file name without "v" and ".yaml"
    base_prompt: |             # text with {placeholder} slots
      Create a {width}x{height} px YouTube thumbnail with a {tone} feel. ...
    quality_modifiers: [high quality, professional]
    placeholders: [width, height, tone, custom_prompt]   # exactly the slots base_prompt uses

Placeholders are filled by :class:`~studio_app.prompting.engine.PromptEngine` in one pass; only
the names in :data:`KNOWN_PLACEHOLDERS` exist. Any other ``{`` or ``}`` in ``base_prompt`` is an error,
so a template can never smuggle a slot that user text could fill.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KNOWN_PLACEHOLDERS: frozenset[str] = frozenset(
    {
        "width",  # target width, px (from TARGET_SPECS)
        "height",  # target height, px
        "tone",  # BrandKitContext.tone
        "primary_colors",  # BrandKitContext.primary_colors, "#RRGGBB (name)" joined
        "accent_colors",  # BrandKitContext.accent_colors
        "headline_font",
        "body_font",
        "style_reference",  # "Style reference: ..." sentence, or empty
        "custom_prompt",  # the streamer's own idea, sanitised and quoted, or empty
    }
)
"""Every placeholder a template may use."""

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
"""A placeholder token in ``base_prompt``: ``{name}`` with a lower-case snake_case name."""

_REQUIRED_KEYS = ("name", "version", "base_prompt", "quality_modifiers", "placeholders")
_VERSION_RE = re.compile(r"^v?(\d{1,3}(?:\.\d{1,3}){0,2})$")


class TemplateError(ValueError):
    """A prompt template file is malformed (bad YAML, missing or wrong keys, bad placeholders)."""


class TemplateNotFoundError(TemplateError, LookupError):
    """No template file exists for the asset type and version asked for."""


@dataclass(frozen=True)
class PromptTemplate:
    """One loaded prompt template (the original design's PromptTemplate; lists are tuples so cached copies
    cannot be changed by callers).

    Attributes:
        name: the AssetType value it is for.
        version: e.g. ``"1.0"`` (no leading "v").
        base_prompt: text with ``{placeholder}`` slots.
        quality_modifiers: short phrases appended as the prompt's quality line.
        placeholders: the slots used in ``base_prompt`` (all in KNOWN_PLACEHOLDERS).
        source: the file it came from.
    """

    name: str
    version: str
    base_prompt: str
    quality_modifiers: tuple[str, ...]
    placeholders: tuple[str, ...]
    source: Path | None = None

    def literal_parts(self) -> list[str]:
        """The template-owned text of ``base_prompt`` between placeholders, in order."""
        return PLACEHOLDER_RE.split(self.base_prompt)[0::2]


def normalise_version(version: str) -> str:
    """``"v1.0"`` or ``"1.0"`` -> ``"1.0"``.

    Raises:
        TemplateNotFoundError: not a version of the form ``v1``, ``v1.0`` or ``v1.0.2`` (this also
            keeps path separators out of the file name).
    """
    m = _VERSION_RE.match(str(version).strip())
    if not m:
        raise TemplateNotFoundError(f"no prompt template version {version!r} (expected e.g. 'v1.0')")
    return m.group(1)


def template_path(prompts_dir: Path, asset_type: str, version: str) -> Path:
    """``<prompts_dir>/<asset_type>/v<version>.yaml``."""
    return prompts_dir / asset_type / f"v{normalise_version(version)}.yaml"


def parse_template(text: str, *, expected_name: str | None = None, expected_version: str | None = None,
                   source: Path | None = None) -> PromptTemplate:
    """Parse and validate the YAML text of one template.

    Args:
        text: the file's text.
        expected_name: when given, ``name`` must equal it (the folder's asset type).
        expected_version: when given, ``version`` must equal it (the file name's version).
        source: the file, used in error messages.

    Raises:
        TemplateError: not YAML, not a mapping, a missing/unknown/mistyped key, a name or version
            that does not match the file, an unknown placeholder, a stray brace, or a placeholder
            list that differs from the slots ``base_prompt`` uses.
    """
    where = str(source) if source else "prompt template"
    data = _load_mapping(text, where)
    name, base = data["name"], data["base_prompt"]
    version = str(data["version"]) if isinstance(data["version"], int | float | str) else None
    if not isinstance(name, str) or not name:
        raise TemplateError(f"{where}: 'name' must be a non-empty string")
    if version is None or not _VERSION_RE.match(version):
        raise TemplateError(f"{where}: 'version' must look like \"1.0\", got {data['version']!r}")
    version = version.removeprefix("v")
    if not isinstance(base, str) or not base.strip():
        raise TemplateError(f"{where}: 'base_prompt' must be non-empty text")
    modifiers = _string_list(data["quality_modifiers"], "quality_modifiers", where)
    placeholders = _string_list(data["placeholders"], "placeholders", where)

    if expected_name is not None and name != expected_name:
        raise TemplateError(f"{where}: name {name!r} does not match its folder {expected_name!r}")
    if expected_version is not None and version != expected_version:
        raise TemplateError(f"{where}: version {version!r} does not match its file name v{expected_version}")
    _check_placeholders(base, placeholders, where)
    return PromptTemplate(name=name, version=version, base_prompt=base, quality_modifiers=tuple(modifiers),
                          placeholders=tuple(placeholders), source=source)


def _load_mapping(text: str, where: str) -> dict[str, Any]:
    """The template's YAML mapping, with exactly the required keys.

    Raises:
        TemplateError: not YAML, not a mapping, a missing or an unknown key.
    """
    import yaml  # on the first template read, not at start-up

    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise TemplateError(f"{where}: not valid YAML{at}: {problem}") from exc
    if not isinstance(data, dict):
        raise TemplateError(f"{where}: expected a mapping of {', '.join(_REQUIRED_KEYS)}")
    missing = [k for k in _REQUIRED_KEYS if k not in data]
    if missing:
        raise TemplateError(f"{where}: missing key(s): {', '.join(missing)}")
    unknown = sorted(str(k) for k in data if k not in _REQUIRED_KEYS)
    if unknown:
        raise TemplateError(f"{where}: unknown key(s): {', '.join(unknown)}")
    return data


def _check_placeholders(base: str, placeholders: list[str], where: str) -> None:
    """Every declared and every used ``{placeholder}`` is known, ``base`` has no stray brace,
    and the declared list matches the slots ``base`` uses.

    Raises:
        TemplateError: naming the first rule broken.
    """
    unknown_ph = sorted(set(placeholders) - KNOWN_PLACEHOLDERS)
    if unknown_ph:
        raise TemplateError(f"{where}: unknown placeholder(s) {', '.join(unknown_ph)}; "
                            f"known: {', '.join(sorted(KNOWN_PLACEHOLDERS))}")
    used = PLACEHOLDER_RE.findall(base)
    unknown_used = sorted(set(used) - KNOWN_PLACEHOLDERS)
    if unknown_used:
        raise TemplateError(f"{where}: base_prompt uses unknown placeholder(s) {', '.join(unknown_used)}")
    if "{" in PLACEHOLDER_RE.sub("", base) or "}" in PLACEHOLDER_RE.sub("", base):
        raise TemplateError(f"{where}: base_prompt has a brace that is not a {{placeholder}}")
    if set(used) != set(placeholders):
        raise TemplateError(
            f"{where}: placeholders {sorted(set(placeholders))} differ from those base_prompt uses "
            f"{sorted(set(used))}"
        )


def _string_list(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TemplateError(f"{where}: '{key}' must be a list of non-empty strings")
    if any("{" in v or "}" in v for v in value):
        raise TemplateError(f"{where}: '{key}' must not contain braces")
    return [v.strip() for v in value]


def load_template_file(path: Path, *, expected_name: str | None = None,
                       expected_version: str | None = None) -> PromptTemplate:
    """Read and parse one template file (UTF-8).

    Raises:
        TemplateNotFoundError: the file does not exist.
        TemplateError: it cannot be read or is malformed (see :func:`parse_template`).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise TemplateNotFoundError(f"no prompt template at {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot read prompt template ({exc})") from exc
    return parse_template(text, expected_name=expected_name, expected_version=expected_version, source=path)
