"""`gwctl pomerium version`: the console API's version."""

from __future__ import annotations

import typer

from gwctl.cli.pomerium import client
from gwctl.cli.render import Column, emit

app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)


@app.command("version")
def version() -> None:
    """Show the version of the Pomerium Zero console API (GET /version).

    Example: gwctl pomerium version
    """
    emit(client().server_version(), (Column("version", "version"),))
