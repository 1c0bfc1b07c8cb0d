"""Preferences: the typed sections of ``settings.json`` that the window and its dialogs keep.

Widgets receive a ``Preferences`` instead of the whole StudioStore: it reads and writes
settings sections (appearance, recent files, last session, folders) and nothing else.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from studio_app.store.settings import SettingsStore

M = TypeVar("M", bound=BaseModel)


class Preferences:
    """Read and write one settings section at a time.

    Args:
        settings: the data dir's SettingsStore (``StudioStore.settings``).
    """

    def __init__(self, settings: SettingsStore) -> None:
        self._settings = settings

    def section(self, name: str, model: type[M]) -> M:
        """The section ``name`` parsed as ``model`` (defaults for missing or invalid values)."""
        return self._settings.section(name, model)

    def save_section(self, name: str, value: BaseModel) -> None:
        """Store ``value`` as section ``name``.

        Raises:
            OSError: settings.json could not be written (the previous file is untouched).
        """
        self._settings.save_section(name, value)
