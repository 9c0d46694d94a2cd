"""`gwctl api7 plugin-metadata`: the product verbs of a plugin's metadata in a gateway group
(set: create or replace with free-form JSON; default). get/delete are the generic verbs of the
declaration in gwctl.resources.api7."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.api7.options import GatewayGroupOpt
from gwctl.cli.api7.calls import client, gg_id, show
from gwctl.cli.input import read_body_file
from gwctl.errors import UsageError
from gwctl.resources.api7 import PLUGIN_METADATA

app = product_app("plugin-metadata", "Plugin metadata of a gateway group (shared settings of a plugin).")
PluginArg = Annotated[str, typer.Argument(metavar="PLUGIN", help="Plugin name, e.g. http-logger.")]


@app.command("set")
def set_(plugin: PluginArg, from_file: FromFileOpt = None, gateway_group: GatewayGroupOpt = None) -> None:
    """Create or replace a plugin's metadata (PUT /apisix/admin/plugin_metadata/{plugin}); the body is free-form JSON.

    Example: gwctl api7 plugin-metadata set syslog --from-file METADATA_FILE
    """
    from gwctl.cli.flows import report_done

    body = read_body_file(from_file)
    if body is None:
        raise UsageError("missing --from-file FILE|-: the plugin's metadata as a JSON or YAML object")
    if not isinstance(body, dict):
        raise UsageError(f"--from-file: expected an object, got {type(body).__name__}")
    gg_id(gateway_group)
    result = client().replace_item(PLUGIN_METADATA, plugin, body)
    report_done("updated", PLUGIN_METADATA.singular, plugin)
    show(result)


@app.command("default")
def default(plugin: PluginArg) -> None:
    """Show the default metadata of a plugin (GET /apisix/admin/plugin_metadata/{plugin}/default).

    Example: gwctl api7 plugin-metadata default http-logger
    """
    show(client().get(client().resource_path(PLUGIN_METADATA, plugin) + "/default"))
