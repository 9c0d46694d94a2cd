"""Printing an answer that holds a secret (a cluster, service account or refresh token) once,
or writing the secret to --out (0600) and printing the rest."""

from __future__ import annotations

import json
from typing import Any, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit


def emit_secret_record(record: dict, secret_path: Sequence[str], out: Any, columns: Sequence[Column],
                       label: str) -> None:
    """Print a record holding a secret (possibly nested), or write the secret to --out
    (0600, atomic) and print the record without it."""
    from gwctl.cli.secret_output import write_secret_file
    from gwctl.errors import ServerError

    app = get_app()
    if out is None:
        emit(record, columns)
        return
    holder: Any = record
    for key in secret_path[:-1]:
        holder = holder.get(key) if isinstance(holder, dict) else None
    secret = holder.get(secret_path[-1]) if isinstance(holder, dict) else None
    if not secret:
        raise ServerError(f"the server's answer held no {label} to write")
    write_secret_file(out, str(secret))
    meta = json.loads(json.dumps(record))
    target = meta
    for key in secret_path[:-1]:
        target = target[key]
    del target[secret_path[-1]]
    meta["written_to"] = str(out)
    app.err(f"wrote the {label} to {out} (mode 0600)")
    dotted = ".".join(secret_path)
    kept = [c for c in columns if c.path not in (dotted, secret_path[-1])]
    emit(meta, kept + [Column("written-to", "written_to")] if kept else None)
