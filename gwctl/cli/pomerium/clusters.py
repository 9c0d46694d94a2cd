"""`gwctl pomerium clusters`: list/get/create/update/delete come from the declaration
(gwctl.resources.pomerium); this adds replicas, health checks and cluster token rotation."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.context import get_app
from gwctl.cli.options import OutFileOpt, YesOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.secret_records import emit_secret_record
from gwctl.cli.pomerium.time_ranges import FromOpt, ToOpt, time_range
from gwctl.cli.render import Column, emit

app = product_app("clusters", "Clusters: replicas, health checks, logs, ping, cluster token rotation.")

TOKEN_COLUMNS = (Column("cluster-token", "refreshToken"),)
REPLICA_COLUMNS = (Column("id", "id"), Column("hostname", "hostname"), Column("created", "createdAt"),
                   Column("updated", "updatedAt"))
LOG_COLUMNS = (Column("time", "timestamp"), Column("message", "message"),
               Column("route", lambda e: (e.get("labels") or {}).get("route_id")),
               Column("insert-id", "insertId", default=False))
PING_COLUMNS = (Column("success", "success"), Column("error-code", "errorCode"), Column("error", "errorMessage"))
HEALTH_COLUMNS = (Column("status", "status"), Column("description", "description"), Column("hostname", "hostname"),
                  Column("updated", "updatedAt"), Column("help", "helpUrl", default=False))

ClusterArg = Annotated[Optional[str], typer.Argument(metavar="[CLUSTER_ID]", help="Cluster ID (default: --cluster or the profile's).")]


def _cluster(explicit: Optional[str]) -> str:
    return client().cluster_id(explicit)


@app.command("replicas")
def list_replicas(cluster_id: ClusterArg = None, from_: FromOpt = None, to: ToOpt = None) -> None:
    """List the replicas seen in a time range (GET .../clusters/{clusterId}/replicas).

    Example: gwctl pomerium clusters replicas --from 7d
    """
    start, end = time_range(from_, to)
    emit(client().list_replicas(_cluster(cluster_id), start, end), REPLICA_COLUMNS)


@app.command("health")
def cluster_health(cluster_id: ClusterArg = None) -> None:
    """Show the cluster's health checks (GET .../clusters/{clusterId}/health).

    Example: gwctl pomerium clusters health
    """
    emit(client().cluster_health(_cluster(cluster_id)), HEALTH_COLUMNS)


@app.command("recheck")
def recheck(cluster_id: ClusterArg = None) -> None:
    """Ask for the health checks to be re-run (POST .../clusters/{clusterId}/health).

    Example: gwctl pomerium clusters recheck CLUSTER
    """
    cluster = _cluster(cluster_id)
    client().rerun_health_checks(cluster)
    get_app().err(f"requested a re-run of the health checks of cluster {cluster}")


@app.command("rotate-token")
def rotate_token(cluster_id: ClusterArg = None, yes: YesOpt = False, out: OutFileOpt = None) -> None:
    """Rotate the cluster's identity token and print the new one once (POST .../clusters/{clusterId}/token).

    The running cluster must be given the new token. With --out it goes to FILE (0600).
    Example: gwctl pomerium clusters rotate-token CLUSTER --yes --out cluster.token
    """
    from gwctl.cli.flows import confirm_change

    cluster = _cluster(cluster_id)
    confirm_change("rotate the token of", "cluster", "clusters", [cluster], yes,
                   consequence="the cluster needs the new token to keep working")
    result = client().rotate_cluster_token(cluster)
    get_app().err(f"rotated the token of cluster {cluster}")
    emit_secret_record(result, ("refreshToken",), out, TOKEN_COLUMNS, "cluster token")


@app.command("logs")
def cluster_logs(
    cluster_id: ClusterArg = None,
    since: Annotated[Optional[str], typer.Option("--since", metavar="TIME", help="Start: RFC 3339, or an age like 10m, 24h (default: 1h).")] = None,
    to: ToOpt = None,
    route: Annotated[Optional[str], typer.Option("--route", metavar="ROUTE_ID", help="Only the log lines of this route.")] = None,
    follow: Annotated[bool, typer.Option("--follow", help="Keep polling for new lines until interrupted (Ctrl-C).")] = False,
    interval: Annotated[str, typer.Option("--interval", metavar="DURATION", help="With --follow: time between polls (e.g. 5s, 1m; at least 1s).")] = "5s",
) -> None:
    """Show the cluster's log lines, oldest first (GET .../clusters/{clusterId}/logs).

    --follow polls for new lines every --interval until interrupted; each line is
    printed once (JSON Lines with -o jsonl).
    Example: gwctl pomerium clusters logs --since 2h
    """
    from gwctl.cli.pomerium.time_ranges import time_arg

    if follow and to is not None:
        from gwctl.errors import UsageError

        raise UsageError("--to cannot be combined with --follow")
    from gwctl.cli.waiting import parse_duration

    seconds = parse_duration(interval, "--interval")
    if seconds < 1:
        from gwctl.errors import UsageError

        raise UsageError(f"invalid --interval {interval!r}: poll at most once a second (1s or more)")
    c = client()
    cluster = _cluster(cluster_id)
    now = clock()
    start = time_arg(since, "--since", 3600, now)
    end = time_arg(to, "--to", 0, now)
    if start >= end:
        from gwctl.errors import UsageError

        raise UsageError("--since must be before --to")
    if not follow:
        emit(c.cluster_logs(cluster, start, end, route), LOG_COLUMNS)
        return
    emit(_follow(c, cluster, start, route, seconds), LOG_COLUMNS)


def clock() -> float:
    import time

    return time.time()


def _follow(c, cluster: str, start: str, route: Optional[str], interval: float):
    """Pages of new log lines: each poll reads from the last line seen (lines already shown,
    by insertId, are skipped) up to now."""
    from gwctl.cli import context
    from gwctl.cli.pomerium.time_ranges import time_arg

    seen: set = set()
    while True:
        end = time_arg("now", "--to", 0, clock())
        if end > start:
            fresh = [e for e in c.cluster_logs(cluster, start, end, route) or []
                     if isinstance(e, dict) and (e.get("insertId"), e.get("timestamp"), e.get("message")) not in seen]
            for entry in fresh:
                seen.add((entry.get("insertId"), entry.get("timestamp"), entry.get("message")))
            if fresh:
                start = max(start, max(str(e.get("timestamp") or start) for e in fresh))
                yield fresh
        context.sleep(interval)


@app.command("ping")
def ping(cluster_id: ClusterArg = None) -> None:
    """Ask the console to reach the cluster and say whether it answered (POST .../clusters/{clusterId}/ping).

    Example: gwctl pomerium clusters ping
    """
    emit(client().ping_cluster(_cluster(cluster_id)), PING_COLUMNS)


@app.command("suggest-domain")
def suggest_domain() -> None:
    """Suggest a free subdomain slug for `clusters create --domain` (GET /generateSubdomainName).

    Example: gwctl pomerium clusters suggest-domain
    """
    emit(client().generate_subdomain_name(), (Column("name", "name"),))
