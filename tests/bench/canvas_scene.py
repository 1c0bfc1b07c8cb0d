"""The canvas editor's benchmark scene: 1920x1080, 200 photo placements and 500 sketch strokes.

Deterministic (fixed seed). Placements cycle through the fixture photos with varied
positions, sizes (6-22% of the canvas width), some rotations, opacities and flips;
strokes are freehand pen strokes of 8-40 points in the palette's colours.
"""

from __future__ import annotations

import random
from pathlib import Path

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

SEED = 4_2024
N_PLACEMENTS = 200
N_STROKES = 500
PALETTE = ["#FF3B30", "#34C759", "#007AFF", "#FFCC00", "#AF52DE", "#FFFFFF", "#000000", "#FF9500"]


def build_scene(photos: list[Path], n_placements: int = N_PLACEMENTS, n_strokes: int = N_STROKES) -> CanvasDocument:
    """The scene; each placement's asset_id is its photo's file name."""
    rnd = random.Random(SEED)
    placements = []
    for i in range(n_placements):
        photo = photos[i % len(photos)]
        w = rnd.uniform(6, 22)
        placements.append(MediaAssetPlacement(
            asset_id=photo.name, display_name=photo.stem, x=rnd.uniform(5, 95), y=rnd.uniform(5, 95),
            width=w, height=w * 16 / 9 * rnd.uniform(0.6, 1.0), z_index=i + 1,
            rotation=rnd.choice([0.0, 0.0, 0.0, rnd.uniform(0, 359)]),
            opacity=rnd.choice([100.0, 100.0, 100.0, 80.0]), flip_h=rnd.random() < 0.15))
    strokes = []
    for _ in range(n_strokes):
        x, y = rnd.uniform(5, 95), rnd.uniform(5, 95)
        pts = [(x, y)]
        for _ in range(rnd.randint(8, 40)):
            x = min(100.0, max(0.0, x + rnd.uniform(-1.5, 1.5)))
            y = min(100.0, max(0.0, y + rnd.uniform(-1.5, 1.5)))
            pts.append((x, y))
        strokes.append(SketchElement(kind="pen", points=pts, color=rnd.choice(PALETTE),
                                     stroke_width=rnd.uniform(2, 10) / 10.8))  # px of 1080, as percent
    return CanvasDocument(name="bench canvas", asset_type=AssetType.OVERLAY, placements=placements,
                          sketch_elements=strokes)
