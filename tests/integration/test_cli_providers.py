"""``studio generate --provider gemini|openai`` against the loopback servers.

Successes and Ctrl+C run the real command in a subprocess. The failure matrix calls
``cli.main`` in this process (the same code, without paying a Python start-up per case):
each failure exits 1 with one ``studio: error:`` line, records the job failed, and writes
nothing (an existing output file is left as it was).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from studio_app import cli
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.sketch import SketchElement
from studio_app.services.provider_setup import ProviderSettings
from studio_app.store.settings import SettingsStore
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.loopback import Fault
from tests.servers.openai_server import API_KEY as OPENAI_KEY

from .failures import GENERATE, failure_cases

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def canvas(tmp_path: Path) -> Path:
    doc = CanvasDocument(name="cli providers", background="#1B1F3A", sketch_elements=[
        SketchElement(kind="rectangle", points=[(10, 10), (60, 70)], color="#FFD60A", stroke_width=6 / 7.2),
        SketchElement(kind="text", points=[(50, 85)], text="GG", color="#FFFFFF", font_size=80 / 7.2)])
    path = tmp_path / "canvas.json"
    path.write_text(doc.to_json())
    return path


def env_for(gemini, openai) -> dict[str, str]:  # noqa: ANN001
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO),
           "GEMINI_API_KEY": GEMINI_KEY, "OPENAI_API_KEY": OPENAI_KEY,
           "STUDIO_GEMINI_BASE_URL": gemini.base_url, "STUDIO_OPENAI_BASE_URL": openai.base_url,
           "STUDIO_RETRY_SCALE": "0"}
    env.pop("STUDIO_DATA_DIR", None)
    return env


def studio_cmd(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "studio_app", "--data-dir", str(data), *args]


def jobs_list(data: Path, capsys) -> list[dict]:  # noqa: ANN001
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data), "jobs", "list", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("provider,asset_type,model", [
    ("gemini", AssetType.THUMBNAIL, None),
    ("gemini", AssetType.TWITCH_EMOTE, "gemini-3-pro-image-preview"),
    ("openai", AssetType.THUMBNAIL, None),
    ("openai", AssetType.TWITCH_EMOTE, None),
])
def test_cli_generates_at_the_exact_size(servers, canvas, tmp_path, capsys, provider, asset_type,  # noqa: ANN001
                                         model) -> None:
    gemini, openai = servers
    data, out = tmp_path / "data", tmp_path / f"{asset_type.value}.png"
    args = ["generate", str(canvas), "--provider", provider, "--asset-type", asset_type.value, "-o", str(out),
            "--json"] + (["--model", model] if model else [])
    proc = subprocess.run(studio_cmd(data, *args), env=env_for(gemini, openai), capture_output=True, text=True,
                          timeout=120, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    spec = TARGET_SPECS[asset_type]
    assert result["provider"] == provider and result["is_preview"] is False
    assert (result["width"], result["height"]) == spec.size
    with Image.open(out) as im:
        assert im.size == spec.size and ("A" in im.getbands()) == spec.wants_alpha
    server = gemini if provider == "gemini" else openai
    sent = server.calls(GENERATE[provider])
    assert len(sent) == 1
    if model:
        assert sent[0].path == f"/v1beta/models/{model}:generateContent"
    [job] = jobs_list(data, capsys)
    assert job["status"] == "completed" and job["provider"] == provider and job["model"] == model


def test_ctrl_c_cancels_the_job_and_writes_nothing(servers, canvas, tmp_path, capsys) -> None:  # noqa: ANN001
    gemini, openai = servers
    gemini.script(Fault(delay_s=30))
    data, out = tmp_path / "data", tmp_path / "never.png"
    proc = subprocess.Popen(studio_cmd(data, "generate", str(canvas), "--provider", "gemini", "-o", str(out)),
                            env=env_for(gemini, openai), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not gemini.calls(GENERATE["gemini"]) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        assert gemini.calls(GENERATE["gemini"]), "the request never reached the server"
        sent_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
        took = time.monotonic() - sent_at
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "cancelled" in stderr and "Traceback" not in stderr
    assert took < 10  # the 30 s answer was not waited for
    assert not out.exists()
    [job] = jobs_list(data, capsys)
    assert job["status"] == "cancelled" and job["error_message"] == "Cancelled."
    assert len(gemini.calls(GENERATE["gemini"])) == 1  # no retry after a cancel


CASES = failure_cases()


@pytest.mark.parametrize("provider,faults,fragment", CASES)
def test_cli_failures_are_one_line_and_lose_nothing(servers, canvas, tmp_path, capsys, monkeypatch, qapp,  # noqa: ANN001
                                                    provider, faults, fragment) -> None:
    gemini, openai = servers
    for key, value in env_for(gemini, openai).items():
        if key.startswith(("STUDIO_", "GEMINI_", "OPENAI_")):
            monkeypatch.setenv(key, value)
    data = tmp_path / "data"
    data.mkdir()
    if any(f.delay_s for f in faults):
        SettingsStore(data / "settings.json").save_section("providers", ProviderSettings(read_timeout_s=0.4))
    out = tmp_path / "out.png"
    out.write_bytes(b"an earlier export")
    canvas_before = canvas.read_bytes()
    server = gemini if provider == "gemini" else openai
    server.script(*faults)
    capsys.readouterr()
    code = cli.main(["--data-dir", str(data), "generate", str(canvas), "--provider", provider, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("studio: error: ") and fragment in lines[0], err
    assert GEMINI_KEY not in err and OPENAI_KEY not in err
    assert out.read_bytes() == b"an earlier export" and canvas.read_bytes() == canvas_before
    [job] = jobs_list(data, capsys)
    assert job["status"] == "failed" and fragment in job["error_message"]
    assert len(server.calls(GENERATE[provider])) == len(faults)
