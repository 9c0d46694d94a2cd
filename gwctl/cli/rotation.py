"""The one rotation flow: replacing a secret without ever losing the new one.

Every command that mints a new secret and kills (or deletes) the old one follows it:

1. locks (`rotation_lock`): one per profile, and one per --out file, so a rotation's mint, store
   and --out write never interleave with another's; a busy lock is waited for up to
   --lock-timeout seconds (saying so), then the command exits 7; nothing was sent;
2. confirmation (the caller, with `gwctl.cli.flows.confirm_change`) and every check that can
   fail without a request (`check_out`, the recovery directory) before anything is minted;
3. a record of the rotation in the recovery directory (what, for which profile, where it goes;
   never a secret), then the mint (`Rotation.mint`): the client call is never resent once the
   server may have acted;
4. the new secret goes to a 0600 recovery file next to that record (atomic) before anything
   else, so a crash, a kill or a failing store loses nothing;
5. store it (credential store, token cache, --out FILE, or stdout when printing it is the
   command's purpose), read it back and prove it (an authenticated call) where possible;
6. revoke the old one where the API has a separate revoke (the caller);
7. remove the recovery file and its record (`Rotation.secured`, or on leaving the block without error).

A failure after the mint keeps the recovery file and exits 12 (`SecretNotStored`) with one line
naming it; `gwctl auth status` lists pending recovery files and `gwctl auth recover` stores
them. The secret itself never goes to stderr.

    with rotation_lock("pomerium", profile.name, lock_timeout, out=out):
        with Rotation("pomerium", profile.name, "refresh token of API user u1", credential="refresh_token") as rot:
            token, answer = rot.mint(lambda: ...)
            with rot.step("store"):
                where = store_credential(creds, "refresh_token", token)
            with rot.step("verify"):
                prove(token)
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, TypeVar

from gwctl.cli.context import get_app
from gwctl.cli.secret_output import check_out  # noqa: F401 - rotations check --out first
from gwctl.errors import (
    Cancelled,
    ConfigError,
    GwctlError,
    LockTimeout,
    NetworkError,
    SecretNotStored,
    SecretStorageError,
    ServerError,
    TimeoutError_,
)

T = TypeVar("T")

LOCK_WAIT = 60.0  # the default --lock-timeout: seconds a rotation waits for another one
RECOVERY_HINT = "use it from there, then delete the file"


# -- the locks ------------------------------------------------------------------------------------


def lock_path(product: str, profile: str) -> str:
    """One lock per profile for every product's rotations: STATE_DIR/locks/rotate-PRODUCT-PROFILE."""
    from gwctl.config.paths import state_dir

    return os.path.join(state_dir(), "locks", f"rotate-{product}-{profile}")


def out_lock_path(out: Path) -> str:
    """One lock per --out file (its resolved path), whichever profile or product writes it."""
    import hashlib

    from gwctl.config.paths import state_dir

    digest = hashlib.sha256(os.path.realpath(os.path.expanduser(str(out))).encode()).hexdigest()[:16]
    return os.path.join(state_dir(), "locks", f"out-{digest}")


@contextlib.contextmanager
def rotation_lock(product: str, profile: str, wait: Optional[float] = None,
                  out: Optional[Path] = None) -> Iterator[str]:
    """Hold the profile's rotation lock (and --out's); wait for another rotation, saying so, up to `wait` s."""
    import time

    wait = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + wait
    path = lock_path(product, profile)
    with contextlib.ExitStack() as held:
        held.enter_context(_hold(path, deadline, wait,
                                 f"another rotation of profile {profile}"))
        if out is not None:
            held.enter_context(_hold(out_lock_path(out), deadline, wait,
                                     f"another rotation writing {out}"))
        yield path


@contextlib.contextmanager
def _hold(path: str, deadline: float, wait: float, who: str) -> Iterator[None]:
    import time

    from filelock import FileLock, Timeout

    from gwctl.config.files import ensure_parent

    try:
        ensure_parent(path)
    except OSError as exc:
        raise ConfigError(f"cannot create the lock directory of {path}: {exc.strerror}; nothing was changed",
                          hint="set GWCTL_STATE_DIR to a writable directory") from None
    lock = FileLock(path + ".lock", mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        left = max(0.0, deadline - time.monotonic())
        try:
            if left <= 0:
                raise
            get_app().err(f"waiting up to {wait:g}s for {who} to finish (lock {path})")
            lock.acquire(timeout=left)
        except Timeout:
            raise LockTimeout(f"{who} still holds the lock {path} after {wait:g}s (--lock-timeout); "
                              "nothing was changed",
                              hint="try again when it has finished, or wait longer with --lock-timeout SECONDS") from None
    try:
        yield
    finally:
        lock.release()


# -- the recovery directory -------------------------------------------------------------------------


def recovery_dir() -> str:
    """STATE_DIR/recovery: PRODUCT-PROFILE-WHAT-STAMP.txt (the secret, 0600) and .json (what it is)."""
    from gwctl.config.paths import state_dir

    return os.path.join(state_dir(), "recovery")


def _check_recovery_dir() -> None:
    path = recovery_dir()
    try:
        from gwctl.config.files import make_private_dirs

        make_private_dirs(path)
    except OSError as exc:
        raise ConfigError(f"cannot create the recovery directory {path}: {exc.strerror}; nothing was changed",
                          hint="set GWCTL_STATE_DIR to a writable directory") from None
    if not os.path.isdir(path) or not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"the recovery directory {path} is not writable; nothing was changed",
                          hint="set GWCTL_STATE_DIR to a writable directory")


class Pending:
    """One entry of the recovery directory: a secret file and/or its record."""

    def __init__(self, base: str, record: Dict[str, Any]) -> None:
        self.base = base  # path without .txt/.json
        self.record = record

    @property
    def file(self) -> str:
        return self.base + ".txt"

    @property
    def has_secret(self) -> bool:
        return os.path.exists(self.file)

    @property
    def profile(self) -> str:
        return str(self.record.get("profile") or "?")

    @property
    def product(self) -> str:
        return str(self.record.get("product") or "?")

    @property
    def label(self) -> str:
        return str(self.record.get("label") or "secret")

    @property
    def created(self) -> str:
        return str(self.record.get("created") or "")

    def secret(self) -> str:
        with open(self.file, encoding="utf-8") as fh:
            return fh.read().strip()

    def remove(self) -> None:
        for suffix in (".txt", ".json"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.base + suffix)


def pending(profile: Optional[str] = None) -> List[Pending]:
    """The recovery entries left behind, oldest first (optionally of one profile)."""
    import json
    import re
    import time

    folder = recovery_dir()
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise ConfigError(f"cannot read the recovery directory {folder}: {exc.strerror}") from None
    bases = sorted({n[:-5] if n.endswith(".json") else n[:-4] for n in names
                    if not n.startswith(".") and (n.endswith(".json") or n.endswith(".txt"))})
    found = []
    for base in bases:
        path = os.path.join(folder, base)
        record: Dict[str, Any] = {}
        try:
            with open(path + ".json", encoding="utf-8") as fh:
                loaded = json.load(fh)
            record = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            # No record (or a damaged one): what the file name says.
            match = re.match(r"^([a-z0-9]+)-(.+)-([a-z-]+?)-(\d{8}T\d{6}Z)(?:-\d+)?$", base)
            if match:
                record = {"product": match[1], "profile": match[2], "slug": match[3],
                          "label": match[3].replace("-", " ")}
            with contextlib.suppress(OSError):
                record.setdefault("created", time.strftime(
                    "%Y-%m-%dT%H:%M:%SZ", time.gmtime(os.stat(path + (".txt" if os.path.exists(path + ".txt")
                                                                       else ".json")).st_mtime)))
        entry = Pending(path, record)
        if profile is None or entry.profile == profile:
            found.append(entry)
    found.sort(key=lambda e: (e.created, e.base))
    return found


# -- storing ------------------------------------------------------------------------------------------


def write_out(out: Path, secret: str) -> None:
    """Write the secret to --out (0600, atomic), read it back and check its mode."""
    from gwctl.cli import secret_output

    secret_output.write_secret_file(out, secret)
    target = out.expanduser()
    try:
        if target.read_text().strip() != secret:
            raise SecretStorageError(f"--out {out} did not read back")
        if os.stat(target).st_mode & 0o077:
            raise SecretStorageError(f"--out {out}: its mode is not 0600")
    except OSError as exc:
        raise SecretStorageError(f"--out {out} did not read back: {exc.strerror}") from None


def store_credential(profile: Any, name: str, secret: str) -> str:
    """Store a profile secret in the profile's credential store (keyring or 0600 file), read back;
    returns where it went."""
    creds = get_app().credentials(profile)
    where = creds.store(name, secret)
    if creds.get(name) != secret:
        raise SecretStorageError(f"the new {creds.spec.secret(name).label} did not read back from {where}")
    return where


def env_source(profile: Any, name: str) -> Optional[str]:
    """The environment variable a profile secret comes from (gwctl cannot update it), or None."""
    from gwctl.products import PRODUCTS

    env = PRODUCTS[profile.product].secret(name).env
    return env if os.environ.get(env) else None


# -- the flow -----------------------------------------------------------------------------------------


class Rotation:
    """One rotation: the record, the mint, the recovery file, the failure that names it.

    `credential` (the profile secret it replaces), `out` and keyword `facts` (gateway, token_id, ...)
    go into the record, so `gwctl auth recover` can finish the job; `note()` adds facts after the mint.
    """

    def __init__(self, product: str, profile: str, label: str, *, slug: str = "secret",
                 hint: Optional[str] = None, credential: Optional[str] = None, out: Optional[Path] = None,
                 **facts: Any) -> None:
        self.product = product
        self.profile = profile
        self.label = label  # what the secret is: "refresh token of API user u1"
        self.slug = slug  # for the recovery file name: "refresh-token"
        self.hint = hint  # how to use the recovery file; "{file}" is replaced by its path
        self.record: Dict[str, Any] = {"product": product, "profile": profile, "label": label, "slug": slug,
                                       "credential": credential,
                                       "out": os.path.abspath(os.path.expanduser(str(out))) if out else None,
                                       **facts}
        self.recovery: Optional[str] = None
        self._base: Optional[str] = None
        self._secret: Optional[str] = None  # set between the mint and `secured`
        self._step = "store"
        self._recovery_error: Optional[str] = None

    # -- steps --------------------------------------------------------------------------------------

    def __enter__(self) -> "Rotation":
        _check_recovery_dir()
        return self

    def mint(self, call: Callable[[], Tuple[str, T]],
             facts: Optional[Callable[[T], Dict[str, Any]]] = None) -> Tuple[str, T]:
        """Run the call that issues the new secret; write it to the recovery file before anything else
        (with `facts(answer)`, e.g. the new ID, in its record)."""
        self._begin()
        self._at("mint")
        try:
            secret, answer = call()
        except BaseException as exc:
            if isinstance(exc, (ServerError, NetworkError, TimeoutError_)):
                # The server may have acted before it failed: say so, never resend.
                if not exc.hint or "may have been applied" not in exc.hint:
                    exc.hint = (f"{exc.hint}; " if exc.hint else "") + (
                        f"the server may have replaced the {self.label} anyway: check whether the old one still "
                        "works before trying again")
            if isinstance(exc, Exception):
                self._drop_record()  # the command's error says what is known; ^C or a kill leaves the record
            raise
        if not secret:
            self._drop_record()
            raise ServerError(f"the server answered without the new {self.label}")
        self._secret = str(secret)
        if facts is not None:
            with contextlib.suppress(Exception):  # only the record: never worth losing the secret over
                self.record.update(facts(answer))
        self._save()
        self._at("minted")
        return self._secret, answer

    def note(self, **facts: Any) -> None:
        """Add what became known after the mint (an ID, an expiry, whether it is the profile's own)."""
        self.record.update(facts)
        if self._secret is not None:
            self._write_record()

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Name what is being done with the new secret ("store", "write", "verify", "print") for the error."""
        previous, self._step = self._step, name
        self._at(name.split()[0])
        yield  # on an exception the step stays named for the error
        self._step = previous

    def secured(self) -> None:
        """The new secret is stored (and proven): the recovery file and its record go."""
        if self._secret is not None:
            self._at("secured")
        if self._base is not None:
            Pending(self._base, {}).remove()
        self.recovery = None
        self._base = None
        self._secret = None

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> bool:
        if self._secret is None:
            return False
        if exc is None:
            self.secured()
            return False
        if not isinstance(exc, Exception):  # interrupted or killed: the file stays, say where
            where = f"it is saved in {self.recovery}" if self.recovery else "no recovery file could be written"
            get_app().err(f"error: interrupted after the new {self.label} was issued; {where}")
            return False
        raise self._failure(exc) from None

    # -- internals ------------------------------------------------------------------------------------

    def _at(self, point: str) -> None:
        """A named point of the flow (the crash tests stop a rotation at each one)."""

    def _begin(self) -> None:
        """Choose the entry's name and write its record (no secret yet): a kill during the mint shows."""
        import time

        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        self.record["created"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        base = os.path.join(recovery_dir(), f"{self.product}-{self.profile}-{self.slug}-{stamp}")
        path, n = base, 1
        while os.path.exists(path + ".txt") or os.path.exists(path + ".json"):
            n += 1
            path = f"{base}-{n}"
        self._base = path
        try:
            self._write_record()
        except OSError:
            pass  # only a record; the secret file is what matters

    def _write_record(self) -> None:
        import json

        from gwctl.config.files import write_private

        if self._base is not None:
            write_private(self._base + ".json", json.dumps(self.record, indent=2, sort_keys=True) + "\n")

    def _drop_record(self) -> None:
        if self._base is not None:
            Pending(self._base, {}).remove()
        self._base = None

    def _save(self) -> None:
        from gwctl.config.files import write_private

        if self._base is None:
            self._begin()
        path = self._base + ".txt"
        try:
            write_private(path, self._secret + "\n")
        except OSError as exc:
            self._recovery_error = exc.strerror or type(exc).__name__
            get_app().warn(f"could not write the recovery file {path} ({self._recovery_error}); "
                           "storing the new secret all the same")
            return
        self.recovery = path
        with contextlib.suppress(OSError):
            self._write_record()

    def _failure(self, exc: Exception) -> GwctlError:
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        head = f"could not {self._step} the new {self.label}: {reason}"
        if self.recovery is not None:
            message = f"{head}; it is saved in {self.recovery}"
            hint = (f"run `gwctl auth recover -p {self.profile}` once the cause is fixed, or "
                    + (self.hint or RECOVERY_HINT).replace("{file}", self.recovery))
        else:
            # Last resort, the old secret being dead: the new one on stdout (never stderr) beats losing it.
            get_app().out(str(self._secret))
            message = f"{head}; no recovery file could be written ({self._recovery_error}): the new secret is on stdout"
            hint = "store it now: it is not kept anywhere else"
        if isinstance(exc, Cancelled):
            return exc
        return SecretNotStored(message, hint=hint, http_status=getattr(exc, "http_status", None),
                               request_id=getattr(exc, "request_id", None))


# -- finishing a rotation from its recovery file (`gwctl auth recover`) --------------------------------


class Refused(Exception):
    """The server refused the recovered secret: it is no longer valid."""


def prove(entry: Pending, secret: str, profile: Any) -> bool:
    """Check the recovered secret against the server; False when there is no way to check it.
    Raises Refused when the server refuses it."""
    from gwctl.errors import AuthError, NotFoundError

    app = get_app()
    record = entry.record
    try:
        if record.get("credential") and not record.get("own_unchecked"):
            import importlib

            app.credentials(profile).override(str(record["credential"]), secret)
            app.drop_client(profile.product)
            verify = getattr(importlib.import_module(f"gwctl.api.{profile.product}.client"), "verify", None)
            if verify is None:
                return False
            from gwctl.config.credentials import TokenCache

            TokenCache().drop_prefix(f"{profile.name}:")  # no token of the old secret proves the new one
            verify(app.client(profile.product))
            return True
        import importlib

        # A secret that is no profile credential (a token's own value, a gateway token): its product proves it.
        prove = getattr(importlib.import_module(f"gwctl.api.{entry.product}.client"), "prove_recovered", None)
        if prove is not None and prove(app.client(entry.product), record, secret):
            return True
    except (AuthError, NotFoundError) as exc:
        raise Refused(getattr(exc, "message", str(exc))) from None
    return False


def own_credential_dead(profile: Any) -> bool:
    """Is the profile's stored credential refused now (so a recovered one of unknown use is its own)?"""
    import importlib

    from gwctl.errors import AuthError

    verify = getattr(importlib.import_module(f"gwctl.api.{profile.product}.client"), "verify", None)
    try:
        verify(get_app().client(profile.product))
    except AuthError:
        return True
    return False


def deliver(entry: Pending, secret: str, profile: Any, out: Optional[Path]) -> List[str]:
    """Store the recovered secret where its rotation would have (or --out); returns where it went."""
    from gwctl.errors import UsageError

    record = entry.record
    where = []
    if record.get("credential") and out is None:
        where.append(store_credential(profile, str(record["credential"]), secret))
    if record.get("gateway") and out is None:
        api = get_app().client("sg")
        api.store_gateway_token(str(record["gateway"]), secret, record.get("expiry"))
        if api.cached_gateway_token(str(record["gateway"])) != secret:
            raise SecretStorageError("it did not read back from the token cache")
        where.append("the token cache")
    target = out if out is not None else (Path(record["out"]) if record.get("out") else None)
    if target is not None:
        write_out(target, secret)
        where.append(str(target))
    if not where:
        raise UsageError(f"{entry.file}: the {entry.label} was to be printed once: give --out FILE to write it")
    return where


def refetch(entry: Pending, profile: Any) -> Optional[List[str]]:
    """A rotation killed before its answer arrived: where the API shows the current secret to the
    profile (a Secure Gateway's security token is in its listing), fetch it and deliver it; else None."""
    record = entry.record
    gateway = record.get("gateway") or record.get("proof_gateway")
    if entry.product != "sg" or not gateway:
        return None
    api = get_app().client("sg")
    api.forget_gateway_token(str(gateway))
    token, _ = api.gateway_token(str(gateway))
    api.use_gateway_token(str(gateway), token)
    api.get_gateway(str(gateway))  # proves it
    return deliver(entry, token, profile, None)
