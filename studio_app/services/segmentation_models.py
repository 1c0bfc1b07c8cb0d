"""Which segmentation model background removal uses, and fetching the optional larger one.

Used by Settings > Library (``studio_app/ui/settings/segmentation_model.py``). The shipped
u2netp is always installed; an optional model is installed when its file in the data dir's
``models/`` folder has the recorded size and SHA-256. Fetching goes through the network layer
(``studio_app.providers.model_download``) and is only ever started by the user.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from studio_app.domain.segmentation_models import SEGMENTATION_MODELS, SHIPPED_MODEL_ID, SegmentationModelSpec
from studio_app.library.errors import ModelUnavailableError
from studio_app.library.settings import SETTINGS_SECTION, LibrarySettings
from studio_app.services.context import StudioStore

__all__ = ["ModelState", "SegmentationModels"]


@dataclass(frozen=True)
class ModelState:
    """One model as Settings shows it.

    Attributes:
        spec: the model.
        installed: usable now (shipped, or fetched and its checksum matches).
        chosen: the model background removal uses for photos.
        problem: one-line reason when a fetched file is present but fails its check.
    """

    spec: SegmentationModelSpec
    installed: bool
    chosen: bool
    problem: str | None = None


class SegmentationModels:
    """The list of segmentation models, the user's choice and fetching.

    Args:
        store: the opened data dir (settings and the ``models/`` folder).
    """

    def __init__(self, store: StudioStore) -> None:
        self.store = store

    @property
    def models_dir(self) -> Path:
        """Folder of fetched models."""
        return self.store.paths.models

    def _settings(self) -> LibrarySettings:
        return self.store.settings.section(SETTINGS_SECTION, LibrarySettings)

    def library_settings(self) -> LibrarySettings:
        """The stored ``library`` section (the model choice is one of its fields)."""
        return self._settings()

    def chosen_id(self) -> str:
        """Id of the chosen model (the shipped one when nothing else was chosen)."""
        chosen = self._settings().segmentation_model
        return chosen if chosen in SEGMENTATION_MODELS else SHIPPED_MODEL_ID

    def states(self) -> list[ModelState]:
        """Every known model with whether it is installed and chosen (checks fetched files'
        SHA-256: about a second for a 180 MB file, so call it from a worker)."""
        from studio_app.library.segmentation import model_path, verify

        out = []
        chosen = self.chosen_id()
        for spec in SEGMENTATION_MODELS.values():
            problem = None
            path = model_path(spec, self.models_dir)
            if spec.shipped:
                installed = True
            elif not path.exists():
                installed = False
            else:
                try:
                    verify(spec, path)
                    installed = True
                except ModelUnavailableError as exc:
                    installed, problem = False, str(exc)
            out.append(ModelState(spec, installed, spec.id == chosen, problem))
        return out

    def choose(self, model_id: str) -> None:
        """Use ``model_id`` for photos from now on (stored in settings.json, section "library").

        Raises:
            KeyError: unknown id.
            ModelUnavailableError: the model is not installed (fetch it first).
        """
        spec = SEGMENTATION_MODELS[model_id]
        if not spec.shipped:
            from studio_app.library.segmentation import model_path, verify

            verify(spec, model_path(spec, self.models_dir))
        settings = self._settings().model_copy(update={"segmentation_model": model_id})
        self.store.settings.save_section(SETTINGS_SECTION, settings)

    def fetch(self, model_id: str, *, progress: Callable[[int, int], None] | None = None,
              cancel: threading.Event | None = None, url: str | None = None) -> Path:
        """Download and check ``model_id`` into ``models_dir`` (the user asked for it).

        Args:
            progress: (received bytes, total bytes) after each chunk.
            cancel: set to stop.
            url: a mirror instead of the model's own address.

        Raises:
            studio_app.providers.model_download.ModelDownloadError: offline, server error,
                checksum mismatch, disk full, or cancelled (one line; nothing kept).
        """
        from studio_app.providers.model_download import download_model

        return download_model(SEGMENTATION_MODELS[model_id], self.models_dir, url=url, progress=progress,
                              cancel=cancel)
