"""`gwctl pomerium metrics`: a cluster's metrics over a time range (--from/--to)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.context import get_app
from gwctl.cli.options import product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.options import check_choice
from gwctl.cli.pomerium.time_ranges import FromOpt, ToOpt, time_range
from gwctl.cli.render import Column, emit

app = product_app("metrics", "Cluster metrics: time series and sums over a time range.")

POINT_COLUMNS = (Column("timestamp", "timestamp"), Column("value", "value"), Column("unit", "unit"),
                 Column("labels", "labels"))
SUM_COLUMNS = (Column("value", "value"), Column("unit", "unit"), Column("labels", "labels"))
DIST_COLUMNS = (Column("count", "distributionValue.count"), Column("mean", "distributionValue.mean"),
                Column("buckets", "distributionValue.explicitBucketBounds"),
                Column("counts", "distributionValue.bucketCounts"), Column("unit", "unit"),
                Column("labels", "labels"))
RouteOpt = Annotated[Optional[str], typer.Option("--route", metavar="ROUTE_ID", help="Only this route.")]
ReplicaOpt = Annotated[Optional[str], typer.Option("--replica", metavar="REPLICA_ID", help="Only this replica.")]
SeriesMetricArg = Annotated[str, typer.Argument(metavar="METRIC", help="mau, dau, upstream_requests, upstream_rx_bytes, upstream_tx_bytes, authz_ok, authz_err or authz_denied.")]
DistMetricArg = Annotated[str, typer.Argument(metavar="[METRIC]", help="Distribution metric (upstream_request_time).")]


def _series(metric: str) -> str:
    from gwctl.api.pomerium.client import TIME_SERIES_METRICS

    return check_choice(metric, TIME_SERIES_METRICS, "METRIC") or metric


def _dist(metric: str) -> str:
    from gwctl.api.pomerium.client import DISTRIBUTION_METRICS

    return check_choice(metric, DISTRIBUTION_METRICS, "METRIC") or metric


def _points(result: list) -> None:
    """One row per point in tables; JSON is the API's array of series."""
    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(result)
        return
    from gwctl.api.base import as_dict, as_list

    rows = [{**point, "unit": series.get("unit"), "labels": series.get("labels")}
            for series in map(as_dict, as_list(result)) for point in as_list(series.get("points"))
            if isinstance(point, dict)]
    emit(rows, POINT_COLUMNS)


@app.command("series")
def series(metric: SeriesMetricArg, from_: FromOpt = None, to: ToOpt = None, route: RouteOpt = None,
           replica: ReplicaOpt = None) -> None:
    """Show a metric as a time series (GET .../clusters/{clusterId}/timeSeries/{metricId}).

    Example: gwctl pomerium metrics series upstream_requests --from 24h --route ROUTE
    """
    metric = _series(metric)
    start, end = time_range(from_, to)
    c = client()
    _points(c.time_series(c.cluster_id(), metric, start, end, route, replica))


@app.command("sum")
def series_sum(metric: SeriesMetricArg, from_: FromOpt = None, to: ToOpt = None, route: RouteOpt = None,
               replica: ReplicaOpt = None) -> None:
    """Show a metric summed over the time range (GET .../timeSeries/{metricId}/sum).

    Example: gwctl pomerium metrics sum upstream_rx_bytes --from 7d
    """
    metric = _series(metric)
    start, end = time_range(from_, to)
    c = client()
    emit(c.time_series_sum(c.cluster_id(), metric, start, end, route, replica), SUM_COLUMNS)


@app.command("distribution")
def distribution(
    metric: DistMetricArg = "upstream_request_time",
    percentile: Annotated[Optional[int], typer.Option("--percentile", metavar="P", help="50, 95 or 99.")] = None,
    from_: FromOpt = None, to: ToOpt = None, route: RouteOpt = None, replica: ReplicaOpt = None,
) -> None:
    """Show a percentile of a distribution metric as a time series (GET .../distribution/{metricId}/timeSeries).

    Example: gwctl pomerium metrics distribution --percentile 95 --from 6h
    """
    from gwctl.api.pomerium.client import PERCENTILES

    metric = _dist(metric)
    if percentile is not None:
        check_choice(str(percentile), PERCENTILES, "--percentile")
    start, end = time_range(from_, to)
    c = client()
    _points(c.distribution_series(c.cluster_id(), metric, start, end, percentile, route, replica))


@app.command("distribution-sum")
def distribution_sum(
    metric: DistMetricArg = "upstream_request_time",
    from_: FromOpt = None, to: ToOpt = None, route: RouteOpt = None, replica: ReplicaOpt = None,
) -> None:
    """Show a distribution metric aggregated over the time range (GET .../distribution/{metricId}/sum).

    Example: gwctl pomerium metrics distribution-sum --from 24h
    """
    metric = _dist(metric)
    start, end = time_range(from_, to)
    c = client()
    emit(c.distribution_sum(c.cluster_id(), metric, start, end, route, replica), DIST_COLUMNS)
