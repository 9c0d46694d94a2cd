"""`gwctl pomerium custom-domains`: a cluster's custom domains."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, IdsArg, LimitOpt, YesOpt
from gwctl.cli.pomerium._common import body_from, client, delete_many, resource_app
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = resource_app("custom-domains", "Custom domains of a cluster: list, add, delete.")

DOMAIN_COLUMNS = (
    Column("id", "id"),
    Column("domain", "domainName"),
    Column("cluster", "clusterId"),
    Column("key-pair", "keyPairId"),
    Column("expires", "expiresAt"),
    Column("last-error", "lastError"),
)


@app.command("list")
def list_custom_domains(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the cluster's custom domains (GET /organizations/{org}/customDomains?clusterId=).

    Example: gwctl pomerium custom-domains list --cluster CLUSTER_ID
    """
    c = client()
    emit(c.list_custom_domains(c.cluster_id(), limit_of(limit, all_)), DOMAIN_COLUMNS)


@app.command("add")
def add_custom_domain(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="Domain name, e.g. apps.example.com.")],
) -> None:
    """Add a custom domain to the cluster (POST /organizations/{org}/customDomains).

    Example: gwctl pomerium custom-domains add apps.example.com
    """
    from gwctl.api.pomerium.models import CustomDomainCreate

    body_from(CustomDomainCreate, None, {"clusterId": "cluster", "domainName": domain},
              flag_names={"domainName": "DOMAIN"})
    c = client()
    emit(c.add_custom_domain(c.cluster_id(), domain), DOMAIN_COLUMNS)


@app.command("delete")
def delete_custom_domains(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete custom domains (DELETE /organizations/{org}/customDomains/{customDomainId}).

    Example: gwctl pomerium custom-domains delete DOMAIN_ID --yes
    """
    delete_many(ids, yes, concurrency, "custom domain", client().delete_custom_domain)
