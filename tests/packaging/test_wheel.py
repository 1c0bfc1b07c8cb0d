"""The built wheel, installed (not editable) into a fresh virtual environment, gives a `studio`
that finds its prompts and resources without the checkout, runs every headless command and
opens the window. The sdist carries what a rebuild and the tests need.

Slow (about a minute: build, venv, install from pip's cache), so it runs once per session."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from studio_app import __version__
from studio_app.resources import APP_ID
from tests.installed import clean_env, run, smoke, time_to_window

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    wheel, = out.glob("*.whl")
    sdist, = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


@pytest.fixture(scope="module")
def venv(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("venv") / "v"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=300)
    proc = subprocess.run([str(root / "bin" / "python"), "-m", "pip", "install", "-q", str(built["wheel"])],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root


def test_wheel_and_sdist_carry_resources_and_prompts(built: dict[str, Path]) -> None:
    assert built["wheel"].name == f"streamer_studio-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    for name in (f"studio_app/_resources/{APP_ID}.desktop", f"studio_app/_resources/{APP_ID}.metainfo.xml",
                 f"studio_app/_resources/icons/hicolor/512x512/apps/{APP_ID}.png",
                 f"studio_app/_resources/icons/hicolor/scalable/apps/{APP_ID}.svg",
                 "studio_app/_resources/themes/dark.json",
                 "studio_app/_prompts/thumbnail/v1.0.yaml", "studio_app/_prompts/coach/system.md",
                 "studio_app/store/migrations/env.py", "studio_app/store/migrations/versions/0001_initial_schema.py"):
        assert name in names, name
    for model in (REPO / "resources" / "models").glob("*") if (REPO / "resources" / "models").is_dir() else []:
        assert f"studio_app/_resources/models/{model.name}" in names  # bundled models ship too
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "resources/", "prompts/"))]
    prompts = {p.relative_to(REPO / "prompts").as_posix() for p in (REPO / "prompts").rglob("*.yaml")}
    assert {n.removeprefix("studio_app/_prompts/") for n in names if n.startswith("studio_app/_prompts/")} >= prompts

    with tarfile.open(built["sdist"]) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    for name in ("setup.py", "pyproject.toml", "Makefile", f"resources/{APP_ID}.desktop", "prompts/thumbnail/v1.0.yaml",
                 "tests/fixtures/images/LICENSES.md", "packaging/studio.spec"):
        assert name in members, name


def test_installed_wheel_runs_every_headless_command(venv: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home", [venv / "bin", "/usr/bin", "/bin"])
    python = str(venv / "bin" / "python")
    found = json.loads(run([python, "-c", "import json; from studio_app.resources import resources_dir, prompts_dir;"
                            "print(json.dumps([str(resources_dir()), str(prompts_dir())]))"],
                           env=env, cwd=tmp_path).stdout)
    for path in found:  # inside the venv, not the checkout
        assert Path(path).is_relative_to(venv) and not Path(path).is_relative_to(REPO), path

    sizes = smoke([str(venv / "bin" / "studio")], tmp_path, env)
    assert len(sizes) >= 10


def test_installed_wheel_opens_the_window_and_installs_its_desktop_entry(venv: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home", [venv / "bin", "/usr/bin", "/bin"])
    studio = str(venv / "bin" / "studio")
    seconds = time_to_window([studio], tmp_path / "data", env, tmp_path)
    assert 0 < seconds < 60
    run([studio, "--install-desktop-entry"], env=env, cwd=tmp_path)
    entry = tmp_path / "home" / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    assert f"Exec={studio}\n" in entry.read_text()
