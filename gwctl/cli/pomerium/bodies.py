"""Request bodies of the hand-written `gwctl pomerium` commands: --from-file with flags on
top, checked by a write model before anything is sent."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from gwctl.cli.input import read_body_file, validate_body
from gwctl.errors import UsageError


def merged_body(from_file: Optional[str], flags: dict[str, Any], strip: Sequence[str] = ()) -> dict[str, Any]:
    """--from-file (minus read-only fields) with the given flags on top."""
    body: dict[str, Any] = {}
    if from_file is not None:
        loaded = read_body_file(from_file)
        if not isinstance(loaded, dict):
            raise UsageError(f"invalid --from-file: expected an object, got {type(loaded).__name__}")
        body = {k: v for k, v in loaded.items() if k not in strip}
    body.update({k: v for k, v in flags.items() if v is not None})
    return body


def body_from(model: Any, from_file: Optional[str], flags: dict[str, Any], *,
              flag_names: dict[str, str] | None = None, strip: Sequence[str] = ()) -> dict[str, Any]:
    """The request body: --from-file with flags on top, validated by ``model`` before anything
    is sent. Errors name the flag when a flag supplied the field."""
    body = merged_body(from_file, flags, strip)
    return validate(model, body, "--from-file" if from_file is not None else "options", flag_names or {},
                    {k for k, v in flags.items() if v is not None})


def validate(model: Any, body: Any, source: str, flag_names: dict[str, str], from_flags: Any = frozenset()) -> dict:
    return validate_body(model, body, source, flag_names, from_flags)


def parse_json_option(value: Optional[str], flag: str) -> Any:
    """A flag's JSON (or YAML) value."""
    from gwctl.resources.values import parse_json_value

    return None if value is None else parse_json_value(value, flag)
