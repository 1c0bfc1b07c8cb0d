"""Background removal quality on images with known answers, through the real shipped model.

The horse silhouette (true alpha) over a flat colour, a gradient and a wood texture; the three
single-subject photos against their reference masks (tests/fixtures/masks/); plain-colour
graphics; halos; declines; the model file's checksum.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio_app.domain.segmentation_models import U2NETP
from studio_app.library.background import (
    BackgroundRemovalError,
    remove_background,
    remove_background_result,
)
from studio_app.library.segmentation import ModelUnavailableError, load_model, model_path

from .cutout_cases import REFERENCE_PHOTOS, horse_alpha, horse_over, iou, reference_photo


def png(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG")
    return buf.getvalue()


def alpha_of(data: bytes) -> np.ndarray:
    out = Image.open(io.BytesIO(data))
    assert out.mode == "RGBA"
    return np.asarray(out)[..., 3]


@pytest.mark.parametrize("background,minimum,method", [
    ("flat", 0.97, "colour-key"), ("gradient", 0.97, "colour-key"), ("texture", 0.95, "model"),
])
def test_horse_silhouette_mask_matches_its_alpha(background: str, minimum: float, method: str) -> None:
    case = horse_over(background)
    result = remove_background_result(png(case.rgb))
    got = np.asarray(result.image)[..., 3] > 127
    score = iou(got, case.truth)
    print(f"IoU horse over {background}: {score:.4f} ({result.method})")
    assert result.method == method
    assert result.image.size == (case.rgb.shape[1], case.rgb.shape[0])
    assert score >= minimum


@pytest.mark.parametrize("stem", list(REFERENCE_PHOTOS))
def test_photos_match_their_reference_masks(stem: str) -> None:
    case = reference_photo(stem)
    result = remove_background_result(png(case.rgb))  # raises if declined
    got = np.asarray(result.image)[..., 3] > 127
    score = iou(got, case.truth)
    print(f"IoU {stem}: {score:.4f} confidence {result.confidence:.2f}")
    assert result.method == "model" and result.model_id == "u2netp"
    assert 0.0 < result.confidence <= 1.0
    assert score >= 0.90


def test_photo_edges_are_soft_not_a_blocky_upscale() -> None:
    case = reference_photo("chelsea")
    a = np.asarray(remove_background_result(png(case.rgb)).image)[..., 3].astype(int)
    partial = (a > 10) & (a < 245)
    assert partial.sum() > 1500  # fur and whiskers are a matte, not a hard cut
    # A bilinear upscale of a 320 px map changes by at most a few levels per pixel along x; the
    # guided filter follows the photo's own edges, so some neighbours differ sharply.
    assert np.abs(np.diff(a, axis=1)).max() > 100


def test_colour_key_edges_are_soft() -> None:
    a = alpha_of(remove_background(png(horse_over("flat").rgb))).astype(int)
    assert (((a > 20) & (a < 235)).sum()) > 200


def _greenness(rgb: np.ndarray) -> np.ndarray:
    x = rgb.astype(np.float32)
    return x[..., 1] - (x[..., 0] + x[..., 2]) / 2


@pytest.mark.parametrize("method", ["colour-key", "model"])
def test_no_green_halo_on_edges(method: str) -> None:
    """Over a green screen the partly transparent edge pixels carry green; the cut-out's edge
    colours are the horse's own (near grey), so laid over another colour no green fringe shows."""
    case = horse_over("flat")
    result = remove_background_result(png(case.rgb), method=method)  # type: ignore[arg-type]
    out = np.asarray(result.image)
    a = out[..., 3]
    edge = (a > 25) & (a < 230)
    assert edge.sum() > 100
    before = _greenness(case.rgb)[edge].mean()
    after = _greenness(out[..., :3])[edge].mean()
    print(f"{method}: mean green excess on edges {before:.1f} -> {after:.1f}")
    assert before > 30
    assert after < before * 0.35


def test_white_logo_on_flat_blue_square_keeps_the_logo() -> None:
    """The reported bug: plain-colour graphics stripped to nothing."""
    img = np.zeros((200, 200, 3), np.uint8) + np.array([30, 80, 200], np.uint8)
    img[60:140, 50:70] = 255  # a white "L"
    img[120:140, 50:130] = 255
    result = remove_background_result(png(img))
    out = np.asarray(result.image)
    assert result.method == "colour-key"
    assert (out[70:130, 55:65, 3] == 255).all() and (out[125:135, 60:125, 3] == 255).all()
    assert (out[70:130, 55:65, :3] > 245).all()  # still white
    assert out[5:40, 5:195, 3].max() == 0 and out[160:195, 5:195, 3].max() == 0
    logo = np.zeros((200, 200), bool)
    logo[60:140, 50:70] = logo[120:140, 50:130] = True
    assert iou(out[..., 3] > 127, logo) >= 0.95


def test_badge_on_white_page_keeps_its_white_logo() -> None:
    """A blue badge with a white logo on a white page: the page goes, the badge and the white
    logo inside it (not connected to the page) stay."""
    img = np.full((240, 240, 3), 255, np.uint8)
    img[40:200, 40:200] = (30, 80, 200)
    img[90:150, 90:150] = 255
    out = np.asarray(remove_background_result(png(img)).image)
    assert out[10:30, 10:230, 3].max() == 0
    assert (out[95:145, 95:145, 3] == 255).all()
    assert (out[45:85, 45:195, 3] == 255).all()


def test_existing_transparency_is_kept() -> None:
    rgba = np.zeros((60, 80, 4), np.uint8)
    rgba[10:50, 20:60] = (200, 30, 30, 255)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, "PNG")
    result = remove_background_result(buf.getvalue())
    assert result.method == "existing-alpha"
    assert np.array_equal(np.asarray(result.image)[..., 3], rgba[..., 3])


def test_uniform_image_is_declined_with_one_line() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 60, 90)).save(buf, "PNG")
    with pytest.raises(BackgroundRemovalError, match="no subject") as info:
        remove_background(buf.getvalue())
    assert "\n" not in str(info.value)


def test_a_frame_filling_pattern_is_declined_by_the_model_path() -> None:
    """Noise with no subject: the network's mask is empty or everything; either way declined."""
    rng = np.random.default_rng(3)
    img = rng.integers(0, 255, (160, 160, 3), dtype=np.uint8)
    with pytest.raises(BackgroundRemovalError):
        remove_background_result(png(img), method="model")


def test_large_image_is_keyed_and_scaled_back() -> None:
    alpha, _colour = horse_alpha()
    big = np.asarray(Image.fromarray((alpha * 255).astype(np.uint8)).resize((2600, 2132))) / 255.0
    bg = np.zeros((*big.shape, 3), np.float32) + (200, 40, 160)
    rgb = np.clip(20 * big[..., None] + bg * (1 - big[..., None]), 0, 255).astype(np.uint8)
    out = alpha_of(remove_background(png(rgb)))
    assert out.shape == big.shape
    assert iou(out > 127, big > 0.5) >= 0.97


def test_progress_is_reported_in_order() -> None:
    seen: list[tuple[float, str]] = []
    remove_background_result(png(reference_photo("coffee").rgb), progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert "segmenting" in [s for _, s in seen]


def test_result_metadata_names_method_and_model() -> None:
    result = remove_background_result(png(reference_photo("coffee").rgb))
    meta = result.metadata()
    assert meta["method"] == "model" and meta["model"] == "u2netp"
    assert 0 < meta["confidence"] <= 1 and 0 < meta["subject_share"] < 1


def test_shipped_model_file_matches_its_recorded_checksum() -> None:
    from studio_app.library.segmentation import file_sha256

    path = model_path(U2NETP)
    assert path.is_file() and path.stat().st_size == U2NETP.size_bytes
    assert file_sha256(path) == U2NETP.sha256
    assert (path.parent / "LICENSE-u2netp.txt").is_file()


def test_a_fetched_model_is_loaded_from_the_models_folder_after_its_check(tmp_path: Path) -> None:
    """The loading code for fetched models, exercised on a copy of the shipped file."""
    fetched = U2NETP.model_copy(update={"id": "u2netp-copy", "shipped": False, "file_name": "copy.onnx"})
    with pytest.raises(ModelUnavailableError, match="missing"):
        load_model(fetched, tmp_path)
    shutil.copyfile(model_path(U2NETP), tmp_path / "copy.onnx")
    net = load_model(fetched, tmp_path, threads=1)
    assert net.spec.id == "u2netp-copy" and net.provider.endswith("ExecutionProvider")
    saliency = net.predict(reference_photo("coffee").rgb)
    assert saliency.shape == (320, 320) and 0.0 <= saliency.min() < 0.05 and saliency.max() > 0.95


def test_a_damaged_model_file_is_refused(tmp_path: Path) -> None:
    spec = U2NETP.model_copy(update={"id": "u2netp-damaged", "shipped": False, "file_name": "bad.onnx"})
    data = bytearray(model_path(U2NETP).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / "bad.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelUnavailableError, match="SHA-256"):
        load_model(spec, tmp_path)
    (tmp_path / "bad.onnx").write_bytes(bytes(data[:-10]))
    with pytest.raises(ModelUnavailableError, match="bytes, expected"):
        load_model(spec, tmp_path)
