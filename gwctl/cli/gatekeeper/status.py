"""`gwctl gatekeeper status`: the instance's status, and with --peers every HA peer's.

Plain click (no Typer): it is what monitoring runs every minute.
"""

from __future__ import annotations

import click

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.errors import ServerError

STATUS_COLUMNS = (Column("id", "id", header="ID"),
                  Column("state", lambda s: "unsealed" if s.get("unsealed") else "SEALED", header="STATE", kind="state"),
                  Column("version", "version"), Column("uptime", "uptime", kind="duration"),
                  Column("started", "started", kind="timestamp"),
                  Column("requests", "stats.requests"), Column("successful", "stats.successful"),
                  Column("denied", "stats.denied"), Column("failed", "stats.failed"),
                  Column("peers", lambda s: len(s["peers"]) if isinstance(s.get("peers"), list) else 0,
                         header="PEERS"))
PEER_COLUMNS = (
    Column("id", "id", header="PEER_ID"),
    Column("address", "address"),
    Column("state", lambda p: "unsealed" if p.get("unsealed") else "SEALED", header="STATE", kind="state"),
    Column("version", "version", default=False),
)
PEERS_STATUS_COLUMNS = (Column("address", "address"), Column("id", "id", header="PEER_ID"),
                        Column("state", "state", kind="state"), Column("version", "version"),
                        Column("uptime", "uptime"), Column("error", "error"))
SEALED_HINT = ("unseal it with a Vault token on stdin: "
               "`printf '%s\\n' \"$VAULT_TOKEN\" | gwctl gatekeeper unseal --method token --token-stdin`")


def peer_states(client) -> list[dict]:
    """Each HA peer's own /status, this instance first: reachable or not, sealed or not."""
    own = probe(client.status)
    rows = [peer_row(get_app().profile("gatekeeper").url, own)]
    for address in client.peer_addresses(own.get("status") or {"peers": []}):
        rows.append(peer_row(address, probe(lambda: client.peer_status(address))))
    return rows


def probe(call) -> dict:
    """{"status": body} or, when the peer cannot answer (refused, timed out, a proxy's 5xx), {"error": ...}."""
    from gwctl.errors import NetworkError, ServerError, TimeoutError_

    try:
        return {"status": call()}
    except (NetworkError, TimeoutError_, ServerError) as exc:
        return {"error": exc.message}


def peer_row(address: str, probed: dict) -> dict:
    body = probed.get("status")
    if not isinstance(body, dict):
        return {"address": address, "id": None, "reachable": False, "unsealed": False, "state": "UNREACHABLE",
                "version": None, "uptime": None, "started": None, "error": probed.get("error")}
    unsealed = bool(body.get("unsealed"))
    return {"address": address, "id": body.get("id"), "reachable": True, "unsealed": unsealed,
            "state": "unsealed" if unsealed else "SEALED", "version": body.get("version"),
            "uptime": body.get("uptime"), "started": body.get("started"), "error": None}


def _not_serving(rows: list[dict]) -> list[dict]:
    return [r for r in rows if not (r["reachable"] and r["unsealed"])]


@click.command("status")
@click.option("--check", is_flag=True, help="Exit 8 when the instance (with --peers: any peer) is sealed "
                                            "or unreachable (for monitoring).")
@click.option("--peers", is_flag=True, help="Ask every HA peer for its own status (the profile's "
                                            "--peer-urls, else the peers the instance reports).")
def status(check: bool, peers: bool) -> None:
    """Show the instance's status, stats and peers (GET /status).

    A sealed instance answers 503 with the same body: gwctl shows it, says SEALED on
    stderr and exits 0 (8 with --check). With --peers, one row per peer from its own
    GET /status: state (unsealed, SEALED or UNREACHABLE), version and uptime.

    Examples:
      gwctl gatekeeper status
      gwctl gatekeeper status --peers --check
    """
    app_ctx = get_app()
    client = app_ctx.client("gatekeeper")
    if peers:
        rows = peer_states(client)
        emit(rows, PEERS_STATUS_COLUMNS)
        bad = _not_serving(rows)
        if bad:
            summary = ", ".join(f"{r['address']} {r['state']}" for r in bad)
            if check:
                raise ServerError(f"{len(bad)} of {len(rows)} Gatekeeper peers cannot serve tokens: {summary}",
                                  hint=SEALED_HINT)
            app_ctx.warn(f"{len(bad)} of {len(rows)} Gatekeeper peers cannot serve tokens: {summary}")
        return
    body = client.status()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(body)
    else:
        emit(body, STATUS_COLUMNS)
        reported = body.get("peers")
        listed = [p for p in reported if isinstance(p, dict)] if isinstance(reported, list) else []
        if listed:
            app_ctx.out()
            emit(listed, PEER_COLUMNS)
    if not body.get("unsealed"):
        if check:
            raise ServerError("Gatekeeper is SEALED", hint=SEALED_HINT, http_status=503)
        app_ctx.warn(f"Gatekeeper is SEALED: it will refuse token requests; {SEALED_HINT}")
