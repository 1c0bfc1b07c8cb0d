"""MediaLibraryService: every operation and every limit through the real SQLite file and blob store."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import BG_REMOVAL_DEFAULT_TYPES, TOTAL_ASSET_LIMIT, MediaAssetType
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.library.settings import LibrarySettings
from studio_app.services.context import StudioStore
from studio_app.services.media_library import (
    LibraryError,
    MediaLibraryService,
    NoAccessError,
    NotFoundError,
    PromptLimitError,
)


def png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48), subject: bool = False) -> bytes:
    im = Image.new("RGB", size, colour)
    if subject:
        im.paste((250, 250, 20), (size[0] // 4, size[1] // 4, 3 * size[0] // 4, 3 * size[1] // 4))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def add(lib: MediaLibraryService, name: str, colour=(10, 20, 30), **kw):
    outcome = lib.import_bytes(png(colour), f"{name}.png", remove_background=False, **kw)
    assert outcome.asset is not None, outcome.error
    return outcome.asset


def test_access_follows_the_tier_and_settings(store: StudioStore) -> None:
    lib = MediaLibraryService(store)
    a = lib.access()
    assert (a.has_access, a.tier, a.total_limit, a.max_per_prompt, a.upgrade_message) == (True, "studio", None, 2, None)
    lib.save_settings(LibrarySettings(tier="free", total_asset_limit=500))
    reopened = MediaLibraryService(store)  # read back from settings.json
    a = reopened.access()
    assert (a.has_access, a.total_limit, a.max_per_prompt) == (False, 0, 0) and "pro or studio" in a.upgrade_message
    outcome = reopened.import_bytes(png((1, 2, 3)), "x.png")
    assert outcome.asset is None and "pro or studio" in outcome.error
    with pytest.raises(NoAccessError):
        reopened.for_prompt([])


def test_total_asset_limit_refuses_the_next_import(store: StudioStore) -> None:
    lib = MediaLibraryService(store, LibrarySettings(total_asset_limit=3))
    for i in range(3):
        add(lib, f"a{i}", (i * 40, 10, 10))
    outcome = lib.import_bytes(png((200, 1, 1)), "fourth.png", remove_background=False)
    assert outcome.asset is None and outcome.error == (
        "library is full (3 of 3 assets); delete some or raise the limit in Settings → Library")
    assert store.media.count() == 3
    # A duplicate of an existing asset is reused, so it needs no room.
    again = lib.import_bytes(png((0, 10, 10)), "again.png")
    assert again.asset is not None and again.duplicate_of is not None


def test_a_limit_set_to_the_seeds_25_refuses_the_26th(store: StudioStore) -> None:
    lib = MediaLibraryService(store, LibrarySettings(total_asset_limit=TOTAL_ASSET_LIMIT))
    results = [lib.import_bytes(png((i, 2 * i, 3)), f"p{i}.png", remove_background=False) for i in range(26)]
    assert [r.error is None for r in results] == [True] * 25 + [False]
    assert lib.summary().remaining == 0


def test_by_default_there_is_no_limit(store: StudioStore) -> None:
    lib = MediaLibraryService(store)
    results = [lib.import_bytes(png((i, 2 * i, 3)), f"p{i}.png", remove_background=False) for i in range(40)]
    assert all(r.error is None for r in results)
    s = lib.summary()
    assert (s.total, s.total_limit, s.remaining) == (40, None, None)


def test_background_removal_defaults_are_a_setting(store: StudioStore) -> None:
    lib = MediaLibraryService(store, LibrarySettings(background_removal_types=[MediaAssetType.BACKGROUND]))
    assert {t.asset_type for t in lib.types() if t.removes_background_by_default} == {MediaAssetType.BACKGROUND}
    logo = lib.import_bytes(png((9, 9, 9)), "logo.png", asset_type="logo").asset
    assert logo.metadata["background_removal"] == {"requested": False}
    assert LibrarySettings().removes_background_by_default(MediaAssetType.LOGO)


def test_parallel_imports_never_pass_the_limit(store: StudioStore) -> None:
    lib = MediaLibraryService(store, LibrarySettings(total_asset_limit=5))
    outcomes = []
    threads = [threading.Thread(target=lambda i=i: outcomes.append(
        lib.import_bytes(png((i, 0, 0)), f"t{i}.png", remove_background=False))) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(o.ok for o in outcomes) == 5 and store.media.count() == 5


def test_duplicates_reuse_or_import_again(library: MediaLibraryService, store: StudioStore) -> None:
    first = add(library, "one", (5, 5, 5))
    reused = library.import_bytes(png((5, 5, 5)), "copy.png")
    assert reused.asset.id == first.id and reused.duplicate_of.id == first.id
    second = library.import_bytes(png((5, 5, 5)), "copy.png", on_duplicate="import", remove_background=False)
    assert second.asset.id != first.id and second.duplicate_of.id == first.id
    assert second.asset.content_hash == first.content_hash and store.media.count() == 2


def test_default_type_and_background_removal_defaults(library: MediaLibraryService) -> None:
    wide = library.import_bytes(png((9, 9, 9), (1400, 700)), "wide.png").asset
    assert wide.asset_type == MediaAssetType.BACKGROUND and not wide.has_background_removed
    assert wide.metadata["background_removal"] == {"requested": False}
    small = library.import_bytes(png((9, 90, 9), (200, 150), subject=True), "small.png").asset
    assert small.asset_type == MediaAssetType.OBJECT and small.has_background_removed  # object: on by default
    for kind in MediaAssetType:
        o = library.import_bytes(png((kind.value.__len__() * 9, 30, 60), (120, 90), subject=True), f"{kind}.png",
                                 asset_type=kind, on_duplicate="import")
        assert o.asset.has_background_removed == (kind in BG_REMOVAL_DEFAULT_TYPES), kind
    off = library.import_bytes(png((1, 90, 9), (200, 150), subject=True), "off.png", asset_type="logo",
                               remove_background=False).asset
    on = library.import_bytes(png((2, 90, 9), (200, 150), subject=True), "on.png", asset_type="background",
                              remove_background=True).asset
    assert not off.has_background_removed and on.has_background_removed


def test_deferred_background_removal_imports_first_and_cuts_later(library: MediaLibraryService) -> None:
    subject = library.import_bytes(png((20, 160, 60), (200, 150), subject=True), "later.png", asset_type="emote",
                                   defer_background=True).asset
    assert not subject.has_background_removed and library.background_pending(subject)
    assert subject.metadata["background_removal"] == {"requested": True, "status": "pending"}
    done = library.run_pending_background_removal(subject.id)
    assert done.has_background_removed and not library.background_pending(done)
    assert Image.open(io.BytesIO(library.image_bytes(done))).mode == "RGBA"
    assert library.run_pending_background_removal(subject.id) == library.get(subject.id)  # runs once
    busy = np.random.default_rng(3).integers(0, 255, (150, 200, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(busy).save(buf, "PNG")
    noisy = library.import_bytes(buf.getvalue(), "noise.png", asset_type="face", defer_background=True).asset
    kept = library.run_pending_background_removal(noisy.id)
    assert not kept.has_background_removed and kept.metadata["background_removal"]["status"] == "failed"
    assert kept.metadata["background_removal"]["reason"]
    off = library.import_bytes(png((5, 160, 60), (200, 150), subject=True), "off.png", asset_type="emote",
                               remove_background=False, defer_background=True).asset
    assert not library.background_pending(off)


def test_processed_image_is_kept_beside_the_original_and_switchable(library: MediaLibraryService) -> None:
    asset = library.import_bytes(png((20, 160, 60), (200, 150), subject=True), "cut.png",
                                 asset_type="emote").asset
    assert asset.has_background_removed and asset.processed_url and asset.processed_url != asset.url
    processed = Image.open(io.BytesIO(library.image_bytes(asset)))
    original = Image.open(io.BytesIO(library.image_bytes(asset, processed=False)))
    assert processed.mode == "RGBA" and original.mode == "RGB"
    a = np.asarray(processed)[..., 3]
    assert a[0, 0] == 0 and a[75, 100] == 255  # corner is background, centre is the subject
    switched = library.use_processed(asset.id, False)
    assert Image.open(io.BytesIO(library.image_bytes(switched))).mode == "RGB"
    assert Image.open(io.BytesIO(library.thumbnail_bytes(switched))).mode == "RGB"
    back = library.use_processed(asset.id, True)
    assert Image.open(io.BytesIO(library.thumbnail_bytes(back))).mode == "RGBA"
    plain = add(library, "plain")
    with pytest.raises(LibraryError, match="no background-removed"):
        library.use_processed(plain.id, True)
    later = library.apply_background_removal(
        library.import_bytes(png((3, 160, 60), (200, 150), subject=True), "later.png",
                             remove_background=False).asset.id)
    assert later.has_background_removed and library.uses_processed(later)


def test_list_filters_search_and_sorts(library: MediaLibraryService) -> None:
    a = add(library, "Neon Logo", (1, 1, 1), asset_type="logo", tags=["neon", "brand"], description="main mark")
    b = add(library, "cozy room", (2, 2, 2), asset_type="background", tags=["cozy"])
    c = add(library, "Boss face", (3, 3, 3), asset_type="face", description="angry NEON look")
    library.toggle_favorite(b.id)
    library.for_prompt([c.id])
    library.for_prompt([c.id, b.id])
    ids = lambda xs: [x.id for x in xs]  # noqa: E731
    assert ids(library.list_assets()) == [c.id, b.id, a.id]
    assert ids(library.list_assets(sort="name")) == [c.id, b.id, a.id]
    assert ids(library.list_assets(sort="most_used")) == [c.id, b.id, a.id]
    assert ids(library.list_assets(asset_type="logo")) == [a.id]
    assert ids(library.list_assets(favorites_only=True)) == [b.id]
    assert ids(library.list_assets(tags=["neon"])) == [a.id]
    assert ids(library.list_assets(search="neon", sort="name")) == [c.id, a.id]  # name or description
    assert ids(library.list_assets(search="MAIN")) == [a.id]
    assert ids(library.list_assets(limit=1, offset=1)) == [b.id]
    with pytest.raises(LibraryError, match="unknown asset type"):
        library.list_assets(asset_type="selfie")
    with pytest.raises(LibraryError, match="unknown sort"):
        library.list_assets(sort="size")  # type: ignore[arg-type]


def test_summary_types_primary_get(library: MediaLibraryService) -> None:
    l1 = add(library, "l1", (1, 0, 0), asset_type="logo")
    l2 = add(library, "l2", (2, 0, 0), asset_type="logo")
    f1 = add(library, "f1", (3, 0, 0), asset_type="face")
    s = library.summary()
    assert (s.total, s.total_limit, s.remaining) == (3, None, None)
    assert s.by_type["logo"] == 2 and s.by_type["face"] == 1 and len(s.by_type) == 14
    types = library.types()
    assert [t.asset_type.value for t in types][:3] == ["logo", "face", "character"] and len(types) == 14
    assert {t.asset_type for t in types if t.removes_background_by_default} == BG_REMOVAL_DEFAULT_TYPES
    assert library.primary("logo") is None
    library.set_primary(l1.id)
    library.set_primary(f1.id)
    library.set_primary(l2.id)  # one primary per type
    assert library.primary("logo").id == l2.id and library.primary("face").id == f1.id
    assert not library.get(l1.id).is_primary
    assert library.get(l2.id).display_name == "l2"
    with pytest.raises(NotFoundError):
        library.get("nope")


def test_update_validates_and_type_change_drops_primary(library: MediaLibraryService) -> None:
    a = add(library, "old", asset_type="logo")
    library.set_primary(a.id)
    u = library.update(a.id, display_name="  New name ", description="desc", tags=["x", " x ", "", "y"])
    assert (u.display_name, u.description, u.tags, u.is_primary) == ("New name", "desc", ["x", "y"], True)
    u = library.update(a.id, asset_type="badge", description="")
    assert u.asset_type == MediaAssetType.BADGE and not u.is_primary and u.description is None
    with pytest.raises(LibraryError, match="cannot be empty"):
        library.update(a.id, display_name="  ")
    with pytest.raises(LibraryError, match="unknown asset type"):
        library.update(a.id, asset_type="hat")
    with pytest.raises(NotFoundError):
        library.update("missing", display_name="x")


def test_delete_and_bulk_delete(library: MediaLibraryService, store: StudioStore) -> None:
    a, b, c = (add(library, n, (i, 9, 9)) for i, n in enumerate("abc"))
    library.delete(a.id)
    with pytest.raises(NotFoundError):
        library.delete(a.id)
    with pytest.raises(NotFoundError):
        library.get(a.id)
    assert library.bulk_delete([b.id, c.id, b.id, "unknown"]) == 2
    assert library.list_assets() == [] and library.summary().total == 0
    # Tombstones stay for sync.
    with store.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM media_assets WHERE deleted_at IS NOT NULL").scalar() == 3


def test_for_prompt_limit_and_usage(library: MediaLibraryService) -> None:
    a, b, c = (add(library, n, (i, 7, 7)) for i, n in enumerate("abc"))
    picked = library.for_prompt([a.id, b.id])
    assert [p.usage_count for p in picked] == [1, 1] and all(p.last_used_at for p in picked)
    with pytest.raises(PromptLimitError, match="at most 2"):
        library.for_prompt([a.id, b.id, c.id])
    with pytest.raises(NotFoundError):
        library.for_prompt([a.id, "ghost"])
    assert library.get(a.id).usage_count == 1  # the failed pick counted nothing
    assert library.for_prompt([a.id, a.id])[0].usage_count == 2  # repeated id counts once


def test_toggle_favorite(library: MediaLibraryService) -> None:
    a = add(library, "fav")
    assert library.toggle_favorite(a.id).is_favorite
    assert not library.toggle_favorite(a.id).is_favorite


def test_where_used_lists_canvas_documents(library: MediaLibraryService, store: StudioStore) -> None:
    a, b = add(library, "a", (1, 1, 1)), add(library, "b", (2, 2, 2))
    doc1 = CanvasDocument(name="Thumb", placements=[MediaAssetPlacement(asset_id=a.id)])
    doc2 = CanvasDocument(name="Banner", placements=[MediaAssetPlacement(asset_id=b.id)])
    store.canvases.save(doc1)
    store.canvases.save(doc2)
    assert [d.name for d in library.where_used(a.id)] == ["Thumb"]
    assert library.where_used("none") == []


def test_import_files_walks_folders_with_progress_and_cancel(library: MediaLibraryService, tmp_path: Path) -> None:
    lib = MediaLibraryService(library.store, LibrarySettings(total_asset_limit=100))
    root = tmp_path / "media"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for i, folder in enumerate([root, root / "sub", root / "sub" / "deeper", root, root / ".hidden"]):
        (folder / f"img{i}.png").write_bytes(png((i * 30, 5, 5)))
    (root / "notes.txt").write_text("skip me")
    seen: list[tuple[int, int]] = []
    outcomes = lib.import_files([root], remove_background=False, progress=lambda d, t: seen.append((d, t)),
                                max_workers=2)
    assert len(outcomes) == 4 and all(o.ok for o in outcomes)
    assert sorted(seen) == [(1, 4), (2, 4), (3, 4), (4, 4)]
    cancel = threading.Event()
    more = tmp_path / "more"
    more.mkdir()
    for i in range(6):
        (more / f"m{i}.png").write_bytes(png((i * 30, 99, 5)))

    def stop_after_two(done: int, total: int) -> None:
        if done >= 2:
            cancel.set()

    outcomes = lib.import_files([more], remove_background=False, progress=stop_after_two, cancel=cancel,
                                max_workers=1)
    assert [o.ok for o in outcomes] == [True, True, False, False, False, False]
    assert {o.error for o in outcomes[2:]} == {"cancelled"}
    missing = lib.import_file(tmp_path / "nope.png")
    assert missing.error and missing.error.startswith("cannot read file")


def test_photo_import_records_method_and_confidence(library: MediaLibraryService, photos: list[Path]) -> None:
    """A photograph goes through the model, a flat graphic through the colour key; both say so."""
    cat = library.import_file(next(p for p in photos if p.name == "chelsea.png"), asset_type="character").asset
    note = cat.metadata["background_removal"]
    assert cat.has_background_removed and note["status"] == "done"
    assert note["method"] == "model" and note["model"] == "u2netp" and 0 < note["confidence"] <= 1
    graphic = library.import_bytes(png((20, 160, 60), (200, 150), subject=True), "badge.png", asset_type="badge").asset
    assert graphic.metadata["background_removal"]["method"] == "colour-key"


def test_a_chosen_but_unfetched_model_falls_back_to_the_shipped_one(store: StudioStore, photos: list[Path]) -> None:
    lib = MediaLibraryService(store, LibrarySettings(segmentation_model="isnet-general-use"))
    spec, folder = lib.segmentation_model()
    assert spec.id == "isnet-general-use" and folder == store.paths.models
    with Image.open(next(p for p in photos if p.name == "coffee.png")) as im:
        result = lib.cut_out(im.convert("RGB"))
    assert result.model_id == "u2netp" and "missing" in result.details["fallback"]
