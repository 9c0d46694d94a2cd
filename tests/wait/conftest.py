"""Fixtures for `wait`: one fake clock shared by the emulator and gwctl's poll loop."""

from __future__ import annotations

import pytest


@pytest.fixture
def fake_time(monkeypatch, clock, sleeps):
    """gwctl's wait loop reads ``clock`` and its sleeps advance it (and are recorded in ``sleeps``)."""
    import gwctl.cli.context as context
    import gwctl.cli.waiting as waiting

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    monkeypatch.setattr(waiting, "monotonic", clock)
    monkeypatch.setattr(context, "sleep", sleep)
    return clock
