"""Render the README's screenshots offscreen: ``make screenshots`` (or python packaging/screenshots.py docs).

All in the default dark theme. main-window.png (1920x1080) and main-window-1366.png
(1366x768): a main window on a temporary data dir with the fixture photos imported, two
placed, a sketch, the guided coach answered and an offline generation done.
first-launch.png: the window as a new streamer first sees it (1366x768, empty panes with
their hints). Then the Settings dialog, the library pane, the brand kit dialog and the coach.
Name screenshots after the script's arguments to render only some (e.g. ``first-launch``).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The fixtures and helpers under tests/ are imported as ``tests.…``: run from any directory.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPoint, QPointF  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio_app.app import build_main_window  # noqa: E402
from studio_app.domain.job_events import JobEvent  # noqa: E402
from studio_app.domain.sketch import SketchElement  # noqa: E402
from studio_app.services.coach import StartCoachRequest  # noqa: E402
from studio_app.services.context import StudioStore  # noqa: E402
from studio_app.services.media_library import MediaLibraryService  # noqa: E402
from studio_app.services.provider_setup import save_api_key  # noqa: E402
from studio_app.services.settings_services import SettingsServices  # noqa: E402
from studio_app.store.secrets import SecretStore  # noqa: E402
from studio_app.ui.canvas.commands import AddSketchCommand  # noqa: E402
from studio_app.ui.library.panel import MediaLibraryPanel  # noqa: E402
from studio_app.ui.main_window import MainWindow  # noqa: E402
from studio_app.ui.settings.dialog import SettingsDialog  # noqa: E402
from studio_app.ui.theme import apply_theme  # noqa: E402
from tests.memory_keyring import MemoryKeyring  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "images"


def wait(app: QApplication, predicate, timeout_s: float = 30.0) -> None:  # noqa: ANN001
    import time

    end = time.monotonic() + timeout_s
    while not predicate() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def app_instance() -> QApplication:
    """The QApplication, in the dark theme every screenshot shows."""
    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme("dark")
    return app


def temp_store() -> StudioStore:
    """A StudioStore on a new temporary data dir (left behind for a look after the run)."""
    return StudioStore.open(tempfile.mkdtemp(prefix="studio-shot-"))


def shown_window(size: tuple[int, int]) -> tuple[QApplication, StudioStore, MainWindow]:
    """The dark-themed app and a main window over a new temporary data dir, ``size`` (w, h) px, shown."""
    app = app_instance()
    store = temp_store()
    win = build_main_window(store)
    win.resize(*size)
    win.show()
    return app, store, win


def first_launch_shot(out: Path, size: tuple[int, int] = (1366, 768)) -> None:
    """A fresh data dir: the empty library, canvas and results say what to do."""
    app, store, win = shown_window(size)
    wait(app, lambda: False, 0.3)
    win.grab().save(str(out))
    win.close()
    store.close()


def library_shot(out: Path) -> None:
    """The library pane with the fixture photos and one selected."""
    app = app_instance()
    store = temp_store()
    service = MediaLibraryService(store)
    panel = MediaLibraryPanel(service)
    panel.resize(1000, 700)
    panel.show()
    outcomes = service.import_files(sorted(p for p in FIXTURES.iterdir() if p.suffix in {".png", ".jpg"}))
    panel.refresh()
    horse = next(o.asset for o in outcomes if o.asset and "horse" in o.asset.display_name.lower())
    panel.select_ids([horse.id])
    wait(app, lambda: panel.model.loaded_thumbnail_count() >= len(outcomes), 10)
    wait(app, lambda: False, 0.5)
    panel.grab().save(str(out))
    panel.close()
    store.close()


def main_window_shot(out: Path, size: tuple[int, int] = (1920, 1080)) -> None:
    app, store, win = shown_window(size)
    photos = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".png", ".jpg"})
    outcomes = win.library.import_files(photos, remove_background=False)
    win.library_panel.refresh()
    by_name = {o.asset.display_name: o.asset for o in outcomes if o.asset}
    doc = win.editor.document
    hubble = next(a for n, a in by_name.items() if "hubble" in n.lower())
    cat = next(a for n, a in by_name.items() if "chelsea" in n.lower())
    win.place_media([hubble.id], QPointF(doc.width / 2, doc.height / 2))
    win.place_media([cat.id], QPointF(doc.width * 0.28, doc.height * 0.55))
    for el in (
        SketchElement(kind="arrow", points=[(45, 60), (68, 40)], color="#FFD60A", stroke_width=10 / 7.2),  # percent of the height
        SketchElement(kind="text", points=[(55, 12)], text="GG EZ", color="#FFFFFF", font_size=110 / 7.2),
        SketchElement(kind="rectangle", points=[(52, 8), (95, 32)], color="#FF375F", stroke_width=8 / 7.2),
    ):
        win.undo_stack.push(AddSketchCommand(win.editor, el))
    sid = win.coach_panel.start(StartCoachRequest(
        asset_type="thumbnail", mood="hype", game_name="Space Race",
        description="my cat astronaut winning the space race", canvas=win.editor.document))
    wait(app, lambda: not win.coach.is_streaming(sid))
    for answer in ("GG EZ", "add purple rim light and confetti"):
        win.coach_panel.chat_page.input.setPlainText(answer)
        win.coach_panel.send()
        wait(app, lambda: not win.coach.is_streaming(sid))
    done = []
    win.generation.jobEvent.connect(lambda m: done.append(1) if m.event is JobEvent.COMPLETED else None)
    win.generate()
    wait(app, lambda: bool(done))
    wait(app, lambda: win.generate_button.isEnabled(), 5)
    app.processEvents()
    win.canvas_view.fit()
    app.processEvents()
    win.grab().save(str(out))
    win.unsaved_prompt = lambda _parent, _name: "discard"  # a staged canvas: nothing to keep
    win.close()
    store.close()



def settings_shot(out: Path) -> None:
    """The Settings dialog's providers page with a Gemini key saved in the keyring."""
    app = app_instance()
    store = temp_store()
    store.secrets = SecretStore(backend=MemoryKeyring(), environ={})
    save_api_key(store, "gemini", "AIzaSy-screenshot-only")
    dialog = SettingsDialog(SettingsServices.for_store(store))
    dialog.show()
    wait(app, lambda: dialog.pending == 0, 10)
    dialog.boxes["gemini"].show_result(True, "Connected to Gemini: gemini-3.1-flash-image is available to this key (3 image models listed).")
    app.processEvents()
    dialog.grab().save(str(out))
    dialog.close()
    store.close()


def settings_page_shot(out: Path, page: str, size: tuple[int, int]) -> None:
    """Settings → ``page`` ("Library" or "Sync") over the main window sized to a ``size`` screen,
    the dialog where it opens (centred on the window)."""
    from PySide6.QtGui import QPainter

    app = app_instance()
    store = temp_store()
    store.secrets = SecretStore(backend=MemoryKeyring(), environ={})
    win = build_main_window(store)
    photos = sorted(p for p in FIXTURES.iterdir() if p.suffix in {".png", ".jpg"})
    win.library.import_files(photos, remove_background=False)
    win.library_panel.refresh()
    for width, height in (size,):
        win.resize(width, height)
        win.show()
        app.processEvents()
        dialog = win.open_settings(page)
        if page == "Sync":
            panel = dialog.sync_page.panel
            panel.endpoint.setText("https://s3.eu-central-003.backblazeb2.com")
            panel.region.setText("eu-central-003")
            panel.bucket.setText("my-stream-assets")
            panel.access_key.setText("003a1b2c3d4e5f60000000001")
            panel.message.setText("Connected: my-stream-assets is reachable; uploads and conditional writes work.")
        wait(app, lambda d=dialog: d.pending == 0 and not d.library_page.segmentation.busy, 20)
        app.processEvents()
        shot = win.grab().toImage()
        painter = QPainter(shot)
        pos = dialog.geometry().topLeft() - win.geometry().topLeft()
        if not shot.rect().contains(dialog.geometry().translated(-win.geometry().topLeft())):
            pos = QPoint(max(0, (width - dialog.width()) // 2), max(0, (height - dialog.height()) // 2))
        painter.drawImage(pos, dialog.grab().toImage())
        painter.end()
        shot.save(str(out))
        dialog.reject()
        app.processEvents()
    win.close()
    store.close()


SHOTS = {
    "main-window": lambda d: main_window_shot(d / "main-window.png", (1920, 1080)),
    "main-window-1366": lambda d: main_window_shot(d / "main-window-1366.png", (1366, 768)),
    "first-launch": lambda d: first_launch_shot(d / "first-launch.png"),
    "settings": lambda d: settings_shot(d / "settings.png"),
    "library": lambda d: library_shot(d / "library.png"),
    "brand-kits": lambda d: _brand_kits(d / "brand-kits.png"),
    "coach": lambda d: _coach(d / "coach.png"),
    "background-removal": lambda d: _background_removal(d / "background-removal.png"),
    **{f"settings-{page.lower()}-{w}x{h}": (lambda d, page=page, w=w, h=h: settings_page_shot(
        d / f"settings-{page.lower()}-{w}x{h}.png", page, (w, h)))
       for page in ("Library", "Sync") for w, h in ((1366, 768), (1920, 1080))},
}


def _background_removal(out: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))  # "packaging" is also a PyPI name
    from background_sheet import render

    render(out)


def _brand_kits(out: Path) -> None:
    from tests.brand_kits.screenshot import main as brand_kits_main

    app_instance()
    brand_kits_main(str(out))


def _coach(out: Path) -> None:
    from tests.coach.make_screenshot import render

    app_instance()
    render(out)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    target.mkdir(parents=True, exist_ok=True)
    for name in sys.argv[2:] or list(SHOTS):
        SHOTS[name](target)
        print(f"wrote {target / (name + '.png')}")
