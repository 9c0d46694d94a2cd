"""`gwctl pomerium idp`: check identity provider settings before using them."""

from __future__ import annotations

import sys
from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.render import Column, emit
from gwctl.cli.input import parse_labels
from gwctl.errors import RejectedError, UsageError

app = product_app("idp", "Check identity provider settings.")

CHECK_COLUMNS = (Column("success", "success"), Column("errors", "errors"))
FLAGS = {"provider": "--provider", "url": "--url", "clientId": "--client-id", "scopes": "--scope",
         "requestParams": "--param"}


@app.command("check")
def check(
    provider: Annotated[Optional[str], typer.Option("--provider", metavar="TYPE", help="apple, auth0, azure, cognito, github, gitlab, google, oidc, okta, onelogin or ping.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", metavar="URL", help="Provider URL (OIDC issuer).")] = None,
    client_id: Annotated[Optional[str], typer.Option("--client-id", help="OAuth client ID.")] = None,
    client_secret_stdin: Annotated[bool, typer.Option("--client-secret-stdin", help="Read the OAuth client secret from stdin (never a flag value).")] = False,
    scope: Annotated[Optional[List[str]], typer.Option("--scope", help="OAuth scope (repeatable).")] = None,
    param: Annotated[Optional[List[str]], typer.Option("--param", metavar="KEY=VALUE", help="Extra authorization request parameter (repeatable).")] = None,
    from_file: FromFileOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 6 when the settings are not valid.")] = False,
) -> None:
    """Check identity provider settings (POST /checkIdentityProviderSettings).

    Example: printf '%s' "$SECRET" | gwctl pomerium idp check --provider oidc --url https://idp.example.com --client-id ID --client-secret-stdin
    """
    from gwctl.api.pomerium.models import IdpCheck

    secret = None
    if client_secret_stdin:
        if from_file == "-":
            raise UsageError("--client-secret-stdin and --from-file - both want stdin")
        secret = sys.stdin.readline().strip()
        if not secret:
            raise UsageError("--client-secret-stdin: stdin was empty")
    flags = {"provider": provider, "url": url, "clientId": client_id, "clientSecret": secret,
             "scopes": list(scope) if scope else None, "requestParams": parse_labels(param, "--param") or None}
    body = body_from(IdpCheck, from_file, flags, flag_names=FLAGS)
    result = client().check_identity_provider(body)
    emit(result, CHECK_COLUMNS)
    if strict and isinstance(result, dict) and not result.get("success"):
        raise RejectedError("the identity provider settings are not valid")
