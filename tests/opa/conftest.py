"""Fixtures for the OPA end-to-end tests: the emulator on loopback with a fake clock."""

from __future__ import annotations

import pytest


@pytest.fixture
def opa(sandbox, clock):
    """The OPA sandbox: profile `sandbox-opa` (team "sandbox"), admin key in GWCTL_OPA_KEY_*."""
    return sandbox("opa", clock=clock)


@pytest.fixture
def client_clock(monkeypatch, clock):
    """Make gwctl's HTTP client (token refresh decisions) use the emulator's fake clock too."""
    from gwctl.cli.context import AppContext

    original = AppContext.client_config

    def client_config(self, profile, **overrides):
        overrides.setdefault("clock", clock)
        return original(self, profile, **overrides)

    monkeypatch.setattr(AppContext, "client_config", client_config)
    return clock


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    """gwctl asks for pages of 2 (the emulator's default), so the paging tests page for real;
    test_opa_resources.py checks the page size gwctl really sends."""
    monkeypatch.setattr("gwctl.api.opa.client.PAGE_SIZE", 2)
