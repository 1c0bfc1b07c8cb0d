"""Generation targets (AssetType) and their exact pixel sizes.

Sizes come from each platform's own documentation (``TargetSpec.source`` names the ids of
:data:`PLATFORM_SOURCES`, where each id is a URL) and, for the five original types, the original
design's ``ASSET_DIMENSIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AssetType(StrEnum):
    """What a generation job produces; each value has one exact pixel size."""

    THUMBNAIL = "thumbnail"
    OVERLAY = "overlay"
    BANNER = "banner"
    STORY_GRAPHIC = "story_graphic"
    CLIP_COVER = "clip_cover"
    TWITCH_EMOTE = "twitch_emote"
    TWITCH_BADGE = "twitch_badge"
    TWITCH_PANEL = "twitch_panel"
    TWITCH_OFFLINE = "twitch_offline"
    YOUTUBE_BANNER = "youtube_banner"
    DISCORD_EMOJI = "discord_emoji"
    DISCORD_STICKER = "discord_sticker"
    X_HEADER = "x_header"


@dataclass(frozen=True)
class TargetSpec:
    """The upload spec of one AssetType.

    Attributes:
        width, height: exact output size in px.
        wants_alpha: the platform keeps (and prefers) a transparent background.
        max_bytes: the platform's upload limit in bytes (decimal MB, or KiB where the
            platform states KiB), or None where none is published.
        label: human name shown in the GUI.
        source: where the numbers come from: comma-separated ids of :data:`PLATFORM_SOURCES`.
    """

    width: int
    height: int
    wants_alpha: bool
    max_bytes: int | None
    label: str
    source: str

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in px."""
        return (self.width, self.height)

    @property
    def aspect_ratio(self) -> float:
        """width / height."""
        return self.width / self.height


TARGET_SPECS: dict[AssetType, TargetSpec] = {
    AssetType.THUMBNAIL: TargetSpec(1280, 720, False, 2_000_000, "YouTube thumbnail", "S15,S16"),
    AssetType.OVERLAY: TargetSpec(1920, 1080, True, None, "Stream overlay (OBS)", "S13,S14"),
    AssetType.BANNER: TargetSpec(1200, 480, False, 10_000_000, "Twitch profile banner", "S9"),
    AssetType.STORY_GRAPHIC: TargetSpec(1080, 1920, False, 30_000_000, "Story / vertical 9:16", "S28"),
    AssetType.CLIP_COVER: TargetSpec(1080, 1080, False, 30_000_000, "Square clip cover", "S31"),
    AssetType.TWITCH_EMOTE: TargetSpec(112, 112, True, 1_000_000, "Twitch emote (112 px)", "S1,S3"),
    AssetType.TWITCH_BADGE: TargetSpec(72, 72, True, 25_000, "Twitch sub badge (72 px)", "S4,S5"),
    AssetType.TWITCH_PANEL: TargetSpec(320, 160, True, 1_000_000, "Twitch panel", "S11,S12"),
    AssetType.TWITCH_OFFLINE: TargetSpec(1920, 1080, False, 10_000_000, "Twitch offline banner", "S10"),
    AssetType.YOUTUBE_BANNER: TargetSpec(2560, 1440, False, 6_000_000, "YouTube channel banner", "S19,S20"),
    AssetType.DISCORD_EMOJI: TargetSpec(128, 128, True, 262_144, "Discord emoji", "S25,S26"),
    AssetType.DISCORD_STICKER: TargetSpec(320, 320, True, 524_288, "Discord sticker", "S27"),
    AssetType.X_HEADER: TargetSpec(1500, 500, False, 5_000_000, "X header", "S32,S33"),
}

PLATFORM_SOURCES: dict[str, str] = {
    # The platform's own documentation where it publishes the figure; the others are
    # third-party guides used where the platform publishes none.
    "S1": "https://docs.elgato.com/en/graphics/emotes",
    "S3": "https://dev.twitch.tv/docs/api/reference#get-channel-emotes",
    "S4": "https://dev.twitch.tv/docs/api/reference#get-channel-chat-badges",
    "S5": "https://docs.elgato.com/en/graphics/badges",
    "S9": "https://samagamer.com/en/twitch-tv-how-to-add-a-profile-photo-and-banner/",
    "S10": "https://streamertactics.com/twitch-image-sizes/",
    "S11": "https://docs.elgato.com/en/graphics/panels",
    "S12": "https://runyoncanyon-losangeles.com/blog/how-do-you-make-your-profile-picture-fit-on-twitch/",
    "S13": "https://streamskins.net/twitch-stream-overlay-size",
    "S14": "https://docs.elgato.com/en/graphics/alerts/alert-files",
    "S15": "https://support.google.com/youtube/answer/72431",
    "S16": "https://developers.google.com/youtube/v3/docs/thumbnails/set",
    "S19": "https://developers.google.com/youtube/v3/docs/channelBanners",
    "S20": "https://xrsave.com/?p=1234",
    "S25": "https://support.discord.com/hc/articles/360036479811-Custom-Emojis",
    "S26": "https://github.com/discord/discord-api-docs/blob/main/docs/resources/emoji.mdx",
    "S27": "https://github.com/discord/discord-api-docs/blob/main/docs/resources/sticker.mdx",
    "S28": "https://www.facebook.com/business/ads-guide/update/image/facebook-story/outcome-awareness",
    "S31": "https://stish.app/knowledge-base/meta-ads-specifications-facebook-instagram",
    "S32": "https://developer.x.com/en/docs/accounts-and-users/manage-account-settings/api-reference/get-users-profile_banner",
    "S33": "https://www.picovert.com/en/blog/image-size-for-twitter-x",
}
"""Where the TARGET_SPECS figures come from: source id -> URL."""


ASSET_DIMENSIONS: dict[str, tuple[int, int]] = {t.value: s.size for t, s in TARGET_SPECS.items()}
"""The original design's ASSET_DIMENSIONS, extended to every AssetType: value -> (width px, height px)."""


def target_size(asset_type: AssetType | str) -> tuple[int, int]:
    """Exact (width, height) in px for an AssetType (or its string value).

    Raises:
        ValueError: the value is not an AssetType.
    """
    return TARGET_SPECS[AssetType(asset_type)].size
