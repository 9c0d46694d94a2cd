"""Atomic, locked, private file writes: nothing a user stored is ever half-written."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from gwctl.errors import ConfigError


def write_private(path: Path, data: bytes | str) -> None:
    """Write `data` to `path` atomically with mode 0600 (temp file + fsync + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if isinstance(data, str):
        data = data.encode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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
def locked(path: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold an exclusive lock on `path`.lock (one writer at a time, across processes)."""
    from filelock import FileLock, Timeout

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock = FileLock(str(path) + ".lock", timeout=timeout, mode=0o600)
    try:
        with lock:
            yield
    except Timeout:
        raise ConfigError(f"{path} is locked by another gwctl process; try again") from None


def read_json(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_text()
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(raw) if raw.strip() else {}
    except ValueError as exc:
        raise ConfigError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a JSON object")
    return data


def update_json(path: Path, change) -> dict[str, Any]:
    """Read-modify-write `path` under its lock; `change(data)` mutates in place."""
    with locked(path):
        data = read_json(path)
        change(data)
        write_private(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
        return data
