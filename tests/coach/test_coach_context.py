"""CoachSession.context is a typed CoachContext; sessions stored with the earlier plain-dict shape
(the same JSON keys, written before the model existed) open, work and keep what they held."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.coach import CoachContext
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.services.coach import CoachService
from studio_app.store.models import CoachSessionRow

OLD_CONTEXT = {  # what the dict-based coach stored for an offline session with a canvas
    "custom_mood": None, "game_id": "516575", "game_name": "Valorant",
    "description": "me winning a clutch round",
    "media_asset_ids": ["m-1"], "media_asset_names": ["astronaut"],
    "media_asset_placements": [{"asset_id": "m-1", "display_name": "astronaut", "x": 30, "y": 55,
                                "width": 40, "height": 70}],
    "canvas": CanvasDocument(name="Old canvas").model_dump(mode="json"),
    "canvas_snapshot_description": "A thumbnail canvas with the astronaut on the left.",
    "canvas_snapshot_hash": None, "engine": "offline", "engine_label": "Offline guided coach",
    "draft": {"asset_type": "thumbnail", "mood": "hype", "custom_mood": None, "subject": "me winning",
              "on_image_text": None, "notes": []},
    "prompt_edited": True, "refine_asset_id": None,
    "a_key_from_a_newer_version": {"kept": [1, 2]},
}


def _insert_old_row(store, session_id: str, context: dict) -> None:  # noqa: ANN001
    now = datetime.now(UTC)
    with store.db.session() as s:
        s.add(CoachSessionRow(id=session_id, asset_type="thumbnail", mood="hype", game_context="Valorant",
                              status="active", turns_used=1, current_prompt="My own prompt",
                              messages=[{"role": "coach", "content": "What should the image show?",
                                         "type": "text", "asset_id": None, "created_at": now.isoformat()}],
                              generated_asset_ids=[], context=context, created_at=now, updated_at=now))


def _stored_context(store, session_id: str) -> dict:  # noqa: ANN001
    with store.db.session() as s:
        raw = s.execute(text("SELECT context FROM coach_sessions WHERE id = :id"), {"id": session_id}).scalar_one()
    return json.loads(raw) if isinstance(raw, str) else raw


def test_a_session_stored_with_the_old_dict_context_opens_typed(coach: CoachService, store) -> None:  # noqa: ANN001
    _insert_old_row(store, "old-1", OLD_CONTEXT)
    session = coach.open_session("old-1")
    ctx = session.context
    assert isinstance(ctx, CoachContext)
    assert ctx.engine == "offline" and ctx.game_name == "Valorant" and ctx.prompt_edited is True
    assert ctx.media_asset_ids == ["m-1"] and ctx.media_asset_names == ["astronaut"]
    assert isinstance(ctx.media_asset_placements[0], MediaAssetPlacement)
    assert ctx.media_asset_placements[0].x == 30
    assert isinstance(ctx.canvas, CanvasDocument) and ctx.canvas.name == "Old canvas"
    assert ctx.draft is not None and ctx.draft["subject"] == "me winning"
    # the offline coach goes on from the stored draft, and the session is written back
    coach.send_message("old-1", "no text")
    stored = _stored_context(store, "old-1")
    assert set(OLD_CONTEXT) <= set(stored)  # every old key is still there, under the same name
    assert stored["a_key_from_a_newer_version"] == {"kept": [1, 2]}  # unknown keys are not dropped
    assert stored["canvas"]["name"] == "Old canvas" and stored["game_id"] == "516575"
    assert store.coach_sessions.get("old-1").turns_used == 2


def test_a_context_value_that_no_longer_parses_falls_back_to_its_default(coach: CoachService, store) -> None:  # noqa: ANN001
    _insert_old_row(store, "old-2", {"engine": "offline", "media_asset_ids": "not-a-list",
                                     "prompt_edited": {"odd": True}, "description": None, "idea": "A neon arena"})
    ctx = coach.open_session("old-2").context
    assert ctx.media_asset_ids == [] and ctx.prompt_edited is False and ctx.description == ""
    assert ctx.engine == "offline" and ctx.idea == "A neon arena"  # the values that parse are kept


def test_an_empty_old_context_opens_with_defaults(coach: CoachService, store) -> None:  # noqa: ANN001
    _insert_old_row(store, "old-3", {})
    ctx = coach.open_session("old-3").context
    assert ctx.engine is None and ctx.canvas is None and ctx.media_asset_placements == []
    assert coach.canvas_snapshot("old-3") is None
