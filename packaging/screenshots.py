"""Render the README's screenshots offscreen: ``make screenshots`` (or python packaging/screenshots.py docs).

Builds a main window on a temporary data dir, imports the fixture photos, places two of
them, sketches, answers the guided coach, generates offline, and grabs the window.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio_app.app import build_main_window  # noqa: E402
from studio_app.domain.sketch import SketchElement  # noqa: E402
from studio_app.services.coach import StartCoachRequest  # noqa: E402
from studio_app.services.context import StudioStore  # noqa: E402
from studio_app.services.provider_setup import save_api_key  # noqa: E402
from studio_app.store.secrets import SecretStore  # noqa: E402
from studio_app.ui.canvas.commands import AddSketchCommand  # noqa: E402
from studio_app.ui.settings.dialog import SettingsDialog  # noqa: E402
from tests.memory_keyring import MemoryKeyring  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "images"


def wait(app: QApplication, predicate, timeout_s: float = 30.0) -> None:  # noqa: ANN001
    import time

    end = time.monotonic() + timeout_s
    while not predicate() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main_window_shot(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    store = StudioStore.open(tempfile.mkdtemp(prefix="studio-shot-"))
    win = build_main_window(store)
    win.resize(1600, 940)
    win.show()
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
        win.coach_panel.input.setPlainText(answer)
        win.coach_panel.send()
        wait(app, lambda: not win.coach.is_streaming(sid))
    done = []
    win.generation.jobCompleted.connect(lambda *_: done.append(1))
    win.generate()
    wait(app, lambda: bool(done))
    wait(app, lambda: win.generate_button.isEnabled(), 5)
    app.processEvents()
    win.canvas_view.fit()
    app.processEvents()
    win.grab().save(str(out))
    win.close()
    store.close()



def settings_shot(out: Path) -> None:
    """The Settings dialog's providers page with a Gemini key saved in the keyring."""
    app = QApplication.instance() or QApplication(sys.argv)
    store = StudioStore.open(tempfile.mkdtemp(prefix="studio-shot-"))
    store.secrets = SecretStore(backend=MemoryKeyring(), environ={})
    save_api_key(store, "gemini", "AIzaSy-screenshot-only")
    dialog = SettingsDialog(store)
    dialog.show()
    wait(app, lambda: dialog.pending == 0, 10)
    dialog.boxes["gemini"].show_result(True, "Connected to Gemini: gemini-2.5-flash-image is available to this key.")
    app.processEvents()
    dialog.grab().save(str(out))
    dialog.close()
    store.close()


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    target.mkdir(parents=True, exist_ok=True)
    only = sys.argv[2:] or ["main-window", "settings"]
    if "main-window" in only:
        main_window_shot(target / "main-window.png")
        print(f"wrote {target / 'main-window.png'}")
    if "settings" in only:
        settings_shot(target / "settings.png")
        print(f"wrote {target / 'settings.png'}")
