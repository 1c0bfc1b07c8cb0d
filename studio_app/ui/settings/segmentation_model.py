"""Settings > Library: which segmentation model cuts out photos, and fetching the larger one.

The shipped u2netp (4.6 MB) is always there. A larger model (IS-Net, about 179 MB) can be
fetched on request: the size is shown before anything starts, a progress bar and a Cancel
button follow the download, the file's checksum is checked before it is kept, and an offline
machine gets a one-line message while the shipped model stays in use. All file and network
work runs in a QThreadPool worker.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from studio_app.services.segmentation_models import ModelState, SegmentationModels
from studio_app.services.workers import WorkerContext
from studio_app.ui.forms import note_label
from studio_app.ui.library.workers import JobRunner

OK_STYLE = "color: #1b7f3b;"
ERROR_STYLE = "color: #b3261e;"


class SegmentationModelWidget(QGroupBox):
    """Model choice with download, progress, cancel and a one-line status.

    Signals:
        changed(): a model was fetched or the choice was saved.

    Args:
        models: the segmentation models and the stored choice.
        runner: where the checks and the download run (default: a JobRunner on the global pool).
        url_override: fetch from this address instead of the model's own (tests: loopback).
    """

    changed = Signal()

    def __init__(self, models: SegmentationModels, *, runner: JobRunner | None = None,
                 url_override: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Background removal model", parent)
        self.models = models
        self.runner = runner or JobRunner(parent=self)
        self.url_override = url_override
        self.states: list[ModelState] = []
        self._cancel: threading.Event | None = None

        self.combo = QComboBox()
        self.combo.currentIndexChanged.connect(self._selection_changed)
        self.download_button = QPushButton("Download")
        self.download_button.clicked.connect(self.download)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setFormat("%p% of %m")
        self.progress.hide()
        self.status = QLabel("Checking installed models…")
        self.status.setWordWrap(True)
        note = note_label("Photos are cut out by a segmentation network on this computer; logos and "
                          "graphics on a plain colour use a faster colour key. The larger model gives "
                          "sharper edges but is slower.")
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(self.download_button)
        row.addWidget(self.cancel_button)
        form = QFormLayout(self)
        form.addRow("Model for photos", row)
        form.addRow("", self.progress)
        form.addRow("", self.status)
        form.addRow("", note)
        self.refresh()

    # -- state -----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while a check or a download is under way."""
        return self.runner.busy

    def refresh(self) -> None:
        """Re-read which models are installed (checksums, in a worker)."""
        self.combo.setEnabled(False)
        self.download_button.setEnabled(False)
        self.runner.start(lambda _s: self.models.states(), self._show_states, self._failed)

    def _show_states(self, states: list[ModelState]) -> None:
        self.states = states
        keep = self.combo.currentData()
        self.combo.blockSignals(True)
        self.combo.clear()
        for st in states:
            size = f"{st.spec.size_mb:.1f} MB"
            where = "shipped" if st.spec.shipped else ("downloaded" if st.installed else "not downloaded")
            self.combo.addItem(f"{st.spec.label} · {size} · {where}", st.spec.id)
        chosen = keep or next((st.spec.id for st in states if st.chosen), None)
        self.combo.setCurrentIndex(max(0, self.combo.findData(chosen)))
        self.combo.blockSignals(False)
        self.combo.setEnabled(True)
        self._selection_changed()

    def selected(self) -> ModelState | None:
        """The state of the model selected in the combo box."""
        model_id = self.combo.currentData()
        return next((st for st in self.states if st.spec.id == model_id), None)

    def _selection_changed(self) -> None:
        st = self.selected()
        if st is None:
            return
        needs = not st.installed
        self.download_button.setVisible(needs and self._cancel is None)
        self.download_button.setEnabled(needs and self._cancel is None)
        self.download_button.setText(f"Download ({st.spec.size_mb:.0f} MB)")
        if st.problem:
            self._say(f"{st.problem}. Download it again to use it.", ok=False)
        elif needs:
            self._say(f"Not downloaded yet: {st.spec.size_mb:.0f} MB from the model's publisher "
                      f"({st.spec.licence}). Until then the shipped model is used.", ok=None)
        elif st.chosen:
            self._say("In use for photos.", ok=True)
        else:
            self._say("Installed. Save to use it for photos.", ok=None)

    def _say(self, text: str, ok: bool | None) -> None:
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE if ok is False else "")
        self.status.setText(text)

    def _failed(self, message: str) -> None:
        self.combo.setEnabled(True)
        self._say(message, ok=False)

    # -- download --------------------------------------------------------------------------
    def download(self) -> None:
        """Fetch the selected model in a worker (progress bar, Cancel, checksum check)."""
        st = self.selected()
        if st is None or st.installed or self._cancel is not None:
            return
        cancel = threading.Event()
        self._cancel = cancel
        model_id, url = st.spec.id, self.url_override
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat(f"%p% of {st.spec.size_mb:.0f} MB")
        self.progress.show()
        self.download_button.hide()
        self.cancel_button.show()
        self.combo.setEnabled(False)
        self._say(f"Downloading {st.spec.label}…", ok=None)

        def work(ctx: WorkerContext) -> str:
            def report(done: int, total: int) -> None:
                ctx.progress((int(done * 100 // max(1, total)), 100))

            self.models.fetch(model_id, progress=report, cancel=cancel, url=url)
            return model_id

        self.runner.start(work, self._downloaded, self._download_failed,
                          lambda done, _t: self.progress.setValue(done))

    def cancel(self) -> None:
        """Stop a download under way (the partial file is removed)."""
        if self._cancel is not None:
            self._cancel.set()
            self._say("Cancelling…", ok=None)

    def _end_download(self) -> None:
        self._cancel = None
        self.progress.hide()
        self.cancel_button.hide()
        self.combo.setEnabled(True)

    def _downloaded(self, model_id: str) -> None:
        self._end_download()
        self.changed.emit()
        self.refresh()
        self.status.setText("Downloaded and checked. Save to use it for photos.")

    def _download_failed(self, message: str) -> None:
        self._end_download()
        self._selection_changed()
        self._say(message[:1].upper() + message[1:] + ".", ok=False)

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> str | None:
        """Store the selected model as the one for photos when it is installed.

        Returns:
            None when stored (or nothing to store), else a one-line reason it was not.
        """
        st = self.selected()
        if st is None or st.chosen:
            return None
        if not st.installed:
            return f"{st.spec.label} is not downloaded; the shipped model stays in use"
        try:
            self.models.choose(st.spec.id)
        except (KeyError, RuntimeError) as exc:
            return str(exc)
        self.changed.emit()
        return None
