"""The emulator framework (gwctl.sandbox.base), exercised through a toy product."""

from __future__ import annotations

import json

import httpx
import pytest
from sandbox_helpers import Toy, wsgi_client

from gwctl.sandbox import registry
from gwctl.sandbox.base import Emulator, rfc3339
from gwctl.sandbox.gatekeeper import GatekeeperEmulator


@pytest.fixture
def toy(sleeps):
    return Toy(sleep=sleeps.append)


@pytest.fixture
def client(toy):
    with wsgi_client(toy) as c:
        yield c


# -- routing ----------------------------------------------------------------------------


def test_routes_are_mounted_under_base_path(client):
    assert client.get("/api/items").json() == {"items": [{"id": "a1", "name": "first"}]}
    assert client.get("/api/items/a1").json() == {"id": "a1", "name": "first"}
    assert client.get("/items").status_code == 404


def test_handler_can_return_a_response_and_abort_in_the_vendor_shape(client, toy):
    created = client.post("/api/items", json={"id": "b2"})
    assert (created.status_code, created.headers["location"]) == (201, "/api/items/b2")
    assert client.delete("/api/items/b2").status_code == 200
    missing = client.get("/api/items/b2")
    assert (missing.status_code, missing.json()) == (404, {"code": 404, "message": "item b2 not found"})


def test_unknown_path_is_a_vendor_shaped_404_without_redirects(client):
    for path in ("/api/nope", "/api/items/", "/api//items"):
        response = client.get(path)
        assert (response.status_code, response.json()) == (404, {"code": 404, "message": "Not Found"}), path


def test_wrong_method_is_405_with_allow(client):
    response = client.put("/api/items/a1")
    assert (response.status_code, response.json()["message"]) == (405, "Method Not Allowed")
    assert response.headers["allow"] == "DELETE, GET, HEAD"


def test_every_emulator_needs_its_own_error_shape():
    class Bare(Emulator):
        product = "bare"

    with wsgi_client(Bare()) as c, pytest.raises(NotImplementedError):
        c.get("/anything")


# -- request log ----------------------------------------------------------------------------


def test_request_log_records_every_request(client, toy):
    client.get("/api/items", params={"tag": ["x", "y"]}, headers={"X-Trace": "t1"})
    client.post("/api/items", content=b'{"id": "c3"}', headers={"Content-Type": "application/json"})
    client.post("/api/items/c3", content=b"not json")

    listed, created, refused = toy.requests
    assert (listed.method, listed.path, listed.query.getlist("tag")) == ("GET", "/api/items", ["x", "y"])
    assert listed.headers["X-Trace"] == "t1" and listed.body == b"" and listed.json is None
    assert (created.body, created.json) == (b'{"id": "c3"}', {"id": "c3"})
    assert (refused.body, refused.json) == (b"not json", None)


def test_calls_filters_by_method_and_path_pattern(client, toy):
    client.get("/api/items")
    client.get("/api/items/a1")
    client.delete("/api/items/a1")
    assert [c.method for c in toy.calls(path="/api/items/*")] == ["GET", "DELETE"]
    assert [c.path for c in toy.calls("get")] == ["/api/items", "/api/items/a1"]
    assert toy.calls("DELETE", "/api/items") == []
    toy.clear_log()
    assert toy.requests == []


def test_reset_restores_the_seed_and_forgets_log_and_faults(client, toy):
    client.delete("/api/items/a1")
    toy.fail_next()
    toy.reset()
    assert toy.items == {"a1": {"id": "a1", "name": "first"}}
    assert toy.requests == [] and toy.pending_faults() == []


def test_without_seed_the_state_is_empty():
    toy = Toy(seed=False)
    assert toy.items == {}
    toy.reset()
    assert toy.items == {}


def test_profile_defaults():
    toy = Toy()
    assert (toy.credentials(), toy.profile_options()) == ({}, {})
    assert toy.profile_url("http://127.0.0.1:8080/") == "http://127.0.0.1:8080/api"


def test_rfc3339():
    assert rfc3339(1_790_000_000) == "2026-09-21T14:13:20Z"
    assert rfc3339(1_790_000_000.25) == "2026-09-21T14:13:20.25Z"


# -- faults, in-process -------------------------------------------------------------------


def test_fail_next_uses_the_vendor_error_shape_and_is_consumed(client, toy):
    toy.fail_next(2, headers={"Retry-After": "7"})
    for _ in range(2):
        response = client.get("/api/items")
        assert (response.status_code, response.headers["retry-after"]) == (503, "7")
        assert response.json() == {"code": 503, "message": "Service Unavailable"}
    assert client.get("/api/items").status_code == 200
    assert toy.pending_faults() == []
    assert len(toy.calls("GET", "/api/items")) == 3  # faulted requests are logged too


def test_fail_next_does_not_run_the_handler(client, toy):
    toy.fail_next(status=500, method="POST")
    assert client.post("/api/items", json={"id": "z9"}).status_code == 500
    assert "z9" not in toy.items


def test_fail_next_custom_bodies(client, toy):
    toy.fail_next(status=429, body={"errors": ["slow down"]})
    toy.fail_next(status=502, body="<html>bad gateway</html>", headers={"Content-Type": "text/html"})
    first, second = client.get("/api/items"), client.get("/api/items")
    assert (first.status_code, first.json()) == (429, {"errors": ["slow down"]})
    assert (second.status_code, second.headers["content-type"], second.text) == (
        502,
        "text/html",
        "<html>bad gateway</html>",
    )


def test_faults_match_method_and_path_in_queue_order(client, toy):
    toy.fail_next(status=500, method="DELETE")
    toy.fail_next(status=502, path="/api/items/*")
    toy.fail_next(status=504, path="/api/items/*")
    assert client.get("/api/items").status_code == 200  # matches none
    assert client.get("/api/items/a1").status_code == 502  # the DELETE fault does not match
    assert client.delete("/api/items/a1").status_code == 500
    assert [(f.status, f.remaining) for f in toy.pending_faults()] == [(504, 1)]


def test_fault_count_must_be_positive(toy):
    with pytest.raises(ValueError):
        toy.fail_next(0)


def test_delay_next_sleeps_then_answers_normally(client, toy, sleeps):
    toy.delay_next(2.5, n=2, path="/api/items")
    for _ in range(3):
        assert client.get("/api/items").status_code == 200
    assert sleeps == [2.5, 2.5]


def test_malformed_next_returns_invalid_json(client, toy):
    toy.malformed_next(method="GET")
    response = client.get("/api/items/a1")
    assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert client.get("/api/items/a1").json()["id"] == "a1"


def test_cut_next_in_process_raises_like_a_dropped_connection_after_the_handler_ran(client, toy):
    toy.cut_next(method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/api/items", json={"id": "d4", "name": "x" * 40})
    assert "d4" in toy.items
    assert client.get("/api/items/d4").status_code == 200


# -- registry -----------------------------------------------------------------------------


def test_registry_loads_emulators_lazily(monkeypatch):
    assert registry.load("gatekeeper") is GatekeeperEmulator
    with pytest.raises(KeyError):
        registry.load("nope")
    monkeypatch.setitem(registry.EMULATORS, "future", "gwctl.sandbox.not_written_yet:Future")
    available = registry.available()
    assert "gatekeeper" in available and "future" not in available
    assert available == [p for p in registry.EMULATORS if p != "future"]
