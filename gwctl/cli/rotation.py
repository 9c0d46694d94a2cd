"""The one rotation flow: replacing a secret without ever losing the new one.

Every command that mints a new secret and kills (or deletes) the old one follows it:

1. per-profile lock (`rotation_lock`): a second rotation of the same profile waits up to
   LOCK_WAIT seconds, saying so, then exits 2; nothing was sent;
2. confirmation (the caller, with `gwctl.cli.flows.confirm_change`) and every check that can
   fail without a request (`check_out`, the recovery directory) before anything is minted;
3. mint (`Rotation.mint`): the client call is never resent once the server may have acted;
4. the new secret goes to a 0600 recovery file first (atomic), so a crash, a kill or a
   failing store loses nothing;
5. store it (credential store, token cache, --out FILE, or stdout when printing it is the
   command's purpose), read it back and prove it (an authenticated call) where possible;
6. revoke the old one where the API has a separate revoke (the caller);
7. remove the recovery file (`Rotation.secured`, or on leaving the block without error).

A failure after the mint keeps the recovery file and exits non-zero with one line naming it;
the secret itself never goes to stderr.

    with rotation_lock("pomerium", profile.name):
        with Rotation("pomerium", profile.name, "refresh token of API user u1", hint=...) as rot:
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
from typing import Any, Callable, Iterator, Optional, Tuple, TypeVar

from gwctl.cli.context import get_app
from gwctl.cli.secret_output import check_out  # noqa: F401 - rotations check --out first
from gwctl.errors import (
    Cancelled,
    GwctlError,
    NetworkError,
    SecretStorageError,
    ServerError,
    TimeoutError_,
    UsageError,
)

T = TypeVar("T")

LOCK_WAIT = 60.0  # seconds a second rotation of the same profile waits for the first
RECOVERY_HINT = "use it from there, then delete the file"


# -- the lock -------------------------------------------------------------------------------------


def lock_path(product: str, profile: str) -> str:
    """One lock per profile for every product's rotations: STATE_DIR/locks/rotate-PRODUCT-PROFILE."""
    from gwctl.config.paths import state_dir

    return os.path.join(state_dir(), "locks", f"rotate-{product}-{profile}")


@contextlib.contextmanager
def rotation_lock(product: str, profile: str, wait: Optional[float] = None) -> Iterator[str]:
    """Hold the profile's rotation lock; wait for another rotation (saying so) up to `wait` seconds."""
    from filelock import FileLock, Timeout

    from gwctl.config.files import ensure_parent

    path = lock_path(product, profile)
    ensure_parent(path)
    lock = FileLock(path + ".lock", mode=0o600)
    wait = LOCK_WAIT if wait is None else wait
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if wait <= 0:
            raise _busy(profile, path) from None
        get_app().err(f"waiting up to {wait:g}s for another rotation of profile {profile} to finish (lock {path})")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise _busy(profile, path) from None
    try:
        yield path
    finally:
        lock.release()


def _busy(profile: str, path: str) -> UsageError:
    return UsageError(f"another rotation of profile {profile} is running (lock {path}); nothing was changed",
                      hint="try again when it has finished")


# -- checks before anything is minted ---------------------------------------------------------------


def recovery_dir() -> str:
    from gwctl.config.paths import state_dir

    return os.path.join(state_dir(), "recovery")


def _check_recovery_dir() -> None:
    path = recovery_dir()
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise SecretStorageError(f"cannot create the recovery directory {path}: {exc.strerror}; nothing was changed",
                                 hint="set GWCTL_STATE_DIR to a writable directory") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise SecretStorageError(f"the recovery directory {path} is not writable; nothing was changed",
                                 hint="set GWCTL_STATE_DIR to a writable directory")


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
    """One rotation: the mint, the recovery file, the failure that names it. Use as a context manager."""

    def __init__(self, product: str, profile: str, label: str, *, slug: str = "secret",
                 hint: Optional[str] = None) -> None:
        self.product = product
        self.profile = profile
        self.label = label  # what the secret is: "refresh token of API user u1"
        self.slug = slug  # for the recovery file name: "refresh-token"
        self.hint = hint  # how to use the recovery file; "{file}" is replaced by its path
        self.recovery: Optional[str] = None
        self._secret: Optional[str] = None  # set between the mint and `secured`
        self._step = "store"
        self._recovery_error: Optional[str] = None

    # -- steps --------------------------------------------------------------------------------------

    def __enter__(self) -> "Rotation":
        _check_recovery_dir()
        return self

    def mint(self, call: Callable[[], Tuple[str, T]]) -> Tuple[str, T]:
        """Run the call that issues the new secret; write it to the recovery file before anything else."""
        try:
            secret, answer = call()
        except (ServerError, NetworkError, TimeoutError_) as exc:
            # The server may have acted before it failed: say so, never resend.
            if not exc.hint or "may have been applied" not in exc.hint:
                exc.hint = (f"{exc.hint}; " if exc.hint else "") + (
                    f"the server may have replaced the {self.label} anyway: check whether the old one still works "
                    "before trying again")
            raise
        if not secret:
            raise ServerError(f"the server answered without the new {self.label}")
        self._secret = str(secret)
        self._save()
        return self._secret, answer

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Name what is being done with the new secret ("store", "write", "verify", "print") for the error."""
        previous, self._step = self._step, name
        yield  # on an exception the step stays named for the error
        self._step = previous

    def secured(self) -> None:
        """The new secret is stored (and proven): the recovery file goes."""
        if self.recovery is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.recovery)
        self.recovery = None
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

    def _save(self) -> None:
        import time

        from gwctl.config.files import write_private

        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        base = os.path.join(recovery_dir(), f"{self.product}-{self.profile}-{self.slug}-{stamp}")
        path, n = base + ".txt", 1
        while os.path.exists(path):
            n += 1
            path = f"{base}-{n}.txt"
        try:
            write_private(path, self._secret + "\n")
        except OSError as exc:
            self._recovery_error = exc.strerror or type(exc).__name__
            get_app().warn(f"could not write the recovery file {path} ({self._recovery_error}); "
                           "storing the new secret all the same")
            return
        self.recovery = path

    def _failure(self, exc: Exception) -> GwctlError:
        reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        head = f"could not {self._step} the new {self.label}: {reason}"
        if self.recovery is not None:
            message = f"{head}; it is saved in {self.recovery}"
            hint = (self.hint or RECOVERY_HINT).replace("{file}", self.recovery)
        else:
            # Last resort, the old secret being dead: the new one on stdout (never stderr) beats losing it.
            get_app().out(str(self._secret))
            message = f"{head}; no recovery file could be written ({self._recovery_error}): the new secret is on stdout"
            hint = "store it now: it is not kept anywhere else"
        cls = type(exc) if isinstance(exc, GwctlError) and not isinstance(exc, (UsageError, Cancelled)) \
            else SecretStorageError
        try:
            return cls(message, hint=hint)
        except TypeError:
            return SecretStorageError(message, hint=hint)
