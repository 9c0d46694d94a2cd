"""`gwctl api7 secrets set`: create or replace a secret manager (the token read from stdin).
list/get/delete are the generic verbs of the declaration in gwctl.resources.api7."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.api7.options import GatewayGroupOpt
from gwctl.cli.api7.calls import build_body, client, gg_id, show
from gwctl.resources.api7 import SECRETS
from gwctl.resources.values import stdin_or

app = product_app("secrets", "Secret managers (HashiCorp Vault) a gateway group reads secrets from.")

SecretArg = Annotated[str, typer.Argument(metavar="MANAGER/ID", help="Secret ID as vault/NAME (or NAME).")]


@app.command("set")
def set_(secret: SecretArg, gateway_group: GatewayGroupOpt = None,
         uri: Annotated[Optional[str], typer.Option("--uri", metavar="URL", help="Vault address, e.g. https://vault:8200.")] = None,
         prefix: Annotated[Optional[str], typer.Option("--prefix", metavar="PATH", help="Key prefix in Vault, e.g. kv/apisix.")] = None,
         token_stdin: Annotated[bool, typer.Option("--token-stdin", help="Read the Vault token from stdin.")] = False,
         from_file: FromFileOpt = None) -> None:
    """Create or replace a secret manager (PUT /apisix/admin/secrets/{manager}/{id}).

    Example: echo "$VAULT_TOKEN" | gwctl api7 secrets set vault/prod --uri https://vault:8200 --prefix kv/apisix --token-stdin
    """
    from gwctl.cli.flows import report_done

    api = client()
    api.resource_path(SECRETS, secret)  # the ID is checked before anything is read
    token = stdin_or("--token-stdin")("-") if token_stdin else None
    api.learn(token)
    body = build_body("SecretWrite", from_file, {"uri": uri, "prefix": prefix, "token": token})
    api.learn(body.get("token"))
    gg_id(gateway_group)
    result = api.replace_item(SECRETS, secret, body)
    report_done("updated", SECRETS.singular, SECRETS.label(result if isinstance(result, dict) else {}, secret))
    show(result, SECRETS.columns)
