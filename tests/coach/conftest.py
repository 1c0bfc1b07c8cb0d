"""Fixtures for the coach: services on the shared ``store``, a canvas with placements and a sketch,
and a scripted chat engine for unit tests (the GUI flows use the loopback LLM servers)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement
from studio_app.providers.base import CancelToken
from studio_app.providers.errors import GenerationCancelledError, GenerationError
from studio_app.services.coach import CoachService
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerationService
from tests.servers.fixtures import fresh, serving
from tests.servers.openai_server import OpenAIServer

PROMPT_REPLY = ("Love it! Should the crowd be **cheering** or stunned?\n\n"
                "```prompt\nA masked streamer leaping over a neon arena crowd, purple rim light, "
                "confetti, the word 'CLUTCH' in huge chrome letters at the top\n```")


def add_media(store: StudioStore, path: Path, name: str, kind: MediaAssetType = MediaAssetType.CHARACTER,
              ) -> MediaAsset:
    """Put an image file into the media library through the store (blob + row)."""
    data = path.read_bytes()
    digest = store.blobs.put(data)
    with Image.open(path) as im:
        width, height = im.size
        mime = Image.MIME.get(im.format or "PNG", "image/png")
    now = datetime.now(UTC)
    asset = MediaAsset(id=str(uuid.uuid4()), asset_type=kind, display_name=name, url=store.blobs.ref(digest),
                       storage_path=store.blobs.ref(digest), content_hash=digest, file_size=len(data),
                       mime_type=mime, width=width, height=height, created_at=now, updated_at=now)
    return store.media.add(asset)


def layout_canvas(store: StudioStore, photos: list[Path]) -> CanvasDocument:
    """A thumbnail canvas: two placed photos, a pen stroke, an arrow and a text label."""
    by_name = {p.stem: p for p in photos}
    hero = add_media(store, by_name.get("astronaut", photos[0]), "astronaut")
    pet = add_media(store, by_name.get("horse", photos[-1]), "horse", MediaAssetType.OBJECT)
    return CanvasDocument(
        name="Clutch thumbnail",
        placements=[
            MediaAssetPlacement(asset_id=hero.id, display_name="astronaut", asset_type="character",
                                url=hero.url, x=30, y=55, width=40, height=70, z_index=1),
            MediaAssetPlacement(asset_id=pet.id, display_name="horse", asset_type="object",
                                url=pet.url, x=75, y=60, width=30, height=50, z_index=2),
        ],
        sketch_elements=[
            SketchElement(kind="pen", points=[(10, 90), (30, 85), (50, 88), (70, 84)], color="#FFD60A"),
            SketchElement(kind="arrow", points=[(60, 20), (75, 45)], color="#FF3B30"),
            SketchElement(kind="text", points=[(55, 8)], text="CLUTCH", color="#FFFFFF"),
        ],
    )


class ScriptedEngine:
    """A fake ChatEngine for unit tests: streams scripted replies piece by piece.

    Each call of ``stream_chat`` takes the next script entry: a reply text, or an exception to
    raise after ``fail_after`` pieces. ``gate`` (an Event) holds the stream after the first piece
    until set, to test Stop. Calls are recorded in ``calls`` as (messages, system).
    """

    label = "Scripted (test)"

    def __init__(self, *replies: str | Exception, fail_after: int = 2, piece_delay_s: float = 0.0) -> None:
        self.replies = list(replies)
        self.fail_after = fail_after
        self.piece_delay_s = piece_delay_s
        self.gate: threading.Event | None = None
        self.calls: list[tuple[list, str]] = []

    def stream_chat(self, messages: Sequence, system: str = "", *,
                    cancel: CancelToken | None = None) -> Iterator[str]:
        self.calls.append((list(messages), system))
        reply = self.replies.pop(0) if self.replies else PROMPT_REPLY
        return self._pieces(reply, cancel)

    def _pieces(self, reply: str | Exception, cancel: CancelToken | None) -> Iterator[str]:
        text = reply if isinstance(reply, str) else "Partial answer before the failure. " * 3
        pieces = [text[i:i + 12] for i in range(0, len(text), 12)]
        for i, piece in enumerate(pieces):
            if cancel is not None and cancel.cancelled:
                raise GenerationCancelledError("Cancelled.")
            if isinstance(reply, Exception) and i == self.fail_after:
                raise reply
            yield piece
            if i == 0 and self.gate is not None:
                while not self.gate.wait(0.01):
                    if cancel is not None and cancel.cancelled:
                        raise GenerationCancelledError("Cancelled.")
            if self.piece_delay_s:
                time.sleep(self.piece_delay_s)


@pytest.fixture
def generation(store: StudioStore) -> GenerationService:
    return GenerationService(store)


@pytest.fixture
def make_coach(store: StudioStore, generation: GenerationService, qapp):  # noqa: ANN001, ANN201
    """Build CoachServices on the store (shut down after the test)."""
    made: list[CoachService] = []

    def make(engine: object | None = None, **kwargs: object) -> CoachService:
        factory = (lambda settings: engine) if engine is not None else None
        coach = CoachService(store, generation, chat_engine_factory=factory, **kwargs)
        made.append(coach)
        return coach

    yield make
    for coach in made:
        coach.shutdown()
    generation.pool.waitForDone(10000)


@pytest.fixture
def coach(make_coach) -> CoachService:  # noqa: ANN001
    return make_coach()


__all__ = ["PROMPT_REPLY", "GenerationError", "ScriptedEngine", "add_media", "layout_canvas"]


@pytest.fixture(scope="session")
def _llama_session() -> Iterator[OpenAIServer]:
    """An Ollama-like server listing ``llama3.2`` untagged (the coach's tests check that name)."""
    yield from serving(OpenAIServer(require_auth=False, models=("llama3.2",), sse_newline="\n"))


@pytest.fixture
def local_llm_server(_llama_session: OpenAIServer) -> OpenAIServer:
    """A loopback Ollama-like OpenAI-compatible server (SSE with LF and [DONE], no auth), reset."""
    return fresh(_llama_session)
