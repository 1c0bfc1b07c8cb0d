"""fit_to_target: exact platform sizes, centre crop, alpha kept or flattened, clear errors."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.render.fit import ImageDecodeError, fit_to_target


def encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    image.save(buf, format=fmt, **({"compress_level": 1} if fmt == "PNG" else {}))
    return buf.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(asset_type=st.sampled_from(list(AssetType)),
       width=st.integers(1, 3000), height=st.integers(1, 3000), alpha=st.booleans())
def test_every_asset_type_ends_at_its_exact_size(asset_type, width, height, alpha):
    spec = TARGET_SPECS[asset_type]
    source = Image.new("RGBA" if alpha else "RGB", (width, height), (200, 40, 90, 128) if alpha else (200, 40, 90))
    out = decode(fit_to_target(encode(source), spec.width, spec.height, keep_alpha=spec.wants_alpha))
    assert out.size == (spec.width, spec.height)
    assert out.mode == ("RGBA" if spec.wants_alpha else "RGB")


def test_fixture_photos_fit_every_target(photos):
    # each target once, cycling the real photos (the noisy Hubble field gets small targets:
    # its level-6 PNG encode at 2560x1440 alone takes seconds)
    for i, spec in enumerate(TARGET_SPECS.values()):
        data = photos[(i + 2) % len(photos)].read_bytes()
        out = decode(fit_to_target(data, spec.width, spec.height, keep_alpha=spec.wants_alpha))
        assert out.size == spec.size
        assert out.convert("RGB").getcolors(maxcolors=50) is None  # a photo, not a flat fill


def test_centre_crop_keeps_the_middle():
    # 300x100: red | green | blue thirds; a square target keeps only the green middle
    source = Image.new("RGB", (300, 100), (255, 0, 0))
    source.paste((0, 255, 0), (100, 0, 200, 100))
    source.paste((0, 0, 255), (200, 0, 300, 100))
    out = decode(fit_to_target(encode(source), 50, 50, keep_alpha=False))
    for xy in [(2, 25), (25, 25), (47, 25)]:
        r, g, b = out.getpixel(xy)
        assert g > 240 and r < 15 and b < 15


def test_alpha_is_kept_or_flattened_as_asked():
    source = Image.new("RGBA", (200, 100), (0, 0, 255, 255))
    source.paste((0, 0, 0, 0), (0, 0, 100, 100))  # left half fully transparent
    kept = decode(fit_to_target(encode(source), 100, 50, keep_alpha=True))
    assert kept.mode == "RGBA"
    assert kept.getpixel((10, 25))[3] == 0 and kept.getpixel((90, 25)) == (0, 0, 255, 255)
    flat = decode(fit_to_target(encode(source), 100, 50, keep_alpha=False))
    assert flat.mode == "RGB"
    assert flat.getpixel((10, 25)) == (255, 255, 255) and flat.getpixel((90, 25)) == (0, 0, 255)
    black = decode(fit_to_target(encode(source), 100, 50, keep_alpha=False, matte=(0, 0, 0)))
    assert black.getpixel((10, 25)) == (0, 0, 0)


def test_palette_and_jpeg_sources_are_accepted():
    pal = Image.new("P", (64, 32))
    jpeg = Image.new("RGB", (640, 480), (10, 200, 10))
    assert decode(fit_to_target(encode(pal), 72, 72, keep_alpha=True)).size == (72, 72)
    assert decode(fit_to_target(encode(jpeg, "JPEG"), 1280, 720, keep_alpha=False)).size == (1280, 720)


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"this is not an image at all" * 4, "not a known image format"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cannot decode image"),
])
def test_undecodable_data_raises_one_line_error(data, words):
    with pytest.raises(ImageDecodeError, match=words) as info:
        fit_to_target(data, 100, 100, keep_alpha=True)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_truncated_photo_raises_image_decode_error(photos):
    data = photos[0].read_bytes()
    with pytest.raises(ImageDecodeError, match="cannot decode image"):
        fit_to_target(data[: len(data) // 3], 100, 100, keep_alpha=False)


@pytest.mark.parametrize("size", [(0, 10), (10, -1), (10.5, 10)])
def test_bad_target_size_is_rejected(size):
    with pytest.raises(ValueError, match="target size"):
        fit_to_target(encode(Image.new("RGB", (10, 10))), *size, keep_alpha=False)
