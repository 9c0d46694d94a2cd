"""Helpers for the transport tests: a client over httpx.MockTransport that never sleeps."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from gwctl.api.http import ClientConfig, HttpClient


class Recorder:
    """What the client did: requests seen by the fake server, sleeps, log lines."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self.lines: list[str] = []


Handler = Callable[[httpx.Request], httpx.Response]


def scripted(*responses: httpx.Response | Exception) -> Handler:
    """A handler answering with each response (or raising each exception) in turn."""
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def make_client(rec: Recorder) -> Iterator[Callable[..., HttpClient]]:
    clients: list[HttpClient] = []

    def make(handler: Handler, *, auth: httpx.Auth | None = None, **overrides: Any) -> HttpClient:
        def recording(request: httpx.Request) -> httpx.Response:
            # A snapshot: an auth flow re-sends the same Request object with new headers.
            rec.requests.append(
                httpx.Request(request.method, request.url, headers=request.headers.copy(), content=request.read())
            )
            return handler(request)

        options: dict[str, Any] = {
            "base_url": "http://api.test/api/v0",
            "product": "test",
            "transport": httpx.MockTransport(recording),
            "sleep": rec.sleeps.append,
            "log": rec.lines.append,
            "rng": random.Random(7),
        }
        options.update(overrides)
        client = HttpClient(ClientConfig(**options), auth=auth)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
