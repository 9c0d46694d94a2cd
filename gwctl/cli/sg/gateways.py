"""`gwctl sg gateways`: list, get, create, update, delete, activity, token rotation, export, migration."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from gwctl.cli.options import (
    DEFAULT_LIMIT,
    AllOpt,
    ConcurrencyOpt,
    FromFileOpt,
    IdsArg,
    LimitOpt,
    OutFileOpt,
    YesOpt,
    product_app,
)
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.cli.sg._shared import (
    GATEWAY_COLUMNS,
    DisabledOpt,
    EnabledOpt,
    GatewayArg,
    GatewayTokenOpt,
    body_file,
    client,
    emit_document,
    emit_gateways,
    masked,
    one_stdin_reader,
    report_activity,
    take,
    type_filter,
)
from gwctl.cli.flows import confirm, run_bulk
from gwctl.cli.secret_output import emit_secret
from gwctl.cli.input import read_ids, validate_body
from gwctl.errors import UsageError

app = product_app("gateways", "Secure Gateway gateways: list, create, update, delete, activate, rotate tokens, export.")

TokenExpOpt = Annotated[
    Optional[int],
    typer.Option("--token-expiration", metavar="DAYS",
                 help="Days until the new security token expires, 0-90 (0 = never; server default 90)."),
]
ROTATE_COLUMNS = (
    Column("id", "_id", header="ID"),
    Column("desc", "desc", header="DESCRIPTION"),
    Column("jwt", "jwt", header="SECURITY_TOKEN"),
    Column("token-expiry", lambda g: GATEWAY_COLUMNS[6].value(g), header="TOKEN_EXPIRY"),
)
MIGRATE_COLUMNS = cols(
    Column("result", "result"), "id", "description", "new_endpoint_name", "reason",
    Column("remediation", "remediation", default=False),
)


def _check_token_exp(days: int | None) -> None:
    if days is not None and not 0 <= days <= 90:
        raise UsageError(f"invalid --token-expiration {days}: must be 0-90 days (0 = never expires)")


@app.command("list")
def list_gateways(
    enabled: EnabledOpt = False,
    disabled: DisabledOpt = False,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List the gateways of the profile's resource group (GET /v1/sgconfig).

    Security tokens are masked; `gateways rotate-token` is the command that shows one.
    Example: gwctl sg gateways list --enabled
    """
    kind = type_filter(enabled, disabled)
    gateways = client().list_gateways(kind)
    emit_gateways(take(gateways, limit, all_))


@app.command("get")
def get_gateway(gateway: GatewayArg, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Show one gateway with its ACL and recently disconnected clients (GET /v1/sgconfig/{gatewayID}).

    Example: gwctl sg gateways get qCTv6Onseiy_prod_us-south
    """
    emit_gateways(client(gateway, gateway_token_stdin).get_gateway(gateway))


@app.command("create")
def create_gateway(
    desc: Annotated[Optional[str], typer.Option("--desc", "-d", metavar="TEXT", help="Description (name) of the gateway.")] = None,
    enforce_token: Annotated[
        Optional[bool],
        typer.Option("--enforce-token/--no-enforce-token",
                     help="Require the security token when a client connects (server default: on)."),
    ] = None,
    token_expiration: TokenExpOpt = None,
    inactive: Annotated[bool, typer.Option("--inactive", help="Create it inactive (not billed); default active.")] = False,
    token_out: Annotated[
        Optional[Path],
        typer.Option("--token-out", metavar="FILE", help="Write the new gateway's security token to FILE (0600, atomic)."),
    ] = None,
    from_file: FromFileOpt = None,
) -> None:
    """Create a gateway (POST /v1/sgconfig).

    Flags override the --from-file body. The security token is masked in the output
    and cached for later gwctl calls; --token-out FILE saves it for the client.
    The `active` field name is the api notes' reading of an unnamed seed field, and the
    seed's overage-acknowledgement query flag is unnamed: not sent.
    Example: gwctl sg gateways create --desc "Branch office" --token-expiration 30
    """
    from gwctl.cli.sg.models import GatewayCreate

    _check_token_exp(token_expiration)
    body = body_file(from_file)
    flags = {"desc": desc, "enf_tok_sec": enforce_token, "token_exp": token_expiration,
             "active": False if inactive else None}
    body.update({k: v for k, v in flags.items() if v is not None})
    if not body.get("desc"):
        raise UsageError("missing option --desc (or desc in --from-file)")
    body = validate_body(GatewayCreate, body)
    api = client()
    gateway = api.create_gateway(body)
    if isinstance(gateway, dict) and gateway.get("_id") and gateway.get("jwt"):
        api.store_gateway_token(gateway["_id"], gateway["jwt"], gateway.get("expiry"))
        if token_out is not None:
            from gwctl.cli.secret_output import write_secret_file

            write_secret_file(token_out, gateway["jwt"])
            get_app().err(f"wrote the security token to {token_out} (mode 0600)")
    get_app().err(f"created gateway {gateway.get('_id') if isinstance(gateway, dict) else ''}")
    emit_gateways(gateway)


@app.command("update")
def update_gateway(
    gateway: GatewayArg,
    desc: Annotated[Optional[str], typer.Option("--desc", "-d", metavar="TEXT", help="New description.")] = None,
    enforce_token: Annotated[
        Optional[bool],
        typer.Option("--enforce-token/--no-enforce-token", help="Require the security token when a client connects."),
    ] = None,
    enable: Annotated[
        Optional[bool], typer.Option("--enable/--disable", help="Enable or disable the gateway (clients stop flowing data).")
    ] = None,
    from_file: FromFileOpt = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Update a gateway's description, token enforcement or enabled state (PUT /v1/sgconfig/{gatewayID}).

    To regenerate the security token use `gateways rotate-token`.
    Example: gwctl sg gateways update qCTv6Onseiy_prod_us-south --disable
    """
    from gwctl.cli.sg.models import GatewayUpdate

    one_stdin_reader(gateway_token_stdin, ("--from-file", from_file == "-"))
    body = body_file(from_file)
    flags = {"desc": desc, "enf_tok_sec": enforce_token, "enabled": enable}
    body.update({k: v for k, v in flags.items() if v is not None})
    if not body:
        raise UsageError("nothing to update: pass --desc, --enforce-token/--no-enforce-token, --enable/--disable or --from-file")
    body = validate_body(GatewayUpdate, body)
    api = client(gateway, gateway_token_stdin)
    if body.get("regen_token"):
        result = api.rotate_gateway_token(gateway, body.get("token_exp"))
        body = {k: v for k, v in body.items() if k not in ("regen_token", "token_exp")}
        result = api.update_gateway(gateway, body) if body else result
    else:
        result = api.update_gateway(gateway, body)
    get_app().err(f"updated gateway {gateway}")
    emit_gateways(result)


@app.command("delete")
def delete_gateways(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete gateways and all their destinations (DELETE /v1/sgconfig/{gatewayID}).

    Not in the v2 seed: documented in the v1 API and the IBM SDKs.
    Example: gwctl sg gateways delete qCTv6Onseiy_prod_us-south --yes
    """
    gateway_ids = read_ids(ids)
    what = gateway_ids[0] if len(gateway_ids) == 1 else f"{len(gateway_ids)} gateways"
    confirm(f"Delete {what} with all their destinations?", yes)
    api = client()
    run_bulk(gateway_ids, api.delete_gateway, verb="deleted", noun="gateway", concurrency=concurrency)


def _activity(ids: list[str], active: bool) -> None:
    gateway_ids = read_ids(ids)
    api = client()
    result = api.set_gateway_activity(gateway_ids if active else [], [] if active else gateway_ids)
    report_activity(result, "gateway")


@app.command("activate")
def activate(ids: IdsArg) -> None:
    """Make gateways active (billed) in one request (PUT /v1/setActivity, setActive).

    Example: gwctl sg gateways activate ZgNBtYKCG66_prod_us-south
    """
    _activity(ids, True)


@app.command("deactivate")
def deactivate(ids: IdsArg) -> None:
    """Make gateways inactive (not billed; their destinations go inactive) (PUT /v1/setActivity, setInactive).

    Example: gwctl sg gateways deactivate ZgNBtYKCG66_prod_us-south
    """
    _activity(ids, False)


@app.command("rotate-token")
def rotate_token(
    gateway: GatewayArg,
    token_expiration: TokenExpOpt = None,
    store: Annotated[
        bool,
        typer.Option("--store/--no-store",
                     help="Keep the new token in gwctl's token cache for later calls (default); the old one stops working."),
    ] = True,
    out: OutFileOpt = None,
    yes: YesOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Regenerate a gateway's security token (PUT /v1/sgconfig/{gatewayID} with regen_token).

    The old token is refused from then on: connected clients stay up, but clients
    that reconnect need the new one. The new token is kept in a 0600 recovery file
    until it is stored in gwctl's token cache (read back), written to --out FILE
    (0600, atomic) or printed once, and proven with a call to the gateway; if that
    fails the error names the recovery file. One rotation of a profile runs at a time.
    Example: gwctl sg gateways rotate-token qCTv6Onseiy_prod_us-south --out sg.token --yes
    """
    from gwctl.cli.flows import confirm_change
    from gwctl.cli.rotation import Rotation, check_out, rotation_lock

    _check_token_exp(token_expiration)
    check_out(out)
    confirm_change("regenerate", "security token of gateway", "security tokens of gateways", [gateway], yes,
                   consequence="the old token stops working")
    app_ctx = get_app()
    profile = app_ctx.profile("sg")
    api = client(gateway, gateway_token_stdin)
    hint = ("give it to the gateway's clients (gwctl takes it with --gateway-token-stdin < {file}), "
            "then delete the file")
    with rotation_lock("sg", profile.name), \
            Rotation("sg", profile.name, f"security token of gateway {gateway}", slug="security-token",
                     hint=hint) as rotation:

        def mint():
            result = api.rotate_gateway_token(gateway, token_expiration, store=False)
            return (result.get("jwt") if isinstance(result, dict) else None), result

        secret, result = rotation.mint(mint)
        if store:
            with rotation.step("store"):
                api.store_gateway_token(gateway, secret, result.get("expiry"))
                if api.cached_gateway_token(gateway) != secret:
                    from gwctl.errors import SecretStorageError

                    raise SecretStorageError("it did not read back from the token cache")
            app_ctx.err(f"stored the new security token of gateway {gateway} in the token cache")
        with rotation.step("verify"):
            api.use_gateway_token(gateway, secret)  # this call only: no fallback to another token
            api.get_gateway(gateway)
        with rotation.step("write" if out is not None else "print"):
            emit_secret(result, "jwt", out, ROTATE_COLUMNS, label="security token")


@app.command("regen-auth")
def regen_auth(gateway: GatewayArg, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Regenerate the legacy cert/key used by old clients (PUT /v1/sgconfig/{gatewayID}/genAuth).

    Example: gwctl sg gateways regen-auth qCTv6Onseiy_prod_us-south
    """
    result = client(gateway, gateway_token_stdin).regen_auth(gateway)
    get_app().err(f"regenerated the legacy cert/key of gateway {gateway}")
    emit(masked(result), GATEWAY_COLUMNS + (Column("auth-cert", "authorization.cert", header="AUTH_CERT"),
                                            Column("auth-key", "authorization.key", header="AUTH_KEY")))


@app.command("export")
def export_gateway(
    gateway: GatewayArg,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the .gateway file to FILE (0600) instead of stdout.")] = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Export a gateway and its destinations as a .gateway file (GET /v1/sgconfig/{gatewayID}/export).

    The file can hold certificate keys, so --out writes it 0600. Re-create it with `gwctl sg import FILE`.
    Example: gwctl sg gateways export qCTv6Onseiy_prod_us-south --out prod.gateway
    """
    body = client(gateway, gateway_token_stdin).export_gateway(gateway)
    emit_document(body, out, f"gateway {gateway}")


def migration_body(connector_id: str | None, apikey_stdin: bool, from_file: str | None, api) -> dict:
    """The migrate2connector body: connector_id plus the connector's apikey (stdin) or, by default, this profile's IAM token."""
    from gwctl.cli.sg.models import MigrateBody

    body = body_file(from_file)
    if connector_id:
        body["connector_id"] = connector_id
    if not body.get("connector_id"):
        raise UsageError("missing option --connector-id (or connector_id in --from-file)")
    if apikey_stdin:
        value = sys.stdin.readline().strip()
        if not value:
            raise UsageError("--apikey-stdin: stdin was empty")
        body["apikey"] = value
    elif os.environ.get("GWCTL_SG_CONNECTOR_APIKEY") and not body.get("token") and not body.get("apikey"):
        body["apikey"] = os.environ["GWCTL_SG_CONNECTOR_APIKEY"]
    body = validate_body(MigrateBody, {**body, **({} if body.get("token") or body.get("apikey") else {"token": "-"})})
    if body.get("token") == "-":
        body["token"] = api.current_token()
    return body


def emit_migration(result) -> None:
    """Show the per-destination outcome; some destinations not migrated is a partial failure (exit 10)."""
    from gwctl.errors import PartialFailure

    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query or not isinstance(result, dict):
        emit(result)
    else:
        rows = [{"result": "migrated", **r} for r in result.get("migrated") or ()]
        rows += [{"result": "failed", **r} for r in result.get("failed") or ()]
        emit(rows, MIGRATE_COLUMNS)
    failed = len(result.get("failed") or ()) if isinstance(result, dict) else 0
    if failed:
        total = failed + len(result.get("migrated") or ())
        raise PartialFailure(f"{failed} of {total} destination(s) were not migrated",
                             hint="see REASON in the output (add --columns ...,remediation for the fix)")


ConnectorOpt = Annotated[Optional[str], typer.Option("--connector-id", metavar="ID", help="Satellite Connector ID.")]
ApikeyStdinOpt = Annotated[
    bool,
    typer.Option("--apikey-stdin",
                 help="Read an API key with access to the Connector from stdin (else GWCTL_SG_CONNECTOR_APIKEY, "
                      "else this profile's IAM token is sent as `token`)."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Rename destinations that break the endpoint naming policy (force=true).")]


@app.command("migrate")
def migrate_gateway(
    gateway: GatewayArg,
    connector_id: ConnectorOpt = None,
    apikey_stdin: ApikeyStdinOpt = False,
    force: ForceOpt = False,
    from_file: FromFileOpt = None,
    yes: YesOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Migrate all destinations of a gateway to a Satellite Connector (PUT /v1/sgconfig/{gatewayID}/migrate2connector).

    Prints one row per destination: migrated (with the new endpoint name if renamed) or failed (with the reason);
    exits 10 when some destinations were not migrated.
    Example: gwctl sg gateways migrate qCTv6Onseiy_prod_us-south --connector-id A2FbRF... --force --yes
    """
    one_stdin_reader(gateway_token_stdin, ("--from-file", from_file == "-"), ("--apikey-stdin", apikey_stdin))
    api = client(gateway, gateway_token_stdin)
    body = migration_body(connector_id, apikey_stdin, from_file, api)
    confirm(f"Migrate every destination of gateway {gateway} to connector {body['connector_id']}?", yes)
    emit_migration(api.migrate_gateway(gateway, body, force))
