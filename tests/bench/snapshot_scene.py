"""The benchmark scene for the canvas snapshot: 1920x1080, 20 photo placements, 200 sketch elements.

Deterministic (fixed random seed). Placements cycle through the fixture photos at
varied positions, sizes, rotations (some free angles, some quarter turns, some 0),
opacities and flips; sketch elements cycle through every kind, text included.
"""

from __future__ import annotations

import random
from pathlib import Path

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SKETCH_KINDS, SketchElement

SEED = 20240611
N_PLACEMENTS = 20
N_SKETCH = 200
PALETTE = ["#FF3B30", "#34C759", "#007AFF", "#FFCC00", "#AF52DE", "#FFFFFF", "#000000", "#FF9500"]
WORDS = ["GG", "Subscribe!", "NEW VIDEO", "Boss fight", "Day 12", "LIVE", "wow", "Top 10"]


def build_scene(photos: list[Path]) -> CanvasDocument:
    """The scene document; placement asset_id is the photo's file name."""
    rnd = random.Random(SEED)
    placements = []
    for i in range(N_PLACEMENTS):
        photo = photos[i % len(photos)]
        rotation = rnd.choice([0.0, 0.0, 0.0, 90.0, rnd.uniform(1, 359), rnd.uniform(1, 359)])
        placements.append(MediaAssetPlacement(
            asset_id=photo.name, display_name=photo.stem, asset_type="object",
            x=rnd.uniform(10, 90), y=rnd.uniform(10, 90),
            width=rnd.uniform(12, 45), height=rnd.uniform(12, 45), size_unit="percent",
            z_index=rnd.randint(0, 10), rotation=rotation,
            opacity=rnd.choice([100.0, 100.0, 85.0, 60.0]),
            flip_h=rnd.random() < 0.2, flip_v=rnd.random() < 0.1,
        ))
    elements = []
    for i in range(N_SKETCH):
        kind = SKETCH_KINDS[i % len(SKETCH_KINDS)]
        colour = rnd.choice(PALETTE)
        width = rnd.uniform(2, 12) / 10.8  # 2-12 px of the 1080 px canvas, as percent of its height
        x, y = rnd.uniform(5, 90), rnd.uniform(5, 90)
        if kind == "pen":
            pts = [(x, y)]
            for _ in range(rnd.randint(8, 40)):
                x = min(100.0, max(0.0, x + rnd.uniform(-2, 2)))
                y = min(100.0, max(0.0, y + rnd.uniform(-2, 2)))
                pts.append((x, y))
            el = SketchElement(kind="pen", points=pts, color=colour, stroke_width=width)
        elif kind == "text":
            el = SketchElement(kind="text", points=[(x, y)], color=colour, text=rnd.choice(WORDS),
                               font_size=rnd.uniform(18, 72) / 10.8, font_family="DejaVu Sans")
        else:
            x2 = min(100.0, x + rnd.uniform(2, 25))
            y2 = min(100.0, y + rnd.uniform(2, 25))
            fill = rnd.choice(PALETTE) if kind in ("rectangle", "ellipse") and rnd.random() < 0.4 else None
            el = SketchElement(kind=kind, points=[(x, y), (x2, y2)], color=colour, stroke_width=width, fill=fill)
        elements.append(el)
    return CanvasDocument(name="bench scene", asset_type=AssetType.OVERLAY, width=1920, height=1080,
                          background="#1E1E28", placements=placements, sketch_elements=elements)
