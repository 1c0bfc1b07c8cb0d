"""Where the studio keeps its data: platformdirs, overridable by flag or environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "StreamerStudio"
DATA_DIR_ENV = "STUDIO_DATA_DIR"


@dataclass(frozen=True)
class StudioPaths:
    """Folders and files of one data dir.

    Attributes:
        data_dir: root; ``studio.db`` (SQLite, WAL) and ``blobs/`` live here.
    """

    data_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> StudioPaths:
        """Pick the data dir: explicit argument, else ``$STUDIO_DATA_DIR``, else the
        platform's user data dir (platformdirs). Creates it."""
        chosen = data_dir or os.environ.get(DATA_DIR_ENV) or platformdirs.user_data_dir(APP_NAME, False)
        root = Path(chosen).expanduser().resolve()
        root.mkdir(parents=True, exist_ok=True)
        return cls(root)

    @property
    def database(self) -> Path:
        """The SQLite file."""
        return self.data_dir / "studio.db"

    @property
    def blobs(self) -> Path:
        """Content-addressed blob folder."""
        return self.data_dir / "blobs"

    @property
    def models(self) -> Path:
        """Optional segmentation models the user fetched (Settings > Library); the shipped
        one stays inside the package."""
        return self.data_dir / "models"

    @property
    def recovery(self) -> Path:
        """Autosave/recovery files."""
        return self.data_dir / "recovery"

    @property
    def settings_file(self) -> Path:
        """Non-secret settings (JSON). Secrets live only in the OS keyring."""
        return self.data_dir / "settings.json"
