"""`gwctl pomerium service-accounts`: a cluster's service accounts and their tokens."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, IdsArg, LimitOpt, OutFileOpt, YesOpt
from gwctl.cli.pomerium._common import body_from, client, delete_many, emit_secret_record, resource_app
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = resource_app("service-accounts", "Cluster service accounts and their tokens.")

SA_COLUMNS = (
    Column("id", "id"),
    Column("description", "description"),
    Column("user-id", "userId"),
    Column("expires", "expiresAt"),
    Column("created", "createdAt"),
)
CREATED_COLUMNS = SA_COLUMNS[:4] + (Column("token", "token"),)
TOKEN_COLUMNS = (Column("token", "token"),)
SaArg = Annotated[str, typer.Argument(metavar="SERVICE_ACCOUNT_ID", help="Service account ID.")]


@app.command("list")
def list_service_accounts(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the cluster's service accounts, paging with offset/limit (GET .../serviceAccounts).

    Example: gwctl pomerium service-accounts list --cluster CLUSTER_ID
    """
    c = client()
    emit(c.list_service_accounts(c.cluster_id(), limit_of(limit, all_)), SA_COLUMNS)


@app.command("get")
def get_service_account(sa_id: SaArg) -> None:
    """Show one service account (GET .../serviceAccounts/{serviceAccountId}).

    Example: gwctl pomerium service-accounts get SA_ID
    """
    c = client()
    emit(c.get_service_account(c.cluster_id(), sa_id), SA_COLUMNS)


@app.command("create")
def create_service_account(
    user_id: Annotated[Optional[str], typer.Option("--user-id", metavar="USER_ID", help="User ID the service account acts as (required).")] = None,
    description: Annotated[str, typer.Option("--description", help="What the account is for.")] = "",
    expires_at: Annotated[Optional[str], typer.Option("--expires-at", metavar="TIME", help="Expiry, RFC 3339 (default: never).")] = None,
    out: OutFileOpt = None,
) -> None:
    """Create a service account and print its token once (POST .../serviceAccounts).

    With --out the token goes to FILE (0600, atomic) and only the account is printed.
    Example: gwctl pomerium service-accounts create --user-id deploy-bot --description deploys --out sa.token
    """
    from gwctl.api.pomerium.models import ServiceAccountCreate

    body = body_from(ServiceAccountCreate, None, {"userId": user_id, "description": description,
                                                  "expiresAt": expires_at},
                     flag_names={"userId": "--user-id", "description": "--description", "expiresAt": "--expires-at"})
    c = client()
    emit_secret_record(c.create_service_account(c.cluster_id(), body), ("token",), out, CREATED_COLUMNS,
                       "service account token")


@app.command("token")
def service_account_token(sa_id: SaArg, out: OutFileOpt = None) -> None:
    """Print a service account's token (GET .../serviceAccounts/{serviceAccountId}/token).

    With --out the token goes to FILE (0600, atomic).
    Example: gwctl pomerium service-accounts token SA_ID --out sa.token
    """
    c = client()
    emit_secret_record(c.service_account_token(c.cluster_id(), sa_id), ("token",), out, TOKEN_COLUMNS,
                       "service account token")


@app.command("delete")
def delete_service_accounts(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete service accounts (DELETE .../serviceAccounts/{serviceAccountId}).

    Example: gwctl pomerium service-accounts delete SA_ID --yes
    """
    c = client()
    cluster = c.cluster_id()
    delete_many(ids, yes, concurrency, "service account", lambda sa: c.delete_service_account(cluster, sa),
                where=f"cluster {cluster}")
