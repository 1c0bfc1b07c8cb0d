"""Jobs panel: status filter and pages over a real store (newest first, like ``studio jobs list``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studio_app.domain.asset_types import AssetType
from studio_app.domain.jobs import GenerationJob, JobStatus
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerationService
from studio_app.ui.jobs.panel import COL_STATUS, JobsPanel


@pytest.fixture
def store(tmp_path: Path, qapp) -> StudioStore:  # noqa: ANN001
    s = StudioStore.open(tmp_path / "data")
    start = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    for i in range(12):
        status = JobStatus.FAILED if i % 4 == 0 else JobStatus.COMPLETED
        s.jobs.add(GenerationJob(id=f"j{i:02d}", asset_type=AssetType.TWITCH_EMOTE, status=status,
                                 error_message="quota" if status == JobStatus.FAILED else None,
                                 created_at=start + timedelta(minutes=i)))
    yield s
    s.close()


def test_panel_pages_newest_first_and_filters_by_status(store, qtbot) -> None:  # noqa: ANN001
    panel = JobsPanel(GenerationService(store), limit=5)
    qtbot.addWidget(panel)
    assert panel.job_ids() == ["j11", "j10", "j09", "j08", "j07"]
    assert panel.summary.text().startswith("1–5 of 12 jobs") and not panel.newer_button.isEnabled()
    panel.older_button.click()
    panel.older_button.click()
    assert panel.job_ids() == ["j01", "j00"] and not panel.older_button.isEnabled()
    assert panel.summary.text().startswith("11–12 of 12")
    panel.newer_button.click()
    assert panel.job_ids()[0] == "j06"
    panel.set_status_filter(JobStatus.FAILED)
    assert panel.offset == 0 and panel.job_ids() == ["j08", "j04", "j00"]
    assert {panel.cell_text(j, COL_STATUS) for j in panel.job_ids()} == {"Failed"}
    assert panel.summary.text().startswith("1–3 of 3 failed jobs") and not panel.older_button.isEnabled()
    panel.set_status_filter(JobStatus.CANCELLED)
    assert panel.job_ids() == [] and panel.summary.text().startswith("No cancelled jobs")
    panel.set_status_filter(None)
    assert len(panel.job_ids()) == 5
