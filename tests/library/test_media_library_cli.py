"""The library CLI commands: as a real ``python -m studio_app`` process (studio_app/cli.py
registers them) and in-process through ``studio_app.cli.main`` for the long scenario."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio_app.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "studio_app", "--data-dir",
                           str(data_dir), *argv], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_import_and_list_as_a_real_process(data_dir: Path, photos: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not an image")
    horse = next(p for p in photos if p.name == "horse.png")
    r = run(data_dir, "import", str(horse), str(bad), "--type", "logo", "--json")
    assert r.returncode == 1
    assert r.stderr.strip() == f"studio: error: {bad}: not a PNG, JPEG, WebP or GIF image"
    rows = json.loads(r.stdout)
    assert rows[0]["asset_type"] == "logo" and rows[0]["has_background_removed"] is True
    assert rows[0]["path"] == str(horse) and rows[0]["error"] is None
    assert rows[1]["id"] is None and rows[1]["error"] == "not a PNG, JPEG, WebP or GIF image"
    r = run(data_dir, "library", "list", "--json")
    assert r.returncode == 0 and [a["display_name"] for a in json.loads(r.stdout)] == ["horse"]
    r = run(data_dir, "library", "show", "missing-id")
    assert r.returncode == 1 and r.stderr.strip() == "studio: error: media asset missing-id not found"


def test_every_library_command(data_dir: Path, photos: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    dd = ["--data-dir", str(data_dir)]

    def call(*argv: str) -> tuple[int, str, str]:
        code = main([*dd, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = call("import", str(photos[0].parent), "--no-remove-background", "--json")
    assert code == 0 and len(json.loads(out)) == len(photos)
    code, out, _ = call("import", str(photos[1]), "--name", "Cat", "--type", "character", "--duplicate", "import",
                        "--no-remove-background", "--json")
    cat = json.loads(out)[0]
    assert code == 0 and cat["display_name"] == "Cat" and cat["asset_type"] == "character"
    code, out, _ = call("library", "list", "--type", "character", "--json")
    assert [a["id"] for a in json.loads(out)] == [cat["id"]]
    code, out, _ = call("library", "update", cat["id"], "--name", "Chelsea", "--tags", "cat, pet", "--json")
    assert json.loads(out)["tags"] == ["cat", "pet"] and json.loads(out)["display_name"] == "Chelsea"
    code, out, _ = call("library", "favorite", cat["id"], "--json")
    assert json.loads(out)["is_favorite"] is True
    code, out, _ = call("library", "primary", cat["id"], "--json")
    assert json.loads(out)["is_primary"] is True
    code, out, _ = call("library", "show", cat["id"], "--json")
    assert json.loads(out)["id"] == cat["id"]
    code, out, _ = call("library", "summary", "--json")
    summary = json.loads(out)
    assert summary["total"] == len(photos) + 1 and summary["by_type"]["character"] == 1
    code, out, err = call("library", "delete", cat["id"], "no-such-id")
    assert code == 1 and err.strip() == "studio: error: media asset no-such-id not found (nothing deleted)"
    code, out, _ = call("library", "delete", cat["id"], "--json")
    assert code == 0 and json.loads(out)["deleted"] == 1
    code, out, _ = call("library", "summary")
    assert code == 0 and out.startswith(f"{len(photos)} assets")
    code, out, err = call("library", "update", "nope", "--name", "x")
    assert code == 1 and err.count("\n") == 1 and "not found" in err
    code, _, err = call("import", str(data_dir / "missing.png"))
    assert code == 1 and "cannot read file" in err
