"""MainWindow: Media Library | Canvas | Coach, with the canvas panels docked, results and Generate.

The window builds its panes and composes the parts that run them:
``documents`` (DocumentController: open, save, recent files, autosave, recovery),
``flow`` (GenerationFlow: the generate controls, results and their actions),
``placing`` (CanvasPlacing: placing media and the brand logo, export, import),
``first_hour`` (FirstHour: Help, empty states, starters, theme, context menus);
the menus come from window_menus.py and the docks from window_docks.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QCloseEvent, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
)

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.render.export import ExportFormat
from studio_app.services.window_services import WindowServices

from .brand_kits import ActiveBrandKitCombo, BrandKitsDialog
from .canvas.actions import CanvasActions
from .canvas.resize_dialog import resize_open_design
from .canvas.session import ask_unsaved_changes
from .canvas.workspace import CanvasWorkspace
from .canvas_placing import CanvasPlacing
from .coach.panel import CoachPanel
from .document_controller import DocumentController
from .file_dialogs import FileDialogs
from .first_hour import FirstHour
from .generation_flow import GenerationFlow, coach_canvas_timer
from .jobs.panel import JobsPanel
from .library.panel import MediaLibraryPanel
from .library.watcher import LibraryWatcher
from .results.strip import ResultsStrip
from .shortcuts_dialog import GettingStartedDialog, ShortcutsDialog
from .sync.settings_panel import SyncSettingsPanel
from .sync.status_widget import SyncStatusWidget, report_text
from .theme import apply_theme
from .window_docks import build_docks, build_jobs_dock, fit_small_screens, size_docks_when_shown
from .window_layout import WindowLayout
from .window_menus import build_menus, build_sync_menu

if TYPE_CHECKING:  # built on first open (its pages import more), not at start-up
    from .settings.dialog import SettingsDialog


class MainWindow(QMainWindow):
    """The studio window. Built by app.py with the services (WindowServices) it uses.

    The canvas (CanvasWorkspace) sits in the middle; its inspector, layers and undo
    history are docks on the right. Documents autosave to StudioPaths.recovery within 2 s
    of an edit; quitting, closing or opening another document with unsaved edits asks
    ``unsaved_prompt(window, name) -> UnsavedChoice`` (Save / Discard / Cancel; tests
    replace it).
    """

    unsaved_prompt = staticmethod(ask_unsaved_changes)

    # Set by the builders of window_docks.py and window_menus.py.
    library_dock: QDockWidget
    coach_dock: QDockWidget
    jobs_dock: QDockWidget
    docks: dict[str, QDockWidget]
    recent_menu: QMenu
    theme_menu: QMenu
    design_menu: QMenu
    theme_actions: dict[str, QAction]
    settings_action: QAction
    undo_action: QAction
    redo_action: QAction
    jobs_toggle_action: QAction
    cancel_action: QAction
    sync_now_action: QAction

    def __init__(self, services: WindowServices, *, provider_name: str = "offline",
                 provider_label: str = "Offline preview") -> None:
        super().__init__()
        self.services = services
        self.generation, self.library, self.sync = services.generation, services.library, services.sync
        self.brand_kits, self.coach = services.brand_kits, services.coach
        self.provider_name = provider_name
        self.last_error: tuple[str, str] | None = None
        self.settings_dialog: SettingsDialog | None = None
        self._closed = self._docks_sized = False
        self.resize(1680, 980)
        self.preferences = services.preferences
        self.first_hour = FirstHour(self, self.preferences)
        apply_theme(self.first_hour.appearance.theme)
        self.file_dialogs = FileDialogs(self.preferences)
        self.results_service = services.results
        self._build_canvas()
        self.flow = GenerationFlow(self, self.results_service)
        self._build_panes()
        self.flow.attach()
        self._expose_flow()
        self.setCentralWidget(self.flow.centre_widget(self.workspace))
        build_docks(self)
        self._build_status_bar(provider_label)
        self.jobs_panel = JobsPanel(self.generation)
        self.jobs_dock = build_jobs_dock(self, self.jobs_panel)
        self._build_sync()
        self.documents = DocumentController(self, services.canvas_files, self.preferences)
        build_menus(self)
        fit_small_screens(self)
        build_sync_menu(self)
        self._connect()
        self.flow.sync_asset_type_combo()
        self.flow.document_changed()
        self.documents.update_title()
        self.first_hour.build()
        self.window_layout = WindowLayout(self, self.preferences)
        self.window_layout.restore(geometry=False)

    # -- building ----------------------------------------------------------------------
    def _build_canvas(self) -> None:
        self.undo_stack = QUndoStack(self)
        self.workspace = CanvasWorkspace(self.undo_stack, self.generation.images, self._palette)
        self.editor = self.workspace.editor
        self.scene = self.workspace.scene
        self.canvas_view = self.workspace.view
        self.canvas_actions: CanvasActions = self.workspace.canvas_actions
        self.tool_actions = self.canvas_actions.tools
        self.placing = CanvasPlacing(self)
        self.workspace.style_bar.custom_colours = lambda: self.brand_kits.palette()[:16]
        self.workspace.style_row.addSeparator()
        self.workspace.style_row.addWidget(QLabel(" Brand kit: "))
        self.brand_kit_combo = ActiveBrandKitCombo(self.brand_kits)
        self.brand_kit_combo.currentIndexChanged.connect(lambda _i: self._brand_kit_changed())
        self.workspace.style_row.addWidget(self.brand_kit_combo)
        self.canvas_view.mediaDropped.connect(self.place_media)
        self.canvas_view.filesDropped.connect(self.placing.place_files)

    def _build_panes(self) -> None:
        self.library_panel = MediaLibraryPanel(self.library)
        self.generated = ResultsStrip(self.asset_bytes)
        self.generated.setFlow(ResultsStrip.Flow.LeftToRight)
        self.generated.setWrapping(True)
        self.generated.setFixedHeight(16777215)
        self.generated.setMinimumHeight(200)
        self.left_tabs = QTabWidget()
        self.left_tabs.addTab(self.library_panel, "Media")
        self.left_tabs.addTab(self.generated, "Generated")
        self.coach_panel = CoachPanel(self.coach, self._coach_canvas, provider=lambda: self.provider_name)
        # The coach's start form summarises the canvas; re-read it shortly after edits stop.
        self._coach_canvas_timer = coach_canvas_timer(self, self._refresh_coach_canvas)
        self.coach_panel.showAssetRequested.connect(self.show_generated_asset)

    def _expose_flow(self) -> None:
        """The generate controls and results are the window's widgets too (tests, screenshots)."""
        flow = self.flow
        self.asset_type_combo, self.canvas_mode = flow.asset_type_combo, flow.canvas_mode
        self.generate_button, self.cancel_button, self.progress = flow.generate_button, flow.cancel_button, \
            flow.progress
        self.results, self.result_actions = flow.results, flow.result_actions
        self.generate_options, self.staging = flow.generate_options, flow.staging

    def _build_status_bar(self, provider_label: str) -> None:
        self.provider_status = QLabel(f"Provider: {provider_label}")
        self.zoom_status = QLabel()
        self.statusBar().addPermanentWidget(self.zoom_status)
        self.statusBar().addPermanentWidget(self.provider_status)
        self.canvas_view.zoomChanged.connect(lambda z: self.zoom_status.setText(f"{z * 100:.0f}%"))
        self.zoom_status.setText(f"{self.canvas_view.zoom() * 100:.0f}%")

    def _build_sync(self) -> None:
        self.sync_status: SyncStatusWidget | None = None
        if self.sync is not None:
            self.sync_status = SyncStatusWidget(self.sync, self)
            self.statusBar().addPermanentWidget(self.sync_status)
            self.sync.start()

    def _connect(self) -> None:
        self.library_panel.assetsChanged.connect(self.placing.library_changed)
        # The library changes behind this window too (studio import, a sync): refresh the pane.
        self.library_watcher = LibraryWatcher(self.services.library_changes, self)
        self.library_watcher.changed.connect(self.library_panel.refresh)
        for asset in reversed(self.results_service.recent(limit=60)):
            self.generated.add_asset(asset)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        """First show: size the docks to the panes' real minimums (window_docks.py)."""
        super().showEvent(event)
        if not self._docks_sized:
            self._docks_sized = True
            size_docks_when_shown(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Closing with unsaved edits asks Save / Discard / Cancel; a clean close leaves no
        recovery file, so the next start never reports a crash."""
        if not self._closed:
            if not self.documents.close():
                event.ignore()
                return
            self._closed = True
        self.documents.autosave.detach()
        self.library_watcher.stop()
        self.window_layout.save()
        if self.sync is not None:
            self.sync.stop()
        super().closeEvent(event)

    # -- documents (DocumentController) --------------------------------------------------------
    @property
    def file_path(self) -> Path | None:
        """The open document's file (None: never saved)."""
        return self.documents.file_path

    @property
    def autosave(self):  # noqa: ANN201 - Autosave
        """The open document's Autosave (ui/canvas/autosave.py)."""
        return self.documents.autosave

    def new_document(self) -> bool:
        """File → New canvas (DocumentController.new_document)."""
        return self.documents.new_document()

    def open_document(self, path: str | Path | None = None) -> bool:
        """File → Open canvas (DocumentController.open_document)."""
        return self.documents.open_document(path)

    def save_document(self) -> bool:
        """File → Save canvas (DocumentController.save_document)."""
        return self.documents.save_document()

    def save_document_as(self, path: str | Path | None = None) -> bool:
        """File → Save canvas as (DocumentController.save_document_as)."""
        return self.documents.save_document_as(path)

    def recent_files(self) -> list[str]:
        """Recently opened or saved canvas files, most recent first."""
        return self.documents.recent_files()

    def document_label(self) -> str:
        """The open document's file name, else its name."""
        return self.documents.document_label()

    def confirm_unsaved_changes(self) -> bool:
        """Save / Discard / Cancel before dropping unsaved edits (DocumentController)."""
        return self.documents.confirm_unsaved_changes()

    def offer_recovery(self, ask=None) -> bool:  # noqa: ANN001 - Callable[[str], bool] | None
        """After a crash: offer the autosave (DocumentController.offer_recovery)."""
        return self.documents.offer_recovery(ask)

    def restore_session(self, ask=None) -> str:  # noqa: ANN001 - Callable[[str], bool] | None
        """At start: the autosave, else the last document (DocumentController.restore_session)."""
        return self.documents.restore_session(ask)

    def new_from_starter(self, asset_type: str | None = None) -> bool:
        """File → New from starter (FirstHour.new_from_starter)."""
        return self.first_hour.new_from_starter(asset_type)

    # -- canvas (CanvasPlacing) ----------------------------------------------------------------
    def place_media(self, asset_ids: list[str], scene_pos: QPointF) -> list[str]:
        """Place library assets at ``scene_pos`` (canvas px); returns the placement ids."""
        return self.placing.place_media(asset_ids, scene_pos)

    def place_at_centre(self, asset_ids: list[str]) -> list[str]:
        """Place library assets at the canvas centre (double-click, Place on canvas)."""
        return self.first_hour.place_at_centre(asset_ids)

    def insert_brand_logo(self, logo_type: str = "primary", logo_position: str = "bottom-right") -> str | None:
        """Edit → Insert brand logo (CanvasPlacing.insert_brand_logo)."""
        return self.placing.insert_brand_logo(logo_type, logo_position)

    def export_canvas(self, path: str | Path, fmt: ExportFormat = "PNG", scale: float = 1.0) -> Path | None:
        """Render the canvas to ``path`` (CanvasPlacing.export_canvas); None after an error."""
        return self.placing.export_canvas(path, fmt, scale)

    def asset_type(self) -> AssetType:
        """The document's target."""
        return self.editor.document.asset_type

    def resize_to(self, dialog=None, save_path=None):  # noqa: ANN001, ANN201 - see resize_open_design
        """Design > Resize to…: change this design's target or save a resized copy (resize_open_design)."""
        try:
            new = resize_open_design(self, self.editor, self.undo_stack, current_file=self.file_path,
                                     dialog=dialog, save_path=save_path)
        except OSError as exc:
            self.show_error("Could not save the resized copy", f"{exc.strerror or exc}")
            return None
        if new is not None and new.id != self.editor.document.id:
            self.statusBar().showMessage(f"Saved a resized copy: {new.name}", 6000)
        return new

    def open_brand_kits(self) -> BrandKitsDialog:
        """Show the brand kit dialog (window-modal); returns it."""
        dialog = BrandKitsDialog(self.brand_kits, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _palette(self) -> tuple[list[str], str | None]:
        """Easy Sketch colours: the active brand kit's primary + accent colours (BrandKitService)."""
        kit = self.brand_kits.active()
        return self.brand_kits.palette(), kit.name if kit else None

    def _brand_kit_changed(self) -> None:
        if self.workspace.easy_sketch:
            self.workspace.easy_bar.set_palette(*self._palette())

    # -- generation (GenerationFlow) -----------------------------------------------------------
    def generate(self) -> str:
        """Queue a generation of the current canvas; returns the job id (GenerationFlow.generate)."""
        return self.flow.generate()

    def cancel_generation(self) -> bool:
        """Cancel the job started by Generate (button, Esc); False when none is running."""
        return self.flow.cancel_generation()

    def use_canvas_snapshot(self) -> bool:
        """Canvas mode: send the 2x snapshot + description (on by default with content)."""
        return self.flow.use_canvas_snapshot()

    def place_result(self, media_asset_id: str) -> list[str]:
        """Place a result at the canvas centre; one undo step (GenerationFlow.place_result)."""
        return self.flow.place_result(media_asset_id)

    def refine_result(self, asset_id: str) -> None:
        """Refine ``asset_id`` next (GenerationFlow.refine_result)."""
        self.flow.refine_result(asset_id)

    def _coach_canvas(self) -> CanvasDocument:
        return self.flow.coach_canvas()

    def _refresh_coach_canvas(self) -> None:
        if self.coach_panel.start_form.isVisible():
            self.coach_panel.start_form.refresh()

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

    def asset_bytes(self, asset) -> bytes:  # noqa: ANN001 - Asset
        """A result's image for the strips: the worker's small preview when there is one (no
        full-size decode on the GUI thread), else the stored file."""
        return self.generation.thumbnail_png(asset.id) or self.results_service.image_bytes(asset)

    def show_jobs(self) -> None:
        """Show the Jobs panel (recent jobs, their errors, Cancel per running job)."""
        self.jobs_dock.show()
        self.jobs_dock.raise_()

    def toggle_jobs(self) -> None:
        """Ctrl+J: show the Jobs panel, or hide it when it is shown."""
        self.jobs_toggle_action.trigger()

    # -- settings, theme, help -----------------------------------------------------------------
    def open_settings(self, page: str | None = None) -> SettingsDialog:
        """Open the Settings dialog (non-modal to the event loop: keyring work runs in workers),
        at ``page`` ("Library", "Sync", ...) when given."""
        from .settings.dialog import SettingsDialog

        dialog = SettingsDialog(self.services.settings, parent=self)
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
        providers = self.services.providers
        self.provider_name = providers.default_provider(self.generation.providers)
        self.provider_status.setText(f"Provider: {providers.label(self.provider_name)}")
        self.coach.default_provider = self.provider_name
        self.coach.reload_engine()
        self.coach_panel.refresh_engine()

    def set_theme(self, theme: str) -> str:
        """View → Theme: "dark", "light" or "system" (FirstHour.set_theme); the effective theme."""
        return self.first_hour.set_theme(theme)

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help → Keyboard shortcuts."""
        return self.first_hour.show_shortcuts()

    def show_getting_started(self) -> GettingStartedDialog:
        """F1: the first-hour steps."""
        return self.first_hour.show_getting_started()

    def show_error(self, title: str, message: str) -> None:
        """A window-modal warning box (and its first line in the status bar); kept in ``last_error``."""
        self.statusBar().showMessage(f"{title}: {message.splitlines()[0] if message else ''}", 10000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        self.last_error = (title, message)

    # -- sync ----------------------------------------------------------------------------------
    def sync_now(self) -> bool:
        """Sync now (F5): start a run, or with no bucket set open Settings → Sync. True when a
        run started."""
        if self.sync_status is None:
            return False
        return self.sync_status.sync_now()

    def sync_finished(self, report) -> None:  # noqa: ANN001 - SyncReport
        """A sync run ended: its report in the status bar; re-read the library when files came."""
        self.statusBar().showMessage(report_text(report), 10000)
        if report.downloaded or report.deleted:
            self.library_watcher.check_soon()

    def sync_failed(self, message: str) -> None:
        """A sync run failed: say so and how to retry."""
        self.statusBar().showMessage(f"Sync failed: {message}. Press F5 or click Retry to try again.", 15000)

    def open_sync_settings(self) -> QDialog:
        """Show the bucket settings (endpoint, region, bucket, prefix, keys, Test connection)."""
        dialog = QDialog(self)
        dialog.setWindowTitle("Sync: bucket settings")
        layout = QVBoxLayout(dialog)
        layout.addWidget(SyncSettingsPanel(self.sync, dialog))  # type: ignore[arg-type]  # Sync menu exists only with sync
        dialog.setModal(False)
        dialog.open()
        return dialog
