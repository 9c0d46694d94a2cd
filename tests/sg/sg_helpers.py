"""Seeded IDs of the Secure Gateway emulator and a movable clock, shared by the sg tests."""

from __future__ import annotations

from fake_clock import FakeClock

PROD = "qCTv6Onseiy_prod_us-south"
STAGING = "ZgNBtYKCG66_prod_us-south"
ORDERS = "qCTv6Onseiy_qVuvq"
BILLING = "qCTv6Onseiy_H7kx2"
FTP = "qCTv6Onseiy_Lg4cY"
CACHE = "ZgNBtYKCG66_Pq3zT"

# The emulator's clock in sg tests: the suite's one fake clock.
Clock = FakeClock
