"""Render docs/coach.png: a coach conversation (LLM replies from the loopback server) with an inline result.

Run from the repo root: ``QT_QPA_PLATFORM=offscreen python -m tests.coach.make_screenshot [out.png]``.
The image model is the offline preview provider, so the result is the composed canvas.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from studio_app.services.coach import CoachSettings, StartCoachRequest
from studio_app.services.coach.engines import chat_engine_factory
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerationService
from studio_app.ui.coach.panel import CoachPanel
from tests.conftest import FIXTURE_IMAGES
from tests.servers.loopback import Fault
from tests.servers.openai_server import OpenAIServer

from .conftest import layout_canvas

REPLIES = [
    "Love it: a **clutch moment** with your astronaut front and centre and the horse charging in from the "
    "right, right where your arrow points.\n\nTwo quick questions:\n\n1. Should the astronaut be *celebrating* "
    "or *mid-jump*?\n2. Keep **CLUTCH** at the top in big letters?\n\n```prompt\nAn astronaut in a white suit "
    "front left, a brown horse charging in from the right, a red arrow of motion between them, the word "
    "'CLUTCH' at the top, hype energy\n```",
    "Mid-jump it is, with *CLUTCH* in chrome. I'll add purple rim light to match your brand and keep the "
    "bottom-right corner clear for the duration badge. Ready when you are: press **Generate Now**.\n\n"
    "```prompt\nAn astronaut in a white suit leaping mid-jump on the left, a brown horse charging in from the "
    "right, purple rim light and confetti, the word 'CLUTCH' in huge chrome letters at the top, "
    "bottom-right corner kept clear\n```",
]


def render(out: Path) -> Path:
    """Build the scene and save the panel's grab to ``out``."""
    app = QApplication.instance() or QApplication(sys.argv)
    server = OpenAIServer(require_auth=False, models=("llama3.2",)).start()
    data = Path(tempfile.mkdtemp(prefix="coach-shot-"))
    store = StudioStore.open(data)
    store.settings.save_section("coach", CoachSettings(engine="ollama", model="llama3.2",
                                                       base_url=server.base_url + "/v1"))
    coach_service = None
    try:
        generation = GenerationService(store)
        from studio_app.services.coach import CoachService

        coach_service = CoachService(store, generation, chat_engine_factory=chat_engine_factory(store))
        photos = sorted(p for p in FIXTURE_IMAGES.iterdir() if p.suffix.lower() in {".png", ".jpg"})
        doc = layout_canvas(store, photos)
        panel = CoachPanel(coach_service, lambda: doc)
        panel.resize(480, 1080)
        panel.show()
        server.script(*(Fault(route="/v1/chat/completions", reply_text=r) for r in REPLIES))

        def wait(until, timeout: float = 20.0) -> None:  # noqa: ANN001
            end = time.monotonic() + timeout
            while not until():
                if time.monotonic() > end:
                    raise TimeoutError("the screenshot scene did not finish")
                app.processEvents()
                time.sleep(0.01)

        sid = panel.start(StartCoachRequest(asset_type="thumbnail", mood="hype", game_name="Apex Legends",
                                            description="me clutching the last round, with my horse sidekick",
                                            canvas=doc))
        wait(lambda: not coach_service.is_streaming(sid))
        panel.chat_page.input.setPlainText("mid-jump please, and yes keep CLUTCH, chrome letters")
        panel.send()
        wait(lambda: not coach_service.is_streaming(sid))
        panel.generate()
        wait(lambda: bool(coach_service.get(sid).generated_asset_ids), 60)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not panel.grab().save(str(out)):
            raise OSError(f"could not write {out}")
        return out
    finally:
        if coach_service is not None:
            coach_service.shutdown()
        server.stop()
        store.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "docs" / "coach.png"
    print(render(target))
