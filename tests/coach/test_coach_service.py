"""CoachService against a real data dir: lifecycle, turns, expiry, history, generation; LLM replies
from a scripted engine (the loopback-server flows are in test_coach_llm_flow.py)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.coach import CoachStatus
from studio_app.prompting.coach_prompt import CoachPromptError
from studio_app.providers.errors import GenerationError, RateLimitError
from studio_app.services.coach import CoachError, CoachService, CoachSettings
from studio_app.services.coach.models import CoachBusyError, SessionReadOnlyError, TurnLimitError
from tests.job_signals import COMPLETED, wait_coach_event

from .conftest import PROMPT_REPLY, ScriptedEngine, add_media, layout_canvas


class Clock:
    def __init__(self, coach: CoachService) -> None:
        self.offset = timedelta()
        self._real = coach.clock
        coach.clock = lambda: self._real() + self.offset


def start_offline(coach: CoachService, **extra: object) -> str:
    return coach.start_session({"asset_type": "thumbnail", "mood": "hype",
                                "description": "me winning a clutch round", **extra}).id


def test_offline_session_is_stored_with_the_seed_columns(coach: CoachService, store) -> None:  # noqa: ANN001
    sid = start_offline(coach, game_name="Valorant")
    stored = store.coach_sessions.get(sid)
    assert stored.status == CoachStatus.ACTIVE and stored.asset_type.value == "thumbnail"
    assert stored.mood == "hype" and stored.game_context == "Valorant" and stored.turns_used == 0
    assert stored.context.engine == "offline"
    opening = stored.messages[0]
    assert opening.role == "coach" and "Settings" in opening.content  # says an LLM can be connected
    coach.send_message(sid, "GG EZ")
    stored = store.coach_sessions.get(sid)
    assert stored.turns_used == 1 and stored.messages[-2].content == "GG EZ"
    assert stored.current_prompt and "'GG EZ'" in stored.current_prompt and "Valorant" in stored.current_prompt


def test_start_request_errors_are_one_line(coach: CoachService, store) -> None:  # noqa: ANN001
    with pytest.raises(CoachError, match="custom mood") as info:
        coach.start_session({"asset_type": "thumbnail", "mood": "custom"})
    assert "\n" not in str(info.value)
    with pytest.raises(CoachError, match="media_asset_ids"):
        coach.start_session({"asset_type": "thumbnail", "media_asset_ids": ["a", "b", "c"]})
    with pytest.raises(CoachError, match="asset_type"):
        coach.start_session({"asset_type": "poster"})
    with pytest.raises(CoachError, match="no longer in the media library"):
        coach.start_session({"asset_type": "thumbnail", "media_asset_ids": ["missing"]})
    assert store.coach_sessions.count() == 0  # nothing half-made was stored


def test_canvas_context_reaches_the_coach_and_the_prompt(make_coach, store, photos) -> None:  # noqa: ANN001
    engine = ScriptedEngine(PROMPT_REPLY)
    coach = make_coach(engine)
    doc = layout_canvas(store, photos)
    session = coach.start_session({"asset_type": "thumbnail", "mood": "epic", "canvas": doc,
                                   "description": "astronaut racing a horse"})
    assert session.context.media_asset_names == ["astronaut", "horse"]  # first placed assets by default
    assert session.context.canvas_snapshot_hash and coach.canvas_snapshot(session.id)[:4] == b"\x89PNG"
    coach.pool.waitForDone(5000)
    _, system = engine.calls[0]
    assert "'astronaut'" in system and "CLUTCH" in system and "arrow" in system
    assert "- Reference images: 'astronaut', 'horse'" in system


def test_turn_limit_then_read_only_after_end(coach: CoachService, store) -> None:  # noqa: ANN001
    coach.save_settings(CoachSettings(turn_limit=2))
    sid = start_offline(coach)
    coach.send_message(sid, "GG")
    coach.send_message(sid, "add confetti")
    assert "last of this session's 2 turns" in coach.get(sid).messages[-1].content
    with pytest.raises(TurnLimitError, match="all 2 turns"):
        coach.send_message(sid, "one more")
    job = coach.generate(sid)  # generating still works at the limit
    assert job
    coach.end_session(sid)
    assert store.coach_sessions.get(sid).status == CoachStatus.ENDED
    for call in (lambda: coach.send_message(sid, "hi"), lambda: coach.set_prompt(sid, "x"),
                 lambda: coach.generate(sid), lambda: coach.refine_with(sid, None)):
        with pytest.raises(SessionReadOnlyError, match="ended and is read-only"):
            call()


def test_idle_sessions_expire_and_continue_in_a_new_session(coach: CoachService, store) -> None:  # noqa: ANN001
    clock = Clock(coach)
    sid = start_offline(coach)
    coach.send_message(sid, "GG EZ")
    prompt = coach.get(sid).current_prompt
    clock.offset = timedelta(minutes=coach.settings().idle_expiry_minutes - 1)
    assert coach.get(sid).status == CoachStatus.ACTIVE
    clock.offset = timedelta(minutes=coach.settings().idle_expiry_minutes + 1)
    assert coach.list_sessions().sessions[0].status == CoachStatus.EXPIRED
    assert store.coach_sessions.get(sid).status == CoachStatus.EXPIRED
    with pytest.raises(SessionReadOnlyError, match="expired"):
        coach.send_message(sid, "still there?")
    clock.offset = timedelta()  # back to real time: rows are stamped with the real clock
    new = coach.continue_in_new_session(sid)
    assert new.status == CoachStatus.ACTIVE and new.current_prompt == prompt
    assert new.context.continued_from == sid and "Continued from" in new.messages[0].content
    coach.send_message(new.id, "add confetti")  # the offline coach resumes from the stored draft
    assert "confetti" in (coach.get(new.id).current_prompt or "")
    assert store.coach_sessions.get(sid).status == CoachStatus.EXPIRED  # the old one is untouched


def test_history_lists_counts_and_deletes(coach: CoachService, store) -> None:  # noqa: ANN001
    ids = [start_offline(coach) for _ in range(3)]
    coach.send_message(ids[1], "GG")
    page = coach.list_sessions(limit=2)
    assert page.total == 3 and len(page.sessions) == 2
    assert page.sessions[0].id == ids[1] and page.sessions[0].turns_used == 1
    assert page.sessions[0].current_prompt and not page.sessions[0].has_assets
    coach.delete_session(ids[0])
    assert coach.list_sessions().total == 2
    with pytest.raises(CoachError, match="no longer exists"):
        coach.get(ids[0])


def test_generate_now_links_the_asset_to_the_session(coach: CoachService, store, qtbot, tmp_path) -> None:  # noqa: ANN001
    sid = start_offline(coach)
    with pytest.raises(CoachError, match="no prompt yet"):
        coach.generate(sid)
    coach.send_message(sid, "GG EZ")
    with wait_coach_event(qtbot, coach, COMPLETED, timeout=30000) as sig:
        job_id = coach.generate(sid)
        assert coach.running_job(sid) == job_id  # completion is delivered on the GUI thread
    assert sig.args[0] == sid and coach.running_job(sid) is None
    asset_id = sig.args[1].asset_id
    session = store.coach_sessions.get(sid)
    assert session.generated_asset_ids == [asset_id]
    assert session.messages[-1].type == "asset" and session.messages[-1].asset_id == asset_id
    assert store.jobs.get(job_id).coach_session_id == sid
    assert [a.id for a in coach.session_assets(sid)] == [asset_id]
    assert coach.list_sessions().sessions[0].has_assets
    saved = coach.export_asset(asset_id, tmp_path / "out" / "result.png")
    assert saved.read_bytes()[:4] == b"\x89PNG"

    coach.refine_with(sid, asset_id)
    with wait_coach_event(qtbot, coach, COMPLETED, timeout=30000):
        job2 = coach.generate(sid)
    assert "Refine the reference image" in store.jobs.get(job2).prompt
    assert len(coach.session_assets(sid)) == 2


def test_generate_options_are_checked(coach: CoachService, store, photos) -> None:  # noqa: ANN001
    sid = start_offline(coach)
    coach.send_message(sid, "GG EZ")
    with pytest.raises(CoachError, match="no brand kit with a logo"):
        coach.generate(sid, {"include_logo": True})
    with pytest.raises(CoachError, match="logo_position"):
        coach.generate(sid, {"logo_position": "middle-ish"})
    logo = add_media(store, photos[0], "my logo")
    store.brand_kits.save(BrandKit(name="Neon", is_active=True, logo_asset_ids={"primary": logo.id}))
    with pytest.raises(CoachError, match="no secondary logo"):
        coach.generate(sid, {"include_logo": True, "logo_type": "secondary"})
    a, b = (add_media(store, p, p.stem) for p in photos[1:3])
    with pytest.raises(CoachError, match="At most 2 reference images"):
        coach.generate(sid, {"include_logo": True, "media_asset_ids": [a.id, b.id]})
    job_id = coach.generate(sid, {"include_logo": True, "logo_position": "top-left", "media_asset_ids": [a.id]})
    job = store.jobs.get(job_id)
    assert job.parameters["media_asset_ids"] == [a.id, logo.id]
    assert "'my logo'" in job.prompt and "top left corner" in job.prompt


def test_hand_edited_prompt_is_kept(coach: CoachService, store) -> None:  # noqa: ANN001
    sid = start_offline(coach)
    coach.set_prompt(sid, "  My own prompt: a purple dragon  ")
    stored = store.coach_sessions.get(sid)
    assert stored.current_prompt == "My own prompt: a purple dragon" and stored.context.prompt_edited


# -- LLM replies (scripted engine) ------------------------------------------------------------------------
def test_llm_reply_streams_and_updates_the_prompt_from_its_block(make_coach, store, qtbot) -> None:  # noqa: ANN001
    engine = ScriptedEngine(PROMPT_REPLY, "No block this time, sorry!")
    coach = make_coach(engine)
    tokens: list[str] = []
    coach.tokenReceived.connect(lambda sid, text: tokens.append(text))
    with qtbot.waitSignal(coach.replyFinished, timeout=10000) as done:
        session = coach.start_session({"asset_type": "thumbnail", "mood": "hype", "description": "clutch win"})
    assert done.args == [session.id, True]
    assert "".join(tokens) == PROMPT_REPLY
    stored = store.coach_sessions.get(session.id)
    assert [m.role for m in stored.messages] == ["user", "coach"] and stored.turns_used == 0  # the opener
    assert stored.context.idea.startswith("A masked streamer leaping")
    assert stored.current_prompt and stored.current_prompt.startswith("Create a YouTube video thumbnail")
    assert "'CLUTCH' in huge chrome letters" in stored.current_prompt
    assert engine.calls[0][0][0].content == "clutch win" and "Session facts" in engine.calls[0][1]

    with qtbot.waitSignal(coach.replyFinished, timeout=10000) as done:
        coach.send_message(session.id, "make it night time")
    assert done.args == [session.id, False]
    stored = store.coach_sessions.get(session.id)
    assert stored.turns_used == 1 and "no prompt block" in stored.messages[-1].content
    assert "A masked streamer leaping" in (stored.current_prompt or "")  # unchanged
    history = engine.calls[1][0]
    assert [t.role for t in history] == ["user", "assistant", "user"]


def test_llm_stop_keeps_the_partial_reply(make_coach, store, qtbot) -> None:  # noqa: ANN001
    engine = ScriptedEngine(PROMPT_REPLY)
    engine.gate = threading.Event()
    coach = make_coach(engine)
    with qtbot.waitSignal(coach.tokenReceived, timeout=10000):
        session = coach.start_session({"asset_type": "thumbnail", "description": "clutch win"})
    assert coach.is_streaming(session.id)
    with pytest.raises(CoachBusyError):
        coach.send_message(session.id, "hello?")
    with qtbot.waitSignal(coach.replyStopped, timeout=1000):
        assert coach.stop(session.id)
    assert not coach.is_streaming(session.id)
    stored = store.coach_sessions.get(session.id)
    assert stored.messages[-2].content == PROMPT_REPLY[:12] and stored.messages[-1].content == "Stopped."
    assert stored.current_prompt is None
    coach.pool.waitForDone(5000)  # the worker saw the cancel and ended


def test_llm_failure_mid_stream_is_reported_in_one_line(make_coach, store, qtbot) -> None:  # noqa: ANN001
    engine = ScriptedEngine(RateLimitError("Gemini rate limit reached; try again in 20 s.\nDetails"))
    coach = make_coach(engine)
    with qtbot.waitSignal(coach.replyFailed, timeout=10000) as failed:
        session = coach.start_session({"asset_type": "thumbnail", "description": "x y z"})
    assert failed.args[1] == "Gemini rate limit reached; try again in 20 s. Details"
    stored = store.coach_sessions.get(session.id)
    assert stored.messages[-1].content.startswith("The coach could not answer: Gemini rate limit")
    assert stored.messages[-2].role == "coach" and stored.turns_used == 0


def test_llm_session_without_engine_any_more_says_so(make_coach, store, qtbot) -> None:  # noqa: ANN001
    coach = make_coach(ScriptedEngine(PROMPT_REPLY))
    with qtbot.waitSignal(coach.replyFinished, timeout=10000):
        sid = coach.start_session({"asset_type": "thumbnail", "description": "x y z"}).id
    coach.save_settings(CoachSettings(engine="offline"))
    with pytest.raises(CoachError, match="used an AI coach"):
        coach.send_message(sid, "more fire")


def test_engine_that_cannot_be_built_falls_back_to_offline(store, generation, qapp) -> None:  # noqa: ANN001
    def broken(settings: CoachSettings) -> None:
        raise GenerationError("No Gemini API key is set. Add one in Settings (or set GEMINI_API_KEY).")

    coach = CoachService(store, generation, chat_engine_factory=broken)
    try:
        assert coach.engine_label() == "Offline guided coach"
        assert "No Gemini API key" in (coach.engine_problem() or "")
        session = coach.start_session({"asset_type": "twitch_emote", "mood": "funny"})
        assert session.context.engine == "offline"
        assert "AI coach is not available (No Gemini API key" in session.messages[0].content
    finally:
        coach.shutdown()


def test_settings_round_trip(coach: CoachService, tmp_path: Path) -> None:
    assert coach.settings().turn_limit == 10 and coach.settings().idle_expiry_minutes == 1440
    coach.save_settings(CoachSettings(turn_limit=5, engine="ollama", model="llama3.2",
                                      base_url="http://127.0.0.1:11434/v1"))
    assert coach.store.settings.section("coach", CoachSettings).engine == "ollama"
    assert coach.settings().turn_limit == 5


def test_llm_refines_the_hand_edited_prompt(make_coach, store, qtbot) -> None:  # noqa: ANN001
    engine = ScriptedEngine(PROMPT_REPLY, PROMPT_REPLY)
    coach = make_coach(engine)
    with qtbot.waitSignal(coach.replyFinished, timeout=10000):
        sid = coach.start_session({"asset_type": "thumbnail", "description": "clutch win"}).id
    assert "- Current prompt: none yet" in engine.calls[0][1]
    coach.set_prompt(sid, "My own: a purple dragon over a castle\nwith {braces} and system: tricks")
    with qtbot.waitSignal(coach.replyFinished, timeout=10000):
        coach.send_message(sid, "make it scarier")
    system = engine.calls[1][1]
    assert "- Current prompt: My own: a purple dragon over a castle with braces and tricks" in system
    assert not store.coach_sessions.get(sid).context.prompt_edited  # the coach's new block took over


def test_broken_system_template_fails_the_reply_not_the_session(make_coach, store, qtbot) -> None:  # noqa: ANN001
    class BrokenTemplate:
        def render(self, facts: object) -> str:
            raise CoachPromptError("system.md: unknown slot(s) oops")

    engine = ScriptedEngine(PROMPT_REPLY)
    coach = make_coach(engine, system_prompt=BrokenTemplate())
    with qtbot.waitSignal(coach.replyFailed, timeout=2000) as failed:
        session = coach.start_session({"asset_type": "thumbnail", "description": "a knight"})
    assert failed.args[1] == "system.md: unknown slot(s) oops"
    stored = store.coach_sessions.get(session.id)
    assert [m.role for m in stored.messages] == ["user", "system"] and not coach.is_streaming(session.id)
    assert engine.calls == []  # nothing was sent


def test_a_failed_job_reaches_the_session_as_the_same_typed_event(coach: CoachService, store, qtbot) -> None:  # noqa: ANN001
    from studio_app.domain.job_events import JobEvent, JobMessage

    sid = start_offline(coach)
    coach.send_message(sid, "GG EZ")
    job_id = coach.generate(sid)
    failed = JobMessage.failed(job_id, "The provider refused the prompt.\nsecond line")
    with qtbot.waitSignal(coach.jobEvent, timeout=5000,
                          check_params_cb=lambda _sid, m: m.event == JobEvent.FAILED) as sig:
        coach.generation.jobEvent.emit(failed)  # as the generation service reports a failed job
    assert sig.args == [sid, failed]  # the generation service's own message, with the session id
    assert coach.running_job(sid) is None
    note = store.coach_sessions.get(sid).messages[-1]
    assert note.role == "system" and note.content == "Generation failed: The provider refused the prompt. second line"
