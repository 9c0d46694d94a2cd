"""`gwctl PRODUCT api METHOD PATH`: a raw request with the profile's auth, TLS and retries."""

from __future__ import annotations

import sys
from typing import Annotated, Any, List, Optional

import typer

from gwctl.cli.context import get_app
from gwctl.cli.input import parse_labels
from gwctl.cli.render import emit
from gwctl.errors import UsageError


# A request each product's sandbox answers (TEAM: the profile's team).
RAW_EXAMPLES = {"opa": "GET /v1/teams/TEAM/gateways", "pomerium": "GET /organizations",
                "api7": "GET /apisix/admin/services", "sg": "GET /v1/sgconfig", "gatekeeper": "GET /status"}


def api_app(product: str) -> typer.Typer:
    """`gwctl <product> api`: the raw escape hatch."""
    app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

    example = RAW_EXAMPLES.get(product, "GET /")

    @app.command("api", help="Send a raw request with the profile's auth, TLS and retries (the escape hatch).\n\n"
                 "The HTTP status maps to the documented exit codes.\n\n"
                 f"Examples:\n  gwctl {product} api {example}\n  gwctl {product} api {example} --paginate -o json")
    def api(
        method: Annotated[str, typer.Argument(metavar="METHOD", help="HTTP method, e.g. GET.")],
        path: Annotated[str, typer.Argument(metavar="PATH", help="Path relative to the profile URL (or a full URL on it).")],
        data: Annotated[
            Optional[str],
            typer.Option("--data", metavar="@FILE|-|JSON", help="Request body: @FILE, - for stdin, or inline JSON."),
        ] = None,
        data_short: Annotated[Optional[str], typer.Option("-d", hidden=True)] = None,  # curl's spelling, kept
        form: Annotated[
            Optional[List[str]], typer.Option("--form", "-F", metavar="KEY=VALUE", help="Form field (sent form-encoded).")
        ] = None,
        header: Annotated[Optional[List[str]], typer.Option("--header", "-H", metavar="KEY:VALUE", help="Extra header.")] = None,
        param: Annotated[Optional[List[str]], typer.Option("--param", "-P", metavar="KEY=VALUE", help="Query parameter.")] = None,
        paginate: Annotated[bool, typer.Option("--paginate", help="Follow the product's paging and print every item.")] = False,
        include: Annotated[bool, typer.Option("--include", "-i", help="Print the status line and headers to stderr.")] = False,
    ) -> None:
        """Send a raw request with the profile's auth, TLS and retries (the escape hatch).

        The response body is printed as JSON (a list of every item with --paginate) unless
        -o asks for another format. The HTTP status maps to the documented exit codes.
        """
        data = data if data is not None else data_short
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
        from gwctl.resources.values import parse_json

        text = _read_data(data)
        try:
            kwargs["json"] = parse_json(text, "not JSON", f"--data {data if data.startswith('@') else ''}".strip())
        except UsageError as exc:
            if exc.message != "not JSON":
                raise
            kwargs["content"] = text.encode()
    elif form:
        kwargs["data"] = parse_labels(form, "--form")
    app = get_app()
    if not app.opts.output:  # the response body as JSON, whether on a terminal or piped (like `gh api`)
        app.opts.output = "json"
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
    from gwctl.resources.values import check_text, read_text, stdin_text

    if data == "-":
        return stdin_text("--data -")
    if data.startswith("@"):
        return read_text(data[1:], f"--data {data}")
    return check_text(data, "--data")
