"""What the configuration-as-code tests share."""

from __future__ import annotations

from typing import Any

WRITES = ("POST", "PUT", "PATCH", "DELETE")
LOGINS = ("/service_token", "/token", "/identity/token")  # credential exchanges, not configuration writes


def writes(emulator: Any) -> list[str]:
    """The configuration writes an emulator received (method and path)."""
    return [f"{r.method} {r.path}" for r in emulator.requests
            if r.method in WRITES and not any(r.path.endswith(p) for p in LOGINS)]


def placeholders(err: str) -> dict[str, str]:
    """The placeholder variables a dump listed on stderr."""
    return {line.split()[0]: line for line in err.splitlines() if line.startswith("  ")}
