"""What a product client is built from, and the small base class they share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Protocol
from urllib.parse import quote

if TYPE_CHECKING:
    import httpx

    from gwctl.api.auth import TokenCache
    from gwctl.api.http import ClientConfig, HttpClient


class SecretSource(Protocol):
    def get(self, name: str) -> str | None: ...

    def require(self, *names: str) -> dict[str, str]: ...


class Connection:
    """Everything a product's `connect()` needs: no CLI or config objects leak in. (A plain class:
    dataclasses build their methods with exec() at import, on the path of every API command.)"""

    def __init__(self, profile_name: str, product: str, url: str, options: dict[str, Any], config: ClientConfig,
                 secrets: SecretSource, token_cache: TokenCache | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        self.profile_name = profile_name
        self.product = product
        self.url = url
        self.options = options
        self.config = config
        self.secrets = secrets
        self.token_cache = token_cache
        self.extra = {} if extra is None else extra

    def cache_key(self, kind: str) -> str:
        return f"{self.profile_name}:{kind}"


def check_segment(text: str, what: str = "ID", *, slash: bool = False) -> None:
    """Refuse what would address another resource: empty, blank, `.`, `..` (URL normalisation
    turns them into the parent), control characters and, unless ``slash``, a `/` (servers
    that decode %2F before routing would read it as a deeper path)."""
    problem = None
    if not text:
        problem = f"invalid {what}: it is empty"
    elif not text.strip():
        problem = f"invalid {what}: it is blank"
    elif text.strip() in (".", ".."):
        problem = f"invalid {what} {text!r}: '.' and '..' are not IDs"
    elif any(ord(c) < 32 or ord(c) == 127 for c in text):
        problem = f"invalid {what} {text!r}: it contains a control character"
    elif "/" in text and not slash:
        problem = f"invalid {what} {text!r}: an ID cannot contain '/'"
    elif "/" in text and any(part.strip() in (".", "..") for part in text.split("/")):
        problem = f"invalid {what} {text!r}: '.' and '..' are not path segments of a name"
    if problem:
        from gwctl.errors import UsageError

        raise UsageError(problem)


def seg(value: Any, what: str = "ID", *, slash: bool = False) -> str:
    """One URL path segment: checked (see check_segment), then percent-encoded whole, so
    `%2e%2e` is sent as that literal ID. Every ID that goes into a path passes here."""
    text = str(value)
    check_segment(text, what, slash=slash)
    return quote(text, safe="")


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


def shape_error(method: str, path: str, what: str, body: Any) -> Exception:
    """A 2xx answer without the object or list it should carry (empty, or of another shape): exit 8."""
    from gwctl.errors import shape_error as error

    return error(method, path, what, body)


def as_dict(value: Any) -> dict:
    """``value`` when the server sent an object there, else {}: presentation code reads fields of
    answers through this, so an odd answer shows empty cells instead of raising AttributeError."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    """``value`` when the server sent an array there, else []."""
    return value if isinstance(value, list) else []


def listed_items(body: Any, key: str | None, method: str, path: str) -> list:
    """The items of one list page: a bare array, or the array under ``key``; anything else is exit 8."""
    items = body if key is None or isinstance(body, list) else (body.get(key) if isinstance(body, dict) else None)
    if isinstance(body, dict) and key is not None and key not in body:
        raise shape_error(method, path, f"a list (`{key}`)", body)
    if items is None and isinstance(body, dict):
        return []  # `"list": null`: an empty page
    if not isinstance(items, list):
        raise shape_error(method, path, "a list", body)
    return items


class ResourceCalls:
    """The generic calls behind list/get/create/update/patch/delete of a declared resource.

    A product client mixes this in and supplies ``scope_value`` (the values of the path's
    {placeholders}: team, org, gateway group...), ``list_pages`` when its paging is its own,
    and ``unwrap`` when its bodies come in an envelope.
    """

    http: HttpClient

    def scope_value(self, name: str) -> str:
        value = getattr(self, "options", {}).get(name)
        if value in (None, ""):
            from gwctl.errors import UsageError

            raise UsageError(f"this command needs the profile's {name.replace('_', '-')}")
        return str(value)

    def unwrap(self, body: Any) -> Any:
        return body

    def path_template(self, res: Any, item: bool) -> str:
        """The path template of ``res`` for this server (a product whose paths moved between versions
        picks from ``res.variants``)."""
        return res.item_path if item else res.path

    def resource_path(self, res: Any, item_id: Any = None, **values: Any) -> str:
        """The collection path of ``res`` (or an item's, with ``item_id``), every value one checked segment."""
        import string

        template = self.path_template(res, item_id is not None)
        filled: dict[str, str] = {}
        for _, name, _, _ in string.Formatter().parse(template):
            if not name or name in filled:
                continue
            if name == "id":
                filled[name] = seg(item_id, f"{res.singular} ID")
            elif name in values:
                filled[name] = seg(values[name], name.replace("_", " "))
            else:
                filled[name] = seg(self.scope_value(name), name.replace("_", " "))
        return template.format(**filled)

    def list_pages(self, res: Any, params: dict[str, Any] | None = None, limit: int | None = None,
                   **values: Any) -> Iterator[list]:
        return self.pages(self.resource_path(res, **values), params, limit)  # type: ignore[attr-defined]

    def read(self, res: Any, item_id: Any, **values: Any) -> Any:
        return self.unwrap(self.http.get(self.resource_path(res, item_id, **values)))

    def create_item(self, res: Any, body: Any, **values: Any) -> Any:
        return self.unwrap(self.http.post(self.resource_path(res, **values), json=body))

    def replace_item(self, res: Any, item_id: Any, body: Any, **values: Any) -> Any:
        return self.unwrap(self.http.put(self.resource_path(res, item_id, **values), json=body))

    def patch_item(self, res: Any, item_id: Any, body: Any, **values: Any) -> Any:
        path = self.resource_path(res, item_id, **values)
        if res.update == "put-partial":  # a PUT that carries only the changes
            return self.unwrap(self.http.put(path, json=body))
        if res.update == "json-patch":
            return self.unwrap(self.http.patch(path, json=body, headers={"Content-Type": "application/json-patch+json"}))
        return self.unwrap(self.http.patch(path, json=body))

    def delete_item(self, res: Any, item_id: Any, **values: Any) -> Any:
        return self.unwrap(self.http.delete(self.resource_path(res, item_id, **values)))
