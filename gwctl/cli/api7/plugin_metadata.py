"""`gwctl api7 plugin-metadata`: per-gateway-group metadata of a plugin (e.g. log formats)."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7._common import (
    ConcurrencyOpt, FromFileOpt, GatewayGroupOpt, YesOpt, client, delete_items, gg_id, product_app, show,
)
from gwctl.cli.input import read_body_file
from gwctl.errors import UsageError

app = product_app("plugin-metadata", "Plugin metadata of a gateway group (shared settings of a plugin).")
PluginArg = Annotated[str, typer.Argument(metavar="PLUGIN", help="Plugin name, e.g. http-logger.")]


def _path(plugin: str, *rest: str) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return "/".join([paths.plugin_metadata, seg(plugin), *rest])


@app.command("get")
def get(plugin: PluginArg, gateway_group: GatewayGroupOpt = None,
        return_default: Annotated[bool, typer.Option("--default-if-unset", help="Return the default when none is stored (return_default).")] = False) -> None:
    """Show a plugin's metadata in a gateway group (GET /apisix/admin/plugin_metadata/{plugin}).

    Example: gwctl api7 plugin-metadata get http-logger -g default
    """
    show(client().get(_path(plugin), {"gateway_group_id": gg_id(gateway_group), "return_default": return_default or None}))


@app.command("set")
def set_(plugin: PluginArg, from_file: FromFileOpt = None, gateway_group: GatewayGroupOpt = None) -> None:
    """Create or replace a plugin's metadata (PUT /apisix/admin/plugin_metadata/{plugin}); the body is free-form JSON.

    Example: gwctl api7 plugin-metadata set http-logger --from-file log-format.json
    """
    body = read_body_file(from_file)
    if body is None:
        raise UsageError("missing --from-file FILE|-: the plugin's metadata as a JSON or YAML object")
    if not isinstance(body, dict):
        raise UsageError(f"--from-file: expected an object, got {type(body).__name__}")
    show(client().replace(_path(plugin), body, {"gateway_group_id": gg_id(gateway_group)}))


@app.command("delete")
def delete(
    plugins: Annotated[List[str], typer.Argument(metavar="PLUGIN...", help="Plugin names, or - to read them from stdin.")],
    gateway_group: GatewayGroupOpt = None,
    yes: YesOpt = False,
    concurrency: ConcurrencyOpt = 4,
) -> None:
    """Delete plugins' metadata (DELETE /apisix/admin/plugin_metadata/{plugin}).

    Example: gwctl api7 plugin-metadata delete http-logger --yes
    """
    gg = gg_id(gateway_group)
    api = client()
    delete_items(plugins, "plugin metadata", yes, concurrency,
                 lambda plugin: api.remove(_path(plugin), {"gateway_group_id": gg}))


@app.command("default")
def default(plugin: PluginArg) -> None:
    """Show the default metadata of a plugin (GET /apisix/admin/plugin_metadata/{plugin}/default).

    Example: gwctl api7 plugin-metadata default http-logger
    """
    show(client().get(_path(plugin, "default")))
