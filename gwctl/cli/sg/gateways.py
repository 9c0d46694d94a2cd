"""`gwctl sg gateways`: Secure Gateway's own gateway verbs (activity, token rotation, legacy auth, export,
migration). list/get/create/update/delete come from the declaration (gwctl.resources.sg.GATEWAYS)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from gwctl.cli.options import FromFileOpt, IdsArg, LOCK_TIMEOUT, LockTimeoutOpt, OutFileOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.cli.sg.documents import emit_document
from gwctl.cli.sg.resource_hooks import (
    GatewayArg,
    GatewayTokenOpt,
    client,
    gateway_of,
    one_stdin_reader,
    report_activity,
    resolve,
)
from gwctl.cli.secret_output import emit_secret
from gwctl.cli.input import read_ids, validate_body
from gwctl.errors import UsageError
from gwctl.resources.sg import GATEWAY_COLUMNS, masked

app = product_app("gateways", "Secure Gateway gateways: activate, rotate tokens, regenerate auth, export, migrate.")

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


def _activity(ids: list[str], active: bool) -> None:
    api = client()
    gateway_ids = list(dict.fromkeys(resolve("gateways", ref) for ref in read_ids(ids)))
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
    lock_timeout: LockTimeoutOpt = LOCK_TIMEOUT,
) -> None:
    """Regenerate a gateway's security token (PUT /v1/sgconfig/{gatewayID} with regen_token).

    The old token is refused from then on: connected clients stay up, but clients
    that reconnect need the new one. The new token is kept in a 0600 recovery file
    until it is stored in gwctl's token cache (read back), written to --out FILE
    (0600, atomic) or printed once, and proven with a call to the gateway; if that
    fails the error names the recovery file and the command exits 12 (`gwctl auth recover`
    finishes the job). One rotation of a profile (or of one --out file) runs at a time; another
    waits up to --lock-timeout seconds.
    Example: gwctl sg gateways rotate-token qCTv6Onseiy_prod_us-south --out sg.token --yes
    """
    from gwctl.cli.flows import confirm_change
    from gwctl.cli.rotation import Rotation, check_out, rotation_lock

    _check_token_exp(token_expiration)
    check_out(out)
    app_ctx = get_app()
    profile = app_ctx.profile("sg")
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    confirm_change("regenerate", "security token of gateway", "security tokens of gateways", [gateway], yes,
                   consequence="the old token stops working")
    hint = ("give it to the gateway's clients (gwctl takes it with --gateway-token-stdin < {file}), "
            "then delete the file")
    with rotation_lock("sg", profile.name, lock_timeout, out=out), \
            Rotation("sg", profile.name, f"security token of gateway {gateway}", slug="security-token",
                     hint=hint, out=out, gateway=gateway if store else None, proof_gateway=gateway) as rotation:

        def mint():
            result = api.rotate_gateway_token(gateway, token_expiration, store=False)
            return (result.get("jwt") if isinstance(result, dict) else None), result

        secret, result = rotation.mint(mint, facts=lambda r: {"expiry": r.get("expiry")})
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
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    result = api.regen_auth(gateway)
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
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    emit_document(api.export_gateway(gateway), out, f"gateway {gateway}")


def migration_body(connector_id: str | None, apikey_stdin: bool, from_file: str | None, api) -> dict:
    """The migrate2connector body: connector_id plus the connector's apikey (stdin) or, by default, this profile's IAM token."""
    from gwctl.cli.sg.models import MigrateBody

    from gwctl.cli.input import read_body_file

    body = read_body_file(from_file) if from_file else {}
    if not isinstance(body, dict):
        raise UsageError("--from-file: expected an object")
    body = dict(body)
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
    from gwctl.cli.flows import confirm_change

    one_stdin_reader(gateway_token_stdin, ("--from-file", from_file == "-"), ("--apikey-stdin", apikey_stdin))
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    body = migration_body(connector_id, apikey_stdin, from_file, api)
    confirm_change("migrate", "every destination of gateway", "", [gateway], yes,
                   consequence=f"to connector {body['connector_id']}")
    emit_migration(api.migrate_gateway(gateway, body, force))
