"""Table columns: declared with each resource, drawn by gwctl.cli.render. Imports nothing heavy."""

from __future__ import annotations

from typing import Any, Callable


class Column:
    """One table column: `name` is what --columns accepts; `path` a dotted key or a function."""

    __slots__ = ("name", "path", "header", "fmt", "default")

    def __init__(self, name: str, path: str | Callable[[Any], Any] = "", header: str = "",
                 fmt: Callable[[Any], str] | None = None, default: bool = True) -> None:
        self.name = name
        self.path = path
        self.header = header
        self.fmt = fmt
        self.default = default

    def __repr__(self) -> str:
        return f"Column({self.name!r})"

    @property
    def title(self) -> str:
        return self.header or self.name.upper().replace("-", "_")

    def value(self, item: Any) -> Any:
        if callable(self.path):
            return self.path(item)
        path = self.path or self.name
        if "." not in path and isinstance(item, dict):  # the common case, once per cell of a long list
            return item.get(path)
        return dig(item, path)

    def cell(self, item: Any) -> str:
        value = self.value(item)
        if self.fmt:
            return self.fmt(value)
        return value if type(value) is str else format_cell(value)


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
    import json

    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
