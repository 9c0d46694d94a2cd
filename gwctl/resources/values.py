"""Value parsers that declarations use in Field.transform: files, stdin, durations.

Pure (no CLI imports), so declarations and commands share one implementation.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Iterable

from gwctl.errors import UsageError


MAX_DURATION = 100 * 365 * 86400  # a duration flag's ceiling: beyond it, "never" is what is meant
MAX_DEPTH = 64  # nesting of a JSON/YAML document; real request bodies stay far below


def read_text(path: str, what: str) -> str:
    """A non-empty UTF-8 text file, or stdin for -; ``what`` names it in errors (e.g. "--source x.lua")."""
    if path == "-":
        text = stdin_text(what)
    else:
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise UsageError(f"cannot read {what}: {exc.strerror or exc}") from None
        except ValueError:  # a NUL byte in the name, or bytes that are not UTF-8
            raise UsageError(f"{what} is not a UTF-8 text file" if path and "\0" not in path
                             else f"cannot read {what}: invalid file name") from None
    if not text.strip():
        raise UsageError(f"{what} is empty")
    return text


def stdin_text(what: str = "stdin") -> str:
    """All of stdin as text; exit 2 when it is not UTF-8."""
    try:
        text = sys.stdin.read()
    except UnicodeDecodeError:
        raise UsageError(f"{what}: stdin is not UTF-8 text") from None
    except OSError as exc:
        raise UsageError(f"cannot read {what} from stdin: {exc.strerror or exc}") from None
    return check_text(text, what)


def check_text(text: str, what: str) -> str:
    """``text`` as given, or exit 2 when it holds what UTF-8 cannot carry (a lone surrogate, or
    undecodable bytes that Python kept as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(f"{what} holds a character that is not valid UTF-8 "
                         f"(position {exc.start}: {text[exc.start]!a})") from None
    return text


def check_document(value: Any, what: str, max_depth: int = MAX_DEPTH) -> Any:
    """A parsed JSON/YAML value, or exit 2 when it nests deeper than ``max_depth`` or holds a string
    (key or value) that is not valid UTF-8. Iterative: a deep document cannot exhaust the stack."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, depth, where = stack.pop()
        if isinstance(item, (dict, list)):
            if depth >= max_depth:
                raise UsageError(f"{what} is nested deeper than {max_depth} levels",
                                 hint="flatten the document; a request body never needs that depth")
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                path = f"{where}.{key}" if where else str(key)
                if isinstance(key, str):
                    check_text(key, f"{what} (a key at '{where or '(top)'}')")
                stack.append((child, depth + 1, path))
        elif isinstance(item, str):
            check_text(item, f"{what} (field '{where or '(top)'}')")
    return value


def parse_json(text: str | bytes, problem: str, what: str | None = None) -> Any:
    """JSON text -> value; exit 2 saying ``problem`` when it is not JSON, and (naming ``what``)
    when it nests too deep or holds a lone surrogate."""
    import json

    try:
        value = json.loads(text)
    except RecursionError:
        raise UsageError(f"{what or problem}: nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # UnicodeDecodeError included
        raise UsageError(problem) from None
    return check_document(value, what or problem)


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
    if len(raw) > 32:
        raise UsageError(f"invalid {flag}: use e.g. 90d, 12h, 30m, 3600s or never")
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
    if value * units[unit] > MAX_DURATION:
        raise UsageError(f"invalid {flag} {text!r}: at most 100y (or never)")
    return value * units[unit]


def expires_at(text: str | None, flag: str = "--expires-in") -> int | None:
    """A duration from now as a Unix time (0: never)."""
    if text is None:
        return None
    seconds = parse_duration(text, flag)
    return 0 if seconds == 0 else int(time.time()) + seconds


def load_json_or_yaml(text: str, problem: str, what: str | None = None) -> Any:
    """JSON, else YAML; else a UsageError saying ``problem`` (with the YAML line). A document nested
    deeper than MAX_DEPTH or holding a lone surrogate is refused too, naming ``what``."""
    import json

    what = what or problem.removesuffix(" is neither valid JSON nor YAML")
    deep = UsageError(f"{what}: nested deeper than {MAX_DEPTH} levels",
                      hint="flatten the document; a request body never needs that depth")
    try:
        return check_document(json.loads(text), what)
    except RecursionError:
        raise deep from None
    except ValueError:
        pass
    import yaml

    try:
        value = yaml.safe_load(text)
    except RecursionError:
        raise deep from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise UsageError(f"{problem}{where}") from None
    return check_document(value, what)


def parse_json_value(text: str, flag: str) -> Any:
    """A flag's JSON (or YAML) value."""
    return load_json_or_yaml(text, f"invalid {flag}: neither JSON nor YAML", f"invalid {flag}")


def parse_plugins(values: Iterable[str], flag: str = "--plugin") -> dict[str, Any]:
    """NAME or NAME=JSON (repeatable) -> {name: config}."""
    out: dict[str, Any] = {}
    for raw in values:
        name, sep, conf = raw.partition("=")
        if not name.strip():
            raise UsageError(f"invalid {flag} {raw!r}: expected NAME or NAME=JSON")
        config = parse_json(conf, f"invalid {flag} {raw!r}: the config is not valid JSON", f"{flag} {name}") \
            if sep else {}
        if not isinstance(config, dict):
            raise UsageError(f"invalid {flag} {raw!r}: the config must be a JSON object")
        out[name.strip()] = config
    return out
