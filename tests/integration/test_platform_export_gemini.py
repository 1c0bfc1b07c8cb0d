"""A result generated through the Gemini loopback server, exported with every preset by ``studio results export``."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from studio_app import cli
from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import JobStatus
from studio_app.domain.sketch import SketchElement
from studio_app.render.presets import PRESETS
from studio_app.services.generation import GenerateRequest, GenerationService
from studio_app.services.provider_setup import build_provider_registry
from tests.platform_export_checks import check_exported, noise_png
from tests.servers import gemini_server as gs

from .conftest import open_store, point_at


@pytest.fixture(autouse=True)
def _umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.mark.parametrize("asset_type", [AssetType.THUMBNAIL])
def test_gemini_result_exports_every_preset_exactly_within_limits(servers, tmp_path: Path, qapp, capsys,  # noqa: ANN001
                                                                   asset_type: AssetType) -> None:
    gemini, openai = servers
    data = tmp_path / "data"
    store = open_store(data)
    point_at(store, gemini, openai, provider="gemini")
    # the model answers with pure noise at its 16:9 size: as PNG far over 2 MB
    gemini.script(gs.image_reply(base64.b64encode(noise_png(1344, 768)).decode()))
    doc = CanvasDocument(name="Ranked Grind", asset_type=asset_type, sketch_elements=[
        SketchElement(kind="text", points=[(10, 10)], text="GG", color="#FFFFFF", font_size=20)])
    store.canvases.save(doc)
    service = GenerationService(store, providers=build_provider_registry(store))
    job, asset = service.run(GenerateRequest(asset_type=asset_type, canvas=doc, provider="gemini"))
    assert job.status == JobStatus.COMPLETED and asset is not None and not asset.is_preview, job.error_message
    assert len(gemini.calls("generateContent")) + len(gemini.calls("streamGenerateContent")) >= 1
    for name, preset in PRESETS.items():
        out = tmp_path / "export" / name
        capsys.readouterr()
        assert cli.main(["--data-dir", str(data), "results", "export", asset.id, "--preset", name,
                         "-o", str(out), "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["preset"] == name and len(report["files"]) == len(preset.sizes)
        paths = [Path(f["path"]) for f in report["files"]]
        check_exported(paths, preset, "ranked-grind")
        for f in report["files"]:
            assert f["max_bytes"] == preset.max_bytes and f["bytes"] == Path(f["path"]).stat().st_size
    store.close()


def test_cli_export_failure_is_one_line_and_exit_1(servers, tmp_path: Path, qapp, capsys) -> None:  # noqa: ANN001
    data = tmp_path / "data"
    open_store(data).close()
    assert cli.main(["--data-dir", str(data), "results", "export", "missing-id", "--preset", "twitch-emote",
                     "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("studio: error:") and err.count("\n") == 1 and "missing-id" in err
    assert not (tmp_path / "o").exists()
