"""Fixtures for sync tests: one real moto S3 server process per session, a fresh bucket per test,
and "devices": separate data dirs standing for separate machines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .devices import Device
from .fault_proxy import FaultProxy
from .moto_server import MotoServer, start_moto


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """``python -m moto.server`` on a free loopback port for the whole session."""
    server = start_moto()
    yield server
    server.stop()


@pytest.fixture
def bucket(moto_server: MotoServer) -> str:
    """A fresh, empty bucket."""
    return moto_server.new_bucket()


@pytest.fixture
def proxy(moto_server: MotoServer) -> Iterator[FaultProxy]:
    """A fault-injecting proxy in front of the moto server."""
    p = FaultProxy(moto_server.endpoint)
    yield p
    p.close()


@pytest.fixture
def make_device(tmp_path: Path, moto_server: MotoServer, bucket: str) -> Iterator[Any]:
    """``make_device("A", endpoint=None, **settings)`` -> Device on the test's bucket."""
    made: list[Device] = []

    def factory(name: str, endpoint: str | None = None, **settings: Any) -> Device:
        d = Device(tmp_path, name, endpoint or moto_server.endpoint, bucket, **settings)
        made.append(d)
        return d

    yield factory
    for d in made:
        d.close()


