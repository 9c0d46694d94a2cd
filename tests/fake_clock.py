"""The one fake clock of the test suite: time moves only when a test says so."""

from __future__ import annotations

import time


class FakeClock:
    """Starts at ``start`` (default: the real time now, so expiries gwctl caches look sane) and moves
    only by advance()."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
