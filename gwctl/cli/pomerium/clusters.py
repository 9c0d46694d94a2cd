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

app = product_app("clusters", "Clusters: replicas, health checks, cluster token rotation.")

TOKEN_COLUMNS = (Column("cluster-token", "refreshToken"),)
REPLICA_COLUMNS = (Column("id", "id"), Column("hostname", "hostname"), Column("created", "createdAt"),
                   Column("updated", "updatedAt"))
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
