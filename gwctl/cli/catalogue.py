"""`gwctl PRODUCT operations`: every API operation gwctl knows and the command that performs it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

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

    def public(self) -> dict[str, Any]:
        data = {"summary": self.summary, "method": self.method, "path": self.path, "command": self.command}
        if self.note:
            data["note"] = self.note
        if self.example:
            data["example"] = self.example
        return data


OPERATION_COLUMNS = cols("method", "path", "command", "summary", Column("note", "note", default=False))


def catalogue(product: str) -> Sequence[Operation]:
    """A product's operation catalogue: the rows of its declared resources, then its own commands'
    rows (gwctl/cli/<product>/operations.yaml). An own row for the very command a generic verb now
    provides is dropped, so no command is listed twice."""
    import re
    from importlib.resources import files

    import yaml

    def key(op: Operation) -> tuple[str, str]:
        return op.method, re.sub(r"\{[^}]+\}", "{}", op.path)

    declared = resource_operations(product) if _has_resources(product) else []
    generic = {key(op): op.command for op in declared}
    text = files(f"gwctl.cli.{product}").joinpath("operations.yaml").read_text()
    own = [Operation(**row) for row in yaml.safe_load(text) or ()]
    return (*declared, *(op for op in own if not op.command.startswith(generic.get(key(op), "\0"))))


def _has_resources(product: str) -> bool:
    from importlib.util import find_spec

    return find_spec(f"gwctl.resources.{product}") is not None


def operations_app(product: str) -> typer.Typer:
    """`gwctl <product> operations`: the catalogue of API operations."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

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
            # Where a server version moved the resource: the path there (e.g. "from 3.2.14: /api/...").
            moved = [f"from {family}: {base + path[len(res.path):]}" for family, base in res.variants.items()]
            rows.append(Operation(summary=verb_summary(res, verb), method=method, path=path,
                                  command=f"gwctl {product} {res.noun} {verb}", example=res.examples.get(verb),
                                  note="; ".join(moved) or None))
    return rows
