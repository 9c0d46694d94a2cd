"""`gwctl sg destinations`: the endpoints a gateway exposes, their activity, export/import and migration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, FromFileOpt, LimitOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import emit
from gwctl.cli.sg._shared import (
    CLIENT_TLS_MODES,
    DEST_COLUMNS,
    PROTOCOLS,
    TLS_MODES,
    DestArg,
    DisabledOpt,
    EnabledOpt,
    GatewayArg,
    GatewayTokenOpt,
    body_file,
    check_port,
    choice,
    client,
    emit_document,
    one_stdin_reader,
    read_json_file,
    report_activity,
    take,
    type_filter,
)
from gwctl.cli.flows import ItemResult, confirm, run_bulk
from gwctl.cli.input import read_ids, validate_body
from gwctl.errors import UsageError

app = product_app("destinations", "Secure Gateway destinations: list, create, update, delete, activate, export/import.")

DestIdsArg = Annotated[List[str], typer.Argument(metavar="DEST...", help="One or more destination IDs, or - to read them from stdin.")]
NameOpt = Annotated[Optional[str], typer.Option("--name", "-n", metavar="TEXT", help="Name of the destination (desc).")]
HostOpt = Annotated[Optional[str], typer.Option("--host", metavar="HOST", help="Endpoint host or IP (ip).")]
PortOpt = Annotated[Optional[int], typer.Option("--port", metavar="PORT", help="Endpoint port, 1-65535 (port).")]
ProtocolOpt = Annotated[Optional[str], typer.Option("--protocol", metavar="PROTO", help="TCP, UDP, TLS, HTTP or HTTPS (server default TCP).")]
TlsOpt = Annotated[Optional[str], typer.Option("--tls", metavar="MODE", help="Cert exchange with the calling app (TLS): none, serverside or mutualauth.")]
ClientTlsOpt = Annotated[Optional[str], typer.Option("--client-tls", metavar="MODE", help="TLS to the endpoint with a client cert (client_tls): none or mutualauth.")]
EndpointTlsOpt = Annotated[Optional[bool], typer.Option("--endpoint-tls/--no-endpoint-tls", help="Use TLS to connect to the endpoint (enable_client_tls).")]
PrivateOpt = Annotated[Optional[bool], typer.Option("--private/--public", help="Restrict cloud access with iptables rules (on-premises destinations only).")]
ClientPortOpt = Annotated[Optional[int], typer.Option("--client-port", metavar="PORT", help="Cloud destination: the port the SG client listens on (clientPort).")]
SniOpt = Annotated[Optional[str], typer.Option("--sni", metavar="NAME", help="Server name indication for the endpoint.")]
RejectOpt = Annotated[Optional[bool], typer.Option("--reject-unauth/--accept-unauth", help="Reject endpoint certs not signed by the uploaded CAs (rejectUnauth).")]
CompressOpt = Annotated[Optional[bool], typer.Option("--compress/--no-compress", help="Compress data between client and server (compressData).")]


def _body(from_file: str | None, *, name, host, port, protocol, tls, client_tls, endpoint_tls, private,
          client_port, sni, reject_unauth, compress, enabled=None) -> dict:
    check_port(port, "--port")
    check_port(client_port, "--client-port")
    body = body_file(from_file)
    flags = {
        "desc": name, "ip": host, "port": port, "protocol": choice(protocol, PROTOCOLS, "--protocol", upper=True),
        "TLS": choice(tls, TLS_MODES, "--tls"), "client_tls": choice(client_tls, CLIENT_TLS_MODES, "--client-tls"),
        "enable_client_tls": endpoint_tls, "private": private, "clientPort": client_port, "sni": sni,
        "rejectUnauth": reject_unauth, "compressData": compress, "enabled": enabled,
    }
    body.update({k: v for k, v in flags.items() if v is not None})
    return body


@app.command("list")
def list_destinations(
    gateway: GatewayArg,
    enabled: EnabledOpt = False,
    disabled: DisabledOpt = False,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """List a gateway's destinations (GET /v1/sgconfig/{gatewayID}/destinations).

    Example: gwctl sg destinations list qCTv6Onseiy_prod_us-south --enabled
    """
    kind = type_filter(enabled, disabled)
    emit(take(client(gateway, gateway_token_stdin).list_destinations(gateway, kind), limit, all_), DEST_COLUMNS)


@app.command("get")
def get_destination(gateway: GatewayArg, dest: DestArg, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Show one destination (GET /v1/sgconfig/{gatewayID}/destinations/{destinationID}).

    Example: gwctl sg destinations get qCTv6Onseiy_prod_us-south qCTv6Onseiy_qVuvq
    """
    emit(client(gateway, gateway_token_stdin).get_destination(gateway, dest), DEST_COLUMNS)


@app.command("create")
def create_destination(
    gateway: GatewayArg,
    name: NameOpt = None,
    host: HostOpt = None,
    port: PortOpt = None,
    protocol: ProtocolOpt = None,
    tls: TlsOpt = None,
    client_tls: ClientTlsOpt = None,
    endpoint_tls: EndpointTlsOpt = None,
    private: PrivateOpt = None,
    client_port: ClientPortOpt = None,
    sni: SniOpt = None,
    reject_unauth: RejectOpt = None,
    compress: CompressOpt = None,
    from_file: FromFileOpt = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Create a destination (POST /v1/sgconfig/{gatewayID}/destinations).

    --name, --host and --port are required (or desc, ip, port in --from-file). With
    --client-port it is a cloud destination (the SG client listens on that port);
    otherwise an on-premises one that gets a cloud host:port. The --from-file body takes
    every field of the api notes (ipRules, proxy, enforceProxy, timeout, clientCerts,
    serverCert, destCerts...); flags override it.
    Example: gwctl sg destinations create GATEWAY --name "Orders DB" --host 10.0.0.5 --port 5432 --private
    """
    from gwctl.cli.sg.models import DestinationCreate

    one_stdin_reader(gateway_token_stdin, ("--from-file", from_file == "-"))
    body = _body(from_file, name=name, host=host, port=port, protocol=protocol, tls=tls, client_tls=client_tls,
                 endpoint_tls=endpoint_tls, private=private, client_port=client_port, sni=sni,
                 reject_unauth=reject_unauth, compress=compress)
    for field, flag in (("desc", "--name"), ("ip", "--host"), ("port", "--port")):
        if body.get(field) in (None, ""):
            raise UsageError(f"missing option {flag} (or {field} in --from-file)")
    body = validate_body(DestinationCreate, body, source="destination")
    result = client(gateway, gateway_token_stdin).create_destination(gateway, body)
    get_app().err(f"created destination {result.get('_id') if isinstance(result, dict) else ''}")
    emit(result, DEST_COLUMNS)


@app.command("update")
def update_destination(
    gateway: GatewayArg,
    dest: DestArg,
    name: NameOpt = None,
    host: HostOpt = None,
    port: PortOpt = None,
    protocol: ProtocolOpt = None,
    tls: TlsOpt = None,
    client_tls: ClientTlsOpt = None,
    endpoint_tls: EndpointTlsOpt = None,
    private: PrivateOpt = None,
    client_port: ClientPortOpt = None,
    sni: SniOpt = None,
    reject_unauth: RejectOpt = None,
    compress: CompressOpt = None,
    enable: Annotated[Optional[bool], typer.Option("--enable/--disable", help="Enable or disable the destination (enabled).")] = None,
    from_file: FromFileOpt = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Update a destination (PUT /v1/sgconfig/{gatewayID}/destinations/{destinationID}).

    Only the given fields are sent. The seed's two "auto-regenerate cert" flags have no
    documented names: put them in --from-file if you know them (use `certs regenerate`).
    Example: gwctl sg destinations update GATEWAY DEST --port 5433 --disable
    """
    from gwctl.cli.sg.models import DestinationUpdate

    one_stdin_reader(gateway_token_stdin, ("--from-file", from_file == "-"))
    body = _body(from_file, name=name, host=host, port=port, protocol=protocol, tls=tls, client_tls=client_tls,
                 endpoint_tls=endpoint_tls, private=private, client_port=client_port, sni=sni,
                 reject_unauth=reject_unauth, compress=compress, enabled=enable)
    if not body:
        raise UsageError("nothing to update: pass a field flag or --from-file")
    body = validate_body(DestinationUpdate, body, source="destination")
    result = client(gateway, gateway_token_stdin).update_destination(gateway, dest, body)
    get_app().err(f"updated destination {dest}")
    emit(result, DEST_COLUMNS)


@app.command("delete")
def delete_destinations(
    gateway: GatewayArg,
    ids: DestIdsArg,
    bulk: Annotated[bool, typer.Option("--bulk", help="Delete them all in one request (DELETE .../bulkDestinations).")] = False,
    yes: YesOpt = False,
    concurrency: ConcurrencyOpt = 4,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Delete destinations, one request each or all in one with --bulk.

    DELETE /v1/sgconfig/{gatewayID}/destinations/{destinationID}, or with --bulk
    DELETE /v1/sgconfig/{gatewayID}/bulkDestinations (all or nothing).
    Example: gwctl sg destinations delete GATEWAY DEST1 DEST2 --bulk --yes
    """
    one_stdin_reader(gateway_token_stdin, ("DEST", "-" in ids))
    api = client(gateway, gateway_token_stdin)
    dest_ids = read_ids(ids)
    what = dest_ids[0] if len(dest_ids) == 1 else f"{len(dest_ids)} destinations"
    confirm(f"Delete {what} of gateway {gateway}?", yes)
    if not bulk:
        run_bulk(dest_ids, lambda d: api.delete_destination(gateway, d), verb="deleted", noun="destination",
                 concurrency=concurrency)
        return
    api.bulk_delete_destinations(gateway, dest_ids)
    app_ctx = get_app()
    for dest_id in dest_ids:
        app_ctx.err(f"deleted destination {dest_id}")
    if app_ctx.machine_output:
        emit([ItemResult(d, True) for d in dest_ids])


def _activity(gateway: str, ids: list[str], active: bool, token_stdin: bool) -> None:
    one_stdin_reader(token_stdin, ("DEST", "-" in ids))
    api = client(gateway, token_stdin)
    dest_ids = read_ids(ids)
    result = api.set_destination_activity(gateway, dest_ids if active else [], [] if active else dest_ids)
    report_activity(result, "destination")


@app.command("activate")
def activate(gateway: GatewayArg, ids: DestIdsArg, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Make destinations active in one request (PUT /v1/sgconfig/{gatewayID}/setActivity, setActive).

    Example: gwctl sg destinations activate GATEWAY DEST
    """
    _activity(gateway, ids, True, gateway_token_stdin)


@app.command("deactivate")
def deactivate(gateway: GatewayArg, ids: DestIdsArg, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Make destinations inactive (not billed; they lose their cloud port) (PUT .../setActivity, setInactive).

    Example: gwctl sg destinations deactivate GATEWAY DEST
    """
    _activity(gateway, ids, False, gateway_token_stdin)


@app.command("export")
def export_destination(
    gateway: GatewayArg,
    dest: DestArg,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the .destination file to FILE (0600) instead of stdout.")] = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Export a destination as a .destination file (GET .../destinations/{destinationID}/export).

    The file embeds certificate contents and keys, so --out writes it 0600.
    Example: gwctl sg destinations export GATEWAY DEST --out orders.destination
    """
    body = client(gateway, gateway_token_stdin).export_destination(gateway, dest)
    emit_document(body, out, f"destination {dest}")


@app.command("import")
def import_destination(
    gateway: GatewayArg,
    file: Annotated[str, typer.Argument(metavar="FILE", help=".destination file to upload, or - for stdin.")],
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Re-create a destination from a .destination file (PUT /v1/sgconfig/{gatewayID}/destinations/import, multipart).

    The new destination gets a new ID (and, on-premises, a new cloud port).
    Example: gwctl sg destinations import GATEWAY orders.destination
    """
    from gwctl.cli.sg.models import DestinationCreate

    one_stdin_reader(gateway_token_stdin, ("FILE", file == "-"))
    name, data, parsed = read_json_file(file, "FILE")
    validate_body(DestinationCreate, parsed, source=f"FILE {file}")
    result = client(gateway, gateway_token_stdin).import_destination(gateway, name, data)
    get_app().err(f"imported destination {result.get('_id') if isinstance(result, dict) else ''}")
    emit(result, DEST_COLUMNS)


@app.command("migrate")
def migrate_destination(
    gateway: GatewayArg,
    dest: DestArg,
    connector_id: Annotated[Optional[str], typer.Option("--connector-id", metavar="ID", help="Satellite Connector ID.")] = None,
    apikey_stdin: Annotated[bool, typer.Option("--apikey-stdin", help="Read an API key with access to the Connector from stdin (else GWCTL_SG_CONNECTOR_APIKEY, else this profile's IAM token is sent as `token`).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Rename the destination if it breaks the endpoint naming policy (force=true).")] = False,
    from_file: FromFileOpt = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Migrate one destination to a Satellite Connector (PUT .../destinations/{destinationID}/migrate2connector).

    Exits 10 when the server reports the destination as not migrated (the reason is printed).
    Example: gwctl sg destinations migrate GATEWAY DEST --connector-id A2FbRF... --force
    """
    from gwctl.cli.sg.gateways import emit_migration, migration_body

    one_stdin_reader(gateway_token_stdin, ("--from-file", from_file == "-"), ("--apikey-stdin", apikey_stdin))
    api = client(gateway, gateway_token_stdin)
    body = migration_body(connector_id, apikey_stdin, from_file, api)
    emit_migration(api.migrate_destination(gateway, dest, body, force))
