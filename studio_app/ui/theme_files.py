"""The shipped theme files (``resources/themes/``) as Qt palettes (ui/theme.py applies them).

A palette file is JSON: ``{"style": "Fusion", "colors": {ROLE: "#rrggbb"}, "disabled": {ROLE: ...}}``
where ROLE is a ``QPalette.ColorRole`` name (Qt's documentation, "QPalette::ColorRole").
"""

from __future__ import annotations

import json

from PySide6.QtGui import QColor, QPalette

from studio_app.resources import resource_path

THEMES_DIR = ("themes",)


class ThemeFileError(ValueError):
    """A theme file is missing or malformed; the message names the file and the bad entry."""


def theme_names() -> list[str]:
    """Names of the shipped palettes (file stems), e.g. ``["dark"]``."""
    return sorted(p.stem for p in resource_path(*THEMES_DIR).glob("*.json"))


def load_palette(name: str) -> QPalette:
    """The palette ``resources/themes/<name>.json`` describes.

    Raises:
        ThemeFileError: no such theme, invalid JSON, an unknown role or an invalid colour.
    """
    path = resource_path(*THEMES_DIR, f"{name}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ThemeFileError(f"no theme {name!r} (have: {', '.join(theme_names())})") from exc
    except ValueError as exc:
        raise ThemeFileError(f"{path.name}: not valid JSON ({exc})") from exc
    palette = QPalette()
    groups = ((data.get("colors", {}), (QPalette.ColorGroup.All,)),
              (data.get("disabled", {}), (QPalette.ColorGroup.Disabled,)))
    for colors, targets in groups:
        for role_name, value in colors.items():
            role = getattr(QPalette.ColorRole, role_name, None)
            if not isinstance(role, QPalette.ColorRole):
                raise ThemeFileError(f"{path.name}: unknown palette role {role_name!r}")
            colour = QColor(value)
            if not colour.isValid():
                raise ThemeFileError(f"{path.name}: {role_name} has an invalid colour {value!r}")
            for group in targets:
                palette.setColor(group, role, colour)
    return palette
