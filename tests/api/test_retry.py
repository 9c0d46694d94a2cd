from __future__ import annotations

import email.utils

import httpx
import pytest

from gwctl import errors
from gwctl.api.http import epoch_reset_header, parse_retry_after
from tests.api.conftest import scripted

NOW = 1_800_000_000.0


def test_503_503_200_sleeps_twice_with_full_jitter(make_client, rec):
    client = make_client(
        scripted(httpx.Response(503), httpx.Response(503), httpx.Response(200, json={"ok": True})), verbosity=1
    )
    assert client.get("/x") == {"ok": True}
    assert len(rec.requests) == 3
    assert len(rec.sleeps) == 2
    assert 0 <= rec.sleeps[0] <= 0.5 and 0 <= rec.sleeps[1] <= 1.0
    assert [line for line in rec.lines if line.startswith("retry")] == [
        f"retry 1/3 in {rec.sleeps[0]:.1f}s after 503",
        f"retry 2/3 in {rec.sleeps[1]:.1f}s after 503",
    ]


def test_backoff_is_capped(make_client, rec):
    client = make_client(lambda r: httpx.Response(500), max_retries=6, backoff_base=1.0, backoff_cap=2.0)
    with pytest.raises(errors.RemoteServerError):
        client.get("/x")
    assert len(rec.sleeps) == 6 and max(rec.sleeps) <= 2.0


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"])
def test_retryable_statuses_on_idempotent_methods(make_client, rec, method, status):
    client = make_client(scripted(httpx.Response(status), httpx.Response(200)))
    assert client.request(method, "/x").status_code == 200
    assert len(rec.sleeps) == 1


def test_exhausted_retries_raise_last_status(make_client, rec):
    client = make_client(lambda r: httpx.Response(502, json={"message": "upstream down"}))
    with pytest.raises(errors.RemoteServerError, match="502 Bad Gateway: upstream down"):
        client.get("/x")
    assert len(rec.requests) == 4 and len(rec.sleeps) == 3


def test_non_retryable_status_is_not_retried(make_client, rec):
    with pytest.raises(errors.NotFound):
        make_client(lambda r: httpx.Response(404)).get("/x")
    assert len(rec.requests) == 1 and rec.sleeps == []


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_and_patch_never_retried_on_status(make_client, rec, method):
    with pytest.raises(errors.RemoteServerError):
        make_client(lambda r: httpx.Response(503)).request(method, "/x", json={"a": 1})
    assert len(rec.requests) == 1 and rec.sleeps == []


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_read_timeout_not_retried_for_post_and_patch(make_client, rec, method):
    client = make_client(scripted(httpx.ReadTimeout("slow")))
    with pytest.raises(errors.TimeoutError_):
        client.request(method, "/x", json={})
    assert rec.sleeps == []


def test_retry_after_delta_seconds_wins_over_jitter(make_client, rec):
    client = make_client(scripted(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)))
    client.get("/x")
    assert rec.sleeps == [7.0]


def test_retry_after_http_date(make_client, rec):
    date = email.utils.formatdate(NOW + 30, usegmt=True)
    client = make_client(
        scripted(httpx.Response(503, headers={"Retry-After": date}), httpx.Response(200)), clock=lambda: NOW
    )
    client.get("/x")
    assert rec.sleeps == [30.0]


def test_retry_after_in_the_past_means_now(make_client, rec):
    date = email.utils.formatdate(NOW - 30, usegmt=True)
    client = make_client(
        scripted(httpx.Response(503, headers={"Retry-After": date}), httpx.Response(200)), clock=lambda: NOW
    )
    client.get("/x")
    assert rec.sleeps == [0.0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12.0),
        ("0.5", 0.5),
        ("Thu, 15 Jan 2027 08:00:10 GMT", 10.0),
        ("Thu, 15 Jan 2027 08:00:10 -0000", 10.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, expected):
    now = email.utils.parsedate_to_datetime("Thu, 15 Jan 2027 08:00:00 GMT").timestamp()
    assert parse_retry_after(value, now) == expected


def test_reset_header_hook(make_client, rec):
    hook = epoch_reset_header("X-RateLimit-Retry-At", clock=lambda: NOW)
    client = make_client(
        scripted(httpx.Response(429, headers={"X-RateLimit-Retry-At": str(int(NOW + 4))}), httpx.Response(200)),
        reset_header=hook,
    )
    client.get("/x")
    assert rec.sleeps == [4.0]


def test_server_delay_over_cap_stops_retrying(make_client, rec):
    client = make_client(lambda r: httpx.Response(429, headers={"Retry-After": "600"}), retry_after_cap=120)
    with pytest.raises(errors.RateLimited) as info:
        client.get("/x")
    assert info.value.retry_after == 600.0
    assert len(rec.requests) == 1 and rec.sleeps == []


def test_rate_limited_after_retries_carries_retry_after(make_client, rec):
    client = make_client(lambda r: httpx.Response(429, headers={"Retry-After": "2"}), max_retries=2)
    with pytest.raises(errors.RateLimitedError) as info:
        client.get("/x")
    assert info.value.retry_after == 2.0
    assert rec.sleeps == [2.0, 2.0]


def test_connect_error_retried_even_for_post(make_client, rec):
    client = make_client(
        scripted(httpx.ConnectError("refused"), httpx.ConnectError("refused"), httpx.Response(201, json={})),
        verbosity=1,
    )
    assert client.post("/x", json={"a": 1}) == {}
    assert len(rec.sleeps) == 2
    assert next(line for line in rec.lines if line.startswith("retry")).endswith("after ConnectError")


def test_connect_error_exhausted_is_network_error(make_client, rec):
    client = make_client(lambda r: (_ for _ in ()).throw(httpx.ConnectError("[Errno 111] Connection refused")))
    with pytest.raises(errors.NetworkError, match=r"cannot reach api.test: \[Errno 111\] Connection refused"):
        client.get("/x")
    assert len(rec.sleeps) == 3


def test_connect_timeout_is_network_error(make_client):
    client = make_client(lambda r: (_ for _ in ()).throw(httpx.ConnectTimeout("timed out")), max_retries=0)
    with pytest.raises(errors.NetworkError, match=r"cannot reach api\.test"):
        client.get("/x")


def test_read_timeout_after_retries_is_timeout_error(make_client, rec):
    client = make_client(lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("timed out")))
    with pytest.raises(errors.TimeoutError_, match=r"GET /api/v0/x: no answer from api.test after 4 attempt\(s\)"):
        client.get("/x")
    assert len(rec.requests) == 4 and len(rec.sleeps) == 3


def test_read_timeout_then_success(make_client, rec):
    client = make_client(scripted(httpx.ReadTimeout("slow"), httpx.Response(200, json=[1])))
    assert client.get("/x") == [1]


def test_retried_request_resends_body(make_client, rec):
    client = make_client(scripted(httpx.Response(503), httpx.Response(200)))
    client.request("PUT", "/x", json={"name": "n"})
    assert [r.content for r in rec.requests] == [b'{"name":"n"}'] * 2


# -- the resend property of a request: creates and mints ------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 425])
@pytest.mark.parametrize(("method", "idempotent"), [("POST", None), ("PATCH", None), ("PUT", False)])
def test_a_create_or_mint_is_never_resent_after_a_5xx(make_client, rec, method, idempotent, status):
    client = make_client(lambda r: httpx.Response(status, headers={"Retry-After": "1"}))
    with pytest.raises(errors.ApiError):
        client.request(method, "/x", json={}, idempotent=idempotent)
    assert len(rec.requests) == 1 and rec.sleeps == []


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("slow"), httpx.ReadError("reset"),
                                 httpx.RemoteProtocolError("peer closed connection without sending complete body")])
def test_a_mint_is_never_resent_after_it_may_have_arrived(make_client, rec, exc):
    client = make_client(scripted(exc, httpx.Response(200, json={})))
    with pytest.raises(errors.GwctlError) as info:
        client.request("PUT", "/tokens/1/regenerate", json={}, idempotent=False)
    assert len(rec.requests) == 1 and rec.sleeps == []
    assert "may have been applied" in (info.value.hint or "")


def test_a_create_is_resent_after_a_429_with_retry_after(make_client, rec):
    client = make_client(scripted(httpx.Response(429, headers={"Retry-After": "3"}), httpx.Response(201, json={})))
    assert client.post("/x", json={"a": 1}) == {}
    assert len(rec.requests) == 2 and rec.sleeps == [3.0]


def test_a_create_is_resent_after_a_429_with_the_vendor_reset_header(make_client, rec):
    hook = epoch_reset_header("X-RateLimit-Retry-At", clock=lambda: NOW)
    client = make_client(
        scripted(httpx.Response(429, headers={"X-RateLimit-Retry-At": str(int(NOW + 4))}), httpx.Response(201)),
        reset_header=hook,
    )
    client.request("POST", "/x", json={})
    assert rec.sleeps == [4.0]


def test_a_429_that_says_nothing_is_not_a_reason_to_resend_a_create(make_client, rec):
    """Gatekeeper's 429 on /token means "used up", not "slow down": no header, no resend."""
    client = make_client(lambda r: httpx.Response(429))
    with pytest.raises(errors.RateLimited):
        client.post("/token", json={})
    assert len(rec.requests) == 1 and rec.sleeps == []


def test_a_vendor_whose_429_always_means_throttled_waits_its_own_time(make_client, rec):
    client = make_client(scripted(httpx.Response(429), httpx.Response(201)), throttle_wait=(5.0, 10.0))
    client.post("/x", json={})
    assert len(rec.sleeps) == 1 and 5.0 <= rec.sleeps[0] <= 10.0


def test_a_create_throttled_for_longer_than_the_cap_is_not_resent(make_client, rec):
    client = make_client(lambda r: httpx.Response(429, headers={"Retry-After": "600"}), retry_after_cap=120)
    with pytest.raises(errors.RateLimited):
        client.post("/x", json={})
    assert len(rec.requests) == 1


def test_a_create_is_resent_once_after_a_401_and_a_fresh_login(make_client, rec):
    from gwctl.api.auth import ExchangedTokenAuth, MemoryTokenCache

    cache = MemoryTokenCache()
    cache.set("k", "stale", NOW * 2)
    auth = ExchangedTokenAuth(lambda: ("fresh", NOW * 2), cache=cache, cache_key="k")
    client = make_client(
        lambda r: httpx.Response(201, json={}) if r.headers["Authorization"] == "Bearer fresh" else httpx.Response(401),
        auth=auth,
    )
    assert client.post("/x", json={"a": 1}) == {}
    assert [r.headers["Authorization"] for r in rec.requests] == ["Bearer stale", "Bearer fresh"]


def test_the_resend_property_is_set_on_the_request(make_client, rec):
    from gwctl.api.http import IDEMPOTENT

    client = make_client(lambda r: httpx.Response(200))
    assert client.request("PUT", "/x", idempotent=False).request.extensions[IDEMPOTENT] is False
    assert client.request("PUT", "/x").request.extensions[IDEMPOTENT] is True
    assert client.request("POST", "/x").request.extensions[IDEMPOTENT] is False


def test_an_expected_object_that_is_missing_is_exit_8(make_client, rec):
    client = make_client(lambda r: httpx.Response(200, content=b""))
    with pytest.raises(errors.ServerError, match=r"GET /api/v0/x: the server answered an empty body instead of a JSON object"):
        client.get("/x", expect=dict)
    client = make_client(lambda r: httpx.Response(200, json=[1]))
    with pytest.raises(errors.ServerError, match="a JSON array instead of a JSON object"):
        client.get("/x", expect=dict)
