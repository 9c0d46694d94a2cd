"""Pomerium Zero console API (/api/v0): refresh token -> ID token, offset/limit over bare arrays.

Facts: shared/api/pomerium-zero.md. The API user's refresh token is exchanged at
POST /token for an ID token (``expiresInSeconds`` is a string); the ID token is
cached across invocations and re-exchanged once on 401. Lists are bare JSON arrays.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from gwctl.api.auth import ExchangedTokenAuth
from gwctl.api.base import Connection, ProductClient, ResourceCalls, check_segment, listed_items, seg
from gwctl.api.http import HttpClient
from gwctl.api.paging import smaller_page, truncate
from gwctl.errors import CREDENTIAL_REFUSALS, ApiError, AuthError, ServerError, UsageError

# `limit` asked for per request: the largest page the console API serves (100); a smaller --limit is
# asked for exactly, and a server that caps lower (or refuses ours naming its maximum) is followed.
PAGE_SIZE = 100
REFRESH_MARGIN = 60.0  # re-exchange when less than this many seconds of ID-token life are left
CACHE_KIND = "id_token"

USER_TYPES = {"interactive": "user_type_interactive", "api-access": "user_type_api_access"}
ORG_ROLES = ("owner", "admin", "auditor", "member")
ORDER_FIELDS = {
    "routes": ("assigned", "from", "id", "inherited", "name", "path", "prefix", "regex", "to", "updatedAt"),
    "policies": ("assigned", "cluster", "id", "name", "updatedAt"),
    "keyPairs": ("cluster", "id", "issuer", "name", "notAfter", "status", "subject", "updatedAt"),
    "changesets": ("cluster", "createdAt", "failureMessage", "id", "status", "updatedAt"),
    "activityLogs": ("entity.data.name", "entity.id", "entity.type", "updatedAt", "user"),
}
FILTER_FIELDS = {
    "routes": ORDER_FIELDS["routes"],
    "policies": ("assigned", "cluster", "enforced", "id", "name", "updatedAt"),
    "keyPairs": ("cluster", "id", "isCertificateAuthority", "isClientCertificate", "issuer", "name", "notAfter",
                 "status", "subject", "updatedAt"),
    "changesets": ORDER_FIELDS["changesets"],
    "activityLogs": ORDER_FIELDS["activityLogs"],
}
CHANGESET_STATUSES = ("pending", "applying", "applied", "failed", "current", "rejected")
ACTIVITY_TYPES = ("create", "delete", "update")
ENTITY_TYPES = ("changeset", "custom_domain", "domain", "key_pair", "namespace", "organization", "policy",
                "route", "settings", "service_account")
TEMPLATE_TYPES = ("route", "settings", "policy")
TIME_SERIES_METRICS = ("mau", "dau", "upstream_requests", "upstream_rx_bytes", "upstream_tx_bytes", "authz_ok",
                       "authz_err", "authz_denied")
DISTRIBUTION_METRICS = ("upstream_request_time",)
PERCENTILES = (50, 95, 99)


def parse_error(response: httpx.Response) -> str | None:
    """The console API declares no error schema; the cluster API uses {"error": "..."}."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text or None
    if isinstance(body, dict):
        for key in ("error", "message", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return value["message"]
    return None


def order_by_param(fields: list[str] | None, kind: str) -> str | None:
    """`orderBy` as the generated client sends it: form, explode=false (``name,-updatedAt``)."""
    if not fields:
        return None
    allowed = ORDER_FIELDS[kind]
    parts = [p.strip() for f in fields for p in f.split(",") if p.strip()]
    for part in parts:
        if part.lstrip("-") not in allowed:
            raise UsageError(f"invalid --order-by {part!r}: choose from {', '.join(allowed)} (prefix - for descending)")
    return ",".join(parts)


class PomeriumClient(ResourceCalls, ProductClient):
    def __init__(self, conn: Connection) -> None:
        conn.config.error_parser = parse_error
        self.conn = conn
        self.secrets = conn.secrets
        self.options = conn.options
        self.auth = ExchangedTokenAuth(
            self._exchange_profile_token,
            cache=conn.token_cache,
            cache_key=self.token_cache_key,
            refresh_margin=REFRESH_MARGIN,
            on_token=lambda token: self.http.redactor.add(token),
        )
        self.http = HttpClient(conn.config, self.auth)
        self.page_size = PAGE_SIZE

    # -- scope ------------------------------------------------------------------------

    @property
    def org_id(self) -> str:
        org = self.options.get("org")
        if not org:
            raise UsageError(
                f"profile {self.conn.profile_name!r} has no organization: pass --org ORG_ID",
                hint="see `gwctl pomerium organizations list`",
            )
        return str(org)

    def cluster_id(self, explicit: str | None = None) -> str:
        if explicit is not None:
            check_segment(explicit, "CLUSTER_ID")  # "" is a bad ID, not "the profile's cluster"
        cluster = explicit or self.options.get("cluster")
        if not cluster:
            raise UsageError(
                "this command needs a cluster: pass --cluster CLUSTER_ID or give the profile a default cluster",
                hint=f"see `gwctl pomerium clusters list`; `gwctl profile add {self.conn.profile_name} --product "
                "pomerium --org ORG --cluster ID --force` sets the default",
            )
        return str(cluster)

    @property
    def has_cluster(self) -> bool:
        return bool(self.options.get("cluster"))

    def org_path(self, *parts: Any) -> str:
        return "/organizations/" + seg(self.org_id) + "".join("/" + seg(p) for p in parts)

    def cluster_path(self, *parts: Any, cluster: str | None = None) -> str:
        return self.org_path("clusters", self.cluster_id(cluster), *parts)

    # -- declared resources (gwctl.resources.pomerium) ----------------------------------------

    def scope_value(self, name: str) -> str:
        return self.org_id if name == "org" else self.cluster_id() if name == "cluster" else super().scope_value(name)

    def list_pages(self, res: Any, params: dict[str, Any] | None = None, limit: int | None = None,
                   **values: Any) -> Iterator[list]:
        """Bare arrays, paged with offset/limit or in one answer. A namespaced list without a
        namespace (a name lookup) covers the whole organization: the root namespace and its
        descendants; custom domains are listed per cluster."""
        path = self.resource_path(res, **values)
        params = dict(params or {})
        if "namespace" in res.scope and not params.get("namespaceId"):
            params["namespaceId"] = self.root_namespace()
            params.setdefault("includeDescendants", "true")
        if "cluster" in res.scope and "{cluster}" not in res.path:
            params.setdefault("clusterId", self.cluster_id())
        if res.paging == "offset":
            return self.pages(path, params, limit)
        return self.one_page(path, params, limit)

    def _learn(self, res: Any, body: Any) -> None:
        for key in res.secrets:
            if isinstance(body, dict) and isinstance(body.get(key), str) and body[key]:
                self.http.redactor.add(body[key])

    def create_item(self, res: Any, body: Any, **values: Any) -> Any:
        self._learn(res, body)
        created = super().create_item(res, body, **values)
        self._learn(res, created)  # a token shown once
        return created

    def replace_item(self, res: Any, item_id: Any, body: Any, **values: Any) -> Any:
        """A full PUT. Of the fields gwctl does not model, only those the server's object has
        are sent (a newer API's); another is a typo and refused before the PUT. A namespaced
        object whose body names no namespace keeps its current one."""
        self._learn(res, body)
        model = res.model("create")
        if isinstance(body, dict) and model is not None:
            known = set(model.model_fields) | {i.alias for i in model.model_fields.values() if i.alias}
            unknown = [k for k in body if k not in known]
            keep_namespace = "namespace" in res.scope and not body.get("namespaceId")
            if unknown or keep_namespace:
                current = self.read(res, item_id, **values)
                current = current if isinstance(current, dict) else {}
                typos = [k for k in unknown if k not in current]
                if typos:
                    more = f" (and {len(typos) - 1} more)" if len(typos) > 1 else ""
                    raise UsageError(f"invalid --from-file: field '{typos[0]}': Extra inputs are not permitted{more}")
                if keep_namespace and current.get("namespaceId"):
                    body = {**body, "namespaceId": current["namespaceId"]}
        return super().replace_item(res, item_id, body, **values)

    # -- token exchange -----------------------------------------------------------------

    def exchange(self, refresh_token: str) -> dict[str, Any]:
        """POST /token: {"idToken", "expiresInSeconds" (a string)}; AuthError when refused."""
        self.http.redactor.add(refresh_token)
        try:
            body = self.http.post("/token", json={"refreshToken": refresh_token}, auth=None)
        except ApiError as exc:
            if exc.http_status in CREDENTIAL_REFUSALS:
                raise AuthError(
                    f"token exchange failed: {exc.message}",
                    hint="the API user token is invalid, renewed or deleted: store a current one with "
                    f"`gwctl auth login -p {self.conn.profile_name}` or set GWCTL_POMERIUM_TOKEN",
                    http_status=exc.http_status,
                    request_id=exc.request_id,
                ) from None
            raise
        if not isinstance(body, dict) or not isinstance(body.get("idToken"), str) or not body["idToken"]:
            raise ServerError("POST /token answered without an idToken")
        self.http.redactor.add(body["idToken"])
        return body

    def _exchange_profile_token(self) -> tuple[str, float]:
        refresh = self.secrets.require("refresh_token")["refresh_token"]
        body = self.exchange(refresh)
        try:
            lifetime = float(str(body.get("expiresInSeconds", "")).strip())
        except ValueError:
            lifetime = 300.0  # unknown: keep it briefly, a 401 re-exchanges anyway
        return body["idToken"], time.time() + lifetime

    def token_cache_key(self) -> str:
        """The ID token's cache key: per profile and per refresh token, so a token from the
        environment, a renewed or a re-stored token never picks up another one's ID token."""
        import hashlib

        refresh = self.secrets.require("refresh_token")["refresh_token"]
        return f"{self.conn.cache_key(CACHE_KIND)}:{hashlib.sha256(refresh.encode()).hexdigest()[:16]}"

    def current_token(self) -> str:
        """The cached ID token, exchanged first if missing or about to expire (`gwctl auth token`)."""
        token, _ = self.auth._token()
        return token

    def drop_cached_token(self) -> None:
        """Forget every cached ID token of this profile."""
        drop_prefix = getattr(self.auth.cache, "drop_prefix", None)
        if drop_prefix is not None:
            drop_prefix(self.conn.cache_key(CACHE_KIND))
        else:
            self.auth.cache.delete(self.auth.cache_key)

    def cache_id_token(self, body: dict) -> None:
        """Keep an ID token just obtained from /token for the profile's current refresh token."""
        try:
            lifetime = float(str(body.get("expiresInSeconds", "")).strip())
        except ValueError:
            return
        if lifetime > 0 and body.get("idToken"):
            self.auth.cache.set(self.token_cache_key(), body["idToken"], time.time() + lifetime)

    # -- paging ---------------------------------------------------------------------------

    def pages(self, path: str, params: dict[str, Any] | None = None, limit: int | None = None,
              *, raw: bool = False) -> Iterator[list]:
        """offset/limit over bare arrays. Stops on a short page, but first learns whether the
        server caps `limit` below what was asked (then a page of the cap's size is full).
        With ``raw`` (the `api --paginate` escape hatch) a non-array answer is passed through."""
        base = {k: v for k, v in (params or {}).items() if v is not None}

        full_page = [False]  # no total in Pomerium's lists: a full last page may have more behind it

        def fetch() -> Iterator[list]:
            offset, cap, previous = 0, None, None
            while limit is None or offset < limit:
                count = self.page_size if limit is None else min(self.page_size, limit - offset)
                page, count = self._page(path, base, offset, count)
                if not isinstance(page, list):
                    if raw and offset == 0:
                        yield [page]
                        return
                    raise ServerError(f"GET {path}: expected a JSON array, got {type(page).__name__}")
                if not page or (previous is not None and page[:1] == previous[:1]):
                    return  # empty, or a server that ignores offset
                full_page[0] = len(page) >= count
                yield page
                offset += len(page)
                previous = page
                full = cap if cap is not None else count
                if len(page) >= full:
                    continue
                if cap is None and offset == len(page):
                    cap = len(page)  # short first page: a cap, or the end? the next request tells
                    continue
                return

        return truncate(fetch(), limit, lambda: None if full_page[0] else False)

    def _page(self, path: str, base: dict[str, Any], offset: int, count: int) -> tuple[Any, int]:
        """One page. The maximum `limit` is not documented: a server that refuses ours (400
        naming `limit`) is asked again with the maximum its message names, else half as many."""
        for _ in range(4):
            try:
                return self.http.get(path, params={**base, "offset": offset, "limit": count}), count
            except ApiError as exc:
                smaller = smaller_page(exc, count, "limit")
                if smaller is None:
                    raise
                count = self.page_size = smaller
        return self.http.get(path, params={**base, "offset": offset, "limit": count}), count

    def raw_pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[Any]:
        if params and ("offset" in params or "limit" in params):
            body = self.http.get(path, params=params)  # the caller pages by hand
            yield body if isinstance(body, list) else [body]
            return
        yield from self.pages(path, params, raw=True)

    def one_page(self, path: str, params: dict[str, Any] | None = None, limit: int | None = None) -> Iterator[list]:
        """An unpaged list endpoint, cut to ``limit`` locally."""
        body = self.http.get(path, params={k: v for k, v in (params or {}).items() if v is not None})
        if not isinstance(body, list):
            raise ServerError(f"GET {path}: expected a JSON array, got {type(body).__name__}")
        return truncate(iter([body]), limit)

    # -- namespaces ----------------------------------------------------------------------

    def root_namespace(self) -> str:
        for namespace in self.list_namespaces():
            if namespace.get("type") == "root":
                return namespace["id"]
        raise UsageError("the organization has no root namespace: pass --namespace ID")

    def cluster_namespace(self, cluster: str | None = None) -> str:
        found = self.get_cluster(self.cluster_id(cluster))
        namespace = found.get("namespaceId") if isinstance(found, dict) else None
        if not namespace:
            raise ServerError("the cluster has no namespaceId")
        return namespace

    # -- users -------------------------------------------------------------------------

    def update_current_user(self) -> dict:
        return self.http.post("/user", expect=dict)

    def delete_current_user(self) -> None:
        self.http.delete("/user")

    def create_api_user(self, name: str, role: str | None = None) -> dict:
        body = {"name": name, **({"role": role} if role else {})}
        return self._secret(self.http.post(self.org_path("users", "apiAccess"), json=body, expect=dict), "refreshToken")

    def renew_refresh_token(self, user_id: str) -> dict:
        return self._secret(self.http.post(self.org_path("users", user_id, "refreshToken"), expect=dict),
                            "refreshToken")

    def _secret(self, body: Any, key: str) -> Any:
        if isinstance(body, dict) and isinstance(body.get(key), str):
            self.http.redactor.add(body[key])
        return body

    # -- invitations ---------------------------------------------------------------------

    def list_user_invitations(self, limit: int | None = None) -> Iterator[list]:
        return self.one_page("/user/invitations", limit=limit)

    def create_invites(self, emails: list[str], role: str) -> list:
        return self.http.post(self.org_path("invitations"), json={"emails": emails, "role": role})

    # -- organizations, quotas, namespaces --------------------------------------------------

    def create_organization(self, body: dict) -> dict:
        result = self.http.post("/organizations", json=body, expect=dict)
        self._secret(result.get("cluster"), "refreshToken")
        return result

    def get_organization(self, org: str | None = None) -> dict:
        return self.http.get("/organizations/" + seg(org or self.org_id), expect=dict)

    def get_quotas(self, namespace: str | None = None) -> dict:
        return self.http.get(self.org_path("quotas"), params={"namespaceId": namespace} if namespace else None,
                             expect=dict)

    def list_namespaces(self) -> list:
        path = self.org_path("namespaces")
        return [n for n in listed_items(self.http.get(path), None, "GET", path) if isinstance(n, dict)]

    # -- routes --------------------------------------------------------------------------

    def route_certificates(self, route_id: str) -> list:
        return self.http.get(self.org_path("routes", route_id, "certificates"))

    # -- changesets and activity ------------------------------------------------------------

    def list_changesets(self, *, status: str | None = None, cluster: str | None = None, order_by: str | None = None,
                        filter_: dict | None = None, limit: int | None = None) -> Iterator[list]:
        params: dict[str, Any] = {"status": status, "clusterId": cluster, "orderBy": order_by}
        if filter_:
            params["filter"] = json.dumps(filter_, separators=(",", ":"))
        return self.pages(self.org_path("changesets"), params, limit)

    def compare_changesets(self, cluster: str, first: str | None = None, second: str | None = None) -> dict:
        params = {"clusterId": cluster, "firstId": first, "secondId": second}
        return self.http.get(self.org_path("changesets", "compare"),
                             params={k: v for k, v in params.items() if v}, expect=dict)

    def apply_changeset(self, changeset_id: str) -> dict:
        return self.http.post(self.org_path("changesets", changeset_id, "apply"))

    def list_activity_logs(self, params: dict[str, Any], *, order_by: str | None = None, filter_: dict | None = None,
                           limit: int | None = None) -> Iterator[list]:
        query = {**params, "orderBy": order_by}
        if filter_:
            query["filter"] = json.dumps(filter_, separators=(",", ":"))
        return self.pages(self.org_path("activityLogs"), query, limit)

    # -- clusters ------------------------------------------------------------------------

    def create_cluster(self, body: dict) -> dict:
        return self._secret(self.http.post(self.org_path("clusters"), json=body, expect=dict), "refreshToken")

    def get_cluster(self, cluster: str) -> dict:
        return self.http.get(self.org_path("clusters", cluster), expect=dict)

    def list_replicas(self, cluster: str, start: str, end: str) -> list:
        return self.http.get(self.org_path("clusters", cluster, "replicas"),
                             params={"startTime": start, "endTime": end})

    def cluster_health(self, cluster: str) -> list:
        return self.http.get(self.org_path("clusters", cluster, "health"))

    def rerun_health_checks(self, cluster: str) -> Any:
        return self.http.post(self.org_path("clusters", cluster, "health"), json={})

    def rotate_cluster_token(self, cluster: str) -> dict:
        return self._secret(self.http.post(self.org_path("clusters", cluster, "token"), expect=dict), "refreshToken")

    # -- settings ------------------------------------------------------------------------

    def get_settings(self, cluster: str) -> dict:
        return self.http.get(self.org_path("clusters", cluster, "settings"))

    def update_settings(self, cluster: str, body: dict) -> dict:
        return self.http.put(self.org_path("clusters", cluster, "settings"), json=body)

    def patch_settings(self, cluster: str, operations: list) -> dict:
        # GEN-F sends the JSON Patch as application/json, not application/json-patch+json.
        return self.http.patch(self.org_path("clusters", cluster, "settings"), json=operations)

    # -- metrics -------------------------------------------------------------------------

    def _metric_params(self, start: str, end: str, route: str | None, replica: str | None,
                       percentile: int | None = None) -> dict[str, Any]:
        params = {"startTime": start, "endTime": end, "routeId": route, "replicaId": replica,
                  "percentile": percentile}
        return {k: v for k, v in params.items() if v is not None}

    def distribution_sum(self, cluster: str, metric: str, start: str, end: str, route: str | None = None,
                         replica: str | None = None) -> list:
        return self.http.get(self.org_path("clusters", cluster, "distribution", metric, "sum"),
                             params=self._metric_params(start, end, route, replica), expect=list)

    def distribution_series(self, cluster: str, metric: str, start: str, end: str, percentile: int | None = None,
                            route: str | None = None, replica: str | None = None) -> list:
        return self.http.get(self.org_path("clusters", cluster, "distribution", metric, "timeSeries"),
                             params=self._metric_params(start, end, route, replica, percentile), expect=list)

    def time_series(self, cluster: str, metric: str, start: str, end: str, route: str | None = None,
                    replica: str | None = None) -> list:
        return self.http.get(self.org_path("clusters", cluster, "timeSeries", metric),
                             params=self._metric_params(start, end, route, replica), expect=list)

    def time_series_sum(self, cluster: str, metric: str, start: str, end: str, route: str | None = None,
                        replica: str | None = None) -> list:
        return self.http.get(self.org_path("clusters", cluster, "timeSeries", metric, "sum"),
                             params=self._metric_params(start, end, route, replica), expect=list)

    # -- service accounts and custom domains -----------------------------------------------

    def create_service_account(self, cluster: str, body: dict) -> dict:
        return self._secret(self.http.post(self.org_path("clusters", cluster, "serviceAccounts"), json=body,
                                           expect=dict), "token")

    def service_account_token(self, cluster: str, sa_id: str) -> dict:
        return self._secret(self.http.get(self.org_path("clusters", cluster, "serviceAccounts", sa_id, "token"),
                                          expect=dict), "token")

    def add_custom_domain(self, cluster: str, domain: str) -> dict:
        return self.http.post(self.org_path("customDomains"), json={"clusterId": cluster, "domainName": domain})

    # -- templates, billing, onboarding, identity provider ---------------------------------------

    def list_templates(self, record_type: str, limit: int | None = None) -> Iterator[list]:
        return self.one_page("/defaultTemplates/" + seg(record_type), limit=limit)

    def billing_portal_session(self, body: dict) -> dict:
        return self.http.post(self.org_path("billing", "createBillingPortalSession"), json=body)

    def checkout_session(self, body: dict) -> dict:
        return self.http.post(self.org_path("billing", "createCheckoutSession"), json=body)

    def complete_checkout_session(self, session_id: str) -> Any:
        return self.http.post(self.org_path("billing", "completeCheckoutSession"),
                              json={"checkoutSessionId": session_id})

    def subscription(self) -> dict:
        return self.http.get(self.org_path("billing", "subscription"))

    def start_onboarding(self, body: dict) -> dict:
        return self._secret(self.http.post("/onboarding/start", json=body, expect=dict), "clusterToken")

    def configure_onboarding(self, body: dict) -> Any:
        return self.http.post("/onboarding/configure", json=body)

    def check_identity_provider(self, body: dict) -> dict:
        if body.get("clientSecret"):
            self.http.redactor.add(body["clientSecret"])
        return self.http.post("/checkIdentityProviderSettings", json=body)

    def complete_onboarding(self) -> Any:
        return self.http.post("/onboarding/complete")

    # -- version, logs, ping, notifications ----------------------------------------------

    def server_version(self) -> dict:
        return self.http.get("/version")

    def cluster_logs(self, cluster: str, start: str, end: str, route: str | None = None) -> list:
        params = {"startTime": start, "endTime": end, **({"routeId": route} if route else {})}
        return self.http.get(self.org_path("clusters", cluster, "logs"), params=params)

    def ping_cluster(self, cluster: str) -> dict:
        return self.http.post(self.org_path("clusters", cluster, "ping"))

    def generate_subdomain_name(self) -> dict:
        return self.http.get("/generateSubdomainName")

    def authorize_notifications(self, channel: str, socket_id: str) -> dict:
        # The SDK sends this one form-encoded (the Pusher channel-auth convention).
        return self.http.post("/notifications/authorize", data={"channel_name": channel, "socket_id": socket_id})

    # -- custom domains, invitations, organizations -----------------------------------------

    def retry_custom_domain(self, domain_id: str) -> Any:
        return self.http.post(self.org_path("customDomains", domain_id, "retry"))

    def answer_invitation(self, invitation_id: str, answer: str) -> Any:
        return self.http.post("/user/invitations/" + seg(invitation_id, "invitation ID") + "/" + answer)

    def leave_organization(self, org: str) -> Any:
        return self.http.post("/organizations/" + seg(org, "organization ID") + "/leave")

    def feature_flags(self) -> list:
        return self.http.get(self.org_path("featureFlags"))

    # -- billing -----------------------------------------------------------------------------

    def invoices(self) -> list:
        return self.http.get(self.org_path("billing", "invoices"))

    def payment_information(self) -> dict:
        return self.http.get(self.org_path("billing", "paymentInformation"))

    def billing_usage(self) -> dict:
        return self.http.get(self.org_path("billing", "usage"))

    def update_customer(self, email: str) -> Any:
        return self.http.put(self.org_path("billing", "customer"), json={"email": email})



def connect(conn: Connection) -> PomeriumClient:
    return PomeriumClient(conn)


def verify(client: PomeriumClient) -> None:
    """`gwctl auth login`: the token must exchange, and the profile's organization must answer."""
    client.drop_cached_token()
    client.current_token()
    if client.options.get("org"):
        client.get_organization()
    else:
        client.http.get("/organizations")
