"""BrandKitService through the real SQLite file: every operation and every refused value."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import MediaAssetType
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.services.brand_kits import (
    DEFAULT_PALETTE,
    YOUTUBE_BADGE_NOTE,
    BrandKitError,
    BrandKitService,
    normalise_hex,
    resolve_logo_position,
)
from studio_app.services.context import StudioStore


def reopen(data_dir: Path) -> tuple[StudioStore, BrandKitService]:
    """A second store on the same data dir: proves the value went through the file."""
    s = StudioStore.open(data_dir)
    return s, BrandKitService(s)


# -- create / get / list ---------------------------------------------------------------------
def test_create_stores_every_field_in_the_sqlite_file(service, add_media, data_dir):
    logo = add_media("horse.png")
    alt = add_media("coffee.png", MediaAssetType.OBJECT)
    kit = service.create(
        "Night Raid", primary_colors=["#ff0055", "00ccff"], accent_colors=["#fc0"],
        headline_font="DejaVu Sans", body_font="DejaVu Serif", tone="hype\nand  loud",
        style_reference="neon arcade", logo_asset_ids={"primary": logo.id, "secondary": alt.id},
    )
    other, svc = reopen(data_dir)
    try:
        stored = svc.get(kit.id)
        assert stored.name == "Night Raid"
        assert stored.primary_colors == ["#FF0055", "#00CCFF"]
        assert stored.accent_colors == ["#FFCC00"]
        assert (stored.headline_font, stored.body_font) == ("DejaVu Sans", "DejaVu Serif")
        assert stored.tone == "hype and loud"
        assert stored.style_reference == "neon arcade"
        assert stored.logo_asset_ids == {"primary": logo.id, "secondary": alt.id}
        assert stored.is_active is False
        assert [k.id for k in svc.list()] == [kit.id]
    finally:
        other.close()


def test_list_is_by_name_and_get_of_unknown_id_is_refused(service):
    b = service.create("Beta")
    a = service.create("alpha")
    assert [k.id for k in service.list()] == [a.id, b.id]
    with pytest.raises(BrandKitError, match="does not exist"):
        service.get("no-such-kit")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"primary_colors": ["#12345"]}, r"Primary colour '#12345' is not a hex colour \(use #RRGGBB\)\."),
        ({"primary_colors": ["red"]}, "Primary colour 'red' is not a hex colour"),
        ({"accent_colors": ["#GGGGGG"]}, "Accent colour '#GGGGGG' is not a hex colour"),
        ({"primary_colors": []}, "needs at least one primary colour"),
        ({"primary_colors": [f"#00000{i}" for i in range(7)]}, "At most 6 primary colours"),
        ({"tone": "x" * 81}, "Tone is longer than 80 characters"),
        ({"style_reference": "use {tone}"}, "Style reference cannot contain"),
        ({"logo_asset_ids": {"tertiary": "x"}}, "Unknown logo slot 'tertiary'"),
        ({"logo_asset_ids": {"primary": "not-an-asset"}}, "primary logo 'not-an-asset' is not in the media library"),
    ],
)
def test_create_refuses_bad_values_with_one_line_and_stores_nothing(service, data_dir, kwargs, message):
    with pytest.raises(BrandKitError, match=message) as info:
        service.create("Kit", **kwargs)
    assert "\n" not in str(info.value)
    other, svc = reopen(data_dir)
    try:
        assert svc.list() == []
    finally:
        other.close()


@pytest.mark.parametrize("name", ["", "   ", "\n\t"])
def test_empty_name_is_refused(service, name):
    with pytest.raises(BrandKitError, match="Name cannot be empty"):
        service.create(name)
    assert service.list() == []


def test_taken_name_is_refused_case_insensitively(service):
    service.create("Main")
    with pytest.raises(BrandKitError, match="named 'Main' already exists"):
        service.create("main")


def test_deleted_logo_asset_is_refused(service, add_media, store):
    logo = add_media("horse.png", name="Horse logo")
    store.media.soft_delete([logo.id])
    with pytest.raises(BrandKitError, match="secondary logo 'Horse logo' was deleted from the media library"):
        service.create("Kit", logo_asset_ids={"secondary": logo.id})
    assert service.list() == []


# -- update ----------------------------------------------------------------------------------
def test_update_changes_only_the_given_fields(service, add_media, data_dir):
    logo = add_media("horse.png")
    kit = service.create("Kit", primary_colors=["#111111"], tone="calm")
    updated = service.update(kit.id, tone="chaotic", logo_asset_ids={"primary": logo.id})
    assert updated.tone == "chaotic"
    other, svc = reopen(data_dir)
    try:
        stored = svc.get(kit.id)
        assert stored.tone == "chaotic" and stored.primary_colors == ["#111111"]
        assert stored.logo_asset_ids == {"primary": logo.id}
    finally:
        other.close()


def test_bad_update_keeps_the_stored_kit(service, data_dir):
    kit = service.create("Kit", primary_colors=["#111111"], tone="calm")
    with pytest.raises(BrandKitError, match="'#11' is not a hex colour"):
        service.update(kit.id, primary_colors=["#222222", "#11"], tone="loud")
    with pytest.raises(BrandKitError, match="no field 'colour'"):
        service.update(kit.id, colour="#222222")
    with pytest.raises(BrandKitError, match="Name cannot be empty"):
        service.update(kit.id, name=" ")
    other, svc = reopen(data_dir)
    try:
        stored = svc.get(kit.id)
        assert (stored.primary_colors, stored.tone, stored.name) == (["#111111"], "calm", "Kit")
    finally:
        other.close()


def test_update_may_keep_its_own_name_but_not_take_another(service):
    a = service.create("A")
    service.create("B")
    assert service.update(a.id, name="a").name == "a"
    with pytest.raises(BrandKitError, match="named 'B' already exists"):
        service.update(a.id, name="B")


def test_update_of_deleted_kit_is_refused(service):
    kit = service.create("Gone")
    service.delete(kit.id)
    with pytest.raises(BrandKitError, match="does not exist"):
        service.update(kit.id, tone="x")


# -- duplicate -------------------------------------------------------------------------------
def test_duplicate_copies_everything_under_a_free_name_and_inactive(service, add_media):
    logo = add_media("horse.png")
    kit = service.create("Main", primary_colors=["#AA0000"], accent_colors=["#00AA00"], tone="cosy",
                         logo_asset_ids={"primary": logo.id}, active=True)
    copy = service.duplicate(kit.id)
    copy2 = service.duplicate(kit.id)
    assert (copy.name, copy2.name) == ("Copy of Main", "Copy of Main (2)")
    assert copy.id != kit.id and not copy.is_active
    assert copy.primary_colors == ["#AA0000"] and copy.accent_colors == ["#00AA00"]
    assert copy.tone == "cosy" and copy.logo_asset_ids == {"primary": logo.id}
    assert service.active().id == kit.id
    assert len(service.list()) == 3


def test_duplicate_of_unknown_kit_is_refused(service):
    with pytest.raises(BrandKitError, match="does not exist"):
        service.duplicate("nope")


# -- delete / active -------------------------------------------------------------------------
def test_set_active_keeps_exactly_one_active(service, data_dir):
    a = service.create("A")
    b = service.create("B")
    service.set_active(a.id)
    service.set_active(b.id)
    other, svc = reopen(data_dir)
    try:
        assert svc.active().id == b.id
        assert [k.name for k in svc.list() if k.is_active] == ["B"]
    finally:
        other.close()
    assert service.set_active(None) is None
    assert service.active() is None
    with pytest.raises(BrandKitError, match="does not exist"):
        service.set_active("nope")


def test_delete_is_a_tombstone_and_deleting_the_active_kit_leaves_none_active(service, store):
    from studio_app.store.models import BrandKitRow

    a = service.create("A", active=True)
    b = service.create("B")
    with store.db.session() as s:
        before = s.get(BrandKitRow, a.id).updated_at
    service.delete(a.id)
    assert service.active() is None
    assert [k.id for k in service.list()] == [b.id]
    # The row is still in the file, tombstoned and no longer active.
    with store.db.session() as s:
        row = s.get(BrandKitRow, a.id)
        assert row is not None and row.deleted_at is not None and row.is_active is False
        assert row.updated_at > before  # a change sync can see
    with pytest.raises(BrandKitError, match="does not exist"):
        service.delete(a.id)
    # Activating another kit later does not bring the deleted one back.
    service.set_active(b.id)
    assert [k.name for k in service.list()] == ["B"]


def test_kits_changed_is_emitted_after_each_write(service):
    seen = []
    service.kitsChanged.connect(lambda: seen.append(len(service.list())))
    kit = service.create("A")
    service.update(kit.id, tone="x")
    copy = service.duplicate(kit.id)
    service.set_active(copy.id)
    service.delete(kit.id)
    assert seen == [1, 1, 2, 2, 1]
    with pytest.raises(BrandKitError):
        service.create("")
    assert len(seen) == 5


# -- palette ---------------------------------------------------------------------------------
def test_palette_is_the_active_kits_colours_else_the_default(service):
    assert service.palette() == list(DEFAULT_PALETTE)
    assert len(DEFAULT_PALETTE) == 6
    kit = service.create("A", primary_colors=["#FF0055", "#00CCFF"], accent_colors=["#00ccff", "#FFCC00"])
    assert service.palette() == list(DEFAULT_PALETTE)  # not active yet
    service.set_active(kit.id)
    assert service.palette() == ["#FF0055", "#00CCFF", "#FFCC00"]
    service.delete(kit.id)
    assert service.palette() == list(DEFAULT_PALETTE)


def test_normalise_hex():
    assert normalise_hex(" #abcdef ") == "#ABCDEF"
    assert normalise_hex("f0a") == "#FF00AA"
    for bad in ("#abcd", "#abcdef0", "", "#ggg"):
        with pytest.raises(BrandKitError):
            normalise_hex(bad)


# -- logo placement --------------------------------------------------------------------------
def _kit_with_logo(service, add_media, photo="horse.png"):
    logo = add_media(photo)
    second = add_media("astronaut.png", MediaAssetType.FACE)
    service.create("K", logo_asset_ids={"primary": logo.id, "secondary": second.id}, active=True)
    return logo, second


def _edges_px(p: MediaAssetPlacement, canvas: CanvasDocument) -> tuple[float, float, float, float]:
    cx, cy = p.centre_px(canvas.width, canvas.height)
    w, h = p.size_px(canvas.width, canvas.height)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def test_logo_placement_corners_on_an_overlay(service, add_media):
    logo, _ = _kit_with_logo(service, add_media)  # horse.png is 400x328
    canvas = CanvasDocument(asset_type=AssetType.OVERLAY)  # 1920x1080
    margin = 0.04 * 1080
    for position in ("top-left", "top-right", "bottom-left", "bottom-right"):
        p = service.logo_placement("primary", position, canvas)
        assert p.asset_id == logo.id and p.size_unit == "percent"
        assert p.width == pytest.approx(15.0)
        w, h = p.size_px(1920, 1080)
        assert h / w == pytest.approx(328 / 400, rel=1e-3)  # keeps the logo's aspect ratio
        left, top, right, bottom = _edges_px(p, canvas)
        if "left" in position:
            assert left == pytest.approx(margin, abs=0.01)
        else:
            assert 1920 - right == pytest.approx(margin, abs=0.01)
        if position.startswith("top"):
            assert top == pytest.approx(margin, abs=0.01)
        else:
            assert 1080 - bottom == pytest.approx(margin, abs=0.01)
    centre = service.logo_placement("primary", "center", canvas)
    assert (centre.x, centre.y) == (50.0, 50.0)


def test_youtube_thumbnail_keeps_the_duration_badge_corner_clear(service, add_media):
    _kit_with_logo(service, add_media)
    canvas = CanvasDocument(asset_type=AssetType.THUMBNAIL)
    p = service.logo_placement("primary", "bottom-right", canvas)
    _left, _, right, bottom = _edges_px(p, canvas)
    assert right < canvas.width / 2  # moved to the left half
    assert canvas.height - bottom == pytest.approx(0.04 * 720, abs=0.01)
    assert resolve_logo_position(AssetType.THUMBNAIL, "bottom-right") == ("bottom-left", YOUTUBE_BADGE_NOTE)
    assert resolve_logo_position(AssetType.OVERLAY, "bottom-right") == ("bottom-right", None)
    assert resolve_logo_position(AssetType.THUMBNAIL, "top-right") == ("top-right", None)


def test_tall_logo_is_limited_in_height_and_sits_above_existing_placements(service, add_media):
    _, second = _kit_with_logo(service, add_media)  # astronaut 512x512 square as the secondary
    canvas = CanvasDocument(asset_type=AssetType.X_HEADER,  # 1500x500: a square at 15% width = 45% height
                            placements=[MediaAssetPlacement(z_index=7), MediaAssetPlacement(z_index=3)])
    p = service.logo_placement("secondary", "top-left", canvas)
    assert p.asset_id == second.id
    assert p.height == pytest.approx(30.0)
    w, h = p.size_px(1500, 500)
    assert w == pytest.approx(h)
    assert p.z_index == 8


def test_logo_placement_none_without_active_kit_or_logo(service, add_media, store):
    canvas = CanvasDocument()
    assert service.logo_placement("primary", "top-left", canvas) is None
    kit = service.create("No logos", active=True)
    assert service.logo_placement("primary", "top-left", canvas) is None
    logo = add_media("horse.png")
    service.update(kit.id, logo_asset_ids={"primary": logo.id})
    assert service.logo_placement("primary", "top-left", canvas) is not None
    assert service.logo_placement("secondary", "top-left", canvas) is None
    store.media.soft_delete([logo.id])  # deleted from the library after it was chosen
    assert service.logo_placement("primary", "top-left", canvas) is None


def test_logo_placement_refuses_unknown_type_and_position(service):
    with pytest.raises(BrandKitError, match="Unknown logo type 'tertiary'"):
        service.logo_placement("tertiary", "top-left", CanvasDocument())
    with pytest.raises(BrandKitError, match="Unknown logo position 'middle'"):
        service.logo_placement("primary", "middle", CanvasDocument())


# -- logo choices ----------------------------------------------------------------------------
def test_logo_choices_and_thumbnails(service, add_media, store):
    b = add_media("horse.png", name="b logo")
    a = add_media("coffee.png", name="a logo")
    face = add_media("astronaut.png", MediaAssetType.FACE, name="0 face")
    assert [x.id for x in service.logo_choices()] == [a.id, b.id]
    assert [x.id for x in service.logo_choices(all_types=True)] == [a.id, b.id, face.id]
    thumb = service.thumbnail_bytes(a)
    assert thumb is not None and thumb.startswith(b"\x89PNG")
    store.blobs.path_for(store.blobs.digest_of(a.thumbnail_url)).unlink()
    assert service.thumbnail_bytes(a) == store.blobs.get(a.content_hash)  # falls back to the original


def test_logo_thumbnail_follows_the_librarys_background_removal(service, store, photos):
    from .helpers import add_media_asset

    horse = next(p for p in photos if p.name == "horse.png")  # a plain background the offline cut handles
    logo = add_media_asset(store, horse, remove_background=True)
    processed = logo.metadata.get("processed_thumbnail_url")
    assert logo.has_background_removed and processed
    assert service.thumbnail_bytes(logo) == store.blobs.get(store.blobs.digest_of(processed))
    assert processed != logo.thumbnail_url
