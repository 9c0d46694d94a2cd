"""`gwctl api7 login` / `gwctl api7 logout`: a dashboard session for installations without API tokens.

The session cookie is a secret: it is stored in the profile's credential store (keyring,
or the 0600 file of an --insecure-storage profile) as `session`, sent as `Cookie` on later
calls when the profile has neither an API key nor Basic credentials, and never printed.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.api7.calls import PRODUCT, read_secret_input, show
from gwctl.cli.api7.options import PasswordStdinOpt
from gwctl.cli.context import get_app
from gwctl.errors import UsageError

login_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
logout_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)


@login_app.command("login")
def login(username: Annotated[Optional[str], typer.Option("--username", "-u", help="Dashboard username (prompted for on a terminal).")] = None,
          password_stdin: PasswordStdinOpt = False,
          ldap: Annotated[Optional[str], typer.Option("--ldap", metavar="LOGIN_OPTION_ID", help="Log in through this LDAP login option (POST /api/ldap/{id}/login).")] = None) -> None:
    """Log in with a username and password and store the session cookie (POST /api/login).

    The password comes from stdin with --password-stdin, else a hidden prompt; the cookie goes
    to the profile's credential store and is never printed.
    Example: printf '%s\\n' "$PASSWORD" | gwctl api7 login --username admin --password-stdin
    """
    import click

    from gwctl.api.api7.client import session_login
    from gwctl.cli.api7.users import COLUMNS

    app = get_app()
    if not username:
        if not app.can_prompt:
            raise UsageError("missing --username (no terminal to prompt on)")
        username = click.prompt("Username", err=True).strip()
    password = read_secret_input("password", password_stdin)
    profile = app.profile(PRODUCT)
    cookie, user = session_login(app.connection(PRODUCT), username, password, ldap)
    creds = app.credentials(profile)
    where = creds.store("session", cookie)
    app.err(f"logged in to profile {profile.name} as {username} (session stored in {where})")
    if creds.get("api_key") or creds.get("username"):
        app.warn("the profile also has an API key or Basic credentials; they are used before the session")
    show(user or {}, COLUMNS)


@logout_app.command("logout")
def logout(ldap: Annotated[Optional[str], typer.Option("--ldap", metavar="LOGIN_OPTION_ID", help="End an LDAP session (POST /api/ldap/{id}/logout).")] = None) -> None:
    """End the dashboard session (POST /api/logout) and remove the stored session cookie.

    Without a stored session the request goes with the profile's other credentials (harmless).
    Example: gwctl api7 logout
    """
    from gwctl.api.api7.client import session_logout
    from gwctl.api.base import seg

    app = get_app()
    profile = app.profile(PRODUCT)
    creds = app.credentials(profile)
    cookie = creds.get("session")
    path = f"/api/ldap/{seg(ldap)}/logout" if ldap else "/api/logout"
    if not cookie:
        app.client(PRODUCT).http.request("POST", path)
        app.err(f"no session was stored for profile {profile.name}")
        return
    session_logout(app.connection(PRODUCT), cookie, path)
    creds.forget(["session"])
    app.err(f"logged out of profile {profile.name} (session removed)")
