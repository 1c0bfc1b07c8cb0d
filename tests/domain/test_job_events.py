"""The job-event vocabulary: kinds, required payload fields, constructors."""

from __future__ import annotations

import dataclasses

import pytest

from studio_app.domain.job_events import JobEvent, JobMessage
from studio_app.domain.jobs import JobStatus


def test_constructors_fill_the_fields_of_their_kind() -> None:
    assert JobMessage.queued("j") == JobMessage(JobEvent.QUEUED, "j", status=JobStatus.QUEUED)
    assert JobMessage.status_changed("j", JobStatus.PROCESSING).event is JobEvent.STATUS
    assert JobMessage.status_changed("j", JobStatus("queued")).event is JobEvent.QUEUED
    assert JobMessage.progressed("j", 40).progress == 40
    assert JobMessage.completed("j", "a").asset_id == "a"
    failed = JobMessage.failed("j", "quota exhausted")
    assert (failed.event, failed.error, failed.asset_id) == (JobEvent.FAILED, "quota exhausted", None)
    assert JobMessage.cancelled("j", "Cancelled.").event is JobEvent.CANCELLED


def test_candidate_carries_its_asset_or_its_error() -> None:
    kept = JobMessage.candidate_ended("j", 2, "asset-1", "")
    assert (kept.index, kept.asset_id, kept.error) == (2, "asset-1", None)
    lost = JobMessage.candidate_ended("j", 0, "", "timed out")
    assert (lost.index, lost.asset_id, lost.error) == (0, None, "timed out")


@pytest.mark.parametrize("event", list(JobEvent))
def test_each_kind_refuses_a_message_without_its_payload(event: JobEvent) -> None:
    with pytest.raises(ValueError, match=event.value):
        JobMessage(event, "j")


@pytest.mark.parametrize("percent", [-1, 101])
def test_progress_is_a_percent(percent: int) -> None:
    with pytest.raises(ValueError, match="0-100"):
        JobMessage.progressed("j", percent)


def test_messages_are_frozen_and_classify_themselves() -> None:
    msg = JobMessage.status_changed("j", JobStatus.COMPLETED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        msg.job_id = "other"  # type: ignore[misc]  # assigning to a frozen field is the point
    assert msg.changes_status and not msg.ends_without_asset
    assert JobMessage.queued("j").changes_status
    assert JobMessage.failed("j", "x").ends_without_asset
    assert JobMessage.cancelled("j", "x").ends_without_asset
    assert not JobMessage.completed("j", "a").ends_without_asset
    assert not JobMessage.progressed("j", 1).changes_status
