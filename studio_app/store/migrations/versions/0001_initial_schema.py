"""Initial schema: media assets, brand kits, canvas documents, coach sessions, jobs, assets.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "media_assets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("asset_type", sa.String(32), nullable=False),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("storage_path", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("thumbnail_url", sa.Text),
        sa.Column("processed_url", sa.Text),
        sa.Column("processed_storage_path", sa.Text),
        sa.Column("file_size", sa.Integer),
        sa.Column("mime_type", sa.String(64)),
        sa.Column("width", sa.Integer),
        sa.Column("height", sa.Integer),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("is_favorite", sa.Boolean, nullable=False),
        sa.Column("is_primary", sa.Boolean, nullable=False),
        sa.Column("has_background_removed", sa.Boolean, nullable=False),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("usage_count", sa.Integer, nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        *_timestamps(),
    )
    op.create_index("ix_media_assets_asset_type", "media_assets", ["asset_type"])
    op.create_index("ix_media_assets_content_hash", "media_assets", ["content_hash"])
    op.create_index("ix_media_assets_created", "media_assets", ["created_at"])

    op.create_table(
        "brand_kits",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("primary_colors", sa.JSON, nullable=False),
        sa.Column("accent_colors", sa.JSON, nullable=False),
        sa.Column("headline_font", sa.Text, nullable=False),
        sa.Column("body_font", sa.Text, nullable=False),
        sa.Column("tone", sa.Text, nullable=False),
        sa.Column("style_reference", sa.Text),
        sa.Column("logo_asset_ids", sa.JSON, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        *_timestamps(),
    )

    op.create_table(
        "canvas_documents",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("asset_type", sa.String(32), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("file_path", sa.Text),
        *_timestamps(),
    )

    op.create_table(
        "coach_sessions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("brand_kit_id", sa.String(36), sa.ForeignKey("brand_kits.id", ondelete="SET NULL")),
        sa.Column("asset_type", sa.String(32), nullable=False),
        sa.Column("mood", sa.Text),
        sa.Column("game_context", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("turns_used", sa.Integer, nullable=False),
        sa.Column("current_prompt", sa.Text),
        sa.Column("messages", sa.JSON, nullable=False),
        sa.Column("generated_asset_ids", sa.JSON, nullable=False),
        sa.Column("context", sa.JSON, nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('active', 'ended', 'expired')", name="ck_coach_sessions_status"),
        *_timestamps(),
    )
    op.create_index("ix_coach_sessions_status", "coach_sessions", ["status"])

    op.create_table(
        "generation_jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("brand_kit_id", sa.String(36), sa.ForeignKey("brand_kits.id", ondelete="SET NULL")),
        sa.Column("canvas_document_id", sa.String(36)),
        sa.Column("coach_session_id", sa.String(36), sa.ForeignKey("coach_sessions.id", ondelete="SET NULL")),
        sa.Column("asset_type", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("model", sa.String(64)),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("error_message", sa.Text),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        *_timestamps(),
    )
    op.create_index("ix_generation_jobs_status", "generation_jobs", ["status"])

    op.create_table(
        "assets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("job_id", sa.String(36), sa.ForeignKey("generation_jobs.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("asset_type", sa.String(32), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("file_size", sa.Integer, nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("is_preview", sa.Boolean, nullable=False),
        sa.Column("is_public", sa.Boolean, nullable=False),
        sa.Column("viral_score", sa.Integer),
        sa.Column("coach_session_id", sa.String(36), sa.ForeignKey("coach_sessions.id", ondelete="SET NULL")),
        *_timestamps(),
    )
    op.create_index("ix_assets_job_id", "assets", ["job_id"])
    op.create_index("ix_assets_coach_session_id", "assets", ["coach_session_id"])


def downgrade() -> None:
    for table in ("assets", "generation_jobs", "coach_sessions", "canvas_documents", "brand_kits",
                  "media_assets"):
        op.drop_table(table)
