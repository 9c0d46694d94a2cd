"""Which server versions have an operation: the recorded ranges (``since``/``until``/``source`` on a
catalogue row or a resource declaration) and the one check before calling an operation.

Only API7 records ranges so far, so the wording names API7 Enterprise. Imports nothing heavy:
help text is built from it.
"""

from __future__ import annotations

import re
from typing import Any

PRODUCT_NAME = "API7 Enterprise"
# A server that does not say its version is taken for 3.2.11 (the client's fallback), so ranges
# starting at 3.2.11 or earlier need no question to the server.
OLDEST_ASSUMED = (3, 2, 11, 999)
# `gwctl sandbox start --api7-version`: the emulator releases, oldest first.
SANDBOX_VERSIONS = ("3.2.11", "3.2.13", "3.2.14", "3.9")


def version_key(version: str) -> tuple[int, ...] | None:
    """(3, 2, 11, 5) for "3.2.11.5" or "v3.2.11"; None when not a version (a dev build)."""
    match = re.match(r"v?(\d+(?:\.\d+)*)", str(version or "").strip())
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


def in_range(version: str, versions: dict[str, Any] | None) -> bool:
    """Whether ``version`` has an operation recorded with ``versions`` (no record, or a dev build: yes).
    A bound given as 3.8 covers every 3.8.x."""
    key = version_key(version)
    if not versions or key is None:
        return True
    since, until = version_key(versions.get("since") or ""), version_key(versions.get("until") or "")
    if since and key[:len(since)] < since:
        return False
    return not (until and key[:len(until)] >= until)


def refusal(what: str, server: str, versions: dict[str, Any]) -> str | None:
    """The usage error for calling ``what`` (e.g. "GET /api/plugins/catalogs") on a server whose
    version does not have it, naming the version that introduced or removed it; or None."""
    if in_range(server, versions):
        return None
    source = f" ({versions['source']})" if versions.get("source") else ""
    since = version_key(versions.get("since") or "")
    if since and (version_key(server) or ())[:len(since)] < since:
        return f"{what} is not in {PRODUCT_NAME} {server}: it was introduced in {versions['since']}{source}"
    return f"{what} is not in {PRODUCT_NAME} {server}: it was removed in {versions['until']}{source}"


def needs_check(versions: dict[str, Any] | None) -> bool:
    """Whether a range excludes a version gwctl supports, so the server must be asked."""
    if not versions:
        return False
    return bool(versions.get("until")) or (version_key(versions.get("since") or "") or ()) > OLDEST_ASSUMED


def sandbox_version(versions: dict[str, Any] | None) -> str | None:
    """The oldest `--api7-version` of the sandbox that has an operation recorded with ``versions``."""
    return next((v for v in SANDBOX_VERSIONS if in_range(v + ".999", versions)), None)


def needs_note(versions: dict[str, Any] | None) -> str | None:
    """The help sentence of a command whose operation not every supported server version has."""
    if not needs_check(versions):
        return None
    versions = versions or {}
    since, until = versions.get("since"), versions.get("until")
    if since and until:
        needs = f"Needs {PRODUCT_NAME} {since} or later, before {until}"
    elif until:
        needs = f"Needs {PRODUCT_NAME} before {until}"
    else:
        needs = f"Needs {PRODUCT_NAME} {since} or later"
    sandbox = sandbox_version(versions)
    if sandbox and sandbox != SANDBOX_VERSIONS[0]:
        return f"{needs}; the sandbox has it when started with `gwctl sandbox start --api7-version {sandbox}`."
    return f"{needs}."


def require(client: Any, what: str, versions: dict[str, Any] | None) -> None:
    """Exit 2 before calling ``what`` when the server's version does not have it (asks the server
    its version only when the range needs it)."""
    if not needs_check(versions):
        return
    message = refusal(what, client.version().split(" ")[0], versions or {})
    if message and getattr(client, "version_cached", False):
        # The version is cached for a day: after an upgrade, ask again before refusing.
        message = refusal(what, client.refresh_version().split(" ")[0], versions or {})
    if message:
        from gwctl.errors import UsageError

        raise UsageError(message, hint="see `gwctl api7 operations --server-version VERSION`")
