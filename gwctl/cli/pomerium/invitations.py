"""`gwctl pomerium invitations`: invitations to the organization, and the ones you received."""

from __future__ import annotations

from typing import Annotated, List

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, IdsArg, LimitOpt, YesOpt
from gwctl.cli.pomerium._common import body_from, client, delete_many, resource_app
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = resource_app("invitations", "Invitations to the organization, and the ones you received.")

INVITE_COLUMNS = (Column("id", "id"), Column("email", "email"), Column("role", "role"), Column("created", "createdAt"))
MINE_COLUMNS = (
    Column("id", "id"),
    Column("organization", "organization.name"),
    Column("organization-id", "organization.id", default=False),
    Column("role", "organizationRole"),
    Column("invited-by", lambda i: (i.get("invitedBy") or {}).get("email")),
    Column("created", "createdAt"),
)


@app.command("list")
def list_invites(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the organization's pending invitations (GET /organizations/{org}/invitations).

    Example: gwctl pomerium invitations list
    """
    emit(client().list_invites(limit_of(limit, all_)), INVITE_COLUMNS)


@app.command("mine")
def my_invitations(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the invitations you have received (GET /user/invitations).

    Example: gwctl pomerium invitations mine
    """
    emit(client().list_user_invitations(limit_of(limit, all_)), MINE_COLUMNS)


@app.command("create")
def create_invites(
    email: Annotated[List[str], typer.Option("--email", metavar="EMAIL", help="Address to invite (repeatable).")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help="owner, admin, auditor or member.")],
) -> None:
    """Invite people to the organization (POST /organizations/{org}/invitations).

    Example: gwctl pomerium invitations create --email dana@example.com --role member
    """
    from gwctl.api.pomerium.models import InviteCreate

    body = body_from(InviteCreate, None, {"emails": list(email), "role": role},
                     flag_names={"emails": "--email", "role": "--role"})
    emit(client().create_invites(body["emails"], body["role"]), INVITE_COLUMNS)


@app.command("delete")
def delete_invites(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete pending invitations (DELETE /organizations/{org}/invitations/{invitationId}).

    Example: gwctl pomerium invitations delete INVITATION_ID --yes
    """
    delete_many(ids, yes, concurrency, "invitation", client().delete_invite)
