"""`gwctl api7 api-products` list and get, which also read the developer side (what portal
developers see) with `--developer`, and take `--path` where dashboards differ.

create/update/delete come from the declaration (gwctl.resources.api7_admin); delete's `--path`
is a hook (gwctl.cli.api7.admin_hooks). Paths come from later API7 versions (/api/api_products).
"""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt, OrderByOpt, PathOpt, SearchOpt
from gwctl.cli.api7.calls import client, list_params, override_path, resolve, show, show_list
from gwctl.resources import resource

app = product_app("api-products", "API products of the developer portal (provider and developer side).")
PRODUCTS = resource("api7", "api-products")
ProductArg = Annotated[str, typer.Argument(metavar="ID|NAME", help="API product ID or name.")]
DeveloperOpt = Annotated[bool, typer.Option("--developer", help="Read through the developer-side API (what portal developers see).")]


@app.command("list")
def list_(developer: DeveloperOpt = False, path: PathOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          search: SearchOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List API products (GET /api/api_products; --developer: GET /api/developer/api_products; dashboards differ, see --path).

    Example: gwctl api7 api-products list --developer
    """
    from gwctl.api.api7.client import paths

    default = paths.guessed["developer_api_products"] if developer else PRODUCTS.path
    show_list(override_path(default, path), PRODUCTS.columns, list_params(search, None, order_by, direction), limit,
              all_)


@app.command("get")
def get(product: ProductArg, developer: DeveloperOpt = False, path: PathOpt = None) -> None:
    """Show an API product (GET /api/api_products/{id}; --developer: /api/developer/api_products/{id}; see --path).

    An API product is named by its ID or its name.
    Example: gwctl api7 api-products get API_PRODUCT_ID -o json
    """
    from gwctl.api.api7.client import paths

    default = paths.guessed["developer_api_product"] if developer else PRODUCTS.item_path
    override_path(default, path, id="x")  # a bad --path is refused before any request
    show(client().get(override_path(default, path, id=resolve(PRODUCTS, product))), PRODUCTS.columns)
