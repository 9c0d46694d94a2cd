"""Typer pieces shared by product commands: option aliases, groups, raw API, catalogue."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, List, Optional, Sequence

import typer

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.cli.util import (  # noqa: F401 - re-exported for product modules
    ItemResult,
    confirm,
    emit_secret,
    limit_of,
    parse_labels,
    read_body_file,
    read_ids,
    run_bulk,
    validate_body,
    write_secret_file,
)
from gwctl.errors import UsageError

DEFAULT_LIMIT = 50

# --- option aliases used by every product ----------------------------------
LimitOpt = Annotated[int, typer.Option("--limit", min=1, help="Show at most N items (fetches only the pages needed).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Fetch every item, ignoring --limit.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (required when not on a terminal).")]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=16, help="Parallel requests for several IDs.")]
FromFileOpt = Annotated[
    Optional[str], typer.Option("--from-file", "-f", metavar="FILE|-", help="Full request body as JSON or YAML (- for stdin).")
]
IdsArg = Annotated[List[str], typer.Argument(metavar="ID...", help="One or more IDs, or - to read IDs from stdin.")]
LabelOpt = Annotated[Optional[List[str]], typer.Option("--label", "-l", metavar="KEY=VALUE", help="Label (repeatable).")]
OutFileOpt = Annotated[
    Optional[Path], typer.Option("--out", metavar="FILE", help="Write the secret to FILE (0600, atomic) and print only metadata.")
]


def product_app(name: str, help_: str) -> typer.Typer:
    """A Typer group for a product or resource (always a group, even with one command)."""
    app = typer.Typer(name=name, help=help_, no_args_is_help=True, rich_markup_mode=None,
                      pretty_exceptions_enable=False, add_completion=False)

    @app.callback()
    def _group() -> None:
        pass

    _group.__doc__ = help_
    return app


# --- operation catalogue ---------------------------------------------------
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
    """A product's operation catalogue: `OPERATIONS` in gwctl.cli.<product>.catalog."""
    import importlib

    return importlib.import_module(f"gwctl.cli.{product}.catalog").OPERATIONS


def add_common_commands(app: typer.Typer, product: str) -> None:
    """Give a product's Typer app the `api` and `operations` commands."""
    for sub in (api_app(product), operations_app(product)):
        app.registered_commands.extend(sub.registered_commands)


def operations_app(product: str) -> typer.Typer:
    """`gwctl <product> operations`: the catalogue of API operations."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

    @app.command("operations")
    def operations() -> None:
        """List every API operation gwctl knows for this product and the command that performs it."""
        emit([op.public() for op in catalogue(product)], OPERATION_COLUMNS)

    return app


def api_app(product: str) -> typer.Typer:
    """`gwctl <product> api`: the raw escape hatch."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

    @app.command("api")
    def api(
        method: Annotated[str, typer.Argument(metavar="METHOD", help="HTTP method, e.g. GET.")],
        path: Annotated[str, typer.Argument(metavar="PATH", help="Path relative to the profile URL (or a full URL on it).")],
        data: Annotated[
            Optional[str],
            typer.Option("--data", "-d", metavar="@FILE|-|JSON", help="Request body: @FILE, - for stdin, or inline JSON."),
        ] = None,
        form: Annotated[
            Optional[List[str]], typer.Option("--form", "-F", metavar="KEY=VALUE", help="Form field (sent form-encoded).")
        ] = None,
        header: Annotated[Optional[List[str]], typer.Option("--header", "-H", metavar="KEY:VALUE", help="Extra header.")] = None,
        param: Annotated[Optional[List[str]], typer.Option("--param", "-P", metavar="KEY=VALUE", help="Query parameter.")] = None,
        paginate: Annotated[bool, typer.Option("--paginate", help="Follow the product's paging and print every item.")] = False,
        include: Annotated[bool, typer.Option("--include", "-i", help="Print the status line and headers to stderr.")] = False,
    ) -> None:
        """Send a raw request with the profile's auth, TLS and retries (the escape hatch).

        The HTTP status maps to the documented exit codes.
        """
        raw_api(product, method, path, data=data, form=form, header=header, param=param, paginate=paginate, include=include)

    return app


def raw_api(product: str, method: str, path: str, *, data, form, header, param, paginate, include) -> None:
    method = method.upper()
    if method not in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        raise UsageError(f"invalid METHOD {method!r}")
    headers = {}
    for raw in header or ():
        key, sep, value = raw.partition(":")
        if not sep or not key.strip():
            raise UsageError(f"invalid --header {raw!r}: expected KEY:VALUE")
        headers[key.strip()] = value.strip()
    params = parse_labels(param, "--param") or None
    kwargs: dict[str, Any] = {"headers": headers, "params": params}
    if data is not None and form:
        raise UsageError("--data and --form cannot be combined")
    if data is not None:
        text = _read_data(data)
        try:
            kwargs["json"] = json.loads(text)
        except ValueError:
            kwargs["content"] = text.encode()
    elif form:
        kwargs["data"] = parse_labels(form, "--form")
    app = get_app()
    _check_same_origin(path, app.profile(product).url)
    client = app.client(product)
    if paginate:
        if method != "GET":
            raise UsageError("--paginate works only with GET")
        emit(client.raw_pages(path, params))
        return
    response = client.raw(method, path, **kwargs)
    if include:
        app.err(f"HTTP {response.status_code} {response.reason_phrase}")
        for key, value in response.headers.items():
            app.err(f"{key}: {value}")
    if not response.content:
        return
    try:
        body = response.json()
    except ValueError:
        sys.stdout.write(response.text if response.text.endswith("\n") else response.text + "\n")
        return
    emit(body)


def _check_same_origin(path: str, base_url: str) -> None:
    """A full URL must be on the profile's server: the profile's credentials go nowhere else."""
    from urllib.parse import urlsplit

    if "://" not in path and not path.startswith("//"):
        return
    target, base = urlsplit(path), urlsplit(base_url)

    def origin(parts) -> tuple:
        default = {"http": 80, "https": 443}.get(parts.scheme.lower())
        try:
            port = parts.port or default
        except ValueError:
            port = None
        return parts.scheme.lower(), (parts.hostname or "").lower(), port

    if origin(target) != origin(base):
        raise UsageError(
            f"invalid PATH {path!r}: a full URL must be on the profile's server {base.scheme}://{base.netloc}",
            hint="give a path relative to the profile URL; gwctl sends the profile's credentials to its own server only",
        )


def _read_data(data: str) -> str:
    if data == "-":
        return sys.stdin.read()
    if data.startswith("@"):
        try:
            return Path(data[1:]).read_text()
        except OSError as exc:
            raise UsageError(f"cannot read --data {data}: {exc.strerror}") from None
    return data


