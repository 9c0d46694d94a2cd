"""`gwctl api7 alert-policies` triggers, `webhook-templates` refers, and `alert-history`.

The CRUD verbs of alert policies and webhook templates come from their declarations
(gwctl.resources.api7_admin); these are the product's own verbs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt, OrderByOpt, SearchOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import build_body, client, item_path, list_params, show, show_items, show_list
from gwctl.resources.api7_fields import ts
from gwctl.resources import resource

policies_app = product_app("alert-policies", "Alert policies: what to watch, how often, which webhooks to call.")
templates_app = product_app("webhook-templates", "Webhook templates alert policies send to.")
history_app = product_app("alert-history", "Alerts that fired and the webhook calls they made.")

HISTORY_COLUMNS = cols("id", "alert_policy_name", "severity", Column("status", lambda h: {1: "sent", 0: "failed"}.get(h.get("status"), h.get("status"))),
                       "alert_webhook_template_name", "gateway_group_id", ts("created-at"),
                       Column("alert_policy_id", "alert_policy_id", default=False))
PolicyArg = Annotated[str, typer.Argument(metavar="POLICY", help="Alert policy ID or name.")]
TemplateArg = Annotated[str, typer.Argument(metavar="TEMPLATE", help="Webhook template ID or name.")]


@policies_app.command("triggers")
def policies_triggers(policy: PolicyArg, from_file: Annotated[str, typer.Option("--from-file", "-f", metavar="FILE|-", help="{trigger_logical_operator, trigger_conditions[]} as JSON or YAML (- for stdin).")]) -> None:
    """Set the trigger conditions of an alert policy (PUT /api/alert/policies/{id}/triggers).

    Example: gwctl api7 alert-policies triggers ALERT_POLICY_ID --from-file TRIGGERS_FILE
    """
    policies = resource("api7", "alert-policies")
    body = build_body("TriggersWrite", from_file, {})
    show(client().replace(item_path(policies, policy, "triggers"), body), policies.columns)


@history_app.command("list")
def history_list(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None,
                 order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List fired alerts and their webhook calls (GET /api/alert/policies/histories).

    Example: gwctl api7 alert-history list --limit 20
    """
    show_list("/api/alert/policies/histories", HISTORY_COLUMNS, list_params(search, None, order_by, direction),
              limit, all_)


@templates_app.command("refers")
def templates_refers(template: TemplateArg, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the alert policies that use a webhook template (GET .../webhook_templates/{id}/refer).

    Example: gwctl api7 webhook-templates refers WEBHOOK_TEMPLATE_ID
    """
    path = item_path(resource("api7", "webhook-templates"), template, "refer")
    show_items(client().items(path), resource("api7", "alert-policies").columns, limit, all_)
