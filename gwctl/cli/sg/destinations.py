"""`gwctl sg destinations`: Secure Gateway's own destination verbs (activity, export/import, migration).
list/get/create/update/delete come from the declaration (gwctl.resources.sg.DESTINATIONS); every verb
names the gateway with --gateway/-g (ID or description) and the destination by ID or name."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.render import emit
from gwctl.cli.sg.documents import emit_document, read_json_file
from gwctl.cli.sg.resource_hooks import (
    DestArg,
    GatewayOpt,
    GatewayTokenOpt,
    gateway_of,
    one_stdin_reader,
    report_activity,
    resolve,
)
from gwctl.cli.input import read_ids, validate_body
from gwctl.resources.sg import DEST_COLUMNS

app = product_app("destinations", "Secure Gateway destinations: activate, export/import, migrate.")

DestIdsArg = Annotated[List[str], typer.Argument(metavar="DEST...", help="Destination IDs or names, or - to read them from stdin.")]


def _activity(gateway: str, ids: list[str], active: bool, token_stdin: bool) -> None:
    one_stdin_reader(token_stdin, ("DEST", "-" in ids))
    api, gateway_id = gateway_of(gateway, token_stdin)
    dest_ids = list(dict.fromkeys(resolve("destinations", ref, gateway=gateway_id) for ref in read_ids(ids)))
    result = api.set_destination_activity(gateway_id, dest_ids if active else [], [] if active else dest_ids)
    report_activity(result, "destination")


@app.command("activate")
def activate(ids: DestIdsArg, gateway: GatewayOpt, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Make destinations active in one request (PUT /v1/sgconfig/{gatewayID}/setActivity, setActive).

    Example: gwctl sg destinations activate DEST -g GATEWAY
    """
    _activity(gateway, ids, True, gateway_token_stdin)


@app.command("deactivate")
def deactivate(ids: DestIdsArg, gateway: GatewayOpt, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Make destinations inactive (not billed; they lose their cloud port) (PUT .../setActivity, setInactive).

    Example: gwctl sg destinations deactivate DEST -g GATEWAY
    """
    _activity(gateway, ids, False, gateway_token_stdin)


@app.command("export")
def export_destination(
    dest: DestArg,
    gateway: GatewayOpt,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the .destination file to FILE (0600) instead of stdout.")] = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Export a destination as a .destination file (GET .../destinations/{destinationID}/export).

    The file embeds certificate contents and keys, so --out writes it 0600.
    Example: gwctl sg destinations export DEST -g GATEWAY --out orders.destination
    """
    api, gateway_id = gateway_of(gateway, gateway_token_stdin)
    dest_id = resolve("destinations", dest, gateway=gateway_id)
    emit_document(api.export_destination(gateway_id, dest_id), out, f"destination {dest_id}")


@app.command("import")
def import_destination(
    file: Annotated[str, typer.Argument(metavar="FILE", help=".destination file to upload, or - for stdin.")],
    gateway: GatewayOpt,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Re-create a destination from a .destination file (PUT /v1/sgconfig/{gatewayID}/destinations/import, multipart).

    The new destination gets a new ID (and, on-premises, a new cloud port).
    Example: gwctl sg destinations import DEST_FILE -g GATEWAY
    """
    from gwctl.cli.flows import report_done
    from gwctl.cli.sg.models import DestinationCreate
    from gwctl.resources.sg import DESTINATIONS

    one_stdin_reader(gateway_token_stdin, ("FILE", file == "-"))
    name, data, parsed = read_json_file(file, "FILE")
    validate_body(DestinationCreate, parsed, source=f"FILE {file}")
    api, gateway_id = gateway_of(gateway, gateway_token_stdin)
    result = api.import_destination(gateway_id, name, data)
    report_done("imported", "destination", DESTINATIONS.label(result if isinstance(result, dict) else {}))
    emit(result, DEST_COLUMNS)


@app.command("migrate")
def migrate_destination(
    dest: DestArg,
    gateway: GatewayOpt,
    connector_id: Annotated[Optional[str], typer.Option("--connector-id", metavar="ID", help="Satellite Connector ID.")] = None,
    apikey_stdin: Annotated[bool, typer.Option("--apikey-stdin", help="Read an API key with access to the Connector from stdin (else GWCTL_SG_CONNECTOR_APIKEY, else this profile's IAM token is sent as `token`).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Rename the destination if it breaks the endpoint naming policy (force=true).")] = False,
    from_file: FromFileOpt = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Migrate one destination to a Satellite Connector (PUT .../destinations/{destinationID}/migrate2connector).

    Exits 10 when the server reports the destination as not migrated (the reason is printed).
    Example: gwctl sg destinations migrate DEST -g GATEWAY --connector-id A2FbRF... --force
    """
    from gwctl.cli.sg.gateways import emit_migration, migration_body

    one_stdin_reader(gateway_token_stdin, ("--from-file", from_file == "-"), ("--apikey-stdin", apikey_stdin))
    api, gateway_id = gateway_of(gateway, gateway_token_stdin)
    dest_id = resolve("destinations", dest, gateway=gateway_id)
    body = migration_body(connector_id, apikey_stdin, from_file, api)
    emit_migration(api.migrate_destination(gateway_id, dest_id, body, force))
