"""StudioServices: the opened data dir (database, blobs, settings) shared by all services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio_app.store.blobs import BlobStore
from studio_app.store.database import Database
from studio_app.store.paths import StudioPaths
from studio_app.store.repositories import (
    AssetRepository,
    BrandKitRepository,
    CanvasDocumentRepository,
    CoachSessionRepository,
    JobRepository,
    MediaAssetRepository,
)
from studio_app.store.secrets import SecretStore
from studio_app.store.settings import SettingsStore


@dataclass
class StudioStore:
    """One opened data dir: the SQLite database (migrated), blob store, settings and repositories.

    Build it with ``StudioStore.open(data_dir)``; pass it to services.
    """

    paths: StudioPaths
    db: Database
    blobs: BlobStore
    settings: SettingsStore
    media: MediaAssetRepository
    jobs: JobRepository
    assets: AssetRepository
    brand_kits: BrandKitRepository
    canvases: CanvasDocumentRepository
    coach_sessions: CoachSessionRepository
    secrets: SecretStore = field(default_factory=SecretStore)
    extras: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> StudioStore:
        """Open (creating and migrating as needed) the data dir: explicit, else
        ``$STUDIO_DATA_DIR``, else the platform's user data dir.

        Raises:
            sqlalchemy.exc.OperationalError: the database file is unusable.
        """
        paths = StudioPaths.resolve(data_dir)
        db = Database(paths.database)
        return cls(
            paths=paths,
            db=db,
            blobs=BlobStore(paths.blobs),
            settings=SettingsStore(paths.settings_file),
            media=MediaAssetRepository(db),
            jobs=JobRepository(db),
            assets=AssetRepository(db),
            brand_kits=BrandKitRepository(db),
            canvases=CanvasDocumentRepository(db),
            coach_sessions=CoachSessionRepository(db),
        )

    def close(self) -> None:
        """Release the database."""
        self.db.close()
