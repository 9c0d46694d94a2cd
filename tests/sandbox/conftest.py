from __future__ import annotations

import pytest
from sandbox_helpers import START, wsgi_client

from gwctl.sandbox.gatekeeper import GatekeeperEmulator


@pytest.fixture
def clock(clock):
    """The suite's fake clock at this folder's fixed epoch."""
    clock.now = START
    return clock


@pytest.fixture
def sleeps() -> list[float]:
    """Records the delays an emulator was asked to sleep, instead of sleeping."""
    return []


@pytest.fixture
def gk(clock, sleeps) -> GatekeeperEmulator:
    return GatekeeperEmulator(clock=clock, sleep=sleeps.append)


@pytest.fixture
def client(gk):
    with wsgi_client(gk, "http://gatekeeper.test:9201") as c:
        yield c
