"""In-memory KeyringBackends for tests and screenshots: real backends, no OS keyring touched."""

from __future__ import annotations

import threading

import keyring.errors
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """Keeps passwords in a dict keyed by (service, username)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.passwords:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.passwords[(service, username)]


class HangingKeyring(MemoryKeyring):
    """Blocks like a keyring waiting on an unlock prompt nobody sees."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)  # s; set ``release`` to let it go
        return None

    set_password = get_password  # type: ignore[assignment]  # same blocking body for writes
