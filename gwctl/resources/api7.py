"""API7 Enterprise resources (Admin API 3.2.x): API facts and presentation, declared once."""

from __future__ import annotations

import time
from typing import Any

from gwctl.columns import Column, cols
from gwctl.resources import Field, Filter, Resource

HOOKS = "gwctl.cli.api7.resource_hooks"
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
    return Column(name, key or name.replace("-", "_"), fmt=fmt_time, default=default)


def methods(value: list[str]) -> list[str]:
    return [m.upper() for m in value]


_CU = ("created_at", "updated_at")
SEARCH = Filter("search", "--search", "Only items matching TEXT.", metavar="TEXT", short="-s")
LABELS = Filter("labels", "--label", "Only items with this label.", kind="labels", short="-l")
DIRECTION = Filter("direction", "--direction", "Sort direction (the API's default is desc).", choices=("asc", "desc"))


def order_by(*choices: str) -> Filter:
    return Filter("order_by", "--order-by", "Sort field.", choices=choices, metavar="FIELD")


NAME = Field("name", "--name", "Name.", short="-n")
DESC = Field("desc", "--desc", "Description.")
SET_LABELS = Field("labels", "--label", "Label to set.", kind="labels", short="-l")
PLUGINS = Field("plugins", "--plugin", "Plugin and its JSON config, e.g. cors or 'limit-count={\"count\":10}'.",
                kind="plugins")

ROUTES = Resource(
    "api7", "routes", "route", "/apisix/admin/routes",
    variants={"3.2.14": "/api/routes/template"},
    paging="page", envelope="list", search_param="search",
    update="put", models={"create": f"{MODELS}:RouteWrite", "update": f"{MODELS}:RouteReplace",
                          "patch": f"{MODELS}:RoutePatch"},
    managed=TIME_FIELDS, refs={"service_id": "services"}, parent="services",
    help="Routes of design-time services.",
    columns=cols("id", "name", "service_id", Column("methods", lambda r: ",".join(r.get("methods") or []) or "*"),
                 "paths", ts("updated-at"), Column("labels", "labels", default=False),
                 Column("desc", "desc", default=False),
                 Column("plugins", lambda r: ",".join(r.get("plugins") or {}), default=False),
                 Column("websocket", "enable_websocket", default=False)),
    fields=(Field("name", "--name", "Route name (1..255 chars).", short="-n", argument=True),
            Field("service_id", "--service", "Owning service (name or ID; required on create).", kind="ref",
                  ref="services", on=("create", "update")),
            Field("paths", "--path", "Path after the service's prefix.", kind="list", metavar="/PATH"),
            Field("methods", "--method", "HTTP method (none = all).", kind="list", short="-m", metavar="METHOD",
                  transform=methods),
            DESC, SET_LABELS, PLUGINS,
            Field("enable_websocket", "--websocket", "Enable WebSocket proxying.", kind="bool")),
    filters=(Filter("service_id", "--service", "Only routes of this service (name or ID).", metavar="NAME|ID",
                    ref="services"),
             SEARCH, LABELS, order_by(*_CU), DIRECTION),
    examples={"list": "api7 routes list --service {service_id}", "get": "api7 routes get {route_id}",
              "create": "api7 routes create get-ip --service {service_id} --path /ip -m GET",
              "update": "api7 routes update {route_id} --path /ip --path /ip/v2",
              "patch": "api7 routes patch {route_id} --desc 'client IP'",
              "delete": "api7 routes delete {route_id} --yes"},
    hooks=HOOKS,
)

SERVICES = Resource(
    "api7", "services", "service", "/apisix/admin/services",
    variants={"3.2.14": "/api/services/template"},
    paging="page", envelope="list", search_param="search", verbs=(),
    managed=TIME_FIELDS, help="Services (design time).", hooks=HOOKS,
)

RESOURCES = (ROUTES, SERVICES)
