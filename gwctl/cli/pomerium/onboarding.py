"""`gwctl pomerium onboarding`: start and configure onboarding."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import OutFileOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.pomerium.secret_records import emit_secret_record
from gwctl.cli.render import Column, emit

app = product_app("onboarding", "Start, configure and complete onboarding of a new organization.")

START_COLUMNS = (Column("organization", "organizationId"), Column("cluster", "clusterId"),
                 Column("cluster-token", "clusterToken"))
SystemOpt = Annotated[str, typer.Option("--system", help="Where the cluster runs, e.g. linux, docker, kubernetes.")]
TimezoneOpt = Annotated[str, typer.Option("--timezone", metavar="TZ", help="IANA time zone, e.g. Europe/Berlin.")]
FLAGS = {"system": "--system", "timezone": "--timezone", "ipAddress": "--ip", "port": "--port"}


@app.command("start")
def start(system: SystemOpt, timezone: TimezoneOpt, out: OutFileOpt = None) -> None:
    """Start onboarding: create an organization and cluster, print the cluster token once (POST /onboarding/start).

    Example: gwctl pomerium onboarding start --system docker --timezone UTC --out cluster.token
    """
    from gwctl.api.pomerium.models import OnboardingStart

    body = body_from(OnboardingStart, None, {"system": system, "timezone": timezone}, flag_names=FLAGS)
    emit_secret_record(client().start_onboarding(body), ("clusterToken",), out, START_COLUMNS, "cluster token")


@app.command("configure")
def configure(
    system: SystemOpt,
    timezone: TimezoneOpt,
    ip: Annotated[Optional[str], typer.Option("--ip", metavar="IP", help="Public IP address of the cluster.")] = None,
    port: Annotated[Optional[str], typer.Option("--port", metavar="PORT", help="Public port.")] = None,
) -> None:
    """Configure onboarding (POST /onboarding/configure).

    Example: gwctl pomerium onboarding configure --system docker --timezone UTC --ip 203.0.113.7 --port 443
    """
    from gwctl.api.pomerium.models import OnboardingConfigure

    body = body_from(OnboardingConfigure, None, {"system": system, "timezone": timezone, "ipAddress": ip,
                                                 "port": port}, flag_names=FLAGS)
    result = client().configure_onboarding(body)
    app_ctx = get_app()
    if result or app_ctx.machine_output or app_ctx.opts.query:
        emit(result)
    else:
        app_ctx.err("configured onboarding")


@app.command("complete")
def complete() -> None:
    """Mark your onboarding as complete (POST /onboarding/complete).

    Example: gwctl pomerium onboarding complete
    """
    client().complete_onboarding()
    get_app().err("completed onboarding")
