"""Helpers shared by the OPA command modules: the client, name resolution, columns."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from gwctl.cli.context import get_app
from gwctl.errors import NotFoundError, UsageError

# OPA IDs are UUIDs; the loose shape (any letters) also accepts the seed's typo'd IDs.
ID_SHAPE = re.compile(r"^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$", re.IGNORECASE)
RESOURCE_ADMIN_HINT = "the service user needs the resource_admin role (via its groups) in OPA"
READ_HINT = "the service user needs the resource_admin or delegated_resource_admin role in OPA"


def client():
    app = get_app()
    _check_query(app.opts.query)  # before any request: a create must not run and then fail on --query
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


def looks_like_id(ref: str) -> bool:
    return bool(ID_SHAPE.match(ref))


def without_token(item: Any) -> Any:
    """A setup-token record without its secret (metadata commands never print it)."""
    if isinstance(item, dict) and "token" in item:
        return {k: v for k, v in item.items() if k != "token"}
    return item


@contextmanager
def role_hint(hint: str) -> Iterator[None]:
    """Add a hint naming the OPA role to a 403."""
    from gwctl.errors import GwctlError

    try:
        yield
    except GwctlError as exc:
        if exc.http_status == 403 and not exc.hint:
            exc.hint = hint
        raise


def resolve(ref: str, noun: str, items: Callable[[], Iterable[dict[str, Any]]], fields: tuple[str, ...]) -> str:
    """An ID for ``ref``: itself when UUID-shaped, else the one listed item whose ID or ``fields`` equal it.

    A non-UUID ID (some servers use them) matches first; then exact names, then
    case-insensitive ones. Several matches are a usage error (exit 2) listing the
    candidates; none is not-found (exit 3).
    """
    ref = ref.strip()
    if not ref:
        raise UsageError(f"empty {noun} ID or name")
    if looks_like_id(ref):
        return ref
    seen = list(items())
    by_id = [item for item in seen if str(item.get("id")) == ref]
    if by_id:
        return ref
    exact = [item for item in seen if any(item.get(f) == ref for f in fields)]
    matches = exact or [
        item for item in seen if any(isinstance(item.get(f), str) and item[f].lower() == ref.lower() for f in fields)
    ]
    if not matches:
        raise NotFoundError(f"no {noun} with ID or {' or '.join(fields)} {ref!r}")
    if len(matches) > 1:
        candidates = "; ".join(f"{m.get('id')} ({_label(m, fields)})" for m in matches)
        raise UsageError(f"{noun} {ref!r} is ambiguous: it matches {len(matches)}: {candidates}",
                         hint=f"use the {noun} ID")
    return str(matches[0]["id"])


def resolve_listed(ref: str, noun: str, pages: Callable[[], Iterable[list[dict[str, Any]]]], fields: tuple[str, ...],
                   hint: str, listing: "Listing | None" = None) -> str:
    """resolve() against a paged listing, listed at most once per ``listing``."""
    listing = listing or Listing()
    with role_hint(hint):
        return resolve(ref, noun, lambda: listing.get(lambda: (item for page in pages() for item in page)), fields)


def file_object(from_file: str | None) -> dict[str, Any]:
    """A copy of the --from-file object ({} without a file), for the flags to go on top of."""
    from gwctl.cli.input import read_body_file

    body = read_body_file(from_file)
    body = {} if body is None else body
    if not isinstance(body, dict):
        raise UsageError(f"invalid --from-file: expected an object, got {type(body).__name__}")
    return dict(body)


def _label(item: dict[str, Any], fields: tuple[str, ...]) -> str:
    return ", ".join(f"{f}={item.get(f)!r}" for f in fields if item.get(f) is not None)


def resolve_many(refs: Iterable[str], resolver: Callable[[str, "Listing"], str]) -> list[str]:
    """Resolve several refs, listing the collection at most once for all the names among them."""
    listing = Listing()
    return list(dict.fromkeys(resolver(ref, listing) for ref in refs))


class Listing:
    """A collection listed once, on first use, then reused."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] | None = None

    def get(self, fetch: Callable[[], Iterable[dict[str, Any]]]) -> list[dict[str, Any]]:
        if self.items is None:
            self.items = list(fetch())
        return self.items
