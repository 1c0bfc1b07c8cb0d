"""Errors raised by the sync layer; every message is one line and never holds a secret."""

from __future__ import annotations


class SyncError(Exception):
    """Base of every sync failure. ``str(err)`` is a one-line message for the user."""


class SyncConfigError(SyncError):
    """Sync is not set up or a setting is invalid (endpoint, bucket, prefix, credentials)."""


class SyncOfflineError(SyncError):
    """The endpoint could not be reached (connection refused, DNS, timeout)."""


class SyncAccessError(SyncError):
    """The bucket refused the credentials (403) or does not exist (404)."""


class SyncBusyError(SyncError):
    """Another sync of the same data dir is running."""


class SyncSafetyError(SyncError):
    """The run stopped before changing anything locally because it looked dangerous: an empty or
    partial bucket listing, or more deletions than ``max_delete_percent`` allows. Run again with
    confirmation (``studio sync --yes`` or the GUI prompt) to go on.

    Attributes:
        reason: ``"empty_listing"``, ``"missing_objects"`` or ``"mass_delete"``.
        count: how many objects are affected.
    """

    def __init__(self, message: str, *, reason: str, count: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.count = count


class SyncCancelledError(SyncError):
    """The run was cancelled; committed work is kept, in-flight multipart uploads were aborted."""


class RemoteError(SyncError):
    """An S3 request failed in a way the engine does not handle specially."""


class PreconditionFailedError(RemoteError):
    """A conditional write lost: 412 PreconditionFailed, 409 ConditionalRequestConflict, or 404 on
    ``If-Match`` against a key that is gone. The caller re-reads the object and merges."""


class RemoteNotFoundError(RemoteError):
    """404: no such key or upload."""


class RemoteIntegrityError(SyncError):
    """A downloaded object failed its check (SHA-256 of a blob, content hash of a record, or a
    record that does not parse). It is never used; the key is reported."""

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key
