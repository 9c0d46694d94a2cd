"""`gwctl api7 tokens`: API tokens (X-API-KEY) of the organisation.

The path moved in 3.2.14 (/api/settings/tokens -> /api/tokens); the client picks it from
the dashboard version.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, IdsArg, LimitOpt, OrderByOpt, OutFileOpt, SearchOpt, YesOpt,
    DEFAULT_LIMIT, Column, build_body, client, cols, delete_items, expires_at, list_params, product_app, show,
    show_list, ts,
)
from gwctl.cli.secret_output import emit_secret
from gwctl.errors import UsageError

app = product_app("tokens", "API tokens (sent as X-API-KEY).")

COLUMNS = cols("id", "name", "user_name", ts("expires-at"), ts("last-used-at"), ts("created-at"),
               Column("user_id", "user_id", default=False), ts("updated-at", default=False))
SECRET_COLUMNS = (*COLUMNS, Column("token", "token"))
TokenArg = Annotated[str, typer.Argument(metavar="TOKEN_ID", help="Token ID.")]
ExpiresOpt = Annotated[Optional[str], typer.Option("--expires-in", metavar="DURATION", help="Lifetime: 90d, 12h, 30m, 3600s, or never.")]


def _path(token_id: str | None = None) -> str:
    from gwctl.api.base import seg

    base = client().tokens_path
    return base if token_id is None else f"{base}/{seg(token_id)}"


def _emit_new(record: dict, out) -> None:
    client().learn(record.get("token"))
    emit_secret(record, "token", out, SECRET_COLUMNS, label="token")


@app.command("list")
def list_(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List API tokens (GET /api/settings/tokens; /api/tokens on 3.2.14+).

    Example: gwctl api7 tokens list --order-by expires_at --direction asc
    """
    show_list(_path(), COLUMNS, list_params(search, None, order_by, direction), limit, all_)


@app.command("get")
def get(token_id: TokenArg) -> None:
    """Show a token's metadata (GET .../tokens/{id}).

    Example: gwctl api7 tokens get TOKEN_ID
    """
    show(client().get(_path(token_id)), COLUMNS)


@app.command("create")
def create(name: Annotated[Optional[str], typer.Option("--name", "-n", help="Token name (1..40 chars).")] = None,
           expires_in: ExpiresOpt = None, from_file: FromFileOpt = None, out: OutFileOpt = None) -> None:
    """Create a token and print it once (POST .../tokens).

    With --out the token goes to FILE (0600, atomic) and only metadata is printed.
    Example: gwctl api7 tokens create --name ci-deploy --expires-in 90d --out ci.token
    """
    body = build_body("TokenCreate", from_file, {"name": name, "expires_at": expires_at(expires_in)})
    _emit_new(client().create(_path(), body) or {}, out)


@app.command("update")
def update(token_id: TokenArg, name: Annotated[Optional[str], typer.Option("--name", "-n", help="New name (1..40 chars).")] = None,
           from_file: FromFileOpt = None) -> None:
    """Rename a token (PUT .../tokens/{id}).

    Example: gwctl api7 tokens update TOKEN_ID --name ci-deploy-old
    """
    body = build_body("TokenUpdate", from_file, {"name": name})
    show(client().replace(_path(token_id), body), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete tokens; they stop working at once (DELETE .../tokens/{id}).

    Example: gwctl api7 tokens delete TOKEN_ID --yes
    """
    api = client()
    delete_items(ids, "token", yes, concurrency, lambda tid: api.remove(_path(tid)))


@app.command("regenerate")
def regenerate(token_id: TokenArg, expires_in: ExpiresOpt = None, from_file: FromFileOpt = None,
               out: OutFileOpt = None) -> None:
    """Replace a token's value; the old value stops working at once (PUT .../tokens/{id}/regenerate).

    Prints the new token once; with --out it goes to FILE (0600, atomic) and only metadata is printed.
    Example: gwctl api7 tokens regenerate TOKEN_ID --expires-in 90d --out ci.token
    """
    if expires_in is None and from_file is None:
        raise UsageError("missing --expires-in DURATION (or never)")
    body = build_body("TokenRegenerate", from_file, {"expires_at": expires_at(expires_in)})
    if out is not None and out.is_dir():
        raise UsageError(f"--out {out} is a directory")
    _emit_new(client().replace(f"{_path(token_id)}/regenerate", body) or {}, out)
