"""Every TargetSpec names its sources by ids that resolve to a URL inside the repository."""

from studio_app.domain.asset_types import PLATFORM_SOURCES, TARGET_SPECS


def test_every_target_spec_source_id_resolves_to_a_url():
    for asset_type, spec in TARGET_SPECS.items():
        ids = [s.strip() for s in spec.source.split(",") if s.strip()]
        assert ids, f"{asset_type} names no source"
        for source_id in ids:
            assert PLATFORM_SOURCES.get(source_id, "").startswith("https://"), (asset_type, source_id)
