"""`gwctl api7 alert-policies`, `webhook-templates` and `alert-history`."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, IdsArg, LimitOpt, OrderByOpt, SearchOpt, YesOpt,
    DEFAULT_LIMIT, Column, build_body, client, cols, delete_items, list_params, product_app, show, show_items,
    show_list, ts, with_file,
)
from gwctl.errors import UsageError

policies_app = product_app("alert-policies", "Alert policies: what to watch, how often, which webhooks to call.")
templates_app = product_app("webhook-templates", "Webhook templates alert policies send to.")
history_app = product_app("alert-history", "Alerts that fired and the webhook calls they made.")

POLICY_COLUMNS = cols("id", "name", "severity", "enable", Column("scope", lambda p: ",".join(p.get("scope") or [])),
                      "check_interval", Column("webhooks", lambda p: ",".join(p.get("webhook_templates") or [])),
                      Column("triggers", lambda p: len(p.get("trigger_conditions") or [])), ts("updated-at"),
                      Column("desc", "desc", default=False), ts("created-at", default=False))
TEMPLATE_COLUMNS = cols("id", "name", "method", "url", "skip_tls_verify", "desc", ts("updated-at"),
                        Column("template", "template", default=False), ts("created-at", default=False))
HISTORY_COLUMNS = cols("id", "alert_policy_name", "severity", Column("status", lambda h: {1: "sent", 0: "failed"}.get(h.get("status"), h.get("status"))),
                       "alert_webhook_template_name", "gateway_group_id", ts("created-at"),
                       Column("alert_policy_id", "alert_policy_id", default=False))
PolicyArg = Annotated[str, typer.Argument(metavar="POLICY_ID", help="Alert policy ID.")]
TemplateArg = Annotated[str, typer.Argument(metavar="TEMPLATE_ID", help="Webhook template ID.")]
NameOpt = Annotated[Optional[str], typer.Option("--name", "-n", help="Name.")]
DescOpt = Annotated[Optional[str], typer.Option("--desc", help="Description.")]
SeverityOpt = Annotated[Optional[str], typer.Option("--severity", metavar="high|medium|low", help="Severity.")]
ScopeOpt = Annotated[Optional[List[str]], typer.Option("--gateway-group", "-g", metavar="NAME|ID", help="Gateway group the policy watches (repeatable).")]
EnableOpt = Annotated[Optional[bool], typer.Option("--enable/--disable", help="Turn the policy on or off.")]
IntervalOpt = Annotated[Optional[int], typer.Option("--check-interval", metavar="SECONDS", help="How often to check (60..86400 s).")]
WebhookOpt = Annotated[Optional[List[str]], typer.Option("--webhook-template", "-w", metavar="TEMPLATE_ID", help="Webhook template to call (repeatable, up to 10).")]
TitleOpt = Annotated[Optional[str], typer.Option("--title", help="Alert title (1..128 chars).")]
DetailOpt = Annotated[Optional[str], typer.Option("--detail", help="Alert detail text (1..128 chars).")]


def _ppath(policy_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.alert_policies if policy_id is None else f"{paths.alert_policies}/{seg(policy_id)}"


def _tpath(template_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.webhook_templates if template_id is None else f"{paths.webhook_templates}/{seg(template_id)}"


def _scope(groups: Optional[List[str]]) -> list[str] | None:
    if not groups:
        return None
    api = client()
    return [api.resolve_gateway_group(g) for g in groups]


def _with_scope(model: str, from_file: Optional[str], fields: dict, scope: Optional[List[str]]) -> dict:
    """Validate first (a placeholder stands in for --gateway-group), then resolve gateway-group names."""
    body = build_body(model, from_file, {**fields, "scope": ["placeholder"] if scope else None})
    if scope:
        body["scope"] = _scope(scope)
    return body


def _policy_fields(name, desc, severity, scope, enable, interval, webhook, title, detail) -> dict:
    if severity is not None and severity not in ("high", "medium", "low"):
        raise UsageError(f"invalid --severity {severity!r}: choose high, medium or low")
    return {"name": name, "desc": desc, "severity": severity, "scope": scope, "enable": enable,
            "check_interval": interval, "webhook_templates": list(webhook) if webhook else None, "title": title,
            "detail": detail}


@policies_app.command("list")
def policies_list(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None,
                  order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List alert policies (GET /api/alert/policies).

    Example: gwctl api7 alert-policies list
    """
    show_list(_ppath(), POLICY_COLUMNS, list_params(search, None, order_by, direction), limit, all_)


@policies_app.command("get")
def policies_get(policy_id: PolicyArg) -> None:
    """Show an alert policy with its triggers (GET /api/alert/policies/{id}).

    Example: gwctl api7 alert-policies get POLICY_ID -o json
    """
    show(client().get(_ppath(policy_id)), POLICY_COLUMNS)


@policies_app.command("create")
def policies_create(name: NameOpt = None, scope: ScopeOpt = None, severity: SeverityOpt = None, desc: DescOpt = None,
                    from_file: FromFileOpt = None) -> None:
    """Create an alert policy for gateway groups (POST /api/alert/policies); set triggers with `triggers`.

    Example: gwctl api7 alert-policies create --name 5xx-burst -g default --severity high
    """
    fields = _policy_fields(name, desc, severity, None, None, None, None, None, None)
    show(client().create(_ppath(), _with_scope("AlertPolicyCreate", from_file, fields, scope)), POLICY_COLUMNS)


@policies_app.command("update")
def policies_update(policy_id: PolicyArg, name: NameOpt = None, scope: ScopeOpt = None, severity: SeverityOpt = None,
                    desc: DescOpt = None, enable: EnableOpt = None, check_interval: IntervalOpt = None,
                    webhook_template: WebhookOpt = None, title: TitleOpt = None, detail: DetailOpt = None,
                    from_file: FromFileOpt = None) -> None:
    """Replace an alert policy (PUT /api/alert/policies/{id}); fields not given keep their current value.

    Example: gwctl api7 alert-policies update POLICY_ID --enable --webhook-template TEMPLATE_ID --check-interval 300
    """
    fields = _policy_fields(name, desc, severity, scope, enable, check_interval, webhook_template, title, detail)
    build_body("AlertPolicyPatch", None, {**{k: v for k, v in fields.items() if k != "scope"}, "severity": severity or "low"})
    api = client()
    current = api.get(_ppath(policy_id)) or {}
    keep = ("name", "desc", "severity", "scope", "enable", "title", "detail", "check_interval", "webhook_templates")
    body = with_file({k: current[k] for k in keep if current.get(k) not in (None, "")}, from_file)
    fields["scope"] = _scope(scope)
    body.update({k: v for k, v in fields.items() if v is not None})
    show(api.replace(_ppath(policy_id), build_body("AlertPolicyUpdate", None, body)), POLICY_COLUMNS)


@policies_app.command("patch")
def policies_patch(policy_id: PolicyArg, name: NameOpt = None, scope: ScopeOpt = None, severity: SeverityOpt = None,
                   desc: DescOpt = None, enable: EnableOpt = None, check_interval: IntervalOpt = None,
                   webhook_template: WebhookOpt = None, title: TitleOpt = None, detail: DetailOpt = None,
                   from_file: FromFileOpt = None) -> None:
    """Change some fields of an alert policy (PATCH /api/alert/policies/{id}).

    Example: gwctl api7 alert-policies patch POLICY_ID --disable
    """
    fields = _policy_fields(name, desc, severity, None, enable, check_interval, webhook_template, title, detail)
    show(client().patch(_ppath(policy_id), _with_scope("AlertPolicyPatch", from_file, fields, scope)), POLICY_COLUMNS)


@policies_app.command("delete")
def policies_delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete alert policies (DELETE /api/alert/policies/{id}).

    Example: gwctl api7 alert-policies delete POLICY_ID --yes
    """
    api = client()
    delete_items(ids, "alert policy", yes, concurrency, lambda pid: api.remove(_ppath(pid)))


@policies_app.command("triggers")
def policies_triggers(policy_id: PolicyArg, from_file: Annotated[str, typer.Option("--from-file", "-f", metavar="FILE|-", help="{trigger_logical_operator, trigger_conditions[]} as JSON or YAML (- for stdin).")]) -> None:
    """Set the trigger conditions of an alert policy (PUT /api/alert/policies/{id}/triggers).

    Example: gwctl api7 alert-policies triggers POLICY_ID --from-file triggers.yaml
    """
    body = build_body("TriggersWrite", from_file, {})
    show(client().replace(f"{_ppath(policy_id)}/triggers", body), POLICY_COLUMNS)


@history_app.command("list")
def history_list(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None,
                 order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List fired alerts and their webhook calls (GET /api/alert/policies/histories).

    Example: gwctl api7 alert-history list --limit 20
    """
    show_list("/api/alert/policies/histories", HISTORY_COLUMNS, list_params(search, None, order_by, direction),
              limit, all_)


# -- webhook templates ----------------------------------------------------------------------------------

def _template_fields(name, desc, url, skip_tls_verify, header, template_file) -> dict:
    headers = None
    if header:
        headers = []
        for raw in header:
            key, sep, value = raw.partition(":")
            if not sep or not key.strip():
                raise UsageError(f"invalid --header {raw!r}: expected NAME:VALUE")
            headers.append({"name": key.strip(), "value": value.strip()})
    template = None
    if template_file is not None:
        import sys
        from pathlib import Path

        try:
            template = sys.stdin.read() if template_file == "-" else Path(template_file).read_text()
        except OSError as exc:
            raise UsageError(f"cannot read --template {template_file}: {exc.strerror}") from None
    return {"name": name, "desc": desc, "url": url, "skip_tls_verify": skip_tls_verify, "headers": headers,
            "template": template}


TUrlOpt = Annotated[Optional[str], typer.Option("--url", help="Webhook URL (the request is a POST).")]
TSkipOpt = Annotated[Optional[bool], typer.Option("--skip-tls-verify/--verify-tls", help="Skip TLS verification of the webhook URL.")]
THeaderOpt = Annotated[Optional[List[str]], typer.Option("--header", "-H", metavar="NAME:VALUE", help="Extra request header (repeatable).")]
TTemplateOpt = Annotated[Optional[str], typer.Option("--template", metavar="FILE|-", help="Go template of the request body.")]


@templates_app.command("list")
def templates_list(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None,
                   order_by: OrderByOpt = None, direction: DirectionOpt = None) -> None:
    """List webhook templates (GET /api/alert/webhook_templates).

    Example: gwctl api7 webhook-templates list
    """
    show_list(_tpath(), TEMPLATE_COLUMNS, list_params(search, None, order_by, direction), limit, all_)


@templates_app.command("get")
def templates_get(template_id: TemplateArg) -> None:
    """Show a webhook template (GET /api/alert/webhook_templates/{id}).

    Example: gwctl api7 webhook-templates get TEMPLATE_ID -o json
    """
    show(client().get(_tpath(template_id)), TEMPLATE_COLUMNS)


@templates_app.command("create")
def templates_create(name: NameOpt = None, url: TUrlOpt = None, template: TTemplateOpt = None, desc: DescOpt = None,
                     skip_tls_verify: TSkipOpt = None, header: THeaderOpt = None, from_file: FromFileOpt = None) -> None:
    """Create a webhook template (POST /api/alert/webhook_templates).

    Example: gwctl api7 webhook-templates create --name slack --url https://hooks.slack.com/... --template body.tmpl
    """
    fields = _template_fields(name, desc, url, skip_tls_verify, header, template)
    if from_file is None and fields["skip_tls_verify"] is None:
        fields["skip_tls_verify"] = False
    show(client().create(_tpath(), build_body("WebhookTemplateWrite", from_file, fields)), TEMPLATE_COLUMNS)


@templates_app.command("update")
def templates_update(template_id: TemplateArg, name: NameOpt = None, url: TUrlOpt = None, template: TTemplateOpt = None,
                     desc: DescOpt = None, skip_tls_verify: TSkipOpt = None, header: THeaderOpt = None,
                     from_file: FromFileOpt = None) -> None:
    """Replace a webhook template (PUT /api/alert/webhook_templates/{id}); fields not given keep their value.

    Example: gwctl api7 webhook-templates update TEMPLATE_ID --url https://hooks.example.com/new
    """
    fields = _template_fields(name, desc, url, skip_tls_verify, header, template)
    api = client()
    current = api.get(_tpath(template_id)) or {}
    body = with_file({k: current[k] for k in ("name", "desc", "url", "method", "skip_tls_verify", "headers", "template")
                      if current.get(k) not in (None, "")}, from_file)
    body.update({k: v for k, v in fields.items() if v is not None})
    show(api.replace(_tpath(template_id), build_body("WebhookTemplateWrite", None, body)), TEMPLATE_COLUMNS)


@templates_app.command("delete")
def templates_delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete webhook templates; one still used by an alert policy is refused (DELETE .../webhook_templates/{id}).

    Example: gwctl api7 webhook-templates delete TEMPLATE_ID --yes
    """
    api = client()
    delete_items(ids, "webhook template", yes, concurrency, lambda tid: api.remove(_tpath(tid)))


@templates_app.command("refers")
def templates_refers(template_id: TemplateArg, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the alert policies that use a webhook template (GET .../webhook_templates/{id}/refer).

    Example: gwctl api7 webhook-templates refers TEMPLATE_ID
    """
    show_items(client().items(f"{_tpath(template_id)}/refer"), POLICY_COLUMNS, limit, all_)
