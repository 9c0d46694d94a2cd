"""Printing a secret once, or writing it to --out (0600, atomic) and printing only metadata."""

from __future__ import annotations

import os

from typing import TYPE_CHECKING, Any, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.errors import ServerError, UsageError

if TYPE_CHECKING:
    from pathlib import Path


def write_secret_file(path: Path, secret: str) -> None:
    """Write a secret atomically with mode 0600; refuse a directory."""
    from gwctl.config.files import write_private

    if path.is_dir():
        raise UsageError(f"--out {path} is a directory")
    try:
        write_private(path.expanduser(), secret if secret.endswith("\n") else secret + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write --out {path}: {exc.strerror}") from None


def emit_secret(record: dict[str, Any], secret_key: str, out: Path | None, columns: Sequence[Column] | None = None,
                label: str = "secret") -> None:
    """Print a record holding a secret, or write the secret to --out and print only metadata."""
    app = get_app()
    if out is None:
        secret = record.get(secret_key)
        # The secret's column stands on its own line on a terminal (see gwctl.columns: kind "secret").
        emit(record, [c.copy(kind="secret") if secret and c.value(record) == secret else c for c in columns]
             if columns else columns)
        return
    secret = record.get(secret_key)
    if not secret:
        raise ServerError(f"the server's answer held no {label} to write")
    write_secret_file(out, str(secret))
    meta = {k: v for k, v in record.items() if k != secret_key}
    meta["written_to"] = str(out)
    app.err(f"wrote the {label} to {out} (mode 0600)")
    kept = [c for c in columns or () if c.value(record) != secret]
    emit(meta, [*kept, Column("written-to", "written_to")] if columns else None)


def check_out(out: Path | None) -> None:
    """Fail before any request when --out cannot be written."""
    if out is None:
        return
    target = out.expanduser()
    if target.is_dir():
        raise UsageError(f"--out {out} is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    existing = parent
    while not existing.exists() and existing != existing.parent:  # missing directories get created
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UsageError(f"--out {out}: {existing} is not a directory")
    if existing.exists() and not os.access(existing, os.W_OK):
        raise UsageError(f"--out {out}: the directory {existing} is not writable")
