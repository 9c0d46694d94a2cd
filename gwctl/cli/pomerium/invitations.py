"""`gwctl pomerium invitations`: list/delete come from the declaration
(gwctl.resources.pomerium); this adds inviting several addresses at once and the invitations you received."""

from __future__ import annotations

from typing import Annotated, List

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, LimitOpt, product_app
from gwctl.cli.input import limit_of
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import body_from
from gwctl.cli.render import Column, emit
from gwctl.resources.pomerium import INVITATIONS

app = product_app("invitations", "Invitations: create, the ones you received (accept, reject).")

MINE_COLUMNS = (Column("id", "id"), Column("organization", "organization.name"),
                Column("organization-id", "organization.id", default=False), Column("role", "organizationRole"),
                Column("invited-by", lambda i: (i.get("invitedBy") or {}).get("email")),
                Column("created", "createdAt"))


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
    from gwctl.cli.flows import report_done

    body = body_from(InviteCreate, None, {"emails": list(email), "role": role},
                     flag_names={"emails": "--email", "role": "--role"})
    created = client().create_invites(body["emails"], body["role"])
    for invite in created if isinstance(created, list) else []:
        if isinstance(invite, dict):
            report_done("created", INVITATIONS.singular, INVITATIONS.label(invite))
    emit(created, INVITATIONS.columns)


InvitationArg = Annotated[str, typer.Argument(metavar="INVITATION_ID", help="An invitation you received (see `invitations mine`).")]


@app.command("accept")
def accept(invitation_id: InvitationArg) -> None:
    """Accept an invitation you received: you join its organization (POST /user/invitations/{id}/accept).

    Example: gwctl pomerium invitations accept INVITATION_ID
    """
    _answer(invitation_id, "accept", "accepted")


@app.command("reject")
def reject(invitation_id: InvitationArg) -> None:
    """Reject an invitation you received (POST /user/invitations/{id}/reject).

    Example: gwctl pomerium invitations reject INVITATION_ID
    """
    _answer(invitation_id, "reject", "rejected")


def _answer(invitation_id: str, answer: str, done: str) -> None:
    from gwctl.cli.flows import report_done

    client().answer_invitation(invitation_id, answer)
    report_done(done, "invitation", invitation_id)
