"""Keys entered in Settings and given to the CLI never reach the data dir, the logs or a message.

Known keys go in through the Settings dialog (a keyring that cannot keep them, so they stay
in memory) and through GEMINI_API_KEY / OPENAI_API_KEY for the CLI; the servers echo them
back in error messages and model text. Afterwards every file under the data dir (database,
WAL, settings, blobs) and every captured log line is searched for them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import keyring.backends.null

from studio_app import cli
from studio_app.app import build_main_window
from studio_app.domain.jobs import JobStatus
from tests.job_signals import ENDED_WITHOUT_ASSET, STATUS_CHANGES, on_job_event, wait_job_event
from tests.servers import gemini_server as gs
from tests.servers import openai_server as oas
from tests.servers.gemini_server import API_KEY as GEMINI_KEY
from tests.servers.openai_server import API_KEY as OPENAI_KEY

from .conftest import close_message_boxes, no_wait_retry, open_store, point_at

WRONG_OPENAI = "sk-proj-WRONG-leak-test-key-24680"
KEYS = (GEMINI_KEY, OPENAI_KEY, WRONG_OPENAI)


def leaked(text: str | bytes) -> list[str]:
    data = text.encode() if isinstance(text, str) else text
    return [k for k in KEYS if k.encode() in data]


def test_keys_stay_out_of_the_data_dir_logs_and_messages(tmp_path: Path, servers, qtbot, caplog,  # noqa: ANN001
                                                         monkeypatch, capsys) -> None:
    caplog.set_level(logging.DEBUG)  # httpx, httpcore, keyring and ours
    gemini, openai = servers
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    data = tmp_path / "data"
    store = open_store(data, keyring.backends.null.Keyring(), keys=False)
    point_at(store, gemini, openai)
    window = build_main_window(store, retry=no_wait_retry())
    qtbot.addWidget(window)
    messages: list[str] = []
    on_job_event(window.generation, ENDED_WITHOUT_ASSET, lambda _j, m: messages.append(m))

    dialog = window.open_settings()
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=10000)
    dialog.boxes["gemini"].key.setText(GEMINI_KEY)
    dialog.boxes["gemini"].save_key.click()
    dialog.boxes["openai"].key.setText(WRONG_OPENAI)
    dialog.boxes["openai"].test.click()
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=10000)
    messages.append(dialog.boxes["openai"].result.text())
    assert "rejected the API key" in messages[-1]
    dialog.boxes["openai"].key.setText(OPENAI_KEY)
    dialog.boxes["openai"].save_key.click()
    qtbot.waitUntil(lambda: dialog.pending == 0, timeout=10000)
    assert store.secrets.memory_only and store.secrets.get("openai") == OPENAI_KEY
    dialog.close()

    def generate(provider: str, *faults) -> str:  # noqa: ANN002
        window.provider_name = provider
        (gemini if provider == "gemini" else openai).script(*faults)
        ended = wait_job_event(qtbot, window.generation, STATUS_CHANGES, timeout=30000,
                               check=lambda _j, status: status in ("completed", "failed"))
        with ended:
            job_id = window.generate()
        qtbot.waitUntil(window.generate_button.isEnabled, timeout=5000)
        return job_id

    failing = [
        ("gemini", gs.status_fault(400, "INVALID_ARGUMENT", f"bad key {GEMINI_KEY} in request")),
        ("gemini", gs.text_only(f"Your key is {GEMINI_KEY}, right?")),
        ("openai", oas.Fault(status=400, body={"error": {"message": f"echo {OPENAI_KEY}", "type": "x"}})),
    ]
    for provider, fault in failing:
        job = store.jobs.get(generate(provider, fault))
        assert job.status == JobStatus.FAILED and "***" in job.error_message
    for provider in ("gemini", "openai"):
        assert store.jobs.get(generate(provider)).status == JobStatus.COMPLETED
    messages.append(str(window.last_error))
    messages.append(window.statusBar().currentMessage())

    # The CLI with the keys in the environment, on the same data dir.
    for key, value in {"GEMINI_API_KEY": GEMINI_KEY, "OPENAI_API_KEY": OPENAI_KEY,
                       "STUDIO_RETRY_SCALE": "0"}.items():
        monkeypatch.setenv(key, value)
    canvas = tmp_path / "canvas.json"
    canvas.write_text(window.editor.document.to_json())
    gemini.script(gs.status_fault(403, "PERMISSION_DENIED", f"key {GEMINI_KEY} suspended"))
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data), "generate", str(canvas), "--provider", "gemini",
                     "-o", str(tmp_path / "a.png")]) == 1
    assert cli.main(["--data-dir", str(data), "generate", str(canvas), "--provider", "openai",
                     "-o", str(tmp_path / "b.png")]) == 0
    assert cli.main(["--data-dir", str(data), "jobs", "list", "--json"]) == 0
    out = capsys.readouterr()
    messages += [out.out, out.err]
    close_message_boxes()
    window.close()
    store.close()

    assert all(not leaked(m) for m in messages), [m for m in messages if leaked(m)]
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".db") for p in files) and any(p.name == "settings.json" for p in files)
    assert {str(p.relative_to(data)): leaked(p.read_bytes()) for p in files if leaked(p.read_bytes())} == {}
    assert not leaked(caplog.text)
    assert len(caplog.records) > 20  # the logs did capture the run (httpx requests, retries, jobs)
