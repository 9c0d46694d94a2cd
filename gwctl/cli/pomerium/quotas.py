"""`gwctl pomerium quotas`: resource counts and limits of the organization."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.context import get_app
from gwctl.cli.pomerium import client
from gwctl.cli.render import Column, emit

app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

QUOTA_COLUMNS = (Column("resource", "resource"), Column("used", "used"), Column("limit", "limit"))


@app.command("quotas")
def quotas(
    namespace: Annotated[Optional[str], typer.Option("--namespace", metavar="NAMESPACE_ID", help="Count only this namespace (default: the whole organization).")] = None,
) -> None:
    """Show the organization's resource counts and limits (GET /organizations/{org}/quotas).

    Table output has one row per resource; JSON is the API's {counts, limits}.
    Example: gwctl pomerium quotas
    """
    result = client().get_quotas(namespace)
    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(result)
        return
    from gwctl.api.base import as_dict

    counts, limits = as_dict(result.get("counts")), as_dict(result.get("limits"))
    rows = [{"resource": key, "used": counts.get(key), "limit": limits.get(key)}
            for key in dict.fromkeys([*counts, *limits])]
    emit(rows, QUOTA_COLUMNS)
