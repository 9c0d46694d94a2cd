"""`gwctl pomerium activity-logs`: who changed what in the organization."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, LimitOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.options import FilterOpt, OrderByOpt, check_choice, filter_param, order_param
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = product_app("activity-logs", "The organization's activity log.")

LOG_COLUMNS = (Column("id", "id", default=False), Column("at", "createdAt"), Column("activity", "activityType"),
               Column("entity-type", "entity.type"), Column("entity-id", "entity.id"),
               Column("name", "entity.data.name"), Column("namespace", "namespace.name"),
               Column("user", lambda a: (a.get("user") or {}).get("email") or (a.get("user") or {}).get("id")),
               Column("changeset", "applied.changesetId", default=False))


@app.command("list")
def list_activity_logs(
    activity_type: Annotated[Optional[str], typer.Option("--activity-type", metavar="TYPE", help="create, update or delete.")] = None,
    entity_type: Annotated[Optional[str], typer.Option("--entity-type", metavar="TYPE", help="route, policy, key_pair, settings, namespace, ...")] = None,
    entity_id: Annotated[Optional[str], typer.Option("--entity-id", metavar="ID", help="Only this entity.")] = None,
    changeset: Annotated[Optional[str], typer.Option("--changeset", metavar="CHANGESET_ID", help="Only this changeset.")] = None,
    namespace: Annotated[Optional[str], typer.Option("--namespace", metavar="NAMESPACE_ID", help="Only this namespace.")] = None,
    user: Annotated[Optional[str], typer.Option("--user", metavar="USER_ID", help="Only changes by this user.")] = None,
    order_by: OrderByOpt = None,
    filter_: FilterOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List activity log entries, paging with offset/limit (GET /organizations/{org}/activityLogs).

    Example: gwctl pomerium activity-logs list --entity-type route --order-by -updatedAt
    """
    from gwctl.api.pomerium.client import ACTIVITY_TYPES, ENTITY_TYPES

    check_choice(activity_type, ACTIVITY_TYPES, "--activity-type")
    check_choice(entity_type, ENTITY_TYPES, "--entity-type")
    order = order_param(order_by, "activityLogs")
    filt = filter_param(filter_, "activityLogs")
    params = {"activityType": activity_type, "entityType": entity_type, "entityId": entity_id,
              "changesetId": changeset, "namespaceId": namespace, "userId": user}
    emit(client().list_activity_logs(params, order_by=order, filter_=filt, limit=limit_of(limit, all_)), LOG_COLUMNS)
