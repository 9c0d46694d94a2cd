"""`gwctl api7 ssls`: TLS certificates of a gateway group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, GatewayGroupOpt, IdsArg, LabelFilterOpt, LimitOpt, OrderByOpt,
    SearchOpt, SetLabelOpt, YesOpt, DEFAULT_LIMIT, Column, build_body, client, cols, delete_items, gg_id, list_params,
    optional_gg, parse_labels, product_app, show, show_list, ts,
)
from gwctl.errors import UsageError

app = product_app("ssls", "TLS certificates (SSL objects) of a gateway group.")

COLUMNS = cols("id", "snis", "type", "status", ts("validity-end"), ts("updated-at"),
               Column("labels", "labels", default=False), ts("validity-start", default=False))
SslArg = Annotated[str, typer.Argument(metavar="SSL_ID", help="SSL object ID.")]
CertOpt = Annotated[Optional[Path], typer.Option("--cert", metavar="FILE", help="PEM certificate file.")]
KeyOpt = Annotated[Optional[Path], typer.Option("--key", metavar="FILE", help="PEM private key file.")]
SniOpt = Annotated[Optional[List[str]], typer.Option("--sni", metavar="HOST", help="SNI to match (repeatable).")]
TypeOpt = Annotated[Optional[str], typer.Option("--type", metavar="server|client", help="server (clients) or client (upstream mTLS).")]
CaOpt = Annotated[Optional[Path], typer.Option("--client-ca", metavar="FILE", help="CA for client certificate verification (mTLS).")]


def _read(path: Optional[Path], flag: str) -> Optional[str]:
    if path is None:
        return None
    try:
        return path.read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {flag} {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{flag} {path} is not a PEM text file") from None


def _fields(cert, key, sni, type_, label, client_ca, status) -> dict[str, Any]:
    key_text = _read(key, "--key")
    if key_text:
        client().learn(key_text.strip())
    ca = _read(client_ca, "--client-ca")
    return {"cert": _read(cert, "--cert"), "key": key_text, "snis": sni or None, "type": type_,
            "labels": parse_labels(label) or None, "client": {"ca": ca} if ca else None, "status": status}


def _path(ssl_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.ssls if ssl_id is None else f"{paths.ssls}/{seg(ssl_id)}"


@app.command("list")
def list_(gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          search: SearchOpt = None, label: LabelFilterOpt = None, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List the certificates of a gateway group (GET /apisix/admin/ssls).

    Example: gwctl api7 ssls list -g default
    """
    show_list(_path(), COLUMNS, list_params(search, label, order_by, direction, gateway_group_id=gg_id(gateway_group)),
              limit, all_)


@app.command("get")
def get(ssl_id: SslArg) -> None:
    """Show a certificate (GET /apisix/admin/ssls/{id}).

    Example: gwctl api7 ssls get SSL_ID
    """
    show(client().get(_path(ssl_id)), COLUMNS)


@app.command("create")
def create(cert: CertOpt = None, key: KeyOpt = None, sni: SniOpt = None, gateway_group: GatewayGroupOpt = None,
           type_: TypeOpt = None, label: SetLabelOpt = None, client_ca: CaOpt = None,
           status: Annotated[Optional[int], typer.Option("--status", metavar="0|1", help="0 = active, 1 = inactive (3.2.11 docs).")] = None,
           from_file: FromFileOpt = None) -> None:
    """Add a certificate to a gateway group (POST /apisix/admin/ssls).

    Example: gwctl api7 ssls create --cert site.crt --key site.key --sni www.example.com -g default
    """
    body = build_body("SslWrite", from_file, _fields(cert, key, sni, type_, label, client_ca, status))
    show(client().create(_path(), body, params={"gateway_group_id": gg_id(gateway_group)}), COLUMNS)


@app.command("update")
def update(ssl_id: SslArg, cert: CertOpt = None, key: KeyOpt = None, sni: SniOpt = None,
           gateway_group: GatewayGroupOpt = None, type_: TypeOpt = None, label: SetLabelOpt = None,
           client_ca: CaOpt = None,
           status: Annotated[Optional[int], typer.Option("--status", metavar="0|1", help="0 = active, 1 = inactive (3.2.11 docs).")] = None,
           from_file: FromFileOpt = None) -> None:
    """Replace a certificate (PUT /apisix/admin/ssls/{id}); the whole object: give --cert and --key.

    Example: gwctl api7 ssls update SSL_ID --cert new.crt --key new.key --sni www.example.com
    """
    body = build_body("SslWrite", from_file, _fields(cert, key, sni, type_, label, client_ca, status))
    show(client().replace(_path(ssl_id), body, params={"gateway_group_id": optional_gg(gateway_group)}), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete certificates (DELETE /apisix/admin/ssls/{id}).

    Example: gwctl api7 ssls delete SSL_ID --yes
    """
    api = client()
    delete_items(ids, "ssl", yes, concurrency, lambda sid: api.remove(_path(sid)))
