"""Builds a SyncEngine for one data dir from its saved settings, the environment and the keyring."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from studio_app.store.blobs import BlobStore
from studio_app.store.database import Database
from studio_app.store.settings import SettingsStore

from .credentials import load_credentials
from .engine import SyncEngine, SyncProgress
from .faults import KillSwitch
from .settings import effective_settings, require_configured

if TYPE_CHECKING:  # boto3 is imported only when a remote is built (start-up time)
    from .remote import S3Remote


def build_engine(*, db: Database, blobs: BlobStore, settings_store: SettingsStore, data_dir: Path,
                 environ: Mapping[str, str] | None = None,
                 progress: Callable[[SyncProgress], None] | None = None,
                 cancel: threading.Event | None = None, remote: S3Remote | None = None) -> SyncEngine:
    """A ready SyncEngine.

    Raises:
        SyncConfigError: no bucket, an invalid override, or no credentials (one line each).
    """
    env = os.environ if environ is None else environ
    settings = require_configured(effective_settings(settings_store, env))
    credentials = None if remote is not None else load_credentials(env)
    return SyncEngine(db=db, blobs=blobs, data_dir=data_dir, settings=settings, credentials=credentials,
                      remote=remote, progress=progress, cancel=cancel, kill=KillSwitch(env.get("STUDIO_SYNC_KILL_AT")))
