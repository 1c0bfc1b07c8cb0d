"""Starter designs: a ready layout per target to begin from (File → New from starter…).

Each starter is an ordinary CanvasDocument at the target's exact size (TARGET_SPECS) with
sketch elements a streamer replaces or restyles: a headline, a frame where the face cam or
hero image goes, an arrow. Points are percent of the canvas and stroke widths and font sizes
percent of its height (canvas schema 3), so one recipe fits every size. Layout families:

- wide (thumbnail, overlay, banner, offline screen, headers): headline left, hero frame right.
- tall (story): headline on top, hero frame in the middle, call to action at the bottom.
- square (clip cover, sticker, panel): centred frame and a short headline.
- YouTube channel banner: everything inside the central area all devices show.
- tiny (emotes, badges, Discord emoji): one bold shape filling the canvas; text does not
  read at 28-112 px (Twitch's emote guidelines ask for a simple, bold silhouette).
"""

from __future__ import annotations

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement

ACCENT = "#FFD60A"
FRAME = "#9146FF"
TEXT = "#FFFFFF"
TINY = {AssetType.TWITCH_EMOTE, AssetType.TWITCH_BADGE, AssetType.DISCORD_EMOJI}
SQUARE = {AssetType.CLIP_COVER, AssetType.DISCORD_STICKER, AssetType.TWITCH_PANEL}
TALL = {AssetType.STORY_GRAPHIC}


def _pct(fraction: float) -> float:
    """A stroke width or font size as a fraction of the canvas height -> percent (canvas schema 3)."""
    return round(fraction * 100.0, 2)


def starter_elements(asset_type: AssetType | str) -> list[SketchElement]:
    """The sketch elements of the starter for ``asset_type`` (fresh ids each call).

    Raises:
        ValueError: ``asset_type`` is not an AssetType value.
    """
    t = AssetType(asset_type)
    if t in TINY:
        return [SketchElement(kind="ellipse", points=[(10, 10), (90, 90)], color=FRAME,
                              stroke_width=_pct(0.04), fill=FRAME + "66")]
    if t in TALL:
        return [
            SketchElement(kind="text", points=[(8, 8)], text="BIG NEWS", color=TEXT, font_size=_pct(0.06)),
            SketchElement(kind="rectangle", points=[(10, 24), (90, 70)], color=FRAME, stroke_width=_pct(0.006)),
            SketchElement(kind="text", points=[(8, 80)], text="LIVE TONIGHT", color=ACCENT, font_size=_pct(0.045)),
        ]
    if t in SQUARE:
        return [
            SketchElement(kind="rectangle", points=[(15, 12), (85, 68)], color=FRAME, stroke_width=_pct(0.02)),
            SketchElement(kind="text", points=[(10, 75)], text="CLIP!", color=ACCENT, font_size=_pct(0.14)),
        ]
    if t == AssetType.YOUTUBE_BANNER:
        # Everything inside the 1546 x 423 px area every device shows (YouTube's banner guidelines).
        return [
            SketchElement(kind="text", points=[(22, 38)], text="YOUR CHANNEL", color=TEXT, font_size=_pct(0.08)),
            SketchElement(kind="text", points=[(22, 52)], text="live Mon · Wed · Fri", color=ACCENT,
                          font_size=_pct(0.04)),
            SketchElement(kind="rectangle", points=[(62, 37), (78, 63)], color=FRAME, stroke_width=_pct(0.006)),
        ]
    return [
        SketchElement(kind="text", points=[(5, 10)], text="YOUR TITLE", color=TEXT, font_size=_pct(0.14)),
        SketchElement(kind="text", points=[(5, 34)], text="subtitle", color=ACCENT, font_size=_pct(0.07)),
        SketchElement(kind="rectangle", points=[(58, 10), (92, 78)], color=FRAME, stroke_width=_pct(0.012)),
        SketchElement(kind="arrow", points=[(36, 62), (55, 50)], color=ACCENT, stroke_width=_pct(0.016)),
    ]


def starter_document(asset_type: AssetType | str) -> CanvasDocument:
    """A new CanvasDocument for ``asset_type`` at its exact size, holding its starter layout.

    Raises:
        ValueError: ``asset_type`` is not an AssetType value.
    """
    t = AssetType(asset_type)
    return CanvasDocument(name=f"{TARGET_SPECS[t].label} starter", asset_type=t,
                          sketch_elements=starter_elements(t))
