"""`gwctl api7 service-registries`: the product verbs of a gateway group's Kubernetes and Nacos
registries (connected services, health history, Nacos browsing). list/get/create/update/delete
are the generic verbs of the declaration in gwctl.resources.api7."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt, GatewayGroupOpt, OrderByOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import check_query_enums, client, item_path, list_params, show_items, show_list
from gwctl.resources.api7_fields import ts
from gwctl.resources.api7 import SERVICE_REGISTRIES

app = product_app("service-registries", "Service registries (Kubernetes, Nacos) of a gateway group.")

RegistryArg = Annotated[str, typer.Argument(metavar="ID|NAME", help="Service registry ID or name.")]
NamespaceArg = Annotated[str, typer.Argument(metavar="NAMESPACE", help="Nacos namespace ID.")]
GroupArg = Annotated[str, typer.Argument(metavar="GROUP", help="Nacos group.")]


def _path(gateway_group: str | None, ref: str, *rest: str) -> str:
    return item_path(SERVICE_REGISTRIES, ref, *rest, gateway_group=gateway_group)


@app.command("connected-services")
def connected_services(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                       all_: AllOpt = False, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the published services using a registry (GET .../service_registries/{id}/connected_services).

    Example: gwctl api7 service-registries connected-services REGISTRY_ID
    """
    show_list(_path(gateway_group, registry_id, "connected_services"),
              cols("id", "name", "version", Column("service_name", "upstream.service_name")),
              list_params(None, None, order_by, direction), limit, all_)


@app.command("internal-services")
def internal_services(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                      all_: AllOpt = False) -> None:
    """List the Kubernetes services a registry sees (GET .../{id}/kubernetes/internal_services).

    Example: gwctl api7 service-registries internal-services K8S_REGISTRY_ID
    """
    show_items(client().get(_path(gateway_group, registry_id, "kubernetes", "internal_services")), None, limit, all_)


@app.command("health-history")
def health_history(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                   all_: AllOpt = False,
                   status: Annotated[Optional[List[str]], typer.Option("--status", metavar="healthy|lost_connection", help="Only this status (repeatable).")] = None,
                   direction: DirectionOpt = None) -> None:
    """Show a registry's connection health history (GET .../{id}/health_check_history).

    Example: gwctl api7 service-registries health-history REGISTRY_ID --status lost_connection
    """
    params = list_params(None, None, None, direction, status=status or None)
    check_query_enums("/api/gateway_groups/-/service_registries/-/health_check_history", params)  # before a lookup
    show_list(_path(gateway_group, registry_id, "health_check_history"), cols("status", ts("connect-time"), "detail"),
              params, limit, all_)


def _nacos(gateway_group, registry_id, *rest: str) -> list:
    return client().items(_path(gateway_group, registry_id, "nacos", "namespaces", *rest))


@app.command("nacos-namespaces")
def nacos_namespaces(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                     all_: AllOpt = False) -> None:
    """List Nacos namespaces (GET .../{id}/nacos/namespaces).

    Example: gwctl api7 service-registries nacos-namespaces REGISTRY_ID
    """
    show_items(_nacos(gateway_group, registry_id), None, limit, all_)


@app.command("nacos-groups")
def nacos_groups(registry_id: RegistryArg, namespace: NamespaceArg, gateway_group: GatewayGroupOpt = None,
                 limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the groups of a Nacos namespace (GET .../nacos/namespaces/{ns}/groups).

    Example: gwctl api7 service-registries nacos-groups REGISTRY_ID public
    """
    show_items(_nacos(gateway_group, registry_id, namespace, "groups"), None, limit, all_)


@app.command("nacos-services")
def nacos_services(registry_id: RegistryArg, namespace: NamespaceArg, group: GroupArg,
                   gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the services of a Nacos group (GET .../nacos/namespaces/{ns}/groups/{group}/services).

    Example: gwctl api7 service-registries nacos-services REGISTRY_ID public DEFAULT_GROUP
    """
    show_items(_nacos(gateway_group, registry_id, namespace, "groups", group, "services"), None, limit, all_)


@app.command("nacos-metadata")
def nacos_metadata(registry_id: RegistryArg, namespace: NamespaceArg, group: GroupArg,
                   service: Annotated[str, typer.Argument(metavar="SERVICE", help="Nacos service name.")],
                   gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the instance metadata of a Nacos service (GET .../services/{service}/instances_metadata).

    Example: gwctl api7 service-registries nacos-metadata REGISTRY_ID public DEFAULT_GROUP orders
    """
    show_items(_nacos(gateway_group, registry_id, namespace, "groups", group, "services", service,
                      "instances_metadata"), None, limit, all_)
