"""SecretStore over keyring: real in-memory backend, null/fail/plaintext backends, hangs, env."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from studio_app.store.secrets import SecretSource, SecretStore, SecretStoreError, keyring_problem
from tests.memory_keyring import HangingKeyring, MemoryKeyring

KEY = "AIzaSy-test-secret-key-0123456789"



class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked(f"locked while reading {service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked(f"could not store {password}")


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring (not installed here)."""


PlaintextKeyring.__module__ = "keyrings.alt.file"


@pytest.fixture
def global_keyring():
    """Install a MemoryKeyring as keyring's global backend; restore afterwards."""
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_real_backend_round_trip_through_the_global_keyring(global_keyring):
    store = SecretStore(environ={})
    assert store.status().persistent and store.status().message is None
    assert store.get("gemini") is None and store.source("gemini") is None
    assert store.set("gemini", f"  {KEY}\n".rstrip("\n")) is SecretSource.KEYRING
    assert global_keyring.passwords[("StreamerStudio", "gemini")] == KEY  # stripped
    assert SecretStore(environ={}).get("gemini") == KEY  # a new run finds it
    assert store.source("gemini") is SecretSource.KEYRING
    store.delete("gemini")
    store.delete("gemini")  # deleting twice is fine
    assert store.get("gemini") is None and global_keyring.passwords == {}


@pytest.mark.parametrize("backend", [keyring.backends.null.Keyring(), keyring.backends.fail.Keyring(),
                                     PlaintextKeyring()])
def test_unsafe_backends_keep_keys_in_memory_and_say_so(backend, data_dir):
    store = SecretStore(backend=backend, environ={})
    status = store.status()
    assert not status.persistent and "memory for this run only" in status.message
    assert store.set("openai", KEY) is SecretSource.MEMORY
    assert store.get("openai") == KEY and store.source("openai") is SecretSource.MEMORY
    assert store.memory_only
    if isinstance(backend, PlaintextKeyring):
        assert backend.passwords == {}  # never handed to the plain-text keyring
        assert "plain file" in status.message
    assert not any(KEY.encode() in p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert SecretStore(backend=backend, environ={}).get("openai") is None  # gone next run


class Chain(ChainerBackend):
    """A chainer over given members (the real one collects every installed backend)."""

    def __init__(self, members: list[KeyringBackend]) -> None:
        self._members = members

    @property
    def backends(self) -> list[KeyringBackend]:
        return self._members


def test_chainer_is_judged_by_its_members():
    assert keyring_problem(Chain([MemoryKeyring()])) is None
    assert "plain file" in keyring_problem(Chain([MemoryKeyring(), PlaintextKeyring()]))
    assert keyring_problem(Chain([])) == "No system keyring was found."


@pytest.mark.timeout(20)
def test_hanging_keyring_times_out_and_falls_back_to_memory():
    backend = HangingKeyring()
    store = SecretStore(backend=backend, environ={}, timeout_s=0.2)
    try:
        assert store.get("gemini") is None
        status = store.status()
        assert not status.persistent and "did not answer within 0.2 s" in status.message
        assert store.set("gemini", KEY) is SecretSource.MEMORY  # no second wait: memory mode is sticky
        assert store.get("gemini") == KEY
    finally:
        backend.release.set()


def test_locked_keyring_error_does_not_leak_the_key(caplog):
    store = SecretStore(backend=LockedKeyring(), environ={})
    assert store.set("sync", KEY) is SecretSource.MEMORY
    assert "KeyringLocked" in store.status().message
    assert KEY not in store.status().message and KEY not in caplog.text and KEY not in repr(store)


def test_environment_overrides_keyring(global_keyring):
    store = SecretStore(environ={"GEMINI_API_KEY": " env-key-123 ", "OPENAI_API_KEY": ""})
    store.set("gemini", KEY)
    assert store.get("gemini") == "env-key-123" and store.source("gemini") is SecretSource.ENV
    assert global_keyring.passwords[("StreamerStudio", "gemini")] == KEY  # env never copied in, keyring kept
    assert store.get("openai") is None  # an empty variable does not count


def test_bad_input_is_refused_and_changes_nothing(global_keyring):
    store = SecretStore(environ={})
    store.set("openai", KEY)
    for bad in ("", "   ", "two\nlines"):
        with pytest.raises(SecretStoreError) as info:
            store.set("openai", bad)
        assert "\n" not in str(info.value)
    with pytest.raises(SecretStoreError, match="not a valid key name"):
        store.get("../etc/passwd")
    assert store.get("openai") == KEY


def test_env_vars_name_the_catalogues_key_variables() -> None:
    """store/ may not import providers/: its copy of the key variables is pinned to the catalogue."""
    from studio_app.providers.catalogue import CHAT_PROVIDERS, IMAGE_PROVIDERS
    from studio_app.store.secrets import ENV_VARS

    catalogue = {spec.key_name: spec.env_var for spec in (*IMAGE_PROVIDERS.values(), *CHAT_PROVIDERS.values())
                 if spec.key_name and spec.env_var}
    assert catalogue == ENV_VARS
