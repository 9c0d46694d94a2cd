"""Emulators on a real loopback socket (gwctl.sandbox.server)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sandbox_helpers import Toy

from gwctl.sandbox.gatekeeper import GatekeeperEmulator
from gwctl.sandbox.server import serve

pytestmark = pytest.mark.slow


@pytest.fixture
def toy():
    return Toy(sleep=time.sleep)  # a real delay: the client's socket timeout must fire


@pytest.fixture
def server(toy):
    with serve(toy) as running:
        yield running


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.url, timeout=0.2) as c:
        yield c


def test_serves_on_loopback(server, client, toy):
    assert server.url == f"http://127.0.0.1:{server.port}" and server.port > 0
    assert server.app is toy
    assert client.get("/api/items/a1").json() == {"id": "a1", "name": "first"}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "localhost", "::1"])
def test_refuses_to_bind_anything_but_ipv4_loopback(host):
    with pytest.raises(ValueError):
        serve(Toy(), host=host)


def test_stop_closes_the_port():
    running = serve(Toy())
    running.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(running.url + "/api/items", timeout=0.5)


def test_fail_next_with_retry_after(client, toy):
    toy.fail_next(status=429, headers={"Retry-After": "1"})
    limited = client.get("/api/items")
    assert (limited.status_code, limited.headers["retry-after"], limited.json()["code"]) == (429, "1", 429)
    assert client.get("/api/items").status_code == 200


def test_malformed_next(client, toy):
    toy.malformed_next()
    with pytest.raises(json.JSONDecodeError):
        client.get("/api/items").json()


def test_cut_next_drops_the_connection_mid_body(client, toy):
    toy.cut_next(method="POST")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/api/items", json={"id": "e5"})
    assert "e5" in toy.items


def test_delay_next_makes_the_client_time_out_while_others_are_served(client, toy):
    toy.delay_next(0.5)
    with pytest.raises(httpx.ReadTimeout):
        client.get("/api/items")
    assert client.get("/api/items").status_code == 200
    assert toy.pending_faults() == [] and len(toy.calls()) == 2


def test_gatekeeper_token_then_unwrap_at_the_returned_vault_addr():
    with serve(GatekeeperEmulator()) as running, httpx.Client(timeout=2) as c:
        issued = c.post(running.url + "/token", json={"task_id": "web-task"}).json()
        assert issued["vault_addr"] == running.url
        unwrapped = c.post(issued["vault_addr"] + "/v1/sys/wrapping/unwrap", headers={"X-Vault-Token": issued["token"]})
        assert unwrapped.json()["auth"]["policies"] == ["default", "web"]


def test_concurrent_requests_are_serialised_by_the_lock():
    gk = GatekeeperEmulator()
    with serve(gk) as running, httpx.Client(base_url=running.url, timeout=5) as c:
        with ThreadPoolExecutor(8) as pool:
            statuses = sorted(pool.map(lambda _: c.post("/token", json={"task_id": "web-task"}).status_code, range(8)))
    assert statuses == [200, 200, 200] + [429] * 5
    assert gk.stats == {"requests": 8, "successful": 3, "denied": 5, "failed": 0}
