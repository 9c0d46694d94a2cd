"""`gwctl pomerium changesets`: configuration changesets (list, compare, apply)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, LimitOpt, WaitIntervalOpt, WaitTimeoutOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.options import FilterOpt, OrderByOpt, check_choice, filter_param, order_param
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = product_app("changesets", "Configuration changesets: list, compare, apply.")

CHANGESET_COLUMNS = (Column("id", "id"), Column("status", "status"), Column("namespace", "namespaceId"),
                     Column("created", "createdAt"), Column("updated", "updatedAt", default=False),
                     Column("failure", "failureMessage"))
COMPARE_COLUMNS = (Column("changeset", "changeset"), Column("activity", "activityType"),
                   Column("entity-type", "entity.type"), Column("entity-id", "entity.id"),
                   Column("name", "entity.data.name"), Column("user", "user.email"), Column("at", "createdAt"))


@app.command("list")
def list_changesets(
    status: Annotated[Optional[str], typer.Option("--status", metavar="STATUS", help="pending, applying, applied, failed, current or rejected.")] = None,
    all_clusters: Annotated[bool, typer.Option("--all-clusters", help="Do not restrict to the profile's cluster.")] = False,
    order_by: OrderByOpt = None,
    filter_: FilterOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List changesets, paging with offset/limit (GET /organizations/{org}/changesets).

    Restricted to the cluster (--cluster or the profile's) when there is one.
    Example: gwctl pomerium changesets list --status pending
    """
    from gwctl.api.pomerium.client import CHANGESET_STATUSES

    check_choice(status, CHANGESET_STATUSES, "--status")
    order = order_param(order_by, "changesets")
    filt = filter_param(filter_, "changesets")
    c = client()
    cluster = None if all_clusters or not c.has_cluster else c.cluster_id()
    emit(c.list_changesets(status=status, cluster=cluster, order_by=order, filter_=filt,
                           limit=limit_of(limit, all_)), CHANGESET_COLUMNS)


@app.command("compare")
def compare_changesets(
    first: Annotated[Optional[str], typer.Option("--first", metavar="CHANGESET_ID", help="Start after this changeset (default: the beginning).")] = None,
    second: Annotated[Optional[str], typer.Option("--second", metavar="CHANGESET_ID", help="End at this changeset (default: the latest).")] = None,
) -> None:
    """Show the changes between two changesets of the cluster (GET .../changesets/compare).

    Table output lists the activity entries; JSON is the API's answer.
    Example: gwctl pomerium changesets compare
    """
    from gwctl.cli.context import get_app

    c = client()
    result = c.compare_changesets(c.cluster_id(), first, second)
    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(result)
        return
    from gwctl.api.base import as_dict, as_list

    rows = []
    end = as_dict(result.get("endChangeset")).get("id", "")
    start = as_dict(result.get("startChangeset")).get("id")
    app_ctx.err(f"changes {'after ' + str(start) if start else 'from the beginning'} up to {end}")
    for group in as_list(result.get("entities")):
        for entry in as_list(group):
            if isinstance(entry, dict):
                rows.append({**entry, "changeset": as_dict(entry.get("applied")).get("changesetId", "")})
    emit(rows, COMPARE_COLUMNS)


@app.command("apply")
def apply_changeset(changeset_id: Annotated[str, typer.Argument(metavar="CHANGESET_ID", help="Changeset ID.")]) -> None:
    """Apply a changeset to its cluster (POST .../changesets/{changesetId}/apply).

    Example: gwctl pomerium changesets apply CHANGESET
    """
    emit(client().apply_changeset(changeset_id), CHANGESET_COLUMNS)


class _Changeset:
    """A changeset found in the organization's listing (the API has no GET of one changeset)."""

    def __init__(self, changeset_id: str) -> None:
        self.id = changeset_id

    def read(self) -> dict:
        from gwctl.errors import NotFoundError

        for page in client().list_changesets():
            for changeset in page:
                if isinstance(changeset, dict) and changeset.get("id") == self.id:
                    return changeset
        raise NotFoundError(f"changeset {self.id} not found")


@app.command("wait")
def wait_changeset(
    changeset_id: Annotated[str, typer.Argument(metavar="CHANGESET_ID", help="The changeset to wait for.")],
    for_: Annotated[str, typer.Option("--for", metavar="CONDITION", help="applied: the changeset is applied "
                                      "(status applied or current; failed or rejected: exit 6).")] = "applied",
    timeout: WaitTimeoutOpt = "5m",
    interval: WaitIntervalOpt = "1s",
) -> None:
    """Wait until a changeset is applied, polling with back-off.

    Exit 0 when it is applied, 6 if it failed or was rejected, 7 on timeout, 3 if it disappears.

    \b
    Example: gwctl pomerium changesets wait csCurrent --for applied --timeout 2m
    """
    from gwctl.api.base import check_segment
    from gwctl.cli.pomerium.waits import CHANGESET_CONDITIONS
    from gwctl.cli.waiting import run_wait

    check_segment(changeset_id, "changeset ID")
    run_wait(f"changeset {changeset_id}", CHANGESET_CONDITIONS, for_, timeout, interval, _Changeset(changeset_id))
