"""One shared back-off per command: a 429 holds back every worker until the time the server named,
so the workers of a bulk command do not each retry into the rate limit."""

from __future__ import annotations

import threading

import httpx

from gwctl.api.http import ClientConfig, HttpClient


def test_a_429_holds_back_every_thread_until_the_servers_time():
    now = [1000.0]
    events: list[tuple[str, str]] = []
    hold_started = threading.Event()
    lock = threading.Lock()
    answered = []

    def sleep(seconds: float) -> None:
        with lock:
            events.append((threading.current_thread().name, f"sleep {seconds:g}"))
        hold_started.set()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            first = not answered
            answered.append(request.url.path)
            events.append((threading.current_thread().name, f"DELETE {request.url.path}"))
        return httpx.Response(429, headers={"Retry-After": "5"}) if first else httpx.Response(204)

    client = HttpClient(ClientConfig(base_url="http://api.test", product="t", transport=httpx.MockTransport(handler),
                                     clock=lambda: now[0], sleep=sleep))

    def worker(path: str, after: threading.Event | None = None) -> None:
        if after is not None:
            after.wait(5)
        client.delete(path)

    first = threading.Thread(target=worker, args=("/a",), name="A")
    second = threading.Thread(target=worker, args=("/b", hold_started), name="B")
    first.start(), second.start()
    first.join(), second.join()
    assert [e for e in events if e[0] == "A"] == [("A", "DELETE /a"), ("A", "sleep 5"), ("A", "DELETE /a")]
    # B had no 429 of its own, but it waits out A's before it sends anything
    assert [e for e in events if e[0] == "B"] == [("B", "sleep 5"), ("B", "DELETE /b")]
    assert sum(1 for _, what in events if what.startswith("DELETE")) == 3  # one 429 in all
    events.clear()
    now[0] += 6  # the hold is over: nobody waits any more
    worker("/c")
    assert events == [("MainThread", "DELETE /c")]


def test_bulk_delete_shares_one_pause_after_a_429(sandbox, sleeps):
    box = sandbox("opa")
    ids = [box.emulator.add_gateway(None, f"bulk-{n}")["id"] for n in range(40)]
    box.emulator.clear_log()
    box.emulator.fail_next(1, status=429, headers={"Retry-After": "2"}, method="DELETE")
    result = box.run("opa", "gateways", "delete", *ids, "--yes", "--concurrency", "32")
    assert result.code == 0, result.err
    assert result.err.count("deleted gateway") == 40
    deletes = [r for r in box.emulator.requests if r.method == "DELETE"]
    assert len(deletes) == 41  # the one refused, then every gateway once
    assert not set(ids) & set(box.emulator.gateways)
    assert sleeps and all(0 < s <= 2 for s in sleeps)  # no worker adds a back-off of its own on top
    assert max(sleeps) == 2


def test_concurrency_goes_up_to_32(sandbox):
    box = sandbox("opa")
    result = box.run("opa", "gateways", "delete", "x", "--yes", "--concurrency", "33")
    assert result.code == 2 and "33 is not in the range 1<=x<=32" in result.err
