"""Files `gwctl sg` reads and writes: exports (.gateway, .destination, service.config), cert downloads,
and files to upload. Exports can hold private keys, so they are written 0600."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gwctl.cli.context import get_app
from gwctl.errors import UsageError


def write_file(path: Path, data: bytes | str) -> None:
    """Write an export or a download 0600 atomically."""
    from gwctl.cli.secret_output import write_out_file

    write_out_file(path, data)


def emit_document(body: Any, out: Path | None, what: str) -> None:
    """An exported file: to --out (0600) or to stdout as JSON, whatever -o says (it is a file)."""
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    write_file(out, text)
    get_app().err(f"wrote {what} to {out} (mode 0600)")


def read_local_file(path: str, flag: str) -> tuple[str, bytes]:
    """(file name, bytes) of FILE or - (stdin); exit 2 if unreadable or empty."""
    if path == "-":
        from gwctl.resources.values import stdin_text

        data = stdin_text(flag).encode()
        name = "stdin"
    else:
        target = Path(path).expanduser()
        try:
            data = target.read_bytes()
        except IsADirectoryError:
            raise UsageError(f"cannot read {flag} {path}: is a directory") from None
        except OSError as exc:
            raise UsageError(f"cannot read {flag} {path}: {exc.strerror}") from None
        name = target.name
    if not data.strip():
        raise UsageError(f"{flag} {path} is empty")
    return name, data


def read_json_file(path: str, flag: str) -> tuple[str, bytes, Any]:
    name, data = read_local_file(path, flag)
    from gwctl.resources.values import parse_json

    parsed = parse_json(data, f"{flag} {path} is not a JSON export file", f"{flag} {path}")
    if not isinstance(parsed, dict):
        raise UsageError(f"{flag} {path}: expected a JSON object")
    return name, data, parsed
