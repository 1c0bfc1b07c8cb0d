"""Drive an installed ``studio`` (a wheel in a fresh venv, or the PyInstaller bundle) the way a
user's scripts would: only through its command line, from outside the checkout, with a clean
environment. Shared by tests/packaging/test_wheel.py and tests/bundle/test_bundle.py."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from PIL import Image

from studio_app import __version__
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "images"


def clean_env(home: Path, path_dirs: list[Path | str]) -> dict[str, str]:
    """An environment with nothing of the developer's: fresh HOME/XDG dirs, the given PATH only,
    no PYTHONPATH or virtualenv variables, no API keys, offscreen Qt."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "PATH": os.pathsep.join(str(p) for p in path_dirs),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }


def run(studio: list[str], *args: str, env: dict[str, str], cwd: Path,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run ``studio args``; asserts exit 0 and returns the finished process."""
    proc = subprocess.run([*studio, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(args)}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def smoke(studio: list[str], work: Path, env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """``--version``, ``import`` (with background removal), ``render``, an offline ``generate`` of
    every target, and the other headless commands.

    Returns ``{asset_type: (width, height)}`` of the generated files (each is asserted to be
    the target's exact size). Raises AssertionError on any failure.
    """
    data = work / "data"
    version = run(studio, "--version", env=env, cwd=work).stdout.strip()
    assert version == f"studio {__version__}", version

    photos = [FIXTURES / "astronaut.png", FIXTURES / "coffee.png"]
    imported = json.loads(run(studio, "--data-dir", str(data), "import", *map(str, photos), "--remove-background",
                              "--json", env=env, cwd=work).stdout)
    assert len(imported) == 2
    assert all(item["has_background_removed"] and item["processed_url"] for item in imported)  # the shipped model
    placements = [MediaAssetPlacement(asset_id=item["id"], display_name=item["display_name"], x=10 + 40 * i,
                                      y=20, width=35, height=60, z_index=i + 1)
                  for i, item in enumerate(imported)]
    sketch = [SketchElement(kind="text", points=[(50, 10)], color="#FFD60A", stroke_width=4, text="GG")]
    canvas = work / "canvas.json"
    canvas.write_text(CanvasDocument(name="installed", placements=placements, sketch_elements=sketch).to_json())

    snap = work / "snap.png"
    run(studio, "--data-dir", str(data), "render", str(canvas), "--scale", "1", "-o", str(snap), env=env, cwd=work)
    with Image.open(snap) as im:
        assert im.size == (1280, 720)
        assert len(im.convert("RGB").resize((32, 18)).getcolors(1000) or []) > 20  # the photos are drawn

    sizes = {}
    for asset_type in AssetType:
        out = work / f"{asset_type.value}.png"
        result = json.loads(run(studio, "--data-dir", str(data), "generate", str(canvas), "--provider", "offline",
                                "--asset-type", asset_type.value, "-o", str(out), "--json",
                                env=env, cwd=work).stdout)
        assert result["status"] == "completed" and result["is_preview"] is True
        with Image.open(out) as im:
            assert im.size == TARGET_SPECS[asset_type].size, asset_type
            sizes[asset_type.value] = im.size
    described = run(studio, "--data-dir", str(data), "describe", str(canvas), env=env, cwd=work).stdout
    assert "GG" in described and "Prompt" in described  # the prompt templates were found
    listed = json.loads(run(studio, "--data-dir", str(data), "library", "list", "--json", env=env, cwd=work).stdout)
    assert {a["id"] for a in listed} == {item["id"] for item in imported}
    jobs = json.loads(run(studio, "--data-dir", str(data), "jobs", "list", "--json", "--limit", "100",
                          env=env, cwd=work).stdout)
    assert len(jobs) == len(AssetType) and all(j["status"] == "completed" for j in jobs)
    shown = json.loads(run(studio, "--data-dir", str(data), "jobs", "show", jobs[0]["id"], "--json",
                           env=env, cwd=work).stdout)
    assert shown["job"]["id"] == jobs[0]["id"]

    resized = json.loads(run(studio, "--data-dir", str(data), "resize", str(canvas), "--asset-type", "twitch_emote",
                             "-o", str(work / "emote.json"), "--json", env=env, cwd=work).stdout)
    assert (resized["width"], resized["height"]) == TARGET_SPECS[AssetType.TWITCH_EMOTE].size
    presets = {p["name"] for p in json.loads(run(studio, "--data-dir", str(data), "results", "presets", "--json",
                                                 env=env, cwd=work).stdout)}
    thumbnail = next(j for j in jobs if j["asset_type"] == AssetType.THUMBNAIL.value)
    asset_id = json.loads(run(studio, "--data-dir", str(data), "jobs", "show", thumbnail["id"], "--json",
                              env=env, cwd=work).stdout)
    asset_id = _first_asset_id(asset_id)
    assert "youtube-thumbnail" in presets
    exported = json.loads(run(studio, "--data-dir", str(data), "results", "export", asset_id, "--preset",
                              "youtube-thumbnail", "-o", str(work / "export"), "--json", env=env, cwd=work).stdout)
    with Image.open(exported["files"][0]["path"]) as im:
        assert im.size == (1280, 720)
    return sizes


def _first_asset_id(shown: dict) -> str:
    """The first generated asset's id in a ``studio jobs show --json`` answer."""
    assets = shown.get("assets") or shown.get("job", {}).get("assets") or []
    assert assets, shown.keys()
    return assets[0]["id"]


def time_to_window(studio: list[str], data_dir: Path, env: dict[str, str], cwd: Path) -> float:
    """Seconds from spawning ``studio`` (the GUI) to its main window shown and painted once.

    Uses ``STUDIO_STARTUP_PROBE=1``: the app prints the time of its first paint and quits.
    """
    start = time.time()
    proc = subprocess.run([*studio, "--data-dir", str(data_dir)], capture_output=True, text=True,
                          env={**env, "STUDIO_STARTUP_PROBE": "1"}, cwd=cwd, timeout=120)
    assert proc.returncode == 0, proc.stderr
    probe = json.loads([line for line in proc.stdout.splitlines() if line.startswith("{")][-1])
    assert probe["visible"] is True
    return probe["shown"] - start
