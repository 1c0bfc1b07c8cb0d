"""Platform safe zones drawn over the canvas (a toggleable overlay), beside the asset types.

- YouTube thumbnail: the video's duration badge covers the bottom-right corner (YouTube Help,
  "Add video thumbnails"). YouTube gives no size; we mark the bottom-right 20% x 15% (the
  badge plus a margin at the sizes YouTube shows thumbnails).
- YouTube channel banner: the area visible on every device is 1546x423 centred on 2560x1440
  (YouTube Help, "Manage your channel banner"); tablets show 1855x423 and desktops 2560x423.
- Story / vertical 9:16 (1080x1920): keep the top 250 px (~14%) and the bottom 340 px free of
  text and logos, where the platforms draw their own bars (Instagram's and Meta's story ad
  guidelines give these margins).
Zones are fractions of the canvas, so they follow any canvas size of that type.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio_app.domain.asset_types import AssetType

THUMBNAIL_BADGE_FRACTION = (0.20, 0.15)
"""(width, height) of the thumbnail's bottom-right keep-clear corner, fractions of the canvas."""
BANNER_SAFE_PX = (1546, 423)
BANNER_TABLET_PX = (1855, 423)
BANNER_REFERENCE_PX = (2560, 1440)
STORY_TOP_PX, STORY_BOTTOM_PX, STORY_HEIGHT_PX = 250, 340, 1920


@dataclass(frozen=True)
class SafeZone:
    """One zone in canvas px.

    Attributes:
        kind: "keep_clear" (content here is covered: shaded) or "safe" (content outside
            may be cropped: outlined) or "guide" (a device crop line: dashed).
        label: what the zone is, shown in the overlay.
        x, y, width, height: the rectangle, canvas px.
    """

    kind: str
    label: str
    x: float
    y: float
    width: float
    height: float


def safe_zones(asset_type: AssetType | str, width: int, height: int) -> list[SafeZone]:
    """The safe zones of ``asset_type`` on a width x height px canvas ([] when the platform has none)."""
    t = AssetType(asset_type)
    if t == AssetType.THUMBNAIL:
        fw, fh = THUMBNAIL_BADGE_FRACTION
        return [SafeZone("keep_clear", "Duration badge", width * (1 - fw), height * (1 - fh),
                         width * fw, height * fh)]
    if t == AssetType.YOUTUBE_BANNER:
        rw, rh = BANNER_REFERENCE_PX
        zones = []
        for kind, label, (sw, sh) in (("guide", "Tablet", BANNER_TABLET_PX),
                                      ("guide", "Desktop", (rw, BANNER_SAFE_PX[1])),
                                      ("safe", "Safe area (all devices)", BANNER_SAFE_PX)):
            w, h = width * sw / rw, height * sh / rh
            zones.append(SafeZone(kind, label, (width - w) / 2, (height - h) / 2, w, h))
        return zones
    if t == AssetType.STORY_GRAPHIC:
        top = height * STORY_TOP_PX / STORY_HEIGHT_PX
        bottom = height * STORY_BOTTOM_PX / STORY_HEIGHT_PX
        return [SafeZone("keep_clear", "Top bar: no text or logos", 0, 0, width, top),
                SafeZone("keep_clear", "Bottom bar: no text or logos", 0, height - bottom, width, bottom)]
    return []
