"""Colour names in words: the nearest entry of a small named palette.

Image models follow "a red arrow" better than "#FF3B30", so canvas descriptions and brand
colours name each colour. Nearness is the CIE76 distance in CIELAB (sRGB, D65 white), which
tracks how different two colours look far better than a distance in RGB.
"""

from __future__ import annotations

from functools import lru_cache

PALETTE: tuple[tuple[str, str], ...] = (
    ("black", "#000000"),
    ("dark grey", "#404040"),
    ("dark grey", "#262626"),
    ("grey", "#808080"),
    ("light grey", "#C8C8C8"),
    ("white", "#FFFFFF"),
    ("red", "#E8231E"),
    ("dark red", "#8B0000"),
    ("orange", "#FF8C00"),
    ("yellow", "#FFD600"),
    ("brown", "#8B4513"),
    ("light brown", "#A8845C"),
    ("beige", "#E8D9B5"),
    ("lime green", "#8CE020"),
    ("green", "#2EAA3C"),
    ("dark green", "#0B4D1E"),
    ("teal", "#008080"),
    ("cyan", "#00E5FF"),
    ("sky blue", "#7EC8F0"),
    ("blue", "#1060F0"),
    ("blue", "#0000FF"),
    ("navy", "#0A1A5C"),
    ("navy", "#000080"),
    ("purple", "#8A3FE0"),
    ("purple", "#800080"),
    ("purple", "#6441A5"),
    ("violet", "#C58AF0"),
    ("magenta", "#E020C8"),
    ("pink", "#FF8FB8"),
    ("pink", "#FFC0CB"),
)
"""(name, #RRGGBB) pairs. A name may have several anchors (CIE76 puts pure blue nearer purple than
blue without one). The first match wins on equal distance, so the output is deterministic."""


def _hex_to_rgb(value: str) -> tuple[int, int, int]:
    v = value.strip().lstrip("#")
    if len(v) not in (6, 8) or any(c not in "0123456789abcdefABCDEF" for c in v):
        raise ValueError(f"not a hex colour (#RRGGBB): {value!r}")
    return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    def linear(c: int) -> float:
        s = c / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


_PALETTE_LAB = tuple((name, _lab(_hex_to_rgb(hexv))) for name, hexv in PALETTE)


@lru_cache(maxsize=1024)
def colour_name(hex_colour: str) -> str:
    """The nearest PALETTE name for ``#RRGGBB`` (or ``#RRGGBBAA``; alpha is ignored).

    Raises:
        ValueError: not a hex colour.
    """
    lab = _lab(_hex_to_rgb(hex_colour))
    best_name, best_d = "", float("inf")
    for name, (lp, ap, bp) in _PALETTE_LAB:
        d = (lab[0] - lp) ** 2 + (lab[1] - ap) ** 2 + (lab[2] - bp) ** 2
        if d < best_d:
            best_name, best_d = name, d
    return best_name


def describe_colour(value: str) -> str:
    """``"#9146FF"`` -> ``"#9146FF (purple)"``; text that is not a hex colour is returned as is."""
    try:
        return f"{value} ({colour_name(value)})"
    except ValueError:
        return value
