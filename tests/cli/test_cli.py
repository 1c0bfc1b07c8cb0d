"""The `studio` command end to end, as a subprocess against a fresh data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SKETCH_KINDS, SketchElement

REPO = Path(__file__).resolve().parents[2]


def studio(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    env.pop("GEMINI_API_KEY", None)
    env.pop("OPENAI_API_KEY", None)
    proc = subprocess.run([sys.executable, "-m", "studio_app", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def _canvas_with_everything(asset_ids: list[str], names: list[str]) -> CanvasDocument:
    placements = [
        MediaAssetPlacement(asset_id=a, display_name=n, x=15 + 17 * i, y=40 + 5 * i, width=22, height=35,
                            rotation=(i * 20) % 360, opacity=100 - 5 * i, z_index=i + 1)
        for i, (a, n) in enumerate(zip(asset_ids, names, strict=True))
    ]
    sketches = []
    for i, kind in enumerate(SKETCH_KINDS):
        pts = {"pen": [(10, 80), (20, 85), (30, 82), (40, 90)], "text": [(60, 8)]}.get(
            kind, [(10 + i * 5, 10), (30 + i * 5, 30)])
        sketches.append(SketchElement(kind=kind, points=pts, color="#FFD60A", stroke_width=5 / 7.2,
                                      text="GG EZ" if kind == "text" else None,
                                      fill="#0A84FF" if kind == "rectangle" else None))
    return CanvasDocument(name="cli test", placements=placements, sketch_elements=sketches)


def test_import_render_describe_and_generate_every_asset_type(tmp_path: Path, photos: list[Path]) -> None:
    data = tmp_path / "data"
    out = studio(data, "import", *map(str, photos), "--json").stdout
    imported = json.loads(out)
    assert len(imported) == len(photos)
    ids = [item["id"] for item in imported]
    names = [item["display_name"] for item in imported]
    listed = json.loads(studio(data, "library", "list", "--json").stdout)
    assert {a["id"] for a in listed} == set(ids)

    canvas_path = tmp_path / "canvas.json"
    canvas_path.write_text(_canvas_with_everything(ids, names).to_json())

    studio(data, "render", str(canvas_path), "--scale", "2", "-o", str(tmp_path / "snap.png"))
    with Image.open(tmp_path / "snap.png") as im:
        assert im.size == (2560, 1440)

    described = studio(data, "describe", str(canvas_path)).stdout
    assert "GG EZ" in described and "arrow" in described.lower()

    for asset_type in AssetType:
        target = tmp_path / f"{asset_type.value}.png"
        result = json.loads(studio(data, "generate", str(canvas_path), "--asset-type", asset_type.value,
                                   "-o", str(target), "--json").stdout)
        assert result["is_preview"] is True and result["status"] == "completed"
        with Image.open(target) as im:
            assert im.size == TARGET_SPECS[asset_type].size, asset_type

    jobs = json.loads(studio(data, "jobs", "list", "--json", "--limit", "100").stdout)
    assert len(jobs) == len(AssetType)
    assert all(j["status"] == "completed" for j in jobs)


def test_placement_with_a_local_path_is_imported_on_load(tmp_path: Path, photos: list[Path]) -> None:
    data = tmp_path / "data"
    doc = CanvasDocument(placements=[MediaAssetPlacement(url=str(photos[0]), display_name="from disk")])
    path = tmp_path / "c.json"
    path.write_text(doc.to_json())
    studio(data, "render", str(path), "--scale", "1", "-o", str(tmp_path / "o.png"))
    listed = json.loads(studio(data, "library", "list", "--json").stdout)
    assert len(listed) == 1


@pytest.mark.parametrize("content,fragment", [
    ("{broken", "bad JSON"), ('{"placements": [{"x": 400}]}', "invalid"),
])
def test_bad_canvas_file_fails_with_one_line(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    proc = studio(tmp_path / "data", "render", str(path), "-o", str(tmp_path / "x.png"), check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studio: error:") and fragment in lines[0]
    assert not (tmp_path / "x.png").exists()


def test_unknown_provider_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(CanvasDocument().to_json())
    proc = studio(tmp_path / "data", "generate", str(path), "--provider", "nope", "-o", str(tmp_path / "x.png"),
                  check=False)
    assert proc.returncode == 1 and "Unknown provider" in proc.stderr
