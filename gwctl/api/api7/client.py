"""API7 Enterprise Admin API 3.2.x client (shared/api/api7-enterprise.md).

Auth: an API token in `X-API-KEY`, else Basic auth of a dashboard user, else the session
cookie stored by `gwctl api7 login` (`session_login`/`session_logout`). Bodies are the
`{"value", "key", "warning_msg"}` envelope (methods here return `value`; warnings are
kept in `client.warnings`) or `{"list", "total"}` (paged with page/page_size).
Errors are `{"error_msg": ...}`.

Version drift: `GET /api/version` is read once per profile (cached for a day) and
decides the paths that moved: design-time services and routes in 3.2.13 (the 3.2.13.0
release notes), tokens by 3.2.14. A server without /api/version (the 3.2.11 spec has
none) is treated as 3.2.11.

Gateway groups: the profile's `gateway_group` (or `--gateway-group`) may be a name or an
ID; a name is resolved once through the list endpoint and cached for a day.

Resource paths live in `paths` below; commands call the generic verbs (`get`, `create`,
`replace`, `patch`, `remove`, `pages`, `items`) with them, so a new resource needs no
client code.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Iterator

import httpx

from gwctl.api.auth import HeaderAuth
from gwctl.api.base import Connection, ProductClient, ResourceCalls, listed_items, seg
from gwctl.api.http import HttpClient
from gwctl.api.paging import smaller_page, truncate
from gwctl.errors import ApiError, NotFound, NotFoundError, UsageError

# page_size asked for: the largest page the Admin API serves (500); a smaller --limit is asked for
# exactly, and a server that caps lower is followed by its `total` (tests lower it to exercise paging).
PAGE_SIZE = 500
CACHE_TTL = 24 * 3600
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
FALLBACK_VERSION = "3.2.11 (assumed: no /api/version)"
# Export endpoints answer text/csv (cores usage) or CSV/JSON (audit logs): a JSON-only Accept gets 406.
DOWNLOAD_ACCEPT = {"Accept": "*/*"}


def parse_error(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error_msg"), str):
        return body["error_msg"]
    return None


FAMILIES = ("3.2.11", "3.2.13", "3.2.14")  # the releases that moved paths (see `paths`)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def family_of(version: str) -> str:
    """The latest of FAMILIES at or before ``version``: '3.2.13' for 3.2.13.x, '3.2.14' for 3.2.14
    and later (and dev builds), else '3.2.11'."""
    match = re.match(r"v?(\d+)\.(\d+)\.(\d+)", version or "")
    if not match:
        return FAMILIES[-1] if version.strip().lower() == "dev" else FAMILIES[0]
    key = tuple(int(p) for p in match.groups())
    return max((f for f in FAMILIES if key >= _key(f)), key=_key, default=FAMILIES[0])


def at_family(moved: dict[str, str], family: str, default: str | None = None) -> str:
    """The path in force for ``family``: ``moved`` maps each release that moved it to its path from
    then on (``default``: the path before the first of them)."""
    found = [path for first, path in sorted(moved.items(), key=lambda kv: _key(kv[0])) if _key(family) >= _key(first)]
    if found:
        return found[-1]
    return default if default is not None else moved[min(moved, key=_key)]


class paths:
    """Paths of this version family's resources (3.2.11 unless noted)."""

    gateway_groups = "/api/gateway_groups"
    routes_admin = "/apisix/admin/routes"
    services_admin = "/apisix/admin/services"
    consumers = "/apisix/admin/consumers"
    ssls = "/apisix/admin/ssls"
    global_rules = "/apisix/admin/global_rules"
    plugin_metadata = "/apisix/admin/plugin_metadata"
    secrets = "/apisix/admin/secrets"
    plugins = "/apisix/admin/plugins"
    variables = "/apisix/admin/variables"
    instances = "/api/instances"
    service_versions = "/api/service_versions"
    # administration
    users = "/api/users"
    roles = "/api/roles"
    login_options = "/api/login_options"
    alert_policies = "/api/alert/policies"
    webhook_templates = "/api/alert/webhook_templates"
    audit_logs = "/api/audit_logs"
    custom_plugins = "/api/custom_plugins"
    api_products = "/api/api_products"
    system_settings = "/api/system_settings"
    prometheus = "/api/control_plane/prometheus"
    # Paths dashboards differ on: the most likely ones, overridable with --path.
    guessed = {
        "plugin_catalog": "/api/plugins/catalogs",
        "plugin_usage": "/api/plugins/{name}/usage",
        "api_product_delete": "/api/api_products/{id}",
        "system_infos": "/api/system_infos",
        "custom_plugin_parse": "/api/custom_plugins/code/parse",
    }
    # release that moved it -> path (templates: 3.2.13.0 release notes; tokens: seen from 3.2.14)
    tokens = {"3.2.11": "/api/settings/tokens", "3.2.14": "/api/tokens"}
    services = {"3.2.11": "/apisix/admin/services", "3.2.13": "/api/services/template"}
    routes = {"3.2.11": "/apisix/admin/routes", "3.2.13": "/api/routes/template"}

    @staticmethod
    def gg(gg_id: str, *rest: str) -> str:
        return "/".join(["/api/gateway_groups", seg(gg_id), *rest])


class Api7Client(ResourceCalls, ProductClient):
    def __init__(self, conn: Connection) -> None:
        conn.config.error_parser = parse_error
        conn.config.secret_headers = (*conn.config.secret_headers, "X-API-KEY")
        self.conn = conn
        self.options = conn.options
        key = conn.secrets.get("api_key")
        secrets: list[str] = []
        if key:
            auth: httpx.Auth = HeaderAuth("X-API-KEY", key)
            self.auth_kind = "api_key"
            secrets.append(key)
        elif conn.secrets.get("username") or conn.secrets.get("password"):
            creds = conn.secrets.require("username", "password")
            auth = httpx.BasicAuth(creds["username"], creds["password"])
            self.auth_kind = "basic"
            secrets.append(creds["password"])
        elif conn.secrets.get("session"):
            cookie = conn.secrets.get("session")
            auth = HeaderAuth("Cookie", cookie)
            self.auth_kind = "session"
            secrets.extend([cookie, cookie.partition("=")[2]])
        else:
            conn.secrets.require("api_key")  # raises an AuthError saying how to supply one
            raise AssertionError("unreachable")
        self.http = HttpClient(conn.config, auth)
        for secret in secrets:
            self.http.redactor.add(secret)
        self.warnings: list[str] = []
        self._version: str | None = None
        self.version_cached = False  # the version came from the cache, not from the server just now
        self._gg: dict[str, str] = {}

    # -- envelopes ------------------------------------------------------------------------------

    def _value(self, body: Any) -> Any:
        if isinstance(body, dict) and "valve" in body and "value" not in body:  # some dashboards misspell it
            body = {**body, "value": body["valve"]}
        if isinstance(body, dict) and "value" in body:
            if body.get("warning_msg"):
                self.warnings.append(str(body["warning_msg"]))
            return body["value"]
        return body

    def _expect(self, value: Any, expect: type | None, method: str, path: str) -> Any:
        if expect is not None and not isinstance(value, expect):
            from gwctl.errors import shape_error

            raise shape_error(method, path, "a JSON object" if expect is dict else expect.__name__, value)
        return value

    def get(self, path: str, params: dict | None = None, *, expect: type | None = None) -> Any:
        """GET a `value` envelope (or bare body); with ``expect`` the value must be of that type (else exit 8)."""
        return self._expect(self._value(self.http.get(path, params=_clean(params))), expect, "GET", path)

    def create(self, path: str, body: Any = None, params: dict | None = None, *, expect: type | None = None) -> Any:
        return self._expect(self._value(self.http.post(path, json=body, params=_clean(params))), expect, "POST", path)

    def replace(self, path: str, body: Any, params: dict | None = None) -> Any:
        return self._value(self.http.put(path, json=body, params=_clean(params)))

    def patch(self, path: str, body: Any, params: dict | None = None) -> Any:
        return self._value(self.http.patch(path, json=body, params=_clean(params)))

    def remove(self, path: str, params: dict | None = None) -> Any:
        return self._value(self.http.delete(path, params=_clean(params)))

    def items(self, path: str, params: dict | None = None) -> list:
        """An unpaged `{"list", "total"}` answer (or a bare array / array value) as a list."""
        body = self.http.get(path, params=_clean(params))
        if isinstance(body, dict) and "list" in body:
            return list(listed_items(body, "list", "GET", path))
        value = self._value(body)
        return value if isinstance(value, list) else [value]

    def pages(self, path: str, params: dict | None = None, limit: int | None = None) -> Iterator[list]:
        """Pages of a `{"list", "total"}` collection, fetched lazily with page/page_size.

        When the answer has a `total`, paging goes on until that many items came (a server that
        caps page_size below what was asked is followed with its own page size); without one, a
        short page ends the list."""
        size = PAGE_SIZE if limit is None else max(1, min(PAGE_SIZE, limit))
        base = _clean(params) or {}

        def fetch(page: int, page_size: int) -> tuple[list, int | None]:
            body = self.http.get(path, params={**base, "page": page, "page_size": page_size})
            items = listed_items(body, "list", "GET", path)
            total = body.get("total") if isinstance(body, dict) else None
            return list(items), (total if isinstance(total, int) and not isinstance(total, bool) else None)

        state: dict[str, Any] = {"more": False}

        def walk() -> Iterator[list]:
            page_number, page_size, fetched = 1, size, 0
            while True:
                try:
                    items, total = fetch(page_number, page_size)
                except ApiError as exc:  # a server refusing the page size: ask for what it names
                    smaller = smaller_page(exc, page_size, "page_size") if page_number == 1 else None
                    if smaller is None:
                        raise
                    page_size = smaller
                    continue
                fetched += len(items)
                state["more"] = fetched < total if total is not None else (None if len(items) >= page_size else False)
                yield items
                if not items or total is None and len(items) < page_size:
                    return
                if total is not None:
                    if fetched >= total:
                        return
                    if len(items) < page_size:
                        if page_number != 1:
                            return
                        page_size = len(items)  # the server's cap: ask for its page 2 next
                page_number += 1

        return truncate(walk(), limit, lambda: state["more"])

    def raw_pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        return self.pages(path, params)

    # -- version -----------------------------------------------------------------------------------

    def version(self) -> str:
        """The dashboard version (GET /api/version, cached per profile for a day)."""
        if self._version is None:
            cache, key = self.conn.token_cache, self.conn.cache_key("api7-version")
            cached = cache.get(key) if cache is not None else None
            self.version_cached = bool(cached)
            if cached:
                self._version = cached[0]
            else:
                self._version = self._probe_version()
                if cache is not None:
                    cache.set(key, self._version, time.time() + CACHE_TTL)
        return self._version

    def _probe_version(self) -> str:
        """GET /api/version; a dashboard without it (3.2.11: 404/405/501, or the web UI's HTML
        page) is 3.2.11. Other errors (401, 5xx, network) are raised, never cached as a version."""
        try:
            response = self.http.request("GET", "/api/version")
        except ApiError as exc:
            if exc.http_status in (404, 405, 501):
                return FALLBACK_VERSION
            raise
        try:
            body = response.json()
        except ValueError:
            return FALLBACK_VERSION  # e.g. the dashboard's index.html for an unknown path
        value = body.get("value", body.get("version")) if isinstance(body, dict) else body
        if isinstance(value, dict):
            value = value.get("version") or value.get("value")
        if isinstance(body, dict) and body.get("warning_msg"):
            self.warnings.append(str(body["warning_msg"]))
        return value.strip() if isinstance(value, str) and value.strip() else FALLBACK_VERSION

    def refresh_version(self) -> str:
        if self.conn.token_cache is not None:
            self.conn.token_cache.delete(self.conn.cache_key("api7-version"))
        self._version = None
        return self.version()

    @property
    def family(self) -> str:
        return family_of(self.version())

    @property
    def tokens_path(self) -> str:
        return at_family(paths.tokens, self.family)

    @property
    def services_path(self) -> str:
        return at_family(paths.services, self.family)

    @property
    def routes_path(self) -> str:
        return at_family(paths.routes, self.family)

    # -- the resource model's hooks -------------------------------------------------------------

    def scope_value(self, name: str) -> str:
        if name == "gateway_group":
            return self.gateway_group_id()
        return super().scope_value(name)

    def unwrap(self, body: Any) -> Any:
        return self._value(body)

    def path_template(self, res: Any, item: bool) -> str:
        collection = at_family(res.variants, self.family, res.path) if res.variants else res.path
        if not item:
            return collection
        return collection + res.item_path[len(res.path):]

    def resource_path(self, res: Any, item_id: Any = None, **values: Any) -> str:
        values.pop("query", None)
        if item_id is not None and "{secret_manager}" in res.item_path:
            from gwctl.resources.api7_fields import split_secret

            values["secret_manager"], item_id = split_secret(str(item_id))  # vault/NAME: two checked segments
        return super().resource_path(res, item_id, **values)

    def call_params(self, res: Any, call: str, values: dict[str, Any]) -> dict | None:
        """Query parameters of one generic call: the gateway group where the resource takes it as
        gateway_group_id (gwctl.resources.api7.GATEWAY_GROUP_QUERY), and a verb's own (``query``:
        dry-run, return_default) handed over by the CLI hooks."""
        from gwctl.resources.api7_fields import GATEWAY_GROUP_QUERY

        params = dict(values.get("query") or {}) if call != "list" else {}
        needed = GATEWAY_GROUP_QUERY.get(res.noun, {}).get(call) if res.product == "api7" else None
        if needed is not None and (needed or str(self.options.get("gateway_group") or "").strip()):
            params["gateway_group_id"] = self.gateway_group_id()
        return params or None

    def list_pages(self, res: Any, params: dict | None = None, limit: int | None = None, **values: Any):
        path = self.resource_path(res, **values)
        params = {**(self.call_params(res, "list", values) or {}), **(params or {})}
        if res.paging == "none":
            return truncate(iter([self.items(path, params)]), limit)
        return self.pages(path, params, limit)

    def read(self, res: Any, item_id: Any, **values: Any) -> Any:
        return self.get(self.resource_path(res, item_id, **values), self.call_params(res, "read", values))

    def create_item(self, res: Any, body: Any, **values: Any) -> Any:
        return self.create(self.resource_path(res, **values), body, self.call_params(res, "create", values))

    def replace_item(self, res: Any, item_id: Any, body: Any, **values: Any) -> Any:
        result = self.replace(self.resource_path(res, item_id, **values), body,
                              self.call_params(res, "replace", values))
        if res.path == paths.gateway_groups:
            self.forget_gateway_group_id(str(item_id))  # a renamed group: its old name must not resolve
        return result

    def patch_item(self, res: Any, item_id: Any, body: Any, **values: Any) -> Any:
        return self.patch(self.resource_path(res, item_id, **values), body, self.call_params(res, "patch", values))

    def delete_item(self, res: Any, item_id: Any, **values: Any) -> Any:
        result = self.remove(self.resource_path(res, item_id, **values), self.call_params(res, "delete", values))
        if res.path == paths.gateway_groups:
            self.forget_gateway_group_id(str(item_id))
        return result

    # -- gateway groups --------------------------------------------------------------------------------

    def gateway_group_id(self) -> str:
        """The selected gateway group's ID (a name is looked up once, then cached)."""
        value = str(self.options.get("gateway_group") or "").strip()
        if not value:
            raise UsageError("no gateway group selected: pass --gateway-group NAME_OR_ID or add it to the profile "
                             "(gwctl profile add ... --gateway-group NAME_OR_ID)")
        return self.resolve_gateway_group(value)

    def resolve_gateway_group(self, value: str) -> str:
        if UUID_RE.match(value):
            return value
        if value in self._gg:
            return self._gg[value]
        cache, key = self.conn.token_cache, self.conn.cache_key(f"api7-gateway-group:{value}")
        cached = cache.get(key) if cache is not None else None
        if cached:
            self._gg[value] = cached[0]
            return cached[0]
        found = None
        # `search` is a substring match on the server: walk its pages (lazily) for the exact name.
        for page in self.pages(paths.gateway_groups, {"search": value}):
            group = next((g for g in page if isinstance(g, dict) and g.get("id")
                          and value in (g.get("name"), g.get("id"))), None)
            if group is not None:
                found = str(group["id"])
                break
        if found is None:
            try:
                group = self.get(f"{paths.gateway_groups}/{seg(value)}")
                found = str((group or {}).get("id") or value)
            except NotFound:
                raise NotFoundError(f"no gateway group named {value!r} (nor with that ID)",
                                    hint="see `gwctl api7 gateway-groups list`") from None
        self._gg[value] = found
        if cache is not None:
            cache.set(key, found, time.time() + CACHE_TTL)
            if value != found:  # remembered by ID too, so a rename or delete forgets the name
                cache.set(self.conn.cache_key(f"api7-gateway-group-name:{found}"), value, time.time() + CACHE_TTL)
        return found

    def forget_gateway_group(self, value: str) -> None:
        self._gg.pop(value, None)
        if self.conn.token_cache is not None:
            self.conn.token_cache.delete(self.conn.cache_key(f"api7-gateway-group:{value}"))

    def forget_gateway_group_id(self, gg_id: str) -> None:
        """Forget every cached name of a gateway group that was renamed or deleted."""
        for name in [n for n, found in self._gg.items() if found == gg_id]:
            self.forget_gateway_group(name)
        cache = self.conn.token_cache
        if cache is not None:
            key = self.conn.cache_key(f"api7-gateway-group-name:{gg_id}")
            cached = cache.get(key)
            if cached:
                self.forget_gateway_group(cached[0])
            cache.delete(key)

    # -- publishing ---------------------------------------------------------------------------------------

    def conflict_check(self, body: dict) -> dict:
        return self.create("/api/services/conflict_check", body) or {}

    def publish(self, body: dict) -> Any:
        return self.create("/api/services/publish", body)

    # -- token rotation ----------------------------------------------------------------------------------------

    def regenerate_token(self, token_id: str, body: dict) -> Any:
        """PUT .../tokens/{id}/regenerate: the old value dies at once, so the call is never resent
        once it may have reached the server (a second one would kill the first new value)."""
        path = f"{self.tokens_path}/{seg(token_id)}/regenerate"
        record = self._value(self.http.put(path, json=body, idempotent=False))
        if isinstance(record, dict):
            self.learn(record.get("token"))
        return record

    def token_with_key(self, token_id: str, api_key: str) -> Any:
        """GET .../tokens/{id} authenticated with `api_key` instead of the profile's credentials."""
        self.learn(api_key)
        return self._value(self.http.get(f"{self.tokens_path}/{seg(token_id)}", auth=HeaderAuth("X-API-KEY", api_key)))

    # -- secrets learned from responses ----------------------------------------------------------------------

    def learn(self, *secrets: Any) -> None:
        for secret in secrets:
            if isinstance(secret, str) and secret:
                self.http.redactor.add(secret)

    def download(self, path: str, params: dict | None = None) -> bytes:
        return self.http.request("GET", path, params=_clean(params), headers=DOWNLOAD_ACCEPT).content

    def stream(self, path: str, params: dict | None, write: Callable[[bytes], Any],
               progress: Callable[[int], Any] | None = None) -> int:
        """GET a file answer chunk by chunk into `write` (flat memory); returns the byte count."""
        response = self.http.request("GET", path, params=_clean(params), stream=True, headers=DOWNLOAD_ACCEPT)
        total = 0
        try:
            for chunk in response.iter_bytes():
                write(chunk)
                total += len(chunk)
                if progress is not None:
                    progress(total)
        except httpx.TransportError as exc:  # cut off or timed out mid-download
            raise self.http.transport_error(response.request, exc) from exc
        finally:
            response.close()
        return total

    def fetch_secret(self, method: str, path: str, body: Any = None, *, idempotent: bool | None = None) -> Any:
        """A call whose answer is a bare secret (e.g. the SCIM token as `value`): the body is read
        unlogged (stream=True skips -vvv body logging) and the secret is registered before anything
        else can print it."""
        response = self.http.request(method, path, json=body, stream=True, idempotent=idempotent)
        try:
            response.read()
        except httpx.TransportError as exc:  # cut off while reading: what the transport says of any call
            raise self.http.transport_error(response.request, exc) from exc
        finally:
            response.close()
        value = self._value(self.http.decode(response))
        self.learn(value if isinstance(value, str) else None)
        return value

    def form(self, method: str, path: str, data: dict, params: dict | None = None) -> Any:
        """A form-encoded request (the Prometheus proxy's POST form)."""
        return self._value(self.http.decode(self.http.request(method, path, data=data, params=_clean(params))))


def _clean(params: dict | None) -> dict | None:
    if not params:
        return None
    out = {k: v for k, v in params.items() if v is not None and v != "" and v != []}
    for key, value in list(out.items()):
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
    return out or None


def connect(conn: Connection) -> Api7Client:
    return Api7Client(conn)


def verify(client: Api7Client) -> None:
    """Check the credentials: one cheap authenticated call (401 -> AuthError)."""
    client.http.get(paths.gateway_groups, params={"page": 1, "page_size": 1})


# -- session login (dashboards without API tokens) ------------------------------------------------------

SESSION_COOKIES = ("api7ee_session", "session")


def _anonymous(conn: Connection) -> HttpClient:
    conn.config.error_parser = parse_error
    conn.config.secret_headers = (*conn.config.secret_headers, "X-API-KEY", "Cookie", "Set-Cookie")
    return HttpClient(conn.config, None)


def session_login(conn: Connection, username: str, password: str, ldap_option: str | None = None) -> tuple[str, Any]:
    """POST /api/login (or /api/ldap/{id}/login): returns ("name=value" session cookie, user)."""
    http = _anonymous(conn)
    http.redactor.add(password)
    try:
        path = f"/api/ldap/{seg(ldap_option)}/login" if ldap_option else "/api/login"
        response = http.request("POST", path, json={"username": username, "password": password})
        body = http.decode_as(response, dict, "the logged-in user")  # an empty or garbled answer: exit 8
        cookie = None
        for name, value in response.cookies.items():
            if name in SESSION_COOKIES or cookie is None:
                cookie = f"{name}={value}"
        if cookie is None:
            from gwctl.errors import AuthError

            raise AuthError("the dashboard answered the login without a session cookie",
                            hint="use an API token instead (gwctl api7 tokens create)")
        http.redactor.add(cookie.partition("=")[2])
        value = body.get("value", body)
        return cookie, value
    finally:
        http.close()


def session_logout(conn: Connection, cookie: str, path: str = "/api/logout") -> None:
    """POST /api/logout with the stored session cookie (an expired session is not an error)."""
    from gwctl.errors import AuthError

    http = _anonymous(conn)
    http.redactor.add(cookie)
    http.redactor.add(cookie.partition("=")[2])
    try:
        http.request("POST", path, headers={"Cookie": cookie})
    except AuthError:
        pass
    finally:
        http.close()


def prove_recovered(client: Any, record: dict, secret: str) -> bool:
    """A recovered API token works (`gwctl auth recover`): True when proven; AuthError when refused."""
    if not record.get("token_id"):
        return False
    client.token_with_key(str(record["token_id"]), secret)
    return True
