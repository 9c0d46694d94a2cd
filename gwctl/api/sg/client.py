"""IBM Cloud Secure Gateway (shared/api/ibm-secure-gateway.md): two bearer tokens.

- Account calls (/v1/import, /v1/export, /v1/sgconfig, /v1/setActivity, /v1/stats,
  /v1/getClientList) carry an IAM token, exchanged from the IBM Cloud API key at
  ``{iam_url}/identity/token`` and cached until shortly before ``expiration``; they
  also carry the profile's ``resource_group`` query parameter.
- Calls under /v1/sgconfig/{gatewayID} carry the gateway's own security token: the
  ``jwt`` of the gateway object in the listing. It is cached per gateway in the token
  cache and fetched again from the listing once when the server answers 401 (the
  token was rotated or has expired). ``gateway_tokens`` holds tokens supplied by the
  operator (``--gateway-token-stdin``), which are used as they are.

No paging: list endpoints return whole JSON arrays. Every success is 200.
"""

from __future__ import annotations

import re
import time
from collections.abc import Generator, Iterator
from typing import Any

import httpx

from gwctl import errors
from gwctl.api.auth import ExchangedTokenAuth, MemoryTokenCache
from gwctl.api.base import Connection, ProductClient, ResourceCalls, seg
from gwctl.api.paging import truncate
from gwctl.api.http import HttpClient, generic_error_message
from gwctl.products import IBM_IAM_URL

APIKEY_GRANT = "urn:ibm:params:oauth:grant-type:apikey"
IAM_REFRESH_MARGIN = 300.0  # seconds before `expiration` that a new IAM token is fetched
# A gateway token whose gateway reports no expiry (token_exp 0 = never) is kept this long.
GATEWAY_TOKEN_KEEP = 30 * 86400.0
PROTOCOLS = ("TCP", "UDP", "TLS", "HTTP", "HTTPS")
TLS_MODES = ("none", "serverside", "mutualauth")
CLIENT_TLS_MODES = ("none", "mutualauth")
ACCOUNT_PATHS = ("/v1/import", "/v1/export", "/v1/sgconfig", "/v1/setActivity", "/v1/stats")
_GATEWAY_PATH = re.compile(r"^/?v1/sgconfig/([^/?#]+)")


def parse_error(response: httpx.Response) -> str | None:
    """SG documents no error body; IAM answers {errorCode, errorMessage}; else any message field or text."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:200] if text and not text.lstrip().startswith("<") else None
    if isinstance(body, dict) and body.get("errorMessage"):
        code = body.get("errorCode")
        return f"{code}: {body['errorMessage']}" if code else str(body["errorMessage"])
    if isinstance(body, dict) and isinstance(body.get("reason"), str) and not body.get("message"):
        return body["reason"]
    return generic_error_message(body)


def gateway_id_of(path: str) -> str | None:
    """The gateway ID of a gateway-level path (/v1/sgconfig/{id}/...), else None."""
    parsed = httpx.URL(path)
    match = _GATEWAY_PATH.match(parsed.path if parsed.is_absolute_url else path.split("?", 1)[0])
    return match.group(1) if match else None


class GatewayTokenAuth(httpx.Auth):
    """Bearer <gateway security token>; on 401 the cached token is dropped and fetched again once."""

    requires_response_body = True

    def __init__(self, client: SecureGatewayClient, gateway_id: str) -> None:
        self.client = client
        self.gateway_id = gateway_id

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token, fresh = self.client.gateway_token(self.gateway_id)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401 or fresh or self.client.supplied_token(self.gateway_id) is not None:
            return
        self.client.forget_gateway_token(self.gateway_id, token)
        token, _ = self.client.gateway_token(self.gateway_id)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request


class SecureGatewayClient(ResourceCalls, ProductClient):
    def __init__(self, conn: Connection) -> None:
        conn.config.error_parser = parse_error
        self.conn = conn
        self.resource_group = str(conn.options.get("resource_group") or "")
        if not self.resource_group:
            raise errors.ConfigError(
                f"profile {conn.profile_name!r} has no resource group",
                hint=f"gwctl profile add {conn.profile_name} --product sg --region REGION --resource-group ID",
            )
        self.iam_url = (conn.options.get("iam_url") or IBM_IAM_URL).rstrip("/")
        self.secrets = conn.secrets
        self.cache = conn.token_cache if conn.token_cache is not None else MemoryTokenCache()
        self.gateway_tokens: dict[str, str] = {}  # operator-supplied (--gateway-token-stdin); "*": any gateway
        self.gateway_fetches = 0
        self.iam = ExchangedTokenAuth(
            self._exchange,
            cache=self.cache,
            cache_key=conn.cache_key("iam"),
            refresh_margin=IAM_REFRESH_MARGIN,
            on_token=self._learn,
        )
        self.http = HttpClient(conn.config, auth=self.iam)

    # -- tokens -------------------------------------------------------------------------

    def _learn(self, secret: str) -> None:
        self.http.redactor.add(secret)

    def _exchange(self) -> tuple[str, float]:
        api_key = self.secrets.require("api_key")["api_key"]
        self._learn(api_key)
        try:
            body = self.http.post(
                f"{self.iam_url}/identity/token",
                data={"grant_type": APIKEY_GRANT, "apikey": api_key},
                headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
                auth=None,
                expect=dict,
            )
        except errors.ApiError as exc:
            if exc.http_status in errors.CREDENTIAL_REFUSALS:
                raise errors.AuthError(
                    f"IBM Cloud IAM refused the API key: {exc.message.split(': ', 2)[-1]}",
                    hint="check GWCTL_IBM_API_KEY or run `gwctl auth login`",
                    http_status=exc.http_status,
                    request_id=exc.request_id,
                ) from None
            raise
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise errors.ServerError("IBM Cloud IAM answered without an access_token")
        self._learn(token)
        expiration = body.get("expiration")
        if not isinstance(expiration, (int, float)) or isinstance(expiration, bool):
            expires_in = body.get("expires_in")
            ok = isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool) and expires_in > 0
            expiration = time.time() + (float(expires_in) if ok else 3600.0)
        return token, float(expiration)

    def current_token(self) -> str:
        """The IAM token (what `gwctl auth token` prints)."""
        return self.iam._token()[0]

    def _gateway_key(self, gateway_id: str) -> str:
        return self.conn.cache_key(f"gateway:{gateway_id}")

    def gateway_token(self, gateway_id: str) -> tuple[str, bool]:
        """(security token, freshly fetched) for a gateway: supplied, cached, or from the listing."""
        supplied = self.supplied_token(gateway_id)
        if supplied is not None:
            return supplied, True
        cached = self.cache.get(self._gateway_key(gateway_id))
        if cached is not None and cached[1] > time.time():
            self._learn(cached[0])
            return cached[0], False
        self.gateway_fetches += 1
        for gateway in self.list_gateways():
            if gateway.get("_id") == gateway_id:
                token = gateway.get("jwt")
                if not token and gateway.get("enf_tok_sec") is False:
                    # Token not enforced and none listed: the IAM token is the only credential left
                    # (gateway calls may accept it). Never cached as a gateway token.
                    return self.current_token(), True
                if not token:
                    raise errors.AuthError(f"the listing shows no security token for gateway {gateway_id}")
                return token, True
        raise errors.NotFoundError(
            f"gateway {gateway_id} not found in resource group {self.resource_group}",
            hint="list the gateways with `gwctl sg gateways list`",
        )

    def store_gateway_token(self, gateway_id: str, token: str, expiry_ms: Any = None) -> None:
        """Cache a gateway's security token until its expiry (epoch ms; 0/None = does not expire)."""
        self._learn(token)
        now = time.time()
        expires_at = float(expiry_ms) / 1000 if isinstance(expiry_ms, (int, float)) and expiry_ms > 0 else 0.0
        if expires_at <= now:
            expires_at = now + GATEWAY_TOKEN_KEEP if not expires_at else now + 60
        self.cache.set(self._gateway_key(gateway_id), token, min(expires_at, now + GATEWAY_TOKEN_KEEP))

    def cached_gateway_token(self, gateway_id: str) -> str | None:
        """The security token kept in the token cache for a gateway (to read a stored one back)."""
        cached = self.cache.get(self._gateway_key(gateway_id))
        return cached[0] if cached is not None else None

    def forget_gateway_token(self, gateway_id: str, token: str | None = None) -> None:
        cached = self.cache.get(self._gateway_key(gateway_id))
        if cached is not None and (token is None or cached[0] == token):
            self.cache.delete(self._gateway_key(gateway_id))

    def use_gateway_token(self, gateway_id: str | None, token: str) -> None:
        """Use an operator-supplied security token for this gateway, or (None) for the one gateway this
        command addresses, whose name may not be resolved yet (never cached)."""
        self._learn(token)
        self.gateway_tokens[gateway_id or "*"] = token

    def supplied_token(self, gateway_id: str) -> str | None:
        return self.gateway_tokens.get(gateway_id) or self.gateway_tokens.get("*")

    # -- plumbing ---------------------------------------------------------------------------

    def _rg(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"resource_group": self.resource_group, **{k: v for k, v in (params or {}).items() if v is not None}}

    def _gw(self, method: str, gateway_id: str, suffix: str = "", **kwargs: Any) -> httpx.Response:
        path = f"/v1/sgconfig/{seg(gateway_id)}{suffix}"
        return self.http.request(method, path, auth=GatewayTokenAuth(self, gateway_id), **kwargs)

    def _gw_json(self, method: str, gateway_id: str, suffix: str = "", **kwargs: Any) -> Any:
        return self.http.decode(self._gw(method, gateway_id, suffix, **kwargs))

    def _dest(self, gateway_id: str, dest_id: str, suffix: str = "") -> str:
        return f"/destinations/{seg(dest_id)}{suffix}"

    def _learn_gateway(self, gateway: Any) -> Any:
        if isinstance(gateway, dict) and gateway.get("jwt"):
            self._learn(gateway["jwt"])
        return gateway

    @staticmethod
    def _text_or_json(response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text.strip()

    # -- raw escape hatch -------------------------------------------------------------------

    def raw(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Gateway-level paths get the gateway's security token, the rest the IAM token (+ resource_group)."""
        gateway_id = gateway_id_of(path)
        # httpx replaces a URL's own query with `params`: merge them so `?type=enabled` survives.
        base, sep, query = path.partition("?")
        params: list[tuple[str, Any]] = list(httpx.QueryParams(query).multi_items()) if sep else []
        extra = kwargs.pop("params", None) or {}
        params += list(extra.items()) if isinstance(extra, dict) else list(extra)
        if gateway_id is not None:
            return self.http.request(method, base, params=params or None,
                                     auth=GatewayTokenAuth(self, gateway_id), **kwargs)
        bare = "/" + (httpx.URL(base).path if "://" in base else base).lstrip("/")
        if bare in ACCOUNT_PATHS and not any(key == "resource_group" for key, _ in params):
            params.insert(0, ("resource_group", self.resource_group))
        return self.http.request(method, base, params=params or None, **kwargs)

    def raw_pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        response = self.raw("GET", path, params=params)
        body = self.http.decode(response)
        yield body if isinstance(body, list) else [body]

    # -- declared resources (gwctl.resources.sg) ---------------------------------------------------

    def _resource_call(self, method: str, res: Any, item_id: Any = None, values: dict[str, Any] | None = None,
                       **kwargs: Any) -> Any:
        """A gateway-level call (the gateway's security token) or an account one (IAM + resource group)."""
        values = values or {}
        path = self.resource_path(res, item_id, **values)
        gateway_id = values.get("gateway") if "gateway" in res.scope else item_id
        if gateway_id is None:
            return self.http.decode(self.http.request(method, path, params=self._rg(kwargs.pop("params", None)),
                                                      **kwargs))
        body = self.http.decode(self.http.request(method, path, auth=GatewayTokenAuth(self, str(gateway_id)),
                                                  **kwargs))
        return self._learn_gateway(body) if res.noun == "gateways" else body

    def list_pages(self, res: Any, params: dict[str, Any] | None = None, limit: int | None = None,
                   **values: Any) -> Iterator[list]:
        """Whole-array answers, cut to ``limit`` here."""
        if res.noun == "gateways":
            items = self.list_gateways((params or {}).get("type"))
        else:
            items = self._resource_call("GET", res, None, values, params=params or None)
        if not isinstance(items, list):
            raise errors.ServerError(f"GET {self.resource_path(res, **values)}: expected a JSON array")
        return truncate(iter([items]), limit)

    def read(self, res: Any, item_id: Any, **values: Any) -> Any:
        return self._resource_call("GET", res, item_id, values)

    def create_item(self, res: Any, body: Any, **values: Any) -> Any:
        return self._resource_call("POST", res, None, values, json=body)

    def patch_item(self, res: Any, item_id: Any, body: Any, **values: Any) -> Any:
        """An update is a PUT of the fields to change; a gateway's regen_token goes the rotation way."""
        if res.noun == "gateways" and body.get("regen_token"):
            result = self.rotate_gateway_token(str(item_id), body.get("token_exp"))
            body = {k: v for k, v in body.items() if k not in ("regen_token", "token_exp")}
            return self.update_gateway(str(item_id), body) if body else result
        return self._resource_call("PUT", res, item_id, values, json=body)

    replace_item = patch_item

    def delete_item(self, res: Any, item_id: Any, **values: Any) -> Any:
        self._resource_call("DELETE", res, item_id, values)
        if res.noun == "gateways":
            self.forget_gateway_token(str(item_id))

    # -- import / export (IAM) ----------------------------------------------------------------

    def import_file(self, filename: str, content: bytes) -> Any:
        files = {"state": (filename, content, "application/octet-stream")}
        return self.http.put("/v1/import", params=self._rg(), files=files, idempotent=False)  # creates gateways

    def export_service(self) -> Any:
        return self.http.get("/v1/export", params=self._rg())

    # -- gateways ---------------------------------------------------------------------------

    def list_gateways(self, kind: str | None = None) -> list[dict[str, Any]]:
        gateways = self.http.get("/v1/sgconfig", params=self._rg({"type": kind}))
        if not isinstance(gateways, list):
            raise errors.ServerError("GET /v1/sgconfig: expected a JSON array of gateways")
        for gateway in gateways:
            self._learn_gateway(gateway)
            self._remember(gateway)
        return gateways

    def _remember(self, gateway: Any) -> None:
        """Cache the security token a listing showed, so later gateway calls need no second listing."""
        if not isinstance(gateway, dict) or not gateway.get("_id") or not gateway.get("jwt"):
            return
        if self.supplied_token(gateway["_id"]) is not None:
            return
        cached = self.cache.get(self._gateway_key(gateway["_id"]))
        if cached is None or cached[0] != gateway["jwt"]:
            self.store_gateway_token(gateway["_id"], gateway["jwt"], gateway.get("expiry"))

    def set_gateway_activity(self, active: list[str], inactive: list[str]) -> Any:
        body = {"setActive": active, "setInactive": inactive}
        return self.http.put("/v1/setActivity", params=self._rg(), json=body)

    def get_gateway(self, gateway_id: str) -> dict[str, Any]:
        return self._learn_gateway(self._gw_json("GET", gateway_id))

    def update_gateway(self, gateway_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._learn_gateway(self._gw_json("PUT", gateway_id, json=body))

    def rotate_gateway_token(self, gateway_id: str, token_exp: int | None = None, store: bool = True) -> dict[str, Any]:
        """PUT regen_token: the old security token stops working; the new one is cached when ``store``."""
        body: dict[str, Any] = {"regen_token": True}
        if token_exp is not None:
            body["token_exp"] = token_exp
        # Never resent once it may have reached the server: a second regen would kill the first new token.
        gateway = self._learn_gateway(self._gw_json("PUT", gateway_id, json=body, idempotent=False))
        token = gateway.get("jwt") if isinstance(gateway, dict) else None
        if token:
            if self.supplied_token(gateway_id) is not None:
                self.gateway_tokens[gateway_id] = token
            if store:
                self.store_gateway_token(gateway_id, token, gateway.get("expiry"))
            else:
                self.forget_gateway_token(gateway_id)
        else:
            self.forget_gateway_token(gateway_id)
        return gateway

    def regen_auth(self, gateway_id: str) -> dict[str, Any]:
        # A new cert/key pair each time: the first answer's pair is dead once a second one is made.
        return self._learn_gateway(self._gw_json("PUT", gateway_id, "/genAuth", json={}, idempotent=False))

    def export_gateway(self, gateway_id: str) -> Any:
        return self._gw_json("GET", gateway_id, "/export")

    def migrate_gateway(self, gateway_id: str, body: dict[str, Any], force: bool = False) -> Any:
        self._learn_body_secrets(body)
        params = {"force": "true"} if force else None
        return self._gw_json("PUT", gateway_id, "/migrate2connector", params=params, json=body,
                             idempotent=False)  # creates connector endpoints

    def _learn_body_secrets(self, body: dict[str, Any]) -> None:
        for key in ("token", "apikey"):
            if body.get(key):
                self._learn(str(body[key]))

    # -- destinations ---------------------------------------------------------------------------

    def get_destination(self, gateway_id: str, dest_id: str) -> dict[str, Any]:
        return self._gw_json("GET", gateway_id, self._dest(gateway_id, dest_id))

    def bulk_delete_destinations(self, gateway_id: str, dest_ids: list[str]) -> Any:
        response = self._gw("DELETE", gateway_id, "/bulkDestinations", json={"destinations": dest_ids})
        return self._text_or_json(response)

    def set_destination_activity(self, gateway_id: str, active: list[str], inactive: list[str]) -> Any:
        body = {"setActive": active, "setInactive": inactive}
        return self._gw_json("PUT", gateway_id, "/setActivity", json=body)

    def export_destination(self, gateway_id: str, dest_id: str) -> Any:
        return self._gw_json("GET", gateway_id, self._dest(gateway_id, dest_id, "/export"))

    def import_destination(self, gateway_id: str, filename: str, content: bytes) -> Any:
        files = {"state": (filename, content, "application/octet-stream")}
        return self._gw_json("PUT", gateway_id, "/destinations/import", files=files, idempotent=False)

    def migrate_destination(self, gateway_id: str, dest_id: str, body: dict[str, Any], force: bool = False) -> Any:
        self._learn_body_secrets(body)
        params = {"force": "true"} if force else None
        return self._gw_json("PUT", gateway_id, self._dest(gateway_id, dest_id, "/migrate2connector"),
                             params=params, json=body, idempotent=False)

    # -- certificates ---------------------------------------------------------------------------

    def download_certs(self, gateway_id: str, dest_id: str, names: list[str] | None = None,
                       as_json: bool = False) -> httpx.Response:
        """The zip (default) or, with ``as_json``, the JSON array [{name, contents}]; certList when ``names``."""
        params: list[tuple[str, str]] = [("filename", n) for n in names or ()]
        if as_json:
            params.append(("noZip", "true"))
        suffix = "/certList" if names else "/cert"
        return self._gw("GET", gateway_id, self._dest(gateway_id, dest_id, suffix), params=params or None)

    def upload_certs(self, gateway_id: str, dest_id: str, files: list[tuple[str, tuple[str, bytes, str]]]) -> Any:
        """Multipart fields: cert (server-side CA), dest_cert + dest_key, client_cert (up to six)."""
        return self._gw_json("PUT", gateway_id, self._dest(gateway_id, dest_id, "/cert"), files=files)

    def delete_certs(self, gateway_id: str, dest_id: str, names: list[str]) -> Any:
        return self._gw_json("DELETE", gateway_id, self._dest(gateway_id, dest_id, "/cert"), json={"filename": names})

    def regenerate_certs(self, gateway_id: str, dest_id: str, client: bool = False) -> Any:
        params = {"client": "true"} if client else None
        return self._gw_json("PUT", gateway_id, self._dest(gateway_id, dest_id, "/genCerts"), params=params,
                             idempotent=False)  # a new pair each time

    # -- ip table rules ---------------------------------------------------------------------------

    def add_ip_rule(self, gateway_id: str, dest_id: str, rule: dict[str, Any] | list[dict[str, Any]]) -> Any:
        return self._gw_json("PUT", gateway_id, self._dest(gateway_id, dest_id, "/ipTableRule"), json=rule,
                             idempotent=False)  # adds a rule

    def remove_ip_rule(self, gateway_id: str, dest_id: str, rule: dict[str, Any] | None) -> Any:
        """Remove the rule matching ``rule``, or every rule when ``rule`` is None (all=true)."""
        suffix = self._dest(gateway_id, dest_id, "/ipTableRule")
        if rule is None:
            return self._gw_json("DELETE", gateway_id, suffix, params={"all": "true"})
        return self._gw_json("DELETE", gateway_id, suffix, json=rule)

    # -- stats and clients -------------------------------------------------------------------------

    def stats(self, gateway_id: str | None = None) -> Any:
        if gateway_id:
            return self._gw_json("GET", gateway_id, "/stats")
        return self.http.get("/v1/stats", params=self._rg())

    def list_clients(self, gateway_id: str) -> list[dict[str, Any]]:
        return self._gw_json("GET", gateway_id, "/clients")

    def client_status(self, gateway_id: str, client_id: str) -> Any:
        return self._text_or_json(self._gw("GET", gateway_id, f"/clients/{seg(client_id)}"))

    def disconnect_clients(self, gateway_id: str, client_ids: list[str]) -> Any:
        return self._text_or_json(self._gw("DELETE", gateway_id, "/clients", json={"deleteList": client_ids}))

    def client_logs(self, gateway_id: str, kind: str | None = None, client_id: str | None = None) -> Any:
        params = {k: v for k, v in (("type", kind), ("clientID", client_id)) if v}
        return self._gw_json("GET", gateway_id, "/clientLogs", params=params or None)

    def disconnected_clients(self, gateway_id: str) -> Any:
        return self._gw_json("GET", gateway_id, "/disconnectedClients")

    def installers(self) -> Any:
        return self.http.get("/v1/getClientList")


def connect(conn: Connection) -> SecureGatewayClient:
    return SecureGatewayClient(conn)


def verify(client: SecureGatewayClient) -> None:
    """Exchange the API key and list the resource group's gateways (raises on failure)."""
    client.list_gateways()


def prove_recovered(client: Any, record: dict, secret: str) -> bool:
    """A recovered gateway security token works (`gwctl auth recover`): True when proven."""
    gateway = record.get("proof_gateway")
    if not gateway:
        return False
    client.use_gateway_token(str(gateway), secret)
    client.get_gateway(str(gateway))
    return True
