"""`gwctl api7 services`: design-time services (templates), publishing and where they run."""

from __future__ import annotations

from typing import Annotated, Any, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DescOpt, DirectionOpt, DryRunOpt, FromFileOpt, GatewayGroupOpt, IdsArg, LabelFilterOpt,
    LimitOpt, OrderByOpt, PluginOpt, SearchOpt, SetLabelOpt, YesOpt, DEFAULT_LIMIT, Column, build_body, client, cols,
    delete_items, gg_id, list_params, parse_labels, plugins_of, product_app, show, show_list, ts,
)
from gwctl.cli.context import get_app
from gwctl.errors import RejectedError, UsageError

app = product_app("services", "Services (design-time templates): create, edit, publish to gateway groups.")


def _nodes(upstream: Any) -> str:
    nodes = (upstream or {}).get("nodes") or []
    return ",".join(f"{n.get('host')}:{n.get('port')}" for n in nodes if isinstance(n, dict))


COLUMNS = cols("id", "name", "hosts", "path_prefix", Column("upstream", lambda s: _nodes(s.get("upstream"))),
               Column("published", "published_gateway_groups_count", header="PUBLISHED_IN"), ts("updated-at"),
               Column("labels", "labels", default=False), Column("desc", "desc", default=False),
               ts("last-published", default=False), ts("created-at", default=False))
PUBLISHED_COLUMNS = cols("gateway_group_name", "gateway_group_id", "service_id", "version", "service_version_id",
                         "status", Column("upstream", lambda s: _nodes(s.get("upstream"))))
USER_COLUMNS = cols("id", "username", Column("roles", lambda u: ",".join(r.get("name", "") for r in u.get("roles") or [])))
VERSION_COLUMNS = cols("id", "service_id", "version", "name", "hosts", "path_prefix", "publish_time")
ServiceArg = Annotated[str, typer.Argument(metavar="SERVICE_ID", help="Service ID.")]
PUBLISH_FIELDS = ("name", "labels", "desc", "hosts", "path_prefix", "strip_path_prefix", "plugins", "upstream")


def _path(service_id: str | None = None) -> str:
    from gwctl.api.base import seg

    base = client().services_path
    return base if service_id is None else f"{base}/{seg(service_id)}"


def parse_nodes(values: Optional[List[str]], flag: str = "--upstream-node") -> list[dict] | None:
    if not values:
        return None
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


def _fields(name, desc, label, host, path_prefix, strip, node, scheme, plugin) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": name, "desc": desc, "labels": parse_labels(label) or None, "hosts": host or None,
                              "path_prefix": path_prefix, "strip_path_prefix": strip, "plugins": plugins_of(plugin)}
    nodes = parse_nodes(node)
    if nodes or scheme:
        fields["upstream"] = {**({"nodes": nodes} if nodes else {}), **({"scheme": scheme} if scheme else {})}
    return fields


HostOpt = Annotated[Optional[List[str]], typer.Option("--host", metavar="HOST", help="Host the service answers (repeatable).")]
PrefixOpt = Annotated[Optional[str], typer.Option("--path-prefix", metavar="/PREFIX", help="Path prefix, starting with /.")]
StripOpt = Annotated[Optional[bool], typer.Option("--strip-path-prefix/--keep-path-prefix", help="Strip the prefix before proxying (API default: strip).")]
NodeOpt = Annotated[Optional[List[str]], typer.Option("--upstream-node", metavar="HOST:PORT[:WEIGHT]", help="Upstream node (repeatable; weight 100).")]
SchemeOpt = Annotated[Optional[str], typer.Option("--scheme", metavar="http|https|grpc|grpcs", help="Upstream scheme.")]


@app.command("list")
def list_(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None, label: LabelFilterOpt = None,
          order_by: OrderByOpt = None, direction: DirectionOpt = None,
          published_in: Annotated[Optional[str], typer.Option("--published-in", metavar="NAME|ID", help="Only services published in this gateway group.")] = None) -> None:
    """List services (GET /apisix/admin/services; /api/services/template on 3.2.14+).

    Example: gwctl api7 services list --search httpbin --order-by created_at
    """
    api = client()
    gg = api.resolve_gateway_group(published_in) if published_in else None
    extra = {"gateway_group_id": gg} if gg and api.family == "3.2.11" else {}
    show_list(_path(), COLUMNS, list_params(search, label, order_by, direction, **extra), limit, all_)


@app.command("get")
def get(service_id: ServiceArg) -> None:
    """Show a service (GET /apisix/admin/services/{id}).

    Example: gwctl api7 services get SERVICE_ID -o json
    """
    show(client().get(_path(service_id)), COLUMNS)


@app.command("create")
def create(name: Annotated[Optional[str], typer.Argument(metavar="NAME", help="Service name (1..255 chars).")] = None,
           desc: DescOpt = None, label: SetLabelOpt = None, host: HostOpt = None, path_prefix: PrefixOpt = None,
           strip_path_prefix: StripOpt = None, upstream_node: NodeOpt = None, scheme: SchemeOpt = None,
           plugin: PluginOpt = None, from_file: FromFileOpt = None) -> None:
    """Create a service (POST /apisix/admin/services).

    Example: gwctl api7 services create httpbin --host httpbin.example.com --path-prefix /httpbin --upstream-node httpbin.org:80
    """
    body = build_body("ServiceWrite", from_file, _fields(name, desc, label, host, path_prefix, strip_path_prefix,
                                                         upstream_node, scheme, plugin))
    show(client().create(_path(), body), COLUMNS)


@app.command("update")
def update(service_id: ServiceArg, name: Annotated[Optional[str], typer.Option("--name", "-n", help="Name (default: keep).")] = None,
           desc: DescOpt = None, label: SetLabelOpt = None, host: HostOpt = None, path_prefix: PrefixOpt = None,
           strip_path_prefix: StripOpt = None, upstream_node: NodeOpt = None, scheme: SchemeOpt = None,
           plugin: PluginOpt = None, from_file: FromFileOpt = None) -> None:
    """Replace a service (PUT /apisix/admin/services/{id}).

    With --from-file the file is the whole new service; with flags only, the current service
    is read and the flags change it. Example: gwctl api7 services update SERVICE_ID --upstream-node 10.0.0.5:8080
    """
    api = client()
    base: dict[str, Any] = {}
    if from_file is None:
        current = api.get(_path(service_id)) or {}
        base = {k: current[k] for k in PUBLISH_FIELDS if k in current}
    fields = _fields(name, desc, label, host, path_prefix, strip_path_prefix, upstream_node, scheme, plugin)
    if "upstream" in fields and base.get("upstream"):
        fields["upstream"] = {**base["upstream"], **fields["upstream"]}
    body = build_body("ServiceWrite", from_file, fields, base)
    show(api.replace(_path(service_id), body), COLUMNS)


@app.command("patch")
def patch(service_id: ServiceArg, name: Annotated[Optional[str], typer.Option("--name", "-n", help="New name.")] = None,
          desc: DescOpt = None, label: SetLabelOpt = None, host: HostOpt = None, path_prefix: PrefixOpt = None,
          strip_path_prefix: StripOpt = None, upstream_node: NodeOpt = None, scheme: SchemeOpt = None,
          plugin: PluginOpt = None, from_file: FromFileOpt = None, dry_run: DryRunOpt = False) -> None:
    """Change some fields of a service (PATCH /apisix/admin/services/{id}).

    Example: gwctl api7 services patch SERVICE_ID --desc "v2 backend" --dry-run
    """
    body = build_body("ServicePatch", from_file, _fields(name, desc, label, host, path_prefix, strip_path_prefix,
                                                         upstream_node, scheme, plugin))
    show(client().patch(_path(service_id), body, params={"dry-run": "all" if dry_run else None}), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete services and their routes (DELETE /apisix/admin/services/{id}); unpublish them first.

    Example: gwctl api7 services delete SERVICE_ID --yes
    """
    api = client()
    delete_items(ids, "service", yes, concurrency, lambda sid: api.remove(_path(sid)))


def _conflict_lines(report: dict) -> list[str]:
    lines: list[str] = []
    if not isinstance(report, dict):
        return lines
    for kind in ("duplicate", "overlapping"):
        groups = report.get(kind)
        for group in groups if isinstance(groups, list) else []:
            if isinstance(group, dict):
                group = [group]
            if not isinstance(group, list):
                continue
            parts = [f"{c.get('service_name') or c.get('service_id')}/{c.get('route_name') or c.get('route_id')} "
                     f"({c.get('url', '')})" for c in group if isinstance(c, dict)]
            lines.append(f"{kind}: " + " <-> ".join(parts))
    return lines


@app.command("publish")
def publish(ids: Annotated[List[str], typer.Argument(metavar="SERVICE_ID...", help="Services to publish.")],
            gateway_group: GatewayGroupOpt = None,
            new_version: Annotated[bool, typer.Option("--new-version", help="Always create a new service version (create_new_version), even when --version names an existing one.")] = False,
            version: Annotated[Optional[str], typer.Option("--version", metavar="NAME", help="Version name (default: the current time in ms, a new version). An existing version is republished as it is.")] = None,
            force: Annotated[bool, typer.Option("--force", help="Publish even when the conflict check reports conflicts.")] = False) -> None:
    """Publish services to a gateway group (POST /api/services/conflict_check, then /api/services/publish).

    A version that does not exist yet is created from the service as it is now
    (create_new_version); --version NAME of an existing version publishes that version
    (by its service_version_id, e.g. to roll back or promote it to another group).
    Conflicts (duplicate or overlapping routes already running in the group) are printed
    and stop the publish (exit 6) unless --force.
    Example: gwctl api7 services publish SERVICE_ID --gateway-group staging --new-version
    """
    import time

    from gwctl.api.base import seg
    from gwctl.errors import NotFound

    if version is not None and not version.strip():
        raise UsageError("invalid --version '': must not be empty")
    gg = gg_id(gateway_group)
    api = client()
    name = version or str(int(time.time() * 1000))
    items, existing = [], {}
    for sid in dict.fromkeys(ids):
        svc = api.get(_path(sid)) or {}
        if not isinstance(svc, dict) or not svc.get("upstream"):
            raise UsageError(f"service {sid} has no upstream: add one first "
                             f"(gwctl api7 services update {sid} --upstream-node HOST:PORT)")
        if version is not None and not new_version:
            try:
                found = api.get(f"/api/services/{seg(sid)}/versions/{seg(name)}")
            except NotFound:
                found = None
            if isinstance(found, dict) and found.get("id"):
                existing[sid] = str(found["id"])
        items.append({"service_id": sid, "version": name, **{k: svc[k] for k in PUBLISH_FIELDS if k in svc}})
    # The spec: service_version_id is required when create_new_version is false.
    create = new_version or not existing
    if not create and len(existing) != len(items):
        missing = [i["service_id"] for i in items if i["service_id"] not in existing]
        raise UsageError(f"version {name} exists for {', '.join(existing)} but not for {', '.join(missing)}: "
                         "publish them separately (or pass --new-version)")
    if not create:
        for item in items:
            item["service_version_id"] = existing[item["service_id"]]
    check = {"create_new_version": create, "gateway_group_id": gg,
             "services": [{k: i[k] for k in ("service_id", "name", "hosts", "path_prefix", "version",
                                             "service_version_id") if k in i}
                          for i in items]}
    from gwctl.api.api7 import models
    from gwctl.cli.input import validate_body

    source = "(built from the services as the server returned them)"
    body = {"create_new_version": create, "gateway_group_id": gg, "services": items}
    # Checked before the conflict check: nothing is sent that the vendor's schema refuses.
    validate_body(models.PublishBody, body, f"publish body {source}")
    check = validate_body(models.ConflictCheckBody, check, f"conflict-check body {source}")
    lines = _conflict_lines(api.conflict_check(check))
    app_ctx = get_app()
    for line in lines:
        app_ctx.err(line)
    if lines and not force:
        raise RejectedError(f"the conflict check found {len(lines)} conflict(s) in the gateway group; "
                            "nothing was published", hint="fix the routes, or re-run with --force")
    result = api.publish(body)
    published = (result or {}).get("services") if isinstance(result, dict) else None
    app_ctx.err(f"published {len(items)} service(s) to gateway group {gg} as version {name}")
    show(published if isinstance(published, list) else result, PUBLISHED_COLUMNS)


@app.command("published")
def published(service_id: ServiceArg) -> None:
    """List the gateway groups where a service is published (GET /api/services/{id}/published_services).

    Example: gwctl api7 services published SERVICE_ID
    """
    from gwctl.api.base import seg

    show(client().items(f"/api/services/{seg(service_id)}/published_services"), PUBLISHED_COLUMNS)


@app.command("permitted-users")
def permitted_users(service_id: ServiceArg, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
                    role: Annotated[Optional[List[str]], typer.Option("--role", metavar="ROLE_ID", help="Only users with this role (repeatable).")] = None,
                    order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the users allowed to operate on a service (GET /api/services/{id}/permitted_users).

    Example: gwctl api7 services permitted-users SERVICE_ID
    """
    from gwctl.api.base import seg

    show_list(f"/api/services/{seg(service_id)}/permitted_users", USER_COLUMNS,
              list_params(None, None, order_by, direction, roles=role or None), limit, all_)


@app.command("version")
def version(service_id: ServiceArg, name: Annotated[str, typer.Argument(metavar="VERSION", help="Version name, e.g. 1.0.0.")]) -> None:
    """Show a service version by its name (GET /api/services/{id}/versions/{version}).

    Example: gwctl api7 services version SERVICE_ID 1.0.0
    """
    from gwctl.api.base import seg

    show(client().get(f"/api/services/{seg(service_id)}/versions/{seg(name)}"), VERSION_COLUMNS)
