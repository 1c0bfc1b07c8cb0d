"""resources/ and prompts/ are found through importlib.resources (the installed package), and the
files in resources/ pass Debian's own validators (desktop-file-validate, appstreamcli)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import xml.etree.ElementTree as ET
from importlib import resources as importlib_resources
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from studio_app import __version__
from studio_app.resources import (
    APP_ID,
    PROMPTS_PACKAGE,
    RESOURCES_PACKAGE,
    icon_path,
    prompts_dir,
    resource_path,
    resources_dir,
    shipped_prompts_dir,
)

REPO = Path(__file__).resolve().parents[2]


def _load_script(name: str) -> ModuleType:
    """packaging/<name>.py loaded by path (``import packaging`` is the PyPI library)."""
    spec = importlib.util.spec_from_file_location(f"_packaging_{name}", REPO / "packaging" / f"{name}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load packaging/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_render_icons = _load_script("render_icons")
ICON_SIZES = _render_icons.ICON_SIZES
render_square = _render_icons.render_square


def test_folders_come_from_importlib_resources() -> None:
    assert resources_dir() == Path(str(importlib_resources.files(RESOURCES_PACKAGE)))
    assert shipped_prompts_dir() == Path(str(importlib_resources.files(PROMPTS_PACKAGE)))
    assert (shipped_prompts_dir() / "thumbnail" / "v1.0.yaml").is_file()
    assert (shipped_prompts_dir() / "coach" / "system.md").is_file()
    assert resource_path("themes", "dark.json").is_file()


def test_prompts_dir_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STUDIO_PROMPTS_DIR", str(tmp_path))
    assert prompts_dir() == tmp_path
    monkeypatch.delenv("STUDIO_PROMPTS_DIR")
    assert prompts_dir() == shipped_prompts_dir()


def test_every_icon_size_is_a_square_png_of_that_size() -> None:
    for size in ICON_SIZES:
        with Image.open(icon_path(size)) as im:
            assert im.format == "PNG" and im.size == (size, size), size
            assert im.mode == "RGBA"
            alpha = im.getchannel("A")
            assert alpha.getpixel((0, 0)) == 0  # rounded corner: transparent
            assert alpha.getpixel((size // 2, size // 2)) == 255
    root = ET.parse(icon_path()).getroot()
    assert root.tag.endswith("svg") and root.get("viewBox") == "0 0 512 512"


def test_pngs_are_renderings_of_the_svg(qapp) -> None:  # noqa: ANN001
    """The PNGs were rendered from the current SVG (packaging/render_icons.py) and not left stale."""
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(icon_path()))
    assert renderer.isValid()
    shipped = QImage(str(icon_path(128))).convertToFormat(QImage.Format.Format_ARGB32)
    fresh = render_square(renderer, 128)
    diff = max(abs(shipped.pixelColor(x, y).red() - fresh.pixelColor(x, y).red())
               for x in range(0, 128, 7) for y in range(0, 128, 7))
    assert diff <= 2


def _validator(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: bash packaging/install-system-deps.sh test installs it"
    return path


def test_desktop_entry_passes_desktop_file_validate() -> None:
    entry = resource_path(f"{APP_ID}.desktop")
    proc = subprocess.run([_validator("desktop-file-validate"), str(entry)], capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout + proc.stderr
    text = entry.read_text()
    assert f"Icon={APP_ID}\n" in text and "Exec=studio\n" in text


def test_metainfo_passes_appstreamcli_validate() -> None:
    metainfo = resource_path(f"{APP_ID}.metainfo.xml")
    proc = subprocess.run([_validator("appstreamcli"), "validate", "--no-net", "--explain", str(metainfo)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Validation was successful" in proc.stdout and "W:" not in proc.stdout and "E:" not in proc.stdout


def test_metainfo_names_the_app_its_screenshots_and_this_release() -> None:
    root = ET.parse(resource_path(f"{APP_ID}.metainfo.xml")).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    shots = root.findall("screenshots/screenshot")
    assert len(shots) >= 3
    for shot in shots:  # each screenshot is one of the README's, which exist in docs/
        name = shot.findtext("image").rsplit("/", 1)[-1]
        assert (REPO / "docs" / name).is_file(), name
    releases = root.findall("releases/release")
    assert releases[0].get("version") == __version__  # the newest release is this version


def test_theme_files_load(qapp) -> None:  # noqa: ANN001
    from PySide6.QtGui import QPalette

    from studio_app.ui.theme import dark_palette
    from studio_app.ui.theme_files import ThemeFileError, load_palette, theme_names

    assert theme_names() == ["dark"]
    dark = load_palette("dark")
    assert dark.color(QPalette.ColorRole.Window).name() == "#2b2b30"
    assert dark.color(QPalette.ColorGroup.Inactive, QPalette.ColorRole.Highlight).name() == "#9146ff"
    assert dark.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text).name() == "#77777f"
    assert dark.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text).name() == "#e6e6ea"
    assert dark_palette() == dark  # the app's dark theme is the shipped file
    with pytest.raises(ThemeFileError, match="no theme 'neon'"):
        load_palette("neon")


def test_no_file_reads_outside_the_repository() -> None:
    """Nothing in the package, the tests, packaging or the build names the shared folder."""
    needle = "../" + "shared"
    offenders = []
    for base in ("studio_app", "tests", "packaging", "docs", "resources", "prompts", ".ci"):
        for path in (REPO / base).rglob("*"):
            if path.is_file() and path.suffix in {".py", ".md", ".sh", ".toml", ".yaml", ".spec", ""} and (
                    needle in path.read_text(errors="ignore") or "shared/" + "fixtures" in path.read_text(errors="ignore")):
                offenders.append(str(path.relative_to(REPO)))
    for name in ("Makefile", "pyproject.toml", "setup.py", "MANIFEST.in"):
        if needle in (REPO / name).read_text():
            offenders.append(name)
    assert offenders == []
