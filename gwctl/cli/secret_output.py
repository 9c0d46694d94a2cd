"""Printing a secret once, or writing it to --out (0600, atomic) and printing only metadata."""

from __future__ import annotations

import os

from typing import TYPE_CHECKING, Any, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.errors import GwctlError, UsageError

if TYPE_CHECKING:
    from pathlib import Path


def write_secret_file(path: Path, secret: str, flag: str = "--out") -> None:
    """Write a secret atomically with mode 0600; refuse a directory."""
    write_out_file(path, secret if secret.endswith("\n") else secret + "\n", flag)


def write_out_file(path: Path, data: bytes | str, flag: str = "--out") -> None:
    """Write ``data`` atomically with mode 0600; any failure is a usage error naming ``flag``."""
    from gwctl.config.files import write_private

    check_out(path, flag)
    try:
        write_private(os.path.expanduser(path), data)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot write {flag} {path}: {_reason(exc)}") from None


def emit_secret(record: dict[str, Any], secret_key: str, out: Path | None, columns: Sequence[Column] | None = None,
                label: str = "secret") -> None:
    """Print a record holding a secret, or write the secret to --out and print only metadata."""
    app = get_app()
    if out is None:
        emit(record, columns)
        return
    secret = record.get(secret_key)
    if not secret:
        raise GwctlError(f"the response held no {label} to write")
    write_secret_file(out, str(secret))
    meta = {k: v for k, v in record.items() if k != secret_key}
    meta["written_to"] = str(out)
    app.err(f"wrote the {label} to {out} (mode 0600)")
    kept = [c for c in columns or () if c.value(record) != secret]
    emit(meta, [*kept, Column("written-to", "written_to")] if columns else None)


NAME_MAX = 255  # bytes in one path component (Linux, macOS)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def check_out(out: Path | str | None, flag: str = "--out") -> None:
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


def _probe_writable(parent: str, out: Path | str, flag: str) -> None:
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
