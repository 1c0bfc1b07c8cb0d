"""Sync bookkeeping: outbox filled by triggers, per-object sync state, blobs known remote,
resumable multipart uploads, conflicts, the contents of record packs, and a small key/value
table (device id, probe results).

The triggers append to ``sync_outbox`` on every insert, update and delete of a synced table,
so no repository has to remember to enqueue. One row per object (each change deletes the old row
and inserts a new one with a higher ``seq``; a plain DELETE + INSERT, because an outer UPSERT
would override an ``OR REPLACE`` inside a trigger), so the outbox stays as small as the library
even if sync is never set up. They stay quiet while the sync engine applies
remote changes (it holds a ``sync_meta`` row ``applying`` inside its own transaction, which no
other connection can see). Existing rows are queued once so a library made before sync was
set up is uploaded on the first run.

Revision ID: 0002_sync
Revises: 0001
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_sync"
down_revision = "0001"
branch_labels = None
depends_on = None

SYNCED = {
    "brand_kits": "brand_kit",
    "media_assets": "media_asset",
    "coach_sessions": "coach_session",
    "canvas_documents": "canvas_document",
    "generation_jobs": "generation_job",
    "assets": "asset",
}

_QUIET = "NOT EXISTS (SELECT 1 FROM sync_meta WHERE key = 'applying')"


def upgrade() -> None:
    op.create_table(
        "sync_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("op", sa.String(8), nullable=False),
        sa.Column("changed_at", sa.Text, nullable=False,
                  server_default=sa.text("(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))")),
        sqlite_autoincrement=True,  # seq never reused: an edit during a push must stay queued
    )
    op.create_index("ix_sync_outbox_object", "sync_outbox", ["kind", "object_id"], unique=True)
    op.create_table(
        "sync_state",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("object_id", sa.String(64), primary_key=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("version", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("synced_at", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer, nullable=True),
        sa.Column("seen_at", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_uploads",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("upload_id", sa.Text, nullable=True),
        sa.Column("part_size", sa.Integer, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("copy_id", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("device_name", sa.Text, nullable=False),
        sa.Column("detected_at", sa.Text, nullable=False),
        sa.Column("resolved_at", sa.Text, nullable=True),
        sa.Column("resolution", sa.String(16), nullable=True),
    )
    op.create_index("ix_sync_conflicts_copy", "sync_conflicts", ["kind", "copy_id"], unique=True)
    op.create_table(
        "sync_pack_entries",
        sa.Column("pack_key", sa.Text, primary_key=True),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("object_id", sa.String(64), primary_key=True),
    )

    for table, kind in SYNCED.items():
        for event, ref, what in (("INSERT", "NEW", "upsert"), ("UPDATE", "NEW", "upsert"),
                                 ("DELETE", "OLD", "delete")):
            op.execute(
                f"CREATE TRIGGER trg_sync_{table}_{event.lower()} AFTER {event} ON {table} "
                f"WHEN {_QUIET} BEGIN "
                f"DELETE FROM sync_outbox WHERE kind = '{kind}' AND object_id = {ref}.id; "
                f"INSERT INTO sync_outbox (kind, object_id, op) VALUES ('{kind}', {ref}.id, '{what}'); END"
            )
        op.execute(f"INSERT INTO sync_outbox (kind, object_id, op) SELECT '{kind}', id, 'upsert' FROM {table}")


def downgrade() -> None:
    for table in SYNCED:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_sync_{table}_{event}")
    for table in ("sync_pack_entries", "sync_conflicts", "sync_uploads", "sync_blobs", "sync_state", "sync_outbox", "sync_meta"):
        op.drop_table(table)
