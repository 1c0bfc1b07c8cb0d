"""The coach with an LLM, through the real main window, against the loopback servers: Gemini SSE
(CRLF, no [DONE]) and an Ollama-like OpenAI-compatible server (LF, [DONE]); an error mid-stream,
a slow first token, and Stop pressed mid-stream."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtTest import QTest

from studio_app.services.coach import CoachSettings
from studio_app.services.context import StudioStore
from studio_app.ui.coach.chat_view import AssetBubble, TextBubble
from tests.job_signals import COMPLETED, wait_coach_event
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.loopback import Fault
from tests.windows import close_main_window, show_main_window

from ..ui.helpers import stroke

STREAM = ":streamGenerateContent"
CHAT = "/v1/chat/completions"


def reply(question: str, idea: str) -> str:
    return f"{question}\n\n```prompt\n{idea}\n```"


REPLIES = [
    reply("Epic! Is the **boss** behind you or already defeated?", "A knight in black armour facing a towering "
          "fire giant in a ruined cathedral, embers in the air"),
    reply("Got it, defeated. What text goes on top?", "A knight in black armour standing over a defeated fire "
          "giant in a ruined cathedral, embers in the air"),
    reply("Nice, *GG EZ* it is. Colours?", "A knight in black armour standing over a defeated fire giant in a "
          "ruined cathedral, embers in the air, the text 'GG EZ' in huge gold letters at the top"),
    reply("Purple and gold, done. Press **Generate Now** when ready.", "A knight in black armour standing over a "
          "defeated fire giant in a ruined cathedral, purple and gold light, embers, the text 'GG EZ' in huge "
          "gold letters at the top"),
]


def open_window(data: Path, qtbot, settings: CoachSettings | None = None):  # noqa: ANN001, ANN201
    store = StudioStore.open(data)
    if settings is not None:
        store.settings.save_section("coach", settings)
    return store, show_main_window(store, qtbot)


close_window = close_main_window


def send(panel, text: str) -> None:  # noqa: ANN001
    panel.chat_page.input.setPlainText(text)
    QTest.keyClick(panel.chat_page.input, Qt.Key.Key_Return)


def start_simple(panel, qtbot, description: str = "a knight beating a fire giant") -> str:  # noqa: ANN001
    panel.show_start()
    panel.start_form.description.setPlainText(description)
    qtbot.mouseClick(panel.start_form.start_button, Qt.MouseButton.LeftButton)
    return panel.session_id


@pytest.fixture
def gemini_settings(gemini_server, monkeypatch) -> CoachSettings:  # noqa: ANN001
    monkeypatch.setenv("GEMINI_API_KEY", GEMINI_KEY)
    monkeypatch.setenv("STUDIO_GEMINI_BASE_URL", gemini_server.base_url)  # images from the double too
    return CoachSettings(engine="gemini")


@pytest.fixture
def ollama_settings(local_llm_server) -> CoachSettings:  # noqa: ANN001
    return CoachSettings(engine="ollama", model="llama3.2", base_url=local_llm_server.base_url + "/v1")


def test_gemini_coach_from_canvas_to_asset_and_back_after_restart(tmp_path: Path, photos, qtbot, gemini_server,
                                                                  gemini_settings) -> None:  # noqa: ANN001
    gemini_server.script(*(Fault(route=STREAM, reply_text=text) for text in REPLIES))
    data = tmp_path / "data"
    store, win = open_window(data, qtbot, gemini_settings)
    try:
        panel = win.coach_panel
        assert panel.engine_label.text().startswith("Gemini (gemini-3.5-flash-lite)")
        ids = [o.asset.id for o in win.library.import_files(photos[:2]) if o.asset]
        doc = win.editor.document
        win.place_media([ids[0]], QPointF(doc.width * 0.3, doc.height * 0.5))
        win.place_media([ids[1]], QPointF(doc.width * 0.75, doc.height * 0.5))
        win.tool_actions["arrow"].trigger()
        stroke(win.canvas_view, [QPointF(doc.width * 0.5, doc.height * 0.2), QPointF(doc.width * 0.7, doc.height * 0.4)])

        tokens: list[str] = []
        win.coach.tokenReceived.connect(lambda _sid, text: tokens.append(text))
        panel.show_start()
        panel.start_form.game.setText("Elden Ring")
        panel.start_form.description.setPlainText("me beating the final boss")
        with qtbot.waitSignal(win.coach.replyFinished, timeout=10000):
            qtbot.mouseClick(panel.start_form.start_button, Qt.MouseButton.LeftButton)
        sid = panel.session_id
        assert len(tokens) > 10 and "".join(tokens) == REPLIES[0]
        bubble = panel.chat_page.chat.bubbles()[-1]
        assert isinstance(bubble, TextBubble) and bubble.raw == REPLIES[0]
        assert "towering" not in bubble.label.text() and "behind you" in bubble.label.text()  # block hidden
        assert "towering fire giant" in panel.chat_page.prompt_box.toPlainText()
        assert panel.chat_page.prompt_box.toPlainText().startswith("Create a YouTube video thumbnail")

        body = gemini_server.calls(STREAM)[0].json()
        system = body["systemInstruction"]["parts"][0]["text"]
        assert f"'{photos[0].stem}'" in system and "arrow" in system and "- Game: Elden Ring" in system
        assert body["contents"] == [{"role": "user", "parts": [{"text": "me beating the final boss"}]}]

        for answer in ("defeated", "GG EZ", "purple and gold"):
            with qtbot.waitSignal(win.coach.replyFinished, timeout=10000):
                send(panel, answer)
        session = win.coach.get(sid)
        assert session.turns_used == 3 and "purple and gold light" in (session.current_prompt or "")
        last_body = gemini_server.calls(STREAM)[-1].json()
        assert [c["role"] for c in last_body["contents"]] == ["user", "model"] * 3 + ["user"]
        assert last_body["contents"][-1]["parts"][0]["text"] == "purple and gold"
        assert "Replies left in this session: 8" in last_body["systemInstruction"]["parts"][0]["text"]

        with wait_coach_event(qtbot, win.coach, COMPLETED, timeout=30000) as sig:
            qtbot.mouseClick(panel.chat_page.generate_button, Qt.MouseButton.LeftButton)
        asset_id = sig.args[1].asset_id
        assert isinstance(panel.chat_page.chat.bubbles()[-1], AssetBubble)
        qtbot.waitUntil(lambda: asset_id in win.generated.asset_ids(), timeout=5000)
        job = win.generation.store.jobs.get(win.generation.store.assets.get(asset_id).job_id)
        assert job.provider == "gemini" and not win.generation.store.assets.get(asset_id).is_preview
        assert job.coach_session_id == sid and "purple and gold light" in job.prompt
        image_call = gemini_server.calls(":generateContent")[-1].json()
        parts = image_call["contents"][0]["parts"]
        assert any("purple and gold light" in p.get("text", "") for p in parts)
        assert sum("inlineData" in p or "inline_data" in p for p in parts) == 3  # snapshot + 2 references
        assert job.parameters["canvas_mode"] and job.parameters["media_asset_ids"] == ids
        before = [(m.role, m.type, m.content) for m in win.coach.get(sid).messages]
    finally:
        close_window(store, win)

    store, win = open_window(data, qtbot, gemini_settings)
    try:
        panel = win.coach_panel
        panel.show_history()
        assert panel.history.select(sid)
        panel.history.open_selected()
        assert [(m.role, m.type, m.content) for m in win.coach.get(sid).messages] == before
        assert [b.raw for b in panel.chat_page.chat.bubbles() if isinstance(b, TextBubble)] == \
            [c for r, t, c in before if t == "text"]
        assert isinstance(panel.chat_page.chat.bubbles()[-1], AssetBubble)
        assert "purple and gold light" in panel.chat_page.prompt_box.toPlainText()
        gemini_server.script(Fault(route=STREAM, reply_text=reply("More fire, sure.", "A knight in black "
                                                                  "armour over a fire giant, more fire")))
        with qtbot.waitSignal(win.coach.replyFinished, timeout=10000):
            send(panel, "more fire")  # the conversation goes on after the restart
        assert len(gemini_server.calls(STREAM)[-1].json()["contents"]) == 9
    finally:
        close_window(store, win)


def test_ollama_like_server_streams_into_the_chat(tmp_path: Path, qtbot, local_llm_server, ollama_settings) -> None:  # noqa: ANN001
    local_llm_server.script(Fault(route=CHAT, reply_text=REPLIES[0]), Fault(route=CHAT, reply_text=REPLIES[1]))
    store, win = open_window(tmp_path / "data", qtbot, ollama_settings)
    try:
        panel = win.coach_panel
        assert panel.engine_label.text() == "Ollama (llama3.2)"
        with qtbot.waitSignal(win.coach.replyFinished, timeout=10000):
            sid = start_simple(panel, qtbot)
        with qtbot.waitSignal(win.coach.replyFinished, timeout=10000):
            send(panel, "defeated")
        body = json.loads(local_llm_server.calls(CHAT)[-1].body)
        assert body["model"] == "llama3.2" and body["stream"] is True
        assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
        assert body["messages"][2]["content"] == REPLIES[0]
        assert "standing over a defeated fire giant" in panel.chat_page.prompt_box.toPlainText()
        assert win.coach.get(sid).turns_used == 1
    finally:
        close_window(store, win)


def test_error_mid_stream_keeps_the_partial_reply_and_the_chat_usable(tmp_path: Path, qtbot, gemini_server,
                                                                      gemini_settings) -> None:  # noqa: ANN001
    gemini_server.script(Fault(route=STREAM, reply_text=REPLIES[0], error_after_events=6,
                               stream_error={"code": 503, "status": "UNAVAILABLE",
                                             "message": "The model is overloaded. Please try again later."}),
                         Fault(route=STREAM, reply_text=REPLIES[1]))
    store, win = open_window(tmp_path / "data", qtbot, gemini_settings)
    try:
        panel = win.coach_panel
        with qtbot.waitSignal(win.coach.replyFailed, timeout=10000) as failed:
            sid = start_simple(panel, qtbot)
        assert "overloaded" in failed.args[1] and "\n" not in failed.args[1]
        assert panel.chat_page.error_label.isVisibleTo(panel) and "overloaded" in panel.chat_page.error_label.text()
        texts = [b.raw for b in panel.chat_page.chat.bubbles() if isinstance(b, TextBubble)]
        assert REPLIES[0].startswith(texts[-2]) and len(texts[-2]) > 5  # the partial text stays
        assert texts[-1].startswith("The coach could not answer:")
        assert win.coach.get(sid).current_prompt is None
        assert panel.chat_page.input.isEnabled() and panel.chat_page.send_button.isVisible()
        with qtbot.waitSignal(win.coach.replyFinished, timeout=10000):
            send(panel, "try again please")
        assert "defeated fire giant" in panel.chat_page.prompt_box.toPlainText()
    finally:
        close_window(store, win)


def test_slow_first_token_does_not_block_the_gui(tmp_path: Path, qtbot, gemini_server, gemini_settings) -> None:  # noqa: ANN001
    gemini_server.script(Fault(route=STREAM, reply_text=REPLIES[0], first_event_delay_s=1.5))
    store, win = open_window(tmp_path / "data", qtbot, gemini_settings)
    try:
        panel = win.coach_panel
        ticks: list[float] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
        timer.start(20)
        t0 = time.perf_counter()
        start_simple(panel, qtbot)
        returned = time.perf_counter() - t0
        assert returned < 0.5  # starting the session did not wait for the model
        assert panel.chat_page.stop_button.isVisible() and not panel.chat_page.send_button.isVisible()
        assert panel.chat_page.chat.streaming_bubble is not None and panel.chat_page.chat.streaming_bubble.label.text() == "*…*"
        with qtbot.waitSignal(win.coach.replyFinished, timeout=10000):
            pass
        timer.stop()
        waited = [t for t in ticks if t - t0 < 1.4]
        gaps = [b - a for a, b in itertools.pairwise(waited)]
        assert len(waited) > 20 and max(gaps) < 0.3  # the event loop kept running while we waited
        assert "towering fire giant" in panel.chat_page.prompt_box.toPlainText()
    finally:
        close_window(store, win)


def test_stop_mid_stream_keeps_what_arrived_and_stops_reading(tmp_path: Path, qtbot, local_llm_server,
                                                              ollama_settings) -> None:  # noqa: ANN001
    long_reply = reply("Let me think about this step by step. " * 12, "A knight over a fire giant, embers")
    local_llm_server.script(Fault(route=CHAT, reply_text=long_reply, event_delay_s=0.05))
    store, win = open_window(tmp_path / "data", qtbot, ollama_settings)
    try:
        panel = win.coach_panel
        tokens: list[str] = []
        win.coach.tokenReceived.connect(lambda _sid, text: tokens.append(text))
        sid = start_simple(panel, qtbot)
        qtbot.waitUntil(lambda: len(tokens) >= 5, timeout=10000)
        with qtbot.waitSignal(win.coach.replyStopped, timeout=1000):
            qtbot.mouseClick(panel.chat_page.stop_button, Qt.MouseButton.LeftButton)
        shown = "".join(tokens)
        assert 0 < len(shown) < len(long_reply)
        qtbot.wait(400)  # events the server still sends must not reach the chat
        assert "".join(tokens) == shown
        messages = win.coach.get(sid).messages
        assert messages[-2].content == shown and messages[-1].content == "Stopped."
        assert panel.chat_page.chat.streaming_bubble is None and panel.chat_page.send_button.isVisible() and panel.chat_page.input.isEnabled()
        assert win.coach.get(sid).current_prompt is None and win.coach.get(sid).turns_used == 0
        written = len(local_llm_server.sent_events)
        qtbot.wait(300)
        assert len(local_llm_server.sent_events) <= written + 1  # the connection was closed
    finally:
        close_window(store, win)
