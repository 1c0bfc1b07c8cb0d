"""Every result action through the real main window, from the results strip, the library's
Generated tab and the coach's result card (pytest-qt, offline provider, real store)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import JobStatus
from studio_app.domain.sketch import SketchElement
from studio_app.services.coach import StartCoachRequest
from studio_app.ui.checkerboard import DARK, LIGHT
from studio_app.ui.coach.chat_view import AssetBubble
from studio_app.ui.results.export_dialog import ExportDialog
from studio_app.ui.results.viewer import ResultViewer
from tests.job_signals import COMPLETED, args_of, wait_coach_event, wait_job_event

COACH_PROMPT = "A grinning cat emote, thick white outline, transparent background."


@pytest.fixture
def window(open_window):  # noqa: ANN001, ANN201
    win = open_window(size=(1366, 768))
    # An emote on a transparent canvas: the results have alpha, so the viewer shows the checkerboard.
    win.documents.replace_document(CanvasDocument(asset_type=AssetType.TWITCH_EMOTE, background="#00000000", sketch_elements=[
        SketchElement(kind="ellipse", points=[(25, 25), (75, 75)], color="#FFD60A", fill="#FF3B30")]), None)
    yield win
    close_boxes()
    win.coach.shutdown()
    win.generation.pool.waitForDone(10000)


def close_boxes() -> None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox | ResultViewer) and w.isVisible():
            w.close()


def main_result(win, qtbot) -> str:  # noqa: ANN001
    """A result of the main Generate with the streamer's prompt "neon cat"."""
    win.generate_options.prompt_edit.setText("neon cat")
    with wait_job_event(qtbot, win.generation, COMPLETED, timeout=30000) as sig:
        win.generate_button.click()
    qtbot.waitUntil(lambda: args_of(sig)[1] in win.generated.asset_ids(), timeout=5000)
    return args_of(sig)[1]


def coach_result(win, qtbot) -> tuple[str, AssetBubble]:  # noqa: ANN001
    """A result of the coach's Generate Now, shown as a card in the chat."""
    panel = win.coach_panel
    sid = panel.start(StartCoachRequest(asset_type=AssetType.TWITCH_EMOTE, description="cat emote",
                                        canvas=win.editor.document))
    win.coach.set_prompt(sid, COACH_PROMPT)
    with wait_coach_event(qtbot, win.coach, COMPLETED, timeout=30000) as sig:
        panel.generate()
    asset_id = sig.args[1].asset_id
    qtbot.waitUntil(lambda: isinstance(panel.chat_page.chat.bubbles()[-1], AssetBubble), timeout=5000)
    qtbot.waitUntil(lambda: asset_id in win.results.asset_ids(), timeout=5000)
    return asset_id, panel.chat_page.chat.bubbles()[-1]


def sizes(win, asset_id: str) -> tuple[str, str]:  # noqa: ANN001
    """("WxH px" requested, "WxH px" received) as the job recorded them for this result."""
    asset = win.generation.store.assets.get(asset_id)
    job = win.generation.store.jobs.get(asset.job_id)
    cand = next(c for c in job.parameters["candidates"] if c["asset_id"] == asset_id)
    req, got = cand["requested_size"] or [112, 112], cand["received_size"]
    assert tuple(got) == tuple(job.received_size)  # one candidate: the job record says the same
    return f"{req[0]}x{req[1]} px", f"{got[0]}x{got[1]} px"


def strip_menu(strip, asset_id: str) -> QMenu:  # noqa: ANN001
    """Right-click the result's item, as the streamer does; returns the menu that opened."""
    item = strip.item_for(asset_id)
    strip.scrollToItem(item)
    strip.customContextMenuRequested.emit(strip.visualItemRect(item).center())
    assert strip.last_menu is not None and strip.last_menu.isVisible()
    return strip.last_menu


def card_menu(win, bubble: AssetBubble, qtbot) -> QMenu:  # noqa: ANN001
    """Click the card's "More" button; returns the menu that opened."""
    qtbot.mouseClick(bubble.more_button, Qt.MouseButton.LeftButton)
    menu = win.coach_panel.last_menu
    assert menu is not None and menu.isVisible()
    return menu


def run(menu: QMenu, action_id: str) -> None:
    """Trigger the menu entry ``action_id`` and close the menu, as a click on it does."""
    act = menu.findChild(type(menu.actions()[0]), f"result_{action_id}")
    assert act is not None, f"no {action_id} in the menu"
    act.trigger()
    menu.close()


def check_every_action(win, qtbot, tmp_path: Path, asset_id: str, open_menu, *, coach: bool) -> None:  # noqa: ANN001, C901, PLR0915
    acts = win.result_actions
    store = win.generation.store
    asset = store.assets.get(asset_id)
    png = store.blobs.get(asset.content_hash)

    menu = open_menu()
    names = [a.objectName() for a in menu.actions() if not a.isSeparator()]
    assert names == [f"result_{n}" for n in ("open", "save", "export", "copy", "place", "show", "reuse",
                                              "refine", "delete")]
    assert menu.defaultAction().objectName() == "result_open"

    # Open in the viewer: fitted, 100 % shows real pixels, checkerboard behind the transparent ones.
    run(menu, "open")
    viewer = acts.viewers[-1]
    qtbot.waitExposed(viewer)
    assert viewer.asset_id == asset_id
    requested, received = sizes(win, asset_id)
    assert viewer.fact_labels["Size requested"].text() == requested
    assert viewer.fact_labels["Size received"].text() == received
    assert viewer.fact_labels["Stored"].text().startswith("112x112 px")
    assert viewer.fact_labels["Provider"].text().startswith("offline")
    assert viewer.fact_labels["Prompt"].text() == (COACH_PROMPT if coach else "neon cat")
    assert viewer.fact_labels["Made"].text().startswith(asset.created_at.astimezone().strftime("%Y-%m-%d"))
    qtbot.mouseClick(viewer.actual_button, Qt.MouseButton.LeftButton)
    assert viewer.canvas.zoom() == 1.0 and viewer.canvas.size().width() == 112
    viewer.canvas.step(1)
    assert viewer.canvas.zoom() == 1.5 and viewer.zoom_label.text() == "150%"
    qtbot.mouseClick(viewer.actual_button, Qt.MouseButton.LeftButton)
    with Image.open(io.BytesIO(png)) as im:
        rgba = im.convert("RGBA")
        clear = next((x, y) for y in range(112) for x in range(112) if rgba.getpixel((x, y))[3] == 0)
        solid = next((x, y) for y in range(112) for x in range(112) if rgba.getpixel((x, y))[3] == 255)
    shot = viewer.canvas.grab().toImage()
    assert QColor(shot.pixel(*clear)) in (LIGHT, DARK)
    r, g, b, _ = rgba.getpixel(solid)
    assert QColor(shot.pixel(*solid)) == QColor(r, g, b)
    viewer.close()

    # Save as…: the exact PNG, and the folder is remembered for next time.
    starts: list[str] = []
    acts.ask_save_path = lambda _title, start: (starts.append(start), str(tmp_path / "saved" / "mine.png"))[1]
    run(open_menu(), "save")
    assert (tmp_path / "saved" / "mine.png").read_bytes() == png
    run(open_menu(), "save")
    assert Path(starts[1]).parent == tmp_path / "saved"

    # Export for platform…: the preset dialog for this result.
    opened: list[str] = []
    real_opener = acts.export_opener
    acts.export_opener = lambda parent, aid, results: opened.append(aid)
    run(open_menu(), "export")
    assert opened == [asset_id]
    acts.export_opener = real_opener

    # Copy: the full-size image with its alpha.
    QGuiApplication.clipboard().clear()
    run(open_menu(), "copy")
    copied = QGuiApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (112, 112) and copied.hasAlphaChannel()

    # Place on the canvas: a new placement (one undo step) of a library copy.
    before = len(win.editor.document.placements)
    run(open_menu(), "place")
    placements = win.editor.document.placements
    assert len(placements) == before + 1
    media = win.library.get(placements[-1].asset_id)
    assert "generated" in media.tags and (media.width, media.height) == (112, 112)
    win.undo_stack.undo()
    assert len(win.editor.document.placements) == before

    # Show in library: the Generated tab, this result selected.
    win.left_tabs.setCurrentIndex(0)
    run(open_menu(), "show")
    assert win.left_tabs.currentWidget() is win.generated
    assert win.generated.current_asset_id() == asset_id

    # Reuse prompt: back in the prompt field; the next Generate sends it.
    win.generate_options.prompt_edit.clear()
    run(open_menu(), "reuse")
    assert win.generate_options.prompt_edit.text() == (COACH_PROMPT if coach else "neon cat")
    with wait_job_event(qtbot, win.generation, COMPLETED, timeout=30000) as sig:
        win.generate_button.click()
    job = store.jobs.get(args_of(sig)[0])
    if coach:
        assert job.prompt == COACH_PROMPT  # the coach's complete prompt, sent unchanged
    else:
        assert job.parameters["custom_prompt"] == "neon cat" and "neon cat" in job.prompt

    # Refine: the coach's card refines within its open session; other results refine the next Generate.
    run(open_menu(), "refine")
    if coach:
        assert win.coach.get(win.coach_panel.session_id).context.refine_asset_id == asset_id
        assert win.coach_panel.chat_page.refine_row.isVisible()
    else:
        assert win.generate_options.refine_asset_id == asset_id and win.generate_options.refine_label.isVisible()
        assert win.flow.refine_input() == png

    # Delete: asks first; No keeps it, Yes tombstones the row, removes the blob and every surface drops it.
    questions: list[str] = []
    acts.confirm = lambda message: (questions.append(message), False)[1]
    run(open_menu(), "delete")
    assert store.assets.get(asset_id).id == asset_id and len(questions) == 1
    viewer = acts.open_viewer(asset_id)
    acts.confirm = lambda message: True
    run(open_menu(), "delete")
    assert asset_id not in [a.id for a in store.assets.list()]
    assert not store.blobs.exists(asset.content_hash) or store.assets.blob_in_use(asset.content_hash)
    assert asset_id not in win.results.asset_ids() and asset_id not in win.generated.asset_ids()
    qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=2000)
    if coach:
        card = [b for b in win.coach_panel.chat_page.chat.bubbles() if isinstance(b, AssetBubble) and b.asset_id == asset_id]
        assert card[0].deleted and not card[0].more_button.isEnabled()
    else:
        assert win.generate_options.refine_asset_id is None  # nothing left to refine


def test_every_action_from_the_results_strip(window, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    asset_id = main_result(window, qtbot)
    tip = window.results.item_for(asset_id).toolTip()
    requested, received = sizes(window, asset_id)
    for fragment in ("Prompt: neon cat", "Model: offline-preview", "Provider: offline", f"Size requested: {requested}",
                     f"Size received: {received}", "Made: "):
        assert fragment in tip
    check_every_action(window, qtbot, tmp_path, asset_id, lambda: strip_menu(window.results, asset_id), coach=False)


def test_every_action_from_the_generated_tab(window, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    asset_id = main_result(window, qtbot)
    window.left_tabs.setCurrentWidget(window.generated)
    assert f"Size received: {sizes(window, asset_id)[1]}" in window.generated.item_for(asset_id).toolTip()
    check_every_action(window, qtbot, tmp_path, asset_id, lambda: strip_menu(window.generated, asset_id),
                       coach=False)


def test_every_action_from_the_coach_card(window, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    asset_id, bubble = coach_result(window, qtbot)
    assert f"Size requested: {sizes(window, asset_id)[0]}" in bubble.preview.toolTip()
    check_every_action(window, qtbot, tmp_path, asset_id, lambda: card_menu(window, bubble, qtbot), coach=True)


def test_double_click_and_keys_do_the_usual_action(window, qtbot) -> None:  # noqa: ANN001
    asset_id = main_result(window, qtbot)
    strip = window.results
    item = strip.item_for(asset_id)
    centre = strip.visualItemRect(item).center()
    # A real double-click: press/release, then the double-click event (Qt's item views need both).
    QTest.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseDClick(strip.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    assert window.result_actions.viewers and window.result_actions.viewers[-1].asset_id == asset_id
    window.result_actions.viewers[-1].close()
    strip.setCurrentItem(item)
    strip.setFocus()
    QTest.keyClick(strip, Qt.Key.Key_Return)
    assert window.result_actions.viewers[-1].asset_id == asset_id
    window.result_actions.viewers[-1].close()
    window.result_actions.confirm = lambda _m: True
    QTest.keyClick(strip, Qt.Key.Key_Delete)
    assert asset_id not in strip.asset_ids()
    # The coach card: double-click on its picture opens the viewer too.
    cid, bubble = coach_result(window, qtbot)
    QTest.mouseDClick(bubble.preview, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      QPoint(bubble.preview.width() // 2, bubble.preview.height() // 2))
    assert window.result_actions.viewers[-1].asset_id == cid


def test_export_for_platform_opens_the_preset_dialog(window, qtbot) -> None:  # noqa: ANN001
    asset_id = main_result(window, qtbot)
    item = window.generated.item_for(asset_id)
    window.generated.customContextMenuRequested.emit(window.generated.visualItemRect(item).center())
    run(window.generated.last_menu, "export")
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog) and w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].asset_id == asset_id
    assert dialogs[0].isModal() or dialogs[0].windowModality() != Qt.WindowModality.NonModal
    dialogs[0].close()


def test_an_action_on_a_result_deleted_elsewhere_says_so(window, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    asset_id = main_result(window, qtbot)
    window.results_service.delete(asset_id)  # e.g. `studio results delete` or another window
    assert window.result_actions.save_as(asset_id, tmp_path / "x.png") is None
    assert window.result_actions.last_error == "That result no longer exists."
    assert not (tmp_path / "x.png").exists()
    assert window.generation.store.jobs.get(window.generation.store.jobs.list()[0].id).status == JobStatus.COMPLETED
