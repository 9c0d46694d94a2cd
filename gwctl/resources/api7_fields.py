"""Declaration pieces every API7 resource module shares: time columns, list filters, common
fields, ID shape, value parsers of API7 flags."""

from __future__ import annotations

import time
from typing import Any

from gwctl.columns import Column
from gwctl.errors import UsageError
from gwctl.resources import Field, Filter
from gwctl.resources.values import stdin_or

MODELS = "gwctl.api.api7.models"
TIME_FIELDS = ("id", "created_at", "updated_at")


def fmt_time(value: Any) -> str:
    """Unix seconds (or milliseconds) as UTC; 0 is never."""
    if value in (None, "", 0):
        return "" if value != 0 else "never"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number > 1e12:  # milliseconds
        number /= 1000
    try:
        if number < 0:
            raise ValueError("before 1970")
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(number))
    except (OverflowError, OSError, ValueError):  # NaN, negative or out of range: as the server sent it
        return str(value)


def ts(name: str, key: str | None = None, default: bool = True) -> Column:
    return Column(name, key or name.replace("-", "_"), default=default, kind="timestamp")


def methods(value: list[str]) -> list[str]:
    return [m.upper() for m in value]


_CU = ("created_at", "updated_at")
SEARCH = Filter("search", "--search", "Only items matching TEXT.", metavar="TEXT", short="-s")
LABELS = Filter("labels", "--label", "Only items with this label.", kind="labels", short="-l")
DIRECTION = Filter("direction", "--direction", "Sort direction (the API's default is desc).", choices=("asc", "desc"))


def order_by(*choices: str) -> Filter:
    return Filter("order_by", "--order-by", "Sort field.", choices=choices, metavar="FIELD")


UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
GG = ("gateway_group",)  # scope: the profile's gateway group, or --gateway-group (see resource_hooks)

# Gateway-group-scoped resources under /apisix/admin take the group as the query parameter
# gateway_group_id (the vendor spec): client call -> True (required) or False (sent when one is
# selected). Calls not listed send none. Paths under /api/gateway_groups/{gateway_group} carry it
# in the path instead.
GATEWAY_GROUP_QUERY: dict[str, dict[str, bool]] = {
    "consumers": {"list": True, "create": True, "replace": False},
    "ssls": {"list": True, "create": True, "replace": False},
    "global-rules": {"list": True, "read": True, "create": True, "replace": True, "delete": True},
    "plugin-metadata": {"read": True, "replace": True, "delete": True},
    "secrets": {"list": True, "read": False, "replace": True, "delete": True},
}

NAME = Field("name", "--name", "Name.", short="-n")
DESC = Field("desc", "--description", "Description.", short="-d", aliases=("--desc",))
SET_LABELS = Field("labels", "--label", "Label to set.", kind="labels", short="-l")
PLUGINS = Field("plugins", "--plugin", "Plugin and its JSON config, e.g. cors or 'limit-count={\"count\":10}'.",
                kind="plugins")


def nodes_text(upstream: Any) -> str:
    nodes = (upstream or {}).get("nodes") or [] if isinstance(upstream, dict) else []
    return ",".join(f"{n.get('host')}:{n.get('port')}" for n in nodes if isinstance(n, dict))


def parse_nodes(values: list[str], flag: str = "--upstream-node") -> list[dict]:
    """HOST:PORT[:WEIGHT] (weight 100) -> upstream nodes."""
    nodes = []
    for raw in values:
        parts = raw.rsplit(":", 2) if raw.count(":") >= 2 else raw.rsplit(":", 1)
        try:
            host, port = parts[0], int(parts[1])
            weight = int(parts[2]) if len(parts) > 2 else 100
        except (IndexError, ValueError):
            raise UsageError(f"invalid {flag} {raw!r}: expected HOST:PORT[:WEIGHT]") from None
        nodes.append({"host": host, "port": port, "weight": weight})
    return nodes


def key_auth(raw: str) -> dict[str, str]:
    return {"key": stdin_or("--key-auth")(raw)}


def basic_auth(raw: str) -> dict[str, str]:
    user, sep, password = stdin_or("--basic-auth")(raw).partition(":")
    if not sep or not user or not password:
        raise UsageError("invalid --basic-auth: expected USER:PASSWORD")
    return {"username": user, "password": password}


def k8s_api(url: str) -> dict[str, Any]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return {"service": {"schema": parts.scheme or "https", "host": parts.hostname or "",
                        "port": str(parts.port or (443 if parts.scheme == "https" else 80))}}


def split_secret(value: str) -> tuple[str, str]:
    """A secret's ID: vault/NAME (or NAME; vault is the only manager the API supports)."""
    manager, sep, sid = value.partition("/")
    if not sep:
        manager, sid = "vault", value
    if manager != "vault" or not sid or "/" in sid:
        raise UsageError(f"invalid secret {value!r}: expected vault/NAME (only vault is supported)")
    return manager, sid


def _plugin_names(item: dict) -> str:
    return ",".join(item.get("plugins") or {})


AUTH_PLUGINS = ("key-auth", "basic-auth", "jwt-auth", "hmac-auth", "openid-connect", "ldap-auth")
