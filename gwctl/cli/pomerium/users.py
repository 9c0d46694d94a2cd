"""`gwctl pomerium users`: the current user, organization users, API users and token renewal."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer

from gwctl.cli.options import AllOpt, ConcurrencyOpt, IdsArg, LimitOpt, OutFileOpt, YesOpt, DEFAULT_LIMIT
from gwctl.cli.context import get_app
from gwctl.cli.pomerium._common import PRODUCT, client, emit_secret_record, resource_app
from gwctl.cli.render import Column, emit
from gwctl.cli.flows import confirm
from gwctl.cli.input import limit_of
from gwctl.errors import AuthError, SecretStorageError, UsageError

app = resource_app("users", "Users of the organization, API users and their refresh tokens.")

RENEW_LOCK_TIMEOUT = 60.0  # seconds a second renewal of the same profile waits for the first
TYPE_NAMES = {"user_type_interactive": "interactive", "user_type_api_access": "api-access"}

USER_COLUMNS = (
    Column("id", "id"),
    Column("email", "email"),
    Column("name", "displayName"),
    Column("type", "type", fmt=lambda v: TYPE_NAMES.get(v, v or "")),
    Column("role", "organizationRole"),
    Column("last-logged-in", "lastLoggedIn"),
    Column("created", "createdAt", default=False),
)
ME_COLUMNS = tuple(c for c in USER_COLUMNS if c.name != "role") + (Column("needs-onboarding", "needsOnboarding"),)
API_USER_COLUMNS = (Column("id", "id"), Column("email", "email"), Column("name", "displayName"),
                    Column("refresh-token", "refreshToken"))
TOKEN_COLUMNS = (Column("refresh-token", "refreshToken"),)
RENEWAL_COLUMNS = (Column("user-id", "userId"), Column("stored-in", "storedIn"), Column("verified", "verified"))


@app.command("me")
def me(
    update: Annotated[bool, typer.Option("--update", help="Say explicitly that the user is refreshed from the identity provider (the API always does).")] = False,
) -> None:
    """Show the user this profile authenticates as (POST /user).

    The API's only call for this also refreshes the user from the identity provider.
    Example: gwctl pomerium users me -o json
    """
    emit(client().update_current_user(), ME_COLUMNS)


@app.command("list")
def list_users(
    type_: Annotated[Optional[str], typer.Option("--type", metavar="TYPE", help="interactive or api-access.")] = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List the organization's users with their roles (GET /organizations/{org}/users).

    Example: gwctl pomerium users list --type api-access
    """
    from gwctl.api.pomerium import USER_TYPES

    user_type = None
    if type_ is not None:
        if type_ not in USER_TYPES:
            raise UsageError(f"invalid --type {type_!r}: choose from {', '.join(USER_TYPES)}")
        user_type = USER_TYPES[type_]
    emit(client().list_users(user_type, limit_of(limit, all_)), USER_COLUMNS)


@app.command("create-api-user")
def create_api_user(
    name: Annotated[str, typer.Option("--name", help="Free-text name of the API user.")],
    role: Annotated[Optional[str], typer.Option("--role", metavar="ROLE", help="owner, admin, auditor or member.")] = None,
    out: OutFileOpt = None,
) -> None:
    """Create an API user and print its refresh token once (POST .../users/apiAccess).

    With --out the token goes to FILE (0600, atomic) and only the user is printed.
    Example: gwctl pomerium users create-api-user --name ci --role admin --out ci.token
    """
    from gwctl.api.pomerium.models import ApiUserCreate
    from gwctl.cli.pomerium._common import validate

    body = validate(ApiUserCreate, {"name": name, **({"role": role} if role is not None else {})}, "options",
                    {"name": "--name", "role": "--role"}, {"name", "role"})
    user = client().create_api_user(body["name"], body.get("role"))
    emit_secret_record(user, ("refreshToken",), out, API_USER_COLUMNS, "refresh token")


@app.command("renew-token")
def renew_token(
    user_id: Annotated[str, typer.Argument(metavar="USER_ID", help="The API user whose refresh token to renew.")],
    store: Annotated[bool, typer.Option("--store", help="Renew this profile's own token and store it in the profile's credential store (safe for cron).")] = False,
    out: OutFileOpt = None,
) -> None:
    """Renew an API user's refresh token (POST .../users/{userId}/refreshToken).

    The server invalidates every earlier token of that user at once. Without --store
    the new token is printed once (or written to --out). With --store, gwctl renews
    the token this profile uses, stores it, reads it back and proves it at /token
    before reporting success; if storing fails the token is written to a 0600
    recovery file named on stderr and the exit code is non-zero. A lock stops two
    renewals of one profile at once.
    Example (cron): gwctl -p prod pomerium users renew-token USER_ID --store
    """
    app_ctx = get_app()
    profile = app_ctx.profile(PRODUCT)
    if store:
        from gwctl.products import PRODUCTS

        env = PRODUCTS[PRODUCT].secret("refresh_token").env
        if os.environ.get(env):
            raise UsageError(
                f"--store: this profile's refresh token comes from {env}, which gwctl cannot update",
                hint=f"renew with --out FILE instead, then put the new token wherever {env} is set",
            )
        _renew_and_store(profile, user_id, out)
        return
    c = client()
    result = c.renew_refresh_token(user_id)
    c.drop_cached_token()
    app_ctx.err(f"renewed the refresh token of user {user_id}: every earlier token of that user stopped working")
    emit_secret_record(result, ("refreshToken",), out, TOKEN_COLUMNS, "refresh token")


def _lock_path(profile_name: str) -> str:
    from gwctl.config.paths import state_dir

    return os.path.join(state_dir(), "locks", f"pomerium-renew-{profile_name}")


def _renew_and_store(profile, user_id: str, out) -> None:
    from gwctl.config.files import locked

    app_ctx = get_app()
    # Credentials are first read under the lock, so a renewal that waited sees the token
    # the previous one stored.
    with locked(_lock_path(profile.name), timeout=RENEW_LOCK_TIMEOUT):
        c = client()
        me = c.update_current_user()
        if not isinstance(me, dict) or me.get("id") != user_id:
            raise UsageError(
                f"--store renews only the API user this profile authenticates as ({(me or {}).get('id')}), "
                f"not {user_id}",
                hint="to renew another user's token, use --out FILE",
            )
        new_token = c.renew_refresh_token(user_id)["refreshToken"]
        # From here on the old token is dead: the new one must not be lost.
        c.drop_cached_token()
        written = None
        if out is not None:
            try:
                from gwctl.cli.secret_output import write_secret_file

                write_secret_file(out, new_token)
                written = str(out)
            except Exception as exc:  # noqa: BLE001 - keep going: the store is the main copy
                app_ctx.err(f"warning: could not write --out {out}: {exc}")
        creds = app_ctx.credentials(profile)
        try:
            where = creds.store("refresh_token", new_token)
        except Exception as exc:  # noqa: BLE001 - any failure to persist ends in the recovery file
            _recover(profile, new_token, exc, written)
        stored = creds.get("refresh_token")
        try:
            body = c.exchange(stored or "")
        except AuthError as exc:
            raise AuthError(
                f"the renewed refresh token was stored in {where} but /token refused it: {exc.message}",
                hint="check the API user in the Zero console",
            ) from None
        c.cache_id_token(body)
    app_ctx.err(f"renewed the refresh token of API user {user_id}, stored it in {where} and verified it at /token")
    record = {"userId": user_id, "storedIn": where, "verified": True}
    columns = RENEWAL_COLUMNS
    if written:
        record["written_to"] = written
        columns += (Column("written-to", "written_to"),)
    emit(record, columns)


def _recover(profile, token: str, cause: Exception, written: str | None) -> None:
    """Storing failed after the server invalidated the old token: never lose the new one."""
    import time

    from gwctl.config.files import write_private
    from gwctl.config.paths import state_dir

    app_ctx = get_app()
    reason = getattr(cause, "message", None) or str(cause) or type(cause).__name__
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = os.path.join(state_dir(), "recovery", f"pomerium-{profile.name}-refresh-token-{stamp}.txt")
    storage_flag = " --insecure-storage" if profile.storage == "file" else ""
    hint = f"store it with `gwctl auth login -p {profile.name} --stdin{storage_flag} < {path}`, then delete the file"
    try:
        write_private(path, token + "\n")
    except OSError as exc:
        if written:
            raise SecretStorageError(
                f"could not store the renewed refresh token ({reason}) nor write a recovery file ({exc.strerror}); "
                f"the new token is in {written}", hint=hint.replace(path, written)) from None
        # Last resort: the old token is already dead, so showing the new one once beats losing it.
        app_ctx.err(f"the new refresh token (store it now; it is shown only once): {token}")
        raise SecretStorageError(
            f"could not store the renewed refresh token ({reason}) nor write a recovery file ({exc.strerror})"
        ) from None
    app_ctx.err(f"the renewed refresh token was written to {path} (mode 0600)")
    raise SecretStorageError(
        f"could not store the renewed refresh token in the profile's {profile.storage} store ({reason}); "
        f"it is saved in {path}",
        hint=hint,
    )


@app.command("remove")
def remove_users(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Remove users from the organization (DELETE .../users/{userId}).

    Example: gwctl pomerium users remove USER_ID --yes
    """
    c = client()
    from gwctl.cli.input import read_ids
    from gwctl.cli.flows import run_bulk

    items = read_ids(ids)
    what = f"user {items[0]}" if len(items) == 1 else f"{len(items)} users"
    confirm(f"Remove {what} from organization {c.org_id}?", yes)
    run_bulk(items, c.remove_user, verb="removed", noun="user", concurrency=concurrency)


@app.command("delete-me")
def delete_me(yes: YesOpt = False) -> None:
    """Delete the user this profile authenticates as (DELETE /user); its tokens stop working.

    Example: gwctl pomerium users delete-me --yes
    """
    confirm("Delete the user this profile authenticates as? Its refresh tokens stop working", yes)
    c = client()
    c.delete_current_user()
    c.drop_cached_token()
    get_app().err("deleted the current user")

