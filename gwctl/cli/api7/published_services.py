"""`gwctl api7 published-services`: the product verbs of services running in a gateway group
(versions, runtime configuration, health, permitted users). list/get/delete (unpublish) are the
generic verbs of the declaration in gwctl.resources.api7."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import AllOpt, FromFileOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt, DryRunOpt, GatewayGroupOpt, OrderByOpt, PluginOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import build_body, client, item_path, list_params, plugins_of, show, show_list
from gwctl.cli.api7.services import USER_COLUMNS
from gwctl.cli.flows import report_done
from gwctl.resources.api7 import PUBLISHED_SERVICES
from gwctl.resources.api7_fields import nodes_text as _nodes, parse_nodes

app = product_app("published-services", "Services published in a gateway group: versions, runtime configuration, unpublish.")

VERSION_COLUMNS = cols("id", "version", "name", Column("publish_time", "publish_time", kind="timestamp"),
                       Column("hosts", "hosts", default=False))
RUNTIME_COLUMNS = cols("hosts", "path_prefix", "strip_path_prefix", "status",
                       Column("upstream", lambda r: _nodes(r.get("upstreams"))),
                       Column("service_name", "upstreams.service_name"), Column("discovery_type", "upstreams.discovery_type"),
                       "plugins")
HEALTH_COLUMNS = cols("host", "port", "status")
ServiceArg = Annotated[str, typer.Argument(metavar="ID|NAME", help="Published service ID or name.")]


def _path(gateway_group: str | None, ref: str, *rest: str) -> str:
    return item_path(PUBLISHED_SERVICES, ref, *rest, gateway_group=gateway_group)


@app.command("versions")
def versions(service_id: ServiceArg, gateway_group: GatewayGroupOpt = None, direction: DirectionOpt = None) -> None:
    """List the versions of a service published in a gateway group (GET .../services/{service_id}/versions).

    Example: gwctl api7 published-services versions SERVICE_ID -g default
    """
    show(client().items(_path(gateway_group, service_id, "versions"),
                        list_params(None, None, None, direction)), VERSION_COLUMNS)


@app.command("runtime-config")
def runtime_config(service_id: ServiceArg, gateway_group: GatewayGroupOpt = None) -> None:
    """Show the runtime configuration of a published service (GET .../runtime_configuration).

    Example: gwctl api7 published-services runtime-config SERVICE_ID -g default
    """
    show(client().get(_path(gateway_group, service_id, "runtime_configuration")), RUNTIME_COLUMNS)


@app.command("set-runtime-config")
def set_runtime_config(
    service_id: ServiceArg, gateway_group: GatewayGroupOpt = None,
    host: Annotated[Optional[List[str]], typer.Option("--host", metavar="HOST", help="Hosts (repeatable; replaces the list).")] = None,
    path_prefix: Annotated[Optional[str], typer.Option("--path-prefix", metavar="/PREFIX", help="Path prefix.")] = None,
    strip_path_prefix: Annotated[Optional[bool], typer.Option("--strip-path-prefix/--keep-path-prefix", help="Strip the prefix before proxying.")] = None,
    upstream_node: Annotated[Optional[List[str]], typer.Option("--upstream-node", metavar="HOST:PORT[:WEIGHT]", help="Upstream node (repeatable; replaces the nodes).")] = None,
    service_name: Annotated[Optional[str], typer.Option("--service-name", help="Service name in the service registry.")] = None,
    discovery_type: Annotated[Optional[str], typer.Option("--discovery-type", metavar="kubernetes|nacos", help="Service discovery type.")] = None,
    status: Annotated[Optional[int], typer.Option("--status", metavar="0|1", help="Object status (the 3.2.11 docs: 0 = active, 1 = inactive).")] = None,
    plugin: PluginOpt = None, from_file: FromFileOpt = None, dry_run: DryRunOpt = False,
) -> None:
    """Change the runtime configuration of a published service (PATCH .../runtime_configuration).

    Example: gwctl api7 published-services set-runtime-config SERVICE_ID -g default --upstream-node 10.0.0.7:8080
    """
    upstreams = {k: v for k, v in (("nodes", parse_nodes(upstream_node) if upstream_node else None), ("service_name", service_name),
                                   ("discovery_type", discovery_type)) if v is not None}
    body = build_body("RuntimeConfigPatch", from_file, {
        "hosts": host or None, "path_prefix": path_prefix, "strip_path_prefix": strip_path_prefix,
        "upstreams": upstreams or None, "status": status, "plugins": plugins_of(plugin)})
    result = client().patch(_path(gateway_group, service_id, "runtime_configuration"), body,
                            params={"dry-run": "all" if dry_run else None})
    if not dry_run:
        report_done("updated", "runtime configuration of service", service_id)
    show(result, RUNTIME_COLUMNS)


@app.command("healthcheck")
def healthcheck(service_id: ServiceArg, gateway_group: GatewayGroupOpt = None) -> None:
    """Show the health of a published service's upstream nodes (GET .../services/{service_id}/healthcheck).

    Example: gwctl api7 published-services healthcheck SERVICE_ID -g default
    """
    value = client().get(_path(gateway_group, service_id, "healthcheck")) or {}
    nodes = value.get("nodes") if isinstance(value, dict) else None
    from gwctl.cli.context import get_app

    show(value if get_app().machine_output or nodes is None else nodes, HEALTH_COLUMNS)


@app.command("permitted-users")
def permitted_users(service_id: ServiceArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                    all_: AllOpt = False,
                    role: Annotated[Optional[List[str]], typer.Option("--role", metavar="ROLE_ID", help="Only users with this role (repeatable).")] = None,
                    order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the users allowed to operate on a published service (GET .../services/{service_id}/permitted_users).

    Example: gwctl api7 published-services permitted-users SERVICE_ID
    """
    show_list(_path(gateway_group, service_id, "permitted_users"), USER_COLUMNS,
              list_params(None, None, order_by, direction, roles=role or None), limit, all_)
