"""`gwctl api7 permissions`, `permission-policies` and `allow-access`: what roles and IAM policies grant.

roles list/get/create/update/delete come from the declaration (gwctl.resources.api7_admin)."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import client, show, show_items
from gwctl.errors import UsageError

permissions_app = product_app("permissions", "The permissions a role can grant.")

PERMISSION_COLUMNS = cols("key", "group", Column("scope_types", lambda p: ",".join(p.get("scope_types") or [])))


@permissions_app.command("list")
def permissions_list(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the permission keys roles can grant, with their scope types (GET /api/permissions).

    Example: gwctl api7 permissions list
    """
    show_items(client().items("/api/permissions"), PERMISSION_COLUMNS, limit, all_)


policies_app = product_app("permission-policies", "IAM permission policies: what refers to them.")
access_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
REFERENCE_COLUMNS = cols("type", "id", "name")
ACCESS_COLUMNS = cols("action", "resource", "allowed")


@policies_app.command("references")
def policy_references(policy_id: Annotated[str, typer.Argument(metavar="POLICY_ID", help="Permission policy ID.")],
                      limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List what refers to a permission policy, e.g. the roles that attach it
    (GET /api/permission_policies/{id}/references).

    Needs API7 Enterprise 3.6 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 permission-policies references POLICY_ID
    """
    from gwctl.api.base import seg
    from gwctl.cli.catalogue import require_operation

    target = f"/api/permission_policies/{seg(policy_id, 'permission policy ID')}/references"
    require_operation("api7", "GET", "/api/permission_policies/{permission_policy_id}/references")
    show_items(client().items(target), REFERENCE_COLUMNS, limit, all_)


@access_app.command("allow-access")
def allow_access(action: Annotated[List[str], typer.Option("--action", metavar="ACTION", help="IAM action, e.g. gateway:GetGatewayGroup (repeatable).")],
                 resource: Annotated[Optional[List[str]], typer.Option("--resource", metavar="ARN", help="The resource of the action at the same position (repeatable; default: any).")] = None) -> None:
    """Check which actions the calling user may perform (POST /api/allow_access).

    Needs API7 Enterprise 3.6 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 allow-access --action gateway:GetGatewayGroup --action iam:UpdateCustomRole
    """
    from gwctl.cli.catalogue import require_operation

    resources = list(resource or [])
    if len(resources) > len(action):
        raise UsageError("more --resource than --action: give one --resource per --action (or none)")
    if any(not a.strip() for a in action):
        raise UsageError("invalid --action: must not be empty")
    checks = [{"action": a, **({"resource": resources[i]} if i < len(resources) else {})} for i, a in enumerate(action)]
    require_operation("api7", "POST", "/api/allow_access")
    api = client()
    show(api._value(api.http.post("/api/allow_access", json={"list": checks})), ACCESS_COLUMNS)
