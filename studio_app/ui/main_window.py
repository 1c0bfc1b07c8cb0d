"""MainWindow: Media Library | Canvas | Coach, with the canvas panels docked, results and Generate."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio_app.canvas.kinds import PLACEMENT
from studio_app.domain.asset_types import TARGET_SPECS, AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import JobStatus
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.render.export import EXPORT_FORMATS, ExportError, export_image
from studio_app.render.snapshot import RenderError, render_canvas
from studio_app.services.brand_kits import BrandKitError, BrandKitService, resolve_logo_position
from studio_app.services.canvas_files import (
    CanvasFileError,
    read_canvas_file,
    resolve_placements,
    write_canvas_file,
)
from studio_app.services.coach import CoachService
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerateRequest, GenerationError, GenerationService
from studio_app.services.media_library import MediaLibraryService, NotFoundError
from studio_app.services.provider_setup import default_provider, provider_label
from studio_app.services.results import ResultError, ResultInfo, ResultsService
from studio_app.services.sync_service import SyncService

from .brand_kits import ActiveBrandKitCombo, BrandKitsDialog
from .canvas.autosave import RECENT_SECTION, Autosave, RecentFiles
from .canvas.commands import AddPlacementCommand, ChangeAssetTypeCommand
from .canvas.resize_dialog import add_design_menu, resize_open_design
from .canvas.session import SESSION_SECTION, LastSession, UnsavedChoice, ask_unsaved_changes
from .canvas.workspace import CanvasWorkspace
from .coach.panel import CoachPanel
from .file_dialogs import FileDialogs
from .first_hour import FirstHourMixin
from .jobs.panel import JobsPanel
from .library.panel import MediaLibraryPanel
from .library.watcher import LibraryWatcher
from .results.actions import ResultActions
from .results.generate_options import GenerateOptions
from .results.staging import CandidateStaging
from .results.strip import ResultsStrip
from .sync.settings_panel import SyncSettingsPanel
from .sync.status_widget import SyncStatusWidget, report_text
from .theme import APPEARANCE_SECTION, THEME_LABELS, THEMES, AppearanceSettings, apply_theme
from .window_layout import WindowLayout

if TYPE_CHECKING:  # built on first open (its pages import more), not at start-up
    from .settings.dialog import SettingsDialog

DEFAULT_PLACEMENT_WIDTH_PERCENT = 30.0
EXPORT_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


class ExportDialog(QDialog):
    """Format (PNG, JPEG, WebP) and scale (1x, 2x) of a canvas export."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export canvas")
        self.format_combo = QComboBox()
        for fmt in EXPORT_FORMATS:
            self.format_combo.addItem("WebP" if fmt == "WEBP" else fmt, fmt)
        self.scale_combo = QComboBox()
        self.scale_combo.addItem("1x (exact size)", 1.0)
        self.scale_combo.addItem("2x (the snapshot size)", 2.0)
        form = QFormLayout(self)
        form.addRow("Format", self.format_combo)
        form.addRow("Scale", self.scale_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class MainWindow(FirstHourMixin, QMainWindow):
    """The studio window. Built by app.py with the opened store and services.

    The canvas (CanvasWorkspace) sits in the middle; its inspector, layers and undo
    history are docks on the right. Documents autosave to StudioPaths.recovery within 2 s
    of an edit; quitting, closing or opening another document with unsaved edits asks
    ``unsaved_prompt(window, name) -> UnsavedChoice`` (Save / Discard / Cancel; tests
    replace it).
    """

    unsaved_prompt = staticmethod(ask_unsaved_changes)

    def __init__(self, store: StudioStore, generation: GenerationService, library: MediaLibraryService,
                 *, provider_name: str = "offline", provider_label: str = "Offline preview",
                 brand_kits: BrandKitService | None = None, coach: CoachService | None = None,
                 sync: SyncService | None = None) -> None:
        super().__init__()
        self.store, self.generation, self.library = store, generation, library
        self.brand_kits = brand_kits or BrandKitService(store)
        self.provider_name = provider_name
        self.file_path: Path | None = None
        self.last_error: tuple[str, str] | None = None
        self.resize(1680, 980)
        self.appearance = store.settings.section(APPEARANCE_SECTION, AppearanceSettings)
        apply_theme(self.appearance.theme)
        self.file_dialogs = FileDialogs(store)

        self.undo_stack = QUndoStack(self)
        self.workspace = CanvasWorkspace(self.undo_stack, generation.images, self._palette)
        self.editor = self.workspace.editor
        self.scene = self.workspace.scene
        self.canvas_view = self.workspace.view
        self.canvas_actions = self.workspace.actions
        self.tool_actions = self.canvas_actions.tools
        self.workspace.style_bar.custom_colours = lambda: self.brand_kits.palette()[:16]
        self.workspace.style_row.addSeparator()
        self.workspace.style_row.addWidget(QLabel(" Brand kit: "))
        self.brand_kit_combo = ActiveBrandKitCombo(self.brand_kits)
        self.brand_kit_combo.currentIndexChanged.connect(lambda _i: self._brand_kit_changed())
        self.workspace.style_row.addWidget(self.brand_kit_combo)
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

        self.coach = coach or CoachService(store, generation, default_provider=provider_name)
        self.coach_panel = CoachPanel(self.coach, self._coach_canvas, provider=lambda: self.provider_name)
        # The coach's start form summarises the canvas; re-read it shortly after edits stop.
        self._coach_canvas_timer = QTimer(self)
        self._coach_canvas_timer.setSingleShot(True)
        self._coach_canvas_timer.setInterval(300)
        self._coach_canvas_timer.timeout.connect(self._refresh_coach_canvas)
        self.editor.changed.connect(self._coach_canvas_timer.start)
        self.coach_panel.showAssetRequested.connect(self.show_generated_asset)

        self.asset_type_combo = QComboBox()
        for t, spec in TARGET_SPECS.items():
            self.asset_type_combo.addItem(f"{spec.label} ({spec.width}x{spec.height})", t.value)
        self.asset_type_combo.currentIndexChanged.connect(self._asset_type_chosen)
        self.canvas_mode = QCheckBox("Canvas snapshot")
        self.canvas_mode.setToolTip("Send the canvas as a 2x snapshot plus its description with the prompt "
                                    "(on whenever the canvas has placements or sketch elements)")
        self.canvas_mode.toggled.connect(self._canvas_mode_toggled)
        self._canvas_mode_chosen: bool | None = None
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
        self.results = ResultsStrip(self._asset_bytes)
        self.results_service = ResultsService(store, library)
        self.result_actions = ResultActions(self.results_service, self, load_preview=generation.thumbnail_png)
        for strip in (self.results, self.generated):
            strip.set_actions(self.result_actions)
        self.coach_panel.set_result_actions(self.result_actions)
        self.generate_options = GenerateOptions(self.results_service.settings().variations)
        self.generate_options.countChanged.connect(self._variations_changed)
        self.staging = CandidateStaging(self.result_actions)
        self.staging.closed.connect(self.results.show)
        self._connect_result_actions()

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
        cl.addWidget(self.workspace, 1)
        self.generate_options.layout().setContentsMargins(6, 0, 6, 0)
        cl.addWidget(self.generate_options)
        cl.addLayout(bottom)
        cl.addLayout(progress_row)
        cl.addWidget(self.staging)
        cl.addWidget(self.results)
        self.setCentralWidget(centre)

        # The library and the coach are docks like the canvas panels: each can be moved,
        # floated or closed, and the arrangement is kept (window_layout.py).
        self.library_dock = self._dock("library", "Library", self.left_tabs, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.coach_dock = self._dock("coach", "Coach", self.coach_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self._build_docks()

        self.provider_status = QLabel(f"Provider: {provider_label}")
        self.zoom_status = QLabel()
        self.statusBar().addPermanentWidget(self.zoom_status)
        self.statusBar().addPermanentWidget(self.provider_status)
        self.jobs_panel = JobsPanel(store, generation)
        self.jobs_dock = QDockWidget("Jobs", self)
        self.jobs_dock.setObjectName("dock_jobs")
        self.jobs_dock.setWidget(self.jobs_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.jobs_dock)
        # The side docks keep the full height: the Jobs panel opens under the canvas only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.jobs_dock.hide()
        self.settings_dialog: SettingsDialog | None = None
        self.sync = sync
        self.sync_status: SyncStatusWidget | None = None
        if sync is not None:
            self.sync_status = SyncStatusWidget(sync, self)
            self.statusBar().addPermanentWidget(self.sync_status)
            sync.start()
        self.canvas_view.zoomChanged.connect(lambda z: self.zoom_status.setText(f"{z * 100:.0f}%"))
        self.zoom_status.setText(f"{self.canvas_view.zoom() * 100:.0f}%")
        self._build_menus()
        self._fit_small_screens()
        if self.sync_status is not None:
            sm = self.menuBar().addMenu("S&ync")
            now = sm.addAction("&Sync now")
            now.setShortcut(QKeySequence("F5"))
            now.triggered.connect(self.sync_now)
            self.sync_now_action = now
            self.sync_status.setupRequested.connect(lambda: self.open_settings("Sync"))
            sync.finished.connect(self._sync_finished)
            sync.failed.connect(self._sync_failed)
            sm.addAction("&Conflicts…").triggered.connect(self.sync_status.open_conflicts)
            sm.addSeparator()
            sm.addAction("Bucket &settings…").triggered.connect(self.open_sync_settings)

        self.autosave = Autosave(self.editor, self.undo_stack, store.paths.recovery, lambda: self.file_path,
                                 parent=self)
        self._closed = False
        self.autosave.failed.connect(lambda m: self.statusBar().showMessage(m, 10000))
        self.undo_stack.cleanChanged.connect(lambda _c: self._update_title())
        self.editor.changed.connect(self._document_changed)
        self.editor.documentReplaced.connect(self._sync_asset_type_combo)

        self.generate_button.clicked.connect(self.generate)
        self.cancel_button.clicked.connect(self.cancel_generation)
        generation.jobProgress.connect(self._on_progress)
        generation.jobCompleted.connect(self._on_completed)
        generation.jobFailed.connect(self._on_failed)
        generation.candidateFinished.connect(self.staging.candidate_finished)
        # A new result's facts and preview come from the worker that made it (no SQL or decode here).
        self.result_actions.find_facts = self._delivered_facts
        self.staging.load_image = generation.thumbnail_image
        self.results.load_image = self.generated.load_image = lambda a: generation.thumbnail_image(a.id)
        self.library_panel.assetsChanged.connect(self._library_changed)
        # The library changes behind this window too (studio import, a sync): refresh the pane.
        self.library_watcher = LibraryWatcher(store, self)
        self.library_watcher.changed.connect(self._library_changed_elsewhere)
        self._active_job: str | None = None
        for asset in reversed(store.assets.list(limit=60)):
            self.generated.add_asset(asset)
        self._sync_asset_type_combo()
        self._document_changed()
        self._update_title()
        self._build_first_hour()
        self.window_layout = WindowLayout(self, store)
        self.window_layout.restore(geometry=False)

    # -- building ----------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")  # saveState/restoreState find docks by object name
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        ws = self.workspace
        self.docks: dict[str, QDockWidget] = {}
        for name, title, widget in (("inspector", "Inspector", ws.inspector), ("layers", "Layers", ws.layers),
                                    ("history", "History", ws.history)):
            self.docks[name] = self._dock(name, title, widget, Qt.DockWidgetArea.RightDockWidgetArea)
        self.splitDockWidget(self.coach_dock, self.docks["inspector"], Qt.Orientation.Horizontal)
        self.splitDockWidget(self.docks["inspector"], self.docks["layers"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["layers"], self.docks["history"])
        self.docks["layers"].raise_()
        self.resizeDocks([self.library_dock, self.coach_dock, self.docks["inspector"]], [270, 300, 230],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["inspector"], self.docks["layers"]], [300, 420], Qt.Orientation.Vertical)

    def _build_menus(self) -> None:
        acts = self.canvas_actions.actions
        m = self.menuBar().addMenu("&File")
        for text, key, slot in (
            ("&New canvas", QKeySequence.StandardKey.New, self.new_document),
            ("&Open canvas…", QKeySequence.StandardKey.Open, self.open_document),
        ):
            act = m.addAction(text)
            act.setShortcut(key)
            act.triggered.connect(lambda _=False, f=slot: f())
        starter = m.addAction("New from &starter…")
        starter.setShortcut(QKeySequence("Ctrl+Shift+N"))
        starter.triggered.connect(lambda: self.new_from_starter())
        self.recent_menu = QMenu("Open &recent", self)
        m.addMenu(self.recent_menu)
        self._rebuild_recent_menu()
        for text, key, slot in (
            ("&Save canvas", QKeySequence.StandardKey.Save, self.save_document),
            ("Save canvas &as…", QKeySequence.StandardKey.SaveAs, self.save_document_as),
        ):
            act = m.addAction(text)
            act.setShortcut(key)
            act.triggered.connect(lambda _=False, f=slot: f())
        m.addSeparator()
        export = m.addAction("&Export canvas…")
        export.setShortcut(QKeySequence("Ctrl+E"))
        export.triggered.connect(self._export_dialog)
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
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        # Both customs: Ctrl+Shift+Z (Linux, macOS, Photoshop) and Ctrl+Y (Windows, Canva, Office).
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        e.addAction(self.undo_action)
        e.addAction(self.redo_action)
        e.addSeparator()
        for name in ("cut", "copy", "paste", "duplicate", "delete"):
            e.addAction(acts[name])
        e.addSeparator()
        e.addAction(acts["select_all"])
        e.addSeparator()
        e.addAction("Insert brand &logo").triggered.connect(lambda: self.insert_brand_logo())
        e.addAction("&Brand kits…").triggered.connect(self.open_brand_kits)

        a = self.menuBar().addMenu("&Arrange")
        for name in ("front", "forward", "backward", "back"):
            a.addAction(acts[name])
        a.addSeparator()
        align = a.addMenu("A&lign")
        for name in ("align_left", "align_hcentre", "align_right", "align_top", "align_vcentre", "align_bottom"):
            align.addAction(acts[name])
        dist = a.addMenu("&Distribute")
        dist.addAction(acts["distribute_h"])
        dist.addAction(acts["distribute_v"])
        a.addSeparator()
        for name in ("flip_h", "flip_v", "lock", "hide"):
            a.addAction(acts[name])

        v = self.menuBar().addMenu("&View")
        for name in ("zoom_in", "zoom_out", "zoom_fit", "zoom_100"):
            v.addAction(acts[name])
        v.addSeparator()
        for name in ("safe_zones", "sketch_layer", "snapping"):
            v.addAction(acts[name])
        v.addAction(self.workspace.easy_action)
        v.addSeparator()
        for dock in (self.library_dock, self.coach_dock, *self.docks.values()):
            v.addAction(dock.toggleViewAction())
        self.jobs_toggle_action = self.jobs_dock.toggleViewAction()
        self.jobs_toggle_action.setText("&Jobs")
        self.jobs_toggle_action.setShortcut(QKeySequence("Ctrl+J"))
        v.addAction(self.jobs_toggle_action)
        v.addAction("&Reset layout").triggered.connect(lambda: self.window_layout.reset())
        v.addSeparator()
        self.theme_menu = v.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for theme in THEMES:
            act = self.theme_menu.addAction(THEME_LABELS[theme])
            act.setCheckable(True)
            act.setChecked(theme == self.appearance.theme)
            act.triggered.connect(lambda _=False, t=theme: self.set_theme(t))
            group.addAction(act)
            self.theme_actions[theme] = act

        t = self.menuBar().addMenu("&Tools")
        for act in self.tool_actions.values():
            t.addAction(act)

        g = self.menuBar().addMenu("&Generate")
        gen = g.addAction("&Generate")
        gen.setShortcut(QKeySequence("Ctrl+G"))
        gen.triggered.connect(self.generate)
        self.cancel_action = g.addAction("&Cancel generation")
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.cancel_action.setEnabled(False)
        self.cancel_action.triggered.connect(self.cancel_generation)
        g.addSeparator()
        g.addAction(self.jobs_toggle_action)  # Ctrl+J shows and hides the Jobs panel
        self.design_menu = add_design_menu(self.menuBar(), g, self.resize_to)

    def resize_to(self, dialog=None, save_path=None):  # noqa: ANN001, ANN201 - see resize_open_design
        """Design > Resize to…: change this design's target or save a resized copy (resize_open_design)."""
        try:
            new = resize_open_design(self, self.editor, self.undo_stack, current_file=self.file_path,
                                     dialog=dialog, save_path=save_path)
        except OSError as exc:
            self._show_error("Could not save the resized copy", f"{exc.strerror or exc}")
            return None
        if new is not None and new.id != self.editor.document.id:
            self.statusBar().showMessage(f"Saved a resized copy: {new.name}", 6000)
        return new

    def _palette(self) -> tuple[list[str], str | None]:
        """Easy Sketch colours: the active brand kit's primary + accent colours (BrandKitService)."""
        kit = self.brand_kits.active()
        return self.brand_kits.palette(), kit.name if kit else None

    def _brand_kit_changed(self) -> None:
        if self.workspace.easy_sketch:
            self.workspace.easy_bar.set_palette(*self._palette())

    # -- canvas ------------------------------------------------------------------------
    def place_media(self, asset_ids: list[str], scene_pos: QPointF) -> list[str]:
        """Place library assets centred at ``scene_pos`` (canvas px); one undo step each.

        Returns the new placement ids; unknown ids are reported and skipped.
        """
        doc = self.editor.document
        new_ids = []
        for offset, asset_id in enumerate(asset_ids):
            try:
                asset = self.library.get(asset_id)
            except Exception as exc:  # noqa: BLE001 - a stale id from another window: say so, keep going
                self._show_error("Could not place the media", f"{asset_id}: {exc}")
                continue
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
        if new_ids:
            self.scene.select({PLACEMENT: new_ids})
        return new_ids

    def open_brand_kits(self) -> BrandKitsDialog:
        """Show the brand kit dialog (window-modal); returns it."""
        dialog = BrandKitsDialog(self.brand_kits, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def insert_brand_logo(self, logo_type: str = "primary", logo_position: str = "bottom-right") -> str | None:
        """Place the active kit's logo on the canvas (one undo step); returns the placement id,
        or None (with a status message) when there is no active kit or logo."""
        doc = self.editor.document
        try:
            placement = self.brand_kits.logo_placement(logo_type, logo_position, doc)
            _, note = resolve_logo_position(doc.asset_type, logo_position)
        except BrandKitError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return None
        if placement is None:
            self.statusBar().showMessage(f"The active brand kit has no {logo_type} logo (Edit > Brand kits…).", 8000)
            return None
        self.undo_stack.push(AddPlacementCommand(self.editor, placement))
        if note:
            self.statusBar().showMessage(note, 8000)
        return placement.id

    def _place_files(self, paths: list[str], scene_pos: QPointF) -> None:
        outcomes = self.library.import_files([Path(p) for p in paths])
        ids = [(o.asset or o.duplicate_of).id for o in outcomes if (o.asset or o.duplicate_of)]
        errors = [f"{Path(str(o.path)).name}: {o.error}" for o in outcomes if o.error]
        self.library_panel.refresh()
        self.library_watcher.seen()
        if ids:
            self.place_media(ids, scene_pos)
        if errors:
            self._show_error("Some files were not imported", "\n".join(errors))

    def _library_changed(self) -> None:
        self.generation.images.clear()
        self.scene.refresh_images()
        if hasattr(self, "library_watcher"):
            self.library_watcher.seen()

    def _library_changed_elsewhere(self) -> None:
        self.library_panel.refresh()

    # -- sync ---------------------------------------------------------------------------
    def sync_now(self) -> bool:
        """Sync now (F5): start a run, or with no bucket set open Settings → Sync. True when a
        run started."""
        if self.sync_status is None:
            return False
        return self.sync_status.sync_now()

    def _sync_finished(self, report) -> None:  # noqa: ANN001 - SyncReport
        self.statusBar().showMessage(report_text(report), 10000)
        if report.downloaded or report.deleted:
            self.library_watcher.check_soon()

    def _sync_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Sync failed: {message}. Press F5 or click Retry to try again.", 15000)

    def _asset_type_chosen(self) -> None:
        value = self.asset_type_combo.currentData()
        if value and value != self.editor.document.asset_type.value:
            self.undo_stack.push(ChangeAssetTypeCommand(self.editor, value))

    def _sync_asset_type_combo(self) -> None:
        index = self.asset_type_combo.findData(self.editor.document.asset_type.value)
        self.asset_type_combo.blockSignals(True)
        self.asset_type_combo.setCurrentIndex(index)
        self.asset_type_combo.blockSignals(False)

    def _document_changed(self) -> None:
        doc = self.editor.document
        if self.asset_type_combo.currentData() != doc.asset_type.value:
            self._sync_asset_type_combo()
        has = doc.has_content()
        self.canvas_mode.setEnabled(has)
        self.canvas_mode.blockSignals(True)
        self.canvas_mode.setChecked(has and self._canvas_mode_chosen is not False)
        self.canvas_mode.blockSignals(False)
        if not has:
            self._canvas_mode_chosen = None  # content appearing again turns the mode back on

    def _canvas_mode_toggled(self, on: bool) -> None:
        self._canvas_mode_chosen = on

    def use_canvas_snapshot(self) -> bool:
        """The seed's canvas mode: send the 2x snapshot + description (on by default with content)."""
        return self.editor.document.has_content() and self.canvas_mode.isChecked()

    def _update_title(self) -> None:
        if not shiboken6.isValid(self.undo_stack):
            return
        name = self.file_path.name if self.file_path else self.editor.document.name
        dirty = "" if self.undo_stack.isClean() else "*"
        self.setWindowTitle(f"{name}{dirty} — Streamer Studio")

    # -- documents ---------------------------------------------------------------------
    def _replace_document(self, doc: CanvasDocument, path: Path | None) -> None:
        self.editor.set_document(doc)
        self.undo_stack.clear()
        self.file_path = path
        self._sync_asset_type_combo()
        self._canvas_mode_chosen = None
        self._document_changed()
        self._update_title()

    def new_document(self) -> bool:
        """Start an empty canvas (same target as the current one); False when the streamer
        cancelled the unsaved-changes question."""
        if not self.confirm_unsaved_changes():
            return False
        self._replace_document(CanvasDocument(asset_type=self.editor.document.asset_type), None)
        self.autosave.discard()
        self._remember_session()
        return True

    def open_document(self, path: str | Path | None = None) -> bool:
        """Open a ``.json`` canvas document (asks for a file when ``path`` is None, then whether
        to save unsaved edits of the open one)."""
        if not path:
            path = self.file_dialogs.open_file(self, "canvas", "Open canvas", "Canvas documents (*.json)")
            if not path:
                return False
        if not self.confirm_unsaved_changes():
            return False
        try:
            doc = read_canvas_file(path)
            doc = resolve_placements(doc, self.store, self.library, base_dir=Path(path).parent)
        except CanvasFileError as exc:
            self._show_error("Could not open the canvas", str(exc))
            return False
        self._replace_document(doc, Path(path))
        self.autosave.discard()
        self.library_panel.refresh()
        self._remember(Path(path))
        if doc.unknown_elements:
            self.statusBar().showMessage(
                f"Opened {path}: {len(doc.unknown_elements)} element(s) from a newer version are kept as "
                "placeholders", 8000)
        else:
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
            path = self.file_dialogs.save_file(self, "canvas", "Save canvas", f"{self.editor.document.name}.json",
                                               "Canvas documents (*.json)")
            if not path:
                return False
        return self._write(Path(path))

    def _write(self, path: Path) -> bool:
        try:
            write_canvas_file(self.editor.document, path)
            self.store.canvases.save(self.editor.document, str(path))
        except OSError as exc:
            self._show_error("Could not save the canvas", f"{path}: {exc.strerror or exc}")
            return False
        self.file_path = path
        self.undo_stack.setClean()
        self.autosave.discard()
        self._remember(path)
        self._update_title()
        self.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    # -- recent files ----------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recently opened or saved canvas files, most recent first."""
        return self.store.settings.section(RECENT_SECTION, RecentFiles).files

    def _remember(self, path: Path) -> None:
        recent = self.store.settings.section(RECENT_SECTION, RecentFiles).add(path)
        try:
            self.store.settings.save_section(RECENT_SECTION, recent)
        except OSError as exc:
            self.statusBar().showMessage(f"Could not update recent files: {exc.strerror or exc}", 6000)
        self._rebuild_recent_menu()
        self._remember_session()

    def _remember_session(self) -> None:
        """Record the open file (None: untitled) so the next start reopens it."""
        last = str(self.file_path.resolve()) if self.file_path else None
        if self.store.settings.section(SESSION_SECTION, LastSession).last_document == last:
            return
        try:
            self.store.settings.save_section(SESSION_SECTION, LastSession(last_document=last))
        except OSError as exc:
            self.statusBar().showMessage(f"Could not remember the open canvas: {exc.strerror or exc}", 6000)

    def document_label(self) -> str:
        """How the open document is named to the streamer: its file name, else its name."""
        return self.file_path.name if self.file_path else self.editor.document.name

    def confirm_unsaved_changes(self) -> bool:
        """Before the open document is dropped: with unsaved edits ask Save / Discard / Cancel.
        True when it may go (saved, discarded, or nothing unsaved); False to keep it open."""
        if self.undo_stack.isClean():
            return True
        choice = UnsavedChoice(self.unsaved_prompt(self, self.document_label()))
        if choice is UnsavedChoice.SAVE:
            return self.save_document()
        if choice is UnsavedChoice.DISCARD:
            self.autosave.discard()
            return True
        return False

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for f in files:
            act = self.recent_menu.addAction(Path(f).name)
            act.setToolTip(f)
            act.setData(f)
            act.triggered.connect(lambda _=False, p=f: self.open_document(p))
        self.recent_menu.setEnabled(bool(files))

    # -- recovery ------------------------------------------------------------------------------
    def offer_recovery(self, ask=None) -> bool:  # noqa: ANN001 - Callable[[str], bool] | None
        """After a crash (a recovery file is waiting): ask whether to restore it.

        ``ask(message) -> bool`` replaces the dialog (tests). Returns True when restored.
        A damaged recovery file is reported and set aside.
        """
        if not self.autosave.has_recovery():
            return False
        try:
            doc, original = self.autosave.read()
        except CanvasFileError as exc:
            self._show_error("Could not restore the autosaved canvas", str(exc))
            self.autosave.discard()
            return False
        if original:
            label, where = Path(original).name, f" in {Path(original).parent}"
        else:
            label, where = doc.name, " (never saved)"
        when = datetime.fromtimestamp(self.autosave.path.stat().st_mtime).strftime("%H:%M:%S")
        message = (f"Streamer Studio did not close cleanly. Restore the unsaved changes to “{label}”{where}, "
                   f"autosaved at {when}?")
        if ask is None:
            answer = QMessageBox.question(self, "Restore canvas", message,
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            restore = answer == QMessageBox.StandardButton.Yes
        else:
            restore = bool(ask(message))
        if not restore:
            self.autosave.discard()
            return False
        self._replace_document(doc, Path(original) if original else None)
        self.autosave.mark_pending()  # not saved to its file yet: keep it recoverable
        self.undo_stack.resetClean()
        self._update_title()
        self.statusBar().showMessage("Restored the autosaved canvas; save it to keep it", 8000)
        return True

    def restore_session(self, ask=None) -> str:  # noqa: ANN001 - Callable[[str], bool] | None
        """At start: offer the recovery file after a crash, else reopen the last open document.

        ``ask`` as for ``offer_recovery``. Returns "restored", "reopened" or "" (nothing).
        """
        if self.offer_recovery(ask):
            return "restored"
        last = self.store.settings.section(SESSION_SECTION, LastSession).last_document
        if last and Path(last).is_file() and self.open_document(last):
            return "reopened"
        if last:
            self.statusBar().showMessage(f"The last canvas, {last}, is no longer there", 8000)
        return ""

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing with unsaved edits asks Save / Discard / Cancel; a clean close leaves no
        recovery file, so the next start never reports a crash."""
        if not self._closed:
            if not self.confirm_unsaved_changes():
                event.ignore()
                return
            self._closed = True
            self._remember_session()
            self.autosave.discard()
        self.autosave.detach()
        self.library_watcher.stop()
        self.window_layout.save()
        if self.sync is not None:
            self.sync.stop()
        super().closeEvent(event)

    def open_sync_settings(self) -> QDialog:
        """Show the bucket settings (endpoint, region, bucket, prefix, keys, Test connection)."""
        dialog = QDialog(self)
        dialog.setWindowTitle("Sync: bucket settings")
        layout = QVBoxLayout(dialog)
        layout.addWidget(SyncSettingsPanel(self.sync, dialog))
        dialog.setModal(False)
        dialog.open()
        return dialog

    # -- export ----------------------------------------------------------------------------------
    def export_canvas(self, path: str | Path, fmt: str = "PNG", scale: float = 1.0) -> Path | None:
        """Render the canvas as it is (no generation) and write it atomically.

        Uses the same renderer and image source as ``studio render``, so the files match
        pixel for pixel. A hidden sketch layer is left out, as on screen and in the snapshot.
        ``fmt``: PNG, JPEG or WEBP; ``scale``: 1.0 or 2.0 (px per canvas px).
        Returns the path, or None after showing the error.
        """
        try:
            image = render_canvas(self.editor.document.for_snapshot(), self.generation.images, scale=scale)
            return export_image(image, path, fmt)
        except (ExportError, RenderError) as exc:
            self._show_error("Could not export the canvas", str(exc))
            return None

    def _export_dialog(self) -> None:
        dialog = ExportDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        fmt, scale = dialog.format_combo.currentData(), dialog.scale_combo.currentData()
        suffix = EXPORT_SUFFIX[fmt]
        name = f"{self.editor.document.name}@{scale:g}x{suffix}"
        path = self.file_dialogs.save_file(self, "export", "Export canvas", name, f"{fmt} (*{suffix})")
        if path:
            if self.export_canvas(path, fmt, scale):
                self.statusBar().showMessage(f"Exported {path}", 6000)

    def _import_dialog(self) -> None:
        paths = self.file_dialogs.open_files(self, "import", "Import media",
                                             "Images (*.png *.jpg *.jpeg *.webp *.gif)")
        if paths:
            self.library_panel.import_paths([Path(p) for p in paths])

    # -- coach and generation ----------------------------------------------------------------
    def show_generated_asset(self, asset_id: str) -> bool:
        """Switch to the Generated tab and select ``asset_id`` ("Show in library"); False if not listed."""
        self.left_tabs.setCurrentWidget(self.generated)
        for i in range(self.generated.count()):
            item = self.generated.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == asset_id:
                self.generated.setCurrentItem(item)
                self.generated.scrollToItem(item)
                return True
        return False

    def _fit_small_screens(self) -> None:
        """Keep the window usable on a 1366 px laptop: combos size to a short text (their popups
        still show full labels) and the side panes may shrink; only the canvas keeps its room."""
        for combo in self.findChildren(QComboBox):
            if combo is self.asset_type_combo:  # it stretches in the generate row and shows its whole label
                continue
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(min(combo.minimumContentsLength() or 12, 12))
            combo.setMinimumWidth(min(combo.sizeHint().width(), 160))  # else Qt's hint is the longest label
        for combo in (self.library_panel.type_filter, self.library_panel.sort_combo):  # two share a row
            combo.setMinimumContentsLength(6)
            combo.setMinimumWidth(80)
        self.library_panel.fit_details_width()
        for layout in self.left_tabs.findChildren(QLayout):  # hints from before the combo changes
            layout.invalidate()
        # Never narrower than what the panes' contents need: an explicit minimum below that cut them.
        # (QTabWidget's own hint lags behind its pages' changed minimums: ask the page; 6 px of tab frame.)
        self.left_tabs.setMinimumWidth(max(230, self.library_panel.minimumSizeHint().width() + 6))
        self.coach_panel.setMinimumWidth(max(260, self.coach_panel.minimumSizeHint().width()))
        for dock in self.docks.values():
            dock.widget().setMinimumWidth(min(dock.widget().minimumSizeHint().width(), 220))
        for layout in self.findChildren(QLayout):  # drop size hints cached before the changes above
            layout.invalidate()

    def _refresh_coach_canvas(self) -> None:
        if self.coach_panel.start_form.isVisible():
            self.coach_panel.start_form.refresh()

    def _coach_canvas(self) -> CanvasDocument:
        """The canvas the coach sees: as sent to generation, or an empty layout when the
        streamer turned the canvas snapshot off."""
        doc = self.editor.document
        if self.use_canvas_snapshot():
            return doc.for_snapshot()
        return doc.model_copy(update={"placements": [], "sketch_elements": []})

    def generate(self) -> str:
        """Queue a generation of the current canvas; returns the job id."""
        doc = self.editor.document
        custom, full = self.generate_options.prompt()
        prompt = full or (None if custom else self.coach_panel.prompt() or None)
        count = self.generate_options.count()
        refine = self._refine_input()
        request = GenerateRequest(asset_type=doc.asset_type, canvas=doc.for_snapshot(), prompt_override=prompt,
                                  custom_prompt=custom, provider=self.provider_name,
                                  use_canvas_snapshot=self.use_canvas_snapshot(), count=count, input_image=refine,
                                  media_asset_ids=self.generation.references_for(
                                      doc, self.library_panel.selected_ids()))
        try:
            job = self.generation.submit(request)
        except GenerationError as exc:
            self._show_error("Could not generate", str(exc))
            return ""
        self._active_job = job.id
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

    def toggle_jobs(self) -> None:
        """Ctrl+J: show the Jobs panel, or hide it when it is shown."""
        self.jobs_toggle_action.trigger()

    def open_settings(self, page: str | None = None) -> SettingsDialog:
        """Open the Settings dialog (non-modal to the event loop: keyring work runs in workers),
        at ``page`` ("Library", "Sync", ...) when given."""
        from .settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.store, library=self.library, sync=self.sync, parent=self)
        dialog.settingsChanged.connect(self.apply_provider_settings)
        dialog.settingsChanged.connect(self.library_panel.refresh)
        dialog.finished.connect(dialog.deleteLater)
        if page:
            dialog.show_page(page)
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def apply_provider_settings(self) -> None:
        """Re-read the default provider, its model and the coach's chat model (after Settings changed)."""
        self.provider_name = default_provider(self.store, self.generation.providers)
        self.provider_status.setText(f"Provider: {provider_label(self.store, self.provider_name)}")
        self.coach.default_provider = self.provider_name
        self.coach.reload_engine()
        self.coach_panel.refresh_engine()

    def _on_progress(self, job_id: str, percent: int) -> None:
        if job_id == self._active_job:
            self.progress.setValue(percent)

    def _on_completed(self, job_id: str, asset_id: str) -> None:
        info = self.result_actions.info(asset_id)
        if info is None:  # discarded from the staging area before this arrived
            return
        asset, notes = info.asset, list(info.notes)  # upscaled / background kept (issue 10), per candidate
        self.results.add_asset(asset, notes)
        self.generated.add_asset(asset, notes)
        if job_id == self._active_job:
            self._active_job = None
            job = self.generation.ended_job(job_id) or self.store.jobs.get(job_id)
            self.progress.setValue(100)
            count = int(job.parameters.get("count") or 1)
            kept = sum(1 for c in job.parameters.get("candidates", []) if c.get("asset_id"))
            done = "Done" if job.status == JobStatus.COMPLETED else f"{kept} of {count} kept"
            self.progress.setFormat(done + (" (offline preview)" if asset.is_preview else ""))
            self.progress.setToolTip(job.error_message or "")
            self._set_running(False)
            self.staging.job_ended(job_id, f"{done}. {job.error_message}" if job.error_message else done)
            if job.status == JobStatus.PARTIAL:
                self.statusBar().showMessage(job.error_message or "Some candidates failed", 10000)
                return
        self.statusBar().showMessage(f"Generated {asset.asset_type.value} {asset.width}x{asset.height}"
                                     + (f". Note: {notes[0]}" if notes else ""), 12000 if notes else 6000)

    def _delivered_facts(self, asset_id: str) -> ResultInfo | None:
        found = self.generation.result(asset_id)
        return self.results_service.info_for(found.asset, found.job) if found is not None else None

    def _on_failed(self, job_id: str, message: str) -> None:
        ended = self.generation.ended_job(job_id)
        try:
            cancelled = (ended or self.store.jobs.get(job_id)).status == JobStatus.CANCELLED
        except NotFoundError:  # the job could not even be recorded
            cancelled = False
        if job_id == self._active_job:
            self._active_job = None
            self.progress.setValue(0)
            self.progress.setFormat("Cancelled" if cancelled else "Failed")
            self._set_running(False)
            self.staging.job_ended(job_id, "Cancelled" if cancelled else f"Failed: {message}")
        if cancelled:
            self.statusBar().showMessage("Generation cancelled; nothing was saved.", 6000)
        else:
            self._show_error("Generation failed", message)

    # -- results ---------------------------------------------------------------------------------
    def _connect_result_actions(self) -> None:
        acts = self.result_actions
        acts.placeRequested.connect(self.place_result)
        acts.showRequested.connect(self.show_generated_asset)
        acts.reusePromptRequested.connect(self._reuse_prompt)
        acts.refineRequested.connect(self.refine_result)
        acts.deleted.connect(self._result_deleted)
        acts.saved.connect(lambda _aid, path: self.statusBar().showMessage(f"Saved {path}", 6000))

    def place_result(self, media_asset_id: str) -> list[str]:
        """Place a result (already in the media library) at the canvas centre; one undo step."""
        self.library_panel.refresh()
        doc = self.editor.document
        ids = self.place_media([media_asset_id], QPointF(doc.width / 2, doc.height / 2))
        if ids:
            self.statusBar().showMessage("Placed the result on the canvas (it is in the media library too)", 6000)
        return ids

    def _reuse_prompt(self, text: str, full: bool) -> None:
        self.generate_options.set_prompt(text, full=full)
        self.generate_options.prompt_edit.setFocus()
        self.statusBar().showMessage("The prompt is back in the prompt field; Generate uses it", 6000)

    def refine_result(self, asset_id: str) -> None:
        """Use ``asset_id`` as the input image of the next generation: through its coach
        session when that session is open and active, else the next Generate."""
        try:
            asset = self.results_service.get(asset_id)
        except ResultError:
            return
        panel = self.coach_panel
        if asset.coach_session_id and asset.coach_session_id == panel.session_id and \
                panel.pages.currentWidget() is panel.chat_page and not panel.prompt_box.isReadOnly():
            panel.refine(asset_id)
            return
        self.generate_options.set_refine(asset_id, self.result_actions.preview_png(asset_id))
        self.statusBar().showMessage("The next Generate refines this result", 6000)

    def _refine_input(self) -> bytes | None:
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
        self.statusBar().showMessage("Result deleted", 4000)

    def _variations_changed(self, count: int) -> None:
        try:
            self.results_service.save_settings(variations=count)
        except OSError as exc:
            self.statusBar().showMessage(f"Could not store the Variations setting: {exc.strerror or exc}", 6000)

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
