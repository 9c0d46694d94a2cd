"""`gwctl api7 routes`: design-time routes of services."""

from __future__ import annotations

from typing import Annotated, Any, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DescOpt, DirectionOpt, FromFileOpt, IdsArg, LabelFilterOpt, LimitOpt, OrderByOpt,
    PluginOpt, SearchOpt, SetLabelOpt, YesOpt, DEFAULT_LIMIT, Column, build_body, client, cols, delete_items,
    list_params, parse_labels, plugins_of, product_app, show, show_list, ts,
)

app = product_app("routes", "Routes of design-time services.")

COLUMNS = cols("id", "name", "service_id", Column("methods", lambda r: ",".join(r.get("methods") or []) or "*"),
               "paths", ts("updated-at"), Column("labels", "labels", default=False), Column("desc", "desc", default=False),
               Column("plugins", lambda r: ",".join(r.get("plugins") or {}), default=False),
               Column("websocket", "enable_websocket", default=False))
RouteArg = Annotated[str, typer.Argument(metavar="ROUTE_ID", help="Route ID.")]
FIELDS = ("name", "labels", "desc", "methods", "paths", "plugins", "enable_websocket", "service_id")
MethodOpt = Annotated[Optional[List[str]], typer.Option("--method", "-m", metavar="METHOD", help="HTTP method (repeatable; none = all).")]
PathOpt = Annotated[Optional[List[str]], typer.Option("--path", metavar="/PATH", help="Path after the service's prefix (repeatable).")]
WsOpt = Annotated[Optional[bool], typer.Option("--websocket/--no-websocket", help="Enable WebSocket proxying.")]


def _path(route_id: str | None = None) -> str:
    from gwctl.api.base import seg

    base = client().routes_path
    return base if route_id is None else f"{base}/{seg(route_id)}"


def _fields(name, desc, label, method, path, plugin, websocket, service) -> dict[str, Any]:
    return {"name": name, "desc": desc, "labels": parse_labels(label) or None,
            "methods": [m.upper() for m in method] if method else None, "paths": path or None,
            "plugins": plugins_of(plugin), "enable_websocket": websocket, "service_id": service}


@app.command("list")
def list_(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          service: Annotated[Optional[str], typer.Option("--service", metavar="SERVICE_ID", help="Only routes of this service.")] = None,
          search: SearchOpt = None, label: LabelFilterOpt = None, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List routes (GET /apisix/admin/routes; /api/routes/template on 3.2.14+).

    Example: gwctl api7 routes list --service SERVICE_ID
    """
    show_list(_path(), COLUMNS, list_params(search, label, order_by, direction, service_id=service), limit, all_)


@app.command("get")
def get(route_id: RouteArg) -> None:
    """Show a route (GET /apisix/admin/routes/{id}).

    Example: gwctl api7 routes get ROUTE_ID
    """
    show(client().get(_path(route_id)), COLUMNS)


@app.command("create")
def create(name: Annotated[Optional[str], typer.Argument(metavar="NAME", help="Route name (1..255 chars).")] = None,
           service: Annotated[Optional[str], typer.Option("--service", metavar="SERVICE_ID", help="Owning service (required).")] = None,
           path: PathOpt = None, method: MethodOpt = None, desc: DescOpt = None, label: SetLabelOpt = None,
           plugin: PluginOpt = None, websocket: WsOpt = None, from_file: FromFileOpt = None) -> None:
    """Create a route in a service (POST /apisix/admin/routes).

    Example: gwctl api7 routes create get-ip --service SERVICE_ID --path /ip -m GET
    """
    body = build_body("RouteWrite", from_file, _fields(name, desc, label, method, path, plugin, websocket, service))
    show(client().create(_path(), body), COLUMNS)


@app.command("update")
def update(route_id: RouteArg, name: Annotated[Optional[str], typer.Option("--name", "-n", help="Name (default: keep).")] = None,
           service: Annotated[Optional[str], typer.Option("--service", metavar="SERVICE_ID", help="Move to this service.")] = None,
           path: PathOpt = None, method: MethodOpt = None, desc: DescOpt = None, label: SetLabelOpt = None,
           plugin: PluginOpt = None, websocket: WsOpt = None, from_file: FromFileOpt = None) -> None:
    """Replace a route (PUT /apisix/admin/routes/{id}); with flags only, the current route is the base.

    Example: gwctl api7 routes update ROUTE_ID --path /ip --path /ip/v2
    """
    api = client()
    base: dict[str, Any] = {}
    if from_file is None:
        current = api.get(_path(route_id)) or {}
        base = {k: current[k] for k in FIELDS if current.get(k) not in (None, [])}
    body = build_body("RouteReplace", from_file, _fields(name, desc, label, method, path, plugin, websocket, service), base)
    show(api.replace(_path(route_id), body), COLUMNS)


@app.command("patch")
def patch(route_id: RouteArg, name: Annotated[Optional[str], typer.Option("--name", "-n", help="New name.")] = None,
          path: PathOpt = None, method: MethodOpt = None, desc: DescOpt = None, label: SetLabelOpt = None,
          plugin: PluginOpt = None, websocket: WsOpt = None, from_file: FromFileOpt = None) -> None:
    """Change some fields of a route (PATCH /apisix/admin/routes/{id}).

    Example: gwctl api7 routes patch ROUTE_ID --desc "client IP"
    """
    body = build_body("RoutePatch", from_file, _fields(name, desc, label, method, path, plugin, websocket, None))
    show(client().patch(_path(route_id), body), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete routes (DELETE /apisix/admin/routes/{id}).

    Example: gwctl api7 routes delete ROUTE_ID --yes
    """
    api = client()
    delete_items(ids, "route", yes, concurrency, lambda rid: api.remove(_path(rid)))
