"""`gwctl api7 users`: the product verbs of dashboard users (invite, reset-password, assign-roles).

list/get/delete come from the declaration (gwctl.resources.api7_admin). Passwords never come
from flags: `--password-stdin` reads the first line of stdin, else a hidden prompt asks on a
terminal. They are never printed.
"""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.api7.options import PasswordStdinOpt
from gwctl.cli.api7.calls import build_body, client, read_secret_input, resolve, show
from gwctl.cli.flows import report_done
from gwctl.errors import UsageError
from gwctl.resources import resource

app = product_app("users", "Dashboard users: invite, list, reset passwords, assign roles.")
USERS = resource("api7", "users")
COLUMNS = USERS.columns  # `gwctl api7 login` shows the user with them
UserArg = Annotated[str, typer.Argument(metavar="USER", help="User ID or username.")]


def _user_path(ref: str, *rest: str) -> str:
    from gwctl.api.base import seg

    return "/".join([client().resource_path(USERS, resolve(USERS, ref)), *(seg(r) for r in rest)])


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
    created = api.create("/api/invites", body)
    report_done("created", "user", USERS.label(created if isinstance(created, dict) else {"name": username}))
    show(created, USERS.columns)


@app.command("reset-password")
def reset_password(user: UserArg, password_stdin: PasswordStdinOpt = False) -> None:
    """Set a user's password (PUT /api/users/{id}/password_reset); their sessions end.

    Example: printf '%s\\n' "$NEW_PASSWORD" | gwctl api7 users reset-password USER_ID --password-stdin
    """
    from gwctl.cli.input import validate_body

    password = read_secret_input("new password", password_stdin, confirm_new=True)
    body = validate_body(_models().PasswordReset, {"password": password}, "--password-stdin")
    api = client()
    api.learn(password)
    api.replace(_user_path(user, "password_reset"), body)
    from gwctl.cli.context import get_app

    get_app().err(f"reset the password of user {user}")


def _assignments(specs: list[str]) -> list[dict]:
    """ROLE[:SCOPE,...] -> [{"role_id", "scopes"}]; roles by name or ID, gateway groups by name or ID."""
    from gwctl.cli.lookup import Lookup

    api = client()
    roles = Lookup(api, resource("api7", "roles"))
    out = []
    for spec in specs:
        role, _, scopes = spec.partition(":")
        item: dict = {"role_id": roles.resolve(role.strip())}
        if scopes.strip():
            item["scopes"] = [api.resolve_gateway_group(s.strip()) for s in scopes.split(",") if s.strip()]
        out.append(item)
    return out


@app.command("assign-roles")
def assign_roles(user: UserArg,
                 role: Annotated[Optional[List[str]], typer.Option("--role", "-r", metavar="ROLE[:SCOPE,...]", help="Role (name or ID), optionally limited to gateway groups (names or IDs) or service IDs; repeatable. Replaces the user's roles.")] = None,
                 from_file: FromFileOpt = None) -> None:
    """Replace the roles of a user (PUT /api/users/{id}/assigned_roles).

    Example: gwctl api7 users assign-roles USER_ID --role gateway-operator:staging --role Viewer
    """
    if not role and from_file is None:
        raise UsageError("missing --role ROLE[:SCOPE,...] (or --from-file)")
    for spec in role or ():
        if not spec.partition(":")[0].strip():
            raise UsageError(f"invalid --role {spec!r}: expected ROLE[:SCOPE,...]")
    from gwctl.cli.input import read_body_file

    loaded = read_body_file(from_file)  # before the role and gateway group lookups ask the server
    if from_file is not None and not isinstance(loaded, dict):
        raise UsageError(f"--from-file: expected an object, got {type(loaded).__name__}")
    body = build_body("AssignRoles", from_file, {"roles": _assignments(list(role)) if role else None}, loaded=loaded)
    show(client().replace(_user_path(user, "assigned_roles"), body), USERS.columns)


def _models():
    from gwctl.api.api7 import models

    return models
