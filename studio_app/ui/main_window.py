"""MainWindow: Media Library | Canvas | Coach, with a results strip and a Generate button."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import JobStatus
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.prompting.guided_coach import CoachContext, GuidedCoach
from studio_app.services.canvas_files import (
    CanvasFileError,
    read_canvas_file,
    resolve_placements,
    write_canvas_file,
)
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerateRequest, GenerationService
from studio_app.services.media_library import MediaLibraryService
from studio_app.services.provider_setup import default_provider, provider_label

from .canvas.commands import AddPlacementCommand, SetDocumentFieldsCommand
from .canvas.editor import CanvasEditor
from .canvas.scene import TOOLS, CanvasScene
from .canvas.view import CanvasView
from .coach.panel import CoachPanel
from .jobs.panel import JobsPanel
from .library.panel import MediaLibraryPanel
from .results.strip import ResultsStrip
from .settings.dialog import SettingsDialog

DEFAULT_PLACEMENT_WIDTH_PERCENT = 30.0


class MainWindow(QMainWindow):
    """The studio window. Built by app.py with the opened store and services."""

    def __init__(self, store: StudioStore, generation: GenerationService, library: MediaLibraryService,
                 *, provider_name: str = "offline", provider_label: str = "Offline preview") -> None:
        super().__init__()
        self.store, self.generation, self.library = store, generation, library
        self.provider_name = provider_name
        self.file_path: Path | None = None
        self.setWindowTitle("Streamer Studio")
        self.resize(1500, 900)

        self.undo_stack = QUndoStack(self)
        self.editor = CanvasEditor(CanvasDocument())
        self.scene = CanvasScene(self.editor, self.undo_stack, generation.images)
        self.scene.text_prompt = self._ask_text
        self.canvas_view = CanvasView(self.scene)
        self.canvas_view.mediaDropped.connect(self.place_media)
        self.canvas_view.filesDropped.connect(self._place_files)

        self.library_panel = MediaLibraryPanel(library)
        self.generated = ResultsStrip(self._asset_bytes)
        self.generated.setFlow(ResultsStrip.Flow.LeftToRight)
        self.generated.setWrapping(True)
        self.generated.setFixedHeight(16777215)
        self.generated.setMinimumHeight(200)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.library_panel, "Media")
        self.left_tabs.addTab(self.generated, "Generated")

        self.coach_panel = CoachPanel(lambda: GuidedCoach(self.generation.prompts), self._coach_context)

        self.asset_type_combo = QComboBox()
        for t, spec in TARGET_SPECS.items():
            self.asset_type_combo.addItem(f"{spec.label} ({spec.width}x{spec.height})", t.value)
        self.asset_type_combo.currentIndexChanged.connect(self._asset_type_chosen)
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
        self.results = ResultsStrip(self._asset_bytes)

        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Target:"))
        bottom.addWidget(self.asset_type_combo)
        bottom.addWidget(self.generate_button)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.progress, 1)
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self._build_tool_bar())
        cl.addWidget(self.canvas_view, 1)
        cl.addLayout(bottom)
        cl.addWidget(self.results)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.left_tabs)
        splitter.addWidget(centre)
        splitter.addWidget(self.coach_panel)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([340, 820, 340])
        self.setCentralWidget(splitter)

        self.provider_status = QLabel(f"Provider: {provider_label}")
        self.statusBar().addPermanentWidget(self.provider_status)
        self.jobs_panel = JobsPanel(store, generation)
        self.jobs_dock = QDockWidget("Jobs", self)
        self.jobs_dock.setObjectName("dock_jobs")
        self.jobs_dock.setWidget(self.jobs_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_dock)
        self.jobs_dock.hide()
        self.settings_dialog: SettingsDialog | None = None
        self._build_menus()

        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel_generation)
        generation.jobProgress.connect(self._on_progress)
        generation.jobCompleted.connect(self._on_completed)
        generation.jobFailed.connect(self._on_failed)
        self.library_panel.assetsChanged.connect(generation.images.clear)
        self._active_job: str | None = None
        for asset in reversed(store.assets.list(limit=60)):
            self.generated.add_asset(asset)
        self._sync_asset_type_combo()

    # -- building ----------------------------------------------------------------------
    def _build_tool_bar(self) -> QToolBar:
        bar = QToolBar("Sketch")
        bar.setIconSize(QSize(18, 18))
        group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        shortcuts = {"select": "V", "pen": "P", "arrow": "A", "rectangle": "R", "text": "T"}
        for tool in TOOLS:
            act = QAction(tool.capitalize(), self, checkable=True)
            act.setShortcut(QKeySequence(shortcuts[tool]))
            act.setToolTip(f"{tool.capitalize()} ({shortcuts[tool]})")
            act.triggered.connect(lambda _=False, t=tool: self.scene.set_tool(t))
            group.addAction(act)
            bar.addAction(act)
            self.tool_actions[tool] = act
        self.tool_actions["select"].setChecked(True)
        bar.addSeparator()
        self.colour_action = QAction("Colour…", self)
        self.colour_action.triggered.connect(self._pick_colour)
        bar.addAction(self.colour_action)
        bar.addSeparator()
        undo = self.undo_stack.createUndoAction(self, "Undo")
        redo = self.undo_stack.createRedoAction(self, "Redo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        bar.addAction(undo)
        bar.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        return bar

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu("&File")
        for text, key, slot in (
            ("&New canvas", QKeySequence.StandardKey.New, self.new_document),
            ("&Open canvas…", QKeySequence.StandardKey.Open, self.open_document),
            ("&Save canvas", QKeySequence.StandardKey.Save, self.save_document),
            ("Save canvas &as…", QKeySequence.StandardKey.SaveAs, self.save_document_as),
        ):
            act = m.addAction(text)
            act.setShortcut(key)
            act.triggered.connect(slot)
        m.addSeparator()
        m.addAction("&Import media…").triggered.connect(self._import_dialog)
        m.addSeparator()
        self.settings_action = m.addAction("Se&ttings…")
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        m.addSeparator()
        quit_act = m.addAction("&Quit")
        quit_act.setShortcut(QKeySequence.StandardKey.Quit)
        quit_act.triggered.connect(self.close)
        e = self.menuBar().addMenu("&Edit")
        e.addAction(self.undo_action)
        e.addAction(self.redo_action)
        delete = e.addAction("&Delete selection")
        delete.setShortcut(QKeySequence.StandardKey.Delete)
        delete.triggered.connect(self.scene.delete_selected)
        g = self.menuBar().addMenu("&Generate")
        gen = g.addAction("&Generate")
        gen.setShortcut(QKeySequence("Ctrl+G"))
        gen.triggered.connect(self.generate)
        self.cancel_action = g.addAction("&Cancel generation")
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setEnabled(False)
        self.cancel_action.triggered.connect(self.cancel_generation)
        g.addSeparator()
        jobs = g.addAction("&Jobs…")
        jobs.setShortcut(QKeySequence("Ctrl+J"))
        jobs.triggered.connect(self.show_jobs)

    # -- canvas ------------------------------------------------------------------------
    def _ask_text(self) -> str | None:
        text, ok = QInputDialog.getText(self, "Text", "Text on the canvas:")
        return text if ok and text.strip() else None

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.scene.stroke_colour), self, "Sketch colour")
        if colour.isValid():
            self.scene.stroke_colour = colour.name().upper()

    def place_media(self, asset_ids: list[str], scene_pos: QPointF) -> list[str]:
        """Place library assets centred at ``scene_pos`` (canvas px); one undo step each.

        Returns the new placement ids.
        """
        doc = self.editor.document
        new_ids = []
        for offset, asset_id in enumerate(asset_ids):
            asset = self.library.get(asset_id)
            w_pct = DEFAULT_PLACEMENT_WIDTH_PERCENT
            ratio = (asset.height or 1) / (asset.width or 1)
            h_pct = w_pct * doc.width * ratio / doc.height
            if h_pct > 100:
                w_pct, h_pct = w_pct * 100 / h_pct, 100.0
            x = min(100.0, max(0.0, scene_pos.x() * 100 / doc.width + offset * 3))
            y = min(100.0, max(0.0, scene_pos.y() * 100 / doc.height + offset * 3))
            placement = MediaAssetPlacement(
                asset_id=asset.id, display_name=asset.display_name, asset_type=asset.asset_type.value,
                url=asset.url, x=x, y=y, width=w_pct, height=h_pct, z_index=self.editor.next_z_index(),
            )
            self.undo_stack.push(AddPlacementCommand(self.editor, placement))
            new_ids.append(placement.id)
        return new_ids

    def _place_files(self, paths: list[str], scene_pos: QPointF) -> None:
        outcomes = self.library.import_files([Path(p) for p in paths])
        ids = [(o.asset or o.duplicate_of).id for o in outcomes if (o.asset or o.duplicate_of)]
        errors = [f"{Path(str(o.path)).name}: {o.error}" for o in outcomes if o.error]
        self.library_panel.refresh()
        if ids:
            self.place_media(ids, scene_pos)
        if errors:
            self._show_error("Some files were not imported", "\n".join(errors))

    def _asset_type_chosen(self) -> None:
        value = self.asset_type_combo.currentData()
        doc = self.editor.document
        if value and value != doc.asset_type.value:
            self.undo_stack.push(SetDocumentFieldsCommand(
                self.editor, {"asset_type": doc.asset_type.value}, {"asset_type": value},
                f"Change target to {value}"))

    def _sync_asset_type_combo(self) -> None:
        index = self.asset_type_combo.findData(self.editor.document.asset_type.value)
        self.asset_type_combo.blockSignals(True)
        self.asset_type_combo.setCurrentIndex(index)
        self.asset_type_combo.blockSignals(False)

    # -- documents ---------------------------------------------------------------------
    def new_document(self) -> None:
        """Start an empty canvas."""
        self.editor.set_document(CanvasDocument(asset_type=self.editor.document.asset_type))
        self.undo_stack.clear()
        self.file_path = None
        self._sync_asset_type_combo()

    def open_document(self, path: str | Path | None = None) -> bool:
        """Open a ``.json`` canvas document (asks for a file when ``path`` is None)."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Open canvas", "", "Canvas documents (*.json)")
            if not path:
                return False
        try:
            doc = read_canvas_file(path)
            doc = resolve_placements(doc, self.store, self.library, base_dir=Path(path).parent)
        except CanvasFileError as exc:
            self._show_error("Could not open the canvas", str(exc))
            return False
        self.editor.set_document(doc)
        self.undo_stack.clear()
        self.file_path = Path(path)
        self._sync_asset_type_combo()
        self.library_panel.refresh()
        self.statusBar().showMessage(f"Opened {path}", 4000)
        return True

    def save_document(self) -> bool:
        """Save to the current file (asks for one the first time)."""
        if self.file_path is None:
            return self.save_document_as()
        return self._write(self.file_path)

    def save_document_as(self, path: str | Path | None = None) -> bool:
        """Save under a new name."""
        if not path:
            path, _ = QFileDialog.getSaveFileName(self, "Save canvas", f"{self.editor.document.name}.json",
                                                  "Canvas documents (*.json)")
            if not path:
                return False
        self.file_path = Path(path)
        return self._write(self.file_path)

    def _write(self, path: Path) -> bool:
        try:
            write_canvas_file(self.editor.document, path)
            self.store.canvases.save(self.editor.document, str(path))
        except OSError as exc:
            self._show_error("Could not save the canvas", f"{path}: {exc.strerror or exc}")
            return False
        self.undo_stack.setClean()
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def _import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import media", "",
                                                "Images (*.png *.jpg *.jpeg *.webp *.gif)")
        if paths:
            self.library_panel.import_paths([Path(p) for p in paths])

    # -- coach and generation ----------------------------------------------------------------
    def _coach_context(self) -> CoachContext:
        doc = self.editor.document
        kit, _ = self.generation.brand_context(None)
        return CoachContext(asset_type=doc.asset_type, brand_kit=kit,
                            canvas=doc if doc.has_content() else None)

    def generate(self) -> str:
        """Queue a generation of the current canvas; returns the job id."""
        doc = self.editor.document
        prompt = self.coach_panel.prompt() or None
        request = GenerateRequest(asset_type=doc.asset_type, canvas=doc, prompt_override=prompt,
                                  provider=self.provider_name)
        job = self.generation.submit(request)
        self._active_job = job.id
        self.progress.setValue(0)
        self.progress.setFormat("Generating… %p%")
        self._set_running(True)
        return job.id

    def _set_running(self, running: bool) -> None:
        self.generate_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.cancel_action.setEnabled(running)

    def cancel_generation(self) -> bool:
        """Cancel the job started by Generate (button, Esc); False when none is running."""
        if self._active_job is None or not self.generation.cancel(self._active_job):
            return False
        self.cancel_button.setEnabled(False)
        self.cancel_action.setEnabled(False)
        self.progress.setFormat("Cancelling…")
        return True

    def show_jobs(self) -> None:
        """Show the Jobs panel (recent jobs, their errors, Cancel per running job)."""
        self.jobs_dock.show()
        self.jobs_dock.raise_()

    def open_settings(self) -> SettingsDialog:
        """Open the Settings dialog (non-modal to the event loop: keyring work runs in workers)."""
        dialog = SettingsDialog(self.store, parent=self)
        dialog.settingsChanged.connect(self.apply_provider_settings)
        dialog.finished.connect(dialog.deleteLater)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def apply_provider_settings(self) -> None:
        """Re-read the default provider and its model (after Settings changed)."""
        self.provider_name = default_provider(self.store, self.generation.providers)
        self.provider_status.setText(f"Provider: {provider_label(self.store, self.provider_name)}")

    def _on_progress(self, job_id: str, percent: int) -> None:
        if job_id == self._active_job:
            self.progress.setValue(percent)

    def _on_completed(self, job_id: str, asset_id: str) -> None:
        asset = self.store.assets.get(asset_id)
        self.results.add_asset(asset)
        self.generated.add_asset(asset)
        if job_id == self._active_job:
            self._active_job = None
            self.progress.setValue(100)
            self.progress.setFormat("Done" + (" (offline preview)" if asset.is_preview else ""))
            self._set_running(False)
        self.statusBar().showMessage(f"Generated {asset.asset_type.value} {asset.width}x{asset.height}", 6000)

    def _on_failed(self, job_id: str, message: str) -> None:
        cancelled = self.store.jobs.get(job_id).status == JobStatus.CANCELLED
        if job_id == self._active_job:
            self._active_job = None
            self.progress.setValue(0)
            self.progress.setFormat("Cancelled" if cancelled else "Failed")
            self._set_running(False)
        if cancelled:
            self.statusBar().showMessage("Generation cancelled; nothing was saved.", 6000)
        else:
            self._show_error("Generation failed", message)

    def _asset_bytes(self, asset) -> bytes:  # noqa: ANN001
        # The worker's small preview when there is one: no full-size decode on the GUI thread.
        return self.generation.thumbnail_png(asset.id) or self.store.blobs.get(asset.content_hash)

    def _show_error(self, title: str, message: str) -> None:
        self.statusBar().showMessage(f"{title}: {message.splitlines()[0] if message else ''}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.last_error = (title, message)

    def asset_type(self) -> AssetType:
        """The document's target."""
        return self.editor.document.asset_type
