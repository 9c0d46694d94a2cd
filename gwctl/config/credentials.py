"""Where a profile's secrets come from: env var -> OS keyring -> opt-in 0600 file.

Every keyring call runs in a daemon thread under a timeout, because a locked or
broken keyring daemon can otherwise hang a cron job forever.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Callable

from gwctl.config import paths
from gwctl.config.files import read_json, update_json
from gwctl.errors import AuthError, SecretStorageError
from gwctl.products import PRODUCTS, ProductSpec

SERVICE = "gwctl"


def _env_seconds(name: str, default: float) -> float:
    """A positive number of seconds from the environment; a bad value falls back to the default."""
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


KEYRING_TIMEOUT = _env_seconds("GWCTL_KEYRING_TIMEOUT", 3.0)
NO_KEYRING_HINT = (
    "no usable OS keyring here (headless box or cron?): set the secret in its environment "
    "variable, or store it with `gwctl auth login --insecure-storage` (a 0600 file)"
)


class KeyringUnavailable(SecretStorageError, AuthError):
    """No keyring backend, or it failed or timed out: exit 4 (no credentials), like a missing secret."""


def _call_with_timeout(fn: Callable[[], Any], what: str) -> Any:
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target, name="gwctl-keyring", daemon=True)
    thread.start()
    thread.join(KEYRING_TIMEOUT)
    if thread.is_alive():
        raise KeyringUnavailable(f"the OS keyring did not answer within {KEYRING_TIMEOUT:g}s ({what})", hint=NO_KEYRING_HINT)
    if "error" in result:
        exc = result["error"]
        raise KeyringUnavailable(f"the OS keyring failed ({what}): {type(exc).__name__}", hint=NO_KEYRING_HINT) from None
    return result.get("value")


_backend_checked: bool | None = None


def keyring_usable() -> bool:
    """True when keyring has a real backend (not the 'fail' or 'null' ones)."""
    global _backend_checked
    if _backend_checked is None:

        def probe() -> bool:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
            name = type(backend).__module__ + "." + type(backend).__name__
            if isinstance(backend, fail.Keyring) or name.startswith("keyring.backends.null"):
                return False
            chained = getattr(backend, "backends", None)
            return chained is None or bool(chained)

        try:
            _backend_checked = bool(_call_with_timeout(probe, "probe"))
        except KeyringUnavailable:
            _backend_checked = False
    return _backend_checked


def reset_keyring_probe() -> None:
    global _backend_checked
    _backend_checked = None


def _require_keyring() -> None:
    if not keyring_usable():
        raise KeyringUnavailable("no OS keyring backend is available", hint=NO_KEYRING_HINT)


def keyring_get(user: str) -> str | None:
    _require_keyring()
    import keyring

    return _call_with_timeout(lambda: keyring.get_password(SERVICE, user), "read")


def keyring_set(user: str, value: str) -> None:
    _require_keyring()
    import keyring

    _call_with_timeout(lambda: keyring.set_password(SERVICE, user, value), "write")


def keyring_delete(user: str) -> bool:
    _require_keyring()
    import keyring
    from keyring.errors import PasswordDeleteError

    def delete() -> bool:
        try:
            keyring.delete_password(SERVICE, user)
            return True
        except PasswordDeleteError:
            return False

    return bool(_call_with_timeout(delete, "delete"))


class CredentialsFileError(AuthError):
    """credentials.json cannot be read or holds the wrong shape: exit 4, like missing credentials."""


def _store_hint(profile: str | None = None) -> str:
    login = f"`gwctl auth login -p {profile} --insecure-storage`" if profile else \
        "`gwctl auth login -p PROFILE --insecure-storage`"
    return f"fix or delete {paths.secrets_file()}, then store the secrets again with {login}"


def _read_store() -> dict[str, Any]:
    return read_json(paths.secrets_file(), CredentialsFileError, _store_hint())


def _update_store(change: Callable[[dict], None]) -> None:
    update_json(paths.secrets_file(), change, CredentialsFileError, _store_hint())


def _entry(data: dict[str, Any], profile: str, repair: bool = False) -> dict[str, str]:
    """One profile's secrets in the file store, checked: an object of names to strings. With
    ``repair`` (a login storing fresh secrets) a malformed entry is replaced instead of refused."""
    entry = data.setdefault(profile, {}) if repair else data.get(profile, {})
    if isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values()):
        return entry
    if repair:
        data[profile] = {}
        return data[profile]
    raise CredentialsFileError(
        f"{paths.secrets_file()}: the entry for profile {profile!r} must be an object of secret names to strings",
        hint=_store_hint(profile))


def _file_get(profile: str, name: str) -> str | None:
    value = _entry(_read_store(), profile).get(name)
    return value or None


def _file_set(profile: str, name: str, value: str) -> None:
    _update_store(lambda data: _entry(data, profile, repair=True).__setitem__(name, value))


def _file_delete(profile: str, names: list[str] | None = None) -> None:
    def change(data: dict) -> None:
        if names is None or not isinstance(data.get(profile, {}), dict):
            data.pop(profile, None)
        else:
            for name in names:
                data.get(profile, {}).pop(name, None)
            if profile in data and not data[profile]:
                data.pop(profile)

    if os.path.exists(paths.secrets_file()):
        _update_store(change)


def _file_rename(old: str, new: str) -> None:
    def change(data: dict) -> None:
        if old in data:
            data[new] = data.pop(old)

    if os.path.exists(paths.secrets_file()):
        _update_store(change)


def _stored_names(profile: str) -> set[str]:
    """The secret names the file store holds for ``profile`` (a malformed entry counts as all of them,
    so that logout removes it)."""
    entry = _read_store().get(profile, {})
    return set(entry) if isinstance(entry, dict) else {"*"}


def check_secret_value(value: str, where: str) -> str:
    """A secret as found in ``where`` (an environment variable, stdin), or exit 4 when it cannot be
    one: a control character (a pasted newline) or bytes that are not UTF-8. Never echoes it."""
    bad = next((c for c in value if ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF), None)
    if bad is not None:
        kind = "a control character" if ord(bad) < 0xD800 else "bytes that are not UTF-8"
        raise AuthError(f"the secret in {where} holds {kind}", hint=f"set {where} to the secret alone, on one line")
    return value


class SecretSource:
    """A secret and where it came from (a plain class: no dataclass exec() on every API command)."""

    __slots__ = ("value", "origin", "where")

    def __init__(self, value: str, origin: str, where: str) -> None:
        self.value = value
        self.origin = origin  # "flag", "env", "keyring" or "file"
        self.where = where  # variable name or store description

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretSource) and (self.value, self.origin, self.where) == (
            other.value, other.origin, other.where)

    def __repr__(self) -> str:  # never the value
        return f"SecretSource(origin={self.origin!r}, where={self.where!r})"


class Credentials:
    """The secrets of one profile, resolved in the documented order."""

    def __init__(self, profile_name: str, product: str, storage: str = "keyring", env: dict[str, str] | None = None) -> None:
        self.profile = profile_name
        self.spec: ProductSpec = PRODUCTS[product]
        self.storage = storage
        self.env = os.environ if env is None else env
        self.overrides: dict[str, str] = {}  # from --*-stdin flags
        self._cache: dict[str, SecretSource | None] = {}

    def _user(self, name: str) -> str:
        return f"{self.profile}:{name}"

    def override(self, name: str, value: str | None) -> None:
        """Use `value` for `name` in this process (None: back to the stores), e.g. to prove a secret before storing it."""
        if value is None:
            self.overrides.pop(name, None)
        else:
            self.overrides[name] = value
        self._cache.pop(name, None)

    def lookup(self, name: str) -> SecretSource | None:
        if name in self._cache:
            return self._cache[name]
        spec = self.spec.secret(name)
        found: SecretSource | None = None
        if name in self.overrides:
            found = SecretSource(self.overrides[name], "flag", "stdin")
        elif self.env.get(spec.env):
            found = SecretSource(check_secret_value(self.env[spec.env], spec.env), "env", spec.env)
        elif self.storage == "file":
            value = _file_get(self.profile, name)
            if value:
                found = SecretSource(value, "file", paths.secrets_file())
        else:
            value = keyring_get(self._user(name)) if keyring_usable() else None
            if value:
                found = SecretSource(value, "keyring", f"keyring service '{SERVICE}'")
        self._cache[name] = found
        return found

    def get(self, name: str) -> str | None:
        found = self.lookup(name)
        return found.value if found else None

    def require(self, *names: str) -> dict[str, str]:
        """All of `names`, or an AuthError that says how to supply them."""
        values: dict[str, str] = {}
        missing = []
        for name in names:
            value = self.get(name)
            if value:
                values[name] = value
            else:
                missing.append(self.spec.secret(name))
        if missing:
            envs = ", ".join(s.env for s in missing)
            hint = f"run `gwctl auth login -p {self.profile}` or set {envs}"
            if self.storage == "keyring" and not keyring_usable():
                hint += "; " + NO_KEYRING_HINT
            labels = ", ".join(s.label for s in missing)
            raise AuthError(f"no credentials for profile {self.profile!r}: missing {labels}", hint=hint)
        return values

    def first_complete_set(self) -> tuple[str, ...] | None:
        for names in self.spec.secret_sets:
            if all(self.get(n) for n in names):
                return names
        return None

    def store(self, name: str, value: str, storage: str | None = None) -> str:
        """Persist and read back; returns where it went. Raises SecretStorageError."""
        storage = storage or self.storage
        if storage == "file":
            _file_set(self.profile, name, value)
            stored = _file_get(self.profile, name)
            where = paths.secrets_file()
        else:
            keyring_set(self._user(name), value)
            stored = keyring_get(self._user(name))
            where = f"keyring service '{SERVICE}'"
        if stored != value:
            raise SecretStorageError(f"the {self.spec.secret(name).label} did not read back from {where}")
        self._cache.pop(name, None)
        return where

    def forget(self, names: list[str] | None = None) -> list[str]:
        """Remove stored secrets (keyring and file); returns the stores touched."""
        names = names or [s.name for s in self.spec.secrets]
        touched = []
        if keyring_usable():
            removed = [n for n in names if _safe_keyring_delete(self._user(n))]
            if removed:
                touched.append("keyring")
        before = _stored_names(self.profile)
        if "*" in before or any(n in before for n in names):
            _file_delete(self.profile, None if "*" in before else names)
            touched.append("file")
        self._cache.clear()
        return touched


    def discard(self, names: list[str], storage: str) -> None:
        """Remove `names` from one storage only ("keyring" or "file"), e.g. the one a login moved away from."""
        if storage == "file":
            before = _stored_names(self.profile)
            if "*" in before or any(n in before for n in names):
                _file_delete(self.profile, None if "*" in before else names)
        elif keyring_usable():
            for name in names:
                _safe_keyring_delete(self._user(name))
        for name in names:
            self._cache.pop(name, None)


def _safe_keyring_delete(user: str) -> bool:
    try:
        return keyring_delete(user)
    except KeyringUnavailable:
        return False


def rename_profile_secrets(old: str, new: str, product: str) -> None:
    spec = PRODUCTS[product]
    if keyring_usable():
        for secret in spec.secrets:
            try:
                value = keyring_get(f"{old}:{secret.name}")
                if value:
                    keyring_set(f"{new}:{secret.name}", value)
                    keyring_delete(f"{old}:{secret.name}")
            except KeyringUnavailable:
                pass
    _file_rename(old, new)
    TokenCache().rename_prefix(f"{old}:", f"{new}:")


class TokenCache:
    """Short-lived bearer tokens with their expiry, in a 0600 JSON file (see paths)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.path = paths.token_cache_file()
        self.clock = clock

    HINT = "delete it: it holds only short-lived tokens, fetched again when needed"

    def _read(self) -> dict[str, Any]:
        return read_json(self.path, hint=self.HINT)

    def get(self, key: str) -> tuple[str, float] | None:
        """A cached token that has not expired; an entry of the wrong shape counts as none (it is
        replaced by the next set)."""
        entry = self._read().get(key)
        expires_at = _expiry(entry)
        if expires_at is None or not isinstance(entry.get("token"), str) or not entry["token"]:
            return None
        if expires_at <= self.clock():
            return None
        return entry["token"], expires_at

    def set(self, key: str, token: str, expires_at: float) -> None:
        update_json(self.path, lambda data: data.__setitem__(key, {"token": token, "expires_at": expires_at}),
                    hint=self.HINT)

    def delete(self, key: str) -> None:
        if os.path.exists(self.path):
            update_json(self.path, lambda data: data.pop(key, None), hint=self.HINT)

    def entries(self, prefix: str) -> dict[str, float]:
        """key -> expiry for the cached tokens of one profile (values never leave)."""
        found = {k: _expiry(v) for k, v in self._read().items() if k.startswith(prefix)}
        return {k: v for k, v in found.items() if v is not None}

    def drop_prefix(self, prefix: str) -> None:
        if os.path.exists(self.path):
            update_json(self.path, lambda data: [data.pop(k) for k in list(data) if k.startswith(prefix)],
                        hint=self.HINT)

    def rename_prefix(self, old: str, new: str) -> None:
        def change(data: dict) -> None:
            for key in [k for k in data if k.startswith(old)]:
                data[new + key[len(old) :]] = data.pop(key)

        if os.path.exists(self.path):
            update_json(self.path, change, hint=self.HINT)


def _expiry(entry: Any) -> float | None:
    """A cache entry's expiry as a finite number, or None when the entry is malformed."""
    import math

    if not isinstance(entry, dict):
        return None
    value = entry.get("expires_at", 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)
