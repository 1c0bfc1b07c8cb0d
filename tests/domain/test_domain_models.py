"""Domain rules: exact sizes, placements, sketch elements, canvas JSON, the job state machine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from studio_app.domain.asset_types import ASSET_DIMENSIONS, TARGET_SPECS, AssetType, target_size
from studio_app.domain.brand_kit import BrandKit
from studio_app.domain.canvas import CanvasDocument, CanvasFormatError
from studio_app.domain.jobs import (
    TERMINAL_STATUSES,
    VALID_TRANSITIONS,
    GenerationJob,
    InvalidStateTransitionError,
    JobStatus,
)
from studio_app.domain.media import BG_REMOVAL_DEFAULT_TYPES, BG_REMOVAL_EXCLUDED_TYPES, MediaAssetType
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.domain.sketch import SketchElement

ISSUE_SIZES = {
    "thumbnail": (1280, 720), "overlay": (1920, 1080), "banner": (1200, 480),
    "story_graphic": (1080, 1920), "clip_cover": (1080, 1080), "twitch_emote": (112, 112),
    "twitch_badge": (72, 72), "twitch_panel": (320, 160), "twitch_offline": (1920, 1080),
    "youtube_banner": (2560, 1440), "discord_emoji": (128, 128), "discord_sticker": (320, 320),
    "x_header": (1500, 500),
}


def test_every_asset_type_has_the_issue_size() -> None:
    assert ASSET_DIMENSIONS == ISSUE_SIZES
    assert set(TARGET_SPECS) == set(AssetType)


def test_media_types_are_the_seed_14_and_bg_defaults_partition_them() -> None:
    assert len(MediaAssetType) == 14
    assert BG_REMOVAL_DEFAULT_TYPES | BG_REMOVAL_EXCLUDED_TYPES == set(MediaAssetType)
    assert not BG_REMOVAL_DEFAULT_TYPES & BG_REMOVAL_EXCLUDED_TYPES
    assert MediaAssetType.FACE in BG_REMOVAL_DEFAULT_TYPES
    assert MediaAssetType.BACKGROUND in BG_REMOVAL_EXCLUDED_TYPES


def test_placement_accepts_snake_and_camel_case_alike() -> None:
    snake = {"asset_id": "a1", "display_name": "Cat", "asset_type": "character", "url": "u",
             "x": 10, "y": 20, "width": 30, "height": 40, "size_unit": "percent", "z_index": 3,
             "rotation": 45, "opacity": 80, "id": "p1"}
    camel = {"assetId": "a1", "displayName": "Cat", "assetType": "character", "url": "u",
             "x": 10, "y": 20, "width": 30, "height": 40, "sizeUnit": "percent", "zIndex": 3,
             "rotation": 45, "opacity": 80, "id": "p1"}
    assert MediaAssetPlacement.model_validate(snake) == MediaAssetPlacement.model_validate(camel)
    assert MediaAssetPlacement.model_validate(camel).z_index == 3


@pytest.mark.parametrize("field,value", [
    ("x", -0.1), ("x", 100.1), ("y", 101), ("rotation", 360.5), ("rotation", -1),
    ("opacity", 101), ("opacity", -5), ("width", 0), ("height", -3), ("width", 150), ("z_index", -1),
])
def test_placement_out_of_range_is_a_validation_error(field: str, value: float) -> None:
    with pytest.raises(ValidationError):
        MediaAssetPlacement.model_validate({field: value})


def test_px_placements_may_exceed_100_and_convert_to_px() -> None:
    p = MediaAssetPlacement(width=300, height=200, size_unit="px", x=50, y=25)
    assert p.size_px(1280, 720) == (300, 200)
    assert p.centre_px(1280, 720) == (640, 180)
    q = MediaAssetPlacement(width=50, height=10)
    assert q.size_px(1280, 720) == (640, 72)


@pytest.mark.parametrize("kind,points,extra", [
    ("pen", [(1, 1)], {}), ("line", [(1, 1)], {}), ("arrow", [(1, 1), (2, 2), (3, 3)], {}),
    ("rectangle", [(0, 0)], {}), ("text", [(5, 5)], {}), ("pen", [(1, 1), (120, 2)], {}),
    ("line", [(1, 1), (2, 2)], {"color": "red"}), ("ellipse", [(1, 1), (2, 2)], {"fill": "#12"}),
])
def test_sketch_element_rejects_bad_shapes(kind: str, points: list, extra: dict) -> None:
    with pytest.raises(ValidationError):
        SketchElement(kind=kind, points=points, **extra)


def test_canvas_document_round_trips_and_defaults_to_target_size() -> None:
    doc = CanvasDocument(asset_type=AssetType.TWITCH_PANEL, placements=[MediaAssetPlacement(x=10)],
                         sketch_elements=[SketchElement(kind="text", points=[(5, 5)], text="GG")])
    assert (doc.width, doc.height) == (320, 160)
    text = doc.to_json()
    again = CanvasDocument.from_json(text)
    assert again == doc
    assert again.to_json() == text


@pytest.mark.parametrize("text,fragment", [
    ("not json", "bad JSON"), ("[]", "not an object"), ('{"schema_version": 99}', "newer"),
    ('{"placements": [{"x": 500}]}', "invalid canvas"),
])
def test_canvas_document_bad_files_raise_one_clear_error(text: str, fragment: str) -> None:
    with pytest.raises(CanvasFormatError, match=fragment):
        CanvasDocument.from_json(text)


def test_brand_kit_validates_colours() -> None:
    assert BrandKit(primary_colors=["#ff0000"]).primary_colors == ["#FF0000"]
    with pytest.raises(ValidationError):
        BrandKit(primary_colors=["red"])


# Correctness property 9 (docs/architecture.md): only valid state transitions are allowed.
@given(current=st.sampled_from(list(JobStatus)), target=st.sampled_from(list(JobStatus)))
def test_property_9_job_state_machine(current: JobStatus, target: JobStatus) -> None:
    job = GenerationJob(asset_type=AssetType.THUMBNAIL, status=current)
    if target in VALID_TRANSITIONS[current]:
        moved = job.transition(target)
        assert moved.status == target
        assert (moved.completed_at is not None) == (target in TERMINAL_STATUSES)
    else:
        with pytest.raises(InvalidStateTransitionError):
            job.transition(target)


def test_seed_transitions_are_kept() -> None:
    assert VALID_TRANSITIONS[JobStatus.QUEUED] >= {JobStatus.PROCESSING}
    assert VALID_TRANSITIONS[JobStatus.PROCESSING] >= {JobStatus.COMPLETED, JobStatus.PARTIAL, JobStatus.FAILED}
    for terminal in (JobStatus.COMPLETED, JobStatus.PARTIAL, JobStatus.FAILED, JobStatus.CANCELLED):
        assert VALID_TRANSITIONS[terminal] == frozenset()


def test_target_size_rejects_unknown_type() -> None:
    with pytest.raises(ValueError):
        target_size("poster")
