"""`gwctl pomerium key-pairs`: certificates and their private keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, FromFileOpt, IdsArg, LimitOpt, YesOpt
from gwctl.cli.pomerium._common import (
    NAMESPACE_PLACEHOLDER, DescendantsOpt, FilterOpt, NamespaceOpt, OrderByOpt, body_from, client, create_body,
    delete_many, list_scope, resource_app,
)
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of
from gwctl.errors import UsageError

app = resource_app("key-pairs", "Certificates and keys: list, get, create, update, delete.")


def _info(k: dict) -> dict:
    return (k.get("certificateInfo") or [{}])[0] or {}


KEY_PAIR_COLUMNS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("status", "status"),
    Column("origin", "origin"),
    Column("has-key", "hasKey"),
    Column("subject", lambda k: (_info(k).get("subject") or {}).get("commonName")),
    Column("issuer", lambda k: (_info(k).get("issuer") or {}).get("commonName"), default=False),
    Column("dns-names", lambda k: _info(k).get("dnsNames"), default=False),
    Column("not-after", lambda k: _info(k).get("notAfter")),
    Column("namespace", "namespaceId"),
)
FLAGS = {"name": "--name", "namespaceId": "--namespace", "certificate": "--cert-file", "key": "--key-file"}

NameOpt = Annotated[Optional[str], typer.Option("--name", help="Key pair name.")]
CertOpt = Annotated[Optional[Path], typer.Option("--cert-file", metavar="PEM", help="Certificate (chain) in PEM.")]
KeyOpt = Annotated[Optional[Path], typer.Option("--key-file", metavar="PEM", help="Private key in PEM (never printed).")]


def _read(path: Optional[Path], flag: str) -> Optional[str]:
    if path is None:
        return None
    try:
        return path.expanduser().read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {flag} {path}: {exc.strerror}") from None


def _flags(name: Optional[str], namespace: Optional[str], cert_file: Optional[Path], key_file: Optional[Path]) -> dict:
    return {"name": name, "namespaceId": namespace, "certificate": _read(cert_file, "--cert-file"),
            "key": _read(key_file, "--key-file")}


@app.command("list")
def list_key_pairs(
    namespace: NamespaceOpt = None,
    include_descendants: DescendantsOpt = None,
    order_by: OrderByOpt = None,
    filter_: FilterOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List key pairs of a namespace, paging with offset/limit (GET /organizations/{org}/keyPairs).

    Example: gwctl pomerium key-pairs list --order-by notAfter
    """
    scope = list_scope("keyPairs", namespace, include_descendants, order_by, filter_)
    emit(client().list_key_pairs(**scope, limit=limit_of(limit, all_)), KEY_PAIR_COLUMNS)


@app.command("get")
def get_key_pair(key_pair_id: Annotated[str, typer.Argument(metavar="KEY_PAIR_ID", help="Key pair ID.")]) -> None:
    """Show one key pair with its certificate details (GET .../keyPairs/{keyPairId}).

    Example: gwctl pomerium key-pairs get KEY_PAIR_ID -o yaml
    """
    emit(client().get_key_pair(key_pair_id), KEY_PAIR_COLUMNS)


@app.command("create")
def create_key_pair(
    name: NameOpt = None,
    cert_file: CertOpt = None,
    key_file: KeyOpt = None,
    namespace: NamespaceOpt = None,
    from_file: FromFileOpt = None,
) -> None:
    """Upload a certificate and/or key (POST /organizations/{org}/keyPairs).

    Example: gwctl pomerium key-pairs create --name wildcard --cert-file tls.crt --key-file tls.key
    """
    from gwctl.api.pomerium.models import KEY_PAIR_COMPUTED, KeyPairWrite

    body = create_body(KeyPairWrite, from_file, _flags(name, namespace, cert_file, key_file), flag_names=FLAGS,
                       strip=KEY_PAIR_COMPUTED)
    emit(client().create_key_pair(body), KEY_PAIR_COLUMNS)


@app.command("update")
def update_key_pair(
    key_pair_id: Annotated[str, typer.Argument(metavar="KEY_PAIR_ID", help="Key pair ID.")],
    name: NameOpt = None,
    cert_file: CertOpt = None,
    key_file: KeyOpt = None,
    namespace: NamespaceOpt = None,
    from_file: FromFileOpt = None,
) -> None:
    """Update a key pair (PUT .../keyPairs/{keyPairId}); a certificate or key left out keeps its value.

    Example: gwctl pomerium key-pairs update KEY_PAIR_ID --cert-file renewed.crt
    """
    from gwctl.api.pomerium.models import KEY_PAIR_COMPUTED, KeyPairWrite

    body = body_from(KeyPairWrite, from_file, _flags(name, namespace, cert_file, key_file), flag_names=FLAGS,
                     strip=KEY_PAIR_COMPUTED, placeholders={"namespaceId": NAMESPACE_PLACEHOLDER})
    if not body.get("namespaceId"):
        body["namespaceId"] = client().get_key_pair(key_pair_id)["namespaceId"]
    emit(client().update_key_pair(key_pair_id, body), KEY_PAIR_COLUMNS)


@app.command("delete")
def delete_key_pairs(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete key pairs (DELETE .../keyPairs/{keyPairId}).

    Example: gwctl pomerium key-pairs delete KEY_PAIR_ID --yes
    """
    delete_many(ids, yes, concurrency, "key pair", client().delete_key_pair)
