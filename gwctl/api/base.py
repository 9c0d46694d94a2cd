"""What a product client is built from, and the small base class they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    import httpx

    from gwctl.api.auth import TokenCache
    from gwctl.api.http import ClientConfig, HttpClient


class SecretSource(Protocol):
    def get(self, name: str) -> str | None: ...

    def require(self, *names: str) -> dict[str, str]: ...


@dataclass
class Connection:
    """Everything a product's `connect()` needs: no CLI or config objects leak in."""

    profile_name: str
    product: str
    url: str
    options: dict[str, Any]
    config: ClientConfig
    secrets: SecretSource
    token_cache: TokenCache | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def cache_key(self, kind: str) -> str:
        return f"{self.profile_name}:{kind}"


def seg(value: Any) -> str:
    """One URL path segment, safely quoted."""
    return quote(str(value), safe="")


class ProductClient:
    """Shared behaviour of product clients: the raw escape hatch and closing."""

    http: HttpClient

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send any request with the profile's auth, TLS and retries."""
        return self.http.request(method, path, **kwargs)

    def raw_pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        """Follow the product's paging style for `api --paginate`; default: one page."""
        yield self.http.get(path, params=params)

    def close(self) -> None:
        self.http.close()
