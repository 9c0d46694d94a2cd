"""Okta Privileged Access (OPA): gateways and gateway setup tokens (shared/api/opa-gatekeeper.md §1).

Auth: a service user's key ID and secret are exchanged at
``POST /v1/teams/{team}/service_token`` for a bearer token, cached across
invocations until shortly before its ``expires_at`` (the cache holds that refresh
time), then refreshed; a 401 re-fetches it once. Lists follow ``Link: <...>; rel="next"``; throttling is 429 with
``X-RateLimit-Retry-At`` (Unix seconds); errors are ``{"code", "message", "nottype"}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterator

import httpx

from gwctl import errors
from gwctl.api.auth import ExchangedTokenAuth
from gwctl.api.base import Connection, ProductClient, ResourceCalls, seg
from gwctl.api.http import HttpClient, epoch_reset_header
from gwctl.api.paging import MappedPages, link_pages, truncate
from gwctl.resources.opa import role_hint_for

RATE_LIMIT_HEADER = "X-RateLimit-Retry-At"
# pam-sdk-go refreshes 0-2 minutes before expires_at. gwctl refreshes 2 minutes ahead, or a
# quarter of the lifetime ahead for short-lived tokens, so those are still cached and reused.
REFRESH_MARGIN = 120.0
# The token lifetime is undocumented: a token whose expires_at is missing, or already past by
# our clock (skew), is trusted this long; a 401 re-fetches it earlier if need be.
ASSUMED_TTL = 300.0
# OPA's 429 is always throttling: without X-RateLimit-Retry-At, Okta's clients wait 5-10 s.
THROTTLE_WAIT = (5.0, 10.0)
# Items asked for per list page (`count`): the largest page the API serves (1000), so the server's
# default page size does not decide how many round trips a list takes; a smaller --limit is asked
# for exactly. A server that caps lower still links the next page (tests lower it to exercise paging).
PAGE_SIZE = 1000


def parse_error(response: httpx.Response) -> str | None:
    """OPA error bodies: {"code", "message", "nottype"}, {"message", "errors": [{path, message}]}, or
    the workload shape {"code", "error", "error_cause"}."""
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    message = body.get("message") or body.get("error")
    details = [
        f"{e.get('path')}: {e.get('message')}" if e.get("path") else str(e.get("message"))
        for e in body.get("errors") or ()
        if isinstance(e, dict) and e.get("message")
    ]
    if details:
        return "; ".join(([str(message)] if message else []) + details)
    return str(message) if message else None


def parse_time(value: Any) -> float | None:
    """RFC 3339 (with or without fraction, Z or offset) -> epoch seconds."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("z", "Z")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    head, dot, rest = text.partition(".")
    if dot:  # fromisoformat wants 3 or 6 fraction digits on some Pythons: normalise to microseconds
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{(rest[:digits] + '000000')[:6]}{rest[digits:]}"
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def refresh_time(expires_at: float | None, now: float) -> float:
    """When to exchange again: ahead of ``expires_at`` by 2 minutes, or by a quarter of a short lifetime."""
    lifetime = expires_at - now if expires_at is not None else 0.0
    if lifetime <= 0:
        lifetime = ASSUMED_TTL
    return now + lifetime - min(REFRESH_MARGIN, lifetime / 4)


class _OpaHttp(HttpClient):
    """Every refused call (403) names the OPA role it needs, whichever command sent it."""

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:
        try:
            return super().request(method, url, **kwargs)
        except errors.GwctlError as exc:
            if exc.http_status == 403 and not exc.hint:
                exc.hint = role_hint_for(method, str(url))
            raise


class OpaClient(ResourceCalls, ProductClient):
    def __init__(self, conn: Connection) -> None:
        team = str(conn.options.get("team") or "").strip()
        if not team:
            raise errors.ConfigError(
                f"profile {conn.profile_name!r} has no OPA team",
                hint=f"re-create it with `gwctl profile add {conn.profile_name} --product opa --url URL --team TEAM`",
            )
        self.team = team
        self.prefix = f"/v1/teams/{seg(team)}"
        self.secrets = conn.secrets
        config = conn.config
        config.error_parser = parse_error
        config.reset_header = epoch_reset_header(RATE_LIMIT_HEADER, config.clock)
        config.throttle_wait = THROTTLE_WAIT
        self.base_url = conn.url
        self.cache_prefix = conn.cache_key("bearer")
        self.auth = ExchangedTokenAuth(
            self._exchange,
            cache=conn.token_cache,
            cache_key=self.token_cache_key,
            refresh_margin=0.0,  # _exchange() returns the refresh time, margin included
            clock=config.clock,
            on_token=self._learn,
        )
        self.http = _OpaHttp(config, self.auth)

    # -- auth ---------------------------------------------------------------------------------

    def _learn(self, secret: str) -> None:
        self.http.redactor.add(secret)

    def token_cache_key(self) -> str:
        """The bearer's cache key: per profile, and per URL, team and service user key, so a profile
        re-pointed at another server (`profile add --force`) or run with another key from the
        environment never sends or reuses a token issued for something else."""
        import hashlib

        creds = self.secrets.require("key_id", "key_secret")
        identity = "\n".join((self.base_url.rstrip("/"), self.team.lower(), creds["key_id"], creds["key_secret"]))
        return f"{self.cache_prefix}:{hashlib.sha256(identity.encode()).hexdigest()[:16]}"

    def _exchange(self) -> tuple[str, float]:
        creds = self.secrets.require("key_id", "key_secret")
        self._learn(creds["key_secret"])
        try:
            body = self.http.post(
                f"{self.prefix}/service_token",
                json={"key_id": creds["key_id"], "key_secret": creds["key_secret"]},
                auth=None,
                expect=dict,
            )
        except errors.Unauthorized as exc:
            exc.message = (
                f"OPA refused the service user key {creds['key_id']} for team {self.team!r} "
                "(wrong key ID or secret, a revoked key, or another team)"
            )
            exc.args = (exc.message,)
            exc.hint = "check GWCTL_OPA_KEY_ID/GWCTL_OPA_KEY_SECRET or run `gwctl auth login`"
            raise
        token = body.get("bearer_token")
        if not isinstance(token, str) or not token:
            raise errors.ServerError(f"POST {self.prefix}/service_token: the token exchange answered without a bearer_token")
        self._learn(token)
        team_name = body.get("team_name")
        if isinstance(team_name, str) and team_name and team_name.lower() != self.team.lower():
            raise errors.AuthError(
                f"OPA issued the token for team {team_name!r}, but the profile's team is {self.team!r}",
                hint="fix the profile's --team or use that team's service user key",
            )
        # Tokens cached for this profile's earlier URL, team or key are of no further use.
        drop_prefix = getattr(self.auth.cache, "drop_prefix", None)
        if drop_prefix is not None:
            drop_prefix(self.cache_prefix)
        return token, refresh_time(parse_time(body.get("expires_at")), self.http.config.clock())

    def current_token(self) -> str:
        """The cached bearer token, exchanged first if missing or about to expire."""
        token, _ = self.auth._token()
        return token

    # -- transport helpers ----------------------------------------------------------------------

    def _pages(self, path: str, params: dict[str, Any] | None = None, limit: int | None = None) -> Iterator[list[Any]]:
        return MappedPages(link_pages(self.http, path, params=params, items_key="list", limit=limit,
                                      page_size=PAGE_SIZE), self._learn_token)

    # -- declared resources (gwctl.resources.opa) ---------------------------------------------

    def scope_value(self, name: str) -> str:
        return self.team if name == "team" else super().scope_value(name)

    def create_item(self, res: Any, body: Any, **values: Any) -> Any:
        return self.unwrap(self.http.post(self.resource_path(res, **values), json=body))

    def unwrap(self, body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("token"), str):
            self._learn(body["token"])
        return body

    def list_pages(self, res: Any, params: dict[str, Any] | None = None, limit: int | None = None,
                   **values: Any) -> Iterator[list[Any]]:
        """Link-paged lists; ``labels[KEY]=VALUE`` params are filtered here (OPA has no label filter)."""
        params = dict(params or {})
        wanted = {k[len("labels["):-1]: str(params.pop(k)) for k in list(params) if k.startswith("labels[")}
        path = self.resource_path(res, **values)
        if not wanted:
            return self._pages(path, params or None, limit)

        def matching(item: Any) -> bool:
            labels = (item.get("labels") if "labels" in item else (item.get("details") or {}).get("labels")) \
                if isinstance(item, dict) else None
            return isinstance(labels, dict) and all(str(labels.get(k)) == v for k, v in wanted.items())

        pages = self._pages(path, params or None)
        return truncate(([i for i in page if matching(i)] for page in pages), limit)

    def raw_pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[list[Any]]:
        return link_pages(self.http, path, params=params, items_key="list")  # the caller's own count, if any

    def _learn_token(self, item: Any) -> Any:
        if isinstance(item, dict) and isinstance(item.get("token"), str):
            self._learn(item["token"])
        return item

    # -- gateway setup tokens ---------------------------------------------------------------------

    def _token_path(self, token_id: str = "") -> str:
        return f"{self.prefix}/gateway_setup_tokens" + (f"/{seg(token_id)}" if token_id else "")

    def list_setup_tokens(self, limit: int | None = None) -> Iterator[list[dict[str, Any]]]:
        return self._pages(self._token_path(), limit=limit)

    def create_setup_token(self, body: dict[str, Any]) -> dict[str, Any]:
        token = self.http.post(self._token_path(), json=body, expect=dict)
        if isinstance(token, dict) and isinstance(token.get("token"), str):
            self._learn(token["token"])
        return token

    def get_setup_token(self, token_id: str) -> dict[str, Any]:
        token = self.http.get(self._token_path(token_id), expect=dict)
        if isinstance(token, dict) and isinstance(token.get("token"), str):
            self._learn(token["token"])
        return token

    def setup_token_value(self, token_id: str) -> dict[str, Any]:
        """GET .../{id}/token: the record holding the secret ``token``."""
        token = self.http.get(self._token_path(token_id) + "/token", expect=dict)
        if isinstance(token, dict) and isinstance(token.get("token"), str):
            self._learn(token["token"])
        return token

    def delete_setup_token(self, token_id: str) -> None:
        self.http.delete(self._token_path(token_id))

    # -- gateways -----------------------------------------------------------------------------------

    def _gateway_path(self, gateway_id: str = "") -> str:
        return f"{self.prefix}/gateways" + (f"/{seg(gateway_id)}" if gateway_id else "")

    def gateway_status(self, gateway_id: str) -> dict[str, Any]:
        return self.http.get(self._gateway_path(gateway_id) + "/status", expect=dict)



def connect(conn: Connection) -> OpaClient:
    return OpaClient(conn)


def verify(client: OpaClient) -> None:
    """`gwctl auth login`: exchange the key for a token (and check its team) before storing it."""
    client.current_token()


def prove_recovered(client: Any, record: dict, secret: str) -> bool:
    """A recovered setup token is the one the server still holds (`gwctl auth recover`)."""
    if not record.get("token_id"):
        return False
    value = client.setup_token_value(str(record["token_id"]))
    if (value or {}).get("token") != secret:
        raise errors.AuthError("the setup token no longer has this value")
    return True
