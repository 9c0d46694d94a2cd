"""`gwctl sg export`, `gwctl sg import` and `gwctl sg stats`: whole-service commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.cli.sg.documents import emit_document, read_json_file
from gwctl.cli.sg.resource_hooks import GatewayTokenOpt, client, resolve
from gwctl.resources.sg import masked
from gwctl.errors import UsageError

STATS_COLUMNS = cols(
    Column("id", "_id", header="ID"), Column("desc", "desc", header="DESCRIPTION"), "connectedClients",
    "destinations", "activeConnections", "totalConnections", "bytesIn", "bytesOut",
)
IMPORT_COLUMNS = (
    Column("gateway", "gateway._id", header="GATEWAY"),
    Column("desc", "gateway.desc", header="DESCRIPTION"),
    Column("destinations", lambda r: len(r.get("destinations") or []), header="DESTINATIONS"),
)

export_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
import_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
stats_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)


@export_app.command("export")
def export_service(
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write service.config to FILE (0600) instead of stdout.")] = None,
) -> None:
    """Export every gateway of the resource group as service.config (GET /v1/export).

    The file embeds certificate keys, so --out writes it 0600. Restore with `gwctl sg import FILE`.
    Example: gwctl sg export --out service.config
    """
    emit_document(client().export_service(), out, "the service export")


@import_app.command("import")
def import_service(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A service.config or .gateway file, or - for stdin.")],
) -> None:
    """Re-create gateways and destinations from a service.config or .gateway file (PUT /v1/import, multipart).

    Imported gateways get new IDs and security tokens; on-premises destinations new cloud ports.
    Example: gwctl sg import GATEWAY_FILE
    """
    name, data, parsed = read_json_file(file, "FILE")
    if not isinstance(parsed.get("gateways"), list) and not isinstance(parsed.get("desc"), str):
        raise UsageError(f"FILE {file}: neither a service.config (gateways) nor a .gateway file (desc)")
    api = client()
    result = api.import_file(name, data)
    imported = result.get("imported") if isinstance(result, dict) and "imported" in result else [result]
    rows = [r for r in imported if isinstance(r, dict)]
    for row in rows:
        gateway = row.get("gateway") or {}
        if gateway.get("_id") and gateway.get("jwt"):
            api.store_gateway_token(gateway["_id"], gateway["jwt"], gateway.get("expiry"))
    app_ctx = get_app()
    for row in rows:
        gateway = row.get("gateway") or {}
        app_ctx.err(f"imported gateway {gateway.get('_id')} with {len(row.get('destinations') or [])} destination(s)")

    def mask(value):
        if isinstance(value, dict):
            return {k: (masked(v) if k == "gateway" else mask(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return value

    if app_ctx.machine_output or app_ctx.opts.query:
        emit(mask(result))
    else:
        emit(mask(rows), IMPORT_COLUMNS)


@stats_app.command("stats")
def stats(
    gateway: Annotated[Optional[str], typer.Argument(metavar="[GATEWAY]", help="One gateway (ID or description); default all of the resource group.")] = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Show usage statistics of all gateways (GET /v1/stats) or of one (GET /v1/sgconfig/{gatewayID}/stats).

    The vendor documents no response shape: JSON output is the server's object as is.
    Example: gwctl sg stats qCTv6Onseiy_prod_us-south
    """
    if gateway_token_stdin and not gateway:
        raise UsageError("--gateway-token-stdin needs a GATEWAY")
    api = client(None, gateway_token_stdin)
    body = api.stats(resolve("gateways", gateway) if gateway else None)
    known = isinstance(body, dict) and "_id" in body or isinstance(body, list) and all(
        isinstance(i, dict) and "_id" in i for i in body)
    emit(body, STATS_COLUMNS if known else None)
