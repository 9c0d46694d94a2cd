"""`gwctl api7 service-registries`: Kubernetes and Nacos registries of a gateway group, and Nacos browsing."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, GatewayGroupOpt, IdsArg, LimitOpt, OrderByOpt, SearchOpt,
    YesOpt, DEFAULT_LIMIT, Column, build_body, client, cols, delete_items, gg_id, list_params, product_app, show,
    show_items, show_list, ts,
)

app = product_app("service-registries", "Service registries (Kubernetes, Nacos) of a gateway group.")

COLUMNS = cols("id", "name", "type", "status", ts("last-connect-time"), ts("updated-at", default=False),
               Column("description", "description", default=False))
RegistryArg = Annotated[str, typer.Argument(metavar="REGISTRY_ID", help="Service registry ID.")]
NamespaceArg = Annotated[str, typer.Argument(metavar="NAMESPACE", help="Nacos namespace ID.")]
GroupArg = Annotated[str, typer.Argument(metavar="GROUP", help="Nacos group.")]


def _path(gg: str, *rest: str) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.gg(gg, "service_registries", *(seg(r) for r in rest))


def _body(name, type_, description, nacos_host, k8s_api, from_file) -> dict:
    fields: dict = {"name": name, "type": type_, "description": description}
    if nacos_host:
        fields["nacos_config"] = {"hosts": nacos_host}
    if k8s_api:
        from urllib.parse import urlsplit

        parts = urlsplit(k8s_api)
        fields["kubernetes_config"] = {"service": {"schema": parts.scheme or "https", "host": parts.hostname or "",
                                                  "port": str(parts.port or (443 if parts.scheme == "https" else 80))}}
    return build_body("ServiceRegistryWrite", from_file, fields)


TypeOpt = Annotated[Optional[str], typer.Option("--type", metavar="nacos|kubernetes", help="Registry type.")]
NacosOpt = Annotated[Optional[List[str]], typer.Option("--nacos-host", metavar="URL", help="Nacos server URL (repeatable), e.g. http://nacos:8848.")]
K8sOpt = Annotated[Optional[str], typer.Option("--k8s-api", metavar="URL", help="Kubernetes API server URL, e.g. https://10.0.0.1:6443.")]
DescriptionOpt = Annotated[Optional[str], typer.Option("--description", "--desc", help="Description.")]


@app.command("list")
def list_(gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          search: SearchOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the service registries of a gateway group (GET /api/gateway_groups/{id}/service_registries).

    Example: gwctl api7 service-registries list -g default
    """
    show_list(_path(gg_id(gateway_group)), COLUMNS, list_params(search, None, order_by, direction), limit, all_)


@app.command("get")
def get(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None) -> None:
    """Show a service registry (GET .../service_registries/{id}).

    Example: gwctl api7 service-registries get REGISTRY_ID
    """
    show(client().get(_path(gg_id(gateway_group), registry_id)), COLUMNS)


@app.command("create")
def create(name: Annotated[Optional[str], typer.Argument(metavar="NAME", help="Registry name.")] = None,
           type_: TypeOpt = None, nacos_host: NacosOpt = None, k8s_api: K8sOpt = None, description: DescriptionOpt = None,
           gateway_group: GatewayGroupOpt = None, from_file: FromFileOpt = None) -> None:
    """Connect a service registry (POST .../service_registries).

    Example: gwctl api7 service-registries create nacos-dev --type nacos --nacos-host http://nacos:8848
    """
    body = _body(name, type_, description, nacos_host, k8s_api, from_file)
    show(client().create(_path(gg_id(gateway_group)), body), COLUMNS)


@app.command("update")
def update(registry_id: RegistryArg, name: Annotated[Optional[str], typer.Option("--name", "-n", help="Registry name.")] = None,
           type_: TypeOpt = None, nacos_host: NacosOpt = None, k8s_api: K8sOpt = None, description: DescriptionOpt = None,
           gateway_group: GatewayGroupOpt = None, from_file: FromFileOpt = None) -> None:
    """Replace a service registry (PUT .../service_registries/{id}).

    Example: gwctl api7 service-registries update REGISTRY_ID --from-file registry.yaml
    """
    body = _body(name, type_, description, nacos_host, k8s_api, from_file)
    show(client().replace(_path(gg_id(gateway_group), registry_id), body), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, gateway_group: GatewayGroupOpt = None, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Disconnect service registries (DELETE .../service_registries/{id}).

    Example: gwctl api7 service-registries delete REGISTRY_ID --yes
    """
    gg = gg_id(gateway_group)
    api = client()
    delete_items(ids, "service registry", yes, concurrency, lambda rid: api.remove(_path(gg, rid)))


@app.command("connected-services")
def connected_services(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                       all_: AllOpt = False, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the published services using a registry (GET .../service_registries/{id}/connected_services).

    Example: gwctl api7 service-registries connected-services REGISTRY_ID
    """
    show_list(_path(gg_id(gateway_group), registry_id, "connected_services"),
              cols("id", "name", "version", Column("service_name", "upstream.service_name")),
              list_params(None, None, order_by, direction), limit, all_)


@app.command("internal-services")
def internal_services(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                      all_: AllOpt = False) -> None:
    """List the Kubernetes services a registry sees (GET .../{id}/kubernetes/internal_services).

    Example: gwctl api7 service-registries internal-services K8S_REGISTRY_ID
    """
    show_items(client().get(_path(gg_id(gateway_group), registry_id, "kubernetes", "internal_services")), None, limit, all_)


@app.command("health-history")
def health_history(registry_id: RegistryArg, gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                   all_: AllOpt = False,
                   status: Annotated[Optional[List[str]], typer.Option("--status", metavar="healthy|lost_connection", help="Only this status (repeatable).")] = None,
                   direction: DirectionOpt = None) -> None:
    """Show a registry's connection health history (GET .../{id}/health_check_history).

    Example: gwctl api7 service-registries health-history REGISTRY_ID --status lost_connection
    """
    show_list(_path(gg_id(gateway_group), registry_id, "health_check_history"),
              cols("status", ts("connect-time"), "detail"),
              list_params(None, None, None, direction, status=status or None), limit, all_)


def _nacos(gateway_group, registry_id, *rest: str) -> list:
    return client().items(_path(gg_id(gateway_group), registry_id, "nacos", "namespaces", *rest))


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
