"""`gwctl api7 global-rules`: plugins that run on every request of a gateway group."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, GatewayGroupOpt, IdsArg, LimitOpt, OrderByOpt, PluginOpt,
    SearchOpt, YesOpt, DEFAULT_LIMIT, Column, build_body, client, cols, delete_items, gg_id, list_params, plugins_of,
    product_app, show, show_list, ts,
)

app = product_app("global-rules", "Global rules: plugins applied to every request of a gateway group.")

COLUMNS = cols("id", Column("plugins", lambda r: ",".join(r.get("plugins") or {})), ts("updated-at"),
               ts("created-at", default=False))
RuleArg = Annotated[str, typer.Argument(metavar="GLOBAL_RULE_ID", help="Global rule ID.")]


def _path(rule_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.global_rules if rule_id is None else f"{paths.global_rules}/{seg(rule_id)}"


@app.command("list")
def list_(gateway_group: GatewayGroupOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          search: SearchOpt = None, order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List the global rules of a gateway group (GET /apisix/admin/global_rules).

    Example: gwctl api7 global-rules list -g default
    """
    show_list(_path(), COLUMNS, list_params(search, None, order_by, direction, gateway_group_id=gg_id(gateway_group)),
              limit, all_)


@app.command("get")
def get(rule_id: RuleArg, gateway_group: GatewayGroupOpt = None) -> None:
    """Show a global rule (GET /apisix/admin/global_rules/{id}).

    Example: gwctl api7 global-rules get RULE_ID -o json
    """
    show(client().get(_path(rule_id), {"gateway_group_id": gg_id(gateway_group)}), COLUMNS)


@app.command("create")
def create(plugin: PluginOpt = None, gateway_group: GatewayGroupOpt = None, from_file: FromFileOpt = None) -> None:
    """Create a global rule (POST /apisix/admin/global_rules).

    Example: gwctl api7 global-rules create --plugin prometheus --plugin 'ip-restriction={"blacklist":["10.0.0.0/8"]}'
    """
    body = build_body("GlobalRuleWrite", from_file, {"plugins": plugins_of(plugin)})
    show(client().create(_path(), body, {"gateway_group_id": gg_id(gateway_group)}), COLUMNS)


@app.command("update")
def update(rule_id: RuleArg, plugin: PluginOpt = None, gateway_group: GatewayGroupOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Replace a global rule's plugins (PUT /apisix/admin/global_rules/{id}).

    Example: gwctl api7 global-rules update RULE_ID --plugin prometheus
    """
    body = build_body("GlobalRuleWrite", from_file, {"plugins": plugins_of(plugin)})
    show(client().replace(_path(rule_id), body, {"gateway_group_id": gg_id(gateway_group)}), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, gateway_group: GatewayGroupOpt = None, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete global rules (DELETE /apisix/admin/global_rules/{id}).

    Example: gwctl api7 global-rules delete RULE_ID --yes
    """
    gg = gg_id(gateway_group)
    api = client()
    delete_items(ids, "global rule", yes, concurrency, lambda rid: api.remove(_path(rid), {"gateway_group_id": gg}))
