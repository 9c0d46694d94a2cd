"""`gwctl api7 api-products`: API products published to the developer portal.

The provider side (create/update/delete) and the developer side (what developers see) are
read with `list`/`get`; `--developer` reads through the developer API. Paths come from later
API7 versions (/api/api_products); delete and the developer reads are unconfirmed for 3.2.11:
override them with --path.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, IdsArg, LimitOpt, OrderByOpt, PathOpt, SearchOpt, YesOpt,
    DEFAULT_LIMIT, Column, build_body, client, cols, delete_items, list_params, override_path, product_app, show,
    show_list, ts, with_file,
)
from gwctl.cli.input import read_text

app = product_app("api-products", "API products of the developer portal (provider and developer side).")

COLUMNS = cols("id", "name", "server_url", "status", ts("updated-at"), ts("created-at", default=False))
ProductArg = Annotated[str, typer.Argument(metavar="PRODUCT_ID", help="API product ID.")]
NameOpt = Annotated[Optional[str], typer.Option("--name", "-n", help="Product name (1..255 chars).")]
OpenapiOpt = Annotated[Optional[str], typer.Option("--openapi", metavar="FILE|-", help="OpenAPI document (YAML or JSON) of the product.")]
ServerOpt = Annotated[Optional[str], typer.Option("--server-url", metavar="URL", help="Server URL, if the OpenAPI document has none.")]
DeveloperOpt = Annotated[bool, typer.Option("--developer", help="Read through the developer-side API (what portal developers see).")]


def _path(product_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.api_products if product_id is None else f"{paths.api_products}/{seg(product_id)}"


def _openapi(source: Optional[str]) -> Optional[str]:
    return None if source is None else read_text(source, f"--openapi {source}")


@app.command("list")
def list_(developer: DeveloperOpt = False, path: PathOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          search: SearchOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List API products (GET /api/api_products; --developer: GET /api/developer/api_products, unconfirmed).

    Example: gwctl api7 api-products list --developer
    """
    from gwctl.api.api7 import paths

    default = paths.guessed["developer_api_products"] if developer else _path()
    show_list(override_path(default, path), COLUMNS, list_params(search, None, order_by, direction), limit, all_)


@app.command("get")
def get(product_id: ProductArg, developer: DeveloperOpt = False, path: PathOpt = None) -> None:
    """Show an API product (GET /api/api_products/{id}; --developer: /api/developer/api_products/{id}, unconfirmed).

    Example: gwctl api7 api-products get PRODUCT_ID -o json
    """
    from gwctl.api.api7 import paths

    default = paths.guessed["developer_api_product"] if developer else paths.api_products + "/{id}"
    show(client().get(override_path(default, path, id=product_id)), COLUMNS)


@app.command("create")
def create(name: NameOpt = None, openapi: OpenapiOpt = None, server_url: ServerOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Create an API product from an OpenAPI document (POST /api/api_products).

    Example: gwctl api7 api-products create --name Petstore --openapi petstore.yaml --server-url https://api.example.com
    """
    body = build_body("ApiProductWrite", from_file, {"name": name, "raw_openapi": _openapi(openapi), "server_url": server_url})
    show(client().create(_path(), body), COLUMNS)


@app.command("update")
def update(product_id: ProductArg, name: NameOpt = None, openapi: OpenapiOpt = None, server_url: ServerOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Replace an API product (PUT /api/api_products/{id}); fields not given keep their value.

    Example: gwctl api7 api-products update PRODUCT_ID --openapi petstore-v2.yaml
    """
    fields = {"name": name, "raw_openapi": _openapi(openapi), "server_url": server_url}
    api = client()
    current = api.get(_path(product_id)) or {}
    body = with_file({k: current[k] for k in ("name", "raw_openapi", "server_url") if current.get(k)}, from_file)
    body.update({k: v for k, v in fields.items() if v is not None})
    show(api.replace(_path(product_id), build_body("ApiProductWrite", None, body)), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4, path: PathOpt = None) -> None:
    """Delete API products (DELETE /api/api_products/{id}; unconfirmed for 3.2.11, see --path).

    Example: gwctl api7 api-products delete PRODUCT_ID --yes
    """
    from gwctl.api.api7 import paths

    override_path(paths.guessed["api_product_delete"], path, id="x")  # check --path before asking
    api = client()
    delete_items(ids, "API product", yes, concurrency,
                 lambda pid: api.remove(override_path(paths.guessed["api_product_delete"], path, id=pid)))
