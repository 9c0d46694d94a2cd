"""`gwctl api7 me`: the calling user's own profile and password."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.api7.options import PasswordStdinOpt
from gwctl.cli.api7.calls import build_body, client, read_secret_input, show
from gwctl.cli.context import get_app
from gwctl.cli.flows import report_done
from gwctl.resources import resource

app = product_app("me", "The user gwctl acts as: details, name, password.")
COLUMNS = resource("api7", "users").columns


@app.command("show")
def show_() -> None:
    """Show the calling user and their roles (GET /api/me).

    Example: gwctl api7 me show
    """
    show(client().get("/api/me"), COLUMNS)


@app.command("update")
def update(first_name: Annotated[Optional[str], typer.Option("--first-name", help="First name (1..150 chars).")] = None,
           last_name: Annotated[Optional[str], typer.Option("--last-name", help="Last name (1..150 chars).")] = None,
           from_file: FromFileOpt = None) -> None:
    """Change your first and last name (PUT /api/me; both are required by the API).

    Example: gwctl api7 me update --first-name Ada --last-name Lovelace
    """
    body = build_body("MeUpdate", from_file, {"first_name": first_name, "last_name": last_name})
    updated = client().replace("/api/me", body)
    report_done("updated", "user", resource("api7", "users").label(updated) if isinstance(updated, dict) else "")
    show(updated, COLUMNS)


@app.command("change-password")
def change_password(password_stdin: PasswordStdinOpt = False) -> None:
    """Change your password (PUT /api/password): old and new password from stdin or a prompt, never flags.

    With --password-stdin, line 1 is the old password and line 2 the new one.
    Example: printf '%s\\n%s\\n' "$PASSWORD" "$NEW_PASSWORD" | gwctl api7 me change-password --password-stdin
    """
    from gwctl.cli.input import validate_body
    from gwctl.api.api7 import models

    from gwctl.resources.values import stdin_text

    lines = stdin_text("--password-stdin").splitlines() if password_stdin else None
    if password_stdin and len([ln for ln in lines if ln]) < 2:
        from gwctl.errors import UsageError

        raise UsageError("--password-stdin: expected two lines, the old password and the new one")
    old = read_secret_input("current password", password_stdin, stdin_lines=lines)
    new = read_secret_input("new password", password_stdin, confirm_new=True, stdin_lines=lines)
    body = validate_body(models.PasswordChange, {"old_password": old, "new_password": new}, "--password-stdin")
    api = client()
    api.learn(old, new)
    api.replace("/api/password", body)
    app_ctx = get_app()
    app_ctx.err("changed the password")
    if getattr(api, "auth_kind", "") == "basic":
        from gwctl.cli.context import runnable_hint

        app_ctx.err(runnable_hint("hint: update the stored password with `gwctl auth login` (the old one no longer works)"))
