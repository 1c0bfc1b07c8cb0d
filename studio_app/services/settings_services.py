"""SettingsServices: what the Settings dialog and its pages work with, instead of the store."""

from __future__ import annotations

from dataclasses import dataclass

from .context import StudioStore
from .media_library import MediaLibraryService
from .provider_choice import ProviderSetup
from .segmentation_models import SegmentationModels
from .sync_service import SyncService


@dataclass
class SettingsServices:
    """The services behind the Settings pages.

    Attributes:
        setup: providers, chat model, keys and connection checks (Image providers, Coach LLM).
        library: the running media library, so a saved limit applies at once (Library).
        segmentation: the background-removal models and the choice (Library).
        sync: the bucket settings and Test connection (Sync).
    """

    setup: ProviderSetup
    library: MediaLibraryService
    segmentation: SegmentationModels
    sync: SyncService

    @classmethod
    def for_store(cls, store: StudioStore, *, library: MediaLibraryService | None = None,
                  sync: SyncService | None = None) -> SettingsServices:
        """Build them over ``store``, reusing the running ``library`` and ``sync`` when given."""
        return cls(setup=ProviderSetup(store), library=library or MediaLibraryService(store),
                   segmentation=SegmentationModels(store), sync=sync or SyncService(store))
