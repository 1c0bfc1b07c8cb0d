"""SQLAlchemy ORM tables.

Every table: UUID string primary key, ``created_at`` and ``updated_at`` (UTC),
and ``deleted_at`` tombstones for kinds that sync. Every schema change is an
Alembic migration under ``store/migrations/versions``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of all tables."""


class _Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MediaAssetRow(_Timestamps, Base):
    """The original design's creator_media_assets (user_id dropped: one local user)."""

    __tablename__ = "media_assets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    asset_type: Mapped[str] = mapped_column(String(32), index=True)
    display_name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str] = mapped_column(Text)
    storage_path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    thumbnail_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    processed_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    processed_storage_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    file_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mime_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_favorite: Mapped[bool] = mapped_column(Boolean, default=False)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    has_background_removed: Mapped[bool] = mapped_column(Boolean, default=False)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    usage_count: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class BrandKitRow(_Timestamps, Base):
    """A brand kit; colours and logos as JSON."""

    __tablename__ = "brand_kits"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    primary_colors: Mapped[list[str]] = mapped_column(JSON, default=list)
    accent_colors: Mapped[list[str]] = mapped_column(JSON, default=list)
    headline_font: Mapped[str] = mapped_column(Text, default="")
    body_font: Mapped[str] = mapped_column(Text, default="")
    tone: Mapped[str] = mapped_column(Text, default="")
    style_reference: Mapped[str | None] = mapped_column(Text, nullable=True)
    logo_asset_ids: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)


class CanvasDocumentRow(_Timestamps, Base):
    """A canvas document; ``document`` is the CanvasDocument JSON."""

    __tablename__ = "canvas_documents"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    asset_type: Mapped[str] = mapped_column(String(32))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_path: Mapped[str | None] = mapped_column(Text, nullable=True)


class CoachSessionRow(_Timestamps, Base):
    """The original design's coach_sessions."""

    __tablename__ = "coach_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    brand_kit_id: Mapped[str | None] = mapped_column(
        ForeignKey("brand_kits.id", ondelete="SET NULL"), nullable=True
    )
    asset_type: Mapped[str] = mapped_column(String(32))
    mood: Mapped[str | None] = mapped_column(Text, nullable=True)
    game_context: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    turns_used: Mapped[int] = mapped_column(Integer, default=0)
    current_prompt: Mapped[str | None] = mapped_column(Text, nullable=True)
    messages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    generated_asset_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class GenerationJobRow(_Timestamps, Base):
    """The original design's generation_jobs."""

    __tablename__ = "generation_jobs"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    brand_kit_id: Mapped[str | None] = mapped_column(
        ForeignKey("brand_kits.id", ondelete="SET NULL"), nullable=True
    )
    canvas_document_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    coach_session_id: Mapped[str | None] = mapped_column(
        ForeignKey("coach_sessions.id", ondelete="SET NULL"), nullable=True
    )
    asset_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    prompt: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str] = mapped_column(String(32), default="offline")
    model: Mapped[str | None] = mapped_column(String(64), nullable=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    requested_size: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    received_size: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    upscale_factor: Mapped[float | None] = mapped_column(Float, nullable=True)
    result_notes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")


class AssetRow(_Timestamps, Base):
    """The original design's assets: a generated image."""

    __tablename__ = "assets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("generation_jobs.id", ondelete="CASCADE"), index=True)
    asset_type: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    file_size: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(32), default="offline")
    is_preview: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    viral_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    coach_session_id: Mapped[str | None] = mapped_column(
        ForeignKey("coach_sessions.id", ondelete="SET NULL"), nullable=True, index=True
    )


Index("ix_media_assets_created", MediaAssetRow.created_at)
