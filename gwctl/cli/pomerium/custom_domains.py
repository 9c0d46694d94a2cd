"""`gwctl pomerium custom-domains`: list/delete come from the declaration
(gwctl.resources.pomerium); adding one takes the domain as its argument."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.render import emit
from gwctl.resources.pomerium import CUSTOM_DOMAINS

app = product_app("custom-domains", "Custom domains of a cluster: add, retry.")


@app.command("add")
def add_custom_domain(
    domain: Annotated[str, typer.Argument(metavar="DOMAIN", help="Domain name, e.g. apps.example.com.")],
) -> None:
    """Add a custom domain to the cluster (POST /organizations/{org}/customDomains).

    Example: gwctl pomerium custom-domains add apps.example.com
    """
    from gwctl.api.pomerium.models import CustomDomainCreate
    from gwctl.cli.flows import report_done

    body_from(CustomDomainCreate, None, {"clusterId": "cluster", "domainName": domain},
              flag_names={"domainName": "DOMAIN"})
    c = client()
    created = c.add_custom_domain(c.cluster_id(), domain)
    report_done("added", CUSTOM_DOMAINS.singular, CUSTOM_DOMAINS.label(created if isinstance(created, dict) else {}))
    emit(created, CUSTOM_DOMAINS.columns)


@app.command("retry")
def retry_custom_domain(
    domain: Annotated[str, typer.Argument(metavar="ID|DOMAIN", help="The custom domain, by ID or domain name.")],
) -> None:
    """Retry verifying a custom domain and getting its certificate (POST .../customDomains/{id}/retry).

    Example: gwctl pomerium custom-domains retry apps.acme.example
    """
    from gwctl.cli.context import get_app
    from gwctl.cli.lookup import Lookup

    c = client()
    lookup = Lookup(c, CUSTOM_DOMAINS)
    domain_id = lookup.resolve(domain)
    c.retry_custom_domain(domain_id)
    get_app().err(f"requested a retry of custom domain {lookup.label(domain_id)}")
