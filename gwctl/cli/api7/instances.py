"""`gwctl api7 instances`: gateway instances (data plane) and their CPU cores."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, WaitIntervalOpt, WaitTimeoutOpt, product_app
from gwctl.cli.api7.options import DirectionOpt, OrderByOpt, SearchOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import client, list_params, show, show_list
from gwctl.resources.api7_fields import ts
from gwctl.errors import UsageError

app = product_app("instances", "Gateway instances (data plane): status, counts, cores.")

COLUMNS = cols("id", "hostname", "ip", "status", "version", "cores", ts("last-heartbeat-time"),
               Column("gateway_group_id", "gateway_group_id", default=False), Column("ports", "ports", default=False))
GroupFilterOpt = Annotated[Optional[str], typer.Option("--gateway-group", "-g", metavar="NAME|ID", help="Only instances of this gateway group.")]


def _gg_filter(value: Optional[str]) -> Optional[str]:
    return client().resolve_gateway_group(value) if value else None


@app.command("list")
def list_(gateway_group: GroupFilterOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          status: Annotated[Optional[List[str]], typer.Option("--status", metavar="STATUS", help="Healthy, OutOfSync, LostConnection or Offline (repeatable).")] = None,
          search: SearchOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List gateway instances (GET /api/instances).

    Example: gwctl api7 instances list --status Healthy --status OutOfSync
    """
    valid = ("Healthy", "OutOfSync", "LostConnection", "Offline")
    for value in status or ():
        if value not in valid:
            raise UsageError(f"invalid --status {value!r}: choose {', '.join(valid)}")
    show_list("/api/instances", COLUMNS, list_params(search, None, order_by, direction, status=status or None,
                                                     gateway_group_id=_gg_filter(gateway_group)), limit, all_)


@app.command("count")
def count(field: Annotated[str, typer.Argument(metavar="FIELD", help="What to count by: status.")] = "status",
          gateway_group: GroupFilterOpt = None, search: SearchOpt = None) -> None:
    """Count instances by status (GET /api/instances/count/{field}).

    Example: gwctl api7 instances count status
    """
    if field != "status":
        raise UsageError(f"invalid FIELD {field!r}: only status is supported")
    show(client().get(f"/api/instances/count/{field}", {"gateway_group_id": _gg_filter(gateway_group), "search": search}))


@app.command("cores")
def cores() -> None:
    """Show the CPU cores the gateway instances use (GET /api/instances/cores).

    Example: gwctl api7 instances cores
    """
    show(client().get("/api/instances/cores"))


def _epoch(text: str, flag: str) -> int:
    import datetime as dt

    raw = text.strip()
    if raw.isdigit():
        return int(raw)
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"invalid {flag} {text!r}: use YYYY-MM-DD, an ISO time or Unix seconds") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return int(moment.timestamp())


@app.command("cores-usage")
def cores_usage(from_: Annotated[str, typer.Option("--from", metavar="TIME", help="Start (YYYY-MM-DD, ISO time or Unix seconds; UTC).")],
                to: Annotated[str, typer.Option("--to", metavar="TIME", help="End (YYYY-MM-DD, ISO time or Unix seconds; UTC).")],
                out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the export to FILE instead of stdout.")] = None) -> None:
    """Export the core usage between two times (GET /api/instances/cores_usages/export).

    Example: gwctl api7 instances cores-usage --from 2026-01-01 --to 2026-02-01 --out cores.csv
    """
    begin, end = _epoch(from_, "--from"), _epoch(to, "--to")
    if end < begin:
        raise UsageError("--to is before --from")
    data = client().download("/api/instances/cores_usages/export", {"begin_at": begin, "end_at": end})
    if out is None:
        import sys

        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else sys.stdout.write(data.decode("utf-8", "replace"))
        return
    from gwctl.cli.secret_output import write_out_file

    write_out_file(out, data)
    from gwctl.cli.context import get_app

    get_app().err(f"wrote {len(data)} bytes to {out}")


class _Instances:
    """The gateway instances a wait looks at: of one group, matching a search."""

    def __init__(self, gateway_group: Optional[str], search: Optional[str]) -> None:
        self.gateway_group, self.search = gateway_group, search

    def read(self) -> list:
        params = list_params(self.search, None, None, None, gateway_group_id=_gg_filter(self.gateway_group))
        return [i for page in client().pages("/api/instances", params, None) for i in page if isinstance(i, dict)]


@app.command("wait")
def wait_instances(
    for_: Annotated[str, typer.Option("--for", metavar="CONDITION",
                                      help="healthy: every gateway instance (of the group, matching --search) "
                                           "is Healthy.")] = "healthy",
    gateway_group: GroupFilterOpt = None,
    search: SearchOpt = None,
    timeout: WaitTimeoutOpt = "5m",
    interval: WaitIntervalOpt = "1s",
) -> None:
    """Wait until gateway instances are healthy, polling with back-off (GET /api/instances).

    Exit 0 when every instance listed is Healthy (at least one), 7 on timeout.

    \b
    Example: gwctl api7 instances wait --for healthy --gateway-group default --search gw-1 --timeout 2m
    """
    from gwctl.cli.api7.waits import INSTANCE_CONDITIONS
    from gwctl.cli.waiting import run_wait

    what = "gateway instances" + (f" of gateway group {gateway_group}" if gateway_group else "")
    run_wait(what, INSTANCE_CONDITIONS, for_, timeout, interval, _Instances(gateway_group, search))
