"""`gwctl pomerium organizations`: the organizations you belong to."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, IdsArg, LimitOpt, OutFileOpt, YesOpt
from gwctl.cli.pomerium._common import body_from, client, delete_many, emit_secret_record, resource_app, validate
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of
from gwctl.errors import UsageError

app = resource_app("organizations", "Organizations you belong to: list, get, create, update, delete.")

ORG_COLUMNS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("type", "organizationType"),
    Column("role", "role"),
    Column("owner", "ownerUserId"),
    Column("read-only", "readOnly", default=False),
    Column("joined", "joinedAt", default=False),
)
CREATED_COLUMNS = (
    Column("id", "organization.id"),
    Column("name", "organization.name"),
    Column("cluster", "cluster.id"),
    Column("fqdn", "cluster.fqdn"),
    Column("namespace", "namespace.id"),
    Column("cluster-token", "cluster.refreshToken"),
)
FLAGS = {"name": "--name", "logoURL": "--logo-url", "ownerUserId": "--owner"}
OrgArg = Annotated[Optional[str], typer.Argument(metavar="[ORG_ID]", help="Organization ID (default: --org or the profile's).")]
NameOpt = Annotated[Optional[str], typer.Option("--name", help="Organization name.")]
LogoOpt = Annotated[Optional[str], typer.Option("--logo-url", metavar="URL", help="Logo URL.")]


@app.command("list")
def list_organizations(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the organizations you belong to, with your role (GET /organizations).

    Example: gwctl pomerium organizations list
    """
    emit(client().list_organizations(limit_of(limit, all_)), ORG_COLUMNS)


@app.command("get")
def get_organization(org_id: OrgArg = None) -> None:
    """Show one organization with its quotas (GET /organizations/{organizationId}).

    Example: gwctl pomerium organizations get ORG_ID -o yaml
    """
    emit(client().get_organization(org_id), ORG_COLUMNS)


@app.command("create")
def create_organization(name: NameOpt = None, logo_url: LogoOpt = None, out: OutFileOpt = None) -> None:
    """Create an organization with its first cluster and print the cluster token once (POST /organizations).

    With --out the cluster token goes to FILE (0600, atomic) and only metadata is printed.
    Example: gwctl pomerium organizations create --name "Acme Labs" --out labs-cluster.token
    """
    from gwctl.api.pomerium.models import OrganizationCreate

    body = body_from(OrganizationCreate, None, {"name": name, "logoURL": logo_url}, flag_names=FLAGS)
    emit_secret_record(client().create_organization(body), ("cluster", "refreshToken"), out, CREATED_COLUMNS,
                       "cluster token")


@app.command("update")
def update_organization(
    org_id: OrgArg = None,
    name: NameOpt = None,
    logo_url: LogoOpt = None,
    owner: Annotated[Optional[str], typer.Option("--owner", metavar="USER_ID", help="Transfer ownership to this member.")] = None,
) -> None:
    """Update an organization's name, logo or owner (PUT /organizations/{organizationId}).

    Fields not given keep their current values.
    Example: gwctl pomerium organizations update --name "Acme Corporation"
    """
    from gwctl.api.pomerium.models import OrganizationUpdate

    given = {k: v for k, v in {"name": name, "logoURL": logo_url, "ownerUserId": owner}.items() if v is not None}
    if not given:
        raise UsageError("nothing to update: give --name, --logo-url or --owner")
    validate(OrganizationUpdate, {"name": "x", **given}, "options", FLAGS, set(given))
    c = client()
    org = org_id or c.org_id
    current = c.get_organization(org)
    body = {k: current[k] for k in ("name", "logoURL") if current.get(k)}
    body = validate(OrganizationUpdate, {**body, **given}, "options", FLAGS, set(given))
    emit(c.update_organization(org, body), ORG_COLUMNS)


@app.command("delete")
def delete_organizations(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete organizations with everything in them (DELETE /organizations/{organizationId}).

    Example: gwctl pomerium organizations delete ORG_ID --yes
    """
    delete_many(ids, yes, concurrency, "organization", client().delete_organization, where="Pomerium Zero")
