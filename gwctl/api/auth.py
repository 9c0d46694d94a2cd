"""httpx.Auth strategies shared by the products: static headers and exchanged short-lived tokens."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from typing import Protocol

import httpx

BasicAuth = httpx.BasicAuth


class HeaderAuth(httpx.Auth):
    """A fixed credential header, e.g. ``X-API-KEY: <key>``."""

    def __init__(self, header: str, value: str) -> None:
        self.header = header
        self.value = value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self.header] = self.value
        yield request


class BearerAuth(HeaderAuth):
    def __init__(self, token: str) -> None:
        super().__init__("Authorization", f"Bearer {token}")


class TokenCache(Protocol):
    """Where exchanged tokens live between calls (and, for the config layer's cache, between runs)."""

    def get(self, key: str) -> tuple[str, float] | None: ...  # (token, expires_at epoch seconds)

    def set(self, key: str, token: str, expires_at: float) -> None: ...

    def delete(self, key: str) -> None: ...


class MemoryTokenCache:
    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[str, float] | None:
        with self._lock:
            return self._tokens.get(key)

    def set(self, key: str, token: str, expires_at: float) -> None:
        with self._lock:
            self._tokens[key] = (token, expires_at)

    def delete(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)


class ExchangedTokenAuth(httpx.Auth):
    """A short-lived token from ``exchange()``: cached, refreshed ahead of expiry, re-fetched once on 401.

    ``exchange`` returns ``(token, expires_at)`` and does its own HTTP call (with ``auth=None``).
    ``on_token`` is called with every token used, so a client's redactor can learn it.

    The cache holds the time to refresh, not the expiry: ``refresh_margin`` before it, or a
    quarter of the lifetime for short-lived tokens, so a server issuing 60 s tokens still
    gets one exchange per token, not one per request.
    """

    # Read the 401 body before exchange() runs so its connection is back in the pool.
    requires_response_body = True

    def __init__(
        self,
        exchange: Callable[[], tuple[str, float]],
        *,
        cache: TokenCache | None,
        cache_key: str | Callable[[], str],
        header: str = "Authorization",
        scheme: str | None = "Bearer",
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        self._exchange = exchange
        self.cache: TokenCache = cache if cache is not None else MemoryTokenCache()
        self._cache_key = cache_key
        self.header = header
        self.scheme = scheme
        self.refresh_margin = refresh_margin
        self.clock = clock
        self.on_token = on_token
        self.exchanges = 0
        self._lock = threading.Lock()

    @property
    def cache_key(self) -> str:
        """Where the token is cached; a callable key is asked each time (it follows the client's
        current credentials, e.g. after a rotation stored a new secret)."""
        return self._cache_key() if callable(self._cache_key) else self._cache_key

    def _token(self, rejected: str | None = None) -> tuple[str, bool]:
        """(token, freshly exchanged). ``rejected`` is a token the server just answered 401 to."""
        with self._lock:
            cached = self.cache.get(self.cache_key)
            if cached is not None and cached[0] == rejected:
                self.cache.delete(self.cache_key)
                cached = None
            # Another thread may already have replaced a rejected token: use that one.
            if cached is not None and cached[1] > self.clock():
                token, fresh = cached[0], False
            else:
                token, expires_at = self._exchange()
                self.exchanges += 1
                lifetime = max(0.0, expires_at - self.clock())
                self.cache.set(self.cache_key, token, expires_at - min(self.refresh_margin, lifetime / 4))
                fresh = True
        if self.on_token is not None:
            self.on_token(token)
        return token, fresh

    def _apply(self, request: httpx.Request, token: str) -> None:
        request.headers[self.header] = f"{self.scheme} {token}" if self.scheme else token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token, fresh = self._token()
        self._apply(request, token)
        response = yield request
        if response.status_code != 401 or fresh:
            return
        token, _ = self._token(rejected=token)
        self._apply(request, token)
        yield request
