"""What syncs: one SyncKind per synced table, in the order records are applied (parents first)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyncKind:
    """A synced table.

    Attributes:
        name: the kind in keys and records (``objects/<name>/<id>.json``).
        table: the SQLite table (studio_app/store/models.py).
        label_column: column shown to the user and suffixed on conflict copies, or None.
        local_only: columns that never leave the device (local file paths).
        blob_columns: columns that must hold ``blob:<sha256>`` or null in a remote record.
    """

    name: str
    table: str
    label_column: str | None
    local_only: frozenset[str] = frozenset()
    blob_columns: tuple[str, ...] = ()


KINDS: tuple[SyncKind, ...] = (
    SyncKind("brand_kit", "brand_kits", "name"),
    SyncKind("media_asset", "media_assets", "display_name",
             blob_columns=("url", "storage_path", "thumbnail_url", "processed_url", "processed_storage_path")),
    SyncKind("coach_session", "coach_sessions", None),
    SyncKind("canvas_document", "canvas_documents", "name", local_only=frozenset({"file_path"})),
    SyncKind("generation_job", "generation_jobs", None),
    SyncKind("asset", "assets", None, blob_columns=("url",)),
)
"""Apply order respects the foreign keys: brand kits and coach sessions before jobs, jobs before assets."""

KINDS_BY_NAME: dict[str, SyncKind] = {k.name: k for k in KINDS}
KINDS_BY_TABLE: dict[str, SyncKind] = {k.table: k for k in KINDS}
KIND_ORDER: dict[str, int] = {k.name: i for i, k in enumerate(KINDS)}
