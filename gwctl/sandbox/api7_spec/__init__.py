"""The vendor's OpenAPI spec of the API7 Enterprise Admin API, and request validation against it.

`api7.openapi.json` is a verbatim copy of shared/specs/api7.openapi.json (the Chinese
3.2.11.1 spec from api7/docs.apiseven.com, Apache-2.0; sha256 ca8f8980...8136). It has
no $refs, and its schemas are OpenAPI 3.0 (draft-4 style boolean exclusiveMinimum), so
jsonschema's Draft4Validator checks them as they are. The file is parsed once per process.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

SPEC_FILE = Path(__file__).with_name("api7.openapi.json")
METHODS = ("get", "put", "post", "patch", "delete")


class Operation:
    __slots__ = ("method", "template", "regex", "params", "body_schema", "content_type", "body_required")

    def __init__(self, method: str, template: str, op: dict, shared_params: list) -> None:
        self.method = method.upper()
        self.template = template
        parts = re.split(r"(\{[^}]+\})", template)
        self.regex = re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")
        self.params = [p for p in (shared_params + op.get("parameters", [])) if "name" in p]
        body = op.get("requestBody") or {}
        content = body.get("content") or {}
        self.content_type = next(iter(content), None)
        self.body_schema = (content.get(self.content_type) or {}).get("schema") if self.content_type else None
        self.body_required = bool(body.get("required"))


@functools.lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    return json.loads(SPEC_FILE.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def operations() -> tuple[Operation, ...]:
    ops = []
    for template, item in spec()["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                ops.append(Operation(method, template, item[method], shared))
    # Literal paths before templated ones (/api/instances/cores before /api/instances/count/{field}).
    ops.sort(key=lambda o: (o.template.count("{"), -len(o.template)))
    return tuple(ops)


def find(method: str, path: str) -> Operation | None:
    """The spec operation for METHOD PATH (None when the spec does not cover it)."""
    method = method.upper()
    for op in operations():
        if op.method == method and op.regex.match(path):
            return op
    return None


@functools.lru_cache(maxsize=None)
def _validator(key: tuple[str, str]):
    from jsonschema import Draft4Validator

    op = next(o for o in operations() if (o.method, o.template) == key)
    return Draft4Validator(op.body_schema)


def body_errors(op: Operation, body: Any) -> list[str]:
    """Why ``body`` does not match the operation's JSON request schema (empty list: it does)."""
    if op.body_schema is None or op.content_type != "application/json":
        return []
    validator = _validator((op.method, op.template))
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    out = []
    for err in errors[:3]:
        where = ".".join(str(p) for p in err.absolute_path)
        out.append(f"{where}: {err.message}" if where else err.message)
    return out


def query_errors(op: Operation, args: Any) -> list[str]:
    """Required, enum and integer checks on the declared query parameters."""
    out = []
    for param in op.params:
        if param.get("in") != "query":
            continue
        name = param["name"]
        schema = param.get("schema") or {}
        values = args.getlist(name) if hasattr(args, "getlist") else ([args[name]] if name in args else [])
        if not values:
            if param.get("required"):
                out.append(f"missing required query parameter {name!r}")
            continue
        kind = schema.get("type")
        enum = schema.get("enum") or (schema.get("items") or {}).get("enum")
        for value in values:
            if kind == "integer":
                try:
                    number = int(value)
                except ValueError:
                    out.append(f"query parameter {name!r} must be an integer")
                    continue
                if "minimum" in schema and number < schema["minimum"]:
                    out.append(f"query parameter {name!r} must be >= {schema['minimum']}")
            elif kind == "boolean" and value.lower() not in ("true", "false"):
                out.append(f"query parameter {name!r} must be true or false")
            elif enum and name != "direction" and value not in [str(e) for e in enum]:
                out.append(f"query parameter {name!r} must be one of {', '.join(map(str, enum))}")
            elif name == "direction" and value.lower() not in ("asc", "desc"):
                out.append("query parameter 'direction' must be asc or desc")
    return out


def request_schema(method: str, template: str) -> dict | None:
    """The JSON request schema of one operation (used for /api/schema/core)."""
    item = spec()["paths"].get(template) or {}
    op = item.get(method.lower()) or {}
    content = ((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}
    return content.get("schema")
