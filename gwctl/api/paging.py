"""Iterators over the three paging styles the products use.

Each yields pages (lists of items) so output can stream page by page, and is lazy:
with ``limit`` no page is fetched once enough items have been yielded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from gwctl.api.http import HttpClient

T = TypeVar("T")


def smaller_page(exc: Exception, count: int, param: str) -> int | None:
    """The page size to ask again with after a 400/422 refusing ``count`` items (the vendors document no
    maximum): the largest number below it the message names, else half; None when ``exc`` does not
    name the page-size parameter ``param``."""
    import json
    import re

    if getattr(exc, "http_status", None) not in (400, 422) or count <= 1:
        return None
    from gwctl.api.http import generic_error_message

    body = getattr(exc, "body", None)
    # The vendor's message, not the whole body: its other numbers (an error code of 400) are no size.
    text = generic_error_message(body) or (json.dumps(body) if body is not None else "")
    if not re.search(rf"\b{re.escape(param)}\b", text, re.IGNORECASE):
        return None
    numbers = [int(n) for n in re.findall(r"\d+", text) if 0 < int(n) < count]
    return max(numbers) if numbers else count // 2


def truncate(pages: Iterable[list[T]], limit: int | None) -> Iterator[list[T]]:
    """Pages cut so that at most ``limit`` items come out in total; empty pages are skipped."""
    iterator = iter(pages)
    remaining = limit
    while remaining is None or remaining > 0:
        # Checked before pulling the next page, so a lazy source is never asked for one too many.
        page = next(iterator, None)
        if page is None:
            return
        if remaining is not None:
            page = page[:remaining]
            remaining -= len(page)
        if page:
            yield page


def take(pages: Iterable[list[T]], limit: int | None = None) -> Iterator[T]:
    """The items of ``pages``, at most ``limit`` of them."""
    for page in truncate(pages, limit):
        yield from page


def offset_pages(
    fetch: Callable[[int, int], Sequence[T]], *, page_size: int, limit: int | None = None
) -> Iterator[list[T]]:
    """``fetch(offset, count)`` style (Pomerium offset/limit). Asks only for the items still wanted."""

    def pages() -> Iterator[list[T]]:
        offset = 0
        while limit is None or offset < limit:
            count = page_size if limit is None else min(page_size, limit - offset)
            page = list(fetch(offset, count))
            yield page[:count]  # a server that ignores count must not make us skip items
            if len(page) < count:
                return
            offset += count

    return truncate(pages(), limit)


def page_number_pages(
    fetch: Callable[[int, int], tuple[Sequence[T], int | None]],
    *,
    page_size: int,
    limit: int | None = None,
    first_page: int = 1,
) -> Iterator[list[T]]:
    """``fetch(page, page_size) -> (items, total)`` style (API7 page/page_size)."""

    def pages() -> Iterator[list[T]]:
        page_number, fetched = first_page, 0
        while True:
            items, total = fetch(page_number, page_size)
            page = list(items)
            fetched += len(page)
            yield page
            if len(page) < page_size or (total is not None and fetched >= total):
                return
            page_number += 1

    return truncate(pages(), limit)


def _first_page(client: HttpClient, url: str, query: dict[str, Any], param: str) -> Any:
    """The first page, asked again with fewer items while the server refuses the page size (the
    next links then carry the size it took)."""
    from gwctl.errors import ApiError

    for _ in range(4):
        try:
            return client.request("GET", url, params=query)
        except ApiError as exc:
            smaller = smaller_page(exc, int(query.get(param) or 0), param)
            if smaller is None:
                raise
            query[param] = smaller
    return client.request("GET", url, params=query)


def link_pages(
    client: HttpClient,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    items_key: str | None = "list",
    limit: int | None = None,
    page_size: int | None = None,
    page_size_param: str = "count",
) -> Iterator[list[Any]]:
    """GET ``path`` and follow RFC 5988 ``Link: <url>; rel="next"`` (OPA)."""

    def pages() -> Iterator[list[Any]]:
        first = dict(params or {})
        if page_size:
            first[page_size_param] = page_size if limit is None else min(page_size, limit)
        query: dict[str, Any] | None = first
        url: str | None = path
        seen: set[str] = set()
        while url is not None:
            response = _first_page(client, url, query, page_size_param) if query is first else client.request(
                "GET", url, params=query)
            seen.add(str(response.url))
            body = client.decode(response)
            from gwctl.api.base import listed_items

            page = list(listed_items(body, items_key, "GET", response.url.path))
            yield page
            next_link = response.links.get("next", {}).get("url")
            # The next URL carries its own query; resolve it against the page's URL, not base_url.
            next_url = response.url.join(next_link) if next_link and page else None
            if next_url is not None and (next_url.scheme, next_url.host, next_url.port) != (
                    response.url.scheme, response.url.host, response.url.port):
                # A link to another origin keeps its path and query but stays on this server,
                # so the profile's credentials are never sent anywhere else.
                next_url = response.url.copy_with(raw_path=next_url.raw_path)
            if next_url is not None and str(next_url) in seen:
                from gwctl.errors import ServerError

                raise ServerError(f"GET {next_url.path}: the server's Link rel=\"next\" points back at a page "
                                  "already fetched; stopping")
            url = str(next_url) if next_url is not None else None
            query = None

    return truncate(pages(), limit)
