"""`gwctl api7 roles` and `gwctl api7 permissions`: RBAC roles, the permission catalogue, label impact."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DescOpt, DirectionOpt, FromFileOpt, IdsArg, LimitOpt, OrderByOpt, PathOpt, SearchOpt,
    YesOpt, DEFAULT_LIMIT, Column, build_body, by_name_or_id, client, cols, delete_items, list_params,
    override_path, parse_labels, product_app, show, show_items, show_list, ts, with_file,
)
from gwctl.errors import UsageError

app = product_app("roles", "RBAC roles: permissions granted to users (optionally per gateway group or service).")
permissions_app = product_app("permissions", "The permissions a role can grant.")

def _perm_count(role: dict) -> str:
    perms = role.get("permissions") or []
    return "all" if "*" in perms else str(len(perms))


COLUMNS = cols("id", "name", "type", "scope_type", Column("permissions", _perm_count), "desc", ts("updated-at"),
               Column("org_id", "org_id", default=False), ts("created-at", default=False))
DETAIL_COLUMNS = (*COLUMNS[:4], Column("permissions", lambda r: ",".join(r.get("permissions") or [])), *COLUMNS[5:])
PERMISSION_COLUMNS = cols("key", "group", Column("scope_types", lambda p: ",".join(p.get("scope_types") or [])))
IMPACT_COLUMNS = cols("resource_id", "role_name", "username", "role_id", "user_id", Column("labels", "labels", default=False))
RoleArg = Annotated[str, typer.Argument(metavar="ROLE", help="Role ID or name.")]
PermissionOpt = Annotated[Optional[List[str]], typer.Option("--permission", metavar="KEY", help="Permission key, e.g. consumer:write (repeatable; see `gwctl api7 permissions list`).")]
NameOpt = Annotated[Optional[str], typer.Option("--name", "-n", help="Role name.")]


def _path(role_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.roles if role_id is None else f"{paths.roles}/{seg(role_id)}"


def role_id(value: str) -> str:
    from gwctl.api.api7 import paths

    return by_name_or_id(paths.roles, value, "name", "role")


@app.command("list")
def list_(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, search: SearchOpt = None, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List roles, built-in and custom (GET /api/roles).

    Example: gwctl api7 roles list --search operator
    """
    show_list(_path(), COLUMNS, list_params(search, None, order_by, direction), limit, all_)


@app.command("get")
def get(role: RoleArg) -> None:
    """Show a role and its permissions (GET /api/roles/{id}).

    Example: gwctl api7 roles get gateway-operator -o json
    """
    show(client().get(_path(role_id(role))), DETAIL_COLUMNS)


@app.command("create")
def create(name: NameOpt = None, permission: PermissionOpt = None, desc: DescOpt = None, from_file: FromFileOpt = None) -> None:
    """Create a custom role (POST /api/roles).

    Example: gwctl api7 roles create --name consumer-admin --permission consumer:write --permission gateway_group:read
    """
    body = build_body("RoleWrite", from_file, {"name": name, "desc": desc, "permissions": list(permission) if permission else None})
    show(client().create(_path(), body), DETAIL_COLUMNS)


@app.command("update")
def update(role: RoleArg, name: NameOpt = None, permission: PermissionOpt = None, desc: DescOpt = None,
           from_file: FromFileOpt = None) -> None:
    """Replace a custom role's name, description and permissions (PUT /api/roles/{id}).

    Fields not given keep their current value.
    Example: gwctl api7 roles update consumer-admin --permission consumer:write --permission ssl:read
    """
    if from_file is None and name is None and permission is None and desc is None:
        raise UsageError("nothing to change: pass --name, --permission, --desc or --from-file")
    build_body("RoleWrite", from_file, {"name": name or "x", "desc": desc,
                                        "permissions": list(permission) if permission else []})  # check flags first
    rid = role_id(role)
    api = client()
    current = api.get(_path(rid)) or {}
    body = with_file({k: current[k] for k in ("name", "desc", "permissions") if k in current}, from_file)
    body.update({k: v for k, v in {"name": name, "desc": desc,
                                   "permissions": list(permission) if permission else None}.items() if v is not None})
    body = build_body("RoleWrite", None, body)
    show(api.replace(_path(rid), body), DETAIL_COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete custom roles; a role still assigned to users is refused (DELETE /api/roles/{id}).

    Example: gwctl api7 roles delete consumer-admin --yes
    """
    api = client()
    delete_items(ids, "role", yes, concurrency, lambda rid: api.remove(_path(role_id(rid))))


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
    from gwctl.api.api7 import paths
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
