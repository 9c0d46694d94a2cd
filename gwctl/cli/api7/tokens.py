"""`gwctl api7 tokens regenerate`: the product verb of API tokens (X-API-KEY).

list/get/create/update/delete come from the declaration (gwctl.resources.api7_admin). The path
moved in 3.2.14 (/api/settings/tokens -> /api/tokens); the client picks it from the dashboard version.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import FromFileOpt, LOCK_TIMEOUT, LockTimeoutOpt, OutFileOpt, YesOpt, product_app
from gwctl.cli.render import Column
from gwctl.cli.api7.calls import build_body, client
from gwctl.resources.values import expires_at
from gwctl.resources import resource
from gwctl.cli.secret_output import emit_secret
from gwctl.errors import UsageError

app = product_app("tokens", "API tokens (sent as X-API-KEY).")

TOKENS = resource("api7", "tokens")
COLUMNS = TOKENS.columns
SECRET_COLUMNS = (*COLUMNS, Column("token", "token"))
TokenArg = Annotated[str, typer.Argument(metavar="ID|NAME", help="Token ID or name.")]
ExpiresOpt = Annotated[Optional[str], typer.Option("--expires-in", metavar="DURATION", help="Lifetime: 90d, 12h, 30m, 3600s, or never. Required unless --from-file gives expires_at.")]


StoreOpt = Annotated[Optional[bool], typer.Option(
    "--store/--no-store",
    help="Store the new value in the profile's credential store. Default: when the token is the one this "
         "profile uses (its old value stops working), so the profile keeps working.")]


@app.command("regenerate")
def regenerate(token_id: TokenArg, expires_in: ExpiresOpt = None, from_file: FromFileOpt = None,
               out: OutFileOpt = None, store: StoreOpt = None, yes: YesOpt = False,
               lock_timeout: LockTimeoutOpt = LOCK_TIMEOUT) -> None:
    """Replace a token's value; the old value stops working at once (PUT .../tokens/{id}/regenerate).

    Without a terminal --yes is required. The new value is kept in a 0600 recovery file
    until it is delivered and proven. When the token is the one this profile uses
    (detected: the old value is refused right after) it is stored in the profile's
    credential store, read back and proven, and only metadata is printed. Otherwise it is
    printed once, or with --out written to FILE (0600, atomic). If a step fails the error
    names the recovery file and the command exits 12 (`gwctl auth recover` finishes the
    job). One rotation of a profile (or of one --out file) runs at a time; another waits
    up to --lock-timeout seconds.
    Example: gwctl api7 tokens regenerate TOKEN_ID --expires-in 90d --out ci.token --yes
    """
    from gwctl.cli.context import get_app
    from gwctl.cli.rotation import check_out, rotation_lock

    if expires_in is None and from_file is None:
        raise UsageError("missing --expires-in DURATION (or never)")
    body = build_body("TokenRegenerate", from_file, {"expires_at": expires_at(expires_in)})
    check_out(out)
    profile = get_app().profile("api7")
    # Credentials are first read under the lock, so a rotation that waited sees the token the previous one stored.
    with rotation_lock("api7", profile.name, lock_timeout, out=out):
        _regenerate_locked(profile, token_id, body, out, store, yes)


def _regenerate_locked(profile, token_id: str, body: dict, out, store: Optional[bool], yes: bool) -> None:
    from gwctl.cli.context import get_app
    from gwctl.cli.flows import confirm_change
    from gwctl.cli.render import emit
    from gwctl.cli.rotation import Rotation, env_source, store_credential, write_out

    app_ctx = get_app()
    api = client()
    if store and api.auth_kind != "api_key":
        raise UsageError(f"--store: profile {profile.name} does not authenticate with an API token (X-API-KEY)")
    env = env_source(profile, "api_key")
    if store and env:
        raise UsageError(f"--store: this profile's API token comes from {env}, which gwctl cannot update",
                         hint=f"regenerate with --no-store --out FILE instead, then put the new token in {env}")
    from gwctl.cli.lookup import Lookup

    lookup = Lookup(api, TOKENS)
    token_id = lookup.resolve(token_id)
    confirm_change("regenerate", "API token", "API tokens", [lookup.label(token_id)], yes,
                   consequence="its old value stops working at once")
    candidate = store is not False and api.auth_kind == "api_key"  # maybe the profile's own token
    if env:
        hint = f"put the new value in {env} from {{file}}, then delete the file"
    elif store is not False and api.auth_kind == "api_key":
        hint = (f"store it with `gwctl auth login -p {profile.name} --stdin"
                f"{' --insecure-storage' if profile.storage == 'file' else ''} < {{file}}`, then delete the file")
    else:
        hint = "use it from there, then delete the file"
    with Rotation("api7", profile.name, f"API token {token_id}", slug="api-token", hint=hint, out=out,
                     token_id=token_id, credential=None if env else "api_key" if candidate else None,
                     own_unchecked=candidate) as rotation:
        secret, record = rotation.mint(lambda: _regenerate(api, token_id, body))
        own = candidate and _old_key_refused(api, token_id, rotation)
        rotation.note(credential="api_key" if own and not env else None, own_unchecked=False)
        if store and not own:
            with rotation.step("store"):
                raise UsageError(f"API token {token_id} is not the one profile {profile.name} uses: not stored")
        if own:
            with rotation.step("store"):
                if env:
                    from gwctl.errors import SecretStorageError

                    raise SecretStorageError(f"it is this profile's API token, which comes from {env}: "
                                             "gwctl cannot update that")
                where = store_credential(profile, "api_key", secret)
                secret = app_ctx.credentials(profile).get("api_key") or ""  # prove what was read back
        with rotation.step("verify"):
            api.token_with_key(token_id, secret)
        if not own:
            with rotation.step("write" if out is not None else "print"):
                emit_secret(record, "token", out, SECRET_COLUMNS, label="token")
            return
        meta = {k: v for k, v in record.items() if k != "token"}
        meta["stored_in"] = where
        if out is not None:
            with rotation.step("write"):
                write_out(out, secret)
            meta["written_to"] = str(out)
    app_ctx.err(f"regenerated API token {token_id}, stored it in {where} and verified it")
    columns = [*COLUMNS, Column("stored-in", "stored_in")]
    emit(meta, columns + ([Column("written-to", "written_to")] if out is not None else []))


def _regenerate(api, token_id: str, body: dict) -> tuple[str, dict]:
    record = api.regenerate_token(token_id, body) or {}
    return (record.get("token") if isinstance(record, dict) else None) or "", record


def _old_key_refused(api, token_id: str, rotation) -> bool:
    """Was the regenerated token the one this profile uses? Then its old value is refused now."""
    from gwctl.errors import AuthError

    with rotation.step("check the profile's use of"):
        try:
            api.read(TOKENS, token_id)
        except AuthError:
            return True
    return False


@app.command("check-name")
def check_name(name: Annotated[str, typer.Argument(metavar="NAME", help="Token name (1..40 chars).")]) -> None:
    """Say whether a token name is already taken (GET /api/settings/tokens/check_name; 3.2.14+: /api/tokens/check_name).

    Example: gwctl api7 tokens check-name ci
    """
    from gwctl.cli.api7.calls import client, show
    from gwctl.cli.render import cols
    from gwctl.errors import UsageError

    if not 1 <= len(name) <= 40:
        raise UsageError("invalid NAME: 1..40 characters")
    api = client()
    value = api.get(api.tokens_path + "/check_name", {"name": name})
    show({"name": name, **value} if isinstance(value, dict) else value, cols("name", "exist"))
