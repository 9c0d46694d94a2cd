"""Reading what the user gives: labels, request bodies from files or stdin, IDs, write-model validation."""

from __future__ import annotations

import json
import sys
from typing import Any, Sequence

from gwctl.errors import UsageError


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
