"""`gwctl api7 users`: dashboard users, invitations, password resets and role assignments.

Passwords never come from flags: `--password-stdin` reads the first line of stdin, else a
hidden prompt asks on a terminal. They are never printed.
"""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7._common import (
    AllOpt, ConcurrencyOpt, DirectionOpt, FromFileOpt, IdsArg, LimitOpt, OrderByOpt, PasswordStdinOpt, YesOpt,
    DEFAULT_LIMIT, Column, build_body, by_name_or_id, client, cols, delete_items, list_params, product_app,
    read_secret_input, show, show_list, ts,
)
from gwctl.errors import UsageError

app = product_app("users", "Dashboard users: invite, list, reset passwords, assign roles.")


def _roles(user: dict) -> str:
    out = []
    for role in user.get("roles") or []:
        scopes = ",".join(s.get("name") or s.get("id", "") for s in role.get("scopes") or [])
        out.append(f"{role.get('name', role.get('id'))}" + (f"[{scopes}]" if scopes else ""))
    return " ".join(out)


COLUMNS = cols("id", "username", Column("name", lambda u: " ".join(p for p in (u.get("first_name"), u.get("last_name")) if p)),
               "state", Column("roles", _roles), Column("login_option", "login_option.name"), ts("updated-at"),
               Column("email", "email", default=False), ts("created-at", default=False))
UserArg = Annotated[str, typer.Argument(metavar="USER", help="User ID or username.")]


def _path(user_id: str | None = None) -> str:
    from gwctl.api.api7 import paths
    from gwctl.api.base import seg

    return paths.users if user_id is None else f"{paths.users}/{seg(user_id)}"


def user_id(value: str) -> str:
    from gwctl.api.api7 import paths

    return by_name_or_id(paths.users, value, "username", "user")


@app.command("list")
def list_(role: Annotated[Optional[List[str]], typer.Option("--role", "-r", metavar="ROLE_ID", help="Only users holding this role (repeatable).")] = None,
          login_option: Annotated[Optional[List[str]], typer.Option("--login-option", metavar="NAME", help="Only users of this login option (repeatable).")] = None,
          limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False, order_by: OrderByOpt = None,
          direction: DirectionOpt = None) -> None:
    """List dashboard users (GET /api/users).

    Example: gwctl api7 users list --role super_admin_id --login-option built-in
    """
    params = list_params(None, None, order_by, direction, roles=list(role or []) or None,
                         login_option_name=list(login_option or []) or None)
    show_list(_path(), COLUMNS, params, limit, all_)


@app.command("get")
def get(user: UserArg) -> None:
    """Show a user and their roles (GET /api/users/{id}).

    Example: gwctl api7 users get alice -o json
    """
    show(client().get(_path(user_id(user))), COLUMNS)


@app.command("delete")
def delete(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete users; their tokens and sessions stop working (DELETE /api/users/{id}).

    Example: gwctl api7 users delete alice --yes
    """
    api = client()
    delete_items(ids, "user", yes, concurrency, lambda uid: api.remove(_path(user_id(uid))))


@app.command("invite")
def invite(username: Annotated[str, typer.Argument(metavar="USERNAME", help="Username of the new user (1..128 chars).")],
           password_stdin: PasswordStdinOpt = False) -> None:
    """Invite a user with an initial password (POST /api/invites).

    The password is read from stdin with --password-stdin, else prompted for (hidden).
    Example: printf '%s\\n' "$INITIAL_PASSWORD" | gwctl api7 users invite alice --password-stdin
    """
    from gwctl.cli.input import validate_body

    validate_body(_models().InviteWrite, {"username": username, "password": "x"}, "USERNAME")
    password = read_secret_input("initial password", password_stdin, confirm_new=True)
    body = validate_body(_models().InviteWrite, {"username": username, "password": password}, "--password-stdin")
    api = client()
    api.learn(password)
    show(api.create("/api/invites", body), COLUMNS)


@app.command("reset-password")
def reset_password(user: UserArg, password_stdin: PasswordStdinOpt = False) -> None:
    """Set a user's password (PUT /api/users/{id}/password_reset); their sessions end.

    Example: printf '%s\\n' "$NEW_PASSWORD" | gwctl api7 users reset-password alice --password-stdin
    """
    from gwctl.cli.input import validate_body

    password = read_secret_input("new password", password_stdin, confirm_new=True)
    body = validate_body(_models().PasswordReset, {"password": password}, "--password-stdin")
    api = client()
    api.learn(password)
    uid = user_id(user)
    api.replace(f"{_path(uid)}/password_reset", body)
    from gwctl.cli.context import get_app

    get_app().err(f"reset the password of user {user}")


def _assignments(specs: list[str]) -> list[dict]:
    """ROLE[:SCOPE,...] -> [{"role_id", "scopes"}]; roles by name or ID, gateway groups by name or ID."""
    from gwctl.api.api7 import paths

    api = client()
    out = []
    for spec in specs:
        role, _, scopes = spec.partition(":")
        if not role.strip():
            raise UsageError(f"invalid --role {spec!r}: expected ROLE[:SCOPE,...]")
        item: dict = {"role_id": by_name_or_id(paths.roles, role.strip(), "name", "role")}
        if scopes.strip():
            item["scopes"] = [api.resolve_gateway_group(s.strip()) for s in scopes.split(",") if s.strip()]
        out.append(item)
    return out


@app.command("assign-roles")
def assign_roles(user: UserArg,
                 role: Annotated[Optional[List[str]], typer.Option("--role", "-r", metavar="ROLE[:SCOPE,...]", help="Role (name or ID), optionally limited to gateway groups (names or IDs) or service IDs; repeatable. Replaces the user's roles.")] = None,
                 from_file: FromFileOpt = None) -> None:
    """Replace the roles of a user (PUT /api/users/{id}/assigned_roles).

    Example: gwctl api7 users assign-roles alice --role gateway-operator:staging --role Viewer
    """
    if not role and from_file is None:
        raise UsageError("missing --role ROLE[:SCOPE,...] (or --from-file)")
    for spec in role or ():
        if not spec.partition(":")[0].strip():
            raise UsageError(f"invalid --role {spec!r}: expected ROLE[:SCOPE,...]")
    body = build_body("AssignRoles", from_file, {"roles": _assignments(list(role)) if role else None})
    show(client().replace(f"{_path(user_id(user))}/assigned_roles", body), COLUMNS)


def _models():
    from gwctl.api.api7 import models

    return models
