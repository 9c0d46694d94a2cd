"""Atomic, locked, private file writes: nothing a user stored is ever half-written."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

from gwctl.errors import ConfigError, GwctlError, UsageError


def ensure_parent(path: str | os.PathLike) -> str:
    """The directory of ``path``, created (with any missing ancestors) 0700."""
    parent = os.path.dirname(os.path.abspath(path))
    make_private_dirs(parent)
    return parent


def make_private_dirs(path: str) -> None:
    """os.makedirs, but every directory it creates is 0700 (makedirs gives the ancestors the umask's mode)."""
    missing = []
    while path and not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, 0o700)
        except FileExistsError:
            if not os.path.isdir(directory):
                raise
        else:
            os.chmod(directory, 0o700)  # whatever the umask


def write_private(path: str | os.PathLike, data: bytes | str) -> None:
    """Write `data` to `path` atomically with mode 0600 (temp file + fsync + rename)."""
    import tempfile

    parent = ensure_parent(path)

    if isinstance(data, str):
        data = data.encode()
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(path: str | os.PathLike, timeout: float = 10.0) -> Iterator[None]:
    """Hold an exclusive lock on `path`.lock (one writer at a time, across processes)."""
    from filelock import FileLock, Timeout

    try:
        ensure_parent(path)
    except OSError as exc:
        raise ConfigError(f"cannot create the directory of {path}: {exc.strerror or exc}") from None
    lock = FileLock(os.fspath(path) + ".lock", timeout=timeout, mode=0o600)
    try:
        lock.acquire()
    except Timeout:
        raise ConfigError(f"{path} is locked by another gwctl process; try again") from None
    except OSError as exc:
        raise ConfigError(f"cannot lock {path}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


def read_json(path: str | os.PathLike, error: type[GwctlError] = ConfigError,
              hint: str | None = None) -> dict[str, Any]:
    """The JSON object in ``path`` ({} when it does not exist); anything else raises ``error`` naming
    the file (unreadable, not UTF-8, not JSON, nested too deep, not an object)."""
    try:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise error(f"{path} is not UTF-8 text", hint=hint) from None
    except OSError as exc:
        raise error(f"cannot read {path}: {exc.strerror or exc}", hint=hint) from None
    try:
        import json

        data = json.loads(raw) if raw.strip() else {}
    except RecursionError:
        raise error(f"{path} is not valid JSON: nested too deep", hint=hint) from None
    except ValueError as exc:
        raise error(f"{path} is not valid JSON: {exc}", hint=hint) from None
    if not isinstance(data, dict):
        raise error(f"{path} must hold a JSON object", hint=hint)
    return data


def update_json(path: str | os.PathLike, change, error: type[GwctlError] = ConfigError,
                hint: str | None = None) -> dict[str, Any]:
    """Read-modify-write `path` under its lock; `change(data)` mutates in place."""
    with locked(path):
        data = read_json(path, error, hint)
        change(data)
        import json

        try:
            write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
        except OSError as exc:
            raise error(f"cannot write {path}: {exc.strerror or exc}", hint=hint) from None
        return data


# -- a file the user names for gwctl to write (--out) ----------------------------------------------

NAME_MAX = 255  # bytes in one path component (Linux, macOS)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def check_target(out: str | os.PathLike | None, flag: str = "--out") -> None:
    """Fail (exit 2) before any request when ``flag`` cannot be written: a bad name, a directory,
    a dangling symlink, or a parent directory that is missing or not writable."""
    if out is None:
        return
    raw = os.fspath(out)
    if not raw.strip():
        raise UsageError(f"{flag} is empty: give a file name")
    if "\0" in raw:
        raise UsageError(f"invalid {flag}: the file name holds a NUL byte")
    try:
        encoded = os.fsencode(raw)
    except UnicodeError:
        raise UsageError(f"invalid {flag}: the file name is not valid UTF-8") from None
    target = os.path.expanduser(raw)
    long_part = next((part for part in encoded.split(b"/") if len(part) > NAME_MAX), None)
    if long_part is not None:
        raise UsageError(f"invalid {flag}: a file name is {len(long_part)} bytes long (at most {NAME_MAX})")
    if len(encoded) >= 4096:
        raise UsageError(f"invalid {flag}: the path is {len(encoded)} bytes long (at most 4095)")
    if os.path.isdir(target):
        raise UsageError(f"{flag} {out} is a directory")
    if os.path.islink(target) and not os.path.exists(target):
        raise UsageError(f"{flag} {out} is a symlink to a file that does not exist",
                         hint="remove the link or give another file name")
    if os.path.exists(target) and not os.path.isfile(target):
        raise UsageError(f"{flag} {out} is not a regular file")
    parent = os.path.dirname(os.path.abspath(target))
    existing = parent
    while not os.path.exists(existing) and existing != os.path.dirname(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise UsageError(f"{flag} {out}: {existing} is not a directory")
    if existing != parent:
        raise UsageError(f"{flag} {out}: the directory {parent} does not exist", hint="create it first")
    _probe_writable(parent, out, flag)


def _probe_writable(parent: str, out: str | os.PathLike, flag: str) -> None:
    """Create and remove a temporary file where ``out`` goes: the one test that is right for root,
    read-only mounts and ACLs alike."""
    import tempfile

    try:
        fd, probe = tempfile.mkstemp(dir=parent, prefix=".gwctl-probe.")
    except OSError as exc:
        raise UsageError(f"{flag} {out}: cannot write in {parent}: {_reason(exc)}") from None
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass
