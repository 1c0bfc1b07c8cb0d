"""Shared checks for platform export tests: noise images and the per-file rules of a preset."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import numpy as np
from PIL import Image

from studio_app.render.presets import ExportPreset

FORMAT_OF_EXTENSION = {".png": "PNG", ".jpg": "JPEG"}


def noise_png(width: int, height: int, *, alpha: bool = False, seed: int = 7) -> bytes:
    """A PNG of uniform random noise (incompressible: about 3-4 bytes per px as PNG)."""
    rng = np.random.default_rng(seed)
    bands = 4 if alpha else 3
    arr = rng.integers(0, 256, (height, width, bands), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr, "RGBA" if alpha else "RGB").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def check_exported(paths: list[Path], preset: ExportPreset, design_slug: str) -> list[tuple[int, int]]:
    """Assert every rule of an exported set; returns the sizes in file order.

    Exact sizes in the preset's order, the ``<design>-<preset>-<size>.<ext>`` name, format equal to
    the extension, alpha kept where the preset wants it, within the byte limit, and permission
    bits 0644 (under the umask 022 the tests run with).
    """
    assert len(paths) == len(preset.sizes)
    sizes = []
    for path, (w, h) in zip(paths, preset.sizes, strict=True):
        label = str(w) if w == h else f"{w}x{h}"
        assert path.stem == f"{design_slug}-{preset.name}-{label}", path.name
        data = path.read_bytes()
        if preset.max_bytes is not None:
            assert len(data) <= preset.max_bytes, (path.name, len(data), preset.max_bytes)
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == FORMAT_OF_EXTENSION[path.suffix], path.name
            assert im.size == (w, h), path.name
            if preset.wants_alpha:
                assert im.format == "PNG" and (im.mode == "RGBA" or "transparency" in im.info), (path.name, im.mode)
            sizes.append(im.size)
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, oct(path.stat().st_mode)
    return sizes
