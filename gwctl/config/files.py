"""Atomic, locked, private file writes: nothing a user stored is ever half-written."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator

from gwctl.errors import ConfigError, GwctlError


def ensure_parent(path: str | os.PathLike) -> str:
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, mode=0o700, exist_ok=True)
    return parent


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
