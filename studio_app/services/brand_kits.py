"""BrandKitService: create, edit, duplicate, delete and activate brand kits; the active kit's
palette for the Easy Sketch tools and its logo placement for the coach's ``include_logo``.

The active kit reaches prompts as a BrandKitContext (``PromptEngine.inject_brand_kit``) and
the coach's ``include_logo`` / ``logo_type`` / ``logo_position`` choices through
:func:`resolve_logo_position`: YouTube draws the video's duration badge over the bottom-right
corner of a thumbnail, so a logo never goes there.

At most one kit is active; GenerationService.brand_context() injects it into every prompt.
Deletes are tombstones (``deleted_at``), so sync can carry them.
"""

from __future__ import annotations

import builtins
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal

from studio_app.domain.asset_types import AssetType
from studio_app.domain.brand_kit import BrandKit, BrandKitContext
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import MediaAsset, MediaAssetType
from studio_app.domain.placement import MediaAssetPlacement
from studio_app.store.blobs import BlobStore
from studio_app.store.models import MediaAssetRow
from studio_app.store.repositories import NotFoundError

from .context import StudioStore
from .media_library import MediaLibraryService

LogoType = Literal["primary", "secondary"]
LogoPosition = Literal["top-left", "top-right", "bottom-left", "bottom-right", "center"]

LOGO_TYPES: tuple[str, ...] = ("primary", "secondary")
"""The coach's ``logo_type`` values; also the keys of ``BrandKit.logo_asset_ids``."""
LOGO_POSITIONS: tuple[str, ...] = ("top-left", "top-right", "bottom-left", "bottom-right", "center")
"""The coach's ``logo_position`` values (the original design's default ``bottom-right``)."""

DEFAULT_PALETTE: tuple[str, ...] = ("#9146FF", "#FF3B30", "#00E5FF", "#FFD60A", "#FFFFFF", "#0E0E10")
"""Easy Sketch palette when no kit is active: Twitch purple, alert red, cyan, gold, white,
near-black: high-contrast colours that read on stream and in small thumbnails."""

MAX_COLOURS = 6
"""Most colours per list (PromptEngine names at most 6 of each list in a prompt)."""
MAX_NAME_LENGTH = 80
MAX_TEXT_LENGTH = 80
"""Longest tone / font / style reference, in characters (PromptEngine keeps at most 80)."""

LOGO_WIDTH_PERCENT = 15.0
"""Logo width as percent of the canvas width."""
LOGO_MAX_HEIGHT_PERCENT = 30.0
"""A tall logo is scaled down so its height stays within this percent of the canvas height."""
LOGO_MARGIN_FRACTION = 0.04
"""Margin from the canvas edges: 4% of the shorter canvas side (the same px on both axes)."""

YOUTUBE_BADGE_NOTE = (
    "YouTube's duration badge covers the bottom-right corner of a thumbnail, "
    "so the logo goes bottom-left instead."
)

_HEX6 = re.compile(r"^#?([0-9a-fA-F]{6})$")
_HEX3 = re.compile(r"^#?([0-9a-fA-F]{3})$")


class BrandKitError(ValueError):
    """A brand kit value or operation was refused; ``str()`` is one line meant for the user."""


def normalise_hex(value: str, label: str = "Colour") -> str:
    """``value`` as ``#RRGGBB`` (upper case). Accepts ``#RRGGBB``, ``RRGGBB``, ``#RGB`` and ``RGB``.

    Raises:
        BrandKitError: anything else, e.g. ``"Primary colour '#12345' is not a hex colour (use #RRGGBB)."``
    """
    text = value.strip() if isinstance(value, str) else ""
    m = _HEX6.match(text)
    if m:
        return "#" + m.group(1).upper()
    m = _HEX3.match(text)
    if m:
        return "#" + "".join(c * 2 for c in m.group(1).upper())
    raise BrandKitError(f"{label} {value!r} is not a hex colour (use #RRGGBB).")


def _clean_text(value: Any, label: str, max_length: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BrandKitError(f"{label} must be text.")
    # Line breaks and other controls become spaces, runs of spaces one space.
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in value)
    text = " ".join(text.split())
    if required and not text:
        raise BrandKitError(f"{label} cannot be empty.")
    if len(text) > max_length:
        raise BrandKitError(f"{label} is longer than {max_length} characters.")
    if "{" in text or "}" in text:
        raise BrandKitError(f"{label} cannot contain {{ or }}.")
    return text


def resolve_logo_position(asset_type: AssetType | str, logo_position: str) -> tuple[str, str | None]:
    """The position a logo actually gets on a target, and why it moved (or None).

    A YouTube thumbnail (``AssetType.THUMBNAIL``) keeps its bottom-right corner clear for the
    duration badge YouTube draws over every thumbnail, so ``bottom-right``
    becomes ``bottom-left`` there.

    Raises:
        BrandKitError: ``logo_position`` is not one of LOGO_POSITIONS.
    """
    if logo_position not in LOGO_POSITIONS:
        raise BrandKitError(f"Unknown logo position {logo_position!r} (use one of: {', '.join(LOGO_POSITIONS)}).")
    if AssetType(asset_type) == AssetType.THUMBNAIL and logo_position == "bottom-right":
        return "bottom-left", YOUTUBE_BADGE_NOTE
    return logo_position, None


class BrandKitService(QObject):
    """Brand kits of one StudioStore.

    Every write validates first and raises :class:`BrandKitError` with a one-line message;
    nothing is stored when a value is refused. ``kitsChanged`` is emitted after every
    successful write (create, update, duplicate, delete, set_active), so the dialog and the
    toolbar combo stay in step.
    """

    kitsChanged = Signal()

    def __init__(self, store: StudioStore) -> None:
        super().__init__()
        self.store = store

    # -- reading ----------------------------------------------------------------------------
    def list(self) -> list[BrandKit]:
        """Live kits, by name (case-insensitive)."""
        return sorted(self.store.brand_kits.list(), key=lambda k: (k.name.casefold(), k.name))

    def get(self, kit_id: str) -> BrandKit:
        """The live kit ``kit_id``.

        Raises:
            BrandKitError: missing or deleted.
        """
        try:
            return self.store.brand_kits.get(kit_id)
        except NotFoundError:
            raise BrandKitError("That brand kit does not exist (it may have been deleted).") from None

    def active(self) -> BrandKit | None:
        """The active kit, or None when no kit is active."""
        return self.store.brand_kits.active()

    def context(self) -> BrandKitContext:
        """What PromptEngine gets: the active kit's BrandKitContext, else the defaults."""
        kit = self.active()
        return kit.context() if kit else BrandKitContext()

    # -- validation -------------------------------------------------------------------------
    def _colours(self, values: Iterable[str] | None, label: str, *, required: bool) -> builtins.list[str]:
        if isinstance(values, str):
            values = [values]
        out: list[str] = []
        for value in values or ():
            hex_ = normalise_hex(value, label)
            if hex_ not in out:
                out.append(hex_)
        if required and not out:
            raise BrandKitError(f"A brand kit needs at least one {label.lower()}.")
        if len(out) > MAX_COLOURS:
            raise BrandKitError(f"At most {MAX_COLOURS} {label.lower()}s (got {len(out)}).")
        return out

    def _logo_ids(self, logos: Mapping[str, str | None] | None) -> dict[str, str]:
        out: dict[str, str] = {}
        for slot, asset_id in (logos or {}).items():
            if slot not in LOGO_TYPES:
                raise BrandKitError(f"Unknown logo slot {slot!r} (use primary or secondary).")
            if not asset_id:
                continue
            with self.store.db.session() as s:
                row = s.get(MediaAssetRow, asset_id)
                deleted = row is not None and row.deleted_at is not None
                name = row.display_name if row is not None else ""
            if row is None:
                raise BrandKitError(f"The {slot} logo {asset_id!r} is not in the media library.")
            if deleted:
                raise BrandKitError(
                    f"The {slot} logo '{name}' was deleted from the media library; choose another."
                )
            out[slot] = asset_id
        return out

    def _check_name_free(self, name: str, kit_id: str | None) -> None:
        for other in self.list():
            if other.id != kit_id and other.name.casefold() == name.casefold():
                raise BrandKitError(f"A brand kit named '{other.name}' already exists.")

    def _validated(self, data: Mapping[str, Any], kit_id: str | None) -> dict[str, Any]:
        name = _clean_text(data.get("name"), "Name", MAX_NAME_LENGTH, required=True)
        fields: dict[str, Any] = {
            "name": name,
            "primary_colors": self._colours(data.get("primary_colors"), "Primary colour", required=True),
            "accent_colors": self._colours(data.get("accent_colors"), "Accent colour", required=False),
            "headline_font": _clean_text(data.get("headline_font"), "Headline font", MAX_TEXT_LENGTH),
            "body_font": _clean_text(data.get("body_font"), "Body font", MAX_TEXT_LENGTH),
            "tone": _clean_text(data.get("tone"), "Tone", MAX_TEXT_LENGTH),
            "style_reference": _clean_text(data.get("style_reference"), "Style reference", MAX_TEXT_LENGTH)
            or None,
            "logo_asset_ids": self._logo_ids(data.get("logo_asset_ids")),
        }
        self._check_name_free(name, kit_id)
        return fields

    # -- writing ----------------------------------------------------------------------------
    def create(
        self,
        name: str,
        *,
        primary_colors: Iterable[str] = ("#9146FF",),
        accent_colors: Iterable[str] = ("#FFFFFF",),
        headline_font: str = "Montserrat",
        body_font: str = "Inter",
        tone: str = "energetic",
        style_reference: str | None = None,
        logo_asset_ids: Mapping[str, str | None] | None = None,
        active: bool = False,
    ) -> BrandKit:
        """Store a new kit and return it.

        Args:
            name: shown in the list and toolbar; unique (case-insensitive), at most 80 characters.
            primary_colors: 1-6 hex colours (``#RRGGBB``, ``RRGGBB`` or ``#RGB``); stored ``#RRGGBB``.
            accent_colors: 0-6 hex colours.
            headline_font, body_font: font family names (not required to be installed here:
                the image model only reads the name).
            tone, style_reference: free text, one line, at most 80 characters, no braces.
            logo_asset_ids: ``{"primary": media asset id, "secondary": ...}``; each a live
                MediaAsset.
            active: make it the active kit (the others are deactivated).

        Raises:
            BrandKitError: a bad hex colour, an empty or taken name, an unknown or deleted
                logo asset, or text that is too long.
        """
        fields = self._validated(
            {"name": name, "primary_colors": list(primary_colors), "accent_colors": list(accent_colors),
             "headline_font": headline_font, "body_font": body_font, "tone": tone,
             "style_reference": style_reference, "logo_asset_ids": logo_asset_ids},
            None,
        )
        kit = self.store.brand_kits.save(BrandKit(**fields, is_active=active))
        self.kitsChanged.emit()
        return self.get(kit.id)

    def update(self, kit_id: str, **changes: Any) -> BrandKit:
        """Change some fields of a kit (names as in :meth:`create`, except ``active``).

        Raises:
            BrandKitError: the kit is missing, an unknown field, or any value :meth:`create` refuses.
        """
        kit = self.get(kit_id)
        editable = {"name", "primary_colors", "accent_colors", "headline_font", "body_font", "tone",
                    "style_reference", "logo_asset_ids"}
        unknown = sorted(set(changes) - editable)
        if unknown:
            raise BrandKitError(f"Brand kits have no field {unknown[0]!r}.")
        data = kit.model_dump(include=editable) | changes
        fields = self._validated(data, kit_id)
        self.store.brand_kits.save(kit.model_copy(update=fields))
        self.kitsChanged.emit()
        return self.get(kit_id)

    def duplicate(self, kit_id: str) -> BrandKit:
        """A new, inactive copy named "Copy of <name>" (then "Copy of <name> (2)", ...).

        Raises:
            BrandKitError: the kit is missing, or one of its logos was deleted since.
        """
        kit = self.get(kit_id)
        taken = {k.name.casefold() for k in self.list()}
        base = f"Copy of {kit.name}"[:MAX_NAME_LENGTH]
        name, n = base, 2
        while name.casefold() in taken:
            suffix = f" ({n})"
            name = base[: MAX_NAME_LENGTH - len(suffix)] + suffix
            n += 1
        return self.create(
            name, primary_colors=kit.primary_colors, accent_colors=kit.accent_colors,
            headline_font=kit.headline_font, body_font=kit.body_font, tone=kit.tone,
            style_reference=kit.style_reference, logo_asset_ids=kit.logo_asset_ids,
        )

    def delete(self, kit_id: str) -> None:
        """Tombstone a kit. Deleting the active kit leaves no kit active (prompts use the defaults).

        Raises:
            BrandKitError: the kit is missing or already deleted.
        """
        kit = self.get(kit_id)
        # Saving first clears is_active and bumps updated_at, so sync sees the tombstone as a change.
        self.store.brand_kits.save(kit.model_copy(update={"is_active": False}))
        self.store.brand_kits.soft_delete(kit_id)
        self.kitsChanged.emit()

    def set_active(self, kit_id: str | None) -> BrandKit | None:
        """Make ``kit_id`` the only active kit; ``None`` deactivates every kit. Returns the active kit.

        Raises:
            BrandKitError: the kit is missing or deleted.
        """
        if kit_id is None:
            current = self.active()
            if current is not None:
                self.store.brand_kits.save(current.model_copy(update={"is_active": False}))
                self.kitsChanged.emit()
            return None
        kit = self.get(kit_id)
        self.store.brand_kits.save(kit.model_copy(update={"is_active": True}))
        self.kitsChanged.emit()
        return self.get(kit_id)

    # -- the active kit elsewhere -----------------------------------------------------------
    def palette(self) -> builtins.list[str]:
        """Colours for the Easy Sketch palette, ``#RRGGBB``: the active kit's primary then
        accent colours (no repeats), else DEFAULT_PALETTE."""
        kit = self.active()
        if kit is None:
            return list(DEFAULT_PALETTE)
        out: list[str] = []
        for c in [*kit.primary_colors, *kit.accent_colors]:
            if c.upper() not in out:
                out.append(c.upper())
        return out or list(DEFAULT_PALETTE)

    def media_asset(self, asset_id: str) -> MediaAsset:
        """The library asset ``asset_id`` (a logo shown in the kit editor).

        Raises:
            NotFoundError: no live asset with that id (a LookupError).
        """
        return self.store.media.get(asset_id)

    def logo_asset(self, logo_type: str = "primary", kit: BrandKit | None = None) -> MediaAsset | None:
        """The live MediaAsset of the kit's (default: the active kit's) ``logo_type`` logo, or None.

        Raises:
            BrandKitError: ``logo_type`` is not primary or secondary.
        """
        if logo_type not in LOGO_TYPES:
            raise BrandKitError(f"Unknown logo type {logo_type!r} (use primary or secondary).")
        kit = kit or self.active()
        asset_id = kit.logo_asset_ids.get(logo_type) if kit else None
        if not asset_id:
            return None
        try:
            return self.store.media.get(asset_id)
        except NotFoundError:
            return None

    def logo_placement(
        self,
        logo_type: str = "primary",
        logo_position: str = "bottom-right",
        canvas: CanvasDocument | None = None,
    ) -> MediaAssetPlacement | None:
        """Where the active kit's logo goes for the coach's ``include_logo``.

        Size: LOGO_WIDTH_PERCENT (15%) of the canvas width, height from the logo's aspect ratio
        (scaled down to at most 30% of the canvas height). Margin: 4% of the shorter canvas side,
        the same px on both axes. ``center`` centres it. On a YouTube thumbnail ``bottom-right``
        becomes ``bottom-left`` (see :func:`resolve_logo_position` for the reason text).
        The placement is stacked above everything on ``canvas`` (z_index = max + 1).

        Args:
            logo_type: ``primary`` or ``secondary`` (the kit's logo slot).
            logo_position: one of LOGO_POSITIONS.
            canvas: the target canvas (size and asset type); default an empty thumbnail canvas.

        Returns:
            A MediaAssetPlacement in percent (x/y = centre), or None when no kit is active or the
            kit has no live logo in that slot.

        Raises:
            BrandKitError: unknown ``logo_type`` or ``logo_position``.
        """
        canvas = canvas or CanvasDocument()
        position, _ = resolve_logo_position(canvas.asset_type, logo_position)
        asset = self.logo_asset(logo_type)
        if asset is None:
            return None
        cw, ch = canvas.width, canvas.height
        ratio = (asset.height / asset.width) if asset.width and asset.height else 1.0
        w_pct = LOGO_WIDTH_PERCENT
        h_pct = w_pct * cw * ratio / ch
        if h_pct > LOGO_MAX_HEIGHT_PERCENT:
            w_pct, h_pct = w_pct * LOGO_MAX_HEIGHT_PERCENT / h_pct, LOGO_MAX_HEIGHT_PERCENT
        margin_px = LOGO_MARGIN_FRACTION * min(cw, ch)
        mx, my = margin_px * 100 / cw, margin_px * 100 / ch
        vertical, _, horizontal = position.partition("-")
        if position == "center":
            x = y = 50.0
        else:
            x = mx + w_pct / 2 if horizontal == "left" else 100 - mx - w_pct / 2
            y = my + h_pct / 2 if vertical == "top" else 100 - my - h_pct / 2
        z = max((p.z_index for p in canvas.placements), default=0) + 1
        return MediaAssetPlacement(
            asset_id=asset.id, display_name=asset.display_name, asset_type=asset.asset_type.value,
            url=asset.url, x=round(x, 4), y=round(y, 4), width=round(w_pct, 4), height=round(h_pct, 4),
            size_unit="percent", z_index=z,
        )

    # -- logo choices for the editor --------------------------------------------------------
    def logo_choices(self, all_types: bool = False) -> builtins.list[MediaAsset]:
        """Library assets a logo can be chosen from: logo-type assets by name, or with
        ``all_types`` every live asset (logos first, then the rest by name)."""
        if not all_types:
            return self.store.media.list(asset_type=MediaAssetType.LOGO.value, sort="name")
        assets = self.store.media.list(sort="name")
        return sorted(assets, key=lambda a: a.asset_type != MediaAssetType.LOGO)

    def thumbnail_bytes(self, asset: MediaAsset) -> bytes | None:
        """PNG thumbnail of the image the asset shows (background removed when the library uses
        that), else its plain thumbnail, else the original; None when every blob is gone."""
        for ref in (MediaLibraryService.thumbnail_ref(asset), asset.thumbnail_url, asset.url):
            if not ref:
                continue
            try:
                return self.store.blobs.get(BlobStore.digest_of(ref))
            except (FileNotFoundError, ValueError, LookupError):
                continue
        return None
