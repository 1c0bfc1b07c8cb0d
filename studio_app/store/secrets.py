"""SecretStore: API keys and bucket credentials in the OS keyring, never on disk in plain text.

Rules (keyring's own guidance, https://github.com/jaraco/keyring#readme, and
docs/architecture.md "Providers, keys and settings"):

- Keys live in the OS keyring through ``keyring`` (service ``StreamerStudio``, one entry
  per name: ``gemini``, ``openai``, ``sync``).
- ``GEMINI_API_KEY`` / ``OPENAI_API_KEY`` in the environment win over the keyring, for
  headless and CI use; they are never copied into the keyring.
- A keyring that cannot keep secrets safely (``keyring.backends.fail``, ``null``, or the
  plain-text file keyrings of ``keyrings.alt``) is not used: keys set in this run are
  kept in memory only, and ``status().message`` says so for the GUI to show.
- Every keyring call runs on a daemon thread and is given up after ``timeout_s``: an
  unlock prompt nobody can see can hang forever (keyring PR #735, twine#1276). After
  a timeout or a keyring error the store stays in memory-only mode for the run.
- No key appears in an exception, a log line or ``repr``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # keyring itself is imported on the first keyring call, not at start-up
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE_NAME = "StreamerStudio"
KNOWN_SECRETS = ("gemini", "openai", "sync")
"""Names of the keys the app keeps (image/chat providers and the sync bucket)."""
ENV_VARS = {"gemini": "GEMINI_API_KEY", "openai": "OPENAI_API_KEY"}
"""Environment variables that override the keyring, per secret name (the provider catalogue's
``env_var`` of each key; store/ may not import providers/, so tests/store/test_secrets.py pins
this copy to the catalogue)."""
DEFAULT_TIMEOUT_S = 5.0
_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


class SecretSource(StrEnum):
    """Where a key came from or went to."""

    ENV = "env"
    KEYRING = "keyring"
    MEMORY = "memory"


class SecretStoreError(Exception):
    """A key could not be read or stored; the message is one line and holds no key."""


@dataclass(frozen=True)
class KeyringStatus:
    """What the GUI shows about key storage.

    Attributes:
        persistent: keys set now survive a restart (a usable OS keyring).
        backend: the keyring backend's name, e.g. "SecretService Keyring".
        message: why keys are memory-only for this run, or None when persistent.
    """

    persistent: bool
    backend: str
    message: str | None = None


def keyring_problem(backend: KeyringBackend) -> str | None:
    """Why ``backend`` must not hold keys, or None when it is a real OS keyring.

    Unusable: ``keyring.backends.fail`` (no keyring), ``keyring.backends.null``
    (disabled), and ``keyrings.alt`` file keyrings (plain text or a console password
    prompt). A ChainerBackend is judged by its members.
    """
    from keyring.backends import fail, null
    from keyring.backends.chainer import ChainerBackend

    module = type(backend).__module__
    name = type(backend).__name__
    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        if not members:
            return "No system keyring was found."
        problems = [p for p in (keyring_problem(m) for m in members) if p]
        return problems[0] if problems else None
    if isinstance(backend, fail.Keyring):
        return ("No system keyring was found (GNOME Keyring/KWallet, macOS Keychain or Windows "
                "Credential Manager).")
    if isinstance(backend, null.Keyring):
        return "The system keyring is turned off (null keyring backend)."
    if module.startswith("keyrings.alt"):
        return (f"The only keyring available ({name}) keeps keys in a plain file, which Streamer Studio "
                "does not use.")
    return None


class SecretStore:
    """Get, set and delete keys by name (``gemini``, ``openai``, ``sync`` or another short name).

    Args:
        service: keyring service name.
        timeout_s: longest wait for one keyring call, in s.
        backend: a keyring backend to use instead of ``keyring.get_keyring()`` (tests).
        environ: where to look for GEMINI_API_KEY / OPENAI_API_KEY (default os.environ).
    """

    def __init__(self, *, service: str = SERVICE_NAME, timeout_s: float = DEFAULT_TIMEOUT_S,
                 backend: KeyringBackend | None = None, environ: Mapping[str, str] | None = None) -> None:
        self.service = service
        self.timeout_s = timeout_s
        self._backend = backend
        self._environ = environ if environ is not None else os.environ
        self._memory: dict[str, str] = {}
        self._memory_reason: str | None = None
        self._checked = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SecretStore(service={self.service!r}, memory_only={self._memory_reason is not None})"

    # -- status -------------------------------------------------------------------------

    def status(self) -> KeyringStatus:
        """Whether keys persist, and the message to show when they do not (checks once)."""
        backend_name = "unknown"
        try:
            backend = self._call(self._get_backend, "checking the keyring")
            backend_name = getattr(backend, "name", type(backend).__name__)
        except _Unavailable:
            pass
        reason = self._memory_reason
        if reason is None:
            return KeyringStatus(True, backend_name)
        return KeyringStatus(False, backend_name, f"{reason} Keys are kept in memory for this run only.")

    @property
    def memory_only(self) -> bool:
        """True when keys set now are lost at exit."""
        return not self.status().persistent

    # -- get/set/delete -----------------------------------------------------------------

    def source(self, name: str) -> SecretSource | None:
        """Where ``get(name)`` would take the key from, or None when there is none."""
        _check_name(name)
        if self._environ.get(ENV_VARS.get(name, ""), "").strip():
            return SecretSource.ENV
        if name in self._memory:
            return SecretSource.MEMORY
        try:
            value = self._call(lambda: self._get_backend().get_password(self.service, name), "reading a key")
        except _Unavailable:
            return None
        return SecretSource.KEYRING if value else None

    def get(self, name: str) -> str | None:
        """The key ``name``: environment first, then this run's memory, then the keyring.

        Returns None when there is none or the keyring cannot be reached (the reason is
        then in ``status().message``).

        Raises:
            SecretStoreError: ``name`` is not a valid secret name.
        """
        _check_name(name)
        env = self._environ.get(ENV_VARS.get(name, ""), "").strip()
        if env:
            return env
        if name in self._memory:
            return self._memory[name]
        try:
            value = self._call(lambda: self._get_backend().get_password(self.service, name), "reading a key")
        except _Unavailable:
            return None
        return value or None

    def set(self, name: str, value: str) -> SecretSource:
        """Store ``value`` (surrounding whitespace removed) under ``name``.

        Returns:
            SecretSource.KEYRING when the OS keyring holds it now, SecretSource.MEMORY
            when it is kept for this run only (see ``status().message``).
        Raises:
            SecretStoreError: empty value or invalid name (nothing is changed).
        """
        _check_name(name)
        value = (value or "").strip()
        if not value:
            raise SecretStoreError(f"The {name} key is empty; nothing was saved.")
        if any(c in value for c in "\r\n\0"):
            raise SecretStoreError(f"The {name} key contains line breaks; paste it again as one line.")
        try:
            self._call(lambda: self._get_backend().set_password(self.service, name, value), "saving a key")
        except _Unavailable:
            self._memory[name] = value
            return SecretSource.MEMORY
        self._memory.pop(name, None)
        return SecretSource.KEYRING

    def delete(self, name: str) -> None:
        """Forget ``name`` in memory and in the keyring (no error when it was not set).

        An environment variable of the same name is not touched.
        """
        _check_name(name)
        self._memory.pop(name, None)

        def remove() -> None:
            import keyring.errors

            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                self._get_backend().delete_password(self.service, name)

        with contextlib.suppress(_Unavailable):
            self._call(remove, "deleting a key")

    # -- keyring access -----------------------------------------------------------------

    def _get_backend(self) -> KeyringBackend:
        import keyring

        backend = self._backend if self._backend is not None else keyring.get_keyring()
        if not self._checked:
            self._checked = True
            problem = keyring_problem(backend)
            if problem:
                self._degrade(problem)
                raise _Unavailable
        return backend

    def _degrade(self, reason: str) -> None:
        with self._lock:
            if self._memory_reason is None:
                self._memory_reason = reason
                log.warning("Key storage: %s Keys are kept in memory for this run only.", reason)

    def _call(self, fn: Callable[[], T], what: str) -> T:
        """Run a keyring call on a daemon thread, giving up after timeout_s."""
        if self._memory_reason is not None:
            raise _Unavailable
        values: list[T] = []  # fn's result, once it returned
        errors: list[BaseException] = []  # what fn raised, handed over below

        def runner() -> None:
            try:
                values.append(fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, re-raised there
                errors.append(exc)

        thread = threading.Thread(target=runner, name="studio-keyring", daemon=True)
        thread.start()
        thread.join(self.timeout_s)
        if thread.is_alive():
            self._degrade(f"The system keyring did not answer within {self.timeout_s:g} s while {what} "
                          "(it may be locked or waiting for a password prompt).")
            raise _Unavailable
        error = errors[0] if errors else None
        if isinstance(error, _Unavailable):
            raise _Unavailable
        if error is not None:
            # The type only: a backend's message could quote what it was given.
            self._degrade(f"The system keyring failed while {what} ({type(error).__name__}).")
            raise _Unavailable
        return values[0]


class _Unavailable(Exception):
    """Internal: the keyring cannot be used (the reason is recorded in the store)."""


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise SecretStoreError(f"{name!r} is not a valid key name (lower-case letters, digits, '_', '-', '.').")
