"""SyncSettings validation, STUDIO_SYNC_* overrides, and credentials from env or keyring (with a
timeout and no plaintext backends)."""

from __future__ import annotations

import threading
import time

import keyring
import pytest

from studio_app.sync import credentials as creds_mod
from studio_app.sync.credentials import (
    Credentials,
    KeyringUnavailableError,
    from_keyring,
    load_credentials,
    save_to_keyring,
)
from studio_app.sync.errors import SyncConfigError
from studio_app.sync.settings import SyncSettings, apply_environment, require_configured
from tests.memory_keyring import MemoryKeyring as SharedMemoryKeyring


class MemoryKeyring(SharedMemoryKeyring):
    priority = 10

    def delete_password(self, service, username):  # deleting a missing credential is not an error here
        self.passwords.pop((service, username), None)


class HangingKeyring(MemoryKeyring):
    release = threading.Event()

    def get_password(self, service, username):
        self.release.wait(30)


class PlaintextKeyring(MemoryKeyring):
    priority = 0.5


@pytest.fixture
def use_keyring():
    previous = keyring.get_keyring()

    def install(backend):
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


def test_settings_validate_with_one_line_messages() -> None:
    s = SyncSettings(endpoint_url="http://127.0.0.1:9000/", bucket="my-bucket", prefix="/team/alex/")
    assert (s.endpoint_url, s.prefix) == ("http://127.0.0.1:9000", "team/alex")
    for bad in ({"bucket": "No_Caps"}, {"endpoint_url": "ftp://x"}, {"endpoint_url": "http://user:pw@host"},
                {"prefix": "../up"}, {"part_size_bytes": 1024}, {"region": "US EAST"}):
        with pytest.raises(ValueError):
            SyncSettings(**bad)


def test_environment_overrides_saved_settings() -> None:
    saved = SyncSettings(bucket="saved-bucket", prefix="saved")
    env = {"STUDIO_SYNC_ENDPOINT": "http://127.0.0.1:5000", "STUDIO_SYNC_BUCKET": "env-bucket",
           "STUDIO_SYNC_PREFIX": "env/prefix", "STUDIO_SYNC_REGION": "eu-west-1"}
    s = apply_environment(saved, env)
    assert (s.endpoint_url, s.bucket, s.prefix, s.region) == ("http://127.0.0.1:5000", "env-bucket", "env/prefix",
                                                              "eu-west-1")
    assert apply_environment(saved, {}) == saved


def test_a_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(SyncConfigError, match="STUDIO_SYNC_BUCKET") as err:
        apply_environment(SyncSettings(), {"STUDIO_SYNC_BUCKET": "Bad Bucket!"})
    assert "\n" not in str(err.value)
    with pytest.raises(SyncConfigError, match="not set up"):
        require_configured(SyncSettings())


def test_environment_credentials_win_and_hide_the_secret() -> None:
    c = load_credentials({"AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "s3cr3t"})
    assert (c.access_key_id, c.source) == ("AKIA1", "environment")
    assert "s3cr3t" not in repr(c)


def test_keyring_round_trip(use_keyring) -> None:
    kr = use_keyring(MemoryKeyring())
    save_to_keyring(Credentials("AKIA2", "secret2"))
    assert ("StreamerStudio/sync", "access_key_id") in kr.passwords
    c = load_credentials({})
    assert (c.access_key_id, c.secret_access_key, c.source) == ("AKIA2", "secret2", "keyring")


def test_no_credentials_anywhere_is_a_clear_error(use_keyring) -> None:
    use_keyring(MemoryKeyring())
    with pytest.raises(SyncConfigError, match="AWS_ACCESS_KEY_ID"):
        load_credentials({})


def test_a_hanging_keyring_times_out(use_keyring) -> None:
    use_keyring(HangingKeyring())
    t0 = time.monotonic()
    with pytest.raises(KeyringUnavailableError, match="did not answer"):
        from_keyring(timeout=0.5)
    assert time.monotonic() - t0 < 5
    HangingKeyring.release.set()


def test_plaintext_and_fail_backends_are_refused(use_keyring) -> None:
    from keyring.backends import fail

    use_keyring(PlaintextKeyring())
    with pytest.raises(KeyringUnavailableError, match="no secure OS keyring"):
        from_keyring()
    use_keyring(fail.Keyring())
    with pytest.raises(SyncConfigError, match="no bucket credentials"):
        load_credentials({})
    assert creds_mod.KEYRING_SERVICE == "StreamerStudio/sync"
