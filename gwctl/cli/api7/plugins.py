"""`gwctl api7 plugins`: the plugins the gateway offers and their schemas."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import AllOpt, DEFAULT_LIMIT, LimitOpt, product_app
from gwctl.cli.api7.calls import client, show, show_items
from gwctl.cli.render import cols

app = product_app("plugins", "Available plugins and their schemas.")


@app.command("list")
def list_(has_metadata: Annotated[bool, typer.Option("--has-metadata", help="Only plugins that take metadata.")] = False,
          limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List plugin names (GET /apisix/admin/plugins/list).

    Example: gwctl api7 plugins list --has-metadata
    """
    from gwctl.api.api7.client import paths

    show_items(client().items(f"{paths.plugins}/list", {"has_metadata": has_metadata or None}), None, limit, all_)


@app.command("types")
def types() -> None:
    """List plugins with their type (GET /api/plugins).

    Example: gwctl api7 plugins types
    """
    show(client().get("/api/plugins"), cols("name", "type", "has_metadata"))


@app.command("schema")
def schema(plugin: Annotated[str, typer.Argument(metavar="PLUGIN", help="Plugin name.")],
           all_scopes: Annotated[bool, typer.Option("--all-scopes", help="Include every schema scope (scope=all).")] = False) -> None:
    """Show a plugin's JSON schema (GET /apisix/admin/plugins/{plugin}).

    Example: gwctl api7 plugins schema key-auth -o json
    """
    from gwctl.api.api7.client import paths
    from gwctl.api.base import seg

    show(client().get(f"{paths.plugins}/{seg(plugin)}", {"scope": "all" if all_scopes else None}))


PathOpt = Annotated[Optional[str], typer.Option("--path", metavar="PATH", help="Use this API path instead (dashboards differ here; {name} is filled in).")]


@app.command("catalog")
def catalog(path: PathOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the plugin catalogue, built-in and custom (GET /api/plugins/catalogs).

    Needs API7 Enterprise 3.6 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 plugins catalog
    """
    from gwctl.api.api7.client import paths
    from gwctl.cli.api7.calls import override_path
    from gwctl.cli.catalogue import require_operation

    target = override_path(paths.guessed["plugin_catalog"], path)
    require_operation("api7", "GET", "/api/plugins/catalogs")
    show_items(client().items(target),
               cols("name", "catalog", "type"), limit, all_)


@app.command("usage")
def usage(plugin: Annotated[str, typer.Argument(metavar="PLUGIN", help="Plugin name (1..64 chars).")], path: PathOpt = None) -> None:
    """Show where a plugin is used (GET /api/plugins/{name}/usage).

    Needs API7 Enterprise 3.6 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 plugins usage key-auth
    """
    from gwctl.api.api7.client import paths
    from gwctl.cli.api7.calls import override_path
    from gwctl.cli.context import get_app
    from gwctl.errors import UsageError

    if not 1 <= len(plugin) <= 64:
        raise UsageError("invalid PLUGIN: 1..64 characters")
    from gwctl.cli.catalogue import require_operation

    require_operation("api7", "GET", "/api/plugins/{plugin_name}/usage")
    value = client().get(override_path(paths.guessed["plugin_usage"], path, name=plugin))
    if isinstance(value, dict) and not get_app().machine_output:
        rows = [{"kind": kind, "id": item.get("id"), "name": item.get("name")}
                for kind in ("services", "routes", "consumers", "global_rules")
                for item in value.get(kind) or [] if isinstance(item, dict)]
        show(rows, cols("kind", "id", "name"))
        return
    show(value)
