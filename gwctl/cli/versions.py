"""Which server versions have an operation: the recorded ranges (``since``/``until``/``source`` on a
catalogue row or a resource declaration) and the one check before calling an operation."""

from __future__ import annotations

import re
from typing import Any

# The API7 operations of the vendor's admin API specs (3.2.9 to 3.2.14 publish the same document).


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


def refusal(method: str, path: str, server: str, versions: dict[str, Any]) -> str | None:
    """The usage error for calling an operation the server's version does not have, or None."""
    if in_range(server, versions):
        return None
    source = f" ({versions['source']})" if versions.get("source") else ""
    if versions.get("since") and version_key(server) < version_key(versions["since"]):  # type: ignore[operator]
        return (f"{method} {path} is not in API7 Enterprise {server}: it was introduced in {versions['since']}"
                f"{source}")
    return f"{method} {path} is not in API7 Enterprise {server}: it was removed in {versions['until']}{source}"


def needs_check(versions: dict[str, Any] | None) -> bool:
    """Whether a range excludes a version gwctl supports, so the server must be asked. A server that
    does not say its version is taken for 3.2.11, so ranges from 3.2.11 or earlier are not checked."""
    if not versions:
        return False
    return bool(versions.get("until")) or (version_key(versions.get("since") or "") or ()) > (3, 2, 11, 999)


def require(client: Any, method: str, path: str, versions: dict[str, Any] | None) -> None:
    """Exit 2 before calling an operation the server's version does not have (asks the server its
    version only when the operation's range needs it)."""
    if not needs_check(versions):
        return
    server = client.version()
    message = refusal(method, path, server.split(" ")[0], versions or {})
    if message:
        from gwctl.errors import UsageError

        raise UsageError(message, hint="see `gwctl api7 operations --server-version VERSION`")
