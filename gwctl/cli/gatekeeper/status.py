"""`gwctl gatekeeper status`: a plain click command (no Typer to import on the path monitoring polls)."""

from __future__ import annotations

import click

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.errors import ServerError

STATUS_COLUMNS = (Column("id", "id", header="ID"),
                  Column("state", lambda s: "unsealed" if s.get("unsealed") else "SEALED", header="STATE"),
                  Column("version", "version"), Column("uptime", "uptime"), Column("started", "started"),
                  Column("requests", "stats.requests"), Column("successful", "stats.successful"),
                  Column("denied", "stats.denied"), Column("failed", "stats.failed"),
                  Column("peers", lambda s: len(s.get("peers") or []), header="PEERS"))
PEER_COLUMNS = (
    Column("id", "id", header="PEER_ID"),
    Column("address", "address"),
    Column("state", lambda p: "unsealed" if p.get("unsealed") else "SEALED", header="STATE"),
    Column("version", "version", default=False),
)
SEALED_HINT = "unseal it with `gwctl gatekeeper unseal --method ...`"


def _client():
    return get_app().client("gatekeeper")


@click.command("status", context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--check", is_flag=True, help="Exit 8 when the instance is sealed (for monitoring).")
def status(check: bool) -> None:
    """Show the instance's status, stats and peers (GET /status).

    A sealed instance answers 503 with the same body: gwctl shows it, says SEALED on
    stderr and exits 0 (8 with --check).
    """
    app_ctx = get_app()
    body = _client().status()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(body)
    else:
        emit(body, STATUS_COLUMNS)
        peers = body.get("peers") or []
        if peers:
            app_ctx.out()
            emit(peers, PEER_COLUMNS)
    if not body.get("unsealed"):
        if check:
            raise ServerError("Gatekeeper is SEALED", hint=SEALED_HINT, http_status=503)
        app_ctx.err(f"warning: Gatekeeper is SEALED: it will refuse token requests; {SEALED_HINT}")
