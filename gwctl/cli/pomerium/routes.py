"""`gwctl pomerium routes`: list/get/create/update/delete come from the declaration
(gwctl.resources.pomerium); this adds the route's matching certificates."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import product_app
from gwctl.cli.pomerium import client
from gwctl.cli.render import emit
from gwctl.resources.pomerium import KEY_PAIRS, ROUTES

app = product_app("routes", "Routes: matching certificates.")

CERT_COLUMNS = tuple(c for c in KEY_PAIRS.columns if c.name in ("id", "name", "status", "subject", "not-after",
                                                                 "has-key"))


@app.command("certificates")
def route_certificates(route: Annotated[str, typer.Argument(metavar="ID|NAME", help="Route ID or name.")]) -> None:
    """List the key pairs whose certificates match a route (GET .../routes/{routeId}/certificates).

    Example: gwctl pomerium routes certificates grafana
    """
    from gwctl.cli.lookup import Lookup

    c = client()
    route_id = Lookup(c, ROUTES).resolve(route)
    emit(c.route_certificates(route_id), CERT_COLUMNS)
