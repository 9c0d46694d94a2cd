from __future__ import annotations

import httpx
import pytest

from gwctl.api.paging import link_pages, offset_pages, page_number_pages, take, truncate

ITEMS = list(range(7))


class OffsetApi:
    def __init__(self, items=ITEMS, ignore_count=False):
        self.items, self.ignore_count, self.calls = items, ignore_count, []

    def __call__(self, offset, count):
        self.calls.append((offset, count))
        return self.items[offset : offset + (10 if self.ignore_count else count)]


def test_offset_pages_walks_all_pages():
    api = OffsetApi()
    assert list(offset_pages(api, page_size=3, limit=None)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert api.calls == [(0, 3), (3, 3), (6, 3)]


def test_offset_pages_exact_multiple_needs_one_empty_page():
    api = OffsetApi(items=list(range(6)))
    assert list(take(offset_pages(api, page_size=3))) == list(range(6))
    assert api.calls == [(0, 3), (3, 3), (6, 3)]


def test_offset_pages_limit_asks_only_for_what_is_left():
    api = OffsetApi()
    assert list(offset_pages(api, page_size=3, limit=5)) == [[0, 1, 2], [3, 4]]
    assert api.calls == [(0, 3), (3, 2)]


def test_offset_pages_limit_zero_fetches_nothing():
    api = OffsetApi()
    assert list(offset_pages(api, page_size=3, limit=0)) == []
    assert api.calls == []


def test_offset_pages_server_ignoring_count_skips_nothing():
    api = OffsetApi(ignore_count=True)
    assert list(take(offset_pages(api, page_size=3))) == ITEMS


class NumberedApi:
    def __init__(self, items=ITEMS, with_total=True):
        self.items, self.with_total, self.calls = items, with_total, []

    def __call__(self, page, size):
        self.calls.append(page)
        start = (page - 1) * size
        return self.items[start : start + size], len(self.items) if self.with_total else None


def test_page_number_pages_stops_at_total():
    api = NumberedApi(items=list(range(6)))
    assert list(page_number_pages(api, page_size=3)) == [[0, 1, 2], [3, 4, 5]]
    assert api.calls == [1, 2]  # total says there is no page 3


def test_page_number_pages_without_total_stops_on_short_page():
    api = NumberedApi(with_total=False)
    assert list(page_number_pages(api, page_size=3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert api.calls == [1, 2, 3]


def test_page_number_pages_empty_result():
    api = NumberedApi(items=[])
    assert list(page_number_pages(api, page_size=3)) == []
    assert api.calls == [1]


def test_page_number_pages_limit_stops_early():
    api = NumberedApi()
    assert list(page_number_pages(api, page_size=3, limit=4)) == [[0, 1, 2], [3]]
    assert api.calls == [1, 2]


def test_page_number_pages_first_page_zero():
    calls = []

    def fetch(page, size):
        calls.append(page)
        return ITEMS[page * size : (page + 1) * size], None

    assert list(take(page_number_pages(fetch, page_size=3, first_page=0))) == ITEMS
    assert calls == [0, 1, 2]


def link_server(pages: list[list[int]], *, absolute: bool, rec_params: list):
    """Serves pages at /api/v0/gateways?offset=N with Link rel=next (absolute or server-relative)."""

    def handler(request: httpx.Request) -> httpx.Response:
        rec_params.append(dict(request.url.params))
        index = int(request.url.params.get("offset", "0"))
        headers = {}
        if index + 1 < len(pages):
            target = f"/api/v0/gateways?offset={index + 1}&count=3"
            link = f"http://api.test{target}" if absolute else target
            headers["Link"] = f'<{link}>; rel="next", <http://api.test/prev>; rel="prev"'
        return httpx.Response(200, json={"list": pages[index]}, headers=headers)

    return handler


@pytest.mark.parametrize("absolute", [True, False])
def test_link_pages_follows_next(make_client, absolute):
    seen: list = []
    client = make_client(link_server([[1, 2, 3], [4, 5, 6], [7]], absolute=absolute, rec_params=seen))
    pages = list(link_pages(client, "/gateways", params={"contains": "gw"}, page_size=3))
    assert pages == [[1, 2, 3], [4, 5, 6], [7]]
    assert seen == [{"contains": "gw", "count": "3"}, {"offset": "1", "count": "3"}, {"offset": "2", "count": "3"}]


def test_link_pages_limit_stops_early(make_client, rec):
    seen: list = []
    client = make_client(link_server([[1, 2, 3], [4, 5, 6], [7]], absolute=True, rec_params=seen))
    assert list(take(link_pages(client, "gateways", page_size=10, limit=2))) == [1, 2]
    assert seen == [{"count": "2"}]
    assert list(link_pages(client, "gateways", limit=4)) == [[1, 2, 3], [4]]
    assert len(rec.requests) == 3


def test_link_pages_bare_list_body(make_client):
    client = make_client(lambda r: httpx.Response(200, json=["a", "b"]))
    assert list(link_pages(client, "/things", items_key=None)) == [["a", "b"]]


def test_link_pages_stops_on_empty_page_even_with_next(make_client, rec):
    client = make_client(
        lambda r: httpx.Response(200, json={"list": []}, headers={"Link": '</api/v0/x?offset=1>; rel="next"'})
    )
    assert list(link_pages(client, "/x")) == []
    assert len(rec.requests) == 1


def test_take_and_truncate_are_lazy():
    pulled = []

    def pages():
        for n in range(5):
            pulled.append(n)
            yield [n * 10, n * 10 + 1]

    assert list(take(pages(), 3)) == [0, 1, 10]
    assert pulled == [0, 1]
    assert list(truncate([[1, 2], [], [3, 4]], None)) == [[1, 2], [3, 4]]
    assert list(truncate([[1, 2], [3, 4]], 3)) == [[1, 2], [3]]
    assert list(take([[1], [2]], None)) == [1, 2]
