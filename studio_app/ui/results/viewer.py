"""ResultViewer: one generated result at any zoom, on a checkerboard where it is transparent,
with its facts and every result action."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPalette, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from studio_app.services.results import ResultError, ResultInfo
from studio_app.ui.checkerboard import paint_checkerboard

from .actions import ACTION_TEXT, ResultActions

ZOOM_STEPS = (0.0625, 0.125, 0.25, 1 / 3, 0.5, 2 / 3, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)
"""Zoom levels (1.0 = 100 %: one image pixel per screen pixel)."""


class ZoomableImage(QWidget):
    """Draws an image at ``zoom`` (its size follows), the checkerboard behind transparent
    pixels, smooth when shrunk and pixel-exact when enlarged (so 400 % shows real pixels).

    Ctrl+wheel zooms. Signals: zoomChanged(float).
    """

    zoomChanged = Signal(float)

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self._zoom = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._resize()

    def zoom(self) -> float:
        """Current zoom (1.0 = 100 %)."""
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        """Zoom to ``zoom`` (clamped to the ZOOM_STEPS range)."""
        zoom = max(ZOOM_STEPS[0], min(ZOOM_STEPS[-1], zoom))
        if abs(zoom - self._zoom) > 1e-9:
            self._zoom = zoom
            self._resize()
            self.update()
            self.zoomChanged.emit(zoom)

    def step(self, direction: int) -> None:
        """One ZOOM_STEPS level in (+1) or out (-1)."""
        if direction > 0:
            self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom + 1e-9), ZOOM_STEPS[-1]))
        else:
            self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom - 1e-9), ZOOM_STEPS[0]))

    def fit_zoom(self, area: QSize) -> float:
        """The zoom that shows the whole image in ``area`` px, never above 100 %."""
        if self.image.isNull() or area.isEmpty():
            return 1.0
        return min(1.0, area.width() / self.image.width(), area.height() / self.image.height())

    def _resize(self) -> None:
        self.setFixedSize(max(1, round(self.image.width() * self._zoom)),
                          max(1, round(self.image.height() * self._zoom)))

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802 - Qt override
        p = QPainter(self)
        target = QRect(0, 0, self.width(), self.height())
        if self.image.hasAlphaChannel():
            paint_checkerboard(p, target)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._zoom < 1.0)
        p.drawImage(target, self.image)
        p.end()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.step(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
        else:
            super().wheelEvent(event)


class ResultViewer(QDialog):
    """A window for one result: the image (Fit, 100 %, zoom in/out), its facts, and the
    result actions (the same ResultActions as the strips and the coach card).

    Raises:
        ResultError: the result or its image is gone.
    """

    def __init__(self, actions: ResultActions, asset_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result_actions, self.asset_id = actions, asset_id
        info = actions.results.info(asset_id)
        image = QImage.fromData(actions.results.png(asset_id))
        if image.isNull():
            raise ResultError("The stored image could not be read.")
        self.setWindowTitle(f"Result {info.asset.width}x{info.asset.height} — Streamer Studio")
        self.setModal(False)

        zoom_row = self._build_zoom(image)
        side_widget = self._build_side(info)

        left = QVBoxLayout()
        left.addLayout(zoom_row)
        left.addWidget(self.scroll_area, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addWidget(side_widget)
        actions.deleted.connect(self._deleted)
        self.resize(1100, 720)
        self._fitted = False
        self._zoom_changed(self.canvas.zoom())

    def _build_zoom(self, image: QImage) -> QHBoxLayout:
        self.canvas = ZoomableImage(image)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area.setBackgroundRole(QPalette.ColorRole.Dark)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(52)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        zoom_out, zoom_in = QPushButton("−"), QPushButton("+")
        zoom_out.setToolTip("Zoom out (Ctrl+-)")
        zoom_in.setToolTip("Zoom in (Ctrl++)")
        self.actual_button = QPushButton("100%")
        self.actual_button.setToolTip("Actual pixels (Ctrl+0)")
        self.fit_button = QPushButton("Fit")
        self.fit_button.setToolTip("Fit in the window (Ctrl+9)")
        zoom_out.clicked.connect(lambda: self.canvas.step(-1))
        zoom_in.clicked.connect(lambda: self.canvas.step(1))
        self.actual_button.clicked.connect(lambda: self.canvas.set_zoom(1.0))
        self.fit_button.clicked.connect(self.fit)
        for keys, slot in ((QKeySequence.StandardKey.ZoomIn, lambda: self.canvas.step(1)),
                           (QKeySequence.StandardKey.ZoomOut, lambda: self.canvas.step(-1)),
                           (QKeySequence("Ctrl+0"), lambda: self.canvas.set_zoom(1.0)),
                           (QKeySequence("Ctrl+9"), self.fit)):
            QShortcut(keys, self).activated.connect(slot)
        self.canvas.zoomChanged.connect(self._zoom_changed)
        zoom_row = QHBoxLayout()
        for w in (zoom_out, self.zoom_label, zoom_in, self.actual_button, self.fit_button):
            zoom_row.addWidget(w)
        zoom_row.addStretch(1)
        if image.hasAlphaChannel():
            zoom_row.addWidget(QLabel("Transparent areas show as a checkerboard"))
        return zoom_row

    def _build_side(self, info: ResultInfo) -> QWidget:
        facts = QFormLayout()
        self.fact_labels: dict[str, QLabel] = {}
        for key, value in info.lines():
            label = QLabel(value)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fact_labels[key] = label
            facts.addRow(f"{key}:", label)
        side = QVBoxLayout()
        side.addLayout(facts)
        side.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        for action_id in ("save", "export", "copy", "place", "show", "reuse", "refine", "delete"):
            button = QPushButton(ACTION_TEXT[action_id])
            button.clicked.connect(lambda _=False, a=action_id: self._run(a))
            self.buttons[action_id] = button
            side.addWidget(button)
        side_widget = QWidget()
        side_widget.setLayout(side)
        side_widget.setFixedWidth(300)
        return side_widget

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        """Opens fitted to the window (never enlarged past 100 %)."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit()

    def fit(self) -> None:
        """Show the whole image."""
        self.canvas.set_zoom(self.canvas.fit_zoom(self.scroll_area.viewport().size() - QSize(4, 4)))

    def _zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f}%")

    def _run(self, action_id: str) -> None:
        self.result_actions.trigger(action_id, self.asset_id)

    def _deleted(self, asset_id: str) -> None:
        if asset_id == self.asset_id:
            self.close()
