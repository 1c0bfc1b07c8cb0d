"""Issue 14, point 2: a library that holds a streamer's media (no asset limit by default, a limit
when set on Settings → Library), the Library and Sync pages of the Settings dialog, and every
message in the app that names a Settings page naming one that exists."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from studio_app.domain.media import BG_REMOVAL_DEFAULT_TYPES, MAX_PROMPT_INJECTION_ASSETS, MediaAssetType
from studio_app.library.settings import SETTINGS_SECTION, LibrarySettings
from studio_app.sync.settings import SECTION as SYNC_SECTION
from studio_app.sync.settings import SyncSettings
from studio_app.ui.sync.settings_panel import SyncSettingsPanel

REPO = Path(__file__).resolve().parents[2]
# "Settings → Library", "Settings > Sync", "Settings -> Coach LLM", "Settings › …", "Settings » …"
PAGE_REFERENCE = re.compile(r"Settings\s*(?:→|->|>|›|»)\s*([A-Z][^\"'.,;:)\n]*)")


def page_references() -> list[tuple[str, str]]:
    """(file, referenced text) for every "Settings → X" in studio_app's sources."""
    found = []
    for path in sorted((REPO / "studio_app").rglob("*.py")):
        for match in PAGE_REFERENCE.finditer(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(REPO)), match.group(1).strip()))
    return found


def test_every_message_that_names_a_settings_page_names_one_that_exists(window, qtbot) -> None:  # noqa: ANN001
    dialog = window.open_settings()
    titles = dialog.page_titles()
    assert {"Image providers", "Coach LLM", "Library", "Sync"} <= set(titles)
    refs = page_references()
    assert {text.split()[0] for _f, text in refs} >= {"Library", "Sync"}  # the messages are found
    missing = [(f, text) for f, text in refs
               if not any(re.match(rf"{re.escape(t)}\b", text) for t in titles)]
    assert missing == []
    # and the check itself catches a page that does not exist
    assert not any(re.match(rf"{re.escape(t)}\b", "Appearance") for t in titles)
    dialog.reject()


def test_300_imports_into_a_default_library(window, tmp_path, qtbot) -> None:  # noqa: ANN001
    folder = tmp_path / "media"
    folder.mkdir()
    for i in range(300):
        Image.new("RGB", (48, 32), (i % 256, (i * 7) % 256, i // 256 * 90)).save(folder / f"shot{i:03d}.png")
    assert window.library.settings.total_asset_limit is None
    with qtbot.waitSignal(window.library_panel.importFinished, timeout=120_000) as done:
        window.library_panel.import_paths([str(folder)])
    outcomes = done.args[0]
    assert len(outcomes) == 300 and [o.error for o in outcomes if o.error] == []
    summary = window.library.summary()
    assert (summary.total, summary.total_limit, summary.remaining) == (300, None, None)
    qtbot.waitUntil(lambda: window.library_panel.count_label.text() == "300 assets", timeout=5000)
    # the original design's defaults cut out "object" imports: the deferred removals all finish too
    qtbot.waitUntil(lambda: window.library_panel.background_pending == 0, timeout=180_000)
    assert window.library.summary().total == 300


def test_library_page_sets_a_limit_pixel_cap_and_background_defaults(window, tmp_path, qtbot) -> None:  # noqa: ANN001
    dialog = window.open_settings("Library")
    page = dialog.library_page
    assert dialog.tabs.currentWidget() is page
    assert not page.limit_on.isChecked() and not page.limit.isEnabled()
    assert page.per_prompt.value() == MAX_PROMPT_INJECTION_ASSETS
    assert {k for k, c in page.type_checks.items() if c.isChecked()} == BG_REMOVAL_DEFAULT_TYPES
    page.limit_on.setChecked(True)
    page.limit.setValue(2)
    page.max_pixels.setValue(1)
    page.type_checks[MediaAssetType.LOGO].setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save()
    stored = window.generation.store.settings.section(SETTINGS_SECTION, LibrarySettings)
    assert stored.total_asset_limit == 2 and stored.max_image_pixels == 1_000_000
    assert not stored.removes_background_by_default(MediaAssetType.LOGO)
    assert stored.removes_background_by_default(MediaAssetType.FACE)
    # the running library uses it at once
    lib = window.library
    big = tmp_path / "big.png"
    Image.new("RGB", (1200, 1000), "navy").save(big)
    assert "over the 1 MP limit" in (lib.import_file(big).error or "")
    for i in range(2):
        Image.new("RGB", (40, 40), (i, 50, 50)).save(tmp_path / f"s{i}.png")
        assert lib.import_file(tmp_path / f"s{i}.png", remove_background=False).ok
    Image.new("RGB", (40, 40), (9, 9, 9)).save(tmp_path / "third.png")
    error = lib.import_file(tmp_path / "third.png", remove_background=False).error
    assert error == "library is full (2 of 2 assets); delete some or raise the limit in Settings → Library"
    # reopening shows what is stored; "Restore defaults" brings back the original design's types
    dialog = window.open_settings("Library")
    page = dialog.library_page
    assert page.limit_on.isChecked() and page.limit.value() == 2 and "2 assets" in page.count.text()
    page.reset_types.click()
    page.limit_on.setChecked(False)
    assert page.form_settings().background_removal_types is None
    assert page.form_settings().total_asset_limit is None
    dialog.reject()


def test_sync_page_is_the_sync_menus_form(window, qtbot) -> None:  # noqa: ANN001
    dialog = window.open_settings("Sync")
    assert dialog.tabs.currentWidget() is dialog.sync_page
    panel = dialog.sync_page.panel
    assert isinstance(panel, SyncSettingsPanel) and panel.service is window.sync
    menu_dialog = window.open_sync_settings()
    assert isinstance(menu_dialog.findChild(SyncSettingsPanel), SyncSettingsPanel)
    menu_dialog.reject()
    for field in (panel.bucket, panel.endpoint, panel.prefix, panel.region, panel.access_key, panel.secret_key):
        assert field.isVisibleTo(dialog)
    assert panel.test_button.text() == "Test connection"
    # an invalid bucket name keeps the dialog open on the Sync page with the reason
    panel.bucket.setText("Not A Bucket")
    dialog.show_page("Library")
    dialog.save()
    assert dialog.isVisible() and dialog.tabs.currentWidget() is dialog.sync_page
    assert panel.message.text().startswith("Not saved: bucket")
    panel.bucket.setText("stream-assets")
    panel.prefix.setText("studio")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.save()
    stored = window.generation.store.settings.section(SYNC_SECTION, SyncSettings)
    assert (stored.bucket, stored.prefix) == ("stream-assets", "studio")
