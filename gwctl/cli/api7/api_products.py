"""`gwctl api7 api-products` list and get, which also read what a developer portal shows
(`--portal SLUG`: /api/{slug}/api_products) and take `--portal-id` (3.8 and later).

create/update/patch/delete come from the declaration (gwctl.resources.api7_admin); their `--portal-id`
and delete's `--path` are hooks (gwctl.cli.api7.admin_hooks).
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt, OrderByOpt, PathOpt, SearchOpt
from gwctl.cli.api7.calls import client, list_params, override_path, resolve, show, show_list
from gwctl.resources import resource

app = product_app("api-products", "API products of the developer portal (provider and developer side).")
PRODUCTS = resource("api7", "api-products")
ProductArg = Annotated[str, typer.Argument(metavar="ID|NAME", help="API product ID or name.")]
PortalOpt = Annotated[Optional[str], typer.Option("--portal", metavar="SLUG", help="Read what this developer portal shows its developers (GET /api/{slug}/api_products).")]
PortalIdOpt = Annotated[Optional[str], typer.Option("--portal-id", metavar="PORTAL_ID", help="The developer portal the products belong to (API7 Enterprise 3.8 and later).")]


def _checked(portal: Optional[str], portal_id: Optional[str], path: Optional[str]) -> dict:
    """Query parameters, after the flags are checked and the server's version allows them."""
    from gwctl.errors import UsageError

    if portal is not None and (portal_id is not None or path is not None):
        raise UsageError("--portal cannot be combined with --portal-id or --path")
    if portal is not None and (not portal.strip() or "/" in portal):
        raise UsageError(f"invalid --portal {portal!r}: a portal slug like developers")
    if portal_id is None:
        return {}
    from gwctl.cli.api7.admin_hooks import prepare

    return prepare(PRODUCTS, "list", {"portal_id": portal_id})["query"]


@app.command("list")
def list_(portal: PortalOpt = None, portal_id: PortalIdOpt = None, path: PathOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
          all_: AllOpt = False, search: SearchOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List API products (GET /api/api_products; --portal SLUG: GET /api/{slug}/api_products).

    Needs API7 Enterprise 3.6 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 api-products list --portal developers
    """
    from gwctl.api.base import seg
    from gwctl.cli.catalogue import require_operation

    query = _checked(portal, portal_id, path)
    if portal is not None:
        require_operation("api7", "GET", "/api/{portal_slug}/api_products")
        target = f"/api/{seg(portal, 'portal slug')}/api_products"
    else:
        target = override_path(PRODUCTS.path, path)
        require_operation("api7", "GET", "/api/api_products")
    show_list(target, PRODUCTS.columns, {**list_params(search, None, order_by, direction), **query}, limit, all_)


@app.command("get")
def get(product: ProductArg, portal: PortalOpt = None, portal_id: PortalIdOpt = None, path: PathOpt = None) -> None:
    """Show an API product (GET /api/api_products/{id}; --portal SLUG: GET /api/{slug}/api_products/{id}).

    An API product is named by its ID or its name.

    Needs API7 Enterprise 3.6 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 api-products get API_PRODUCT_ID -o json
    """
    from gwctl.api.base import seg
    from gwctl.cli.catalogue import require_operation
    from gwctl.cli.lookup import check_ref

    check_ref(PRODUCTS, product)  # before the server is asked anything
    override_path(PRODUCTS.item_path, path, id="x")  # a bad --path is refused before any request
    query = _checked(portal, portal_id, path)
    if portal is not None:
        require_operation("api7", "GET", "/api/{portal_slug}/api_products/{api_product_id}")
        target = f"/api/{seg(portal, 'portal slug')}/api_products/{seg(resolve(PRODUCTS, product), 'API product ID')}"
    else:
        require_operation("api7", "GET", "/api/api_products/{id}")
        target = override_path(PRODUCTS.item_path, path, id=resolve(PRODUCTS, product))
    show(client().get(target, query or None), PRODUCTS.columns)
