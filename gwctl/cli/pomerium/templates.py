"""`gwctl pomerium templates`: default templates for new routes, policies and settings."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, LimitOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.options import check_choice
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = product_app("templates", "Default templates for routes, policies and settings.")

TEMPLATE_COLUMNS = (Column("id", "id"), Column("type", "recordType"), Column("name", "name"),
                    Column("properties", "defaultProperties", default=False))


@app.command("list")
def list_templates(
    record_type: Annotated[str, typer.Argument(metavar="RECORD_TYPE", help="route, policy or settings.")],
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List the default templates of a record type (GET /defaultTemplates/{recordType}).

    Example: gwctl pomerium templates list route -o json
    """
    from gwctl.api.pomerium.client import TEMPLATE_TYPES

    check_choice(record_type, TEMPLATE_TYPES, "RECORD_TYPE")
    emit(client().list_templates(record_type, limit_of(limit, all_)), TEMPLATE_COLUMNS)
