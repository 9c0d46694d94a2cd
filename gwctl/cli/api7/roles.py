"""`gwctl api7 roles` label-impact and `gwctl api7 permissions`: the product verbs of RBAC roles.

list/get/create/update/delete come from the declaration (gwctl.resources.api7_admin)."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import AllOpt, FromFileOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import PathOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import client, override_path, show_items
from gwctl.cli.input import parse_labels
from gwctl.errors import UsageError

app = product_app("roles", "RBAC roles: permissions granted to users (optionally per gateway group or service).")
permissions_app = product_app("permissions", "The permissions a role can grant.")

PERMISSION_COLUMNS = cols("key", "group", Column("scope_types", lambda p: ",".join(p.get("scope_types") or [])))
IMPACT_COLUMNS = cols("resource_id", "role_name", "username", "role_id", "user_id", Column("labels", "labels", default=False))


@app.command("label-impact")
def label_impact(resource: Annotated[Optional[str], typer.Option("--resource", metavar="ID", help="ID of the object whose labels would be removed.")] = None,
                 label: Annotated[Optional[List[str]], typer.Option("--label", "-l", metavar="KEY=VALUE", help="A label that would be removed (repeatable).")] = None,
                 from_file: FromFileOpt = None, path: PathOpt = None, limit: LimitOpt = DEFAULT_LIMIT,
                 all_: AllOpt = False) -> None:
    """Show which role assignments removing labels from objects would affect (RBAC tag-impact analysis).

    The body is an array of {"id", "labels"}; --from-file takes that array. The 3.2.11 path is
    unconfirmed (POST /api/rbac/label_impact): correct it with --path if your dashboard differs.
    Example: gwctl api7 roles label-impact --resource GATEWAY_GROUP_ID --label env=prod
    """
    from gwctl.api.api7.client import paths
    from gwctl.cli.input import read_body_file, validate_body
    from gwctl.api.api7 import models

    if from_file is not None:
        items = read_body_file(from_file)
        if not isinstance(items, list):
            raise UsageError("--from-file: expected a JSON/YAML array of {id, labels}")
    else:
        if not resource or not label:
            raise UsageError("missing --resource ID and --label KEY=VALUE (or --from-file)")
        items = [{"id": resource, "labels": parse_labels(label)}]
    body = validate_body(models.LabelImpact, {"items": items}, "--from-file" if from_file else "flags")["items"]
    target = override_path(paths.guessed["rbac_label_impact"], path)
    api = client()
    answer = api.http.post(target, json=body)
    rows = answer.get("list", []) if isinstance(answer, dict) and "list" in answer else api._value(answer)
    show_items(rows, IMPACT_COLUMNS, limit, all_)


@permissions_app.command("list")
def permissions_list(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the permission keys roles can grant, with their scope types (GET /api/permissions).

    Example: gwctl api7 permissions list
    """
    show_items(client().items("/api/permissions"), PERMISSION_COLUMNS, limit, all_)
