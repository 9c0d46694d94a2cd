"""`gwctl api7 custom-plugins parse`: the product verb of custom plugins.

list/get/create/update/delete come from the declaration (gwctl.resources.api7_admin).
"""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.api7.options import PathOpt
from gwctl.cli.api7.calls import build_body, client, override_path, show
from gwctl.cli.render import cols
from gwctl.cli.options import product_app
from gwctl.resources.values import read_text

app = product_app("custom-plugins", "Custom Lua plugins: upload, update, parse, delete.")

PARSE_COLUMNS = cols("name", "version", "priority")


@app.command("parse")
def parse(file: Annotated[str, typer.Argument(metavar="FILE|-", help="Lua source file (- for stdin).")], path: PathOpt = None) -> None:
    """Check a plugin's source and show its name, version and priority (POST /api/custom_plugins/parse).

    Dashboards differ on this path: correct it with --path if yours does.
    Example: gwctl api7 custom-plugins parse PLUGIN_FILE
    """
    from gwctl.api.api7.client import paths

    body = build_body("CustomPluginParse", None, {"source_code": read_text(file, f"--source {file}")})
    show(client().create(override_path(paths.guessed["custom_plugin_parse"], path), body), PARSE_COLUMNS)
