"""Okta Privileged Access (OPA) gateways API emulator (shared/api/opa-gatekeeper.md §1).

Follows Okta's own clients (terraform-provider-oktapam, pam-sdk-go):

* ``POST /v1/teams/{team}/service_token`` trades a service user's ``key_id`` and
  ``key_secret`` for ``{"bearer_token", "expires_at", "team_name"}``; every other
  call needs ``Authorization: Bearer``. Tokens expire after ``token_ttl`` seconds of
  the injectable clock (401 afterwards), so clients must refresh them.
* Roles: setup tokens and gateway updates/deletes need ``resource_admin``; reading
  gateways also accepts ``delegated_resource_admin``; otherwise 403.
* Lists answer ``{"list": [...]}`` a page at a time (``count``, default
  ``page_size``; ``offset`` is the ID of the last item of the previous page; also
  ``descending`` and ``prev``) with RFC 5988 ``Link`` headers ``rel="next"``/``"prev"``.
* Errors are ``{"code", "message", "nottype"}``; update and delete answer 204.
* ``rate_limit_next()`` queues 429s carrying ``X-RateLimit-Retry-At`` (Unix seconds).

Seed typos fixed here (§1.10): the gateway ID ``napa5791-…ew15`` is not a UUID and
becomes ``a0a05791-…e015``; the placeholder labels ``property1``/``property2`` are
replaced by real ones; the mangled sample tokens by well-formed ``sft-gw.`` tokens.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import secrets
import uuid
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Request, Response

from . import paging
from .base import Emulator, random_id, rfc3339, route

RESOURCE_ADMIN = "resource_admin"
DELEGATED_RESOURCE_ADMIN = "delegated_resource_admin"
READ_GATEWAYS = (RESOURCE_ADMIN, DELEGATED_RESOURCE_ADMIN)
NAME_PATTERN = re.compile(r"^[\w\-_.]+$")
NOTTYPES = {
    400: "bad_request",
    401: "unauthorized_access",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "rate_limited",
}
GATEWAY_FIELDS = ("name", "description", "access_address", "default_address", "labels", "refuse_connections")
SEED_TIME = "2023-08-25T00:00:00Z"


def _seed_token_value(token_id: str, host: str = "https://sandbox.pam.okta.test") -> str:
    """A well-formed, deterministic sft-gw. setup token for a seeded token."""
    digest = hashlib.sha256(token_id.encode()).digest()
    return _token_value(uuid.UUID(bytes=digest[:16], version=4), base64.urlsafe_b64encode(digest).decode().rstrip("="), host)


def _token_value(token_uuid: uuid.UUID, secret: str, host: str) -> str:
    payload = json.dumps({"at": secret, "as": f"{host}/as/agent", "rs": host}, separators=(",", ":"))
    return f"sft-gw.{token_uuid}." + base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


class OpaEmulator(Emulator):
    product = "opa"
    base_path = ""
    team = "sandbox"
    page_size = 2  # the default page: small so that paging is real
    max_page_size = 1000
    token_ttl = 3600.0  # seconds a bearer token lives
    absolute_links = True  # Link URLs with scheme and host (False: path and query only)

    # Service users: key ID -> (key secret, user name); roles live in self.roles.
    admin_key_id = "9f3b2c1a-6d4e-4f5a-8b7c-1e2d3c4b5a69"
    admin_key_secret = "opa-sandbox-Qm7Xv2Lp9Rt4Wz8Kc3Hn6Bd1"
    reader_key_id = "4c8e1a2b-3d5f-4a6b-9c7d-8e9f0a1b2c3d"
    reader_key_secret = "opa-sandbox-Jr5Ty8Uw2Ep6Na9Sd4Fg7Lk3"

    def clear_state(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}  # key_id -> {"secret", "name", "roles"}
        self.tokens: dict[str, dict[str, Any]] = {}  # bearer -> {"key_id", "expires_at"}
        self.gateways = self.records("gateway {key} not found", _uuid)
        self.reports: dict[str, dict[str, Any]] = {}  # gateway id -> status report
        self.setup_tokens = self.records("gateway setup token {key} not found", _uuid)
        self.exchanges = 0  # successful token exchanges
        # Set to make the exchange report another team (a misconfigured or hostile server).
        self.reported_team: str | None = None

    def seed(self) -> None:
        self.add_service_user(self.admin_key_id, self.admin_key_secret, "gwctl-sandbox", [RESOURCE_ADMIN])
        self.add_service_user(self.reader_key_id, self.reader_key_secret, "gwctl-reader", [DELEGATED_RESOURCE_ADMIN])
        if self.empty:
            return
        gateways = (
            ("a0a05791-fc26-4386-93f4-eca6a157e015", "Production gateway", "192.168.190.144:7234", "192.168.19.32",
             "Gateway used for prod env", None, False, {"env": "prod", "region": "us-west-2"},
             "2023-08-25T13:00:00.000000Z", ("ONLINE", 14, 53687091200, 12884901888)),
            ("7cdac13d-a3fe-43e8-9a41-13b15df97fc7", "Dev Gateway", "192.168.190.145:7234", "192.168.19.33",
             "Gateway used for dev env", None, False, {"env": "dev", "region": "us-west-2"},
             "2023-08-25T14:35:00.000000Z", ("ONLINE", 3, 10737418240, 1610612736)),
            ("d4f40b71-9474-41c5-94ff-3196a4fc2d03", "ProductionGateway", "10.20.0.15:7234", "10.20.0.15",
             "Gateway in AWS us-east-1", "aws", False, {"env": "prod", "region": "us-east-1"},
             "2023-08-25T13:00:00.000000Z", ("ONLINE", 7, 107374182400, 53687091200)),
            ("3b0fdbdd-1282-440d-a973-ddc409d6d743", "Staging Gateway", "192.168.190.150:7234", "192.168.19.40",
             "Gateway used for staging", None, False, {"env": "staging"},
             "2023-08-25T12:00:00Z", ("ONLINE", 2, 4096, 2048)),
            ("5e8c2f4a-7b1d-4e3f-a6c9-0d2e4f6a8b1c", "EU Gateway", "172.16.4.10:7234", "172.16.4.10",
             "Gateway for the Frankfurt data centre", "gcp", True, {"env": "prod", "region": "eu-central-1"},
             "2023-08-20T08:15:00Z", ("OFFLINE", 0, 21474836480, 0)),
        )
        for gw_id, name, access, default, description, cloud, refuse, labels, last_seen, report in gateways:
            self.add_gateway(gw_id, name, access_address=access, default_address=default, description=description,
                             cloud_provider=cloud, refuse_connections=refuse, labels=labels, last_seen=last_seen)
            status, active, total, used = report
            # The seed's status report carries the Go zero time as updated_at.
            updated = "0001-01-01T00:00:00Z" if gw_id.startswith("3b0fdbdd") else last_seen
            self.reports[gw_id] = {"active_connections": active, "gateway_id": gw_id, "status": status,
                                   "total_storage_bytes": total, "updated_at": updated, "used_storage_bytes": used}
        for token_id, description, labels in (
            ("b09ba4db-d5b4-4ec5-90da-188e1d13d467", "Gateway Token 1", {"region": "NA-West"}),
            ("0bcea2c6-8fd7-44f8-8125-eba8418a18d8", "Gateway Token 2", {"department": "eng"}),
            ("c5a1e7d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f", "Dev gateways", {"env": "dev", "region": "us-west-2"}),
        ):
            self.setup_tokens[token_id] = {
                "id": token_id,
                "registration_type": "gateway-agent",
                "description": description,
                "details": {"labels": labels},
                "created_at": SEED_TIME,
                "token": _seed_token_value(token_id),
            }

    # -- set-up helpers for tests and the sandbox --------------------------------------

    def add_service_user(self, key_id: str, key_secret: str, name: str, roles: list[str]) -> None:
        self.users[key_id] = {"secret": key_secret, "name": name, "roles": set(roles)}

    def set_roles(self, roles: list[str], key_id: str | None = None) -> None:
        """Change a service user's roles (default: the sandbox admin), e.g. to provoke 403s."""
        self.users[key_id or self.admin_key_id]["roles"] = set(roles)

    def add_gateway(self, gateway_id: str | None = None, name: str = "gateway", **fields: Any) -> dict[str, Any]:
        gateway = self.gateways.create({
            "name": name,
            "access_address": fields.get("access_address"),
            "default_address": fields.get("default_address"),
            "description": fields.get("description", ""),
            "cloud_provider": fields.get("cloud_provider"),
            "refuse_connections": fields.get("refuse_connections", False),
            "labels": fields.get("labels"),
            "last_seen": fields.get("last_seen", rfc3339(self.clock())),
        }, key=gateway_id or None)
        return gateway

    def add_setup_token(self, description: str = "", labels: dict[str, str] | None = None,
                        host: str = "http://127.0.0.1") -> dict[str, Any]:
        """A setup token as a create would make it (for tests and benchmarks that need many)."""
        return self.setup_tokens.create({
            "registration_type": "gateway-agent", "description": description, "details": {"labels": labels},
            "created_at": rfc3339(self.clock()), "token": _token_value(uuid.uuid4(), random_id(43), host)})

    def expire_tokens(self) -> None:
        """Make every issued bearer token expire now (as if the server rotated its keys)."""
        for record in self.tokens.values():
            record["expires_at"] = min(record["expires_at"], self.clock())

    def rate_limit_next(self, n: int = 1, *, retry_in: float = 5.0, method: str | None = None,
                        path: str | None = None) -> None:
        """The next ``n`` matching requests get 429 with X-RateLimit-Retry-At = now + retry_in."""
        retry_at = str(math.ceil(self.clock() + retry_in))
        self.fail_next(n, status=429, headers={"X-RateLimit-Retry-At": retry_at}, method=method, path=path)

    # -- what a sandbox profile needs ------------------------------------------------------

    def fleet_identity(self, n: int) -> dict[str, Any]:
        return {"team": f"{self.team}-{n}"}

    def credentials(self) -> dict[str, str]:
        return {"key_id": self.admin_key_id, "key_secret": self.admin_key_secret}

    def profile_options(self, server_url: str = "") -> dict[str, Any]:
        return {"team": self.team}

    def fixtures(self) -> list[str]:
        return [f"team: {self.team}; gateways: Production gateway, Dev Gateway",
                "a new setup token: gwctl -p sandbox-opa opa setup-tokens create --description demo --out demo.token"]

    def example_values(self) -> dict[str, str]:
        return {
            "team": self.team,
            "gateway_id": "7cdac13d-a3fe-43e8-9a41-13b15df97fc7",
            "setup_token_id": "b09ba4db-d5b4-4ec5-90da-188e1d13d467",
            "delete_gateway_id": "5e8c2f4a-7b1d-4e3f-a6c9-0d2e4f6a8b1c",
            "delete_setup_token_id": "0bcea2c6-8fd7-44f8-8125-eba8418a18d8",
        }

    # -- responses ---------------------------------------------------------------------------

    def json(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        response = super().json(body, status, headers)
        response.status = _status_line(status)  # Go's reason phrases ("404 Not Found"), not werkzeug's upper case
        return response

    def error(self, status: int, message: str) -> Response:
        return self.json({"code": status, "message": message, "nottype": NOTTYPES.get(status, "error")}, status)

    def no_content(self) -> Response:
        return Response(status=_status_line(204))

    # -- auth ----------------------------------------------------------------------------------

    def _team(self, team: str) -> None:
        if team.lower() != self.team.lower():
            self.abort(404, f"team {team} not found")

    def _user(self, request: Request, team: str, roles: tuple[str, ...]) -> dict[str, Any]:
        """The caller's service user, after the bearer, team and role checks."""
        scheme, _, bearer = request.headers.get("Authorization", "").partition(" ")
        record = self.tokens.get(bearer.strip()) if scheme.lower() == "bearer" else None
        if record is None or record["expires_at"] <= self.clock():
            self.abort(401, "Unauthorized")
        self._team(team)
        user = self.users.get(record["key_id"])
        if user is None:
            self.abort(401, "Unauthorized")
        if not user["roles"] & set(roles):
            needed = roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " or " + roles[-1]
            self.abort(403, f"User {user['name']} lacks the required role: this endpoint requires {needed}")
        return user

    def _body(self, request: Request) -> dict[str, Any]:
        return self.json_body(request, invalid="request body is not valid JSON", kind=dict,
                              wrong_kind="request body must be a JSON object")

    @route("/v1/teams/<team>/service_token", "POST")
    def service_token(self, request: Request, team: str) -> Response:
        body = self._body(request)
        key_id, key_secret = body.get("key_id"), body.get("key_secret")
        if not isinstance(key_id, str) or not key_id or not isinstance(key_secret, str) or not key_secret:
            self.abort(400, "key_id and key_secret are required strings")
        user = self.users.get(key_id)
        if team.lower() != self.team.lower() or user is None or not secrets.compare_digest(user["secret"], key_secret):
            self.abort(401, "Unauthorized")
        bearer = "eyJ" + random_id(60)
        expires_at = self.clock() + self.token_ttl
        self.tokens[bearer] = {"key_id": key_id, "expires_at": expires_at}
        self.exchanges += 1
        return self.json({"bearer_token": bearer, "expires_at": rfc3339(expires_at),
                          "team_name": self.reported_team or self.team})

    # -- paging ----------------------------------------------------------------------------------

    def _page(self, request: Request, items: list[dict[str, Any]], extra: dict[str, str] | None = None) -> Response:
        args = request.args
        count = self.page_size
        if args.get("count") not in (None, ""):
            try:
                count = int(args["count"])
            except ValueError:
                self.abort(400, f"invalid count: {args['count']!r}")
            if count < 1:
                self.abort(400, f"invalid count: {count}")
            count = min(count, self.max_page_size)
        descending = args.get("descending", "").lower() == "true"
        backwards = args.get("prev", "").lower() == "true"
        if descending:
            items = items[::-1]
        ids = [item["id"] for item in items]
        offset = args.get("offset")
        if offset and offset not in ids:
            self.abort(400, f"invalid offset: {offset}")
        start, end = paging.keyset(ids.index(offset) if offset else None, count, backwards)
        page = [dict(item) for item in items[start:end]]  # copies of the page only: lists stay linear
        query = {"count": str(count), **({"descending": "true"} if descending else {}), **(extra or {})}
        base = (request.host_url.rstrip("/") if self.absolute_links else "") + request.path
        links = []
        if page and end < len(items):
            links.append(f'<{base}?{urlencode({**query, "offset": page[-1]["id"]})}>; rel="next"')
        if page and start > 0:
            links.append(f'<{base}?{urlencode({**query, "offset": page[0]["id"], "prev": "true"})}>; rel="prev"')
        headers = {"Link": ", ".join(links)} if links else None
        return self.json({"list": page}, 200, headers)

    # -- gateway setup tokens -------------------------------------------------------------------

    @route("/v1/teams/<team>/gateway_setup_tokens", "GET", "POST")
    def setup_tokens_collection(self, request: Request, team: str) -> Response:
        self._user(request, team, (RESOURCE_ADMIN,))
        if request.method == "GET":
            return self._page(request, list(self.setup_tokens.values()))
        body = self._body(request)
        if body.get("registration_type") != "gateway-agent":
            self.abort(400, "registration_type is required and must be gateway-agent")
        details = body.get("details")
        if not isinstance(details, dict):
            self.abort(400, "details is required and must be an object")
        labels = details.get("labels")
        if labels is not None and not _string_map(labels):
            self.abort(400, "details.labels must be a map of strings")
        description = body.get("description")
        if description is not None and (not isinstance(description, str) or not 1 <= len(description) <= 1024):
            self.abort(400, "description must be 1 to 1024 characters")
        name = body.get("name")
        if name is not None and (not isinstance(name, str) or not 1 <= len(name) <= 255 or not NAME_PATTERN.match(name)):
            self.abort(400, "name must be 1 to 255 characters of letters, digits, '-', '_' or '.'")
        token = self.setup_tokens.create({
            "registration_type": "gateway-agent",
            "description": description,
            "details": {"labels": labels, **({k: v for k, v in details.items() if k == "infrastructure_orchestrator"})},
            "created_at": rfc3339(self.clock()),
            "token": _token_value(uuid.uuid4(), random_id(43), request.host_url.rstrip("/")),
        })
        if name is not None:
            token["name"] = name
        return self.json(token, 201)

    @route("/v1/teams/<team>/gateway_setup_tokens/<token_id>", "GET", "DELETE")
    def setup_token(self, request: Request, team: str, token_id: str) -> Response | dict:
        self._user(request, team, (RESOURCE_ADMIN,))
        if request.method == "DELETE":
            self.setup_tokens.delete(token_id)
            return self.no_content()
        return dict(self.setup_tokens.find(token_id))

    @route("/v1/teams/<team>/gateway_setup_tokens/<token_id>/token", "GET")
    def setup_token_value(self, request: Request, team: str, token_id: str) -> dict:
        self._user(request, team, (RESOURCE_ADMIN,))
        return dict(self.setup_tokens.find(token_id))

    # -- gateways ---------------------------------------------------------------------------------

    @route("/v1/teams/<team>/gateways", "GET")
    def list_gateways(self, request: Request, team: str) -> Response:
        self._user(request, team, READ_GATEWAYS)
        contains = request.args.get("contains") or ""
        items = [g for g in self.gateways.values() if contains.lower() in (g["name"] or "").lower()]
        return self._page(request, items, {"contains": contains} if contains else None)

    @route("/v1/teams/<team>/gateways/<gateway_id>", "GET", "PUT", "DELETE")
    def gateway(self, request: Request, team: str, gateway_id: str) -> Response | dict:
        if request.method == "GET":
            self._user(request, team, READ_GATEWAYS)
            return dict(self.gateways.find(gateway_id))
        self._user(request, team, (RESOURCE_ADMIN,))
        gateway = self.gateways.find(gateway_id)
        if request.method == "DELETE":
            del self.gateways[gateway_id]
            self.reports.pop(gateway_id, None)
            return self.no_content()
        body = self._body(request)
        unknown = sorted(set(body) - set(GATEWAY_FIELDS) - {"id", "cloud_provider", "last_seen"})
        if unknown:
            self.abort(400, f"unknown field: {unknown[0]}")
        for key in ("name", "description", "access_address", "default_address"):
            value = body.get(key)
            if value is not None and not isinstance(value, str):
                self.abort(400, f"{key} must be a string")
        if "name" in body and not (body["name"] and len(body["name"]) <= 255):
            self.abort(400, "name must be 1 to 255 characters")
        if body.get("labels") is not None and not _string_map(body["labels"]):
            self.abort(400, "labels must be a map of strings")
        if "refuse_connections" in body and not isinstance(body["refuse_connections"], bool):
            self.abort(400, "refuse_connections must be a boolean")
        gateway.update({key: body[key] for key in GATEWAY_FIELDS if key in body})
        return self.no_content()

    @route("/v1/teams/<team>/gateways/<gateway_id>/status", "GET")
    def gateway_status(self, request: Request, team: str, gateway_id: str) -> dict:
        self._user(request, team, READ_GATEWAYS)
        self.gateways.find(gateway_id)
        report = self.reports.get(gateway_id)
        if report is None:
            report = {"active_connections": 0, "gateway_id": gateway_id, "status": "OFFLINE",
                      "total_storage_bytes": 0, "updated_at": "0001-01-01T00:00:00Z", "used_storage_bytes": 0}
        return dict(report)


def _uuid() -> str:
    return str(uuid.uuid4())


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _string_map(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
