"""--from/--to of the commands that read a time range (metrics, replicas): RFC 3339, an age, or now."""

from __future__ import annotations

import re
import time
from typing import Annotated, Optional

import typer

from gwctl.errors import UsageError

FromOpt = Annotated[Optional[str], typer.Option(
    "--from", metavar="TIME", help="Start of the time range: RFC 3339, or an age like 24h, 7d (default: 24h ago).")]
ToOpt = Annotated[Optional[str], typer.Option(
    "--to", metavar="TIME", help="End of the time range: RFC 3339, an age like 1h, or now (default: now).")]

_AGE = re.compile(r"^(\d+)(s|m|h|d|w)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def time_arg(value: Optional[str], flag: str, default_age: float, now: float | None = None) -> str:
    """RFC 3339 for --from/--to: RFC 3339 as given, an age (24h, 7d) before now, or `now`."""
    now = time.time() if now is None else now
    if value is None:
        return _rfc3339(now - default_age)
    value = value.strip()
    if value == "now":
        return _rfc3339(now)
    match = _AGE.match(value)
    if match:
        return _rfc3339(now - int(match.group(1)) * _UNITS[match.group(2)])
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"invalid {flag} {value!r}: use RFC 3339 (2026-01-31T00:00:00Z), an age like 24h, or now") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return _rfc3339(moment.timestamp())


def time_range(start: Optional[str], end: Optional[str]) -> tuple[str, str]:
    now = time.time()
    first, last = time_arg(start, "--from", 86400, now), time_arg(end, "--to", 0, now)
    if first >= last:
        raise UsageError("--from must be before --to")
    return first, last


def _rfc3339(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
