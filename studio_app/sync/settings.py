"""SyncSettings: the ``sync`` section of settings.json, plus STUDIO_SYNC_* environment overrides.

Non-secret only; credentials live in the keyring (credentials.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel, Field, field_validator

from studio_app.store.settings import SettingsStore

from .errors import SyncConfigError
from .keys import normalize_prefix

SECTION = "sync"
ENV_ENDPOINT = "STUDIO_SYNC_ENDPOINT"
ENV_BUCKET = "STUDIO_SYNC_BUCKET"
ENV_PREFIX = "STUDIO_SYNC_PREFIX"
ENV_REGION = "STUDIO_SYNC_REGION"
MIN_PART_SIZE = 5 * 1024 * 1024
"""S3's minimum multipart part size (bytes) except for the last part (AWS S3 UG, multipart limits)."""

_BUCKET_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")

ConditionalMode = Literal["auto", "on", "off"]


class SyncSettings(BaseModel):
    """Bucket and behaviour of sync.

    Attributes:
        enabled: the background worker syncs (the CLI runs whenever a bucket is set).
        endpoint_url: ``https://s3.example.com`` (None or empty = AWS S3).
        region: signing region.
        bucket: S3 bucket name (3-63 lowercase letters, digits, ``.``, ``-``).
        prefix: folder inside the bucket, e.g. ``studio`` or ``team/alex``.
        conditional_writes: ``auto`` probes the bucket once; ``on``/``off`` force it.
        auto_sync_minutes: background sync interval in minutes (0 = only "Sync now").
        max_delete_percent: a pull that would delete more than this percent of the library
            stops and asks (rclone bisync's ``--max-delete`` default is 50).
        transfer_threads: parallel uploads/downloads.
        multipart_threshold_bytes: blobs at least this large go up in parts (bytes).
        part_size_bytes: multipart part size (bytes, >= 5 MiB).
    """

    enabled: bool = False
    endpoint_url: str | None = None
    region: str = "us-east-1"
    bucket: str = ""
    prefix: str = "studio"
    conditional_writes: ConditionalMode = "auto"
    auto_sync_minutes: int = Field(0, ge=0, le=24 * 60)
    max_delete_percent: int = Field(50, ge=1, le=100)
    transfer_threads: int = Field(16, ge=1, le=64)
    multipart_threshold_bytes: int = Field(16 * 1024 * 1024, ge=MIN_PART_SIZE)
    part_size_bytes: int = Field(8 * 1024 * 1024, ge=MIN_PART_SIZE, le=5 * 1024 ** 3)

    @field_validator("endpoint_url")
    @classmethod
    def _endpoint(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip().rstrip("/")
        u = urlparse(v)
        if u.scheme not in {"http", "https"} or not u.netloc or u.username or u.password:
            raise ValueError("endpoint must be an http(s) URL without credentials, e.g. https://s3.example.com")
        return v

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, v: str) -> str:
        v = v.strip()
        if v and (not _BUCKET_RE.fullmatch(v) or ".." in v):
            raise ValueError("bucket names are 3-63 lowercase letters, digits, '.' or '-'")
        return v

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, v: str) -> str:
        try:
            return normalize_prefix(v).rstrip("/")
        except SyncConfigError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("region")
    @classmethod
    def _region(cls, v: str) -> str:
        v = v.strip() or "us-east-1"
        if not re.fullmatch(r"[a-z0-9-]{2,32}", v):
            raise ValueError("region looks like us-east-1 or auto")
        return v

    @property
    def is_configured(self) -> bool:
        """A bucket is set."""
        return bool(self.bucket)


def apply_environment(settings: SyncSettings, environ: Mapping[str, str] | None = None) -> SyncSettings:
    """``settings`` with STUDIO_SYNC_ENDPOINT / _BUCKET / _PREFIX / _REGION applied where set.

    Raises:
        SyncConfigError: an environment value is invalid (one line naming the variable).
    """
    env = os.environ if environ is None else environ
    changes: dict[str, str] = {}
    for var, field in ((ENV_ENDPOINT, "endpoint_url"), (ENV_BUCKET, "bucket"), (ENV_PREFIX, "prefix"),
                       (ENV_REGION, "region")):
        if env.get(var) is not None and env.get(var) != "":
            changes[field] = env[var]
    if not changes:
        return settings
    try:
        return SyncSettings.model_validate({**settings.model_dump(), **changes})
    except ValueError as exc:
        bad = [var for var, field in ((ENV_ENDPOINT, "endpoint_url"), (ENV_BUCKET, "bucket"),
                                      (ENV_PREFIX, "prefix"), (ENV_REGION, "region")) if field in str(exc)]
        msg = str(exc).splitlines()
        detail = msg[2].strip() if len(msg) > 2 else msg[0]
        raise SyncConfigError(f"invalid {', '.join(bad) or 'STUDIO_SYNC_*'}: {detail}") from exc


def require_configured(settings: SyncSettings) -> SyncSettings:
    """``settings`` if a bucket is set.

    Raises:
        SyncConfigError: no bucket (the message names the settings page and the variables).
    """
    if not settings.is_configured:
        raise SyncConfigError("sync is not set up: choose a bucket in Settings > Sync or set "
                              f"{ENV_BUCKET} (and {ENV_ENDPOINT} for a non-AWS server)")
    return settings


def effective_settings(settings_store: SettingsStore, environ: Mapping[str, str] | None = None) -> SyncSettings:
    """The saved ``sync`` section of ``settings_store`` with STUDIO_SYNC_* overrides applied.

    Raises:
        SyncConfigError: an override is invalid.
    """
    return apply_environment(settings_store.section(SECTION, SyncSettings), environ)
