"""The main window's Generate flow: the target and snapshot controls, Generate / Cancel, the
progress bar, the results strip and staging area, and what a result's actions do to the window.

``GenerationFlow`` is composed by MainWindow; it builds its widgets, submits GenerateRequests
to the GenerationService and follows the job's progress, completion and failure signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.asset_types import TARGET_SPECS
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.job_events import JobEvent, JobMessage
from studio_app.domain.jobs import JobStatus
from studio_app.services.generation import GenerateRequest, GenerationError
from studio_app.services.media_library import NotFoundError
from studio_app.services.results import ResultError, ResultInfo, ResultsService

from .canvas.commands import ChangeAssetTypeCommand
from .results.actions import ResultActions
from .results.generate_options import GenerateOptions
from .results.staging import CandidateStaging
from .results.strip import ResultsStrip

if TYPE_CHECKING:
    from .main_window import MainWindow


class GenerationFlow:
    """Generate controls, results and their actions of ``window`` (a MainWindow).

    The widgets are attributes (``asset_type_combo``, ``canvas_mode``, ``generate_button``,
    ``cancel_button``, ``progress``, ``results``, ``generate_options``, ``staging``);
    ``active_job`` is the id of the job Generate started and is still running, else None.
    """

    def __init__(self, window: MainWindow, results_service: ResultsService) -> None:
        self.window = window
        self.generation = window.generation
        self.editor = window.editor
        self.results_service = results_service
        self.active_job: str | None = None
        self._canvas_mode_chosen: bool | None = None
        self._build_controls()

    def attach(self) -> None:
        """Build the results strip, staging and options and connect everything; call once the
        window's coach panel and Generated strip exist."""
        self._build_results()
        self._connect()

    # -- building ----------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.asset_type_combo = QComboBox()
        for t, spec in TARGET_SPECS.items():
            self.asset_type_combo.addItem(f"{spec.label} ({spec.width}x{spec.height})", t.value)
        self.asset_type_combo.currentIndexChanged.connect(self._asset_type_chosen)
        self.canvas_mode = QCheckBox("Canvas snapshot")
        self.canvas_mode.setToolTip("Send the canvas as a 2x snapshot plus its description with the prompt "
                                    "(on whenever the canvas has placements or sketch elements)")
        self.canvas_mode.toggled.connect(self._canvas_mode_toggled)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setDefault(True)
        self.generate_button.setMinimumHeight(34)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the running generation (Esc)")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setMinimumWidth(120)

    def _build_results(self) -> None:
        window = self.window
        self.results = ResultsStrip(window.asset_bytes)
        self.result_actions = ResultActions(self.results_service, window,
                                            load_preview=self.generation.thumbnail_png)
        for strip in (self.results, window.generated):
            strip.set_actions(self.result_actions)
        window.coach_panel.set_result_actions(self.result_actions)
        self.generate_options = GenerateOptions(self.results_service.settings().variations)
        self.generate_options.countChanged.connect(self._variations_changed)
        self.staging = CandidateStaging(self.result_actions)
        self.staging.closed.connect(self.results.show)

    def centre_widget(self, workspace: QWidget) -> QWidget:
        """The window's central widget: ``workspace`` above the options, the generate and
        progress rows, the staging area and the results strip."""
        bottom = QHBoxLayout()
        bottom.setContentsMargins(6, 4, 6, 0)
        bottom.addWidget(QLabel("Target:"))
        bottom.addWidget(self.asset_type_combo, 1)
        bottom.addWidget(self.generate_button)
        bottom.addWidget(self.cancel_button)
        # A second row: the snapshot switch and the progress, so "Done (offline preview)" is never
        # squeezed and the generate row fits the canvas column of a 1366 px laptop.
        progress_row = QHBoxLayout()
        progress_row.setContentsMargins(6, 2, 6, 4)
        progress_row.addWidget(self.canvas_mode)
        progress_row.addWidget(self.progress, 1)
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(workspace, 1)
        options_layout = self.generate_options.layout()
        if options_layout is not None:
            options_layout.setContentsMargins(6, 0, 6, 0)
        cl.addWidget(self.generate_options)
        cl.addLayout(bottom)
        cl.addLayout(progress_row)
        cl.addWidget(self.staging)
        cl.addWidget(self.results)
        return centre

    def _connect(self) -> None:
        acts, generation, window = self.result_actions, self.generation, self.window
        acts.placeRequested.connect(self.place_result)
        acts.showRequested.connect(window.show_generated_asset)
        acts.reusePromptRequested.connect(self._reuse_prompt)
        acts.refineRequested.connect(self.refine_result)
        acts.deleted.connect(self._result_deleted)
        acts.saved.connect(lambda _aid, path: window.statusBar().showMessage(f"Saved {path}", 6000))
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel_generation)
        generation.jobEvent.connect(self._on_job_event)
        generation.jobEvent.connect(self.staging.on_job_event)
        # A new result's facts and preview come from the worker that made it (no SQL or decode here).
        acts.find_facts = self._delivered_facts
        self.staging.load_image = generation.thumbnail_image
        self.results.load_image = window.generated.load_image = lambda a: generation.thumbnail_image(a.id)
        self.editor.changed.connect(self.document_changed)
        self.editor.documentReplaced.connect(self.sync_asset_type_combo)

    # -- target and canvas snapshot ------------------------------------------------------------
    def _asset_type_chosen(self) -> None:
        value = self.asset_type_combo.currentData()
        if value and value != self.editor.document.asset_type.value:
            self.window.undo_stack.push(ChangeAssetTypeCommand(self.editor, value))

    def sync_asset_type_combo(self) -> None:
        """Show the document's target in the Target combo (no undo step)."""
        index = self.asset_type_combo.findData(self.editor.document.asset_type.value)
        self.asset_type_combo.blockSignals(True)
        self.asset_type_combo.setCurrentIndex(index)
        self.asset_type_combo.blockSignals(False)

    def document_changed(self) -> None:
        """Follow an edit: the Target combo, and the snapshot switch (on with content unless
        the streamer turned it off)."""
        doc = self.editor.document
        if self.asset_type_combo.currentData() != doc.asset_type.value:
            self.sync_asset_type_combo()
        has = doc.has_content()
        self.canvas_mode.setEnabled(has)
        self.canvas_mode.blockSignals(True)
        self.canvas_mode.setChecked(has and self._canvas_mode_chosen is not False)
        self.canvas_mode.blockSignals(False)
        if not has:
            self._canvas_mode_chosen = None  # content appearing again turns the mode back on

    def document_replaced(self) -> None:
        """A new document: its target, and the snapshot switch back to its default."""
        self.sync_asset_type_combo()
        self._canvas_mode_chosen = None
        self.document_changed()

    def _canvas_mode_toggled(self, on: bool) -> None:
        self._canvas_mode_chosen = on

    def use_canvas_snapshot(self) -> bool:
        """Canvas mode: send the 2x snapshot + description (on by default with content)."""
        return self.editor.document.has_content() and self.canvas_mode.isChecked()

    def coach_canvas(self) -> CanvasDocument:
        """The canvas the coach sees: as sent to generation, or an empty layout when the
        streamer turned the canvas snapshot off."""
        doc = self.editor.document
        if self.use_canvas_snapshot():
            return doc.for_snapshot()
        return doc.model_copy(update={"placements": [], "sketch_elements": []})

    # -- generating ----------------------------------------------------------------------------
    def generate(self) -> str:
        """Queue a generation of the current canvas; returns the job id ("" after an error)."""
        window, doc = self.window, self.editor.document
        custom, full = self.generate_options.prompt()
        prompt = full or (None if custom else window.coach_panel.prompt() or None)
        count = self.generate_options.count()
        request = GenerateRequest(asset_type=doc.asset_type, canvas=doc.for_snapshot(), prompt_override=prompt,
                                  custom_prompt=custom, provider=window.provider_name,
                                  use_canvas_snapshot=self.use_canvas_snapshot(), count=count,
                                  input_image=self.refine_input(),
                                  media_asset_ids=self.generation.references_for(
                                      doc, window.library_panel.selected_ids()))
        try:
            job = self.generation.submit(request)
        except GenerationError as exc:
            window.show_error("Could not generate", str(exc))
            return ""
        self.active_job = job.id
        self.progress.setValue(0)
        self.progress.setFormat("Generating… %p%" if count == 1 else f"Generating {count} candidates… %p%")
        self._set_running(True)
        self.progress.setToolTip("")
        if count > 1:
            self.staging.begin(job.id, count)
            self.results.hide()  # the candidates show in the staging area instead
        return job.id

    def _set_running(self, running: bool) -> None:
        self.generate_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.window.cancel_action.setEnabled(running)

    def cancel_generation(self) -> bool:
        """Cancel the job started by Generate (button, Esc); False when none is running."""
        if self.active_job is None or not self.generation.cancel(self.active_job):
            return False
        self.cancel_button.setEnabled(False)
        self.window.cancel_action.setEnabled(False)
        self.progress.setFormat("Cancelling…")
        return True

    def _on_job_event(self, message: JobMessage) -> None:
        if message.event is JobEvent.PROGRESS:
            self._on_progress(message.job_id, message.progress or 0)
        elif message.event is JobEvent.COMPLETED and message.asset_id:
            self._on_completed(message.job_id, message.asset_id)
        elif message.ends_without_asset:
            self._on_failed(message.job_id, message.error or "")

    def _on_progress(self, job_id: str, percent: int) -> None:
        if job_id == self.active_job:
            self.progress.setValue(percent)

    def _on_completed(self, job_id: str, asset_id: str) -> None:
        info = self.result_actions.info(asset_id)
        if info is None:  # discarded from the staging area before this arrived
            return
        asset, notes = info.asset, list(info.notes)  # upscaled / background kept, per candidate
        self.results.add_asset(asset, notes)
        self.window.generated.add_asset(asset, notes)
        status = self.window.statusBar()
        if job_id == self.active_job:
            self.active_job = None
            job = self.generation.ended_job(job_id) or self.results_service.job(job_id)
            self.progress.setValue(100)
            count = int(job.parameters.get("count") or 1)
            kept = sum(1 for c in job.parameters.get("candidates", []) if c.get("asset_id"))
            done = "Done" if job.status == JobStatus.COMPLETED else f"{kept} of {count} kept"
            self.progress.setFormat(done + (" (offline preview)" if asset.is_preview else ""))
            self.progress.setToolTip(job.error_message or "")
            self._set_running(False)
            self.staging.job_ended(job_id, f"{done}. {job.error_message}" if job.error_message else done)
            if job.status == JobStatus.PARTIAL:
                status.showMessage(job.error_message or "Some candidates failed", 10000)
                return
        status.showMessage(f"Generated {asset.asset_type.value} {asset.width}x{asset.height}"
                           + (f". Note: {notes[0]}" if notes else ""), 12000 if notes else 6000)

    def _delivered_facts(self, asset_id: str) -> ResultInfo | None:
        found = self.generation.result(asset_id)
        return self.results_service.info_for(found.asset, found.job) if found is not None else None

    def _on_failed(self, job_id: str, message: str) -> None:
        ended = self.generation.ended_job(job_id)
        try:
            cancelled = (ended or self.results_service.job(job_id)).status == JobStatus.CANCELLED
        except NotFoundError:  # the job could not even be recorded
            cancelled = False
        if job_id == self.active_job:
            self.active_job = None
            self.progress.setValue(0)
            self.progress.setFormat("Cancelled" if cancelled else "Failed")
            self._set_running(False)
            self.staging.job_ended(job_id, "Cancelled" if cancelled else f"Failed: {message}")
        if cancelled:
            self.window.statusBar().showMessage("Generation cancelled; nothing was saved.", 6000)
        else:
            self.window.show_error("Generation failed", message)

    # -- result actions ------------------------------------------------------------------------
    def place_result(self, media_asset_id: str) -> list[str]:
        """Place a result (already in the media library) at the canvas centre; one undo step."""
        window = self.window
        window.library_panel.refresh()
        doc = self.editor.document
        ids = window.place_media([media_asset_id], QPointF(doc.width / 2, doc.height / 2))
        if ids:
            window.statusBar().showMessage("Placed the result on the canvas (it is in the media library too)", 6000)
        return ids

    def _reuse_prompt(self, text: str, full: bool) -> None:
        self.generate_options.set_prompt(text, full=full)
        self.generate_options.prompt_edit.setFocus()
        self.window.statusBar().showMessage("The prompt is back in the prompt field; Generate uses it", 6000)

    def refine_result(self, asset_id: str) -> None:
        """Use ``asset_id`` as the input image of the next generation: through its coach
        session when that session is open and active, else the next Generate."""
        try:
            asset = self.results_service.get(asset_id)
        except ResultError:
            return
        panel = self.window.coach_panel
        if asset.coach_session_id and asset.coach_session_id == panel.session_id and \
                panel.pages.currentWidget() is panel.chat_page and not panel.chat_page.prompt_box.isReadOnly():
            panel.refine(asset_id)
            return
        self.generate_options.set_refine(asset_id, self.result_actions.preview_png(asset_id))
        self.window.statusBar().showMessage("The next Generate refines this result", 6000)

    def refine_input(self) -> bytes | None:
        """The PNG bytes of the result the next Generate refines, else None."""
        asset_id = self.generate_options.refine_asset_id
        if not asset_id:
            return None
        try:
            return self.results_service.png(asset_id)
        except ResultError:
            self.generate_options.clear_refine()
            return None

    def _result_deleted(self, asset_id: str) -> None:
        self.generation.forget(asset_id)
        if self.generate_options.refine_asset_id == asset_id:
            self.generate_options.clear_refine()
        self.window.statusBar().showMessage("Result deleted", 4000)

    def _variations_changed(self, count: int) -> None:
        try:
            self.results_service.save_settings(variations=count)
        except OSError as exc:
            self.window.statusBar().showMessage(
                f"Could not store the Variations setting: {exc.strerror or exc}", 6000)


def coach_canvas_timer(window: MainWindow, refresh: object) -> QTimer:
    """A 300 ms single-shot timer restarted by every edit of ``window``'s document, calling
    ``refresh`` when edits stop (the coach's start form re-reads the canvas then)."""
    timer = QTimer(window)
    timer.setSingleShot(True)
    timer.setInterval(300)
    timer.timeout.connect(refresh)
    window.editor.changed.connect(timer.start)
    return timer
