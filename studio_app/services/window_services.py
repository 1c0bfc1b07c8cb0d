"""WindowServices: every service the main window and its panes use, built once by the
composition root (app.py), so no widget holds the StudioStore."""

from __future__ import annotations

from dataclasses import dataclass

from .brand_kits import BrandKitService
from .canvas_files import CanvasFiles
from .coach import CoachService
from .context import StudioStore
from .generation import GenerationService
from .library_changes import LibraryChanges
from .media_library import MediaLibraryService
from .preferences import Preferences
from .provider_choice import ProviderSetup
from .results import ResultsService
from .settings_services import SettingsServices
from .sync_service import SyncService


@dataclass
class WindowServices:
    """The main window's services (see each class for what it does).

    ``sync`` is None when the window runs without sync (no status widget, no Sync menu).
    """

    generation: GenerationService
    library: MediaLibraryService
    brand_kits: BrandKitService
    coach: CoachService
    results: ResultsService
    preferences: Preferences
    canvas_files: CanvasFiles
    library_changes: LibraryChanges
    providers: ProviderSetup
    settings: SettingsServices
    sync: SyncService | None = None

    @classmethod
    def for_store(cls, store: StudioStore, generation: GenerationService, library: MediaLibraryService, *,
                  coach: CoachService, brand_kits: BrandKitService | None = None,
                  sync: SyncService | None = None) -> WindowServices:
        """Build the rest over ``store`` around the given services."""
        providers = ProviderSetup(store)
        return cls(generation=generation, library=library, brand_kits=brand_kits or BrandKitService(store),
                   coach=coach, results=ResultsService(store, library), preferences=Preferences(store.settings),
                   canvas_files=CanvasFiles(store, library), library_changes=LibraryChanges(store),
                   providers=providers, settings=SettingsServices.for_store(store, library=library, sync=sync),
                   sync=sync)
