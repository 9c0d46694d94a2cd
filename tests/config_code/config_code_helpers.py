"""What the configuration-as-code tests share."""

from __future__ import annotations

from typing import Any

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def writes(emulator: Any) -> list[str]:
    """The write requests an emulator received (method and path)."""
    return [f"{r.method} {r.path}" for r in emulator.requests if r.method in WRITES]


def placeholders(err: str) -> dict[str, str]:
    """The placeholder variables a dump listed on stderr."""
    return {line.split()[0]: line for line in err.splitlines() if line.startswith("  ")}
