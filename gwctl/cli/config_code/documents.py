"""Configuration documents: reading files and folders, `${VAR}` substitution, and every check
that needs no request (known kinds, keys, duplicates, references, the write models).

A document::

    gwctl: config/v1
    product: api7
    scope: {gateway_group: default}
    services:
      - name: httpbin
        ...
    routes:
      - name: get-ip
        service: httpbin
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable

from gwctl.errors import UsageError
from gwctl.resources.config_code import VERSION, ConfigSpec, Kind

SUFFIXES = (".yaml", ".yml", ".json")
VARIABLE = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)\}")  # $${X} is the literal text ${X}
HEADER = ("gwctl", "product", "scope")


class Item:
    """One object of a document, with where it came from (for errors)."""

    __slots__ = ("kind", "body", "source", "index")

    def __init__(self, kind: Kind, body: dict[str, Any], source: str, index: int) -> None:
        self.kind = kind
        self.body = body
        self.source = source
        self.index = index

    @property
    def where(self) -> str:
        return f"{self.source}: {self.kind.noun}[{self.index}]"


def key_text(value: Any) -> str:
    """An object's key as text: a list or mapping is keyed by its sorted items."""
    if isinstance(value, dict):
        return ",".join(sorted(str(k) for k in value))
    if isinstance(value, list):
        return ",".join(sorted(str(v) for v in value))
    return "" if value is None else str(value)


def identity(kind: Kind, body: dict[str, Any]) -> tuple[str, ...]:
    if kind.singleton:
        return (kind.noun,)
    return tuple(key_text(body.get(f)) for f in (*kind.identity, kind.key))


def label_of(kind: Kind, ident: tuple[str, ...]) -> str:
    if kind.singleton:
        return ""
    return "/".join(ident) if kind.identity else ident[-1]


def escape(value: Any) -> Any:
    """Text that looks like a placeholder, written so that substitution gives it back ($${X})."""
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: "$${" + m.group(2) + "}" if not m.group(1) else "$$${" + m.group(2) + "}", value)
    if isinstance(value, list):
        return [escape(v) for v in value]
    if isinstance(value, dict):
        return {k: escape(v) for k, v in value.items()}
    return value


def files_of(paths: Iterable[str]) -> list[Path]:
    """Every -f PATH: a file, or a folder's *.yaml|*.yml|*.json (recursively, sorted)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                raise UsageError(f"-f {raw}: the folder holds no .yaml, .yml or .json file")
            out.extend(found)
        elif path.exists() or raw == "-":  # a file, or a pipe such as <(gwctl ... config dump)
            out.append(path)
        else:
            raise UsageError(f"-f {raw}: no such file or folder")
    return list(dict.fromkeys(out))


def substitute(value: Any, source: str, where: str = "") -> Any:
    """`${VAR}` in every string, from the environment; a missing variable is exit 2."""
    if isinstance(value, str):
        def one(match: re.Match) -> str:
            name = match.group(2)
            if match.group(1):
                return "${" + name + "}"
            if name not in os.environ:
                at = f" ({where})" if where else ""
                raise UsageError(f"{source}{at}: environment variable {name} is not set")
            return os.environ[name]
        return VARIABLE.sub(one, value)
    if isinstance(value, list):
        return [substitute(v, source, where) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, source, where) for k, v in value.items()}
    return value


class Documents:
    """The objects of every document given, checked: kind -> list of Items."""

    def __init__(self, spec: ConfigSpec) -> None:
        self.spec = spec
        self.items: dict[str, list[Item]] = {k.noun: [] for k in spec.kinds}
        self.scope: dict[str, Any] = {}
        self.listed: set[str] = set()  # kinds a document lists (even empty): --prune acts on these

    def all(self) -> list[Item]:
        return [i for k in self.spec.kinds for i in self.items[k.noun]]


def load(spec: ConfigSpec, paths: Iterable[str], kinds: tuple[str, ...] | None = None,
         resolve_vars: bool = True) -> Documents:
    from gwctl.resources.values import load_json_or_yaml, read_text

    docs = Documents(spec)
    for path in files_of(paths):
        source = "-" if str(path) == "-" else str(path)
        text = read_text(source, f"-f {source}")
        data = load_json_or_yaml(text, f"{source} is neither valid JSON nor YAML")
        if not isinstance(data, dict):
            raise UsageError(f"{source}: expected a document (a mapping with gwctl: {VERSION}), "
                             f"got {type(data).__name__}")
        if data.get("gwctl") != VERSION:
            raise UsageError(f"{source}: field 'gwctl': expected {VERSION!r}, got {data.get('gwctl')!r}")
        if data.get("product") != spec.product:
            raise UsageError(f"{source}: field 'product': expected {spec.product!r}, got {data.get('product')!r}")
        scope = data.get("scope") or {}
        if not isinstance(scope, dict):
            raise UsageError(f"{source}: field 'scope': expected a mapping")
        docs.scope.update(scope)
        for noun, objects in data.items():
            if noun in HEADER:
                continue
            kind = spec.kind(noun)
            if kind is None:
                raise UsageError(f"{source}: unknown kind {noun!r}: {spec.product} documents take "
                                 f"{', '.join(spec.nouns)}")
            if kinds and noun not in kinds:
                continue
            docs.listed.add(noun)
            if objects is None:
                continue
            if kind.singleton:
                objects = [objects]
            if not isinstance(objects, list):
                raise UsageError(f"{source}: {noun}: expected a list of objects")
            for index, body in enumerate(objects):
                item_where = f"{noun}[{index}]"
                if not isinstance(body, dict):
                    raise UsageError(f"{source}: {item_where}: expected an object, got {type(body).__name__}")
                if resolve_vars:
                    body = substitute(body, source, item_where)
                docs.items[noun].append(Item(kind, body, source, index))
    check(docs)
    return docs


def check(docs: Documents) -> None:
    """Keys present and unique, references resolve within the documents."""
    seen: dict[str, dict[tuple[str, ...], Item]] = {}
    for item in docs.all():
        kind = item.kind
        if kind.singleton:
            if len(docs.items[kind.noun]) > 1:
                other = docs.items[kind.noun][0]
                raise UsageError(f"{item.source}: {kind.noun} is given twice (also in {other.source})")
            continue
        for field in (*kind.identity, kind.key):
            if item.body.get(field) in (None, "", [], {}):
                raise UsageError(f"{item.where}: field '{field}' is required (it identifies the object)")
        ident = identity(kind, item.body)
        known = seen.setdefault(kind.noun, {})
        if ident in known:
            first = known[ident]
            raise UsageError(f"{item.where}: duplicate key {label_of(kind, ident)!r} "
                             f"(also {first.where})")
        known[ident] = item
    keys = {noun: {ident[-1] for ident in found} for noun, found in seen.items()}
    for item in docs.all():
        for field, (_server_field, noun) in item.kind.refs.items():
            value = item.body.get(field)
            if value in (None, "", []):
                continue
            target = docs.spec.kind(noun)
            if target is not None and noun not in docs.listed:
                continue  # a kind the documents leave out: resolved on the server by apply
            for ref in value if isinstance(value, list) else [value]:
                if target is None or str(ref) not in keys.get(noun, set()):
                    raise UsageError(f"{item.where}: field '{field}': {ref!r} is not a {noun.replace('-', ' ')} "
                                     f"key in the documents")
