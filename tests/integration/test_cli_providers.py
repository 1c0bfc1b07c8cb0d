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
    ("gemini", AssetType.TWITCH_EMOTE, "gemini-3-pro-image"),
    ("openai", AssetType.X_HEADER, None),
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
    used = model or {"gemini": "gemini-3.1-flash-image", "openai": "gpt-image-2.5-sunburst"}[provider]
    if provider == "gemini":
        assert sent[0].path == f"/v1beta/models/{used}:generateContent"
    [job] = jobs_list(data, capsys)
    assert job["status"] == "completed" and job["provider"] == provider and job["model"] == used
    assert job["requested_size"] == result["requested_size"] and job["received_size"]


def _in_process_env(monkeypatch, gemini, openai) -> None:  # noqa: ANN001
    for key, value in env_for(gemini, openai).items():
        if key.startswith(("STUDIO_", "GEMINI_", "OPENAI_")):
            monkeypatch.setenv(key, value)


@pytest.mark.parametrize("provider", ["gemini", "openai"])
def test_only_a_key_makes_all_13_targets_at_exact_size(servers, canvas, tmp_path, capsys, monkeypatch, qapp,  # noqa: ANN001
                                                       provider) -> None:
    """The issue's first "done when": no settings but the key (and the loopback address)."""
    gemini, openai = servers
    _in_process_env(monkeypatch, gemini, openai)
    data = tmp_path / "data"
    for asset_type in AssetType:
        out = tmp_path / f"{provider}-{asset_type.value}.png"
        capsys.readouterr()
        code = cli.main(["--data-dir", str(data), "generate", str(canvas), "--provider", provider,
                         "--asset-type", asset_type.value, "-o", str(out), "--json"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        result = json.loads(captured.out)
        spec = TARGET_SPECS[asset_type]
        with Image.open(out) as im:
            assert im.size == spec.size, asset_type
        assert result["requested_size"] and result["received_size"] == result["requested_size"]
        assert result["upscale_factor"] <= 1.0, (asset_type, result)  # best resolution: never enlarged
    server = gemini if provider == "gemini" else openai
    assert server.rejections == [] and len(server.calls(GENERATE[provider])) == len(AssetType)
    jobs = jobs_list(data, capsys)
    assert len(jobs) == len(AssetType) and all(j["requested_size"] for j in jobs)


@pytest.mark.parametrize("provider,retired,offered", [
    ("gemini", "gemini-2.5-flash-image", "gemini-3.1-flash-image"),
    ("gemini", "gemini-3-pro-image-preview", "gemini-3-pro-image"),
    ("openai", "gpt-image-1", "gpt-image-2.5-sunburst"),
])
def test_retired_stored_model_is_one_line_naming_the_replacements(servers, canvas, tmp_path, capsys,  # noqa: ANN001
                                                                   monkeypatch, qapp, provider, retired, offered):
    gemini, openai = servers
    _in_process_env(monkeypatch, gemini, openai)
    data = tmp_path / "data"
    data.mkdir()
    SettingsStore(data / "settings.json").save_section("providers", ProviderSettings(models={provider: retired}))
    capsys.readouterr()
    code = cli.main(["--data-dir", str(data), "generate", str(canvas), "--provider", provider,
                     "-o", str(tmp_path / "x.png")])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(lines) == 1, lines
    assert retired in lines[0] and offered in lines[0] and "Settings" in lines[0]
    server = gemini if provider == "gemini" else openai
    assert len(server.calls(GENERATE[provider])) == 1  # no silent second try with another paid model


def test_gemini_emote_gets_real_transparency(servers, canvas, tmp_path, capsys, monkeypatch, qapp) -> None:  # noqa: ANN001
    gemini, openai = servers
    _in_process_env(monkeypatch, gemini, openai)
    gemini.subject_on_flat = True
    for asset_type in (AssetType.TWITCH_EMOTE, AssetType.TWITCH_BADGE, AssetType.DISCORD_EMOJI,
                       AssetType.DISCORD_STICKER):
        out = tmp_path / f"{asset_type.value}.png"
        assert cli.main(["--data-dir", str(tmp_path / "data"), "generate", str(canvas), "--provider", "gemini",
                         "--asset-type", asset_type.value, "-o", str(out)]) == 0
        with Image.open(out) as im:
            rgba = im.convert("RGBA")
            w, h = rgba.size
            corners = [rgba.getpixel(p)[3] for p in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))]
            assert corners == [0, 0, 0, 0], (asset_type, corners)
            assert rgba.getpixel((w // 2, h // 2))[3] == 255  # the subject stays opaque


def test_media_references_are_sent_named_and_counted(servers, canvas, tmp_path, capsys, monkeypatch, qapp) -> None:  # noqa: ANN001
    from studio_app.domain.media import MediaAssetType
    from studio_app.services.context import StudioStore
    from studio_app.services.media_library import MediaLibraryService

    gemini, openai = servers
    _in_process_env(monkeypatch, gemini, openai)
    data = tmp_path / "data"
    store = StudioStore.open(data)
    library = MediaLibraryService(store)
    logo_path, face_path = tmp_path / "logo.png", tmp_path / "face.png"
    Image.new("RGBA", (64, 64), (200, 30, 30, 255)).save(logo_path)
    Image.new("RGB", (80, 60), (30, 200, 30)).save(face_path)
    face = library.import_file(face_path, asset_type=MediaAssetType.FACE, display_name="Me",
                               remove_background=False).asset
    logo = library.import_file(logo_path, asset_type=MediaAssetType.LOGO, display_name="Neon Fox",
                               remove_background=False).asset
    store.close()
    out = tmp_path / "x.png"
    assert cli.main(["--data-dir", str(data), "generate", str(canvas), "--provider", "gemini", "--media", face.id,
                     "--media", logo.id, "-o", str(out)]) == 0
    body = gemini.calls(GENERATE["gemini"])[-1].json()
    texts = [p["text"] for p in body["contents"][0]["parts"] if "text" in p]
    assert sum("inlineData" in p for p in body["contents"][0]["parts"]) == 3  # snapshot, logo, face
    assert texts[1].startswith("Image 1: the canvas snapshot")
    assert texts[2].startswith('Image 2: the streamer\'s logo "Neon Fox"') and 'reference image' in texts[3]
    store = StudioStore.open(data)
    try:
        assert store.media.get(logo.id).usage_count == 1 and store.media.get(face.id).last_used_at is not None
    finally:
        store.close()
    capsys.readouterr()
    code = cli.main(["--data-dir", str(data), "generate", str(canvas), "--provider", "gemini",
                     "--media", face.id, "--media", logo.id, "--media", "a-third-one", "-o", str(out)])
    assert code == 1 and "At most 2 media assets" in capsys.readouterr().err


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


def test_models_command_lists_the_live_models_and_flags_a_retired_choice(servers, tmp_path, capsys,  # noqa: ANN001
                                                                         monkeypatch) -> None:
    gemini, openai = servers
    _in_process_env(monkeypatch, gemini, openai)
    data = tmp_path / "data"
    assert cli.main(["--data-dir", str(data), "models", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["models"] == ["gemini-3.1-flash-image", "gemini-3-pro-image", "gemini-3.1-flash-lite-image"]
    assert listed["model"] == "gemini-3.1-flash-image" and listed["available"] is True
    SettingsStore(data / "settings.json").save_section("providers", ProviderSettings(
        models={"openai": "gpt-image-1"}))
    assert cli.main(["--data-dir", str(data), "models", "--provider", "openai"]) == 0
    out = capsys.readouterr().out
    assert "gpt-image-1: unavailable" in out and "gpt-image-2.5-sunburst" in out
    before = len(gemini.requests)
    assert cli.main(["--data-dir", str(data), "models"]) == 0  # cached: no request
    assert len(gemini.requests) == before
