"""Screenshots of the composer and of Easy Sketch, drawn offscreen from the real window.

Writes docs/composer.png and docs/easy-sketch.png when STUDIO_SCREENSHOT_DIR is set
(``STUDIO_SCREENSHOT_DIR=docs pytest tests/ui/test_canvas_screenshots.py``); otherwise
into a temp dir. Each test also checks the picture shows what it should.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF

from studio_app.canvas.kinds import PLACEMENT
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.sketch import SketchElement
from studio_app.ui.canvas.commands import AddSketchCommand, SetDocumentFieldsCommand

from .canvas.conftest import drag


@pytest.fixture
def window(open_window):  # noqa: ANN001, ANN201
    win = open_window(size=(1920, 1080))
    yield win
    win.undo_stack.setClean()


def _out(tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("STUDIO_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def _add(window, **fields) -> SketchElement:  # noqa: ANN001, ANN003
    e = SketchElement(**fields)
    window.undo_stack.push(AddSketchCommand(window.editor, e))
    return e


def test_composer_screenshot(window, photos, tmp_path, qtbot) -> None:  # noqa: ANN001
    outcomes = window.library.import_files(photos)
    window.library_panel.refresh()
    by_name = {o.asset.display_name: o.asset.id for o in outcomes if o.asset}
    hubble = next(v for k, v in by_name.items() if "hubble" in k.lower())
    astronaut = next(v for k, v in by_name.items() if "astronaut" in k.lower())
    cat = next(v for k, v in by_name.items() if "chelsea" in k.lower())
    window.undo_stack.push(SetDocumentFieldsCommand(window.editor, {"background": "#1E1E28"},
                                                    {"background": "#070A12"}, "Background"))
    (bg,) = window.place_media([hubble], QPointF(640, 360))
    window.scene.select({PLACEMENT: [bg]})
    window.scene.ops.set_selected_fields({"width": 100.0, "height": 100.0, "x": 50.0, "y": 50.0}, "Fill")
    (hero,) = window.place_media([astronaut], QPointF(300, 380))
    window.scene.select({PLACEMENT: [hero]})
    window.scene.ops.set_selected_fields({"width": 36.0, "height": 64.0, "rotation": 352.0}, "Hero")
    (pet,) = window.place_media([cat], QPointF(960, 470))
    window.scene.select({PLACEMENT: [pet]})
    window.scene.ops.set_selected_fields({"width": 26.0, "height": 30.0}, "Pet")
    window.scene.ops.flip_selected("h")
    _add(window, kind="text", points=[(47, 8)], text="NEW VIDEO!", color="#FFCC00", font_size=110 / 7.2,  # px of 720
         font_family="DejaVu Sans")
    _add(window, kind="arrow", points=[(52, 40), (66, 55)], color="#FF3B30", stroke_width=12 / 7.2)
    _add(window, kind="ellipse", points=[(63, 50), (92, 95)], color="#FF3B30", stroke_width=8 / 7.2)
    _add(window, kind="pen", points=[(8, 88), (14, 84), (20, 90), (27, 85), (33, 91), (40, 86)], color="#34C759",
         stroke_width=10 / 7.2)
    window.scene.select({PLACEMENT: [hero]})
    window.canvas_actions.actions["safe_zones"].trigger()
    window.coach_panel.setMinimumWidth(260)
    qtbot.wait(400)  # library thumbnails load in the background
    out = _out(tmp_path, "composer.png")
    assert window.grab().save(str(out))
    image = window.grab().toImage()
    assert image.width() >= 1600
    # the inspector shows the selected placement and the layers panel lists every item
    assert window.workspace.inspector.spins["rotation"].value() == 352.0
    assert window.workspace.layers.topLevelItemCount() == 4  # sketch layer + 3 placements
    assert len(image.convertToFormat(image.Format.Format_RGB32).constBits()) > 0


def test_easy_sketch_screenshot(window, photos, tmp_path, qtbot) -> None:  # noqa: ANN001
    window.generation.store.brand_kits.save(BrandKit(name="Neon Nights", primary_colors=["#9146FF", "#FF2E88"],
                                          accent_colors=["#00F0FF", "#FFE14D", "#FFFFFF"], is_active=True))
    asset = window.library.import_file(photos[2]).asset
    window.library_panel.refresh()
    (pid,) = window.place_media([asset.id], QPointF(420, 360))
    window.scene.select({PLACEMENT: [pid]})
    window.scene.ops.set_selected_fields({"width": 45.0, "height": 80.0}, "Size")
    window.scene.clearSelection()
    window.workspace.easy_action.trigger()
    bar = window.workspace.easy_bar
    view = window.canvas_view
    bar.swatches["#FF2E88"].click()
    drag(view, [QPointF(760 + 12 * i, 210 + 45 * math.sin(i / 3.0)) for i in range(30)])
    bar.tool_buttons["arrow"].click()
    bar.swatches["#00F0FF"].click()
    drag(view, [QPointF(1100, 600), QPointF(900, 450), QPointF(720, 380)])
    bar.tool_buttons["text"].click()
    bar.swatches["#FFE14D"].click()
    window.scene.tools.text.begin_edit(None, QPointF(700, 560))
    window.scene.tools.text.edit_item.setPlainText("SO COZY")
    window.scene.tools.text.commit()
    bar.tool_buttons["pen"].click()
    qtbot.wait(400)  # library thumbnails load in the background
    kinds = [e.kind for e in window.editor.document.sketch_elements]
    assert kinds == ["pen", "arrow", "text"]
    assert [e.color for e in window.editor.document.sketch_elements] == ["#FF2E88", "#00F0FF", "#FFE14D"]
    out = _out(tmp_path, "easy-sketch.png")
    assert window.grab().save(str(out))
