"""fit_image: the Pillow image before encoding; opaque sources stay RGB, transparent ones are flattened."""

from __future__ import annotations

import io

from PIL import Image

from studio_app.render.fit import fit_image, fit_to_target, png_bytes


def encoded(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:  # noqa: ANN003
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def test_opaque_source_is_fitted_in_rgb_with_the_same_pixels_as_before() -> None:
    src = Image.new("RGB", (1344, 768), (200, 40, 40))
    src.paste((20, 40, 220), (0, 0, 672, 768))
    fitted = fit_image(encoded(src, "JPEG", quality=95), 1280, 720, keep_alpha=False)
    assert fitted.mode == "RGB" and fitted.size == (1280, 720)
    left, right = fitted.getpixel((100, 360)), fitted.getpixel((1180, 360))
    assert left[2] > 180 and right[0] > 160  # the blue half stays left, the red half right


def test_transparency_is_flattened_on_the_matte_or_kept() -> None:
    src = Image.new("P", (200, 100), 0)
    src.putpalette([0, 0, 0, 255, 255, 0] + [0] * 762)
    src.paste(1, (100, 0, 200, 100))
    src.info["transparency"] = 0
    data = encoded(src, transparency=0)
    flat = fit_image(data, 100, 50, keep_alpha=False, matte=(10, 20, 30))
    assert flat.mode == "RGB" and flat.getpixel((10, 25)) == (10, 20, 30)
    assert flat.getpixel((90, 25)) == (255, 255, 0)
    kept = fit_image(data, 100, 50, keep_alpha=True)
    assert kept.mode == "RGBA" and kept.getpixel((10, 25))[3] == 0


def test_png_bytes_round_trip_and_fit_to_target_is_fit_image_encoded() -> None:
    im = Image.effect_noise((320, 160), 40).convert("RGB")
    data = png_bytes(im)
    with Image.open(io.BytesIO(data)) as back:
        assert back.size == (320, 160) and back.tobytes() == im.tobytes()
    assert fit_to_target(encoded(im), 320, 160, keep_alpha=False) == data
