"""Shared pieces of product commands: option aliases, input files, confirmation, bulk, raw API, catalogue."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Iterable, List, Optional, Sequence

import typer

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.errors import GwctlError, PartialFailure, UsageError

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


def limit_of(limit: int, all_: bool) -> int | None:
    return None if all_ else limit


def parse_labels(values: Sequence[str] | None, flag: str = "--label") -> dict[str, str]:
    labels: dict[str, str] = {}
    for raw in values or ():
        key, sep, value = raw.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"invalid {flag} {raw!r}: expected KEY=VALUE")
        labels[key.strip()] = value
    return labels


def read_body_file(path: str | None, flag: str = "--from-file") -> Any:
    """Parse a JSON or YAML request body from FILE or - (stdin)."""
    if path is None:
        return None
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text()
    except OSError as exc:
        raise UsageError(f"cannot read {flag} {path}: {exc.strerror}") from None
    if not text.strip():
        raise UsageError(f"{flag} {path} is empty")
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
        raise UsageError(f"{flag} {path} is neither valid JSON nor YAML{where}") from None


def validate_body(model: Any, body: Any, flag: str = "--from-file") -> dict[str, Any]:
    """Check `body` against a pydantic write model; exit 2 naming the field."""
    from pydantic import ValidationError

    if not isinstance(body, dict):
        raise UsageError(f"{flag}: expected an object, got {type(body).__name__}")
    try:
        parsed = model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or "(body)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UsageError(f"invalid {flag}: field '{field}': {first.get('msg')}{more}") from None
    return parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)


def read_ids(ids: Sequence[str]) -> list[str]:
    """IDs from the arguments, with `-` meaning one ID per line on stdin."""
    out: list[str] = []
    for value in ids:
        if value == "-":
            out.extend(line.strip() for line in sys.stdin if line.strip())
        else:
            out.append(value)
    if not out:
        raise UsageError("no IDs given")
    return list(dict.fromkeys(out))


def confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; without one, insist on --yes (exit 2)."""
    if yes:
        return
    app = get_app()
    if not app.can_prompt:
        raise UsageError(f"{question.rstrip('?')}: confirmation required; re-run with --yes")
    if not typer.confirm(question, default=False, err=True):
        raise typer.Abort()


@dataclass
class ItemResult:
    id: str
    ok: bool
    error: str | None = None
    exit_code: int | None = None


def run_bulk(
    ids: Sequence[str],
    action: Callable[[str], Any],
    *,
    verb: str,
    noun: str,
    concurrency: int = 4,
) -> list[ItemResult]:
    """Apply `action` to every ID with bounded parallelism and report per item.

    One ID behaves like a plain command (its error propagates with its own exit
    code); several IDs report each result and exit 10 if any failed.
    """
    from gwctl.main import exit_code_for

    app = get_app()
    if len(ids) == 1:
        action(ids[0])
        results = [ItemResult(ids[0], True)]
    else:
        def attempt(item_id: str) -> ItemResult:
            try:
                action(item_id)
                return ItemResult(item_id, True)
            except GwctlError as exc:
                return ItemResult(item_id, False, exc.message, exit_code_for(exc))

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(concurrency, len(ids))) as pool:
            results = list(pool.map(attempt, ids))
    for result in results:
        if result.ok:
            app.err(f"{verb} {noun} {result.id}")
        else:
            app.err(f"failed: {noun} {result.id}: {result.error}")
    if app.machine_output:
        emit([asdict(r) for r in results])
    failed = [r for r in results if not r.ok]
    if failed:
        raise PartialFailure(f"{len(failed)} of {len(results)} {noun}s failed: {', '.join(r.id for r in failed)}")
    return results


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


def add_common_commands(app: typer.Typer, product: str, catalogue: Callable[[], Sequence[Operation]]) -> None:
    """Attach `api` (raw escape hatch) and `operations` (catalogue) to a product group."""

    @app.command("operations")
    def operations() -> None:
        """List every API operation gwctl knows for this product and the command that performs it."""
        emit([op.public() for op in catalogue()], OPERATION_COLUMNS)

    @app.command("api", context_settings={"allow_interspersed_args": True})
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


def _read_data(data: str) -> str:
    if data == "-":
        return sys.stdin.read()
    if data.startswith("@"):
        try:
            return Path(data[1:]).read_text()
        except OSError as exc:
            raise UsageError(f"cannot read --data {data}: {exc.strerror}") from None
    return data


def write_secret_file(path: Path, secret: str) -> None:
    """Write a secret atomically with mode 0600; refuse a directory."""
    from gwctl.config.files import write_private

    if path.is_dir():
        raise UsageError(f"--out {path} is a directory")
    try:
        write_private(path.expanduser(), secret if secret.endswith("\n") else secret + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write --out {path}: {exc.strerror}") from None


def emit_secret(record: dict[str, Any], secret_key: str, out: Path | None, columns: Sequence[Column] | None = None,
                label: str = "secret") -> None:
    """Print a record holding a secret, or write the secret to --out and print only metadata."""
    app = get_app()
    if out is None:
        emit(record, columns)
        return
    secret = record.get(secret_key)
    if not secret:
        raise GwctlError(f"the response held no {label} to write")
    write_secret_file(out, str(secret))
    meta = {k: v for k, v in record.items() if k != secret_key}
    meta["written_to"] = str(out)
    app.err(f"wrote the {label} to {out} (mode 0600)")
    emit(meta, [c for c in columns or () if c.name != secret_key.replace("_", "-")] or None)


def iter_lines(items: Iterable[str]) -> Iterable[str]:
    return (i for i in items if i)
