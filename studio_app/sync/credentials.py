"""Bucket credentials: environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or the OS keyring.

Secrets never go to settings, logs or exception messages. Keyring calls run in a worker thread
with a timeout because an unlock prompt nobody can see can hang forever (keyring PR #735), and
plaintext or "fail" backends are refused (reliability-and-sync.md §4).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import SyncConfigError

KEYRING_SERVICE = "StreamerStudio/sync"
ACCESS_KEY_NAME = "access_key_id"
SECRET_KEY_NAME = "secret_access_key"
KEYRING_TIMEOUT_S = 5.0
_UNSAFE_BACKENDS = ("plaintext", "fail", "null", "chainer_empty")

T = TypeVar("T")


@dataclass(frozen=True)
class Credentials:
    """An access key pair (and optional session token). ``repr`` hides the secret."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None
    source: str = "keyring"

    def __repr__(self) -> str:
        return f"Credentials(access_key_id={self.access_key_id!r}, secret_access_key=***, source={self.source!r})"


class KeyringUnavailableError(SyncConfigError):
    """No usable OS keyring (none installed, locked, plaintext only, or it did not answer in time)."""


def _with_timeout(fn: Callable[[], T], timeout: float) -> T:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller below
            box["error"] = exc

    t = threading.Thread(target=run, name="keyring", daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise KeyringUnavailableError(f"the OS keyring did not answer within {timeout:.0f} s")
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def _checked_keyring() -> Any:
    import keyring

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if any(bad in name for bad in _UNSAFE_BACKENDS) or getattr(backend, "priority", 1) <= 0.5:
        raise KeyringUnavailableError(
            "no secure OS keyring is available; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead")
    return keyring


def from_environment(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), or None
    unless both are set."""
    env = os.environ if environ is None else environ
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        return Credentials(key, secret, env.get("AWS_SESSION_TOKEN") or None, source="environment")
    return None


def from_keyring(timeout: float = KEYRING_TIMEOUT_S) -> Credentials | None:
    """Credentials saved in the OS keyring, or None when none are saved.

    Raises:
        KeyringUnavailableError: no secure keyring, or it hung past ``timeout`` seconds.
    """
    def read() -> Credentials | None:
        import keyring.errors

        kr = _checked_keyring()
        try:
            key = kr.get_password(KEYRING_SERVICE, ACCESS_KEY_NAME)
            secret = kr.get_password(KEYRING_SERVICE, SECRET_KEY_NAME)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailableError(f"the OS keyring refused access ({type(exc).__name__})") from exc
        return Credentials(key, secret, source="keyring") if key and secret else None

    return _with_timeout(read, timeout)


def save_to_keyring(creds: Credentials, timeout: float = KEYRING_TIMEOUT_S) -> None:
    """Store the key pair in the OS keyring.

    Raises:
        KeyringUnavailableError: see ``from_keyring``.
    """
    def write() -> None:
        import keyring.errors

        kr = _checked_keyring()
        try:
            kr.set_password(KEYRING_SERVICE, ACCESS_KEY_NAME, creds.access_key_id)
            kr.set_password(KEYRING_SERVICE, SECRET_KEY_NAME, creds.secret_access_key)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailableError(f"the OS keyring refused the write ({type(exc).__name__})") from exc

    _with_timeout(write, timeout)


def delete_from_keyring(timeout: float = KEYRING_TIMEOUT_S) -> None:
    """Forget the saved key pair (missing entries are fine)."""
    def remove() -> None:
        import keyring.errors

        kr = _checked_keyring()
        for name in (ACCESS_KEY_NAME, SECRET_KEY_NAME):
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                kr.delete_password(KEYRING_SERVICE, name)

    _with_timeout(remove, timeout)


def load_credentials(environ: Mapping[str, str] | None = None, *, timeout: float = KEYRING_TIMEOUT_S) -> Credentials:
    """The credentials to use: the environment pair when both variables are set (so a headless run
    can override what is saved), else the keyring.

    Raises:
        SyncConfigError: neither source has credentials (the message says how to provide them).
    """
    env_creds = from_environment(environ)
    if env_creds:
        return env_creds
    try:
        saved = from_keyring(timeout)
    except KeyringUnavailableError as exc:
        raise SyncConfigError(f"no bucket credentials: {exc}") from exc
    if saved is None:
        raise SyncConfigError("no bucket credentials: save them in Settings > Sync, or set "
                              "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    return saved
