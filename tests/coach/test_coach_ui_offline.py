"""The whole coach flow through the real main window with the offline guided coach: start from a
canvas with placements and a sketch, three turns, Generate Now inline, the asset in the chat and
the library, then an app restart and the session reopened from history."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.coach import CoachStatus
from studio_app.services.context import StudioStore
from studio_app.ui.coach.chat_view import AssetBubble, TextBubble
from tests.job_signals import COMPLETED, wait_coach_event
from tests.windows import close_main_window, show_main_window

from ..ui.helpers import stroke


def open_window(data: Path, qtbot):  # noqa: ANN001, ANN201
    store = StudioStore.open(data)
    return store, show_main_window(store, qtbot)


close_window = close_main_window


def type_and_enter(panel, text: str) -> None:  # noqa: ANN001
    panel.chat_page.input.setPlainText(text)
    QTest.keyClick(panel.chat_page.input, Qt.Key.Key_Return)


def test_offline_coach_from_canvas_to_asset_and_back_after_restart(tmp_path: Path, photos, qtbot) -> None:  # noqa: ANN001
    data = tmp_path / "data"
    store, win = open_window(data, qtbot)
    try:
        ids = [o.asset.id for o in win.library.import_files(photos[:2]) if o.asset]
        doc = win.editor.document
        win.place_media([ids[0]], QPointF(doc.width * 0.3, doc.height * 0.5))
        win.place_media([ids[1]], QPointF(doc.width * 0.75, doc.height * 0.55))
        win.tool_actions["pen"].trigger()
        stroke(win.canvas_view, [QPointF(doc.width * f, doc.height * 0.85) for f in (0.2, 0.35, 0.5, 0.65)])
        assert len(win.editor.document.placements) == 2 and len(win.editor.document.sketch_elements) == 1

        panel = win.coach_panel
        panel.show_start()
        form = panel.start_form
        names = [c.text() for c in form.media_checks]
        assert names == [p.stem for p in photos[:2]] and all(c.isChecked() for c in form.media_checks)
        assert "The coach will see:" in form.canvas_summary.text()
        form.mood.setCurrentIndex(form.mood.findData("epic"))
        form.game.setText("Elden Ring")
        form.description.setPlainText("me and my buddy beating the final boss")
        qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
        assert panel.pages.currentWidget() is panel.chat_page
        sid = panel.session_id
        session = win.coach.get(sid)
        assert session.mood == "epic" and session.game_context == "Elden Ring"
        assert session.context.media_asset_ids == ids
        assert photos[0].stem in session.context.canvas_snapshot_description
        assert "Offline guided coach" in panel.engine_label.text()

        for answer in ("GG EZ", "add golden sparks", "make the boss huge in the background"):
            type_and_enter(panel, answer)
            assert panel.chat_page.input.toPlainText() == ""
        session = win.coach.get(sid)
        assert session.turns_used == 3
        texts = [b.raw for b in panel.chat_page.chat.bubbles() if isinstance(b, TextBubble)]
        assert texts[-2] == "make the boss huge in the background" and "Added" in texts[-1]
        prompt = panel.chat_page.prompt_box.toPlainText()
        assert "'GG EZ'" in prompt and "golden sparks" in prompt and "Canvas layout" in prompt
        assert "turn 3/10" in panel.chat_page.session_label.text()

        with wait_coach_event(qtbot, win.coach, COMPLETED, timeout=30000) as sig:
            qtbot.mouseClick(panel.chat_page.generate_button, Qt.MouseButton.LeftButton)
        asset_id = sig.args[1].asset_id
        qtbot.waitUntil(lambda: panel.chat_page.progress.value() == 100, timeout=5000)
        bubble = panel.chat_page.chat.bubbles()[-1]
        assert isinstance(bubble, AssetBubble) and bubble.asset_id == asset_id
        assert not bubble.preview.pixmap().isNull()
        qtbot.waitUntil(lambda: asset_id in win.generated.asset_ids(), timeout=5000)  # the library's Generated tab
        qtbot.mouseClick(bubble.show_button, Qt.MouseButton.LeftButton)
        assert win.left_tabs.currentWidget() is win.generated
        assert win.generated.currentItem().data(Qt.ItemDataRole.UserRole) == asset_id
        saved = panel.save_asset(asset_id, tmp_path / "export" / "clutch.png")
        assert saved is not None and saved.read_bytes()[:4] == b"\x89PNG"
        qtbot.mouseClick(bubble.refine_button, Qt.MouseButton.LeftButton)
        assert panel.chat_page.refine_row.isVisible()
        panel.chat_page.prompt_box.setPlainText(prompt + "\nMore lens flare.")
        before = [(m.role, m.type, m.content, m.asset_id) for m in win.coach.get(sid).messages]
    finally:
        close_window(store, win)

    store, win = open_window(data, qtbot)  # the app restarts on the same data dir
    try:
        panel = win.coach_panel
        panel.show_history()
        model = panel.history.model
        assert [r.id for r in model.rows] == [sid]
        row = model.rows[0]
        assert row.turns_used == 3 and row.has_assets and row.status == CoachStatus.ACTIVE
        assert model.data(model.index(0, 5)) == "yes" and model.data(model.index(0, 1)) == "epic"
        assert panel.history.select(sid)
        qtbot.mouseClick(panel.history.open_button, Qt.MouseButton.LeftButton)
        assert panel.pages.currentWidget() is panel.chat_page and panel.session_id == sid
        after = [(m.role, m.type, m.content, m.asset_id) for m in win.coach.get(sid).messages]
        assert after == before
        assert len(panel.chat_page.chat.bubbles()) == len(before)
        assert isinstance(panel.chat_page.chat.bubbles()[-2], AssetBubble)
        assert panel.chat_page.prompt_box.toPlainText().endswith("More lens flare.")  # the hand edit was kept
        assert panel.chat_page.prompt_source.text() == "edited by you"
        assert panel.chat_page.refine_row.isVisible() and win.coach.get(sid).context.refine_asset_id == asset_id
        assert [a.id for a in win.coach.session_assets(sid)] == [asset_id]
        type_and_enter(panel, "change text")  # the offline coach resumes where it was
        assert "text" in win.coach.get(sid).messages[-1].content.lower()
        assert win.coach.get(sid).turns_used == 4

        qtbot.mouseClick(panel.chat_page.end_button, Qt.MouseButton.LeftButton)
        assert panel.chat_page.banner.isVisible() and not panel.chat_page.input.isEnabled() and panel.chat_page.prompt_box.isReadOnly()
        assert not panel.chat_page.generate_button.isEnabled()
        qtbot.mouseClick(panel.chat_page.continue_button, Qt.MouseButton.LeftButton)
        assert panel.session_id != sid and not panel.chat_page.banner.isVisible()
        assert panel.chat_page.prompt_box.toPlainText().endswith("More lens flare.")
    finally:
        close_window(store, win)


@pytest.fixture
def window(tmp_path: Path, qtbot):  # noqa: ANN001, ANN201
    store, win = open_window(tmp_path / "data", qtbot)
    yield win
    close_window(store, win)


def test_start_form_errors_stay_on_the_form(window, qtbot) -> None:  # noqa: ANN001
    panel = window.coach_panel
    form = panel.start_form
    form.mood.setCurrentIndex(form.mood.findData("custom"))
    assert form.custom_mood.isVisibleTo(form)
    qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    assert form.error.isVisibleTo(form) and "custom mood" in form.error.text()
    assert panel.pages.currentWidget() is form and window.generation.store.coach_sessions.count() == 0
    form.custom_mood.setText("sleepy but smug")
    qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    assert panel.pages.currentWidget() is panel.chat_page
    assert window.coach.get(panel.session_id).context.custom_mood == "sleepy but smug"


def test_history_delete_removes_the_session(window, qtbot, monkeypatch) -> None:  # noqa: ANN001
    panel = window.coach_panel
    qtbot.mouseClick(panel.start_form.start_button, Qt.MouseButton.LeftButton)
    sid = panel.session_id
    panel.show_history()
    assert panel.history.select(sid)
    assert panel.history.delete_selected(confirm=False)
    assert panel.history.model.rows == [] and panel.history.total.text() == "0 sessions"
    assert window.generation.store.coach_sessions.count() == 0


def test_brand_kit_chosen_on_the_form_reaches_the_prompt(window, qtbot) -> None:  # noqa: ANN001
    kit = window.generation.store.brand_kits.save(BrandKit(name="Neon", primary_colors=["#00FF88"], tone="chaotic"))
    panel = window.coach_panel
    panel.show_start()
    form = panel.start_form
    assert [form.brand_kit.itemText(i) for i in range(form.brand_kit.count())] == \
        ["Default colours (no kit)", "Neon"]
    form.brand_kit.setCurrentIndex(form.brand_kit.findData(kit.id))
    form.description.setPlainText("a frog DJ")
    qtbot.mouseClick(form.start_button, Qt.MouseButton.LeftButton)
    type_and_enter(panel, "none")
    session = window.coach.get(panel.session_id)
    assert session.brand_kit_id == kit.id
    assert "#00FF88" in (session.current_prompt or "") and "chaotic" in (session.current_prompt or "")
