"""`gwctl api7 gateway-groups`: the product verbs of gateway groups (counts, instance tokens, DP
certificates, permitted users). list/get/create/update/delete are the generic verbs of the
declaration in gwctl.resources.api7."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import AllOpt, LimitOpt, OutFileOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt, OrderByOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.services import USER_COLUMNS
from gwctl.cli.api7.calls import client, list_params, show, show_list
from gwctl.cli.secret_output import emit_secret

app = product_app("gateway-groups", "Gateway groups: sets of gateways sharing one configuration.")

GgArg = Annotated[Optional[str], typer.Argument(metavar="[GATEWAY_GROUP]",
                                                help="Gateway group name or ID (default: the profile's).")]


def _gg(value: Optional[str]) -> str:
    api = client()
    return api.resolve_gateway_group(value) if value else api.gateway_group_id()


@app.command("count")
def count(resource_type: Annotated[str, typer.Argument(metavar="RESOURCE_TYPE", help="ssl, consumer or gateway_instance.")]) -> None:
    """Count SSLs, consumers or gateway instances per gateway group (GET /api/gateway_groups/count/{type}).

    Example: gwctl api7 gateway-groups count consumer
    """
    from gwctl.api.api7.client import paths
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
    from gwctl.api.api7.client import paths

    api = client()
    record = api.create(paths.gg(_gg(gateway_group), "instance_token"), params={"only_token": only_token or None},
                        expect=dict)
    api.learn(record.get("token_plain_text"), record.get("token"))
    emit_secret(record, "token_plain_text", out, cols("id", "token_plain_text", Column("token", "token", default=False)),
                label="instance token")


@app.command("dp-cert")
def dp_cert(gateway_group: GgArg = None, out: OutFileOpt = None) -> None:
    """Create a data-plane client certificate (POST /api/gateway_groups/{id}/dp_client_certificates).

    The private key is printed once; with --out it goes to FILE (0600) and the certificate is printed.
    Example: gwctl api7 gateway-groups dp-cert default --out dp.key
    """
    from gwctl.api.api7.client import paths

    api = client()
    record = api.create(paths.gg(_gg(gateway_group), "dp_client_certificates"), expect=dict)
    api.learn(record.get("private_key"))
    emit_secret(record, "private_key", out, cols("id", "expiry", "certificate", "private_key"), label="private key")


@app.command("permitted-users")
def permitted_users(gateway_group: GgArg = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
                    role: Annotated[Optional[List[str]], typer.Option("--role", metavar="ROLE_ID", help="Only users with this role (repeatable).")] = None,
                    order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the users allowed to operate on a gateway group (GET /api/gateway_groups/{id}/permitted_users).

    Example: gwctl api7 gateway-groups permitted-users default
    """
    from gwctl.api.api7.client import paths

    show_list(paths.gg(_gg(gateway_group), "permitted_users"), USER_COLUMNS,
              list_params(None, None, order_by, direction, roles=role or None), limit, all_)
