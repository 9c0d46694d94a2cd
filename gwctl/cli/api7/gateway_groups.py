"""`gwctl api7 gateway-groups`: gateway groups, their counts, instance tokens, DP certificates, permitted users."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DescOpt, DirectionOpt, FromFileOpt, IdsArg, LabelFilterOpt, LimitOpt, OrderByOpt,
    OutFileOpt, SearchOpt, SetLabelOpt, YesOpt, DEFAULT_LIMIT, Column, build_body, client, cols, delete_items,
    list_params, parse_labels, product_app, show, show_list, ts,
)
from gwctl.cli.secret_output import emit_secret

app = product_app("gateway-groups", "Gateway groups: sets of gateways sharing one configuration.")

COLUMNS = cols("id", "name", "description", "labels", ts("updated-at"), ts("created-at", default=False),
               Column("image-tag", "config.image_tag", default=False))
USER_COLUMNS = cols("id", "username", Column("roles", lambda u: ",".join(r.get("name", "") for r in u.get("roles") or [])),
                    ts("updated-at", default=False))
GgArg = Annotated[Optional[str], typer.Argument(metavar="[GATEWAY_GROUP]",
                                                help="Gateway group name or ID (default: the profile's).")]


def _gg(value: Optional[str]) -> str:
    api = client()
    return api.resolve_gateway_group(value) if value else api.gateway_group_id()


@app.command("list")
def list_(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None,
          label: LabelFilterOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List gateway groups (GET /api/gateway_groups).

    Example: gwctl api7 gateway-groups list --label env=prod
    """
    from gwctl.api.api7 import paths

    show_list(paths.gateway_groups, COLUMNS, list_params(search, label, order_by, direction), limit, all_)


@app.command("get")
def get(gateway_group: Annotated[str, typer.Argument(metavar="GATEWAY_GROUP", help="Name or ID.")]) -> None:
    """Show a gateway group (GET /api/gateway_groups/{id}).

    Example: gwctl api7 gateway-groups get default
    """
    from gwctl.api.api7 import paths

    api = client()
    show(api.get(f"{paths.gateway_groups}/{api.resolve_gateway_group(gateway_group)}"), COLUMNS)


@app.command("create")
def create(name: Annotated[Optional[str], typer.Argument(metavar="NAME", help="Name (1..255 chars).")] = None,
           description: Annotated[Optional[str], typer.Option("--description", "--desc", help="Description.")] = None,
           label: SetLabelOpt = None, from_file: FromFileOpt = None) -> None:
    """Create a gateway group (POST /api/gateway_groups).

    Example: gwctl api7 gateway-groups create staging --description "Staging gateways" -l env=staging
    """
    from gwctl.api.api7 import paths

    body = build_body("GatewayGroupWrite", from_file, {"name": name, "description": description,
                                                       "labels": parse_labels(label) or None})
    show(client().create(paths.gateway_groups, body), COLUMNS)


@app.command("update")
def update(gateway_group: Annotated[str, typer.Argument(metavar="GATEWAY_GROUP", help="Name or ID.")],
           name: Annotated[Optional[str], typer.Option("--name", "-n", help="New name (default: keep).")] = None,
           description: Annotated[Optional[str], typer.Option("--description", "--desc", help="Description (default: keep).")] = None,
           label: SetLabelOpt = None, from_file: FromFileOpt = None) -> None:
    """Replace a gateway group's name, description and labels (PUT /api/gateway_groups/{id}).

    Fields not given keep their current value. Example: gwctl api7 gateway-groups update staging --description "QA"
    """
    from gwctl.api.api7 import paths

    api = client()
    gg = api.resolve_gateway_group(gateway_group)
    base = {}
    if from_file is None:
        current = api.get(f"{paths.gateway_groups}/{gg}") or {}
        base = {"name": current.get("name"), "description": current.get("description", current.get("desc", "")) or "",
                **({"labels": current["labels"]} if current.get("labels") else {})}
    body = build_body("GatewayGroupReplace", from_file, {"name": name, "description": description,
                                                         "labels": parse_labels(label) or None}, base)
    show(api.replace(f"{paths.gateway_groups}/{gg}", body), COLUMNS)
    if name and name != gateway_group:
        api.forget_gateway_group(gateway_group)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete gateway groups by name or ID (DELETE /api/gateway_groups/{id}).

    Example: gwctl api7 gateway-groups delete staging --yes
    """
    from gwctl.api.api7 import paths

    api = client()

    def action(value: str) -> None:
        api.remove(f"{paths.gateway_groups}/{api.resolve_gateway_group(value)}")
        api.forget_gateway_group(value)

    delete_items(ids, "gateway group", yes, concurrency, action)


@app.command("count")
def count(resource_type: Annotated[str, typer.Argument(metavar="RESOURCE_TYPE", help="ssl, consumer or gateway_instance.")]) -> None:
    """Count SSLs, consumers or gateway instances per gateway group (GET /api/gateway_groups/count/{type}).

    Example: gwctl api7 gateway-groups count consumer
    """
    from gwctl.api.api7 import paths
    from gwctl.errors import UsageError

    if resource_type not in ("ssl", "consumer", "gateway_instance"):
        raise UsageError(f"invalid RESOURCE_TYPE {resource_type!r}: choose ssl, consumer or gateway_instance")
    show(client().items(f"{paths.gateway_groups}/count/{resource_type}"), cols("gateway_group_id", "count"))


@app.command("instance-token")
def instance_token(gateway_group: GgArg = None,
                   only_token: Annotated[bool, typer.Option("--only-token", help="A plain token instead of an encoded one.")] = False,
                   out: OutFileOpt = None) -> None:
    """Create a token for deploying gateway instances (POST /api/gateway_groups/{id}/instance_token).

    Prints the token once; with --out it goes to FILE (0600) and only metadata is printed.
    Example: gwctl api7 gateway-groups instance-token default --only-token --out gw.token
    """
    from gwctl.api.api7 import paths

    api = client()
    record = api.create(paths.gg(_gg(gateway_group), "instance_token"), params={"only_token": only_token or None}) or {}
    api.learn(record.get("token_plain_text"), record.get("token"))
    emit_secret(record, "token_plain_text", out, cols("id", "token_plain_text", Column("token", "token", default=False)),
                label="instance token")


@app.command("dp-cert")
def dp_cert(gateway_group: GgArg = None, out: OutFileOpt = None) -> None:
    """Issue a data-plane client certificate (POST /api/gateway_groups/{id}/dp_client_certificates).

    The private key is printed once; with --out it goes to FILE (0600) and the certificate is printed.
    Example: gwctl api7 gateway-groups dp-cert default --out dp.key
    """
    from gwctl.api.api7 import paths

    api = client()
    record = api.create(paths.gg(_gg(gateway_group), "dp_client_certificates")) or {}
    api.learn(record.get("private_key"))
    emit_secret(record, "private_key", out, cols("id", "expiry", "certificate", "private_key"), label="private key")


@app.command("permitted-users")
def permitted_users(gateway_group: GgArg = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
                    role: Annotated[Optional[List[str]], typer.Option("--role", metavar="ROLE_ID", help="Only users with this role (repeatable).")] = None,
                    order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the users allowed to operate on a gateway group (GET /api/gateway_groups/{id}/permitted_users).

    Example: gwctl api7 gateway-groups permitted-users default
    """
    from gwctl.api.api7 import paths

    show_list(paths.gg(_gg(gateway_group), "permitted_users"), USER_COLUMNS,
              list_params(None, None, order_by, direction, roles=role or None), limit, all_)
