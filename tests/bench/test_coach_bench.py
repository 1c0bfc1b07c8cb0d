"""Coach benchmarks: opening a long session, and token-to-screen latency of a streamed reply.

Run: python -m pytest tests/bench/test_coach_bench.py -s -p no:cacheprovider
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from studio_app.domain.coach import CoachMessage, CoachSession
from studio_app.services.coach import CoachService
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerationService
from studio_app.ui.coach import chat_view
from studio_app.ui.coach.panel import CoachPanel

LONG_SESSION_MESSAGES = 2000
OPEN_TARGET_MS = 300.0


def _long_session(store: StudioStore, n: int) -> CoachSession:
    messages = []
    for i in range(n):
        if i % 2 == 0:
            messages.append(CoachMessage(role="user", content=f"Turn {i}: make the crowd louder and add confetti, "
                                                              "maybe a purple rim light too?"))
        else:
            messages.append(CoachMessage(role="coach", content=(
                f"**Reply {i}.** Nice! A few options:\n\n- *Confetti* in brand purple\n- A rim light from "
                "the left\n\nWhich one?\n\n```prompt\nA masked streamer leaping over a roaring neon arena "
                "crowd, purple rim light, confetti\n```")))
    session = CoachSession(asset_type="thumbnail", mood="hype", messages=messages, turns_used=n // 2,
                           current_prompt="A masked streamer leaping over a roaring neon arena crowd",
                           context={"engine": "offline"})
    return store.coach_sessions.save(session)


def test_open_session_with_2000_messages(tmp_path: Path, qapp, bench_record, monkeypatch) -> None:  # noqa: ANN001
    store = StudioStore.open(tmp_path / "data")
    generation = GenerationService(store)
    coach = CoachService(store, generation)
    panel = CoachPanel(coach, lambda: None)
    panel.resize(420, 900)
    panel.show()
    session = _long_session(store, LONG_SESSION_MESSAGES)
    times = []
    for _ in range(8):
        coach.close_session(session.id)  # cold: the session is read from SQLite each time
        QApplication.processEvents()
        t0 = time.perf_counter()
        panel.open_session(session.id)
        QApplication.processEvents()
        panel.chat.grab()  # laid out and painted (renders every visible bubble)
        times.append((time.perf_counter() - t0) * 1000)
    assert len(coach.get(session.id).messages) == LONG_SESSION_MESSAGES
    assert panel.chat.hidden_count() == LONG_SESSION_MESSAGES - len(panel.chat.bubbles())
    median = statistics.median(times)

    # The same open with a widget for every message (no window), measured in the same run.
    monkeypatch.setattr(chat_view, "WINDOW", LONG_SESSION_MESSAGES)
    full = []
    for _ in range(2):
        coach.close_session(session.id)
        QApplication.processEvents()
        t0 = time.perf_counter()
        panel.open_session(session.id)
        QApplication.processEvents()
        panel.chat.grab()
        full.append((time.perf_counter() - t0) * 1000)
    assert len(panel.chat.bubbles()) == LONG_SESSION_MESSAGES
    bench_record("coach_open_session_2000_messages", median, "ms", f"< {OPEN_TARGET_MS:.0f} ms",
                 peer="every message as a widget (no window)", peer_value=statistics.median(full),
                 met=median < OPEN_TARGET_MS, worst_ms=round(max(times), 1), runs=len(times))
    coach.shutdown()
    store.close()


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-s", "-p", "no:cacheprovider"])
