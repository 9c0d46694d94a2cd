"""`gwctl pomerium organizations`: list/get/update/delete come from the declaration
(gwctl.resources.pomerium); create is its own: it answers with the first cluster and its token."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import OutFileOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.pomerium.secret_records import emit_secret_record
from gwctl.cli.render import Column

app = product_app("organizations", "Organizations: create.")

CREATED_COLUMNS = (Column("id", "organization.id"), Column("name", "organization.name"),
                   Column("cluster", "cluster.id"), Column("fqdn", "cluster.fqdn"),
                   Column("namespace", "namespace.id"), Column("cluster-token", "cluster.refreshToken"))


@app.command("create")
def create_organization(
    name: Annotated[Optional[str], typer.Option("--name", help="Organization name.")] = None,
    logo_url: Annotated[Optional[str], typer.Option("--logo-url", metavar="URL", help="Logo URL.")] = None,
    out: OutFileOpt = None,
) -> None:
    """Create an organization with its first cluster and print the cluster token once (POST /organizations).

    With --out the cluster token goes to FILE (0600, atomic) and only metadata is printed.
    Example: gwctl pomerium organizations create --name "Acme Labs" --out labs-cluster.token
    """
    from gwctl.api.pomerium.models import OrganizationCreate
    from gwctl.cli.flows import report_done

    body = body_from(OrganizationCreate, None, {"name": name, "logoURL": logo_url},
                     flag_names={"name": "--name", "logoURL": "--logo-url"})
    created = client().create_organization(body)
    org = created.get("organization") if isinstance(created, dict) else None
    if isinstance(org, dict):
        report_done("created", "organization", f"{org.get('id')} ({org.get('name')})")
    emit_secret_record(created, ("cluster", "refreshToken"), out, CREATED_COLUMNS, "cluster token")
