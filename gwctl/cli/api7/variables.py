"""`gwctl api7 variables`: the variables plugins and routes may use."""

from __future__ import annotations

from gwctl.cli.options import AllOpt, DEFAULT_LIMIT, LimitOpt, product_app
from gwctl.cli.api7.calls import client, show_items

app = product_app("variables", "Built-in variables (for plugin configs and route matching).")


@app.command("list")
def list_(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the built-in variables (GET /apisix/admin/variables).

    Example: gwctl api7 variables list
    """
    from gwctl.api.api7.client import paths

    show_items(client().get(paths.variables), None, limit, all_)
