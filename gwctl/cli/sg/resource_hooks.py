"""Secure Gateway's hooks into the generic verbs (gwctl.cli.verbs), and what its own verbs share:
the client, the --gateway scope (a name or ID), the operator's --gateway-token-stdin, activity
reports, masking of security tokens."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import click

from gwctl.cli.context import get_app
from gwctl.errors import UsageError
from gwctl.resources.sg import masked

GATEWAY_HELP = "Gateway (ID or description) the destination belongs to."
TOKEN_STDIN_HELP = ("Read the gateway's security token from stdin instead of taking it from the gateway listing "
                    "(for accounts whose API key may not list gateways); it is used for this call only.")



def __getattr__(name: str) -> Any:
    """The Typer parameter types of the product's own verbs, built on first use: the generic verbs'
    hooks below load without Typer."""
    if name not in ("GatewayArg", "GatewayOpt", "DestArg", "GatewayTokenOpt"):
        raise AttributeError(name)
    import typer

    params = {
        "GatewayArg": Annotated[str, typer.Argument(metavar="GATEWAY", help="Gateway ID or description.")],
        "GatewayOpt": Annotated[str, typer.Option("--gateway", "-g", metavar="NAME|ID", help=GATEWAY_HELP)],
        "DestArg": Annotated[str, typer.Argument(metavar="DEST", help="Destination ID or name (e.g. qCTv6Onseiy_qVuvq).")],
        "GatewayTokenOpt": Annotated[bool, typer.Option("--gateway-token-stdin", help=TOKEN_STDIN_HELP)],
    }
    globals()[name] = params[name]
    return params[name]


def client(gateway_id: str | None = None, token_stdin: bool = False) -> Any:
    """The sg API client; with ``token_stdin`` the gateway's security token is read from stdin first,
    for ``gateway_id`` or (None) for the one gateway the command addresses."""
    api = get_app().client("sg")
    if token_stdin:
        token = sys.stdin.readline().strip()
        if not token:
            raise UsageError("--gateway-token-stdin: stdin was empty",
                             hint="IDs (-) and --from-file - read stdin too: pass those by name")
        api.use_gateway_token(gateway_id, token)
    return api


def resolve(noun: str, ref: str, **values: Any) -> str:
    """The ID of a gateway (or, with gateway=..., a destination) named by its ID or description."""
    from gwctl.cli.lookup import Lookup
    from gwctl.resources import resource

    return Lookup(get_app().client("sg"), resource("sg", noun), **values).resolve(ref)


def gateway_of(ref: str, token_stdin: bool = False) -> tuple[Any, str]:
    """(client, gateway ID) for a hand-written verb's GATEWAY."""
    api = client(None, token_stdin)
    return api, resolve("gateways", ref)


def one_stdin_reader(token_stdin: bool, *uses: tuple[str, bool]) -> None:
    """Refuse two readers of stdin (the gateway token and an input file or ID list)."""
    if not token_stdin:
        return
    for flag, reads in uses:
        if reads:
            raise UsageError(f"--gateway-token-stdin and {flag} - both read stdin: pass the file by name")


def take(items: Any, limit: int, all_: bool) -> Any:
    """A whole-list answer cut to --limit client-side."""
    from gwctl.cli.input import limit_of

    wanted = limit_of(limit, all_)
    return items[:wanted] if wanted is not None and isinstance(items, list) else items


def masked_all(items: Any) -> Any:
    return [masked(g) for g in items] if isinstance(items, list) else masked(items)


def report_activity(result: Any, noun: str) -> None:
    """stderr lines for a setActivity answer; the answer itself for machine output."""
    from gwctl.cli.render import emit

    app = get_app()
    if isinstance(result, dict):
        for key, verb in (("activated", "activated"), ("deactivated", "deactivated")):
            for item in result.get(key) or ():
                item_id = item.get("_id") if isinstance(item, dict) else item
                app.err(f"{verb} {noun} {item_id}")
        for item in result.get("unchanged") or ():
            app.err(f"{noun} {item} was already in that state")
    if app.machine_output or app.opts.query:
        if noun == "gateway" and isinstance(result, dict):
            result = {k: masked_all(v) for k, v in result.items()}
        emit(result)


# --- hooks -----------------------------------------------------------------------------------------

def options(res: Any, verb: str) -> list[click.Parameter]:
    params: list[click.Parameter] = []
    if res.noun == "destinations":
        params.append(click.Option(["--gateway", "-g", "gateway"], required=True, metavar="NAME|ID",
                                   help=GATEWAY_HELP))
    if res.noun == "destinations" or verb in ("get", "update"):
        params.append(click.Option(["--gateway-token-stdin", "gateway_token_stdin"], is_flag=True,
                                   help=TOKEN_STDIN_HELP))
    if res.noun == "destinations" and verb == "delete":
        params.append(click.Option(["--bulk", "bulk"], is_flag=True,
                                   help="Delete them all in one request (DELETE .../bulkDestinations)."))
    if res.noun == "gateways" and verb == "create":
        from pathlib import Path

        params.append(click.Option(["--out", "token_out"], type=click.Path(path_type=Path), metavar="FILE",
                                   help="Write the new gateway's security token to FILE (0600, atomic)."))
        params.append(click.Option(["--token-out", "token_out_alias"], type=click.Path(path_type=Path), hidden=True))
    return params


def prepare(res: Any, verb: str, extra: dict[str, Any]) -> dict[str, Any]:
    client(None, bool(extra.get("gateway_token_stdin")))
    if res.noun == "destinations":
        return {"gateway": resolve("gateways", extra["gateway"])}
    return {}


def list_params(res: Any, params: dict[str, Any], extra: dict[str, Any], api: Any) -> dict[str, Any]:
    if params.get("type") is not None:  # --enabled/--disabled
        params["type"] = "enabled" if params["type"] else "disabled"
    return params


def shown(res: Any) -> Any:
    return masked if res.noun == "gateways" else None


def result(res: Any, verb: str, item: Any, extra: dict[str, Any], api: Any) -> bool:
    """A created gateway's security token: cached for later calls, and written to --token-out."""
    if res.noun == "gateways" and verb == "create" and isinstance(item, dict) and item.get("_id") \
            and item.get("jwt"):
        api.store_gateway_token(item["_id"], item["jwt"], item.get("expiry"))
        token_out = extra.get("token_out") or extra.get("token_out_alias")
        if token_out is not None:
            from gwctl.cli.secret_output import write_secret_file

            write_secret_file(token_out, item["jwt"])
            get_app().err(f"wrote the security token to {token_out} (mode 0600)")
    return False


def delete_all(res: Any, ids: list[str], extra: dict[str, Any], api: Any, values: dict[str, Any]) -> bool:
    """destinations delete --bulk: one request for all (all or nothing)."""
    if not extra.get("bulk"):
        return False
    from gwctl.cli.flows import ItemResult
    from gwctl.cli.render import emit

    api.bulk_delete_destinations(values["gateway"], ids)
    app = get_app()
    for dest_id in ids:
        app.err(f"deleted destination {dest_id}")
    if app.machine_output:
        emit([ItemResult(d, True) for d in ids])
    return True
