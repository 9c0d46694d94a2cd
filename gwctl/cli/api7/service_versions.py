"""`gwctl api7 service-versions`: published snapshots of services and their routes."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt, OrderByOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import client, list_params, show, show_list
from gwctl.resources.api7_fields import ts

app = product_app("service-versions", "Service versions (snapshots made by publishing) and their route versions.")

COLUMNS = cols("id", "service_id", "version", "name", "hosts", "path_prefix", Column("publish_time", "publish_time", kind="timestamp"))
ROUTE_COLUMNS = cols("id", "route_id", "name", Column("methods", lambda r: ",".join(r.get("methods") or []) or "*"),
                     "paths", ts("updated-at", default=False))
VersionArg = Annotated[str, typer.Argument(metavar="SERVICE_VERSION_ID", help="Service version ID.")]


def _path(*rest: str) -> str:
    from gwctl.api.api7.client import paths
    from gwctl.api.base import seg

    return "/".join([paths.service_versions, *(seg(r) for r in rest)])


@app.command("get")
def get(version_id: VersionArg) -> None:
    """Show a service version (GET /api/service_versions/{id}).

    Example: gwctl api7 service-versions get SERVICE_VERSION_ID
    """
    show(client().get(_path(version_id)), COLUMNS)


@app.command("routes")
def routes(version_id: VersionArg, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, order_by: OrderByOpt = None,
           direction: DirectionOpt = None) -> None:
    """List the route versions of a service version (GET /api/service_versions/{id}/routes).

    Example: gwctl api7 service-versions routes SERVICE_VERSION_ID
    """
    show_list(_path(version_id, "routes"), ROUTE_COLUMNS, list_params(None, None, order_by, direction), limit, all_)


@app.command("route")
def route(version_id: VersionArg,
          route_version_id: Annotated[str, typer.Argument(metavar="ROUTE_VERSION_ID", help="Route version ID.")]) -> None:
    """Show one route version of a service version (GET /api/service_versions/{id}/routes/{route_version_id}).

    Example: gwctl api7 service-versions route SERVICE_VERSION_ID ROUTE_VERSION_ID
    """
    show(client().get(_path(version_id, "routes", route_version_id)), ROUTE_COLUMNS)
