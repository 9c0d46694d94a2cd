"""Typer-free helpers shared by commands: input files, labels, confirmation, bulk, secrets."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.errors import GwctlError, PartialFailure, UsageError

if TYPE_CHECKING:
    from pathlib import Path


def limit_of(limit: int, all_: bool) -> int | None:
    return None if all_ else limit


def parse_labels(values: Sequence[str] | None, flag: str = "--label") -> dict[str, str]:
    labels: dict[str, str] = {}
    for raw in values or ():
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"invalid {flag} {raw!r}: expected KEY=VALUE")
        labels[key.strip()] = value
    return labels


def read_body_file(path: str | None, flag: str = "--from-file") -> Any:
    """Parse a JSON or YAML request body from FILE or - (stdin)."""
    if path is None:
        return None
    text = read_text(path, f"{flag} {path}")
    try:
        return json.loads(text)
    except ValueError:
        pass
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise UsageError(f"{flag} {path} is neither valid JSON nor YAML{where}") from None


def read_text(path: str, what: str) -> str:
    """A non-empty text file, or stdin for -; ``what`` names it in errors (e.g. "--source x.lua")."""
    from pathlib import Path

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {what}: {exc.strerror}") from None
    if not text.strip():
        raise UsageError(f"{what} is empty")
    return text


def validate_body(model: Any, body: Any, flag: str = "--from-file") -> dict[str, Any]:
    """Check `body` against a pydantic write model; exit 2 naming the field."""
    from pydantic import ValidationError

    if not isinstance(body, dict):
        raise UsageError(f"{flag}: expected an object, got {type(body).__name__}")
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "(body)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UsageError(f"invalid {flag}: field '{field}': {first.get('msg')}{more}") from None
    return parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)


def read_ids(ids: Sequence[str]) -> list[str]:
    """IDs from the arguments, with `-` meaning one ID per line on stdin."""
    out: list[str] = []
    for value in ids:
        if value == "-":
            out.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            out.append(value)
    if not out:
        raise UsageError("no IDs given")
    return list(dict.fromkeys(out))


def confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; without one, insist on --yes (exit 2)."""
    if yes:
        return
    app = get_app()
    if not app.can_prompt:
        raise UsageError(f"{question.rstrip('?')}: confirmation required; re-run with --yes")
    import click

    if not click.confirm(question, default=False, err=True):
        from gwctl.errors import Cancelled

        raise Cancelled("cancelled; nothing was changed")


def ItemResult(item_id: str, ok: bool, error: str | None = None, exit_code: int | None = None) -> dict[str, Any]:
    """The per-item record of a bulk operation (also its JSON output)."""
    return {"id": item_id, "ok": ok, "error": error, "exit_code": exit_code}


def run_bulk(
    ids: Sequence[str],
    action: Callable[[str], Any],
    *,
    verb: str,
    noun: str,
    concurrency: int = 4,
) -> list[dict[str, Any]]:
    """Apply `action` to every ID with bounded parallelism and report per item.

    One ID behaves like a plain command (its error propagates with its own exit
    code); several IDs report each result and exit 10 if any failed.
    """
    from gwctl.main import exit_code_for

    app = get_app()
    if len(ids) == 1:
        action(ids[0])
        results = [ItemResult(ids[0], True)]
    else:
        def attempt(item_id: str) -> dict[str, Any]:
            try:
                action(item_id)
                return ItemResult(item_id, True)
            except GwctlError as exc:
                return ItemResult(item_id, False, exc.message, exit_code_for(exc))

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(concurrency, len(ids))) as pool:
            results = list(pool.map(attempt, ids))
    for result in results:
        if result["ok"]:
            app.err(f"{verb} {noun} {result['id']}")
        else:
            app.err(f"failed: {noun} {result['id']}: {result['error']}")
    if app.machine_output:
        emit(results)
    failed = [r["id"] for r in results if not r["ok"]]
    if failed:
        raise PartialFailure(f"{len(failed)} of {len(results)} {noun}s failed: {', '.join(failed)}")
    return results


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


def iter_lines(items: Iterable[str]) -> Iterable[str]:
    return (i for i in items if i)


class explain:
    """Turn an API error status into a precise message for this command.

        with explain({429: "the task has used all its tokens"}):
            client.request_token(...)
    """

    def __init__(self, messages: dict[int, str], hints: dict[int, str] | None = None,
                 when: Callable[[Any], bool] | None = None) -> None:
        self.messages = messages
        self.hints = hints or {}
        # Optional test on the ApiError: e.g. only the product's own error bodies, not a proxy's 503 page.
        self.when = when

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        from gwctl.errors import ApiError

        if isinstance(exc, ApiError) and exc.http_status in self.messages and (self.when is None or self.when(exc)):
            detail = exc.message.split(": ", 2)[-1] if exc.message else ""
            text = self.messages[exc.http_status]
            exc.message = f"{text} (server said: {detail})" if detail and detail not in text else text
            exc.args = (exc.message,)
            if exc.http_status in self.hints:
                exc.hint = self.hints[exc.http_status]
        return False
