"""`gwctl pomerium organizations`: list/get/update/delete come from the declaration
(gwctl.resources.pomerium); create is its own: it answers with the first cluster and its token."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import OutFileOpt, YesOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.pomerium.secret_records import emit_secret_record
from gwctl.cli.render import Column, emit

app = product_app("organizations", "Organizations: create, leave, feature flags.")

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


OrgArg = Annotated[Optional[str], typer.Argument(metavar="[ORG_ID]", help="Organization ID (default: --org or the profile's).")]
FLAG_COLUMNS = (Column("name", "name"), Column("enabled", "enabled"))


@app.command("leave")
def leave(org_id: OrgArg = None, yes: YesOpt = False) -> None:
    """Leave an organization: you lose access to it (POST /organizations/{id}/leave).

    The owner cannot leave; transfer ownership first (`organizations update --owner`).
    Example: gwctl pomerium organizations leave ORG_ID --yes
    """
    from gwctl.cli.flows import confirm_change, report_done

    c = client()
    org = org_id or c.org_id
    confirm_change("leave", "organization", "organizations", [org], yes,
                   consequence="you lose access to it until invited again")
    c.leave_organization(org)
    report_done("left", "organization", org)


@app.command("feature-flags")
def feature_flags() -> None:
    """List the organization's feature flags (GET /organizations/{org}/featureFlags).

    Example: gwctl pomerium organizations feature-flags
    """
    emit(client().feature_flags(), FLAG_COLUMNS)
