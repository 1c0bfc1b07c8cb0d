"""A snapshot of sync status for the status bar and ``studio sync status``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from studio_app.store.database import Database
from studio_app.store.settings import SettingsStore

from .conflicts import Conflicts
from .errors import SyncConfigError
from .settings import effective_settings
from .state import SyncStateStore


@dataclass(frozen=True)
class SyncStatusInfo:
    """Attributes:
        configured: a bucket is set (settings or environment).
        enabled: background sync is on.
        pending: objects waiting in the outbox.
        conflicts: open conflict copies.
        last_synced_at: ISO time of the last successful run, or None.
        last_error: message of the last failed run (cleared by a good run), or None.
    """

    configured: bool
    enabled: bool
    pending: int
    conflicts: int
    last_synced_at: str | None
    last_error: str | None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict."""
        return asdict(self)

    def summary(self) -> str:
        """One line for people."""
        if not self.configured:
            return "sync is not set up"
        parts = [f"{self.pending} pending", f"{self.conflicts} conflicts",
                 f"last synced {self.last_synced_at or 'never'}"]
        if self.last_error:
            parts.append(f"last error: {self.last_error}")
        return ", ".join(parts)


def read_status(db: Database, settings_store: SettingsStore,
                environ: Mapping[str, str] | None = None) -> SyncStatusInfo:
    """Read the status from the database, settings and STUDIO_SYNC_* in ``environ`` (no network)."""
    try:
        s = effective_settings(settings_store, environ)
        configured, enabled = s.is_configured, s.enabled
    except SyncConfigError:
        configured, enabled = False, False
    state = SyncStateStore(db)
    return SyncStatusInfo(configured, enabled, state.outbox_count(), Conflicts(db).count(),
                          state.get_meta("last_synced_at"), state.get_meta("last_error"))
