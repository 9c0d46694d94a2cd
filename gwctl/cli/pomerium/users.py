"""`gwctl pomerium users`: list comes from the declaration (gwctl.resources.pomerium); this adds
the current user, API users, token renewal and removing users from the organization."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import ConcurrencyOpt, IdsArg, LOCK_TIMEOUT, LockTimeoutOpt, OutFileOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.pomerium import PRODUCT, client
from gwctl.cli.pomerium.secret_records import emit_secret_record
from gwctl.cli.render import Column, emit
from gwctl.cli.flows import confirm_change, run_bulk
from gwctl.cli.flows import report_done
from gwctl.errors import AuthError, UsageError
from gwctl.resources.pomerium import USERS

app = product_app("users", "The current user, API users and their refresh tokens, removing users.")

ME_COLUMNS = tuple(c for c in USERS.columns if c.name != "role") + (Column("needs-onboarding", "needsOnboarding"),)
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
    from gwctl.cli.pomerium.bodies import validate

    body = validate(ApiUserCreate, {"name": name, **({"role": role} if role is not None else {})}, "options",
                    {"name": "--name", "role": "--role"}, {"name", "role"})
    user = client().create_api_user(body["name"], body.get("role"))
    report_done("created", "API user", USERS.label(user) if isinstance(user, dict) else body["name"])
    emit_secret_record(user, ("refreshToken",), out, API_USER_COLUMNS, "refresh token")


@app.command("renew-token")
def renew_token(
    user_id: Annotated[Optional[str], typer.Argument(metavar="[USER_ID]", help="The API user whose refresh token to renew (with --store: the profile's own API user, the default).")] = None,
    store: Annotated[bool, typer.Option("--store", help="Renew this profile's own token and store it in the profile's credential store (safe for cron).")] = False,
    out: OutFileOpt = None,
    yes: YesOpt = False,
    lock_timeout: LockTimeoutOpt = LOCK_TIMEOUT,
) -> None:
    """Renew an API user's refresh token (POST .../users/{userId}/refreshToken).

    The server invalidates every earlier token of that user at once, so without a
    terminal --yes is required. The new token is kept in a 0600 recovery file until it
    is stored, and proven at /token. Without --store it is printed once (or written to
    --out). With --store, gwctl renews the token this profile uses, stores it, reads it
    back and proves it before reporting success. If storing or proving fails the error
    names the recovery file and the command exits 12 (`gwctl auth recover` finishes the
    job). One rotation of a profile (or of one --out file) runs at a time; another waits
    up to --lock-timeout seconds.

    Example: gwctl pomerium users renew-token usrAuditorApi --yes --out auditor.token
    """
    from gwctl.cli.rotation import check_out, env_source

    app_ctx = get_app()
    profile = app_ctx.profile(PRODUCT)
    if user_id is None and not store:
        raise UsageError("missing USER_ID: name the API user whose token to renew, or give --store to renew "
                         "this profile's own")
    if store:
        env = env_source(profile, "refresh_token")
        if env:
            raise UsageError(
                f"--store: this profile's refresh token comes from {env}, which gwctl cannot update",
                hint=f"renew with --out FILE instead, then put the new token wherever {env} is set",
            )
    check_out(out)
    if user_id is None:
        user_id = _own_user_id()
    confirm_change("renew", "refresh token of user", "refresh tokens of users", [user_id], yes,
                   consequence="every earlier token of that user stops working")
    _renew(profile, user_id, store, out, lock_timeout)


def _own_user_id() -> str:
    """The API user this profile authenticates as."""
    me = client().update_current_user()
    if not isinstance(me, dict) or not isinstance(me.get("id"), str):
        from gwctl.errors import ServerError

        raise ServerError("POST /user: the answer names no user ID; give USER_ID")
    return me["id"]


def _renew(profile, user_id: str, store: bool, out, lock_timeout: float) -> None:
    from gwctl.cli.rotation import Rotation, rotation_lock, store_credential, write_out

    app_ctx = get_app()
    # Credentials are first read under the lock, so a renewal that waited sees the token
    # the previous one stored.
    with rotation_lock(PRODUCT, profile.name, lock_timeout, out=out):
        c = client()
        if store:
            me = c.update_current_user()
            if not isinstance(me, dict) or me.get("id") != user_id:
                raise UsageError(
                    f"--store renews only the API user this profile authenticates as ({(me or {}).get('id')}), "
                    f"not {user_id}",
                    hint="to renew another user's token, use --out FILE",
                )
        storage_flag = " --insecure-storage" if profile.storage == "file" else ""
        hint = (f"store it with `gwctl auth login -p {profile.name} --stdin{storage_flag} < {{file}}`, then delete the file"
                if store else "use it from there, then delete the file")
        with Rotation(PRODUCT, profile.name, f"refresh token of user {user_id}", slug="refresh-token",
                      hint=hint, credential="refresh_token" if store else None, out=out,
                      user_id=user_id) as rotation:

            def mint():
                result = c.renew_refresh_token(user_id)
                return (result or {}).get("refreshToken"), result

            token, result = rotation.mint(mint)
            c.drop_cached_token()  # from here on the old token is dead (after the recovery file: it takes a lock)
            where = None
            if store:
                with rotation.step("store"):
                    where = store_credential(profile, "refresh_token", token)
                token = app_ctx.credentials(profile).get("refresh_token") or ""  # prove what was read back
            if out is not None and store:
                with rotation.step("write"):
                    write_out(out, token)
            with rotation.step("verify"):
                try:
                    body = c.exchange(token)
                except AuthError as exc:
                    raise AuthError(f"/token refused it: {exc.message}",
                                    hint="check the API user in the Zero console") from None
            if store:
                c.cache_id_token(body)
                rotation.secured()
            else:
                app_ctx.err(f"renewed the refresh token of user {user_id}: every earlier token of that user "
                            "stopped working")
                with rotation.step("write" if out is not None else "print"):
                    emit_secret_record(result, ("refreshToken",), out, TOKEN_COLUMNS, "refresh token")
                return
    app_ctx.err(f"renewed the refresh token of API user {user_id}, stored it in {where} and verified it at /token")
    record = {"userId": user_id, "storedIn": where, "verified": True}
    columns = RENEWAL_COLUMNS
    if out is not None:
        record["written_to"] = str(out)
        columns += (Column("written-to", "written_to"),)
    emit(record, columns)


@app.command("remove")
def remove_users(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Remove users from the organization (DELETE .../users/{userId}); IDs or emails, or - for stdin.

    Example: gwctl pomerium users remove bob@example.com --yes
    """
    from gwctl.cli.input import read_ids
    from gwctl.cli.lookup import Lookup

    c = client()
    lookup = Lookup(c, USERS)
    items = lookup.resolve_many(read_ids(ids))
    confirm_change("remove", "user", "users", [lookup.label(i) for i in items], yes,
                   consequence=f"from organization {c.org_id}")
    run_bulk(items, lambda user_id: c.delete_item(USERS, user_id), verb="removed", noun="user",
             concurrency=concurrency, labels=lookup.labels)


@app.command("delete-me")
def delete_me(yes: YesOpt = False) -> None:
    """Delete the user this profile authenticates as (DELETE /user); its tokens stop working.

    Example: gwctl pomerium users delete-me --yes
    """
    c = client()
    confirm_change("delete", "user", "users", ["this profile authenticates as"], yes,
                   consequence="its refresh tokens stop working")
    c.delete_current_user()
    c.drop_cached_token()
    get_app().err("deleted the current user")

