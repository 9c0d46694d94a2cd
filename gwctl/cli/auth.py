"""`gwctl auth`: store, inspect and remove a profile's credentials (never print them)."""

from __future__ import annotations

import importlib
import time
import click

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.columns import duration_text
from gwctl.errors import AuthError, UsageError
from gwctl.resources.values import stdin_text



@click.group("auth", no_args_is_help=True)
def group() -> None:
    """Log in, show credential status, print tokens, log out (secrets are never printed)."""

STATUS_COLUMNS = (Column("profile", "profile"), Column("product", "product"), Column("item", "item"),
                  Column("kind", "kind"), Column("source", "source"), Column("detail", "detail"))


def _selected_profile():
    """The profile named by -p, or the only one; later client() calls then use it too."""
    from gwctl.cli import context

    app_ctx = get_app()
    config = app_ctx.config
    if app_ctx.opts.profile:
        profile = config.get(app_ctx.opts.profile)
        context.active_profile = profile.name
        return profile
    if len(config.profiles) == 1:
        profile = next(iter(config.profiles.values()))
        app_ctx.opts.profile = context.active_profile = profile.name
        return profile
    if not config.profiles:
        raise UsageError("no profiles configured", hint="create one with `gwctl profile add` or run `gwctl sandbox start`")
    raise UsageError("several profiles exist: choose one with -p NAME", hint="see `gwctl profile list`")


def parse_secret_lines(text: str, names: list[str], env_names: dict[str, str]) -> dict[str, str]:
    """Secrets from stdin: NAME=VALUE lines (name or env var), or one value per line in order."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    by_key = {n: n for n in names} | {env: n for n, env in env_names.items()}
    named: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep and key.strip() in by_key:
            named[by_key[key.strip()]] = value.strip()
    if named and len(named) == len(lines):
        return named
    if named:
        # NAME=VALUE with a misspelt NAME; not a bare value with base64 padding ("c2VjcmV0==").
        unknown = [key.strip() for key, sep, value in (line.partition("=") for line in lines)
                   if sep and key.strip().isidentifier() and key.strip() not in by_key
                   and value.strip() and not value.startswith("=")]
        if unknown:
            raise UsageError(f"unknown secret name {unknown[0]!r} on stdin: use {', '.join(names)} "
                             f"(or {', '.join(env_names[n] for n in names)})")
        raise UsageError("stdin mixes NAME=VALUE lines with bare values: use one form for every secret")
    if len(names) == 1 and len(lines) == 1:
        return {names[0]: lines[0]}
    return dict(zip(names, lines)) if lines else {}


def _choose_set(spec, supplied: dict[str, str]) -> tuple[str, ...]:
    for names in spec.secret_sets:
        if all(supplied.get(n) for n in names):
            return names
    wanted = " or ".join("+".join(names) for names in spec.secret_sets)
    raise UsageError(f"incomplete credentials for {spec.name}: need {wanted}")


def _prompt_secrets(spec) -> dict[str, str]:
    supplied: dict[str, str] = {}
    for i, names in enumerate(spec.secret_sets):
        for name in names:
            secret = spec.secret(name)
            optional = i < len(spec.secret_sets) - 1
            value = click.prompt(
                secret.label + (" (empty to skip)" if optional else ""),
                hide_input=secret.hidden, default="" if optional else None, show_default=False, err=True,
            )
            if value:
                supplied[name] = value.strip()
        if all(supplied.get(n) for n in names):
            return supplied
    return supplied


@group.command("login")
@click.option("--stdin", is_flag=True, help="Read secrets from stdin: NAME=VALUE lines, or the values in order.")
@click.option("--insecure-storage", is_flag=True,
              help="Store in a 0600 file instead of the OS keyring (a profile that already uses the file keeps it).")
@click.option("--keyring", "use_keyring", is_flag=True, help="Store in the OS keyring, also for a profile that uses the file.")
@click.option("--no-verify", is_flag=True, help="Store without checking against the API first.")
def login(stdin, insecure_storage, use_keyring, no_verify) -> None:
    """Verify a profile's credentials against its API, then store them.

    The secrets go where the profile keeps them: the OS keyring, or the 0600 file for a
    profile stored with --insecure-storage before (--keyring moves it back).

    Example: printf 'key_id=%s\\nkey_secret=%s\\n' "$KEY_ID" "$KEY_SECRET" | gwctl auth login -p sandbox-opa --stdin
    """
    from gwctl.config.credentials import TokenCache, keyring_usable, NO_KEYRING_HINT
    from gwctl.config.profiles import Edit
    from gwctl.products import PRODUCTS

    app_ctx = get_app()
    profile = _selected_profile()
    spec = PRODUCTS[profile.product]
    if not spec.secret_sets:
        names = [s.name for s in spec.secrets]
        sets: tuple[tuple[str, ...], ...] = (tuple(names),)
    else:
        sets = spec.secret_sets
    all_names = list(dict.fromkeys(n for names in sets for n in names))
    if insecure_storage and use_keyring:
        raise UsageError("--insecure-storage and --keyring cannot be combined")
    storage = "file" if insecure_storage or (profile.storage == "file" and not use_keyring) else "keyring"
    if storage == "keyring" and not keyring_usable():
        raise AuthError("cannot store credentials: no usable OS keyring", hint=NO_KEYRING_HINT)
    if stdin:
        supplied = parse_secret_lines(stdin_text("--stdin"), all_names, {n: spec.secret(n).env for n in all_names})
    elif app_ctx.can_prompt:
        supplied = _prompt_secrets(spec) if spec.secret_sets else {
            n: click.prompt(spec.secret(n).label, hide_input=True, err=True).strip() for n in all_names}
    else:
        raise UsageError("no terminal to prompt on: pass the secrets with --stdin")
    chosen = _choose_set(spec, supplied) if spec.secret_sets else tuple(n for n in all_names if supplied.get(n))
    if not chosen:
        raise UsageError("no secrets supplied")
    creds = app_ctx.credentials(profile)
    creds.overrides.update({n: supplied[n] for n in chosen})
    # Secrets from other sets must not leak into verification (e.g. env API key).
    for name in all_names:
        if name not in chosen:
            creds.overrides[name] = ""
    verified = False
    if not no_verify:
        module = importlib.import_module(f"gwctl.api.{profile.product}.client")
        verify = getattr(module, "verify", None)
        if verify is not None:
            TokenCache().drop_prefix(f"{profile.name}:")
            verify(app_ctx.client(profile.product))
            verified = True
    previous = profile.storage
    # Store (and read back) first: if that fails, the profile still points at its old secrets.
    for name in chosen:
        where = creds.store(name, supplied[name], storage)
    if profile.storage != storage:
        with Edit() as config:
            config.get(profile.name).storage = storage
        profile.storage = storage
        creds.storage = storage
    if previous != storage:
        # Moving between keyring and file: no stale copy (above all no plaintext one) stays behind.
        creds.discard(list(chosen), previous)
    others = [n for n in all_names if n not in chosen]
    if others:
        creds.forget(others)
    app_ctx.err(f"{'verified and ' if verified else ''}stored credentials for profile {profile.name} in {where}")


@group.command("status")
@click.option("--check", is_flag=True,
              help="Exit 4 when a selected profile has no usable credentials (for scripts and monitoring).")
def status(check: bool) -> None:
    """Show, per profile, which secrets are present and where they come from (never their values).

    Examples:
      gwctl auth status
      gwctl auth status -p sandbox-opa --check
    """
    from gwctl.config.credentials import KeyringUnavailable, TokenCache, keyring_usable
    from gwctl.products import PRODUCTS

    app_ctx = get_app()
    config = app_ctx.config
    profiles = [config.get(app_ctx.opts.profile)] if app_ctx.opts.profile else list(config.profiles.values())
    cache = TokenCache()
    rows = []
    unusable: list[str] = []
    now = time.time()
    for profile in profiles:
        creds = app_ctx.credentials(profile)
        spec = PRODUCTS[profile.product]
        secret_rows = []
        present: set[str] = set()
        for secret in spec.secrets:
            try:
                found = creds.lookup(secret.name)
                source = found.origin if found else "missing"
                if found:
                    present.add(secret.name)
                    detail = found.where
                elif profile.storage != "file" and not keyring_usable():
                    detail = (f"set {secret.env} or run `gwctl auth login -p {profile.name} --insecure-storage` "
                              "(no usable OS keyring here)")
                else:
                    detail = f"set {secret.env} or run `gwctl auth login -p {profile.name}`"
            except KeyringUnavailable as exc:
                source, detail = "unavailable", exc.message
            secret_rows.append({"profile": profile.name, "product": profile.product, "item": secret.name,
                                "kind": "secret", "source": source, "detail": detail})
        # A product with alternative credentials (API7: API key, or username+password) needs one set only.
        complete = next((names for names in spec.secret_sets if all(n in present for n in names)), None)
        needed = spec.secret_sets or ((tuple(s.name for s in spec.secrets),) if spec.secrets else ())
        if needed and not any(all(n in present for n in names) for names in needed):
            unusable.append(profile.name)
        if complete is not None:
            for row in secret_rows:
                if row["source"] == "missing" and row["item"] not in complete:
                    row["detail"] = f"not needed: {'+'.join(complete)} is set"
        rows.extend(secret_rows)
        for key, expires_at in sorted(cache.entries(f"{profile.name}:").items()):
            left = int(expires_at - now)
            rows.append({"profile": profile.name, "product": profile.product, "item": key.split(":", 1)[1],
                         "kind": "cached token", "source": "token cache",
                         # The cache keeps when gwctl renews the token (just before the server's expiry).
                         "detail": f"fresh for {duration_text(left)}" if left > 0 else "stale: renewed on next use",
                         "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires_at))})
    names = {p.name for p in profiles}
    rows.extend(_recovery_row(entry) for entry in _pending()
                if entry.profile in names or not app_ctx.opts.profile)
    emit(rows, STATUS_COLUMNS)
    if check and unusable:
        raise AuthError(f"no usable credentials for profile(s): {', '.join(unusable)}",
                        hint=f"store them with `gwctl auth login -p {unusable[0]}`, or set the product's variable")


def _pending(profile: str | None = None):
    from gwctl.cli.rotation import pending

    return pending(profile)


def _recovery_row(entry) -> dict:
    """A pending recovery file: what, for which profile, since when; never the secret."""
    if entry.has_secret:
        kind, source = "recovery file", entry.file
        detail = f"new {entry.label}, kept since {entry.created}: run `gwctl auth recover -p {entry.profile}`"
    else:
        kind, source = "interrupted rotation", entry.base + ".json"
        detail = (f"interrupted while the {entry.label} was being replaced ({entry.created}): no new secret "
                  f"reached gwctl; check that the old one still works, then run `gwctl auth recover -p {entry.profile}`")
    return {"profile": entry.profile, "product": entry.product, "item": entry.record.get("slug") or "secret",
            "kind": kind, "source": source, "detail": detail, "created": entry.created}


RECOVER_COLUMNS = (Column("profile", "profile"), Column("product", "product"), Column("what", "what"),
                   Column("result", "result"), Column("stored-in", "stored_in"), Column("file", "file"))


@group.command("recover")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the recovered secret to FILE (0600, atomic) instead of where its rotation would have put it.")
@click.option("--no-verify", is_flag=True, help="Store without checking it against the API first.")
@click.option("--lock-timeout", type=click.FloatRange(0, 86400), default=60.0, show_default=True, metavar="SECONDS",
              help="Wait this long for a running rotation of the profile to finish, then exit 7.")
def recover(out, no_verify, lock_timeout) -> None:
    """Finish rotations that left their new secret in a recovery file.

    Without -p, lists the pending recovery files (never their secrets). With -p NAME, each of
    that profile's files, oldest first, is proven against the API, then stored where its
    rotation would have put it (the profile's credential store, the token cache, its --out
    file) or written to --out FILE, and removed. A secret the server refuses (a later
    rotation replaced it) is not stored; its file is removed and the command exits 4.
    Examples:
      gwctl auth recover
      gwctl auth recover -p sandbox-opa
    """
    from pathlib import Path

    from gwctl.cli.rotation import Refused, deliver, own_credential_dead, prove, refetch, rotation_lock
    from gwctl.cli.secret_output import check_out

    app_ctx = get_app()
    if lock_timeout != lock_timeout:
        raise UsageError("invalid --lock-timeout nan: give a number of seconds")
    if not app_ctx.opts.profile:
        rows = [_recovery_row(entry) for entry in _pending()]
        emit(rows, STATUS_COLUMNS)
        app_ctx.err(f"{len(rows)} pending recovery file(s)" + (
            ": recover a profile's with `gwctl auth recover -p NAME`" if rows else ""))
        return
    profile = app_ctx.config.get(app_ctx.opts.profile)
    target = Path(out) if out else None
    check_out(target)
    rows = []
    refused = []
    with rotation_lock(profile.product, profile.name, lock_timeout, out=target):
        entries = _pending(profile.name)
        for entry in entries:
            row = {"profile": profile.name, "product": entry.product, "what": entry.label, "file": entry.file,
                   "stored_in": None}
            if not entry.has_secret:
                where = refetch(entry, profile)
                entry.remove()
                if where:
                    stored = ", ".join(where)
                    app_ctx.err(f"{entry.base}.json: the rotation of the {entry.label} was interrupted before its "
                                f"answer arrived; fetched the current one from the API and stored it in {stored}")
                    rows.append({**row, "file": entry.base + ".json", "result": "fetched", "stored_in": stored})
                    continue
                app_ctx.err(f"{entry.base}.json: the rotation of the {entry.label} was interrupted before a new "
                            "secret reached gwctl; nothing to recover (check that the old one still works)")
                rows.append({**row, "file": entry.base + ".json", "result": "nothing to recover"})
                continue
            secret = entry.secret()
            if not secret:
                raise UsageError(f"{entry.file} is empty", hint="delete it")
            try:
                if entry.record.get("own_unchecked") and entry.record.get("credential"):
                    if not own_credential_dead(profile):
                        entry.record["credential"] = None  # the profile's own credential works: not its token
                    app_ctx.drop_client(profile.product)
                proven = False if no_verify else prove(entry, secret, profile)
            except Refused as exc:
                entry.remove()
                refused.append(entry)
                app_ctx.err(f"{entry.file}: the server refused the new {entry.label} ({exc}); it is no longer "
                            "valid (a later rotation replaced it?): not stored, file removed")
                rows.append({**row, "result": "refused"})
                continue
            finally:
                if entry.record.get("credential"):
                    app_ctx.credentials(profile).override(str(entry.record["credential"]), None)
            where = deliver(entry, secret, profile, target)
            entry.remove()
            stored = ", ".join(where)
            app_ctx.err(f"recovered the new {entry.label} from {entry.file}: stored it in {stored}"
                        + (" and verified it" if proven else " (not verified)"))
            rows.append({**row, "result": "recovered" if proven else "recovered, not verified", "stored_in": stored})
    if not entries:
        app_ctx.err(f"no pending recovery files for profile {profile.name}")
    emit(rows, RECOVER_COLUMNS)
    if refused:
        raise AuthError(f"{len(refused)} recovered secret(s) of profile {profile.name} were refused by the server "
                        "and not stored", hint=f"check the profile with `gwctl auth status -p {profile.name}`")


@group.command("logout")
def logout() -> None:
    """Remove a profile's stored secrets and cached tokens (keyring and file).

    Example: gwctl auth logout -p sandbox-opa
    """
    from gwctl.config.credentials import TokenCache

    app_ctx = get_app()
    profile = _selected_profile()
    touched = app_ctx.credentials(profile).forget()
    TokenCache().drop_prefix(f"{profile.name}:")
    where = " and ".join(touched) if touched else "nothing stored"
    app_ctx.err(f"logged out of profile {profile.name} ({where})")


@group.command("token")
def token() -> None:
    """Print the profile's current short-lived bearer token (for scripts).

    Example: gwctl auth token -p sandbox-opa
    """
    app_ctx = get_app()
    profile = _selected_profile()
    client = app_ctx.client(profile.product)
    current = getattr(client, "current_token", None)
    if current is None:
        raise UsageError(f"{profile.product} profiles use no short-lived token")
    app_ctx.out(current())
