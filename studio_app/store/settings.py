"""Non-secret settings in ``settings.json`` beside the database, one section per concern.

Each layer declares its own pydantic model for its section (e.g. a SyncSettings in
sync/, a LibrarySettings in library/) and reads it with ``SettingsStore.section``.
Secrets (API keys, bucket credentials) never go here: they live in the OS keyring.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from studio_app.atomic_files import atomic_write_bytes

M = TypeVar("M", bound=BaseModel)


class SettingsStore:
    """Reads and writes ``settings.json`` atomically; unknown sections are kept.

    A corrupt file is moved aside to ``settings.json.corrupt`` and defaults are used,
    so a bad edit never stops the app from starting.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._data: dict[str, Any] = self._load()

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("top level is not an object")
            return data
        except (ValueError, UnicodeDecodeError):
            self.path.replace(self.path.with_name(self.path.name + ".corrupt"))
            return {}

    def section(self, name: str, model: type[M]) -> M:
        """The section ``name`` parsed as ``model`` (defaults for missing or invalid values)."""
        with self._lock:
            raw = self._data.get(name, {})
        try:
            return model.model_validate(raw)
        except ValueError:
            return model()

    def save_section(self, name: str, value: BaseModel) -> None:
        """Store ``value`` as section ``name`` and write the file atomically.

        Raises:
            OSError: the file could not be written (the previous file is untouched).
        """
        with self._lock:
            self._data[name] = value.model_dump(mode="json")
            text = json.dumps(self._data, indent=2, sort_keys=True) + "\n"
            atomic_write_bytes(self.path, text.encode("utf-8"))
