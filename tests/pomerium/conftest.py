from __future__ import annotations

import pytest

T0 = 1_790_000_000.0  # 2026-09-21T14:13:20Z


@pytest.fixture
def pclock(clock):
    """The Pomerium emulator's clock, at a fixed epoch."""
    clock.now = T0
    return clock


@pytest.fixture
def pom(sandbox, pclock):
    """The Pomerium Zero emulator on 127.0.0.1 with profile sandbox-pomerium (org orgAcme,
    cluster clProd) and the admin API user's refresh token in GWCTL_POMERIUM_TOKEN."""
    return sandbox("pomerium", clock=pclock)

