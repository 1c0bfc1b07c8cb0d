"""The ImageProvider interface every image backend implements."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

from studio_app.domain.asset_types import TARGET_SPECS, AssetType

from .errors import GenerationCancelledError


@dataclass(frozen=True)
class InputImage:
    """An image sent with the prompt.

    Attributes:
        data: encoded bytes (PNG, JPEG or WebP).
        mime_type: e.g. ``image/png``.
        role: ``canvas_snapshot`` (the 2x render of the canvas), ``logo`` (a brand logo the
            prompt asks for), ``reference`` (a media-library asset) or ``refine`` (an earlier
            result to refine). When a model takes fewer images than sent, references go first,
            then the refine image; the snapshot and logos are kept longest.
        label: how the prompt names the image (e.g. the asset's display name), may be ''.
    """

    data: bytes
    mime_type: str = "image/png"
    role: str = "reference"
    label: str = ""


@dataclass(frozen=True)
class ImageRequest:
    """What a provider is asked to make.

    Attributes:
        prompt: the built prompt (PromptEngine output).
        asset_type: the target; ``width``/``height`` are its exact size in px.
        input_images: canvas snapshot first (if any), then references.
        model: provider-specific model id, or None for the provider's default.
    """

    prompt: str
    asset_type: AssetType
    input_images: tuple[InputImage, ...] = ()
    model: str | None = None

    @property
    def width(self) -> int:
        """Target width in px."""
        return TARGET_SPECS[self.asset_type].width

    @property
    def height(self) -> int:
        """Target height in px."""
        return TARGET_SPECS[self.asset_type].height

    @property
    def wants_alpha(self) -> bool:
        """True when the target keeps a transparent background (emotes, badges, ...)."""
        return TARGET_SPECS[self.asset_type].wants_alpha


@dataclass(frozen=True)
class ImageResult:
    """What a provider returned, before fitting to the exact target size.

    Attributes:
        data: the encoded image as returned (any size).
        mime_type: its MIME type.
        model: the model that made it.
        text: any text the model sent along.
        is_preview: True for the offline provider (no AI).
        requested_size: (width, height) px asked of the model (Gemini: the documented output
            for the chosen aspectRatio/imageSize; OpenAI: the ``size`` sent), if known.
        received_size: (width, height) px of the returned image.
        transparent_background: the service made the background transparent itself
            (OpenAI ``background=transparent``); else a cut-out target needs background removal.
    """

    data: bytes
    mime_type: str = "image/png"
    model: str = ""
    text: str | None = None
    is_preview: bool = False
    requested_size: tuple[int, int] | None = None
    received_size: tuple[int, int] | None = None
    transparent_background: bool = False


@dataclass
class CancelToken:
    """Set from any thread to ask a running generation to stop."""

    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        """Ask the job to stop."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise GenerationCancelledError if cancelled."""
        if self._event.is_set():
            raise GenerationCancelledError("Cancelled.")

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; return True early if cancelled."""
        return self._event.wait(seconds)


ProgressCallback = Callable[[int], None]
"""Called with progress in percent (0-100)."""


class ImageProvider(ABC):
    """An image backend.

    Attributes:
        name: short id used in settings and ``--provider`` (``offline``, ``gemini``, ``openai``).
        label: shown in the status bar and on results.
        is_preview: True when results are not AI images (the offline preview).
    """

    name: str = ""
    label: str = ""
    is_preview: bool = False

    @abstractmethod
    def generate(
        self,
        request: ImageRequest,
        *,
        cancel: CancelToken | None = None,
        progress: ProgressCallback | None = None,
    ) -> ImageResult:
        """Make one image for ``request``. Runs on a worker thread, never the GUI thread.

        Raises:
            GenerationError (or a subclass from providers.errors): with a one-line message.
        """

    def close(self) -> None:
        """Release network connections; the provider must not be used afterwards (no-op here)."""
        return None
