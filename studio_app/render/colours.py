"""Hex colour text (the domain's ``#RRGGBB`` / ``#RRGGBBAA``) to QColor."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QColor


@lru_cache(maxsize=256)
def _rgba(value: str) -> tuple[int, int, int, int]:
    text = value.lstrip("#")
    if len(text) not in (6, 8):
        raise ValueError(f"not a hex colour (#RRGGBB or #RRGGBBAA): {value!r}")
    try:
        r, g, b = int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
        a = int(text[6:8], 16) if len(text) == 8 else 255
    except ValueError:
        raise ValueError(f"not a hex colour (#RRGGBB or #RRGGBBAA): {value!r}") from None
    return r, g, b, a


def qcolor(value: str) -> QColor:
    """QColor for ``#RRGGBB`` or ``#RRGGBBAA`` (alpha last, as the domain stores it).

    Qt's own parser reads 8 hex digits as ``#AARRGGBB``, so it is not used here.

    Raises:
        ValueError: not a hex colour.
    """
    r, g, b, a = _rgba(value)
    return QColor(r, g, b, a)
