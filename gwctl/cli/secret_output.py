"""Printing a secret once, or writing it to --out (0600, atomic) and printing only metadata."""

from __future__ import annotations

import os

from typing import TYPE_CHECKING, Any, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.errors import ServerError, UsageError

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


def check_out(out: Path | str | None, flag: str = "--out") -> None:
    """Fail (exit 2) before any request when ``flag`` cannot be written (see check_target)."""
    from gwctl.config.files import check_target

    check_target(out, flag)


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)
