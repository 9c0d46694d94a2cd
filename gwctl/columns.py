"""Table columns: declared with each resource, drawn by gwctl.cli.render. Imports nothing heavy.

A column's ``kind`` says how a table treats it, the same way for every product:
- ``id``, ``name``: what users copy; never truncated (other columns shrink or wrap first);
- ``secret``: a secret the command prints on purpose; on a terminal it stands on its own line;
- ``timestamp``: ISO 8601 UTC (``2023-08-25T13:00:00Z``) whatever the API sent (JSON keeps the raw value);
- ``duration``: ``1d2h``, ``23m`` from seconds or a Go duration (``1h40m0s``);
- ``state``: coloured by meaning on a terminal (``states`` maps a value to a colour; else STATE_COLOURS).
Without a kind, a column on a key like ``createdAt``/``created_at``/``*_time`` is a timestamp, ``id``/``*-id`` ids, ``name``/``*-name``/``email`` names, ``token``/``jwt``
secrets.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone  # click imports it anyway; not in the per-cell path
from typing import Any, Callable

KINDS = ("id", "name", "secret", "timestamp", "duration", "state")


class Column:
    """One table column: `name` (or its header) is what --columns accepts; `path` a dotted key or a function."""

    __slots__ = ("name", "path", "header", "fmt", "default", "kind", "states", "_reader")

    def __init__(self, name: str, path: str | Callable[[Any], Any] = "", header: str = "",
                 fmt: Callable[[Any], str] | None = None, default: bool = True, kind: str | None = None,
                 states: dict[str, str] | None = None) -> None:
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown column kind {kind!r}")
        self.name = name
        self.path = path
        self.header = header
        self.fmt = fmt
        self.default = default
        self.kind = kind if kind is not None else _inferred_kind(name, path, states)
        self.states = states
        self._reader: Callable[[Any], str] | None = None

    def __repr__(self) -> str:
        return f"Column({self.name!r})"

    @property
    def title(self) -> str:
        return self.header or self.name.upper().replace("-", "_")

    @property
    def keep(self) -> bool:
        """Never truncated nor wrapped in a table."""
        return self.kind in ("id", "name", "secret")

    def value(self, item: Any) -> Any:
        if callable(self.path):
            return self.path(item)
        path = self.path or self.name
        if "." not in path and isinstance(item, dict):  # the common case, once per cell of a long list
            return item.get(path)
        return dig(item, path)

    def cell(self, item: Any) -> str:
        value = self.value(item)
        fmt = self.fmt or _KIND_FORMATS.get(self.kind)
        if fmt:
            return fmt(value)
        return value if type(value) is str else format_cell(value)

    def reader(self) -> Callable[[Any], str]:
        """``cell`` as one function, specialised for a plain key (a long list calls it once per cell)."""
        if self._reader is None:
            self._reader = self._specialised_cell()
        return self._reader

    def _specialised_cell(self) -> Callable[[Any], str]:
        key = self.path or self.name
        if callable(key) or "." in key:
            return self.cell
        fmt = self.fmt or _KIND_FORMATS.get(self.kind)
        if fmt is not None:
            def formatted(item: Any) -> str:
                return fmt(item.get(key)) if type(item) is dict else self.cell(item)
            return formatted

        def plain(item: Any) -> str:
            if type(item) is not dict:
                return self.cell(item)
            value = item.get(key)
            return value if type(value) is str else format_cell(value)
        return plain

    def colour(self, text: str) -> str | None:
        """The colour of a state cell on a terminal (None: plain)."""
        if self.kind != "state" or not text:
            return None
        key = text.strip().lower().replace(" ", "_")
        return (self.states or {}).get(key) or STATE_COLOURS.get(key)

    def copy(self, **changes: Any) -> Column:
        values = {slot: getattr(self, slot) for slot in self.__slots__ if not slot.startswith("_")}
        values.update(changes)
        return Column(**values)


_TIME_KEY = re.compile(r"(At|_at|Date|_date|_time|^lastLoggedIn|^last_seen|^timestamp)$")


def _inferred_kind(name: str, path: Any, states: dict[str, str] | None) -> str | None:
    if states is not None:
        return "state"
    if isinstance(path, str) and _TIME_KEY.search(path.rsplit(".", 1)[-1]):
        return "timestamp"
    key = name.lower().replace("_", "-")
    if key == "id" or key.endswith("-id"):
        return "id"
    if key in ("name", "email", "username") or key.endswith("-name"):
        return "name"
    if key in ("token", "jwt", "secret", "client-token", "token-plain-text", "private-key"):
        return "secret"
    return None


# Colours of states by meaning (lower case; spaces as _). A column's own `states` come first.
_RED = ("sealed", "offline", "down", "error", "failed", "failure", "unhealthy", "disconnected", "lost_connection",
        "expired", "revoked", "inactive", "disabled", "unreachable", "critical")
_GREEN = ("unsealed", "online", "up", "healthy", "ok", "connected", "active", "enabled", "ready", "running",
          "success", "succeeded", "available", "valid")
_YELLOW = ("pending", "degraded", "outofsync", "out_of_sync", "warning", "unknown", "starting", "stale",
           "expiring", "initializing")
STATE_COLOURS = {**{s: "red" for s in _RED}, **{s: "green" for s in _GREEN}, **{s: "yellow" for s in _YELLOW}}


def cols(*specs: str | Column) -> tuple[Column, ...]:
    """Shorthand: `cols("id", "name", Column(...))`; a string is a column on that key."""
    return tuple(s if isinstance(s, Column) else Column(s.replace("_", "-"), s) for s in specs)


def dig(item: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(item, dict):
            item = item.get(part)
        elif isinstance(item, list) and part.isdigit() and int(part) < len(item):
            item = item[int(part)]
        else:
            return None
    return item


def format_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(format_cell(v) if not isinstance(v, (dict, list)) else compact(v) for v in value)
    if isinstance(value, dict):
        if all(not isinstance(v, (dict, list)) for v in value.values()):
            return ",".join(f"{k}={format_cell(v)}" for k, v in value.items())
        return compact(value)
    return str(value)


def compact(value: Any) -> str:
    global _json
    if _json is None:  # a list of nested values calls this per cell; `import` in the body costs each time
        import json as _json
    return _json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


_json: Any = None


# --- timestamps and durations -------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?$",
                  re.IGNORECASE)
_ZERO_TIMES = ("0001-01-01T00:00:00Z",)  # Go's zero time: never set
_EPOCH = re.compile(r"\d{9,14}(\.\d+)?")
# Already as shown (what most APIs send): the long way would give the same text back.
_SHOWN = re.compile(r"([1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z")


def format_timestamp(value: Any) -> str:
    """ISO 8601 UTC with Z, to the second: from ISO strings (fractions, offsets, or no zone: UTC) and from
    Unix seconds or milliseconds (0 and Go's zero time: never). Anything else as the server sent it."""
    shown = _SHOWN.fullmatch(value) if type(value) is str else None
    if shown:
        if shown.group(2) is None:
            return value
        try:
            datetime.fromisoformat(shown.group(1))
        except ValueError:
            return value
        return shown.group(1) + "Z"
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH.fullmatch(value)):
        number = float(value)
        if number == 0:
            return "never"
        if number > 1e12:  # milliseconds
            number /= 1000
        try:
            if number < 0:
                raise ValueError("before 1970")
            moment = datetime.fromtimestamp(number, timezone.utc)
        except (OverflowError, OSError, ValueError):  # NaN, negative or out of range: as sent
            return str(value)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value).strip()
    if text in _ZERO_TIMES:
        return "never"
    match = _ISO.match(text)
    if not match:
        return text
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return text
    zone = (match.group(7) or "Z").upper()
    if zone not in ("Z", "UTC"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        try:
            moment -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        except OverflowError:
            return text
    if moment.year < 2:
        return "never"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


_GO_DURATION = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$")
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def duration_text(seconds: float) -> str:
    """`1d2h`, `23h44m`, `23m`, `45s`: the two largest units, rounded down; 0 is `0s`."""
    total = int(seconds)
    if total <= 0:
        return "0s"
    parts = []
    for unit, size in _UNITS:
        count, total = divmod(total, size)
        if count or parts:
            parts.append((count, unit))
        if len(parts) == 2:
            break
    return "".join(f"{n}{u}" for n, u in parts if n)


def format_duration(value: Any) -> str:
    """A duration in seconds (number or numeric string) or a Go duration (`1h40m0s`) as duration_text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return duration_text(value)
    text = str(value).strip()
    try:
        return duration_text(float(text))
    except ValueError:
        pass
    match = _GO_DURATION.match(text)
    if match and any(match.groups()):
        hours, minutes, secs = (float(g or 0) for g in match.groups())
        return duration_text(hours * 3600 + minutes * 60 + secs)
    return text


# How a column of a kind shows its value (the other kinds show it as it is).
_KIND_FORMATS: dict[str | None, Callable[[Any], str]] = {"timestamp": format_timestamp, "duration": format_duration}
