"""`gwctl api7 services`: the product verbs of design-time services (publish, where published,
permitted users, versions). list/get/create/update/patch/delete are the generic verbs of the
declaration in gwctl.resources.api7."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import AllOpt, ConcurrencyOpt, LimitOpt, DEFAULT_LIMIT, YesOpt, product_app
from gwctl.cli.api7.options import DirectionOpt, GatewayGroupOpt, OrderByOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import client, gg_id, list_params, resolve, show, show_list
from gwctl.cli.context import get_app
from gwctl.errors import RejectedError, UsageError
from gwctl.resources.api7 import SERVICES
from gwctl.resources.api7_fields import nodes_text, ts

app = product_app("services", "Services (design-time templates): create, edit, publish to gateway groups.")

PUBLISHED_COLUMNS = cols("gateway_group_name", "gateway_group_id", "service_id", "version", "service_version_id",
                         "status", Column("upstream", lambda s: nodes_text(s.get("upstream"))))
# Users permitted on a service or gateway group.
USER_COLUMNS = cols("id", "username", Column("roles", lambda u: ",".join(r.get("name", "") for r in u.get("roles") or [])),
                    ts("updated-at", default=False))
VERSION_COLUMNS = cols("id", "service_id", "version", "name", "hosts", "path_prefix", "publish_time")
ServiceArg = Annotated[str, typer.Argument(metavar="ID|NAME", help="Service ID or name.")]
PUBLISH_FIELDS = ("name", "labels", "desc", "hosts", "path_prefix", "strip_path_prefix", "plugins", "upstream")


def resolve_service(ref: str) -> str:
    return resolve(SERVICES, ref)


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
def publish(ids: Annotated[List[str], typer.Argument(metavar="ID|NAME...", help="Services to publish (IDs or names).")],
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
    from gwctl.api.base import check_segment

    for ref in ids:  # before the gateway group is looked up
        check_segment(ref, "service ID or name", slash=True)
    gg = gg_id(gateway_group)
    api = client()
    name = version or str(int(time.time() * 1000))
    items, existing = [], {}
    for sid in dict.fromkeys(resolve_service(ref) for ref in ids):
        svc = api.read(SERVICES, sid) or {}
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

    show(client().items(f"/api/services/{seg(resolve_service(service_id))}/published_services"), PUBLISHED_COLUMNS)


@app.command("permitted-users")
def permitted_users(service_id: ServiceArg, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
                    role: Annotated[Optional[List[str]], typer.Option("--role", metavar="ROLE_ID", help="Only users with this role (repeatable).")] = None,
                    order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the users allowed to operate on a service (GET /api/services/{id}/permitted_users).

    Example: gwctl api7 services permitted-users SERVICE_ID
    """
    from gwctl.api.base import seg

    show_list(f"/api/services/{seg(resolve_service(service_id))}/permitted_users", USER_COLUMNS,
              list_params(None, None, order_by, direction, roles=role or None), limit, all_)


@app.command("version")
def version(service_id: ServiceArg, name: Annotated[str, typer.Argument(metavar="VERSION", help="Version name, e.g. 1.0.0.")]) -> None:
    """Show a service version by its name (GET /api/services/{id}/versions/{version}).

    Example: gwctl api7 services version SERVICE_ID 1.0.0
    """
    from gwctl.api.base import seg

    show(client().get(f"/api/services/{seg(resolve_service(service_id))}/versions/{seg(name)}"), VERSION_COLUMNS)


@app.command("unpublish")
def unpublish(ids: Annotated[List[str], typer.Argument(metavar="ID|NAME...", help="Services to unpublish (IDs or names), or - to read them from stdin.")],
              gateway_group: GatewayGroupOpt = None, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Unpublish services from a gateway group; the design-time service stays.

    The same as `gwctl api7 published-services delete`; a service is unpublished from
    every gateway group before `gwctl api7 services delete` can delete it.
    Example: gwctl api7 services unpublish httpbin --gateway-group default --yes
    """
    from gwctl.cli.verbs import Hooks, delete_items
    from gwctl.resources.api7 import PUBLISHED_SERVICES

    delete_items(PUBLISHED_SERVICES, Hooks(PUBLISHED_SERVICES), ids, yes=yes, concurrency=concurrency,
                 extra={"gateway_group": gateway_group})
