"""`gwctl sg clients`: the Secure Gateway clients connected to a gateway, their logs, installers."""

from __future__ import annotations

from typing import Annotated, Callable, List, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, LimitOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.cli.sg.resource_hooks import GatewayOpt, GatewayTokenOpt, client, gateway_of, one_stdin_reader, take
from gwctl.cli.input import read_ids
from gwctl.errors import UsageError
from gwctl.resources.sg import epoch_ms

app = product_app("clients", "Secure Gateway clients: list, status, disconnect, logs, installers.")

CLIENT_COLUMNS = cols(Column("id", "id", header="ID"), "version", "version_detail", "host", "type")
RECENT_COLUMNS = (Column("id", "id", header="ID"), Column("disconnected", lambda c: epoch_ms(c.get("disconnectedAt"))))
LOG_COLUMNS = cols("client", "level", "time", "message")
INSTALLER_COLUMNS = cols("description", Column("url", "url", header="URL"))
ClientArg = Annotated[str, typer.Argument(metavar="CLIENT", help="Client ID (e.g. qCTv6Onseiy_5pa).")]


def _gateway_listing(fetch: str, columns) -> Callable[..., None]:
    """A list of something a gateway reports (its clients, the recently disconnected ones)."""
    def command(gateway: GatewayOpt, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
                gateway_token_stdin: GatewayTokenOpt = False) -> None:
        api, gateway_id = gateway_of(gateway, gateway_token_stdin)
        emit(take(getattr(api, fetch)(gateway_id), limit, all_), columns)
    return command


app.command("list", help="List the clients connected to a gateway (GET /v1/sgconfig/{gatewayID}/clients).\n\n"
            "Example: gwctl sg clients list -g qCTv6Onseiy_prod_us-south")(_gateway_listing("list_clients", CLIENT_COLUMNS))
app.command("recent", help="List clients that disconnected recently, up to ten "
            "(GET /v1/sgconfig/{gatewayID}/disconnectedClients).\n\n"
            "Example: gwctl sg clients recent -g qCTv6Onseiy_prod_us-south")(
    _gateway_listing("disconnected_clients", RECENT_COLUMNS))


@app.command("get")
def get_client(client_id: ClientArg, gateway: GatewayOpt, gateway_token_stdin: GatewayTokenOpt = False) -> None:
    """Show whether a client is Connected or Disconnected (GET /v1/sgconfig/{gatewayID}/clients/{clientID}).

    Example: gwctl sg clients get qCTv6Onseiy_5pa -g qCTv6Onseiy_prod_us-south
    """
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    state = api.client_status(gateway, client_id)
    if isinstance(state, str):
        state = {"id": client_id, "status": state}
    emit(state, cols(Column("id", "id", header="ID"), "status") if isinstance(state, dict) and "status" in state else None)


@app.command("disconnect")
def disconnect(
    ids: Annotated[List[str], typer.Argument(metavar="CLIENT...", help="Client IDs, or - to read them from stdin.")],
    gateway: GatewayOpt,
    yes: YesOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Disconnect clients in one request (DELETE /v1/sgconfig/{gatewayID}/clients with deleteList).

    Needs client version 1.4.2 or later. Example: gwctl sg clients disconnect CLIENT -g GATEWAY --yes
    """
    from gwctl.cli.flows import confirm_change

    one_stdin_reader(gateway_token_stdin, ("CLIENT", "-" in ids))
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    client_ids = read_ids(ids)
    confirm_change("disconnect", "client", "clients", client_ids, yes, consequence=f"from gateway {gateway}")
    result = api.disconnect_clients(gateway, client_ids)
    app_ctx = get_app()
    for client_id in client_ids:
        app_ctx.err(f"disconnected client {client_id}")
    if app_ctx.machine_output and result not in (None, ""):
        emit(result)


@app.command("logs")
def logs(
    gateway: GatewayOpt,
    level: Annotated[Optional[str], typer.Option("--type", metavar="warn|error", help="Only warnings or only errors.")] = None,
    client_id: Annotated[Optional[str], typer.Option("--client", metavar="ID", help="Only this client (clientID).")] = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Show the warnings and errors clients reported (GET /v1/sgconfig/{gatewayID}/clientLogs).

    Some messages may be missing; the client's own log has them all. JSON output is the
    server's object ({client: {warnings: {time: msg}, errors: {...}}}); the table has one row per message.
    Example: gwctl sg clients logs -g GATEWAY --type error
    """
    if level is not None and level not in ("warn", "error"):
        raise UsageError(f"invalid --type {level!r}: choose from warn, error")
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    body = api.client_logs(gateway, level, client_id)
    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query or not isinstance(body, dict):
        emit(body)
        return
    from gwctl.api.base import as_dict

    rows = []
    for cid, entry in body.items():
        for key, name in (("warnings", "warn"), ("errors", "error")):
            for stamp, message in as_dict(as_dict(entry).get(key)).items():
                when = epoch_ms(int(stamp)) if str(stamp).isdigit() else stamp
                rows.append({"client": cid, "level": name, "time": when, "message": message})
    rows.sort(key=lambda r: str(r["time"]))
    emit(take(rows, limit, all_), LOG_COLUMNS)


@app.command("installers")
def installers(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the client installers IBM offers (GET /v1/getClientList).

    Example: gwctl sg clients installers
    """
    emit(take(client().installers(), limit, all_), INSTALLER_COLUMNS)
