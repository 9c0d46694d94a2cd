"""IBM Cloud Secure Gateway (v2 docs, /v1 paths) emulator, plus a small IAM token endpoint.

Follows shared/api/ibm-secure-gateway.md: account calls (/v1/import, /v1/export,
/v1/sgconfig, /v1/setActivity, /v1/stats) take an IAM token and the
``resource_group`` query parameter; calls under /v1/sgconfig/{gatewayID} take the
gateway's own security token (``jwt`` of the gateway object). When a gateway has
``enf_tok_sec`` false its calls also accept an IAM token of the gateway's resource
group. Regenerating the token (PUT with ``regen_token``) invalidates the old one.
Every success is 200 (the vendor documents no other success status); errors are
``{"message": ...}`` with the documented statuses (the vendor documents no error
body); the IAM endpoint answers errors in IAM's own shape (errorCode/errorMessage).

Names the seed leaves unnamed are named as the api doc concludes: the resource
group field of gateways/destinations/service.config is ``resource_group``,
create-gateway's active flag ``active``, setActivity's unchanged list
``unchanged``, cert inputs ``{name, content}``, downloads ``{name, contents}``.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import io
import json
import re
import zipfile
from typing import Any

from werkzeug.wrappers import Request, Response

from .base import Emulator, random_id, route
from .store import Store

RESOURCE_GROUP = "19087c5c5aea4f1f95dabaf54b1dff68"
OTHER_RESOURCE_GROUP = "a6b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4"
API_KEY = "sbxIBMapikey0-Qm7Vt2Lw9Xc4Rn8Kd3Jf6Hs1Pz5Gb"
OTHER_API_KEY = "sbxIBMapikey1-Zr2Nw8Tq4Yb6Mc1Vx9Ld3Kf7Hp5Sj"  # no access to RESOURCE_GROUP
REGION = "us-south"
NODE = "cap-sg-prd-1.securegateway.appdomain.cloud"
APIKEY_GRANT = "urn:ibm:params:oauth:grant-type:apikey"
IAM_TTL = 3600
DAY_MS = 86_400_000
PROTOCOLS = ("TCP", "UDP", "TLS", "HTTP", "HTTPS")
TLS_MODES = ("none", "serverside", "mutualauth")
CLIENT_TLS_MODES = ("none", "mutualauth")
_SIGNING_KEY = b"gwctl-sandbox-secure-gateway"
_ENDPOINT_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
_SPT = re.compile(r"^\d{1,5}(?::\d{1,5})?$")
# Dest-input fields (create/update/.destination files)
DEST_INPUT = (
    "desc", "ip", "port", "protocol", "enable_client_tls", "client_tls", "TLS", "clientPort", "private",
    "ipRules", "rejectUnauth", "sni", "enforceProxy", "proxy", "timeout", "compressData", "clientCerts",
    "serverCert", "destCerts",
)
INSTALLERS = [
    {"description": "Secure Gateway client for Linux x86_64 (RPM)", "url": "https://sgclient.securegateway.cloud.ibm.com/ibm-securegateway-client-1.8.9-x86_64.rpm"},
    {"description": "Secure Gateway client for Linux x86_64 (DEB)", "url": "https://sgclient.securegateway.cloud.ibm.com/ibm-securegateway-client_1.8.9_amd64.deb"},
    {"description": "Secure Gateway client for Windows", "url": "https://sgclient.securegateway.cloud.ibm.com/ibm-securegateway-client-1.8.9-win.exe"},
    {"description": "Secure Gateway client for macOS", "url": "https://sgclient.securegateway.cloud.ibm.com/ibm-securegateway-client-1.8.9-osx.dmg"},
    {"description": "Secure Gateway client Docker image", "url": "https://hub.docker.com/r/ibmcom/secure-gateway-client"},
]


def iso_ms(timestamp: float) -> str:
    """ISO 8601 with milliseconds and Z, as the vendor's examples (2019-11-27T09:07:27.245Z)."""
    import datetime as _dt

    moment = _dt.datetime.fromtimestamp(timestamp, _dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem(kind: str, label: str) -> str:
    body = base64.b64encode(hashlib.sha256(label.encode()).digest() * 3).decode()
    return f"-----BEGIN {kind}-----\r\n{body}\r\n-----END {kind}-----\r\n"


class SecureGatewayEmulator(Emulator):
    product = "sg"
    resource_group = RESOURCE_GROUP
    api_key = API_KEY

    # -- state -------------------------------------------------------------------------------

    def clear_state(self) -> None:
        self.api_keys: dict[str, set[str]] = {API_KEY: {RESOURCE_GROUP}, OTHER_API_KEY: {OTHER_RESOURCE_GROUP}}
        self.iam_tokens: dict[str, tuple[str, float]] = {}  # access token -> (api key, expires at)
        self.gateways = self.records("Gateway {key} not found", id_field="_id")  # API shape + private "_x" keys
        self.destinations: dict[str, Store] = {}  # gateway id -> dest id -> destination
        self.cert_files: dict[str, dict[str, str]] = {}  # dest id -> file name -> contents
        self.clients: dict[str, list[dict]] = {}  # gateway id -> connected clients
        self.logs_store: dict[str, dict[str, dict]] = {}  # gateway id -> client id -> {warnings, errors}
        self.stats: dict[str, dict[str, int]] = {}
        self.migrated: list[dict] = []
        self._serial = 0
        self._port = 15000

    def seed(self) -> None:
        now = self.clock()
        if self.empty:
            return
        prod = self.add_gateway("qCTv6Onseiy", "Production Gateway", created=now - 86400 * 30)
        staging = self.add_gateway("ZgNBtYKCG66", "Staging Gateway", enf_tok_sec=False, created=now - 86400 * 10,
                                   token_exp=20)  # its security token expires in 20 days
        self.add_gateway("Xk3pLm9QrT2", "Finance Gateway", resource_group=OTHER_RESOURCE_GROUP, created=now - 86400)
        orders = self.add_destination(prod["_id"], {"desc": "Orders DB", "ip": "10.20.0.15", "port": 5432,
                                                    "protocol": "TCP", "private": True,
                                                    "ipRules": [{"src": "169.45.0.10", "spt": "80", "app": "web01"}]},
                                      dest_id="qCTv6Onseiy_qVuvq")
        billing = self.add_destination(prod["_id"], {"desc": "Billing API", "ip": "billing.example.com", "port": 443,
                                                     "protocol": "HTTPS", "TLS": "mutualauth",
                                                     "enable_client_tls": True, "client_tls": "mutualauth",
                                                     "sni": "billing.example.com", "timeout": 60,
                                                     "serverCert": {"name": "callingAppCert.pem",
                                                                    "content": pem("CERTIFICATE", "callingApp")},
                                                     "clientCerts": [{"name": "endpointCert.pem",
                                                                      "content": pem("CERTIFICATE", "endpoint")}]},
                                       dest_id="qCTv6Onseiy_H7kx2")
        self.add_destination(prod["_id"], {"desc": "Legacy FTP", "ip": "ftp.corp.example.com", "port": 21,
                                           "protocol": "TCP"}, dest_id="qCTv6Onseiy_Lg4cY", enabled=False)
        self.add_destination(staging["_id"], {"desc": "Reverse Cache", "ip": "cache.cloud.example.com",
                                              "port": 6379, "clientPort": 6379, "protocol": "TCP"},
                             dest_id="ZgNBtYKCG66_Pq3zT")
        self.clients[prod["_id"]] = [
            {"id": "qCTv6Onseiy_5pa", "version": 189, "version_detail": "Version 1.8.9", "host": "sg-client-01",
             "type": "docker"},
            {"id": "qCTv6Onseiy_9Kd", "version": 183, "version_detail": "183fp1", "host": "host01", "type": "ubuntu"},
        ]
        prod["recentlyDisconnected"] = [{"id": "qCTv6Onseiy_LOp", "disconnectedAt": int((now - 3600) * 1000)}]
        self.logs_store[prod["_id"]] = {
            "qCTv6Onseiy_5pa": {
                "warnings": {str(int((now - 600) * 1000)): "Connection to 10.20.0.15:5432 was slow (2300 ms)"},
                "errors": {str(int((now - 300) * 1000)): "Connection to 10.20.0.15:5432 refused"},
            },
            "qCTv6Onseiy_9Kd": {"warnings": {str(int((now - 900) * 1000)): "Client version 183 is deprecated"},
                                "errors": {}},
        }
        self.stats[prod["_id"]] = {"activeConnections": 4, "totalConnections": 1287, "bytesIn": 73400320,
                                   "bytesOut": 10485760}
        self.stats[staging["_id"]] = {"activeConnections": 0, "totalConnections": 42, "bytesIn": 204800,
                                      "bytesOut": 51200}
        self._sync_clients(prod["_id"])
        self.orders_id, self.billing_id = orders["_id"], billing["_id"]

    # -- what a sandbox profile needs -----------------------------------------------------------

    def fleet_identity(self, n: int) -> dict[str, Any]:
        regions = ("us-south", "us-east", "eu-gb", "eu-de", "au-syd")
        return {"region": regions[(n - 1) % len(regions)]}

    def credentials(self) -> dict[str, str]:
        return {"api_key": API_KEY}

    def profile_options(self, server_url: str = "") -> dict[str, Any]:
        return {"region": getattr(self, "region", REGION), "resource_group": RESOURCE_GROUP,
                "iam_url": server_url.rstrip("/")}

    def fixtures(self) -> list[str]:
        mine = [g for g in self.gateways.values() if g.get("resource_group") == RESOURCE_GROUP]
        gateways = ", ".join(f"{g.get('desc')} ({g['_id']})" for g in mine)
        return [f"gateways: {gateways}",
                f"a gateway's destinations: gwctl -p sandbox-sg sg destinations list -g {mine[0]['_id']}"]

    def example_values(self) -> dict[str, str]:
        files = _example_files()
        return {
            **files,
            "gateway": "qCTv6Onseiy_prod_us-south",
            "gateway2": "ZgNBtYKCG66_prod_us-south",
            "dest": "qCTv6Onseiy_qVuvq",
            "dest_tls": "qCTv6Onseiy_H7kx2",
            "dest2": "qCTv6Onseiy_Lg4cY",
            "client": "qCTv6Onseiy_5pa",
            "cert_name": "callingAppCert.pem",
            "connector": "A2FbRFtwNfatanQRLjrujBKmVmfOk7NjXYZIWAoVLNfd1PTXJ93aH3J",
        }

    # -- builders ---------------------------------------------------------------------------------

    def _next(self, length: int) -> str:
        self._serial += 1
        alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        n, out = self._serial * 7919 + 104729, ""
        for _ in range(length):
            n, r = divmod(n * 31 + 17, len(alphabet))
            out += alphabet[r]
        return out

    def security_token(self, gateway_id: str, token_exp: int) -> tuple[str, int]:
        """A new HS256 JWT like the vendor's ({configuration_id, region, iat, exp}) and its expiry (ms, 0 = never)."""
        iat = int(self.clock())
        payload: dict[str, Any] = {"configuration_id": gateway_id, "region": REGION, "iat": iat,
                                   "jti": random_id(12)}
        expiry = 0
        if token_exp:
            payload["exp"] = iat + token_exp * 86400
            expiry = payload["exp"] * 1000
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        sig = _b64(hmac.new(_SIGNING_KEY, f"{head}.{body}".encode(), hashlib.sha256).digest())
        return f"{head}.{body}.{sig}", expiry

    def add_gateway(self, prefix: str | None, desc: str, *, enf_tok_sec: bool = True, active: bool = True,
                    token_exp: int = 90, resource_group: str = RESOURCE_GROUP, created: float | None = None,
                    enabled: bool = True) -> dict:
        gateway_id = f"{prefix or self._next(11)}_prod_{REGION}"
        stamp = iso_ms(self.clock() if created is None else created)
        jwt, expiry = self.security_token(gateway_id, token_exp)
        gateway = self.gateways.create({
            "resource_group": resource_group,
            "desc": desc,
            "hostname": NODE,
            "status": "ENABLED" if enabled else "DISABLED",
            "active": active,
            "jwt": jwt,
            "enf_tok_sec": enf_tok_sec,
            "created_at": stamp,
            "last_status_change": stamp,
            "connectedClientsArr": [],
            "ACL": [],
            "recentlyDisconnected": [],
            "expiry": expiry,
        }, key=gateway_id)
        self.destinations[gateway_id] = self.records("Destination {key} not found", id_field="_id")
        return gateway

    def add_destination(self, gateway_id: str, body: dict, *, dest_id: str | None = None,
                        enabled: bool = True) -> dict:
        """Create a destination from a (validated) Dest-input body."""
        gateway = self.gateways[gateway_id]
        prefix = gateway_id.split("_", 1)[0]
        dest_id = dest_id or f"{prefix}_{self._next(5)}"
        stamp = iso_ms(self.clock())
        cloud = body.get("clientPort") not in (None, "")
        dest = self.destinations[gateway_id].create({
            "configuration": gateway_id,
            "desc": body["desc"],
            "hostname": None if cloud else NODE,
            "port": None if cloud else self._cloud_port(),
            "connection_info": {"OnPremHost": body["ip"], "OnPremPort": int(body["port"]),
                                "clientPort": int(body["clientPort"]) if cloud else None,
                                "sni": body.get("sni")},
            "proxy": body.get("proxy") or {},
            "enforceProxy": bool(body.get("enforceProxy", False)),
            "cert": {},
            "key": {},
            "TLS": body.get("TLS", "none"),
            "protocol": body.get("protocol", "TCP"),
            "private": bool(body.get("private", False)),
            "enable_client_tls": bool(body.get("enable_client_tls", False)),
            "client_tls": body.get("client_tls", "none"),
            "rejectUnauth": bool(body.get("rejectUnauth", False)),
            "status": "ENABLED" if enabled else "DISABLED",
            "active": True,
            "created_at": stamp,
            "last_status_change": stamp,
            "timeout": int(body.get("timeout") or 0),
            "compressData": bool(body.get("compressData", False)),
            "resource_group": gateway["resource_group"],
            "ip_table_rules": [],
        }, key=dest_id)
        self.cert_files[dest_id] = {}
        for rule in body.get("ipRules") or ():
            self._put_rule(dest, rule)
        if body.get("serverCert"):
            self._store_cert(dest, "server_cert", body["serverCert"]["name"], body["serverCert"]["content"])
        for cert in body.get("clientCerts") or ():
            self._store_cert(dest, "client_cert", cert["name"], cert["content"])
        dest_certs = body.get("destCerts") or {}
        if dest_certs.get("dest_cert"):
            self._store_cert(dest, "dest_cert", dest_certs["dest_cert"]["name"], dest_certs["dest_cert"]["content"])
            self._store_cert(dest, "dest_key", dest_certs["dest_key"]["name"], dest_certs["dest_key"]["content"])
        if dest["TLS"] in ("serverside", "mutualauth") and "server_dest_cert" not in dest["cert"]:
            self._generate(dest, client=False)
        if dest["client_tls"] == "mutualauth" and "dest_cert" not in dest["cert"]:
            self._generate(dest, client=True)
        return dest

    def _cloud_port(self) -> int:
        self._port += 1
        return self._port

    def _store_cert(self, dest: dict, slot: str, name: str, content: str) -> None:
        files = self.cert_files[dest["_id"]]
        if slot == "client_cert":
            names = dest["cert"].setdefault("client_cert", [])
            if name not in names:
                names.append(name)
        elif slot == "dest_key":
            old = dest["key"].get("dest_cert")
            if old and old != name:
                files.pop(old, None)
            dest["key"]["dest_cert"] = name
        else:
            old = dest["cert"].get(slot)
            if old and old != name:
                files.pop(old, None)
            dest["cert"][slot] = name
        files[name] = content

    def _generate(self, dest: dict, *, client: bool) -> None:
        """Self-signed pair with CN localhost (DOCS): cert.dest_cert/key or cert.server_dest_cert/key."""
        tag = random_id(4)
        slot = "dest_cert" if client else "server_dest_cert"
        base = f"{dest['_id']}_{'destCert' if client else 'serverCert'}_{tag}"
        self._store_cert(dest, slot, f"{base}.pem", pem("CERTIFICATE", base))
        key_name = f"{base}_key.pem"
        old = dest["key"].get(slot)
        if old:
            self.cert_files[dest["_id"]].pop(old, None)
        dest["key"][slot] = key_name
        self.cert_files[dest["_id"]][key_name] = pem("PRIVATE KEY", key_name)

    def _sync_clients(self, gateway_id: str) -> None:
        self.gateways[gateway_id]["connectedClientsArr"] = [c["id"] for c in self.clients.get(gateway_id, [])]

    # -- responses --------------------------------------------------------------------------------

    def error(self, status: int, message: str) -> Response:
        return self.json({"message": message, "status": status}, status)

    def iam_error(self, status: int, code: str, message: str, request: Request) -> Response:
        context = {"requestId": random_id(16), "requestType": "incoming.Identity_Token", "userAgent":
                   request.headers.get("User-Agent", ""), "url": request.host_url.rstrip("/"),
                   "instanceId": "iamid-sandbox", "threadId": "1a", "host": "iam-sandbox",
                   "startTime": iso_ms(self.clock()), "endTime": iso_ms(self.clock()), "elapsedTime": "1",
                   "locale": "en_US", "clusterName": "iam-id-sandbox"}
        return self.json({"context": context, "errorCode": code, "errorMessage": message}, status)

    # -- IAM ------------------------------------------------------------------------------------------

    @route("/identity/token", "POST")
    def iam_token(self, request: Request) -> Response:
        if not request.mimetype == "application/x-www-form-urlencoded":
            return self.iam_error(400, "BXNIM0109E", "Property missing or empty. Property name: 'grant_type'.",
                                  request)
        grant = request.form.get("grant_type", "")
        if not grant:
            return self.iam_error(400, "BXNIM0109E", "Property missing or empty. Property name: 'grant_type'.",
                                  request)
        if grant != APIKEY_GRANT:
            return self.iam_error(400, "BXNIM0103E", "Unsupported grant type.", request)
        apikey = request.form.get("apikey", "")
        if not apikey:
            return self.iam_error(400, "BXNIM0109E", "Property missing or empty. Property name: 'apikey'.", request)
        if apikey not in self.api_keys:
            return self.iam_error(400, "BXNIM0415E", "Provided API key could not be found.", request)
        now = int(self.clock())
        claims = {"iam_id": "IBMid-sandbox", "sub": "sandbox@example.com", "iat": now, "exp": now + IAM_TTL,
                  "jti": random_id(12)}
        token = "eyJraWQiOiJzYW5kYm94IiwiYWxnIjoiUlMyNTYifQ." + _b64(json.dumps(claims).encode()) + "." + random_id(43)
        self.iam_tokens[token] = (apikey, now + IAM_TTL)
        return self.json({"access_token": token, "refresh_token": "not_supported", "ims_user_id": 1234567,
                          "token_type": "Bearer", "expires_in": IAM_TTL, "expiration": now + IAM_TTL,
                          "scope": "ibm openid"})

    # -- auth helpers ------------------------------------------------------------------------------

    @staticmethod
    def _bearer(request: Request) -> str | None:
        value = request.headers.get("Authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def _iam_key(self, request: Request) -> str | None:
        """The API key behind a valid IAM token, or None."""
        token = self._bearer(request)
        entry = self.iam_tokens.get(token or "")
        if entry is None or entry[1] <= self.clock():
            return None
        return entry[0]

    def _account(self, request: Request, *, resource_group_required: bool = True) -> str | None:
        """Check an account call: IAM token and resource_group; returns the resource group."""
        if self._bearer(request) is None:
            self.abort(401, "Unauthorized: missing IAM token")
        key = self._iam_key(request)
        if key is None:
            self.abort(401, "Unauthorized: the IAM token is invalid or expired")
        group = request.args.get("resource_group", "")
        if not group:
            if resource_group_required:
                self.abort(400, "Missing required query parameter: resource_group")
            return None
        if group not in self.api_keys[key]:
            self.abort(403, f"Forbidden: not authorized for resource group {group}")
        return group

    def _gateway(self, request: Request, gateway_id: str, *, allow_iam: bool = False) -> dict:
        """Check a gateway call: the gateway's security token (or an IAM token when not enforced)."""
        gateway = self.gateways.find(gateway_id)
        token = self._bearer(request)
        if token is None:
            self.abort(401, "Unauthorized: expected Authorization: Bearer <security token>")
        if token == gateway["jwt"]:
            if gateway["expiry"] and gateway["expiry"] <= self.clock() * 1000:
                self.abort(401, "Unauthorized: the security token has expired; regenerate it")
            return gateway
        if not gateway["enf_tok_sec"] or allow_iam:
            key = self._iam_key(request)
            if key is not None:
                if gateway["resource_group"] not in self.api_keys[key]:
                    self.abort(403, f"Forbidden: not authorized for gateway {gateway_id}")
                return gateway
        self.abort(401, "Unauthorized: invalid security token")

    def _destination(self, request: Request, gateway_id: str, dest_id: str) -> tuple[dict, dict]:
        gateway = self._gateway(request, gateway_id)
        return gateway, self.destinations[gateway_id].find(dest_id)

    def _json_body(self, request: Request, kind: type | None = None) -> Any:
        return self.json_body(request, invalid="Request body is not valid JSON", required="Missing request body",
                              kind=kind, wrong_kind="Request body must be a JSON object")

    def _body_object(self, request: Request) -> dict:
        return self._json_body(request, dict)

    def _upload(self, request: Request, field: str = "state") -> Any:
        if request.mimetype != "multipart/form-data":
            self.abort(400, "Expected multipart/form-data")
        upload = request.files.get(field)
        if upload is None:
            self.abort(400, f"Missing form field '{field}'")
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            self.abort(400, f"The uploaded file '{upload.filename}' is not a valid export")

    # -- validation ----------------------------------------------------------------------------------

    def _check_bool(self, body: dict, name: str) -> None:
        if name in body and not isinstance(body[name], bool):
            self.abort(400, f"Invalid parameter '{name}': must be a boolean")

    def _check_int(self, body: dict, name: str, low: int, high: int, *, allow_str: bool = False) -> None:
        if name not in body or body[name] is None:
            return
        value = body[name]
        if allow_str and isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.abort(400, f"Invalid parameter '{name}': must be an integer from {low} to {high}")
        body[name] = value

    def _check_enum(self, body: dict, name: str, values: tuple[str, ...]) -> None:
        if name in body and body[name] not in values:
            self.abort(400, f"Invalid parameter '{name}': must be one of {', '.join(values)}")

    def _check_rule(self, rule: Any) -> dict:
        if not isinstance(rule, dict):
            self.abort(400, "Invalid IP table rule: must be an object")
        if rule.get("src") and rule.get("src_range"):
            self.abort(400, "Invalid IP table rule: 'src' and 'src_range' cannot be used together")
        if rule.get("src") and not _valid_ip(rule["src"]):
            self.abort(400, f"Invalid IP table rule: 'src' {rule['src']!r} is not an IP address")
        if rule.get("src_range"):
            parts = str(rule["src_range"]).split("-")
            if len(parts) != 2 or not all(_valid_ip(p) for p in parts):
                self.abort(400, f"Invalid IP table rule: 'src_range' {rule['src_range']!r} must be A.B.C.D-E.F.G.H")
        if rule.get("spt") not in (None, ""):
            spt = str(rule["spt"])
            if not _SPT.match(spt) or any(not 1 <= int(p) <= 65535 for p in spt.split(":")):
                self.abort(400, f"Invalid IP table rule: 'spt' {spt!r} must be a port or PORT:PORT")
        return {k: str(v) for k, v in rule.items() if k in ("spt", "src", "src_range", "app") and v not in (None, "")}

    def _check_dest_input(self, body: dict, *, create: bool, dest: dict | None = None) -> dict:
        if "tls" in body and "TLS" not in body:  # the seed's curl spells it tls
            body["TLS"] = body.pop("tls")
        if create:
            for name in ("desc", "ip", "port"):
                if body.get(name) in (None, ""):
                    self.abort(400, f"Missing required parameter '{name}'")
        for name in ("desc", "ip", "sni"):
            if name in body and body[name] is not None and not isinstance(body[name], str):
                self.abort(400, f"Invalid parameter '{name}': must be a string")
        self._check_int(body, "port", 1, 65535, allow_str=True)
        self._check_int(body, "clientPort", 1, 65535, allow_str=True)
        self._check_int(body, "timeout", 0, 180)
        self._check_enum(body, "protocol", PROTOCOLS)
        self._check_enum(body, "TLS", TLS_MODES)
        self._check_enum(body, "client_tls", CLIENT_TLS_MODES)
        for name in ("private", "enable_client_tls", "rejectUnauth", "enforceProxy", "compressData"):
            self._check_bool(body, name)
        cloud = body.get("clientPort") not in (None, "") if create else bool(dest and dest["connection_info"]["clientPort"])
        if not create and body.get("clientPort") not in (None, "") and not cloud:
            self.abort(400, "clientPort can only be set on a cloud destination")
        if body.get("private") and cloud:
            self.abort(400, "Only on-premises destinations can be private")
        if "ipRules" in body:
            if not isinstance(body["ipRules"], list):
                self.abort(400, "Invalid parameter 'ipRules': must be an array")
            body["ipRules"] = [self._check_rule(rule) for rule in body["ipRules"]]
        proxy = body.get("proxy")
        if proxy not in (None, {}) and not isinstance(proxy, dict):
            self.abort(400, "Invalid parameter 'proxy': must be an object")
        for name in ("serverCert",):
            if body.get(name) is not None:
                self._check_file_obj(body[name], name)
        if body.get("clientCerts") is not None:
            if not isinstance(body["clientCerts"], list) or len(body["clientCerts"]) > 6:
                self.abort(400, "Invalid parameter 'clientCerts': up to six certs")
            for i, cert in enumerate(body["clientCerts"]):
                self._check_file_obj(cert, f"clientCerts[{i}]")
        dest_certs = body.get("destCerts")
        if dest_certs:
            if not isinstance(dest_certs, dict) or bool(dest_certs.get("dest_cert")) != bool(dest_certs.get("dest_key")):
                self.abort(400, "Invalid parameter 'destCerts': dest_cert and dest_key go together")
            self._check_file_obj(dest_certs["dest_cert"], "destCerts.dest_cert")
            self._check_file_obj(dest_certs["dest_key"], "destCerts.dest_key")
        return body

    def _check_file_obj(self, value: Any, name: str) -> None:
        if not isinstance(value, dict) or not value.get("name") or not isinstance(value.get("content"), str):
            self.abort(400, f"Invalid parameter '{name}': expected {{name, content}}")

    # -- import / export --------------------------------------------------------------------------------

    def export_destination(self, dest: dict) -> dict:
        files = self.cert_files.get(dest["_id"], {})
        info = dest["connection_info"]
        out: dict[str, Any] = {
            "desc": dest["desc"], "ip": info["OnPremHost"], "port": info["OnPremPort"],
            "clientPort": info["clientPort"], "protocol": dest["protocol"], "private": dest["private"],
            "ipRules": copy.deepcopy(dest["ip_table_rules"]), "enable_client_tls": dest["enable_client_tls"],
            "client_tls": dest["client_tls"], "rejectUnauth": dest["rejectUnauth"], "TLS": dest["TLS"],
            "sni": info["sni"], "enforceProxy": dest["enforceProxy"], "proxy": copy.deepcopy(dest["proxy"]),
            "timeout": dest["timeout"], "compressData": dest["compressData"],
            "clientCerts": [{"name": n, "content": files.get(n, "")} for n in dest["cert"].get("client_cert", [])],
        }
        if dest["cert"].get("server_cert"):
            name = dest["cert"]["server_cert"]
            out["serverCert"] = {"name": name, "content": files.get(name, "")}
        if dest["cert"].get("dest_cert") and dest["key"].get("dest_cert"):
            cert, key = dest["cert"]["dest_cert"], dest["key"]["dest_cert"]
            out["destCerts"] = {"dest_cert": {"name": cert, "content": files.get(cert, "")},
                                "dest_key": {"name": key, "content": files.get(key, "")}}
        return out

    def export_gateway(self, gateway: dict) -> dict:
        return {"desc": gateway["desc"], "enf_tok_sec": gateway["enf_tok_sec"],
                "destination": [self.export_destination(d) for d in self.destinations[gateway["_id"]].values()]}

    def _import_gateway(self, data: Any, group: str) -> dict:
        if not isinstance(data, dict) or not isinstance(data.get("desc"), str):
            self.abort(400, "Invalid .gateway file: 'desc' is required")
        dests = data.get("destination", data.get("destinations", []))
        if not isinstance(dests, list):
            self.abort(400, "Invalid .gateway file: 'destination' must be an array")
        checked = [self._check_dest_input(dict(d) if isinstance(d, dict) else self.abort(400, "Invalid destination"),
                                          create=True) for d in dests]
        gateway = self.add_gateway(None, data["desc"], enf_tok_sec=bool(data.get("enf_tok_sec", True)),
                                   resource_group=group)
        created = [self._new_destination(gateway["_id"], body) for body in checked]
        return {"gateway": self._public_gateway(gateway), "destinations": created}

    def _new_destination(self, gateway_id: str, body: dict) -> dict:
        return self.add_destination(gateway_id, body)

    @route("/v1/import", "PUT")
    def import_state(self, request: Request) -> dict:
        group = self._account(request)
        data = self._upload(request)
        if isinstance(data, dict) and isinstance(data.get("gateways"), list):
            return {"imported": [self._import_gateway(g, group) for g in data["gateways"]]}
        return self._import_gateway(data, group)

    @route("/v1/export", "GET")
    def export_service(self, request: Request) -> Response:
        group = self._account(request)
        body = {"resource_group": group,
                "gateways": [self.export_gateway(g) for g in self.gateways.values() if g["resource_group"] == group]}
        return self._file(body, "service.config")

    def _file(self, body: Any, filename: str) -> Response:
        response = self.json(body)
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    # -- gateways --------------------------------------------------------------------------------------

    def _public_gateway(self, gateway: dict) -> dict:
        return copy.deepcopy(gateway)

    @route("/v1/sgconfig", "GET")
    def list_gateways(self, request: Request) -> list:
        group = self._account(request)
        kind = request.args.get("type")
        if kind not in (None, "enabled", "disabled"):
            self.abort(400, "Invalid query parameter 'type': must be enabled or disabled")
        return [self._public_gateway(g) for g in self.gateways.values()
                if g["resource_group"] == group and (kind is None or g["status"] == kind.upper())]

    @route("/v1/sgconfig", "POST")
    def create_gateway(self, request: Request) -> dict:
        group = self._account(request)
        body = self._body_object(request)
        if not isinstance(body.get("desc"), str) or not body["desc"].strip():
            self.abort(400, "Missing required parameter 'desc'")
        for name in ("enf_tok_sec", "active"):
            self._check_bool(body, name)
        self._check_int(body, "token_exp", 0, 90)
        gateway = self.add_gateway(None, body["desc"], enf_tok_sec=body.get("enf_tok_sec", True),
                                   active=body.get("active", True), token_exp=body.get("token_exp", 90),
                                   resource_group=group)
        return self._public_gateway(gateway)

    @route("/v1/setActivity", "PUT")
    def set_gateway_activity(self, request: Request) -> dict:
        group = self._account(request)
        body = self._body_object(request)
        pool = {gid: g for gid, g in self.gateways.items() if g["resource_group"] == group}
        return self._set_activity(body, pool, summary=_gateway_summary)

    def _set_activity(self, body: dict, pool: dict[str, dict], summary) -> dict:
        on, off = body.get("setActive") or [], body.get("setInactive") or []
        if not isinstance(on, list) or not isinstance(off, list) or not (on or off):
            self.abort(400, "Expected setActive and/or setInactive arrays of IDs")
        if set(on) & set(off):
            self.abort(400, "An ID cannot be in both setActive and setInactive")
        for item_id in [*on, *off]:
            if item_id not in pool:
                self.abort(404, f"{item_id} not found")
        result: dict[str, list] = {"deactivated": [], "activated": [], "unchanged": []}
        stamp = iso_ms(self.clock())
        for ids, state, key in ((off, False, "deactivated"), (on, True, "activated")):
            for item_id in ids:
                item = pool[item_id]
                if item["active"] == state:
                    result["unchanged"].append(item_id)
                    continue
                item["active"] = state
                item["last_status_change"] = stamp
                result[key].append(summary(item))
        return result

    @route("/v1/sgconfig/<gateway_id>", "GET")
    def get_gateway(self, request: Request, gateway_id: str) -> dict:
        return self._public_gateway(self._gateway(request, gateway_id))

    @route("/v1/sgconfig/<gateway_id>", "PUT")
    def update_gateway(self, request: Request, gateway_id: str) -> dict:
        gateway = self._gateway(request, gateway_id)
        body = self._body_object(request)
        for name in ("enf_tok_sec", "regen_token", "enabled"):
            self._check_bool(body, name)
        self._check_int(body, "token_exp", 0, 90)
        if "desc" in body and (not isinstance(body["desc"], str) or not body["desc"].strip()):
            self.abort(400, "Invalid parameter 'desc': must be a non-empty string")
        stamp = iso_ms(self.clock())
        if "desc" in body:
            gateway["desc"] = body["desc"]
        if "enf_tok_sec" in body:
            gateway["enf_tok_sec"] = body["enf_tok_sec"]
        if "enabled" in body:
            status = "ENABLED" if body["enabled"] else "DISABLED"
            if status != gateway["status"]:
                gateway["status"] = status
        if body.get("regen_token"):
            gateway["jwt"], gateway["expiry"] = self.security_token(gateway_id, body.get("token_exp", 90))
        gateway["last_status_change"] = stamp
        return self._public_gateway(gateway)

    @route("/v1/sgconfig/<gateway_id>", "DELETE")
    def delete_gateway(self, request: Request, gateway_id: str) -> Response:
        self._gateway(request, gateway_id)
        for dest_id in self.destinations.pop(gateway_id, {}):
            self.cert_files.pop(dest_id, None)
        del self.gateways[gateway_id]
        self.clients.pop(gateway_id, None)
        return Response(b"", 200)

    @route("/v1/sgconfig/<gateway_id>/genAuth", "PUT")
    def gen_auth(self, request: Request, gateway_id: str) -> dict:
        gateway = self._gateway(request, gateway_id)
        gateway["authorization"] = {"cert": f"{gateway_id}_CERT-{random_id(4)}", "key": f"{gateway_id}_KEY-{random_id(4)}"}
        return self._public_gateway(gateway)

    @route("/v1/sgconfig/<gateway_id>/export", "GET")
    def export_one_gateway(self, request: Request, gateway_id: str) -> Response:
        gateway = self._gateway(request, gateway_id)
        return self._file(self.export_gateway(gateway), f"{gateway_id}.gateway")

    @route("/v1/sgconfig/<gateway_id>/migrate2connector", "PUT")
    def migrate_gateway(self, request: Request, gateway_id: str) -> dict:
        self._gateway(request, gateway_id, allow_iam=True)
        return self._migrate(request, list(self.destinations[gateway_id].values()))

    def _migrate(self, request: Request, dests: list[dict]) -> dict:
        body = self._body_object(request)
        if not isinstance(body.get("connector_id"), str) or not body["connector_id"]:
            self.abort(400, "Missing required parameter 'connector_id'")
        if not body.get("token") and not body.get("apikey"):
            self.abort(400, "Either 'token' or 'apikey' must be defined")
        force = request.args.get("force", "false").lower() == "true"
        result: dict[str, list] = {"migrated": [], "failed": []}
        taken = {m["name"] for m in self.migrated if m["connector_id"] == body["connector_id"]}
        for dest in dests:
            name = dest["desc"]
            if dest["connection_info"]["clientPort"]:
                result["failed"].append({"id": dest["_id"], "description": name,
                                         "reason": "Connector does not support cloud type endpoint.",
                                         "remediation": "Recreate the endpoint in the Satellite Connector manually"})
                continue
            new_name = None
            if not _ENDPOINT_NAME.match(name):
                if not force:
                    result["failed"].append({"id": dest["_id"], "description": name,
                                             "reason": "The name does not satisfy the endpoint naming policy",
                                             "remediation": "Rename the destination or run with force=true"})
                    continue
                new_name = re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-")[:63] or "endpoint"
                if not new_name[0].isalpha():
                    new_name = "e-" + new_name[:61]
            final = new_name or name
            if final in taken:
                result["failed"].append({"id": dest["_id"], "description": name,
                                         "reason": "The specified name already exists",
                                         "remediation": "Endpoint name should be unique under each Connector, "
                                                        "please rename the destination before migration"})
                continue
            taken.add(final)
            self.migrated.append({"connector_id": body["connector_id"], "name": final, "id": dest["_id"]})
            entry = {"id": dest["_id"], "description": name}
            if new_name:
                entry["new_endpoint_name"] = new_name
            result["migrated"].append(entry)
        return result

    # -- destinations ----------------------------------------------------------------------------------

    @route("/v1/sgconfig/<gateway_id>/setActivity", "PUT")
    def set_destination_activity(self, request: Request, gateway_id: str) -> dict:
        self._gateway(request, gateway_id)
        body = self._body_object(request)
        return self._set_activity(body, self.destinations[gateway_id], summary=copy.deepcopy)

    @route("/v1/sgconfig/<gateway_id>/bulkDestinations", "DELETE")
    def bulk_delete(self, request: Request, gateway_id: str) -> dict:
        self._gateway(request, gateway_id)
        body = self._body_object(request)
        ids = body.get("destinations")
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            self.abort(400, "Expected 'destinations': an array of destination IDs")
        missing = [i for i in ids if i not in self.destinations[gateway_id]]
        if missing:
            self.abort(404, f"Destination(s) not found: {', '.join(missing)}")
        for dest_id in ids:
            del self.destinations[gateway_id][dest_id]
            self.cert_files.pop(dest_id, None)
        return {"deleted": ids}

    @route("/v1/sgconfig/<gateway_id>/destinations", "GET")
    def list_destinations(self, request: Request, gateway_id: str) -> list:
        self._gateway(request, gateway_id)
        kind = request.args.get("type")
        if kind not in (None, "enabled", "disabled"):
            self.abort(400, "Invalid query parameter 'type': must be enabled or disabled")
        return [copy.deepcopy(d) for d in self.destinations[gateway_id].values()
                if kind is None or d["status"] == kind.upper()]

    @route("/v1/sgconfig/<gateway_id>/destinations", "POST")
    def create_destination(self, request: Request, gateway_id: str) -> dict:
        self._gateway(request, gateway_id)
        body = self._check_dest_input(self._body_object(request), create=True)
        return copy.deepcopy(self.add_destination(gateway_id, body))

    @route("/v1/sgconfig/<gateway_id>/destinations/import", "PUT")
    def import_destination(self, request: Request, gateway_id: str) -> dict:
        self._gateway(request, gateway_id)
        data = self._upload(request)
        if not isinstance(data, dict):
            self.abort(400, "Invalid .destination file")
        body = self._check_dest_input(dict(data), create=True)
        return copy.deepcopy(self.add_destination(gateway_id, body))

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/export", "GET")
    def export_one_destination(self, request: Request, gateway_id: str, dest_id: str) -> Response:
        _, dest = self._destination(request, gateway_id, dest_id)
        return self._file(self.export_destination(dest), f"{dest_id}.destination")

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>", "GET")
    def get_destination(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        return copy.deepcopy(self._destination(request, gateway_id, dest_id)[1])

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>", "PUT")
    def update_destination(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        _, dest = self._destination(request, gateway_id, dest_id)
        # The seed's curl sends this body without a Content-Type: parse it regardless.
        body = self._body_object(request)
        if isinstance(body.get("enabled"), str):  # SDK3 sends enabled as a string
            if body["enabled"] not in ("true", "false"):
                self.abort(400, "Invalid parameter 'enabled': must be a boolean")
            body["enabled"] = body["enabled"] == "true"
        self._check_bool(body, "enabled")
        body = self._check_dest_input(body, create=False, dest=dest)
        info = dest["connection_info"]
        if "desc" in body:
            if not body["desc"]:
                self.abort(400, "Invalid parameter 'desc': must not be empty")
            dest["desc"] = body["desc"]
        if body.get("ip"):
            info["OnPremHost"] = body["ip"]
        if body.get("port") is not None:
            info["OnPremPort"] = body["port"]
        if body.get("clientPort") is not None:
            info["clientPort"] = body["clientPort"]
        if "sni" in body:
            info["sni"] = body["sni"]
        for name in ("protocol", "TLS", "client_tls", "private", "enable_client_tls", "rejectUnauth",
                     "enforceProxy", "compressData", "timeout"):
            if name in body and body[name] is not None:
                dest[name] = body[name]
        if "proxy" in body:
            dest["proxy"] = body["proxy"] or {}
        if "enabled" in body:
            dest["status"] = "ENABLED" if body["enabled"] else "DISABLED"
        if dest["TLS"] in ("serverside", "mutualauth") and "server_dest_cert" not in dest["cert"]:
            self._generate(dest, client=False)
        if dest["client_tls"] == "mutualauth" and "dest_cert" not in dest["cert"]:
            self._generate(dest, client=True)
        dest["last_status_change"] = iso_ms(self.clock())
        return copy.deepcopy(dest)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>", "DELETE")
    def delete_destination(self, request: Request, gateway_id: str, dest_id: str) -> Response:
        self._destination(request, gateway_id, dest_id)
        del self.destinations[gateway_id][dest_id]
        self.cert_files.pop(dest_id, None)
        return Response(b"", 200)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/migrate2connector", "PUT")
    def migrate_destination(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        self._gateway(request, gateway_id, allow_iam=True)
        return self._migrate(request, [self.destinations[gateway_id].find(dest_id)])

    # -- certificates ---------------------------------------------------------------------------------

    def _cert_download(self, request: Request, dest: dict, names: list[str] | None) -> Response:
        files = self.cert_files.get(dest["_id"], {})
        if names is not None:
            missing = [n for n in names if n not in files]
            if missing:
                self.abort(404, f"Cert(s) not found: {', '.join(missing)}")
            chosen = {n: files[n] for n in names}
        else:
            chosen = dict(files)
        if request.args.get("noZip", "false").lower() == "true":
            return self.json([{"name": n, "contents": c} for n, c in chosen.items()])
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in chosen.items():
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                archive.writestr(info, content)
        response = Response(buffer.getvalue(), 200, mimetype="application/zip")
        response.headers["Content-Disposition"] = f'attachment; filename="{dest["_id"]}_certs.zip"'
        return response

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/cert", "GET")
    def download_certs(self, request: Request, gateway_id: str, dest_id: str) -> Response:
        return self._cert_download(request, self._destination(request, gateway_id, dest_id)[1], None)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/certList", "GET")
    def download_cert_list(self, request: Request, gateway_id: str, dest_id: str) -> Response:
        _, dest = self._destination(request, gateway_id, dest_id)
        names = request.args.getlist("filename")
        if not names:
            self.abort(400, "Missing required query parameter 'filename'")
        return self._cert_download(request, dest, names)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/cert", "PUT")
    def upload_certs(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        _, dest = self._destination(request, gateway_id, dest_id)
        if request.mimetype != "multipart/form-data":
            self.abort(400, "Expected multipart/form-data")
        files = request.files
        unknown = [k for k in files if k not in ("cert", "dest_cert", "dest_key", "client_cert")]
        if unknown:
            self.abort(400, f"Unknown form field(s): {', '.join(unknown)}")
        if not files:
            self.abort(400, "No cert uploaded")
        for name, limit in (("cert", 1), ("dest_cert", 1), ("dest_key", 1), ("client_cert", 6)):
            if len(files.getlist(name)) > limit:
                self.abort(400, f"Up to {limit} '{name}' file(s) can be uploaded")
        if bool(files.get("dest_cert")) != bool(files.get("dest_key")):
            self.abort(400, "dest_cert and dest_key must be uploaded together")
        existing = len(dest["cert"].get("client_cert", []))
        new_clients = [f for f in files.getlist("client_cert") if f.filename not in dest["cert"].get("client_cert", [])]
        if existing + len(new_clients) > 6:
            self.abort(400, "A destination can hold up to six client_cert CAs")
        contents = {}
        for field, upload in files.items(multi=True):
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                self.abort(400, f"{upload.filename} is not a PEM file")
            if "-----BEGIN" not in text:
                self.abort(400, f"{upload.filename} is not a PEM file")
            if not upload.filename:
                self.abort(400, f"form field '{field}' has no file name")
            contents.setdefault(field, []).append((upload.filename, text))
        for field, slot in (("cert", "server_cert"), ("dest_cert", "dest_cert"), ("dest_key", "dest_key"),
                            ("client_cert", "client_cert")):
            for filename, text in contents.get(field, []):
                self._store_cert(dest, slot, filename, text)
        dest["last_status_change"] = iso_ms(self.clock())
        return copy.deepcopy(dest)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/cert", "DELETE")
    def delete_certs(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        _, dest = self._destination(request, gateway_id, dest_id)
        body = self._body_object(request)
        names = body.get("filename")
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names:
            self.abort(400, "Expected 'filename': an array of cert names")
        files = self.cert_files[dest_id]
        missing = [n for n in names if n not in files]
        if missing:
            self.abort(404, f"Cert(s) not found: {', '.join(missing)}")
        for name in names:
            files.pop(name, None)
            for slot in list(dest["cert"]):
                if slot == "client_cert":
                    dest["cert"]["client_cert"] = [n for n in dest["cert"]["client_cert"] if n != name]
                    if not dest["cert"]["client_cert"]:
                        del dest["cert"]["client_cert"]
                elif dest["cert"][slot] == name:
                    del dest["cert"][slot]
            for slot in list(dest["key"]):
                if dest["key"][slot] == name:
                    del dest["key"][slot]
        dest["last_status_change"] = iso_ms(self.clock())
        return copy.deepcopy(dest)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/genCerts", "PUT")
    def gen_certs(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        _, dest = self._destination(request, gateway_id, dest_id)
        client = request.args.get("client", "false").lower() == "true"
        self._generate(dest, client=client)
        dest["last_status_change"] = iso_ms(self.clock())
        return copy.deepcopy(dest)

    # -- ip table rules ----------------------------------------------------------------------------------

    def _put_rule(self, dest: dict, rule: dict) -> None:
        rules = dest["ip_table_rules"]
        if rule.get("app"):
            rules[:] = [r for r in rules if r.get("app") != rule["app"]]
        if rule not in rules:
            rules.append(rule)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/ipTableRule", "PUT")
    def add_rule(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        _, dest = self._destination(request, gateway_id, dest_id)
        if not dest["private"]:
            self.abort(400, "Destination must be private to add IP Table rules")
        body = self._json_body(request)
        rules = body if isinstance(body, list) else [body]
        checked = [self._check_rule(rule) for rule in rules]
        if not all(r.get("src") or r.get("src_range") or r.get("spt") for r in checked):
            self.abort(400, "An IP table rule needs src, src_range or spt")
        for rule in checked:
            self._put_rule(dest, rule)
        dest["last_status_change"] = iso_ms(self.clock())
        return copy.deepcopy(dest)

    @route("/v1/sgconfig/<gateway_id>/destinations/<dest_id>/ipTableRule", "DELETE")
    def remove_rule(self, request: Request, gateway_id: str, dest_id: str) -> dict:
        _, dest = self._destination(request, gateway_id, dest_id)
        if request.args.get("all", "false").lower() == "true":
            dest["ip_table_rules"] = []
        else:
            body = self._json_body(request)
            rules = body if isinstance(body, list) else [body]
            for raw in rules:
                rule = self._check_rule(raw)
                match = [r for r in dest["ip_table_rules"]
                         if all(r.get(k) == rule.get(k) for k in ("spt", "src", "src_range"))
                         and (not rule.get("app") or r.get("app") == rule["app"])]
                if not match:
                    self.abort(404, "No matching IP table rule")
                dest["ip_table_rules"] = [r for r in dest["ip_table_rules"] if r not in match]
        dest["last_status_change"] = iso_ms(self.clock())
        return copy.deepcopy(dest)

    # -- stats -------------------------------------------------------------------------------------------

    def _stats(self, gateway: dict) -> dict:
        numbers = self.stats.get(gateway["_id"], {"activeConnections": 0, "totalConnections": 0,
                                                  "bytesIn": 0, "bytesOut": 0})
        return {"_id": gateway["_id"], "desc": gateway["desc"],
                "connectedClients": len(self.clients.get(gateway["_id"], [])),
                "destinations": len(self.destinations.get(gateway["_id"], {})), **numbers}

    @route("/v1/stats", "GET")
    def all_stats(self, request: Request) -> list:
        group = self._account(request, resource_group_required=False)
        keys = self.api_keys[self._iam_key(request)]
        return [self._stats(g) for g in self.gateways.values()
                if (group is None and g["resource_group"] in keys) or g["resource_group"] == group]

    @route("/v1/sgconfig/<gateway_id>/stats", "GET")
    def gateway_stats(self, request: Request, gateway_id: str) -> dict:
        return self._stats(self._gateway(request, gateway_id))

    # -- clients -------------------------------------------------------------------------------------------

    @route("/v1/sgconfig/<gateway_id>/clients", "GET")
    def list_clients(self, request: Request, gateway_id: str) -> list:
        self._gateway(request, gateway_id)
        return copy.deepcopy(self.clients.get(gateway_id, []))

    @route("/v1/sgconfig/<gateway_id>/clients", "DELETE")
    def disconnect_clients(self, request: Request, gateway_id: str) -> Response:
        gateway = self._gateway(request, gateway_id)
        body = self._body_object(request)  # the seed's curl sends no Content-Type
        ids = body.get("deleteList")
        if not isinstance(ids, list) or not ids:
            self.abort(400, "Expected 'deleteList': an array of client IDs")
        connected = {c["id"] for c in self.clients.get(gateway_id, [])}
        missing = [i for i in ids if i not in connected]
        if missing:
            self.abort(404, f"Client(s) not connected: {', '.join(missing)}")
        self.clients[gateway_id] = [c for c in self.clients[gateway_id] if c["id"] not in ids]
        now = int(self.clock() * 1000)
        recent = [{"id": i, "disconnectedAt": now} for i in ids] + gateway["recentlyDisconnected"]
        gateway["recentlyDisconnected"] = recent[:10]
        self._sync_clients(gateway_id)
        return Response(b"", 200)

    @route("/v1/sgconfig/<gateway_id>/clientLogs", "GET")
    def client_logs(self, request: Request, gateway_id: str) -> dict:
        self._gateway(request, gateway_id)
        kind = request.args.get("type")
        if kind not in (None, "warn", "error"):
            self.abort(400, "Invalid query parameter 'type': must be warn or error")
        client_id = request.args.get("clientID")
        logs = self.logs_store.get(gateway_id, {})
        if client_id:
            if client_id not in logs:
                self.abort(404, f"Client {client_id} not found")
            logs = {client_id: logs[client_id]}
        out = {}
        for cid, entry in logs.items():
            item = {}
            if kind in (None, "warn"):
                item["warnings"] = dict(entry.get("warnings", {}))
            if kind in (None, "error"):
                item["errors"] = dict(entry.get("errors", {}))
            out[cid] = item
        return out

    @route("/v1/sgconfig/<gateway_id>/disconnectedClients", "GET")
    def disconnected_clients(self, request: Request, gateway_id: str) -> list:
        return copy.deepcopy(self._gateway(request, gateway_id)["recentlyDisconnected"])

    @route("/v1/sgconfig/<gateway_id>/clients/<client_id>", "GET")
    def client_status(self, request: Request, gateway_id: str, client_id: str) -> Response:
        gateway = self._gateway(request, gateway_id)
        if any(c["id"] == client_id for c in self.clients.get(gateway_id, [])):
            state = "Connected"
        elif any(c["id"] == client_id for c in gateway["recentlyDisconnected"]) or client_id in self.logs_store.get(gateway_id, {}):
            state = "Disconnected"
        else:
            self.abort(404, f"Client {client_id} not found")
        return Response(state, 200, mimetype="text/plain")

    @route("/v1/getClientList", "GET")
    def installers(self, request: Request) -> list:
        return copy.deepcopy(INSTALLERS)


def _example_files() -> dict[str, str]:
    """Sample input files for the catalogue's examples (PEM files and exports), in a private temp dir."""
    import os
    import tempfile

    folder = os.path.join(tempfile.gettempdir(), f"gwctl-sg-examples-{os.getuid()}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    samples = {
        "ca_file": ("ca.pem", pem("CERTIFICATE", "example-ca")),
        "cert_file": ("sg.pem", pem("CERTIFICATE", "example-sg")),
        "key_file": ("sg.key", pem("PRIVATE KEY", "example-sg-key")),
        "gateway_file": ("branch.gateway", json.dumps({
            "desc": "Branch Gateway", "enf_tok_sec": True,
            "destination": [{"desc": "Branch Printer", "ip": "192.168.10.20", "port": 9100, "protocol": "TCP"}],
        }, indent=2)),
        "dest_file": ("printer.destination", json.dumps(
            {"desc": "Branch Printer", "ip": "192.168.10.20", "port": 9100, "protocol": "TCP"}, indent=2)),
    }
    out = {}
    for key, (name, content) in samples.items():
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(content)
        out[key] = path
    return out


def _gateway_summary(gateway: dict) -> dict:
    """setActivity items hold the gateway fields up to last_status_change (no client arrays)."""
    keys = ("_id", "resource_group", "desc", "hostname", "status", "active", "jwt", "enf_tok_sec", "created_at",
            "last_status_change")
    return {k: gateway[k] for k in keys}


def _valid_ip(text: Any) -> bool:
    match = _IPV4.match(str(text))
    return bool(match) and all(int(part) <= 255 for part in match.groups())
