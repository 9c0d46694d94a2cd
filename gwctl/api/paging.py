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


class Truncated(Iterator[list[T]]):
    """Pages cut so that at most ``limit`` items come out in total; empty pages are skipped.

    ``more`` tells whether the limit left items behind: True (a page was cut, or the source
    says another page is waiting), None (the limit ended on a full page and the source cannot
    tell), False (nothing was left behind, or no limit).
    """

    def __init__(self, pages: Iterable[list[T]], limit: int | None,
                 has_more: Callable[[], bool | None] | None = None) -> None:
        self._iterator = iter(pages)
        self._remaining = limit
        self._has_more = has_more
        self.limit = limit
        self.more: bool | None = False

    def __iter__(self) -> Truncated[T]:
        return self

    def __next__(self) -> list[T]:
        while self._remaining is None or self._remaining > 0:
            # Checked before pulling the next page, so a lazy source is never asked for one too many.
            page = next(self._iterator, None)
            if page is None:
                raise StopIteration
            if self._remaining is not None:
                if len(page) > self._remaining:
                    self.more = True
                page = page[:self._remaining]
                self._remaining -= len(page)
                if self._remaining == 0 and not self.more:
                    self.more = self._has_more() if self._has_more else None
            if page:
                return page
        raise StopIteration


def truncate(pages: Iterable[list[T]], limit: int | None,
             has_more: Callable[[], bool | None] | None = None) -> Truncated[T]:
    """Pages cut so that at most ``limit`` items come out in total (see Truncated)."""
    return Truncated(pages, limit, has_more)


class MappedPages(Iterator[list[Any]]):
    """``fn`` applied to every item of ``pages``, keeping the source's ``more``."""

    def __init__(self, pages: Iterable[list[Any]], fn: Callable[[Any], Any]) -> None:
        self._pages = pages
        self._iterator = iter(pages)
        self._fn = fn

    def __iter__(self) -> MappedPages:
        return self

    def __next__(self) -> list[Any]:
        return [self._fn(item) for item in next(self._iterator)]

    @property
    def more(self) -> bool | None:
        return getattr(self._pages, "more", False)


def take(pages: Iterable[list[T]], limit: int | None = None) -> Iterator[T]:
    """The items of ``pages``, at most ``limit`` of them."""
    for page in truncate(pages, limit):
        yield from page


def offset_pages(
    fetch: Callable[[int, int], Sequence[T]], *, page_size: int, limit: int | None = None
) -> Iterator[list[T]]:
    """``fetch(offset, count)`` style (Pomerium offset/limit). Asks only for the items still wanted."""

    full = [False]

    def pages() -> Iterator[list[T]]:
        offset = 0
        while limit is None or offset < limit:
            count = page_size if limit is None else min(page_size, limit - offset)
            page = list(fetch(offset, count))
            full[0] = len(page) >= count
            yield page[:count]  # a server that ignores count must not make us skip items
            if len(page) < count:
                return
            offset += count

    # A full last page may or may not be followed by more: unknown.
    return truncate(pages(), limit, lambda: None if full[0] else False)


def page_number_pages(
    fetch: Callable[[int, int], tuple[Sequence[T], int | None]],
    *,
    page_size: int,
    limit: int | None = None,
    first_page: int = 1,
) -> Iterator[list[T]]:
    """``fetch(page, page_size) -> (items, total)`` style (API7 page/page_size)."""

    state: dict[str, Any] = {"more": False}

    def pages() -> Iterator[list[T]]:
        page_number, fetched = first_page, 0
        while True:
            items, total = fetch(page_number, page_size)
            page = list(items)
            fetched += len(page)
            state["more"] = (None if len(page) >= page_size else False) if total is None else fetched < total
            yield page
            if len(page) < page_size or (total is not None and fetched >= total):
                return
            page_number += 1

    return truncate(pages(), limit, lambda: state["more"])


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

    waiting = [False]  # the last page had a rel="next"

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
            next_link = response.links.get("next", {}).get("url")
            # The next URL carries its own query; resolve it against the page's URL, not base_url.
            next_url = response.url.join(next_link) if next_link and page else None
            if next_url is not None and (next_url.scheme, next_url.host, next_url.port) != (
                    response.url.scheme, response.url.host, response.url.port):
                # A link to another origin keeps its path and query but stays on this server,
                # so the profile's credentials are never sent anywhere else.
                next_url = response.url.copy_with(raw_path=next_url.raw_path)
            loops = next_url is not None and str(next_url) in seen
            url = str(next_url) if next_url is not None else None
            waiting[0] = url is not None and not loops
            yield page
            if loops:
                from gwctl.errors import ServerError

                raise ServerError(f"GET {next_url.path}: the server's Link rel=\"next\" points back at a page "
                                  "already fetched; stopping")
            query = None

    return truncate(pages(), limit, lambda: waiting[0])
