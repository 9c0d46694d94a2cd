from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from gwctl import errors
from gwctl.api.auth import BasicAuth, BearerAuth, ExchangedTokenAuth, HeaderAuth, MemoryTokenCache


class Exchanger:
    """Hands out token-1, token-2, ... each valid for ``ttl`` seconds on a fake clock."""

    def __init__(self, clock: list[float], ttl: float = 3600.0) -> None:
        self.clock, self.ttl, self.calls = clock, ttl, 0

    def __call__(self) -> tuple[str, float]:
        self.calls += 1
        return f"token-{self.calls}", self.clock[0] + self.ttl


def make_auth(exchange, clock, **kw):
    return ExchangedTokenAuth(exchange, cache=kw.pop("cache", None), cache_key="opa:acme", clock=lambda: clock[0], **kw)


def accept(tokens: set[str]):
    def handler(request: httpx.Request) -> httpx.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return (
            httpx.Response(200, json={"token": token})
            if token in tokens
            else httpx.Response(401, json={"message": "expired"})
        )

    return handler


def test_static_strategies(make_client, rec):
    make_client(accept(set()), auth=HeaderAuth("X-API-KEY", "k-1"), max_retries=0).request("GET", "/x", ok={401})
    make_client(accept({"t"}), auth=BearerAuth("t")).get("/x")
    make_client(accept(set()), auth=BasicAuth("u", "p")).request("GET", "/x", ok={401})
    assert rec.requests[0].headers["X-API-KEY"] == "k-1"
    assert rec.requests[1].headers["Authorization"] == "Bearer t"
    assert rec.requests[2].headers["Authorization"].startswith("Basic ")


def test_token_cached_across_requests(make_client, rec):
    clock = [1000.0]
    exchange = Exchanger(clock)
    auth = make_auth(exchange, clock)
    client = make_client(accept({"token-1"}), auth=auth)
    assert client.get("/a") == {"token": "token-1"}
    assert client.get("/b") == {"token": "token-1"}
    assert auth.exchanges == exchange.calls == 1
    assert auth.cache.get("opa:acme") == ("token-1", 4540.0)  # refresh 60 s before expiry


def test_refresh_ahead_of_expiry(make_client):
    clock = [1000.0]
    exchange = Exchanger(clock, ttl=300)
    auth = make_auth(exchange, clock, refresh_margin=60)
    client = make_client(accept({"token-1", "token-2"}), auth=auth)
    client.get("/a")
    clock[0] = 1239.0  # expires at 1300: still more than 60 s left
    assert client.get("/b") == {"token": "token-1"}
    clock[0] = 1241.0  # within the margin: refresh before the server says 401
    assert client.get("/c") == {"token": "token-2"}
    assert auth.exchanges == 2


def test_401_re_exchanges_once_and_retries_with_body(make_client, rec):
    clock = [1000.0]
    cache = MemoryTokenCache()
    cache.set("opa:acme", "stale-token", 9999.0)  # e.g. from an earlier run, revoked since
    auth = make_auth(Exchanger(clock), clock, cache=cache)
    client = make_client(accept({"token-1"}), auth=auth)
    assert client.put("/things/1", json={"name": "n"}) == {"token": "token-1"}
    assert auth.exchanges == 1
    assert [r.headers["Authorization"] for r in rec.requests] == ["Bearer stale-token", "Bearer token-1"]
    assert [json.loads(r.content) for r in rec.requests] == [{"name": "n"}] * 2
    assert cache.get("opa:acme") == ("token-1", 4540.0)
    assert rec.sleeps == []


def test_second_401_is_returned(make_client, rec):
    clock = [1000.0]
    cache = MemoryTokenCache()
    cache.set("opa:acme", "stale-token", 9999.0)
    auth = make_auth(Exchanger(clock), clock, cache=cache)
    client = make_client(accept(set()), auth=auth)
    with pytest.raises(errors.Unauthorized, match="401 Unauthorized: expired"):
        client.get("/x")
    assert auth.exchanges == 1
    assert len(rec.requests) == 2


def test_fresh_token_rejected_is_not_exchanged_again(make_client, rec):
    clock = [1000.0]
    auth = make_auth(Exchanger(clock), clock)
    with pytest.raises(errors.Unauthorized):
        make_client(accept(set()), auth=auth).get("/x")
    assert auth.exchanges == 1
    assert len(rec.requests) == 1


def test_custom_header_without_scheme_and_on_token(make_client, rec):
    clock = [1000.0]
    client = make_client(lambda r: httpx.Response(200, json={}), verbosity=3)
    auth = make_auth(Exchanger(clock), clock, header="X-Vault-Token", scheme=None, on_token=client.redactor.add)
    client.get("/x", auth=auth)
    assert rec.requests[0].headers["X-Vault-Token"] == "token-1"
    assert "token-1" in client.redactor.secrets


def test_exchange_through_the_same_client(make_client, rec):
    """The product's exchange() posts to the token endpoint with auth=None on the same client."""

    def server(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/service_token"):
            return httpx.Response(200, json={"bearer_token": "fresh-token", "expires_at": 5000})
        return accept({"fresh-token"})(request)

    client = make_client(server)

    def exchange() -> tuple[str, float]:
        body = client.post("/service_token", json={"key_id": "kid", "key_secret": "ks"}, auth=None)
        return body["bearer_token"], float(body["expires_at"])

    auth = ExchangedTokenAuth(exchange, cache=None, cache_key="k", clock=lambda: 1000.0)
    assert client.get("/gateways", auth=auth) == {"token": "fresh-token"}
    assert [r.url.path for r in rec.requests] == ["/api/v0/service_token", "/api/v0/gateways"]
    assert "Authorization" not in rec.requests[0].headers


def test_concurrent_requests_share_one_exchange(make_client):
    def slow_exchange() -> tuple[str, float]:
        time.sleep(0.01)  # widen the race window
        return "token-1", time.time() + 3600

    auth = ExchangedTokenAuth(slow_exchange, cache=None, cache_key="k")
    client = make_client(accept({"token-1"}), auth=auth)
    threads = [threading.Thread(target=client.get, args=("/x",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert auth.exchanges == 1
