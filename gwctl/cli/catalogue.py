"""`gwctl PRODUCT operations`: every API operation gwctl knows and the command that performs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Optional, Sequence

import typer

from gwctl.cli.render import Column, cols, emit


@dataclass(frozen=True)
class Operation:
    summary: str
    method: str
    path: str
    command: str
    note: str | None = None
    # argv (after `gwctl`) that performs it against the sandbox, with {placeholders}
    example: str | None = None
    # The server versions that have it: first version known to have it, first without it, and where
    # that is recorded (products whose API changed between versions).
    since: str | None = None
    until: str | None = None
    source: str | None = None

    @property
    def versions(self) -> dict[str, str] | None:
        found = {k: v for k, v in (("since", self.since), ("until", self.until), ("source", self.source)) if v}
        return found or None

    def public(self) -> dict[str, Any]:
        data: dict[str, Any] = {"summary": self.summary, "method": self.method, "path": self.path,
                                "command": self.command}
        if self.note:
            data["note"] = self.note
        if self.example:
            data["example"] = self.example
        if self.versions:
            data["versions"] = self.versions
        return data


OPERATION_COLUMNS = cols("method", "path", "command", "summary", Column("note", "note", default=False))


def _range(row: dict[str, Any]) -> str:
    versions = row.get("versions") or {}
    since, until = versions.get("since") or "", versions.get("until")
    return f"{since}-{until}" if until else f"{since}+"


VERSIONED_COLUMNS = (*OPERATION_COLUMNS[:3], Column("versions", _range), *OPERATION_COLUMNS[3:],
                     Column("source", "versions.source", default=False))


def for_version(product: str, server_version: str | None) -> list[Operation]:
    """The catalogue, or what a server of ``server_version`` has, at the paths that version uses."""
    from dataclasses import replace

    from gwctl.cli.versions import in_range, version_key

    rows = list(catalogue(product))
    if server_version is None:
        return rows
    if version_key(server_version) is None:
        from gwctl.errors import UsageError

        raise UsageError(f"invalid --server-version {server_version!r}: expected a version like 3.2.11 or 3.9")
    out = []
    for op in rows:
        if not in_range(server_version, op.versions):
            continue
        moved = _moved_path(op, server_version)
        out.append(replace(op, path=moved, note=None) if moved else op)
    return out


def _moved_path(op: Operation, server_version: str) -> str | None:
    """A declared resource's path at ``server_version`` where that version moved it (note "from F: PATH")."""
    import re

    from gwctl.cli.versions import version_key

    found = None
    for family, path in re.findall(r"from ([\d.]+): (\S+)", op.note or ""):
        if (version_key(server_version) or ()) >= (version_key(family) or ()):
            found = path
    return found


def catalogue(product: str) -> Sequence[Operation]:
    """A product's operation catalogue: the rows of its declared resources, then its own commands'
    rows (gwctl/cli/<product>/operations.yaml). An own row for the very command a generic verb now
    provides is dropped, so no command is listed twice."""
    import re
    from importlib.resources import files

    import yaml

    def key(op: Operation) -> tuple[str, str]:
        return op.method, re.sub(r"\{[^}]+\}", "{}", op.path)

    from dataclasses import replace

    declared = resource_operations(product) if _has_resources(product) else []
    generic = {key(op): op.command for op in declared}
    text = files(f"gwctl.cli.{product}").joinpath("operations.yaml").read_text()
    own = [Operation(**row) for row in yaml.safe_load(text) or ()]
    rows = (*declared, *(op for op in own if not op.command.startswith(generic.get(key(op), "\0"))))
    default = _default_versions(product)
    if default:  # a row without its own range has the product's default one
        rows = tuple(op if op.versions else replace(op, **default) for op in rows)
    return rows


def _default_versions(product: str) -> dict[str, str] | None:
    if not _has_resources(product):
        return None
    from importlib import import_module

    return getattr(import_module(f"gwctl.resources.{product}"), "DEFAULT_VERSIONS", None)


def _has_resources(product: str) -> bool:
    from importlib.util import find_spec

    return find_spec(f"gwctl.resources.{product}") is not None


def operations_app(product: str) -> typer.Typer:
    """`gwctl <product> operations`: the catalogue of API operations."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

    if _default_versions(product):
        @app.command("operations", help="List every API operation gwctl knows for this product, the command that "
                     "performs it and the server versions that have it.\n\nExamples:\n"
                     f"  gwctl {product} operations\n  gwctl {product} operations --server-version 3.9 -o json")
        def versioned_operations(
            server_version: Annotated[Optional[str], typer.Option(
                "--server-version", metavar="VERSION",
                help="Only the operations a server of this version has (e.g. 3.2.11, 3.9), with its paths.")] = None,
        ) -> None:
            emit([op.public() for op in for_version(product, server_version)], VERSIONED_COLUMNS)

        return app

    @app.command("operations", help="List every API operation gwctl knows for this product and the command that "
                 f"performs it.\n\nExamples:\n  gwctl {product} operations\n  gwctl {product} operations -o json")
    def operations() -> None:
        emit([op.public() for op in catalogue(product)], OPERATION_COLUMNS)

    return app


def add_common_commands(app: typer.Typer, product: str) -> None:
    """Give a product's Typer app the `api` and `operations` commands."""
    from gwctl.cli.raw_api import api_app

    for sub in (api_app(product), operations_app(product)):
        app.registered_commands.extend(sub.registered_commands)


def resource_operations(product: str) -> list[Operation]:
    """The catalogue rows of a product's declared resources, one per generic verb."""
    from gwctl.cli.verbs import verb_call, verb_summary
    from gwctl.resources import resources

    rows = []
    for res in resources(product).values():
        for verb in res.verbs:
            method, path = verb_call(res, verb)
            # Where a server version moved the resource: the path there (e.g. "from 3.2.13: /api/...").
            moved = [f"from {family}: {base + path[len(res.path):]}" for family, base in res.variants.items()]
            rows.append(Operation(summary=verb_summary(res, verb), method=method, path=path,
                                  command=f"gwctl {product} {res.noun} {verb}", example=res.examples.get(verb),
                                  note="; ".join(moved) or None, **res.versions_of(verb)))
    return rows


def require_operation(product: str, method: str, path: str) -> None:
    """`require` for a product's own command, with the range its catalogue row records."""
    from gwctl.cli.context import get_app
    from gwctl.cli.versions import needs_check, require

    for op in catalogue(product):
        if op.method == method and op.path == path:
            if needs_check(op.versions):
                require(get_app().client(product), f"{method} {path}", op.versions)
            return
    raise LookupError(f"{method} {path} is not in the {product} catalogue")
