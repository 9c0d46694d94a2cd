"""`gwctl pomerium clusters`: clusters, their replicas, health checks and cluster tokens."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, IdsArg, LimitOpt, OutFileOpt, YesOpt
from gwctl.cli.context import get_app
from gwctl.cli.pomerium._common import (
    FromOpt, ToOpt, body_from, client, delete_many, emit_secret_record, resource_app, time_range,
)
from gwctl.cli.render import Column, emit
from gwctl.cli.flows import confirm
from gwctl.cli.input import limit_of
from gwctl.errors import UsageError

app = resource_app("clusters", "Clusters: CRUD, replicas, health checks, cluster token rotation.")

CLUSTER_COLUMNS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("fqdn", "fqdn"),
    Column("flavor", "flavor"),
    Column("namespace", "namespaceId"),
    Column("failing-checks", "hasFailingHealthChecks"),
    Column("domain", "domain", default=False),
    Column("ip", lambda c: c.get("manualOverrideIpAddress") or c.get("autoDetectIpAddress"), default=False),
    Column("onboarding", "onboardingStatus", default=False),
)
CREATED_COLUMNS = CLUSTER_COLUMNS[:4] + (Column("cluster-token", "refreshToken"),)
TOKEN_COLUMNS = (Column("cluster-token", "refreshToken"),)
REPLICA_COLUMNS = (Column("id", "id"), Column("hostname", "hostname"), Column("created", "createdAt"),
                   Column("updated", "updatedAt"))
HEALTH_COLUMNS = (Column("status", "status"), Column("description", "description"), Column("hostname", "hostname"),
                  Column("updated", "updatedAt"), Column("help", "helpUrl", default=False))
FLAGS = {"name": "--name", "domain": "--domain", "manualOverrideIpAddress": "--ip", "flavor": "--flavor"}

ClusterArg = Annotated[Optional[str], typer.Argument(metavar="[CLUSTER_ID]", help="Cluster ID (default: --cluster or the profile's).")]
NameOpt = Annotated[Optional[str], typer.Option("--name", help="Cluster name.")]
IpOpt = Annotated[Optional[str], typer.Option("--ip", metavar="IP", help="Manual override of the cluster's public IP address.")]
FlavorOpt = Annotated[Optional[str], typer.Option("--flavor", metavar="FLAVOR", help="standard or hosted.")]


def _cluster(explicit: Optional[str]) -> str:
    return client().cluster_id(explicit)


@app.command("list")
def list_clusters(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the organization's clusters (GET /organizations/{org}/clusters).

    Example: gwctl pomerium clusters list
    """
    emit(client().list_clusters(limit_of(limit, all_)), CLUSTER_COLUMNS)


@app.command("get")
def get_cluster(cluster_id: ClusterArg = None) -> None:
    """Show one cluster (GET /organizations/{org}/clusters/{clusterId}).

    Example: gwctl pomerium clusters get CLUSTER_ID
    """
    emit(client().get_cluster(_cluster(cluster_id)), CLUSTER_COLUMNS)


@app.command("create")
def create_cluster(
    name: NameOpt = None,
    domain: Annotated[Optional[str], typer.Option("--domain", metavar="SLUG", help="Subdomain slug of the cluster (lowercase letters, digits, -).")] = None,
    ip: IpOpt = None,
    flavor: FlavorOpt = None,
    out: OutFileOpt = None,
) -> None:
    """Create a cluster and print its cluster token once (POST /organizations/{org}/clusters).

    With --out the cluster token goes to FILE (0600, atomic) and only the cluster is printed.
    Example: gwctl pomerium clusters create --name edge --domain shiny-fox-1234 --out edge.token
    """
    from gwctl.api.pomerium.models import ClusterCreate

    body = body_from(ClusterCreate, None, {"name": name, "domain": domain, "manualOverrideIpAddress": ip,
                                           "flavor": flavor}, flag_names=FLAGS)
    emit_secret_record(client().create_cluster(body), ("refreshToken",), out, CREATED_COLUMNS, "cluster token")


@app.command("update")
def update_cluster(
    cluster_id: ClusterArg = None,
    name: NameOpt = None,
    ip: IpOpt = None,
    flavor: FlavorOpt = None,
) -> None:
    """Update a cluster's name, IP override or flavor (PUT .../clusters/{clusterId}).

    Fields not given keep their current values.
    Example: gwctl pomerium clusters update CLUSTER_ID --name edge-eu
    """
    from gwctl.api.pomerium.models import ClusterUpdate
    from gwctl.cli.pomerium._common import validate

    given = {k: v for k, v in {"name": name, "manualOverrideIpAddress": ip, "flavor": flavor}.items() if v is not None}
    if not given:
        raise UsageError("nothing to update: give --name, --ip or --flavor")
    validate(ClusterUpdate, {"name": "x", **given}, "options", FLAGS, set(given))
    cluster = _cluster(cluster_id)
    c = client()
    current = c.get_cluster(cluster)
    body = {k: current[k] for k in ("name", "manualOverrideIpAddress", "flavor") if current.get(k) not in (None, "")}
    body = validate(ClusterUpdate, {**body, **given}, "options", FLAGS, set(given))
    emit(c.update_cluster(cluster, body), CLUSTER_COLUMNS)


@app.command("delete")
def delete_clusters(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete clusters with their routes, policies and settings (DELETE .../clusters/{clusterId}).

    Example: gwctl pomerium clusters delete CLUSTER_ID --yes
    """
    delete_many(ids, yes, concurrency, "cluster", client().delete_cluster)


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

    Example: gwctl pomerium clusters recheck CLUSTER_ID
    """
    cluster = _cluster(cluster_id)
    client().rerun_health_checks(cluster)
    get_app().err(f"requested a re-run of the health checks of cluster {cluster}")


@app.command("rotate-token")
def rotate_token(cluster_id: ClusterArg = None, yes: YesOpt = False, out: OutFileOpt = None) -> None:
    """Rotate the cluster's identity token and print the new one once (POST .../clusters/{clusterId}/token).

    The running cluster must be given the new token. With --out it goes to FILE (0600).
    Example: gwctl pomerium clusters rotate-token CLUSTER_ID --yes --out cluster.token
    """
    cluster = _cluster(cluster_id)
    confirm(f"Rotate the token of cluster {cluster}? The cluster needs the new token to keep working", yes)
    result = client().rotate_cluster_token(cluster)
    get_app().err(f"rotated the token of cluster {cluster}")
    emit_secret_record(result, ("refreshToken",), out, TOKEN_COLUMNS, "cluster token")
