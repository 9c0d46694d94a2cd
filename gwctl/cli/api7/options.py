"""Option aliases of `gwctl api7` commands (gateway group, list filters, plugins, dry run, paths)."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

GatewayGroupOpt = Annotated[
    Optional[str],
    typer.Option("--gateway-group", "-g", metavar="NAME|ID",
                 help="Gateway group (name or ID); overrides the profile's gateway_group."),
]
SearchOpt = Annotated[Optional[str], typer.Option("--search", "-s", metavar="TEXT", help="Only items matching TEXT.")]
OrderByOpt = Annotated[Optional[str], typer.Option("--order-by", metavar="FIELD", help="Sort field, e.g. created_at or updated_at.")]
DirectionOpt = Annotated[
    Optional[str], typer.Option("--direction", metavar="asc|desc", help="Sort direction (the API's default is desc).")
]
PluginOpt = Annotated[
    Optional[List[str]],
    typer.Option("--plugin", metavar="NAME[=JSON]", help="Plugin and its JSON config, e.g. cors or 'limit-count={\"count\":10}' (repeatable)."),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Ask the server to validate only (dry-run=all).")]

PathOpt = Annotated[
    Optional[str],
    typer.Option("--path", metavar="PATH", help="Use this API path instead (dashboards differ here; {id}/{name} are filled in)."),
]
PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")]
