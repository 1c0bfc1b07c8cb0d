"""Platform export presets from generated results (offline provider, real store), all-or-nothing writes."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import JobStatus
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.render import presets
from studio_app.render.presets import (
    PRESETS,
    ExportPreset,
    PresetExportError,
    build_preset_files,
    downscale_icon,
)
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerateRequest, GenerationService
from studio_app.services.media_library import MediaLibraryService
from studio_app.services.platform_export import export_asset
from tests.platform_export_checks import check_exported, noise_png


@pytest.fixture(autouse=True)
def _umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _noise_result(store: StudioStore, tmp_path: Path, asset_type: AssetType = AssetType.THUMBNAIL) -> str:
    """A result generated (offline provider) from a canvas whose background is random noise."""
    src = tmp_path / "noise.png"
    src.write_bytes(noise_png(1280, 720))
    outcome = MediaLibraryService(store).import_file(src, asset_type="background", remove_background=False)
    media = outcome.asset or outcome.duplicate_of
    doc = CanvasDocument(name="Noise Stream", asset_type=asset_type, placements=[
        MediaAssetPlacement(asset_id=media.id, display_name="noise", x=50, y=50, width=100, height=100, z_index=0)])
    store.canvases.save(doc)
    job, asset = GenerationService(store).run(GenerateRequest(asset_type=asset_type, canvas=doc))
    assert job.status == JobStatus.COMPLETED and asset is not None, job.error_message
    return asset.id


def test_every_preset_from_a_noise_canvas_gives_exact_files_within_limits(store, tmp_path) -> None:  # noqa: ANN001
    asset_id = _noise_result(store, tmp_path)
    stored = store.blobs.get(store.assets.get(asset_id).content_hash)
    assert len(stored) > 2_000_000  # the premise: as a plain PNG the result is over YouTube's 2 MB
    methods = {}
    for name, preset in PRESETS.items():
        out = tmp_path / "out" / name
        files = export_asset(store, asset_id, name, out)
        check_exported([f.path for f in files], preset, "noise-stream")
        assert sorted(p.name for p in out.iterdir()) == sorted(f.path.name for f in files)  # no temp files left
        methods[name] = files[0].method
    assert methods["youtube-thumbnail"].startswith("jpeg-q")  # opaque + JPEG accepted: best JPEG that fits
    assert methods["twitch-emote"] == "png-optimised"


def test_jpeg_quality_is_the_highest_that_fits(store, tmp_path) -> None:  # noqa: ANN001
    asset_id = _noise_result(store, tmp_path)
    (f,) = export_asset(store, asset_id, "youtube-thumbnail", tmp_path / "o")
    quality = int(f.method.removeprefix("jpeg-q"))
    assert presets.JPEG_MIN_QUALITY <= quality
    if quality < presets.JPEG_MAX_QUALITY:
        with Image.open(f.path) as im:
            assert len(presets._jpeg(im.convert("RGB"), quality + 1)) > PRESETS["youtube-thumbnail"].max_bytes


def _tight(preset: ExportPreset, max_bytes: int) -> ExportPreset:
    copy = ExportPreset(preset.name, preset.label, preset.asset_type, preset.sizes, preset.formats, preset.note)
    object.__setattr__(copy, "max_bytes", max_bytes)
    return copy


def test_alpha_image_too_big_as_png_is_quantised_and_keeps_transparency() -> None:
    preset = _tight(PRESETS["twitch-emote"], 20_000)
    files = build_preset_files(noise_png(112, 112, alpha=True), preset, "emote")
    big = files[0]
    assert big.method.startswith("png-palette-") and big.size_bytes <= 20_000
    with Image.open(io.BytesIO(big.data)) as im:
        assert im.size == (112, 112) and im.mode == "P" and "transparency" in im.info


def test_nothing_fits_fails_with_one_line_and_writes_nothing(store, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    asset_id = _noise_result(store, tmp_path)
    monkeypatch.setitem(PRESETS, "youtube-thumbnail", _tight(PRESETS["youtube-thumbnail"], 5_000))
    out = tmp_path / "nothing"
    with pytest.raises(PresetExportError) as info:
        export_asset(store, asset_id, "youtube-thumbnail", out)
    message = str(info.value)
    assert "\n" not in message and "5,000 bytes" in message and "youtube-thumbnail" in message
    assert not out.exists() or not any(out.iterdir())


def test_a_failed_write_removes_the_files_already_written(store, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    asset_id = _noise_result(store, tmp_path, AssetType.TWITCH_EMOTE)
    real = presets.atomic_write_bytes
    calls = []

    def disk_full_on_third(path, data):  # noqa: ANN001
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(presets, "atomic_write_bytes", disk_full_on_third)
    out = tmp_path / "full"
    with pytest.raises(PresetExportError, match="No space left"):
        export_asset(store, asset_id, "twitch-emote", out)
    assert list(out.iterdir()) == []


def test_unknown_asset_and_unknown_preset_are_one_line_errors(store, tmp_path) -> None:  # noqa: ANN001
    from studio_app.store.repositories import NotFoundError

    with pytest.raises(NotFoundError):
        export_asset(store, "no-such-asset", "twitch-emote", tmp_path)
    asset_id = _noise_result(store, tmp_path, AssetType.TWITCH_EMOTE)
    with pytest.raises(PresetExportError, match="unknown preset 'tiktok'.*twitch-emote"):
        export_asset(store, asset_id, "tiktok", tmp_path)


def _outline_icon(size: int = 112) -> Image.Image:
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    draw.ellipse((8, 8, size - 8, size - 8), fill=(255, 210, 0, 255), outline=(20, 20, 20, 255), width=3)
    draw.line((30, 40, 82, 40), fill=(20, 20, 20, 255), width=2)
    return im


def _edge_energy(im: Image.Image) -> float:
    """Mean absolute neighbour difference of the icon as shown on a white chat background."""
    shown = Image.alpha_composite(Image.new("RGBA", im.size, (255, 255, 255, 255)), im)
    arr = np.asarray(shown.convert("L"), dtype=float)
    return float(np.abs(np.diff(arr, axis=0)).mean() + np.abs(np.diff(arr, axis=1)).mean())


def test_icon_downscale_is_sharper_than_a_plain_resize_and_has_no_dark_fringe() -> None:
    icon = _outline_icon()
    sharp = downscale_icon(icon, 28, 28)
    plain = icon.resize((28, 28), Image.Resampling.LANCZOS)
    assert sharp.size == (28, 28) and sharp.mode == "RGBA"
    assert _edge_energy(sharp) > 1.1 * _edge_energy(plain)
    # a red disc on transparency: half-transparent edge pixels stay red, not darkened towards black
    disc = Image.new("RGBA", (112, 112), (0, 0, 0, 0))
    ImageDraw.Draw(disc).ellipse((10, 10, 102, 102), fill=(255, 0, 0, 255))
    arr = np.asarray(downscale_icon(disc, 28, 28)).astype(int)
    edge = arr[(arr[..., 3] > 40) & (arr[..., 3] < 215)]
    assert len(edge) > 10 and edge[:, 0].min() >= 200
    assert downscale_icon(icon, 112, 112) is icon


def test_design_name_is_the_canvas_name_else_result_and_id(store, tmp_path) -> None:  # noqa: ANN001
    from studio_app.services.platform_export import design_name

    named = store.assets.get(_noise_result(store, tmp_path, AssetType.TWITCH_EMOTE))
    assert design_name(store, named) == "Noise Stream"
    doc = CanvasDocument(asset_type=AssetType.TWITCH_BADGE)  # never saved to the store
    _job, unnamed = GenerationService(store).run(GenerateRequest(asset_type=doc.asset_type, canvas=doc))
    assert design_name(store, unnamed) == f"result-{unnamed.id[:8]}"
