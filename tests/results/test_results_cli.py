"""``studio generate --count N`` and ``studio results list/show/delete`` as a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement
from tests.cli.test_cli import studio


def test_generate_count_then_list_show_delete(tmp_path: Path) -> None:
    data = tmp_path / "data"
    canvas = tmp_path / "canvas.json"
    canvas.write_text(CanvasDocument(name="cli", sketch_elements=[
        SketchElement(kind="rectangle", points=[(10, 10), (60, 60)], color="#FFD60A")]).to_json())
    out = json.loads(studio(data, "generate", str(canvas), "--count", "3", "--prompt", "neon",
                            "-o", str(tmp_path / "thumb.png"), "--json").stdout)
    assert out["status"] == "completed" and len(out["results"]) == 3
    for i in (1, 2, 3):
        with Image.open(tmp_path / f"thumb-{i}.png") as im:
            assert im.size == (1280, 720)
    assert not (tmp_path / "thumb.png").exists()

    listed = json.loads(studio(data, "results", "list", "--json").stdout)
    assert {r["asset_id"] for r in listed} == {r["asset_id"] for r in out["results"]}
    assert all(r["candidates"] == 3 and r["custom_prompt"] == "neon" for r in listed)
    victim = listed[0]["asset_id"]
    shown = json.loads(studio(data, "results", "show", victim, "--json").stdout)
    assert shown["requested_size"] == [1280, 720] and shown["provider"] == "offline"
    text = studio(data, "results", "show", victim).stdout
    assert "Size requested: 1280x720 px" in text and "Prompt:" in text

    assert json.loads(studio(data, "results", "delete", victim, "--json").stdout)["deleted"] == victim
    assert victim not in [r["asset_id"] for r in json.loads(studio(data, "results", "list", "--json").stdout)]
    again = studio(data, "results", "delete", victim, check=False)
    assert again.returncode == 1
    assert again.stderr.strip() == "studio: error: That result no longer exists."


def test_generate_count_out_of_range_fails_with_one_line(tmp_path: Path) -> None:
    canvas = tmp_path / "canvas.json"
    canvas.write_text(CanvasDocument(name="cli").to_json())
    proc = studio(tmp_path / "data", "generate", str(canvas), "--count", "5", "-o", str(tmp_path / "x.png"),
                  check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "studio: error: A batch makes 1 to 4 candidates, not 5."
