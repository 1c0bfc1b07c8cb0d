"""ResultsService through the real store: facts, save, place via the library, delete with tombstone."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from studio_app.domain.asset_types import AssetType
from studio_app.services.context import StudioStore
from studio_app.services.generation import GenerateRequest, GenerationService
from studio_app.services.results import ResultError, ResultsService
from studio_app.store.models import AssetRow


def _generate(store: StudioStore, asset_type: AssetType = AssetType.TWITCH_EMOTE, prompt: str | None = "hype cat",
              count: int = 1):
    job, assets = GenerationService(store).run_batch(GenerateRequest(asset_type=asset_type, custom_prompt=prompt,
                                                                     count=count))
    return job, assets


def test_info_has_prompt_model_provider_sizes_and_date(store: StudioStore) -> None:
    job, (asset,) = _generate(store)
    info = ResultsService(store).info(asset.id)
    assert info.custom_prompt == "hype cat" and "hype cat" in info.prompt
    stored = store.jobs.get(job.id)
    assert info.provider == "offline" and info.received_size == tuple(stored.received_size)
    assert info.requested_size == tuple(stored.requested_size or (112, 112))
    assert info.created_at == asset.created_at and (info.candidate, info.candidates) == (1, 1)
    text = info.summary()
    rw, rh = info.requested_size
    gw, gh = info.received_size
    for fragment in ("Provider: offline (offline preview, no AI)", f"Size requested: {rw}x{rh} px",
                     f"Size received: {gw}x{gh} px", "Stored: 112x112 px", "Prompt: hype cat", "Made: "):
        assert fragment in text
    assert info.reusable_prompt() == ("hype cat", False)


def test_info_shows_each_candidates_own_sizes_else_the_jobs(store: StudioStore) -> None:
    job, (asset,) = _generate(store, AssetType.THUMBNAIL)
    cands = store.jobs.get(job.id).parameters["candidates"]
    cands[0].update(requested_size=[1344, 768], received_size=[1376, 768], upscale_factor=0.94)
    store.jobs.merge_parameters(job.id, {"candidates": cands})
    info = ResultsService(store).info(asset.id)
    assert info.requested_size == (1344, 768) and info.received_size == (1376, 768)
    assert "Scaled: x0.94 to the exact target" in info.summary()
    store.jobs.merge_parameters(job.id, {"candidates": [{"index": 0, "asset_id": asset.id}]})
    store.jobs.record_result(job.id, requested_size=(1280, 720), received_size=(1344, 768))
    info = ResultsService(store).info(asset.id)
    assert info.requested_size == (1280, 720) and info.received_size == (1344, 768)


def test_a_coach_prompt_is_reused_whole(store: StudioStore) -> None:
    _job, assets = GenerationService(store).run_batch(GenerateRequest(
        asset_type=AssetType.THUMBNAIL, prompt_override="The coach's complete prompt."))
    assert ResultsService(store).info(assets[0].id).reusable_prompt() == ("The coach's complete prompt.", True)


def test_candidates_know_their_place_in_the_batch(store: StudioStore) -> None:
    job, assets = _generate(store, count=3)
    infos = {ResultsService(store).info(a.id).candidate for a in assets}
    assert infos == {1, 2, 3}
    assert {i.asset_id for i in ResultsService(store).list(job_id=job.id)} == {a.id for a in assets}


def test_save_as_writes_the_png_atomically_and_refuses_other_suffixes(store: StudioStore, tmp_path: Path) -> None:
    _, (asset,) = _generate(store)
    service = ResultsService(store)
    out = service.save_as(asset.id, tmp_path / "out" / "emote")
    assert out.name == "emote.png"
    assert out.read_bytes() == store.blobs.get(asset.content_hash)
    assert oct(os.stat(out).st_mode & 0o777) in ("0o644", "0o600")  # a user file (umask decides)
    with Image.open(out) as im:
        assert im.size == (112, 112) and "A" in im.getbands()
    with pytest.raises(ResultError, match=r"use a \.png name"):
        service.save_as(asset.id, tmp_path / "emote.jpg")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    with pytest.raises(ResultError, match="Could not save x.png"):
        service.save_as(asset.id, blocked / "x.png")


def test_to_media_imports_once_and_reuses(store: StudioStore) -> None:
    _, (asset,) = _generate(store, AssetType.THUMBNAIL)
    service = ResultsService(store)
    media = service.to_media(asset.id)
    assert media.width == 1280 and "generated" in media.tags
    assert service.to_media(asset.id).id == media.id


def test_delete_tombstones_the_row_and_removes_an_unused_blob(store: StudioStore) -> None:
    _, (asset,) = _generate(store)
    service = ResultsService(store)
    service.delete(asset.id)
    assert not store.blobs.exists(asset.content_hash)
    with store.db.session() as s:  # the row stays as a tombstone for sync
        row = s.scalar(select(AssetRow).where(AssetRow.id == asset.id))
        assert row is not None and row.deleted_at is not None and row.updated_at >= row.deleted_at
    assert asset.id not in [a.id for a in store.assets.list()]
    with pytest.raises(ResultError, match="no longer exists"):
        service.delete(asset.id)
    with pytest.raises(ResultError):
        service.info(asset.id)


def test_delete_keeps_a_blob_the_library_still_uses(store: StudioStore) -> None:
    _, (asset,) = _generate(store, AssetType.THUMBNAIL)
    service = ResultsService(store)
    media = service.to_media(asset.id)
    media_digest = store.blobs.digest_of(media.storage_path)
    service.delete(asset.id)
    assert store.blobs.exists(media_digest)
    if media_digest == asset.content_hash:
        assert store.blobs.exists(asset.content_hash)
    with Image.open(io.BytesIO(store.blobs.get(media_digest))) as im:
        assert im.size == (1280, 720)


def test_missing_blob_is_a_clear_error(store: StudioStore) -> None:
    _, (asset,) = _generate(store)
    store.blobs.delete(asset.content_hash)
    with pytest.raises(ResultError, match="image file is missing"):
        ResultsService(store).png(asset.id)


def test_variations_setting_is_validated_and_stored(store: StudioStore) -> None:
    service = ResultsService(store)
    assert service.settings().variations == 1
    service.save_settings(variations=3)
    assert ResultsService(store).settings().variations == 3
    with pytest.raises(ValueError):
        service.save_settings(variations=5)
