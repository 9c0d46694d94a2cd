"""`gwctl version`."""

from __future__ import annotations

import platform
import sys

import click

from gwctl import __version__
from gwctl.cli.context import get_app
from gwctl.cli.render import emit


@click.command("version")
def version() -> None:
    """Show the gwctl version (-o json for details).

    Examples:
      gwctl version
      gwctl version -o json
    """
    app_ctx = get_app()
    info = {"version": __version__, "python": platform.python_version(), "platform": sys.platform}
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(info)
    else:
        app_ctx.out(f"gwctl {__version__}")
