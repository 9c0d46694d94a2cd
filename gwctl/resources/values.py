"""Value parsers that declarations use in Field.transform: files, stdin, durations.

Pure (no CLI imports), so declarations and commands share one implementation.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Iterable

from gwctl.errors import UsageError


def read_text(path: str, what: str) -> str:
    """A non-empty text file, or stdin for -; ``what`` names it in errors (e.g. "--source x.lua")."""
    from pathlib import Path

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {what}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{what} is not a text file") from None
    if not text.strip():
        raise UsageError(f"{what} is empty")
    return text


def text_file(flag: str) -> Callable[[str], str]:
    """A flag naming a text file (- for stdin): its content goes into the body."""
    def read(path: str) -> str:
        return read_text(path, f"{flag} {path}")
    return read


def stdin_or(flag: str) -> Callable[[str], str]:
    """A credential flag's value; '-' reads it from the first line of stdin (keeps it out of shell history)."""
    def read(raw: str) -> str:
        if raw != "-":
            return raw
        value = sys.stdin.readline().strip()
        if not value:
            raise UsageError(f"{flag}: stdin was empty")
        return value
    return read


def parse_duration(text: str, flag: str = "--expires-in") -> int:
    """'90d', '12h', '30m', '3600s' or '3600' -> seconds; 'never' or '0' -> 0."""
    raw = text.strip().lower()
    if raw in ("never", "0"):
        return 0
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 365 * 86400}
    unit = raw[-1] if raw[-1:] in units else "s"
    number = raw[:-1] if raw[-1:] in units else raw
    try:
        value = int(number)
    except ValueError:
        raise UsageError(f"invalid {flag} {text!r}: use e.g. 90d, 12h, 30m, 3600s or never") from None
    if value <= 0:
        raise UsageError(f"invalid {flag} {text!r}: must be positive (or never)")
    return value * units[unit]


def expires_at(text: str | None, flag: str = "--expires-in") -> int | None:
    """A duration from now as a Unix time (0: never)."""
    if text is None:
        return None
    seconds = parse_duration(text, flag)
    return 0 if seconds == 0 else int(time.time()) + seconds


def load_json_or_yaml(text: str, problem: str) -> Any:
    """JSON, else YAML; else a UsageError saying ``problem`` (with the YAML line)."""
    import json

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
        raise UsageError(f"{problem}{where}") from None


def parse_json_value(text: str, flag: str) -> Any:
    """A flag's JSON (or YAML) value."""
    return load_json_or_yaml(text, f"invalid {flag}: neither JSON nor YAML")


def parse_plugins(values: Iterable[str], flag: str = "--plugin") -> dict[str, Any]:
    """NAME or NAME=JSON (repeatable) -> {name: config}."""
    import json

    out: dict[str, Any] = {}
    for raw in values:
        name, sep, conf = raw.partition("=")
        if not name.strip():
            raise UsageError(f"invalid {flag} {raw!r}: expected NAME or NAME=JSON")
        try:
            config = json.loads(conf) if sep else {}
        except ValueError:
            raise UsageError(f"invalid {flag} {raw!r}: the config is not valid JSON") from None
        if not isinstance(config, dict):
            raise UsageError(f"invalid {flag} {raw!r}: the config must be a JSON object")
        out[name.strip()] = config
    return out
