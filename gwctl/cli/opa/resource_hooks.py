"""OPA's hooks into the generic verbs (gwctl.cli.verbs), and what its own verbs share.

Setup tokens never show their secret in list/get (``shown``); create prints it once or writes
it to --out (``options``, ``prepare``, ``result``). A 403 names the missing role at the client
(gwctl.api.opa.client), so every command, generic or not, gets the same hint.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import click

from gwctl.cli.context import get_app
from gwctl.columns import Column
from gwctl.errors import UsageError
from gwctl.resources.opa import READ_HINT, RESOURCE_ADMIN_HINT  # noqa: F401 (re-exported for the verbs)


def client() -> Any:
    """The OPA client, after --query is checked (a create must not run and then fail on --query)."""
    app = get_app()
    _check_query(app.opts.query)
    return app.client("opa")


def _check_query(query: str | None) -> None:
    if not query:
        return
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        jmespath.compile(query)
    except JMESPathError as exc:
        raise UsageError(f"invalid --query: {' '.join(str(exc).split())}") from None


def without_token(item: Any) -> Any:
    """A setup-token record without its secret (metadata commands never print it)."""
    if isinstance(item, dict) and "token" in item:
        return {k: v for k, v in item.items() if k != "token"}
    return item


@contextmanager
def role_hint(hint: str) -> Iterator[None]:
    """Add a hint naming the OPA role to a 403 that has none (the client already adds one)."""
    from gwctl.errors import GwctlError

    try:
        yield
    except GwctlError as exc:
        if exc.http_status == 403 and not exc.hint:
            exc.hint = hint
        raise


def lookup(noun: str) -> Any:
    """Name-or-ID lookup of an OPA resource (gateways by name, setup tokens by description or name)."""
    from gwctl.cli.lookup import Lookup
    from gwctl.resources import resource

    return Lookup(client(), resource("opa", noun))


# --- hooks -----------------------------------------------------------------------------------------

OUT_HELP = "Write the secret to FILE (0600, atomically) and print only metadata."


def options(res: Any, verb: str) -> list[click.Parameter]:
    if res.noun == "setup-tokens" and verb == "create":
        from pathlib import Path

        return [click.Option(["--out", "out"], type=click.Path(path_type=Path), metavar="FILE", help=OUT_HELP)]
    return []


def prepare(res: Any, verb: str, extra: dict[str, Any]) -> dict[str, Any]:
    _check_query(get_app().opts.query)
    if extra.get("out") is not None:
        from gwctl.cli.secret_output import check_out

        check_out(extra["out"])  # before any request
    return {}


def shown(res: Any) -> Any:
    return without_token if res.noun == "setup-tokens" else None


def result(res: Any, verb: str, item: Any, extra: dict[str, Any], api: Any) -> bool:
    """A created setup token: its secret printed once, or written to --out with only metadata printed."""
    if res.noun != "setup-tokens" or verb != "create" or not isinstance(item, dict):
        return False
    from gwctl.cli.secret_output import emit_secret

    out = extra.get("out")
    if out is not None and not item.get("token"):  # a server that leaves it out of the 201
        item["token"] = api.setup_token_value(str(item.get("id"))).get("token")
    columns = (*res.columns, Column("token", "token"))
    try:
        emit_secret(item, "token", out, columns, label="setup token")
    except UsageError as exc:  # --out could not be written: the token exists all the same
        new_id = item.get("id")
        raise UsageError(f"{exc.message}; setup token {new_id} was created",
                         hint=f"write its value with `gwctl opa setup-tokens reveal {new_id} --out FILE`, "
                              f"or remove it with `gwctl opa setup-tokens delete {new_id} --yes`") from None
    return True
