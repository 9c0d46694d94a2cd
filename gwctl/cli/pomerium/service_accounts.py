"""`gwctl pomerium service-accounts`: list/get/create/delete come from the declaration
(gwctl.resources.pomerium); this adds reading an account's token."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import OutFileOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.secret_records import emit_secret_record
from gwctl.cli.render import Column

app = product_app("service-accounts", "Cluster service accounts: tokens.")

TOKEN_COLUMNS = (Column("token", "token"),)


@app.command("token")
def service_account_token(
    sa_id: Annotated[str, typer.Argument(metavar="SERVICE_ACCOUNT_ID", help="Service account ID.")],
    out: OutFileOpt = None,
) -> None:
    """Print a service account's token (GET .../serviceAccounts/{serviceAccountId}/token).

    With --out the token goes to FILE (0600, atomic).
    Example: gwctl pomerium service-accounts token SERVICE_ACCOUNT --out sa.token
    """
    c = client()
    emit_secret_record(c.service_account_token(c.cluster_id(), sa_id), ("token",), out, TOKEN_COLUMNS,
                       "service account token")
