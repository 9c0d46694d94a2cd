"""Fixtures for the Secure Gateway tests: a sandbox on a controllable clock."""

from __future__ import annotations

import pytest

@pytest.fixture
def sg(sandbox, clock):
    """The sandbox-sg profile (default) on a fresh emulator; returns the handle."""
    return sandbox("sg", clock=clock)
