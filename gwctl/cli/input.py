"""Reading what the user gives: labels, request bodies from files or stdin, IDs, write-model validation."""

from __future__ import annotations

from typing import Any, Sequence

from gwctl.errors import UsageError
from gwctl.resources.values import read_text  # noqa: F401 - one reader of text files and stdin


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
    from gwctl.resources.values import load_json_or_yaml

    return load_json_or_yaml(read_text(path, f"{flag} {path}"), f"{flag} {path} is neither valid JSON nor YAML")


JSON_PATCH_OPS = ("add", "remove", "replace", "move", "copy", "test")


def read_json_patch(path: str, flag: str = "--from-file") -> list[dict[str, Any]]:
    """An RFC 6902 JSON Patch document from FILE or - (stdin), checked before anything is sent."""
    document = read_body_file(path, flag)
    if not isinstance(document, list) or not document:
        raise UsageError(f"invalid {flag}: a JSON Patch document is a non-empty list of operations")
    for index, op in enumerate(document):
        where = f"invalid {flag}: operation {index}"
        if not isinstance(op, dict):
            raise UsageError(f"{where}: expected an object")
        if op.get("op") not in JSON_PATCH_OPS:
            raise UsageError(f"{where}: op must be one of {', '.join(JSON_PATCH_OPS)}")
        for key in ("path", "from") if op["op"] in ("move", "copy") else ("path",):
            if not isinstance(op.get(key), str) or not (op[key] == "" or op[key].startswith("/")):
                raise UsageError(f"{where}: {key} must be a JSON pointer like /name")
        if op["op"] in ("add", "replace", "test") and "value" not in op:
            raise UsageError(f"{where}: {op['op']} needs a value")
    return document


def validate_body(model: Any, body: Any, source: str = "--from-file", flag_names: dict[str, str] | None = None,
                  from_flags: Any = frozenset(), only: set[str] | None = None) -> dict[str, Any] | None:
    """Check ``body`` against a pydantic write model before anything is sent; exit 2 naming the
    flag (when a flag supplied the field, per ``flag_names``) or the field and ``source``.
    Returns the body as the model dumps it (aliases, only the fields that were set).
    With ``only`` (top-level keys), a partial body: only wrong values of those keys count, and
    nothing is returned."""
    flag_names = flag_names or {}
    if not isinstance(body, dict):
        raise UsageError(f"{source}: expected an object, got {type(body).__name__}")
    from pydantic import ValidationError

    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        errors = exc.errors()
        if only is not None:
            errors = [e for e in errors if e.get("type") != "missing" and _clean_loc(e)[:1]
                      and _clean_loc(e)[0] in only]
            if not errors:
                return None
        first = errors[0]
        loc = _clean_loc(first)
        field = ".".join(loc) or "(body)"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        message = _message(first)
        top = loc[0] if loc else ""
        if first.get("type") == "missing" and top in flag_names and source == "options" and len(loc) == 1:
            raise UsageError(f"missing {flag_names[top]}") from None
        if top in flag_names and (top in from_flags or source != "--from-file"):
            inner = ".".join(p for p in loc[1:] if not p.isdigit())  # e.g. the key inside --ppl
            where = f"field '{inner}': " if inner else ""
            raise UsageError(f"invalid {flag_names[top]}: {where}{message}{more}") from None
        if source == "options":
            raise UsageError(f"invalid request: field '{field}': {message}{more}",
                             hint="set it with --from-file FILE") from None
        raise UsageError(f"invalid {source}: field '{field}': {message}{more}") from None
    if only is not None:
        return None
    return parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _clean_loc(error: dict) -> list[str]:
    # Union branches and validators show up in loc ("function-after[...]", "PPLRule"): drop them.
    return [str(p) for p in error.get("loc", ()) if not (isinstance(p, str) and ("[" in p or p[:1].isupper()))]


PATTERN_MESSAGES = (
    ("://", "must be a URL like https://app.example.com"),
    ("(y|w|d|h|m|s|ms)", "must be a duration like 30s, 5m or 1h30m"),
    ("@", "must be an email address"),
    ("BEGIN CERTIFICATE", "must be a PEM certificate"),
    ("PRIVATE KEY", "must be a PEM private key"),
    ("[a-z0-9]([a-z0-9-]", "must be lowercase letters, digits and - (a DNS label)"),
    ("(/.*)?", "must be a JSON pointer starting with /"),
)


def _message(error: dict) -> str:
    if error.get("type") == "string_pattern_mismatch":
        pattern = str((error.get("ctx") or {}).get("pattern", ""))
        for needle, text in PATTERN_MESSAGES:
            if needle in pattern:
                return text
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


def read_ids(ids: Sequence[str]) -> list[str]:
    """IDs from the arguments, with `-` meaning one ID per line on stdin; each checked as a path
    segment ('.', '..', control characters) before anything is sent."""
    from gwctl.api.base import check_segment
    from gwctl.resources.values import stdin_text

    out: list[str] = []
    for value in ids:
        if value == "-":
            out.extend(line.strip() for line in stdin_text("IDs on stdin").splitlines() if line.strip())
        else:
            out.append(value)
    if not out:
        raise UsageError("no IDs given")
    for value in out:
        check_segment(value, "ID or name", slash=True)
    return list(dict.fromkeys(out))
