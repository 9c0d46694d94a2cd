"""`gwctl api7 audit-logs`: who did what, when; list, event types, streaming export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from gwctl.cli.options import AllOpt, LimitOpt, DEFAULT_LIMIT, product_app
from gwctl.cli.api7.options import DirectionOpt
from gwctl.cli.render import Column, cols
from gwctl.cli.api7.calls import client, list_params, show_items, show_list
from gwctl.resources.api7_fields import ts
from gwctl.cli.context import get_app
from gwctl.errors import UsageError

app = product_app("audit-logs", "Audit logs of dashboard and API operations.")

COLUMNS = (ts("time", "event_time"), *cols("event_type", Column("operator", "operator.username"), "source",
                                           "resource_id", Column("status", "http_response.status_code"),
                                           Column("error", "error_message"), "id"),
           Column("method", "http_request.method", default=False), Column("uri", "http_request.uri", default=False),
           Column("token_name", "token_name", default=False), Column("ip_address", "ip_address", default=False))
EVENT_COLUMNS = cols("key", "name")
EventTypeOpt = Annotated[Optional[str], typer.Option("--event-type", "-e", metavar="TYPE", help="Only this event type (see `audit-logs event-types`).")]
OperatorOpt = Annotated[Optional[str], typer.Option("--operator", metavar="USER", help="Only operations by this user (ID or username).")]
ResourceOpt = Annotated[Optional[str], typer.Option("--resource", metavar="ID", help="Only operations on this object ID.")]
FromOpt = Annotated[Optional[str], typer.Option("--from", metavar="TIME", help="Not before TIME (YYYY-MM-DD, ISO time or Unix seconds; UTC).")]
ToOpt = Annotated[Optional[str], typer.Option("--to", metavar="TIME", help="Not after TIME (YYYY-MM-DD, ISO time or Unix seconds; UTC).")]


def _filters(event_type, operator, resource, from_, to) -> dict:
    from gwctl.cli.api7.instances import _epoch

    start = _epoch(from_, "--from") if from_ else None
    end = _epoch(to, "--to") if to else None
    if start is not None and end is not None and end < start:
        raise UsageError("--to is before --from")
    operator_id = None
    if operator:
        from gwctl.cli.api7.calls import resolve
        from gwctl.resources import resource

        operator_id = resolve(resource("api7", "users"), operator)
    return {"event_type": event_type, "operator_id": operator_id, "resource_id": resource, "start_at": start,
            "end_at": end}


@app.command("list")
def list_(event_type: EventTypeOpt = None, operator: OperatorOpt = None, resource: ResourceOpt = None,
          from_: FromOpt = None, to: ToOpt = None, limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False,
          direction: DirectionOpt = None) -> None:
    """List audit log entries, newest first (GET /api/audit_logs).

    Example: gwctl api7 audit-logs list --operator alice --from 2026-01-01 --event-type delete_user
    """
    params = list_params(None, None, None, direction, **_filters(event_type, operator, resource, from_, to))
    show_list("/api/audit_logs", COLUMNS, params, limit, all_)


@app.command("event-types")
def event_types(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the event types audit logs record (GET /api/audit_logs/event_types).

    Example: gwctl api7 audit-logs event-types --all
    """
    show_items(client().items("/api/audit_logs/event_types"), EVENT_COLUMNS, limit, all_)


@app.command("export")
def export(format_: Annotated[str, typer.Option("--format", metavar="json|csv", help="File format.")] = "json",
           out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the export to FILE (else stdout).")] = None,
           event_type: EventTypeOpt = None, operator: OperatorOpt = None, resource: ResourceOpt = None,
           from_: FromOpt = None, to: ToOpt = None) -> None:
    """Export audit logs as JSON or CSV, streamed to FILE or stdout (GET /api/audit_logs/export).

    Memory stays flat however large the export; a progress line is shown on a terminal.
    Example: gwctl api7 audit-logs export --format csv --from 2026-01-01 --out audit.csv
    """
    import os
    import sys
    import tempfile

    if format_ not in ("json", "csv"):
        raise UsageError(f"invalid --format {format_!r}: choose json or csv")
    from gwctl.cli.secret_output import check_out

    check_out(out)
    params = {"format": format_, **_filters(event_type, operator, resource, from_, to)}
    app = get_app()
    progress = None
    if app.stderr_tty:
        def progress(total: int) -> None:
            sys.stderr.write(f"\rexporting audit logs: {_size(total)}")
            sys.stderr.flush()

    api = client()
    if out is None:
        sink = getattr(sys.stdout, "buffer", None)
        write = sink.write if sink is not None else (lambda chunk: sys.stdout.write(chunk.decode("utf-8", "replace")))
        total = api.stream("/api/audit_logs/export", params, write, progress)
        sys.stdout.flush()
        if progress is not None:
            sys.stderr.write("\n")
        return
    target = out.expanduser()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent.resolve()))
    except OSError as exc:
        raise UsageError(f"cannot write --out {out}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            total = api.stream("/api/audit_logs/export", params, handle.write, progress)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if progress is not None:
        sys.stderr.write("\n")
    app.err(f"wrote {total} bytes to {out}")


def _size(n: int) -> str:
    from gwctl.cli.render import human_bytes

    return human_bytes(n)
