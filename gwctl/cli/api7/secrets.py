"""`gwctl api7 secrets`: secret managers (Vault) of a gateway group."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, GatewayGroupOpt, IdsArg, LimitOpt, OrderByOpt, SearchOpt,
    YesOpt, DEFAULT_LIMIT, build_body, client, cols, delete_items, gg_id, list_params, optional_gg, product_app,
    secret_value, show, show_list, ts,
)
from gwctl.errors import UsageError

app = product_app("secrets", "Secret managers (HashiCorp Vault) a gateway group reads secrets from.")

COLUMNS = cols("id", "uri", "prefix", ts("updated-at"))
SecretArg = Annotated[str, typer.Argument(metavar="MANAGER/ID", help="Secret ID as vault/NAME (or NAME).")]


def _split(value: str) -> tuple[str, str]:
    manager, sep, sid = value.partition("/")
    if not sep:
        manager, sid = "vault", value
    if manager != "vault" or not sid or "/" in sid:
        raise UsageError(f"invalid secret {value!r}: expected vault/NAME (only vault is supported)")
    return manager, sid


def _path(value: str) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    manager, sid = _split(value)
    return f"{paths.secrets}/{manager}/{seg(sid)}"


@app.command("list")
def list_(gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          search: SearchOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the secret managers of a gateway group (GET /apisix/admin/secrets).

    Example: gwctl api7 secrets list -g default
    """
    from gwctl.api.api7 import paths

    show_list(paths.secrets, COLUMNS, list_params(search, None, order_by, direction, gateway_group_id=gg_id(gateway_group)),
              limit, all_)


@app.command("get")
def get(secret: SecretArg, gateway_group: GatewayGroupOpt = None) -> None:
    """Show a secret manager (GET /apisix/admin/secrets/{manager}/{id}).

    Example: gwctl api7 secrets get vault/prod-vault
    """
    show(client().get(_path(secret), {"gateway_group_id": optional_gg(gateway_group)}), COLUMNS)


@app.command("set")
def set_(secret: SecretArg, gateway_group: GatewayGroupOpt = None,
         uri: Annotated[Optional[str], typer.Option("--uri", metavar="URL", help="Vault address, e.g. https://vault:8200.")] = None,
         prefix: Annotated[Optional[str], typer.Option("--prefix", metavar="PATH", help="Key prefix in Vault, e.g. kv/apisix.")] = None,
         token_stdin: Annotated[bool, typer.Option("--token-stdin", help="Read the Vault token from stdin.")] = False,
         from_file: FromFileOpt = None) -> None:
    """Create or replace a secret manager (PUT /apisix/admin/secrets/{manager}/{id}).

    Example: echo "$VAULT_TOKEN" | gwctl api7 secrets set vault/prod --uri https://vault:8200 --prefix kv/apisix --token-stdin
    """
    token = secret_value("-", "--token-stdin") if token_stdin else None
    if token:
        client().learn(token)
    body = build_body("SecretWrite", from_file, {"uri": uri, "prefix": prefix, "token": token})
    client().learn(body.get("token"))
    show(client().replace(_path(secret), body, {"gateway_group_id": gg_id(gateway_group)}), COLUMNS)


@app.command("delete")
def delete(ids: Annotated[List[str], typer.Argument(metavar="MANAGER/ID...", help="Secrets as vault/NAME, or - for stdin.")],
           gateway_group: GatewayGroupOpt = None, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete secret managers (DELETE /apisix/admin/secrets/{manager}/{id}).

    Example: gwctl api7 secrets delete vault/prod-vault --yes
    """
    gg = gg_id(gateway_group)
    api = client()
    delete_items(ids, "secret", yes, concurrency, lambda s: api.remove(_path(s), {"gateway_group_id": gg}))
