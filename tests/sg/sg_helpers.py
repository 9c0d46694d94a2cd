"""Seeded IDs of the Secure Gateway emulator and a movable clock, shared by the sg tests."""

from __future__ import annotations

import time

PROD = "qCTv6Onseiy_prod_us-south"
STAGING = "ZgNBtYKCG66_prod_us-south"
ORDERS = "qCTv6Onseiy_qVuvq"
BILLING = "qCTv6Onseiy_H7kx2"
FTP = "qCTv6Onseiy_Lg4cY"
CACHE = "ZgNBtYKCG66_Pq3zT"


class Clock:
    """The emulator's clock: real time plus an offset the test moves (gwctl's caches use real time)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds
