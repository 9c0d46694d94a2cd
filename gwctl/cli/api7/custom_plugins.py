"""`gwctl api7 custom-plugins`: Lua plugins uploaded to the dashboard."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, IdsArg, LimitOpt, OrderByOpt, PathOpt, SearchOpt, YesOpt,
    DEFAULT_LIMIT, Column, build_body, client, cols, delete_items, list_params, override_path, product_app, show,
    show_list, ts, with_file,
)
from gwctl.cli.input import read_text

app = product_app("custom-plugins", "Custom Lua plugins: upload, update, parse, delete.")

COLUMNS = cols("id", "name", "version", "priority", "catalog", "author", ts("updated-at"),
               Column("description", "description", default=False),
               Column("documentation_link", "documentation_link", default=False), ts("created-at", default=False))
PARSE_COLUMNS = cols("name", "version", "priority")
PluginArg = Annotated[str, typer.Argument(metavar="PLUGIN_ID", help="Custom plugin ID.")]
SourceOpt = Annotated[Optional[str], typer.Option("--source", "-s", metavar="FILE|-", help="Lua source file of the plugin (- for stdin).")]
CatalogOpt = Annotated[Optional[str], typer.Option("--catalog", help="Catalog, e.g. Traffic or Observability.")]
DescriptionOpt = Annotated[Optional[str], typer.Option("--description", help="Short description.")]
DocOpt = Annotated[Optional[str], typer.Option("--doc-link", metavar="URL", help="Link to the plugin's documentation.")]
AuthorOpt = Annotated[Optional[str], typer.Option("--author", help="Author.")]
LogoOpt = Annotated[Optional[str], typer.Option("--logo", help="Logo (URL or base64 image).")]


def _path(plugin_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.custom_plugins if plugin_id is None else f"{paths.custom_plugins}/{seg(plugin_id)}"


def _read_source(source: Optional[str]) -> Optional[str]:
    return None if source is None else read_text(source, f"--source {source}")


def _fields(source, catalog, description, doc_link, author, logo) -> dict:
    return {"source_code": _read_source(source), "catalog": catalog, "description": description,
            "documentation_link": doc_link, "author": author, "logo": logo}


@app.command("list")
def list_(name: Annotated[Optional[str], typer.Option("--name", "-n", help="Only the plugin with this name.")] = None,
          limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List custom plugins (GET /api/custom_plugins).

    Example: gwctl api7 custom-plugins list
    """
    show_list(_path(), COLUMNS, list_params(search, None, order_by, direction, name=name), limit, all_)


@app.command("get")
def get(plugin_id: PluginArg) -> None:
    """Show a custom plugin, source included in JSON (GET /api/custom_plugins/{id}).

    Example: gwctl api7 custom-plugins get PLUGIN_ID -o json
    """
    show(client().get(_path(plugin_id)), COLUMNS)


@app.command("create")
def create(source: SourceOpt = None, catalog: CatalogOpt = None, description: DescriptionOpt = None,
           doc_link: DocOpt = None, author: AuthorOpt = None, logo: LogoOpt = None, from_file: FromFileOpt = None) -> None:
    """Upload a custom plugin; its name comes from the source (POST /api/custom_plugins).

    Example: gwctl api7 custom-plugins create --source hello.lua --catalog Traffic --description 'Says hello' --doc-link https://docs.example.com/hello --author ops
    """
    body = build_body("CustomPluginWrite", from_file, _fields(source, catalog, description, doc_link, author, logo))
    show(client().create(_path(), body), COLUMNS)


@app.command("update")
def update(plugin_id: PluginArg, source: SourceOpt = None, catalog: CatalogOpt = None, description: DescriptionOpt = None,
           doc_link: DocOpt = None, author: AuthorOpt = None, logo: LogoOpt = None, from_file: FromFileOpt = None) -> None:
    """Replace a custom plugin (PUT /api/custom_plugins/{id}); fields not given keep their value.

    Example: gwctl api7 custom-plugins update PLUGIN_ID --source hello.lua
    """
    fields = _fields(source, catalog, description, doc_link, author, logo)
    api = client()
    current = api.get(_path(plugin_id)) or {}
    body = with_file({k: current[k] for k in ("source_code", "catalog", "description", "documentation_link", "author",
                                              "logo") if current.get(k) not in (None, "")}, from_file)
    body.update({k: v for k, v in fields.items() if v is not None})
    show(api.replace(_path(plugin_id), build_body("CustomPluginWrite", None, body)), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete custom plugins (DELETE /api/custom_plugins/{id}).

    Example: gwctl api7 custom-plugins delete PLUGIN_ID --yes
    """
    api = client()
    delete_items(ids, "custom plugin", yes, concurrency, lambda pid: api.remove(_path(pid)))


@app.command("parse")
def parse(file: Annotated[str, typer.Argument(metavar="FILE|-", help="Lua source file (- for stdin).")], path: PathOpt = None) -> None:
    """Check a plugin's source and show its name, version and priority (POST /api/custom_plugins/parse).

    The 3.2.11 path is unconfirmed: correct it with --path if your dashboard differs.
    Example: gwctl api7 custom-plugins parse hello.lua
    """
    from gwctl.api.api7 import paths

    body = build_body("CustomPluginParse", None, {"source_code": _read_source(file)})
    show(client().create(override_path(paths.guessed["custom_plugin_parse"], path), body), PARSE_COLUMNS)
