"""`gwctl api7 custom-plugins parse`: the product verb of custom plugins.

list/get/create/update/delete come from the declaration (gwctl.resources.api7_admin).
"""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.api7.options import PathOpt
from gwctl.cli.api7.calls import client, override_path, show
from gwctl.cli.render import cols
from gwctl.cli.options import product_app
from gwctl.resources.values import read_text

app = product_app("custom-plugins", "Custom Lua plugins: upload, update, parse, delete.")

PARSE_COLUMNS = cols("name", "version", "priority")


@app.command("parse")
def parse(file: Annotated[str, typer.Argument(metavar="FILE|-", help="Lua source file (- for stdin).")], path: PathOpt = None) -> None:
    """Check a plugin's source and show its name, version and priority (PUT /api/custom_plugins/code/parse).

    The source is sent base64-encoded in the body's `file` field.

    Needs API7 Enterprise 3.6 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 custom-plugins parse PLUGIN_FILE
    """
    import base64

    from gwctl.api.api7.client import paths
    from gwctl.cli.catalogue import require_operation
    from gwctl.errors import UsageError

    source = read_text(file, f"FILE {file}")
    if not source.strip():
        raise UsageError(f"invalid FILE {file}: the plugin source is empty")
    target = override_path(paths.guessed["custom_plugin_parse"], path)
    require_operation("api7", "PUT", "/api/custom_plugins/code/parse")
    body = {"file": base64.b64encode(source.encode()).decode()}
    show(client().replace(target, body), PARSE_COLUMNS)
