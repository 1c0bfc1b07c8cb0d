"""One fresh editor process for the canvas benchmarks: open the bench document, drag one photo.

Run as ``python -m tests.bench.canvas_session DATA_DIR DOC.json MOVES``; prints one JSON
line: open time (read + resolve + scene + first full repaint of a 1920x1080 viewport),
per-mouse-move times (a real QMouseEvent on the viewport, then a synchronous
viewport().repaint()), wall and CPU, and the process's peak RSS (VmHWM, see rss.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent, QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.bench.rss import peak_rss_mb  # noqa: E402

VIEWPORT = (1920, 1080)


def _mouse(view, kind: QEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> None:  # noqa: ANN001
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    event = QMouseEvent(kind, pos, QPointF(view.viewport().mapToGlobal(pos.toPoint())), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


def _grab_point(ws, doc) -> QPointF:  # noqa: ANN001
    """A viewport point where a photo from the middle of the stack is the top item (strokes cover much
    of the canvas; a press on a stroke would drag the stroke)."""
    order = doc.sorted_placements()
    mid = len(order) // 2
    for target in order[mid:] + order[:mid]:
        item = ws.scene.placement_item(target.id)
        r = item.sceneBoundingRect()
        for fy in (0.5, 0.35, 0.65, 0.2, 0.8):
            for fx in (0.5, 0.35, 0.65, 0.2, 0.8):
                scene_pos = QPointF(r.left() + fx * r.width(), r.top() + fy * r.height())
                if ws.scene.item_at(scene_pos) is item:
                    return QPointF(ws.view.mapFromScene(scene_pos))
    raise RuntimeError("no photo is uncovered anywhere")


def main(data_dir: str, doc_path: str, moves: int) -> dict:
    app = QApplication.instance() or QApplication(sys.argv)
    from studio_app.services.canvas_files import read_canvas_file, resolve_placements
    from studio_app.services.context import StudioStore
    from studio_app.services.images import LibraryImageSource
    from studio_app.services.media_library import MediaLibraryService
    from studio_app.ui.canvas.workspace import CanvasWorkspace

    store = StudioStore.open(data_dir)
    library = MediaLibraryService(store)
    images = LibraryImageSource(store)
    ws = CanvasWorkspace(QUndoStack(), images)
    ws.layers.show()  # the layers panel lists every item, as in the app
    view = ws.view
    ws.show()
    frame = 2 * view.frameWidth()
    view.setFixedSize(VIEWPORT[0] + frame, VIEWPORT[1] + frame)
    ws.adjustSize()
    app.processEvents()
    assert (view.viewport().width(), view.viewport().height()) == VIEWPORT, view.viewport().size()

    t0, c0 = time.perf_counter(), time.process_time()
    doc = read_canvas_file(doc_path)
    t1 = time.perf_counter()
    doc = resolve_placements(doc, store, library, base_dir=Path(doc_path).parent)
    t2 = time.perf_counter()
    ws.editor.set_document(doc)
    t3 = time.perf_counter()
    view.viewport().repaint()
    t4, c4 = time.perf_counter(), time.process_time()

    start = _grab_point(ws, doc)
    _mouse(view, QEvent.Type.MouseButtonPress, start, Qt.MouseButton.LeftButton)
    wall, cpu = [], []
    for i in range(1, moves + 1):
        pos = start + QPointF(3.0 * (i % 150), 40.0 * ((i // 25) % 3) + (i % 7))
        w0, p0 = time.perf_counter(), time.process_time()
        _mouse(view, QEvent.Type.MouseMove, pos, Qt.MouseButton.LeftButton)
        view.viewport().repaint()
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - p0) * 1000)
    r0 = time.perf_counter()
    _mouse(view, QEvent.Type.MouseButtonRelease, pos, Qt.MouseButton.NoButton)
    view.viewport().repaint()
    release = (time.perf_counter() - r0) * 1000
    before = {p.id: (p.x, p.y) for p in doc.placements}
    moved = [p.id for p in ws.editor.document.placements if (p.x, p.y) != before[p.id]]
    result = {
        "open_ms": (t4 - t0) * 1000, "open_cpu_ms": (c4 - c0) * 1000,
        "read_ms": (t1 - t0) * 1000, "resolve_ms": (t2 - t1) * 1000, "scene_ms": (t3 - t2) * 1000,
        "first_paint_ms": (t4 - t3) * 1000,
        "move_wall_ms": wall, "move_cpu_ms": cpu, "release_ms": release,
        "moved": [len(moved), ws.undo_stack.count()],
        "placements": len(doc.placements), "sketch_elements": len(doc.sketch_elements),
        "viewport": [view.viewport().width(), view.viewport().height()],
        "max_rss_mb": peak_rss_mb(),
    }
    store.close()
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
