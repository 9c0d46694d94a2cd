"""`gwctl pomerium notifications`: authorizing a console notification channel subscription."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import product_app
from gwctl.cli.pomerium import client
from gwctl.cli.render import Column, emit

app = product_app("notifications", "Console notifications: authorize a channel subscription.")


@app.command("authorize")
def authorize(
    channel: Annotated[str, typer.Option("--channel", metavar="CHANNEL", help="Channel name, e.g. private-org-ORG_ID.")],
    socket_id: Annotated[str, typer.Option("--socket-id", metavar="SOCKET_ID", help="The notification socket's ID, e.g. 1234.5678.")],
) -> None:
    """Get the signature that lets a notification socket subscribe to a channel (POST /notifications/authorize, form-encoded).

    Example: gwctl pomerium notifications authorize --channel private-org-ORG_ID --socket-id 1234.5678
    """
    from gwctl.errors import UsageError

    if not channel.strip():
        raise UsageError("invalid --channel: must not be empty")
    if not socket_id.strip():
        raise UsageError("invalid --socket-id: must not be empty")
    emit(client().authorize_notifications(channel, socket_id), (Column("auth", "auth"),))
