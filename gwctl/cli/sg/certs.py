"""`gwctl sg certs`: download, upload, delete and regenerate a destination's certificates."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.cli.sg.documents import read_local_file, write_file
from gwctl.cli.sg.resource_hooks import DestArg, GatewayOpt, GatewayTokenOpt, gateway_of, resolve
from gwctl.errors import UsageError
from gwctl.resources.sg import DEST_COLUMNS

app = product_app("certs", "Secure Gateway destination certificates: download, upload, delete, regenerate.")

CERT_COLUMNS = (
    Column("name", "name"),
    Column("bytes", lambda c: len(c.get("contents") or ""), header="BYTES"),
    Column("kind", lambda c: "key" if "PRIVATE KEY" in (c.get("contents") or "") else "cert"),
)
CERT_STATE_COLUMNS = DEST_COLUMNS[:3] + (
    Column("server-cert", "cert.server_cert", header="SERVER_CERT"),
    Column("client-certs", "cert.client_cert", header="CLIENT_CERTS"),
    Column("dest-cert", "cert.dest_cert", header="DEST_CERT"),
    Column("server-dest-cert", "cert.server_dest_cert", header="SERVER_DEST_CERT"),
    Column("keys", lambda d: ",".join(str(v) for v in (d.get("key") or {}).values()), header="KEYS"),
)


@app.command("download")
def download(
    dest: DestArg,
    gateway: GatewayOpt,
    as_zip: Annotated[bool, typer.Option("--zip", help="A zip archive (the default).")] = False,
    as_json: Annotated[bool, typer.Option("--as-json", help="A JSON array of {name, contents} (noZip=true) instead of a zip; implied by --json/-o json.")] = False,
    names: Annotated[Optional[List[str]], typer.Option("--name", "-n", metavar="FILE", help="Only this cert/key file (repeatable; uses .../certList).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the zip (or JSON) to FILE, mode 0600 (it can hold private keys).")] = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Download a destination's certificates and keys (GET .../destinations/{destinationID}/cert).

    Default: a zip archive, written to --out PATH (or to stdout when it is not a
    terminal). --json (or --as-json) asks for a JSON array of {name, contents}
    (noZip=true): --as-json alone prints a table of names. --name selects files (GET .../certList).
    Example: gwctl sg certs download DEST -g GATEWAY --out certs.zip
    """
    app_ctx = get_app()
    if as_zip and as_json:
        raise UsageError("--zip and --as-json cannot be combined")
    as_json = as_json or (app_ctx.machine_output and not as_zip)
    if not as_json and out is None and app_ctx.stdout_tty:
        raise UsageError("refusing to write a zip archive to a terminal: pass --out PATH, or --as-json")
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    dest = resolve("destinations", dest, gateway=gateway)
    response = api.download_certs(gateway, dest, names or None, as_json)
    data = response.content
    if out is not None:
        write_file(out, data)
        app_ctx.err(f"wrote the certificates of destination {dest} to {out} (mode 0600)")
        return
    if not as_json:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            raise UsageError("stdout takes no binary data here: pass --out PATH")
        sys.stdout.flush()
        buffer.write(data)
        buffer.flush()
        return
    try:
        items = json.loads(data)
    except ValueError:
        from gwctl.errors import ServerError

        raise ServerError("the server's certificate list is not JSON") from None
    emit(items, CERT_COLUMNS)


@app.command("upload")
def upload(
    dest: DestArg,
    gateway: GatewayOpt,
    server_cert: Annotated[Optional[str], typer.Option("--server-cert", metavar="FILE", help="CA trusted for the calling app (form field cert; one).")] = None,
    dest_cert: Annotated[Optional[str], typer.Option("--dest-cert", metavar="FILE", help="Cert the SG client presents to the endpoint (dest_cert; needs --key).")] = None,
    key: Annotated[Optional[str], typer.Option("--key", metavar="FILE", help="Private key of --dest-cert (dest_key; needs --dest-cert).")] = None,
    client_certs: Annotated[Optional[List[str]], typer.Option("--client-cert", metavar="FILE", help="CA trusted for the endpoint (client_cert; repeatable, up to six).")] = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Upload certificates and a key to a destination (PUT .../destinations/{destinationID}/cert, multipart).

    Files are read and checked before anything is sent.
    Example: gwctl sg certs upload DEST_TLS -g GATEWAY --server-cert CA_FILE --dest-cert CERT_FILE --key KEY_FILE
    """
    client_certs = client_certs or []
    if not (server_cert or dest_cert or key or client_certs):
        raise UsageError("nothing to upload: pass --server-cert, --dest-cert with --key, or --client-cert")
    if bool(dest_cert) != bool(key):
        raise UsageError("--dest-cert and --key go together")
    if len(client_certs) > 6:
        raise UsageError(f"too many --client-cert files ({len(client_certs)}): up to six")
    files: list[tuple[str, tuple[str, bytes, str]]] = []
    for field, flag, path in (("cert", "--server-cert", server_cert), ("dest_cert", "--dest-cert", dest_cert),
                              ("dest_key", "--key", key), *(("client_cert", "--client-cert", p) for p in client_certs)):
        if path is None:
            continue
        if path == "-":
            raise UsageError(f"{flag} takes a file name, not -")
        name, data = read_local_file(path, flag)
        if b"-----BEGIN" not in data:
            raise UsageError(f"{flag} {path} is not a PEM file (no -----BEGIN line)")
        files.append((field, (name, data, "application/x-pem-file")))
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    dest = resolve("destinations", dest, gateway=gateway)
    result = api.upload_certs(gateway, dest, files)
    get_app().err(f"uploaded {len(files)} file(s) to destination {dest}")
    emit(result, CERT_STATE_COLUMNS)


@app.command("delete")
def delete(
    dest: DestArg,
    gateway: GatewayOpt,
    names: Annotated[List[str], typer.Option("--name", "-n", metavar="FILE", help="Cert or key file name to delete (repeatable).")],
    yes: YesOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Delete certificates of a destination by file name, in one request (DELETE .../destinations/{destinationID}/cert).

    Example: gwctl sg certs delete DEST_TLS -g GATEWAY --name CERT_NAME --yes
    """
    from gwctl.cli.flows import confirm_change

    names = list(dict.fromkeys(names))
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    dest = resolve("destinations", dest, gateway=gateway)
    confirm_change("delete", "cert", "certs", names, yes, consequence=f"of destination {dest}")
    result = api.delete_certs(gateway, dest, names)
    app_ctx = get_app()
    for name in names:
        app_ctx.err(f"deleted cert {name}")
    emit(result, CERT_STATE_COLUMNS)


@app.command("regenerate")
def regenerate(
    dest: DestArg,
    gateway: GatewayOpt,
    client_side: Annotated[bool, typer.Option("--client-side", help="Regenerate cert.dest_cert/key (client=true) instead of cert.server_dest_cert/key.")] = False,
    client_alias: Annotated[bool, typer.Option("--client", hidden=True)] = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Regenerate a self-signed cert and key for mutual auth (PUT .../destinations/{destinationID}/genCerts).

    Example: gwctl sg certs regenerate DEST -g GATEWAY --client-side
    """
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    dest = resolve("destinations", dest, gateway=gateway)
    client_side = client_side or client_alias  # --client: the older spelling
    result = api.regenerate_certs(gateway, dest, client_side)
    which = "cert.dest_cert/key" if client_side else "cert.server_dest_cert/key"
    get_app().err(f"regenerated {which} of destination {dest}")
    emit(result, CERT_STATE_COLUMNS)
