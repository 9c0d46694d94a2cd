"""Pomerium Zero console API emulator (shared/api/pomerium-zero.md), mounted at /api/v0.

Faithful to what is known: POST /token exchanges an API user's refresh token for an
ID token (``expiresInSeconds`` is a string), every other call needs
``Authorization: Bearer <idToken>``, lists are bare JSON arrays paged with
offset/limit (``orderBy`` form-encoded, ``filter`` a JSON object), creates answer
201 and deletes 204. Where the vendor is undocumented (error bodies, the default
page size, which role may write) it follows the sibling cluster API and the
spec's role descriptions: errors are ``{"error": "..."}``; owners and admins write,
auditors and members only read (403).
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timezone
from typing import Any, Callable

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request, Response

from . import paging
from .base import Emulator, random_id, rfc3339, route
from .store import apply_fields

ROLES = ("owner", "admin", "auditor", "member")
WRITERS = ("owner", "admin")
NAMESPACE_ROLE = {"owner": "admin", "admin": "admin", "auditor": "viewer", "member": "viewer"}
USER_TYPES = ("user_type_interactive", "user_type_api_access")
ENTITY_TYPES = ("changeset", "custom_domain", "domain", "key_pair", "namespace", "organization", "policy",
                "route", "settings", "service_account")
CHANGESET_STATUSES = ("pending", "applying", "applied", "failed", "current", "rejected")
IDP_TYPES = ("apple", "auth0", "azure", "cognito", "github", "gitlab", "google", "oidc", "okta", "onelogin", "ping")
TIME_SERIES_METRICS = ("mau", "dau", "upstream_requests", "upstream_rx_bytes", "upstream_tx_bytes", "authz_ok",
                       "authz_err", "authz_denied")
DISTRIBUTION_METRICS = ("upstream_request_time",)
DURATION_RE = re.compile(r"^([0-9]+(y|w|d|h|m|s|ms))+$")
DOMAIN_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
STD = ("id", "createdAt", "updatedAt")

# Sortable fields per list (the console API refuses any other).
ORDER_FIELDS = {kind: tuple(fields.split()) for kind, fields in {
    "routes": "assigned from id inherited name path prefix regex to updatedAt",
    "policies": "assigned cluster id name updatedAt",
    "keyPairs": "cluster id issuer name notAfter status subject updatedAt",
    "changesets": "cluster createdAt failureMessage id status updatedAt",
    "activityLogs": "entity.data.name entity.id entity.type updatedAt user",
    "serviceAccounts": "",
}.items()}
# Filterable fields: the sortable ones, plus a few flags that cannot be sorted on.
FILTER_FIELDS = {
    **{kind: ORDER_FIELDS[kind] for kind in ("routes", "changesets", "activityLogs")},
    "policies": (*ORDER_FIELDS["policies"], "enforced"),
    "keyPairs": (*ORDER_FIELDS["keyPairs"], "isCertificateAuthority", "isClientCertificate"),
}
FILTER_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "after", "before", "contains", "doesNotContain",
                    "doesNotEqual", "endsWith", "equals", "is", "isAnyOf", "isEmpty", "isNotEmpty", "not",
                    "onOrAfter", "onOrBefore", "startsWith")

ROUTE_BOOLEANS = ("allowWebsockets", "allowSpdy", "tlsSkipVerify", "tlsUpstreamAllowRenegotiation",
                  "preserveHostHeader", "enableGoogleCloudServerlessAuthentication", "showErrorDetails")
POLICY_REQUIRED = ("namespaceId", "name", "enforced", "ppl", "description", "explanation", "remediation")
SETTINGS_REQUIRED = ("logLevel", "address", "dnsLookupFamily", "timeoutRead", "timeoutWrite", "timeoutIdle",
                     "codecType", "cookieName", "cookieHttpOnly", "cookieExpire", "defaultUpstreamTimeout",
                     "skipXffAppend", "passIdentityHeaders", "autoApplyChangesets")
SETTINGS_DURATIONS = ("timeoutRead", "timeoutWrite", "timeoutIdle", "cookieExpire", "defaultUpstreamTimeout")
SETTINGS_ENUMS = {"dnsLookupFamily": ("V4_ONLY", "V6_ONLY", "V4_PREFERRED", "AUTO", "ALL"),
                  "codecType": ("", "auto", "http1", "http2", "http3")}
QUOTA_KEYS = ("administrators", "apiUsers", "certificates", "clusters", "customDomains", "policies", "replicas",
              "routes", "serviceAccounts")
QUOTA_LIMITS = {"administrators": 10, "apiUsers": 10, "certificates": 50, "clusters": 5, "customDomains": 10,
                "policies": 100, "replicas": 20, "routes": 200, "serviceAccounts": 20}

DEMO_CERT = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZGVtby1jZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n"


def _name(common_name: str, organization: str = "") -> dict:
    return {"commonName": common_name, "serialNumber": "", "country": [], "organization": [organization] if organization else [],
            "organizationalUnit": [], "locality": [], "province": [], "streetAddress": [], "postalCode": []}


def certificate_info(subject: str, issuer: str, dns_names: list[str], *, ca: bool = False,
                     not_before: str = "2026-01-01T00:00:00Z", not_after: str = "2027-01-01T00:00:00Z",
                     serial: str = "1") -> dict:
    """A CertificateInfo (shared/api/pomerium-zero.md §3.8), every field present."""
    usage = dict.fromkeys(("digitalSignature", "contentCommitment", "keyEncipherment", "dataEncipherment",
                           "keyAgreement", "certSign", "crlSign", "encipherOnly", "decipherOnly"), False)
    usage.update(digitalSignature=True, keyEncipherment=not ca, certSign=ca, crlSign=ca)
    ext = dict.fromkeys(("any", "serverAuth", "clientAuth", "codeSigning", "emailProtection", "ipsecEndSystem",
                         "ipsecTunnel", "ipsecUser", "timeStamping", "ocspSigning", "microsoftServerGatedCrypto",
                         "netscapeServerGatedCrypto", "microsoftCommercialCodeSigning",
                         "microsoftKernelCodeSigning"), False)
    ext["serverAuth"] = not ca
    info = {"version": 3, "serial": serial, "issuer": _name(issuer), "subject": _name(subject),
            "notBefore": not_before, "notAfter": not_after, "keyUsage": usage, "extKeyUsage": ext,
            "dnsNames": dns_names, "emailAddresses": [], "ipAddresses": [], "uris": [],
            "permittedDnsDomainsCritical": False}
    for key in ("permittedDnsDomains", "excludedDnsDomains", "permittedIpRanges", "excludedIpRanges",
                "permittedEmailAddresses", "excludedEmailAddresses", "permittedUriDomains", "excludedUriDomains"):
        info[key] = []
    return info


def public(record: dict) -> dict:
    """A stored record without its private (underscore) bookkeeping keys."""
    return {k: copy.deepcopy(v) for k, v in record.items() if not k.startswith("_")}


def dig(item: Any, path: str) -> Any:
    for part in path.split("."):
        item = item.get(part) if isinstance(item, dict) else None
    return item


def parse_time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


class JsonPatchError(ValueError):
    pass


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise JsonPatchError(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> tuple[Any, str]:
    target = doc
    for part in parts[:-1]:
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            raise JsonPatchError(f"path /{'/'.join(parts)} does not exist")
    return target, parts[-1]


def _get(doc: Any, parts: list[str]) -> Any:
    if not parts:
        return doc
    parent, key = _parent(doc, parts)
    if isinstance(parent, dict) and key in parent:
        return parent[key]
    if isinstance(parent, list) and key.isdigit() and int(key) < len(parent):
        return parent[int(key)]
    raise JsonPatchError(f"path /{'/'.join(parts)} does not exist")


def _remove(doc: Any, parts: list[str]) -> Any:
    parent, key = _parent(doc, parts)
    if isinstance(parent, dict) and key in parent:
        return parent.pop(key)
    if isinstance(parent, list) and key.isdigit() and int(key) < len(parent):
        return parent.pop(int(key))
    raise JsonPatchError(f"path /{'/'.join(parts)} does not exist")


def _add(doc: Any, parts: list[str], value: Any, replace: bool = False) -> None:
    if not parts:
        raise JsonPatchError("cannot replace the whole document")
    parent, key = _parent(doc, parts)
    if isinstance(parent, dict):
        if replace and key not in parent:
            raise JsonPatchError(f"path /{'/'.join(parts)} does not exist")
        parent[key] = value
    elif isinstance(parent, list):
        if key == "-" and not replace:
            parent.append(value)
        elif key.isdigit() and int(key) <= len(parent) - (1 if replace else 0):
            if replace:
                parent[int(key)] = value
            else:
                parent.insert(int(key), value)
        else:
            raise JsonPatchError(f"path /{'/'.join(parts)} does not exist")
    else:
        raise JsonPatchError(f"path /{'/'.join(parts)} does not exist")


def apply_json_patch(doc: dict, operations: list) -> dict:
    """RFC 6902 on a copy of ``doc``; JsonPatchError on any failing operation."""
    doc = copy.deepcopy(doc)
    for index, op in enumerate(operations):
        if not isinstance(op, dict) or not isinstance(op.get("op"), str) or not isinstance(op.get("path"), str):
            raise JsonPatchError(f"operation {index}: op and path are required")
        kind, parts = op["op"], _pointer(op["path"])
        if kind in ("add", "replace", "test") and "value" not in op:
            raise JsonPatchError(f"operation {index}: value is required for {kind}")
        if kind == "add":
            _add(doc, parts, copy.deepcopy(op["value"]))
        elif kind == "replace":
            _add(doc, parts, copy.deepcopy(op["value"]), replace=True)
        elif kind == "remove":
            _remove(doc, parts)
        elif kind in ("copy", "move"):
            if not isinstance(op.get("from"), str):
                raise JsonPatchError(f"operation {index}: from is required for {kind}")
            source = _pointer(op["from"])
            value = _remove(doc, source) if kind == "move" else copy.deepcopy(_get(doc, source))
            _add(doc, parts, value)
        elif kind == "test":
            if _get(doc, parts) != op["value"]:
                raise JsonPatchError(f"operation {index}: test failed at {op['path']}")
        else:
            raise JsonPatchError(f"operation {index}: unknown op {kind!r}")
    return doc


class PomeriumEmulator(Emulator):
    product = "pomerium"
    base_path = "/api/v0"
    default_page = 5  # items when a list request has no limit
    max_limit = 100  # larger limits are clamped; tests lower it to see paging against a capping server
    id_token_ttl = 3600

    # Stable IDs of the demo data.
    org_id = "orgAcme"
    other_org_id = "orgGlobex"  # the sandbox API user is only an auditor there
    cluster_id = "clProd"
    namespace_id = "nsProd"
    admin_user_id = "usrAdminApi"
    auditor_user_id = "usrAuditorApi"

    # -- state ------------------------------------------------------------------------

    def clear_state(self) -> None:
        self.users: dict[str, dict] = {}
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> user id
        self.id_tokens: dict[str, tuple[str, float]] = {}  # id token -> (user id, expires at)
        self.orgs: dict[str, dict] = {}
        self.members: dict[str, dict[str, dict]] = {}  # org -> user -> {"role", "joinedAt"}
        self.namespaces = self.records("namespace not found")
        self.clusters = self.records("cluster not found")
        self.cluster_tokens: dict[str, str] = {}
        self.settings: dict[str, dict] = {}  # cluster id -> settings
        self.policies = self.records("policy not found")
        self.routes = self.records("route not found")
        self.key_pairs = self.records("key pair not found")
        self.service_accounts = self.records("service account not found")
        self.sa_tokens: dict[str, str] = {}
        self.custom_domains = self.records("custom domain not found")
        self.changesets = self.records("changeset not found")
        self.activity: list[dict] = []
        self.invites = self.records("invitation not found")  # organization-side invitations
        self.user_invitations: dict[str, dict] = {}  # invitations users received
        self.replicas: dict[str, list[dict]] = {}
        self.health: dict[str, list[dict]] = {}
        self.subscriptions: dict[str, dict] = {}
        self.checkout_sessions: set[str] = set()
        self.onboarded: set[str] = set()
        self.logs: dict[str, list[dict]] = {}  # cluster id -> log entries, oldest first
        self.billing: dict[str, dict] = {}  # org -> {"email", "invoices"}
        self.feature_flags: dict[str, dict[str, bool]] = {}  # org -> flag -> enabled
        self._seq = 0

    def _now(self) -> str:
        return rfc3339(self.clock())

    def _std(self, record_id: str | None = None, **fields: Any) -> dict:
        now = self._now()
        return {"id": record_id or random_id(27), "createdAt": now, "updatedAt": now, **fields}

    def add_user(self, user_id: str, email: str, display_name: str, *, api: bool = False) -> dict:
        user = self._std(user_id, email=email, displayName=display_name, needsOnboarding=False,
                         type="user_type_api_access" if api else "user_type_interactive")
        if not api:
            user["lastLoggedIn"] = self._now()
        self.users[user_id] = user
        return user

    def issue_refresh_token(self, user_id: str) -> str:
        """A new refresh token for ``user_id``; every earlier one stops working."""
        for token in [t for t, u in self.refresh_tokens.items() if u == user_id]:
            del self.refresh_tokens[token]
        token = random_id(43, "pzr_")
        self.refresh_tokens[token] = user_id
        return token

    def refresh_token_of(self, user_id: str) -> str | None:
        return next((t for t, u in self.refresh_tokens.items() if u == user_id), None)

    def add_org(self, org_id: str, name: str, owner: str, org_type: str = "professional") -> dict:
        org = self._std(org_id, name=name, organizationType=org_type, ownerUserId=owner, readOnly=False)
        self.orgs[org_id] = org
        self.members[org_id] = {}
        self.namespaces[org_id] = self._std(org_id, name=name, type="root", _org=org_id)
        self.subscriptions[org_id] = {"hasCustomerId": False, "status": "trialing",
                                      "nextInvoiceDate": "2026-12-01T00:00:00Z", "pricePerSeatPerMonthCents": 700}
        self.billing[org_id] = {"email": None, "invoices": []}
        self.feature_flags[org_id] = {"ssh": org_type != "personal", "custom_domains": True, "mcp": False}
        return org

    def add_member(self, org_id: str, user_id: str, role: str) -> None:
        self.members[org_id][user_id] = {"role": role, "joinedAt": self._now()}

    def add_cluster(self, org_id: str, cluster_id: str, name: str, domain: str, namespace_id: str | None = None,
                    **extra: Any) -> dict:
        namespace_id = namespace_id or random_id(27)
        self.namespaces[namespace_id] = self._std(namespace_id, name=name, parentId=org_id, type="cluster",
                                                  _org=org_id)
        cluster = self._std(cluster_id, name=name, domain=domain, fqdn=f"{domain}.pomerium.app",
                            namespaceId=namespace_id, hasFailingHealthChecks=False, flavor="standard",
                            autoDetectIpAddress="203.0.113.10", minReplicaVersion="v0.30.0",
                            onboardingStatus="complete", _org=org_id, **extra)
        self.clusters[cluster_id] = cluster
        self.cluster_tokens[cluster_id] = random_id(43, "pzc_")
        self.settings[cluster_id] = self._default_settings()
        self.replicas[cluster_id] = [self._std(f"{cluster_id}-replica-{i}", hostname=f"pomerium-{i}.{domain}.internal")
                                     for i in (1, 2)]
        self.health[cluster_id] = [
            {"description": "Pomerium can reach Pomerium Zero", "helpUrl": "https://www.pomerium.com/docs/zero",
             "hostname": f"pomerium-1.{domain}.internal", "status": "success", "updatedAt": self._now()},
            {"description": "TLS certificate is valid", "helpUrl": "https://www.pomerium.com/docs/certificates",
             "status": "success", "updatedAt": self._now()},
        ]
        self.logs[cluster_id] = []
        for age, message, route_id in ((3600, "pomerium started", None), (1800, "config updated", None),
                                       (60, "http-request", "routeGrafana")):
            self.add_log(cluster_id, message, route_id=route_id, at=self.clock() - age)
        return cluster

    def add_log(self, cluster_id: str, message: str, *, route_id: str | None = None, at: float | None = None) -> dict:
        """A log line of the cluster's Pomerium (tests add lines while a `logs --follow` polls)."""
        labels = {"cluster_id": cluster_id, **({"route_id": route_id} if route_id else {})}
        entry = {"insertId": random_id(16), "timestamp": rfc3339(self.clock() if at is None else at),
                 "message": message, "labels": labels}
        self.logs[cluster_id].append(entry)
        self.logs[cluster_id].sort(key=lambda e: parse_time(e["timestamp"]) or 0)
        return entry

    def _default_settings(self) -> dict:
        return self._std(
            logLevel="info", address=":443", dnsLookupFamily="V4_PREFERRED", timeoutRead="30s", timeoutWrite="0s",
            timeoutIdle="5m", codecType="auto", cookieName="_pomerium", cookieHttpOnly=True, cookieExpire="14h",
            defaultUpstreamTimeout="30s", skipXffAppend=False, passIdentityHeaders=False, autoApplyChangesets=True,
            accessLogFields=[], authorizeLogFields=[], setResponseHeaders={}, jwtClaimsHeaders={},
        )

    def add_policy(self, policy_id: str, name: str, namespace_id: str, *, enforced: bool = False,
                   ppl: Any = None) -> dict:
        policy = self._std(policy_id, namespaceId=namespace_id, name=name, enforced=enforced,
                           ppl=ppl if ppl is not None else {"allow": {"or": [{"domain": {"is": "example.com"}}]}},
                           description=f"{name} policy", explanation="", remediation="",
                           _org=self.namespaces[namespace_id]["_org"])
        self.policies[policy_id] = policy
        return policy

    def add_route(self, route_id: str, name: str, namespace_id: str, host: str, to: str,
                  policy_ids: list[str] | None = None) -> dict:
        route_ = self._std(route_id, namespaceId=namespace_id, name=name, **{"from": f"https://{host}"}, to=[to],
                           policyIds=list(policy_ids or []), **dict.fromkeys(ROUTE_BOOLEANS, False),
                           _org=self.namespaces[namespace_id]["_org"])
        self.routes[route_id] = route_
        return route_

    def seed(self) -> None:
        self.add_user(self.admin_user_id, "sandbox-admin@api.pomerium.app", "sandbox admin", api=True)
        self.add_user(self.auditor_user_id, "sandbox-auditor@api.pomerium.app", "sandbox auditor", api=True)
        self.add_user("usrAlice", "alice@example.com", "Alice Example")
        self.add_user("usrBob", "bob@example.com", "Bob Example")
        self.add_user("usrCarol", "carol@globex.example", "Carol Globex")
        self.admin_token = self.issue_refresh_token(self.admin_user_id)
        self.auditor_token = self.issue_refresh_token(self.auditor_user_id)

        self.add_org(self.org_id, "Acme Corp", "usrAlice")
        for user_id, role in (("usrAlice", "owner"), (self.admin_user_id, "admin"),
                              (self.auditor_user_id, "auditor"), ("usrBob", "member")):
            self.add_member(self.org_id, user_id, role)
        self.add_org(self.other_org_id, "Globex", "usrCarol")
        self.add_member(self.other_org_id, "usrCarol", "owner")
        self.add_member(self.other_org_id, self.admin_user_id, "auditor")
        self.add_org("orgInitech", "Initech", "usrCarol")
        self.add_member("orgInitech", "usrCarol", "owner")

        self.billing[self.org_id] = {"email": "billing@acme.example", "card": {"brand": "visa", "last4": "4242"},
                                     "invoices": [{"currency": "usd", "date": "2026-08-01T00:00:00Z",
                                                   "downloadUrl": "https://pay.stripe.com/invoice/acme-2026-08/pdf",
                                                   "productName": "Pomerium Zero Business", "total": 2100},
                                                  {"currency": "usd", "date": "2026-09-01T00:00:00Z",
                                                   "downloadUrl": "https://pay.stripe.com/invoice/acme-2026-09/pdf",
                                                   "productName": "Pomerium Zero Business", "total": 2800}]}
        self.add_cluster(self.org_id, self.cluster_id, "production", "happy-otter-1234", self.namespace_id)
        self.add_cluster(self.org_id, "clStaging", "staging", "brave-lynx-5678", "nsStaging")
        self.add_cluster(self.other_org_id, "clGlobex", "globex", "calm-heron-9012", "nsGlobex")
        self.namespaces["nsTeamA"] = self._std("nsTeamA", name="team-a", parentId=self.namespace_id,
                                               type="regular", _org=self.org_id)
        if self.empty:
            return

        self.add_policy("polEmployees", "employees", self.namespace_id,
                        ppl={"allow": {"and": [{"domain": {"is": "acme.example"}}]}})
        self.add_policy("polMfa", "require-mfa", self.namespace_id, enforced=True,
                        ppl={"deny": {"or": [{"authenticated_user": False}]}})
        self.add_policy("polUnused", "contractors", self.namespace_id,
                        ppl=[{"allow": {"or": [{"email": {"ends_with": "@contractor.example"}}]}}])
        self.add_policy("polStaging", "staging-testers", "nsStaging")
        services = ("grafana", "kibana", "jenkins", "wiki", "gitlab", "vault", "argo", "jaeger", "prometheus",
                    "sentry", "minio", "airflow")
        for i, name in enumerate(services):
            self.add_route(f"route{name.capitalize()}", name, self.namespace_id, f"{name}.happy-otter-1234.pomerium.app",
                           f"http://{name}.internal:{8000 + i}", ["polEmployees"] if i % 2 == 0 else [])
        self.add_route("routeTeamA", "team-a-app", "nsTeamA", "team-a.happy-otter-1234.pomerium.app",
                       "http://team-a.internal:80", ["polEmployees"])
        self.add_route("routeStaging", "staging-web", "nsStaging", "web.brave-lynx-5678.pomerium.app",
                       "http://web.staging.internal:80", ["polStaging"])

        self.key_pairs["kpWildcard"] = self._std(
            "kpWildcard", namespaceId=self.namespace_id, name="wildcard", certificate=DEMO_CERT, hasKey=True,
            origin="user", status="ready", _org=self.org_id,
            certificateInfo=[certificate_info("*.happy-otter-1234.pomerium.app", "Acme Issuing CA",
                                              ["*.happy-otter-1234.pomerium.app"], serial="4096",
                                              not_before=rfc3339(self.clock() - 70 * 86400),
                                              not_after=rfc3339(self.clock() + 20 * 86400))])
        self.key_pairs["kpCa"] = self._std(
            "kpCa", namespaceId=self.namespace_id, name="acme-client-ca", certificate=DEMO_CERT, hasKey=False,
            origin="user", status="ready", _org=self.org_id,
            certificateInfo=[certificate_info("Acme Client CA", "Acme Client CA", [], ca=True, serial="17",
                                              not_before=rfc3339(self.clock() - 365 * 86400),
                                              not_after=rfc3339(self.clock() + 5 * 365 * 86400))])

        self.service_accounts["saDeploy"] = self._std("saDeploy", description="deploy bot", userId="deploy-bot",
                                                      _cluster=self.cluster_id)
        self.sa_tokens["saDeploy"] = random_id(64, "eyJ")
        self.custom_domains["cdApps"] = self._std("cdApps", clusterId=self.cluster_id,
                                                  domainName="apps.acme.example", keyPairId="kpWildcard",
                                                  expiresAt="2027-03-01T00:00:00Z",  # verified: it has a certificate
                                                  _org=self.org_id)

        for cs_id, status in (("csInitial", "applied"), ("csCurrent", "current"), ("csPending", "pending"),
                              ("csFailed", "failed")):
            changeset = self._std(cs_id, namespaceId=self.namespace_id, status=status, _org=self.org_id)
            if status == "failed":
                changeset["failureMessage"] = "route grafana: upstream http://grafana.internal:8000 unreachable"
            self.changesets[cs_id] = changeset
            self._record(self.org_id, "usrAlice", "update", "route", "routeGrafana", {"name": "grafana"},
                         self.namespace_id, cs_id)

        invite = self._std("invDave", email="dave@acme.example", role="member")
        invite["_org"] = self.org_id
        self.invites["invDave"] = invite
        self.user_invitations["uinvInitech"] = self._std(
            "uinvInitech", organizationRole="admin", _org="orgInitech", _user=self.admin_user_id,
            invitedBy={"email": "carol@globex.example", "displayName": "Carol Globex"})

    # -- what a sandbox profile needs ---------------------------------------------------

    def fleet_identity(self, n: int) -> dict[str, Any]:
        return {"org_id": f"{self.org_id}{n}"}

    def credentials(self) -> dict[str, str]:
        return {"refresh_token": self.refresh_token_of(self.admin_user_id) or ""}

    def profile_options(self, server_url: str = "") -> dict[str, Any]:
        return {"org": self.org_id, "cluster": self.cluster_id}

    def fixtures(self) -> list[str]:
        return [f"organization {self.org_id}, cluster {self.cluster_id}; users: {self.admin_user_id} (you), usrBob",
                "routes and policies: gwctl -p sandbox-pomerium pomerium policies list"]

    def example_values(self) -> dict[str, str]:
        return {
            "org": self.org_id, "other_org": "orgInitech", "cluster": self.cluster_id, "namespace": self.namespace_id,
            "user": self.admin_user_id, "member": "usrBob", "api_user": self.auditor_user_id,
            "route": "routeGrafana", "policy": "polEmployees", "unused_policy": "polUnused",
            "key_pair": "kpWildcard", "unused_key_pair": "kpCa", "service_account": "saDeploy", "custom_domain": "cdApps",
            "changeset": "csPending", "invitation": "invDave", "delete_cluster": "clStaging",
            "user_invitation": "uinvInitech", "member_org": self.other_org_id,
            # the help's INVITATION_ID and ORG_ID (leave, notifications): the sandbox user's invitation and
            # the organization it is a plain member of
            "invitation_id": "uinvInitech", "org_id": self.other_org_id,
            "channel": f"private-org-{self.org_id}",
            "start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z",
            "_stdin": '[{"op": "add", "path": "/sshAddress", "value": "0.0.0.0:22"}]',
        }

    # -- responses --------------------------------------------------------------------

    def error(self, status: int, message: str) -> Response:
        response = self.json({"error": message}, status)
        response.status = f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}"  # Go's reason phrases
        return response

    def created(self, body: Any) -> Response:
        return self.json(body, 201)

    def no_content(self) -> Response:
        return Response(b"", 204)

    # -- auth and access ------------------------------------------------------------------

    def _user(self, request: Request) -> dict:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            self.abort(401, "missing authorization header")
        if scheme.lower() not in ("bearer", "pomerium") or not token:
            self.abort(401, "invalid authorization header")
        user_id, expires_at = self.id_tokens.get(token.strip(), ("", 0.0))
        if not user_id or expires_at <= self.clock():
            self.abort(401, "invalid or expired ID token")
        if user_id not in self.users:
            self.abort(401, "user no longer exists")
        return self.users[user_id]

    def _access(self, request: Request, org_id: str, write: bool | None = None) -> tuple[dict, str]:
        """(user, role) for a call on ``org_id``; writes (non-GET by default) need owner or admin."""
        user = self._user(request)
        if org_id not in self.orgs:
            self.abort(404, "organization not found")
        member = self.members[org_id].get(user["id"])
        if member is None:
            self.abort(403, "viewer user required")
        write = request.method != "GET" if write is None else write
        if write and member["role"] not in WRITERS:
            self.abort(403, "admin user required")
        return user, member["role"]

    def _body(self, request: Request, kind: type = dict) -> Any:
        # A blank body is an empty object; an array body (JSON Patch) is required.
        obj = kind is dict
        return self.json_body(request, invalid="request body is not valid JSON", empty={} if obj else None,
                              required=None if obj else "request body is required", kind=kind,
                              wrong_kind=f"request body must be a JSON {'object' if obj else 'array'}")

    def _required(self, body: dict, *fields: str) -> None:
        for field in fields:
            if body.get(field) is None or body.get(field) == "" and field not in ("description", "explanation",
                                                                                  "remediation", "address"):
                self.abort(400, f"{field}: value is required")

    def _string(self, body: dict, field: str, *, max_len: int | None = None) -> None:
        if field in body and body[field] is not None and not isinstance(body[field], str):
            self.abort(400, f"{field}: must be a string")
        if max_len and isinstance(body.get(field), str) and not 1 <= len(body[field]) <= max_len:
            self.abort(400, f"{field}: must be 1..{max_len} characters")

    def _enum(self, body: dict, field: str, choices: tuple) -> None:
        if field in body and body[field] not in choices:
            self.abort(400, f"{field}: must be one of {', '.join(map(str, choices))}")

    def _bool(self, body: dict, field: str) -> None:
        if field in body and not isinstance(body[field], bool):
            self.abort(400, f"{field}: must be a boolean")

    def _url(self, value: Any, field: str) -> None:
        if not isinstance(value, str) or not re.match(r"^[a-z][a-z0-9+.-]*://[^/\s]+", value):
            self.abort(400, f"{field}: must be a URL")

    def _touch(self, record: dict) -> None:
        record["updatedAt"] = self._now()

    def _insert(self, store: dict, **fields: Any) -> dict:
        record = self._std(**fields)
        store[record["id"]] = record
        return record

    def _replace(self, record: dict, body: dict) -> None:
        """PUT: the body replaces every field but the standard and private ones."""
        apply_fields(record, body, replace=True, keep=STD, null_deletes=False)
        self._touch(record)

    def _create(self, request: Request, org: str, store: dict, entity_type: str, body: Callable,
                view: Callable) -> Response:
        """POST of a namespaced object: access, validated ``body(request, org)``, store, log, 201 ``view``."""
        user, _ = self._access(request, org)
        record = self._insert(store, **body(request, org), _org=org)
        self._log(org, user, "create", entity_type, record)
        return self.created(view(record))

    def _update(self, request: Request, org: str, store: dict, key: str, entity_type: str, body: Callable,
                view: Callable) -> Any:
        """PUT of a namespaced object: access, find in ``org``, replace with ``body(request, org)``, log."""
        user, _ = self._access(request, org)
        record = store.find(key, self._of(org))
        self._replace(record, body(request, org))
        self._log(org, user, "update", entity_type, record)
        return view(record)

    def _patched(self, request: Request, record: dict, computed: tuple = ()) -> dict:
        """PATCH: the record (without computed and read-only fields) with the request's JSON Patch applied."""
        operations = self._body(request, list)
        if not operations:
            self.abort(400, "request body must be a non-empty JSON Patch")
        for op in operations:
            if not isinstance(op, dict):
                self.abort(400, "every JSON Patch operation must be an object")
            if op.get("op") not in ("add", "remove", "replace", "copy", "move", "test"):
                self.abort(400, f"op: must be one of add, remove, replace, copy, move, test (got {op.get('op')!r})")
            if str(op.get("path", "")).lstrip("/").split("/")[0] in (*STD, *computed):
                self.abort(400, f"path: {op['path']} is read-only")
        current = {k: v for k, v in public(record).items() if k not in (*STD, *computed)}
        try:
            return apply_json_patch(current, operations)
        except JsonPatchError as exc:
            self.abort(400, f"invalid JSON patch: {exc}")

    def _patch(self, request: Request, org: str, store: dict, key: str, entity_type: str, body: Callable,
               view: Callable, computed: tuple) -> Any:
        """PATCH of a namespaced object: the patched object must pass the same checks as a PUT body."""
        user, _ = self._access(request, org)
        record = store.find(key, self._of(org))
        self._replace(record, body(request, org, self._patched(request, record, computed)))
        self._log(org, user, "update", entity_type, record)
        return view(record)

    def _log(self, org_id: str, user: dict, activity: str, entity_type: str, record: dict) -> None:
        """Record a change to a namespaced object (policy, route, key pair) in the activity log."""
        self._record(org_id, user["id"], activity, entity_type, record["id"], {"name": record.get("name", "")},
                     record["namespaceId"])

    def _record(self, org_id: str, user_id: str, activity: str, entity_type: str, entity_id: str,
                data: dict | None, namespace_id: str | None, changeset_id: str | None = None) -> None:
        user = self.users.get(user_id, {})
        info = {k: user[k] for k in ("id", "email", "displayName") if k in user}
        namespace = self.namespaces.get(namespace_id or "")
        self._seq += 1
        entry = self._std(f"log{self._seq:05d}", activityType=activity,
                          applied={"at": self._now(), "by": info, **({"changesetId": changeset_id} if changeset_id else {})},
                          entity={"type": entity_type, "id": entity_id, **({"data": data} if data else {})},
                          namespace={"id": namespace["id"], "name": namespace["name"]} if namespace else {},
                          user=info, _org=org_id)
        self.activity.append(entry)

    # -- lookups ------------------------------------------------------------------------

    @staticmethod
    def _of(org_id: str) -> Callable[[dict], bool]:
        """A ``where`` for stores: the record belongs to organization ``org_id``."""
        return lambda record: record.get("_org") == org_id

    def _cluster(self, org_id: str, cluster_id: str) -> dict:
        return self.clusters.find(cluster_id, self._of(org_id))

    def _namespace(self, org_id: str, namespace_id: Any, field: str = "namespaceId") -> dict:
        if not isinstance(namespace_id, str) or not namespace_id:
            self.abort(400, f"{field}: value is required")
        return self.namespaces.find(namespace_id, self._of(org_id))

    def _descendants(self, namespace_id: str) -> set[str]:
        found, frontier = {namespace_id}, [namespace_id]
        while frontier:
            current = frontier.pop()
            for ns in self.namespaces.values():
                if ns.get("parentId") == current and ns["id"] not in found:
                    found.add(ns["id"])
                    frontier.append(ns["id"])
        return found

    def _ancestors(self, namespace_id: str) -> list[str]:
        chain = []
        current = self.namespaces.get(namespace_id)
        while current is not None:
            chain.append(current["id"])
            current = self.namespaces.get(current.get("parentId") or "")
        return chain

    def _cluster_of_namespace(self, namespace_id: str) -> str | None:
        for ns_id in self._ancestors(namespace_id):
            for cluster in self.clusters.values():
                if cluster["namespaceId"] == ns_id:
                    return cluster["id"]
        return None

    def _entity_info(self, record: dict) -> dict:
        return {"id": record["id"], "name": record["name"], "updatedAt": record["updatedAt"]}

    # -- paging, ordering and filtering ------------------------------------------------------

    def _int_param(self, request: Request, name: str) -> int | None:
        raw = request.args.get(name)
        if raw is None or raw == "":
            return None
        if not raw.isdigit():
            self.abort(400, f"{name}: must be a non-negative integer")
        return int(raw)

    def _page(self, request: Request, items: list[dict], kind: str,
              fields: dict[str, Callable[[dict], Any]] | None = None) -> list[dict]:
        fields = fields or {}

        def value(item: dict, field: str) -> Any:
            return fields[field](item) if field in fields else dig(item, field)

        raw_filter = request.args.get("filter")
        if raw_filter:
            try:
                spec = json.loads(raw_filter)
            except ValueError:
                self.abort(400, "filter: must be a JSON object")
            items = self._filter(items, spec, kind, value)
        order = [part for raw in request.args.getlist("orderBy") for part in raw.split(",") if part]
        for part in reversed(order):
            field = part.lstrip("-")
            if field not in ORDER_FIELDS.get(kind, ()):
                self.abort(400, f"orderBy: invalid field {field!r}")
            items = sorted(items, key=lambda i: _sort_key(value(i, field)), reverse=part.startswith("-"))
        offset = self._int_param(request, "offset") or 0
        limit = self._int_param(request, "limit")
        limit = self.default_page if limit is None or limit == 0 else min(limit, self.max_limit)
        return paging.offset_limit(items, offset, limit)

    def _filter(self, items: list[dict], spec: Any, kind: str, value: Callable) -> list[dict]:
        if not isinstance(spec, dict) or not isinstance(spec.get("items"), list):
            self.abort(400, "filter: items is required")
        tests = []
        for entry in spec["items"]:
            if not isinstance(entry, dict) or "field" not in entry or "operator" not in entry:
                self.abort(400, "filter: every item needs field and operator")
            if entry["field"] not in FILTER_FIELDS.get(kind, ()):
                self.abort(400, f"filter: invalid field {entry['field']!r}")
            if entry["operator"] not in FILTER_OPERATORS:
                self.abort(400, f"filter: invalid operator {entry['operator']!r}")
            tests.append(entry)
        mode = any if spec.get("logicOperator") == "or" else all
        return [item for item in items
                if not tests or mode(_matches(value(item, t["field"]), t["operator"], t.get("value")) for t in tests)]

    # =====================================================================================
    # token and user
    # =====================================================================================

    @route("/token", "POST")
    def token(self, request: Request) -> Any:
        body = self._body(request)
        refresh = body.get("refreshToken")
        if not isinstance(refresh, str) or not refresh:
            self.abort(400, "refreshToken: value is required")
        user_id = self.refresh_tokens.get(refresh)
        if user_id is None or user_id not in self.users:
            self.abort(401, "invalid refresh token")
        id_token = random_id(120, "eyJ")
        self.id_tokens[id_token] = (user_id, self.clock() + self.id_token_ttl)
        return {"idToken": id_token, "expiresInSeconds": str(self.id_token_ttl)}

    @route("/user", "POST")
    def update_current_user(self, request: Request) -> Any:
        user = self._user(request)
        self._touch(user)
        return public(user)

    @route("/user", "DELETE")
    def delete_current_user(self, request: Request) -> Any:
        user = self._user(request)
        del self.users[user["id"]]
        for members in self.members.values():
            members.pop(user["id"], None)
        for token in [t for t, u in self.refresh_tokens.items() if u == user["id"]]:
            del self.refresh_tokens[token]
        return self.no_content()

    @route("/user/invitations", "GET")
    def list_user_invitations(self, request: Request) -> Any:
        user = self._user(request)
        out = []
        for invitation in self.user_invitations.values():
            if invitation["_user"] == user["id"] and invitation["_org"] in self.orgs:
                item = public(invitation)
                org = self._org_view(invitation["_org"], None)
                org["role"] = invitation["organizationRole"]
                item["organization"] = org
                out.append(item)
        return out

    def _org_view(self, org_id: str, user_id: str | None) -> dict:
        org = public(self.orgs[org_id])
        member = self.members[org_id].get(user_id or "", {})
        org["role"] = member.get("role", "member")
        org["joinedAt"] = member.get("joinedAt", org["createdAt"])
        org["quotas"] = dict(QUOTA_LIMITS)
        return org

    @route("/organizations/<org>/users", "GET")
    def list_users(self, request: Request, org: str) -> Any:
        self._access(request, org)
        user_type = request.args.get("userType")
        if user_type and user_type not in USER_TYPES:
            self.abort(400, f"userType: must be one of {', '.join(USER_TYPES)}")
        out = []
        for user_id, member in self.members[org].items():
            user = self.users.get(user_id)
            if user and (not user_type or user["type"] == user_type):
                out.append({**public(user), "organizationRole": member["role"]})
        return out

    @route("/organizations/<org>/users/apiAccess", "POST")
    def create_api_user(self, request: Request, org: str) -> Any:
        caller, _ = self._access(request, org)
        body = self._body(request)
        self._required(body, "name")
        self._string(body, "name")
        self._enum(body, "role", ROLES)
        user_id = random_id(27)
        slug = re.sub(r"[^a-z0-9]+", "-", body["name"].lower()).strip("-") or "api-user"
        user = self.add_user(user_id, f"{slug}-{user_id[:6].lower()}@api.pomerium.app", body["name"], api=True)
        self.add_member(org, user_id, body.get("role") or "member")
        return self.created({**public(user), "refreshToken": self.issue_refresh_token(user_id)})

    @route("/organizations/<org>/users/<user_id>/refreshToken", "POST")
    def renew_refresh_token(self, request: Request, org: str, user_id: str) -> Any:
        caller, role = self._access(request, org, write=False)
        if caller["id"] != user_id and role not in WRITERS:
            self.abort(403, "admin user required")
        if user_id not in self.members[org] or user_id not in self.users:
            self.abort(404, "user not found")
        if self.users[user_id]["type"] != "user_type_api_access":
            self.abort(400, "user is not an API user")
        return {"refreshToken": self.issue_refresh_token(user_id)}

    @route("/organizations/<org>/users/<user_id>", "DELETE")
    def remove_user(self, request: Request, org: str, user_id: str) -> Any:
        self._access(request, org)
        if user_id not in self.members[org]:
            self.abort(404, "user not found")
        if self.orgs[org]["ownerUserId"] == user_id:
            self.abort(400, "cannot remove the organization owner")
        del self.members[org][user_id]
        return self.no_content()

    # =====================================================================================
    # invitations
    # =====================================================================================

    @route("/organizations/<org>/invitations", "GET")
    def list_invites(self, request: Request, org: str) -> Any:
        self._access(request, org)
        return [public(i) for i in self.invites.values() if i["_org"] == org]

    @route("/organizations/<org>/invitations", "POST")
    def create_invites(self, request: Request, org: str) -> Any:
        self._access(request, org)
        body = self._body(request)
        emails = body.get("emails")
        if not isinstance(emails, list) or not emails:
            self.abort(400, "emails: value is required")
        for email in emails:
            if not isinstance(email, str) or not EMAIL_RE.match(email):
                self.abort(400, f"emails: {email!r} is not an email address")
        self._required(body, "role")
        self._enum(body, "role", ROLES)
        out = []
        for email in emails:
            out.append(public(self._insert(self.invites, email=email, role=body["role"], _org=org)))
        return self.created(out)

    @route("/organizations/<org>/invitations/<invitation_id>", "DELETE")
    def delete_invite(self, request: Request, org: str, invitation_id: str) -> Any:
        self._access(request, org)
        self.invites.delete(invitation_id, self._of(org))
        return self.no_content()

    # =====================================================================================
    # organizations, quotas, namespaces
    # =====================================================================================

    @route("/organizations", "GET")
    def list_orgs(self, request: Request) -> Any:
        user = self._user(request)
        return [self._org_view(org_id, user["id"]) for org_id in self.orgs if user["id"] in self.members[org_id]]

    @route("/organizations", "POST")
    def create_org(self, request: Request) -> Any:
        user = self._user(request)
        body = self._body(request)
        self._required(body, "name")
        self._string(body, "name", max_len=128)
        if body.get("logoURL"):
            self._url(body["logoURL"], "logoURL")
        org_id = random_id(27)
        org = self.add_org(org_id, body["name"], user["id"])
        if body.get("logoURL"):
            org["logoURL"] = body["logoURL"]
        self.add_member(org_id, user["id"], "owner")
        domain = f"{re.sub(r'[^a-z0-9]+', '-', body['name'].lower()).strip('-')[:40] or 'org'}-{random_id(4).lower()}"
        cluster = self.add_cluster(org_id, random_id(27), "default", domain)
        return self.created({"cluster": {**public(cluster), "refreshToken": self.cluster_tokens[cluster["id"]]},
                             "namespace": public(self.namespaces[org_id]),
                             "organization": self._org_view(org_id, user["id"])})

    @route("/organizations/<org>", "GET")
    def get_org(self, request: Request, org: str) -> Any:
        user, _ = self._access(request, org)
        return self._org_view(org, user["id"])

    @route("/organizations/<org>", "PUT")
    def update_org(self, request: Request, org: str) -> Any:
        user, _ = self._access(request, org)
        body = self._body(request)
        self._required(body, "name")
        self._string(body, "name", max_len=128)
        if body.get("logoURL"):
            self._url(body["logoURL"], "logoURL")
        record = self.orgs[org]
        if body.get("ownerUserId"):
            if body["ownerUserId"] not in self.members[org]:
                self.abort(400, "ownerUserId: user is not a member of the organization")
            record["ownerUserId"] = body["ownerUserId"]
        record["name"] = body["name"]
        if "logoURL" in body:
            record["logoURL"] = body["logoURL"]
        self._touch(record)
        self._record(org, user["id"], "update", "organization", org, {"name": body["name"]}, org)
        return self._org_view(org, user["id"])

    @route("/organizations/<org>", "DELETE")
    def delete_org(self, request: Request, org: str) -> Any:
        self._access(request, org)
        for store in (self.policies, self.routes, self.key_pairs, self.custom_domains, self.changesets,
                      self.invites, self.namespaces):
            store.purge(self._of(org))
        for cluster_id in [k for k, v in self.clusters.items() if v["_org"] == org]:
            self._drop_cluster(cluster_id)
        del self.orgs[org], self.members[org]
        return self.no_content()

    @route("/organizations/<org>/quotas", "GET")
    def get_quotas(self, request: Request, org: str) -> Any:
        self._access(request, org)
        namespace_id = request.args.get("namespaceId")
        scope = self._descendants(self._namespace(org, namespace_id)["id"]) if namespace_id else None

        def count(store: dict) -> int:
            return sum(1 for r in store.values() if r.get("_org") == org and (scope is None or r.get("namespaceId") in scope))

        clusters = [c for c in self.clusters.values() if c["_org"] == org]
        counts = {
            "administrators": sum(1 for m in self.members[org].values() if m["role"] in WRITERS),
            "apiUsers": sum(1 for u in self.members[org] if self.users.get(u, {}).get("type") == "user_type_api_access"),
            "certificates": count(self.key_pairs), "clusters": len(clusters),
            "customDomains": sum(1 for d in self.custom_domains.values() if d["_org"] == org),
            "policies": count(self.policies), "replicas": sum(len(self.replicas[c["id"]]) for c in clusters),
            "routes": count(self.routes),
            "serviceAccounts": sum(1 for s in self.service_accounts.values()
                                   if self.clusters.get(s["_cluster"], {}).get("_org") == org),
        }
        return {"counts": counts, "limits": dict(QUOTA_LIMITS)}

    @route("/organizations/<org>/namespaces", "GET")
    def list_namespaces(self, request: Request, org: str) -> Any:
        _, role = self._access(request, org)
        return [{**public(ns), "role": NAMESPACE_ROLE[role]} for ns in self.namespaces.values() if ns["_org"] == org]

    # =====================================================================================
    # policies
    # =====================================================================================

    def _policy_view(self, policy: dict) -> dict:
        out = public(policy)
        out["routes"] = [self._entity_info(r) for r in self.routes.values() if policy["id"] in r["policyIds"]]
        scope = self._descendants(policy["namespaceId"])
        out["enforcedRoutes"] = ([self._entity_info(r) for r in self.routes.values() if r["namespaceId"] in scope]
                                 if policy["enforced"] else [])
        return out

    def _policy_body(self, request: Request, org: str, body: dict | None = None) -> dict:
        body = self._body(request) if body is None else body
        self._required(body, *POLICY_REQUIRED)
        self._string(body, "name", max_len=128)
        self._bool(body, "enforced")
        for field in ("description", "explanation", "remediation"):
            self._string(body, field)
        ppl = body["ppl"]
        rules = ppl if isinstance(ppl, list) else [ppl]
        if not rules or not all(isinstance(r, dict) and set(r) <= {"allow", "deny"} for r in rules):
            self.abort(400, "ppl: must be a PPL rule ({allow|deny: {and|or|not|nor: [...]}}) or a list of rules")
        self._namespace(org, body["namespaceId"])
        known = set(POLICY_REQUIRED) | {"originatorId"}
        return {k: v for k, v in body.items() if k in known}

    @route("/organizations/<org>/policies", "GET")
    def list_policies(self, request: Request, org: str) -> Any:
        self._access(request, org)
        items = self._scoped(request, org, self.policies)
        views = [self._policy_view(p) for p in items]
        return self._page(request, views, "policies", {
            "assigned": lambda p: len(p["routes"]), "cluster": lambda p: self._cluster_of_namespace(p["namespaceId"])})

    def _scoped(self, request: Request, org: str, store: dict) -> list[dict]:
        namespace_id = request.args.get("namespaceId")
        if not namespace_id:
            self.abort(400, "namespaceId: value is required")
        namespace = self._namespace(org, namespace_id)
        scope = ({namespace["id"]} if request.args.get("includeDescendants", "false").lower() != "true"
                 else self._descendants(namespace["id"]))
        return [r for r in store.values() if r.get("_org") == org and r["namespaceId"] in scope]

    @route("/organizations/<org>/policies", "POST")
    def create_policy(self, request: Request, org: str) -> Any:
        return self._create(request, org, self.policies, "policy", self._policy_body, self._policy_view)

    @route("/organizations/<org>/policies/<policy_id>", "GET")
    def get_policy(self, request: Request, org: str, policy_id: str) -> Any:
        self._access(request, org)
        return self._policy_view(self.policies.find(policy_id, self._of(org)))

    @route("/organizations/<org>/policies/<policy_id>", "PUT")
    def update_policy(self, request: Request, org: str, policy_id: str) -> Any:
        return self._update(request, org, self.policies, policy_id, "policy", self._policy_body, self._policy_view)

    @route("/organizations/<org>/policies/<policy_id>", "PATCH")
    def patch_policy(self, request: Request, org: str, policy_id: str) -> Any:
        return self._patch(request, org, self.policies, policy_id, "policy", self._policy_body, self._policy_view,
                           ("routes", "enforcedRoutes"))

    @route("/organizations/<org>/policies/<policy_id>", "DELETE")
    def delete_policy(self, request: Request, org: str, policy_id: str) -> Any:
        user, _ = self._access(request, org)
        policy = self.policies.find(policy_id, self._of(org))
        users = sorted(r["name"] for r in self.routes.values() if policy_id in r["policyIds"])
        if users:
            self.abort(409, f"policy is referenced by route(s) {', '.join(users)}: remove it from them first")
        del self.policies[policy_id]
        self._log(org, user, "delete", "policy", policy)
        return self.no_content()

    # =====================================================================================
    # routes
    # =====================================================================================

    def _route_view(self, record: dict) -> dict:
        out = public(record)
        out["policies"] = [self._entity_info(self.policies[p]) for p in record["policyIds"] if p in self.policies]
        ancestors = set(self._ancestors(record["namespaceId"]))
        enforced = [p for p in self.policies.values() if p["enforced"] and p["namespaceId"] in ancestors]
        out["enforcedPolicies"] = [self._entity_info(p) for p in enforced]
        out["enforcedPolicyIds"] = [p["id"] for p in enforced]
        return out

    def _route_body(self, request: Request, org: str, body: dict | None = None) -> dict:
        body = self._body(request) if body is None else body
        self._required(body, "namespaceId", "name", "from")
        self._string(body, "name", max_len=128)
        self._url(body["from"], "from")
        to = body.get("to")
        if to is not None:
            if not isinstance(to, list) or not all(isinstance(t, str) for t in to):
                self.abort(400, "to: must be an array of URLs")
            for target in to:
                self._url(target, "to")
        policy_ids = body.get("policyIds")
        if policy_ids is None:
            policy_ids = body["policyIds"] = []
        if not isinstance(policy_ids, list):
            self.abort(400, "policyIds: must be an array")
        for policy_id in policy_ids:
            if policy_id not in self.policies or self.policies[policy_id]["_org"] != org:
                self.abort(400, f"policyIds: policy {policy_id!r} not found")
        for field in ROUTE_BOOLEANS:
            self._bool(body, field)
            body.setdefault(field, False)
        for field in ("timeout", "idleTimeout"):
            if body.get(field) is not None and not (isinstance(body[field], str) and DURATION_RE.match(body[field])):
                self.abort(400, f"{field}: must be a duration like 30s")
        if body.get("response") is not None and not isinstance(body["response"], dict):
            self.abort(400, "response: must be an object")
        self._namespace(org, body["namespaceId"])
        computed = {"id", "createdAt", "updatedAt", "policies", "enforcedPolicies", "enforcedPolicyIds"}
        return {k: v for k, v in body.items() if k not in computed}

    @route("/organizations/<org>/routes", "GET")
    def list_routes(self, request: Request, org: str) -> Any:
        self._access(request, org)
        views = [self._route_view(r) for r in self._scoped(request, org, self.routes)]
        return self._page(request, views, "routes", {
            "assigned": lambda r: len(r["policies"]),
            "inherited": lambda r: len(r["enforcedPolicies"]),
            "to": lambda r: ",".join(r.get("to") or [])})

    @route("/organizations/<org>/routes", "POST")
    def create_route(self, request: Request, org: str) -> Any:
        return self._create(request, org, self.routes, "route", self._route_body, self._route_view)

    @route("/organizations/<org>/routes/<route_id>", "GET")
    def get_route(self, request: Request, org: str, route_id: str) -> Any:
        self._access(request, org)
        return self._route_view(self.routes.find(route_id, self._of(org)))

    @route("/organizations/<org>/routes/<route_id>", "PUT")
    def update_route(self, request: Request, org: str, route_id: str) -> Any:
        return self._update(request, org, self.routes, route_id, "route", self._route_body, self._route_view)

    @route("/organizations/<org>/routes/<route_id>", "PATCH")
    def patch_route(self, request: Request, org: str, route_id: str) -> Any:
        return self._patch(request, org, self.routes, route_id, "route", self._route_body, self._route_view,
                           ("policies", "enforcedPolicies", "enforcedPolicyIds"))

    @route("/organizations/<org>/routes/<route_id>", "DELETE")
    def delete_route(self, request: Request, org: str, route_id: str) -> Any:
        user, _ = self._access(request, org)
        self._log(org, user, "delete", "route", self.routes.delete(route_id, self._of(org)))
        return self.no_content()

    @route("/organizations/<org>/routes/<route_id>/certificates", "GET")
    def route_certificates(self, request: Request, org: str, route_id: str) -> Any:
        self._access(request, org)
        record = self.routes.find(route_id, self._of(org))
        host = re.sub(r"^[a-z+.-]+://", "", record["from"]).split("/")[0].split(":")[0]
        ancestors = set(self._ancestors(record["namespaceId"]))
        out = []
        for pair in self.key_pairs.values():
            if pair["_org"] != org or pair["namespaceId"] not in ancestors:
                continue
            names = [n for info in pair.get("certificateInfo") or [] for n in info.get("dnsNames", [])]
            if any(_host_matches(name, host) for name in names):
                out.append(public(pair))
        return out

    # =====================================================================================
    # key pairs
    # =====================================================================================

    def _key_pair_body(self, request: Request, org: str, body: dict | None = None) -> dict:
        body = self._body(request) if body is None else body
        self._required(body, "namespaceId")
        for field in ("name", "certificate", "key"):
            self._string(body, field)
        if body.get("certificate") and "-----BEGIN CERTIFICATE-----" not in body["certificate"]:
            self.abort(400, "certificate: not a PEM certificate")
        if body.get("key") and not re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY-----", body["key"]):
            self.abort(400, "key: not a PEM private key")
        self._namespace(org, body["namespaceId"])
        return body

    def _apply_key_pair(self, record: dict, body: dict) -> None:
        record["namespaceId"] = body["namespaceId"]
        if body.get("name") is not None:
            record["name"] = body["name"]
        if body.get("key"):
            record["_key"] = body["key"]
            record["hasKey"] = True
        if body.get("certificate"):
            record["certificate"] = body["certificate"]
            name = record.get("name") or "certificate"
            record["certificateInfo"] = [certificate_info(name, name, [name] if "." in name else [],
                                                          serial=str(abs(hash(body["certificate"])) % 10**8))]
        record["status"] = "ready" if record.get("certificate") else "pending"

    @route("/organizations/<org>/keyPairs", "GET")
    def list_key_pairs(self, request: Request, org: str) -> Any:
        self._access(request, org)
        items = [public(k) for k in self._scoped(request, org, self.key_pairs)]
        first = lambda k: (k.get("certificateInfo") or [{}])[0]  # noqa: E731
        return self._page(request, items, "keyPairs", {
            "cluster": lambda k: self._cluster_of_namespace(k["namespaceId"]),
            "issuer": lambda k: dig(first(k), "issuer.commonName"),
            "subject": lambda k: dig(first(k), "subject.commonName"),
            "notAfter": lambda k: first(k).get("notAfter"),
            "isCertificateAuthority": lambda k: bool(dig(first(k), "keyUsage.certSign")),
            "isClientCertificate": lambda k: bool(dig(first(k), "extKeyUsage.clientAuth"))})

    @route("/organizations/<org>/keyPairs", "POST")
    def create_key_pair(self, request: Request, org: str) -> Any:
        user, _ = self._access(request, org)
        body = self._key_pair_body(request, org)
        record = self._insert(self.key_pairs, namespaceId=body["namespaceId"], hasKey=False, origin="user",
                              status="pending", _org=org)
        self._apply_key_pair(record, body)
        self._log(org, user, "create", "key_pair", record)
        return self.created(public(record))

    @route("/organizations/<org>/keyPairs/<key_pair_id>", "GET")
    def get_key_pair(self, request: Request, org: str, key_pair_id: str) -> Any:
        self._access(request, org)
        return public(self.key_pairs.find(key_pair_id, self._of(org)))

    @route("/organizations/<org>/keyPairs/<key_pair_id>", "PUT")
    def update_key_pair(self, request: Request, org: str, key_pair_id: str) -> Any:
        user, _ = self._access(request, org)
        record = self.key_pairs.find(key_pair_id, self._of(org))
        self._apply_key_pair(record, self._key_pair_body(request, org))
        self._touch(record)
        self._log(org, user, "update", "key_pair", record)
        return public(record)

    @route("/organizations/<org>/keyPairs/<key_pair_id>", "PATCH")
    def patch_key_pair(self, request: Request, org: str, key_pair_id: str) -> Any:
        user, _ = self._access(request, org)
        record = self.key_pairs.find(key_pair_id, self._of(org))
        computed = ("hasKey", "origin", "status", "certificateInfo")
        before = {k: v for k, v in public(record).items() if k not in (*STD, *computed)}
        patched = self._key_pair_body(request, org, self._patched(request, record, computed))
        # Only what changed is applied: an unchanged certificate keeps its parsed details.
        self._apply_key_pair(record, {"namespaceId": patched["namespaceId"],
                                      **{k: v for k, v in patched.items() if before.get(k) != v}})
        self._touch(record)
        self._log(org, user, "update", "key_pair", record)
        return public(record)

    @route("/organizations/<org>/keyPairs/<key_pair_id>", "DELETE")
    def delete_key_pair(self, request: Request, org: str, key_pair_id: str) -> Any:
        user, _ = self._access(request, org)
        record = self.key_pairs.find(key_pair_id, self._of(org))
        users = [d["domainName"] for d in self.custom_domains.values() if d.get("keyPairId") == key_pair_id]
        if users:
            self.abort(409, f"key pair is used by custom domain(s) {', '.join(users)}")
        del self.key_pairs[key_pair_id]
        self._log(org, user, "delete", "key_pair", record)
        return self.no_content()

    # =====================================================================================
    # changesets and activity logs
    # =====================================================================================

    @route("/organizations/<org>/changesets", "GET")
    def list_changesets(self, request: Request, org: str) -> Any:
        self._access(request, org)
        items = [public(c) for c in self.changesets.values() if c["_org"] == org]
        status = request.args.get("status")
        if status:
            if status not in CHANGESET_STATUSES:
                self.abort(400, f"status: must be one of {', '.join(CHANGESET_STATUSES)}")
            items = [c for c in items if c["status"] == status]
        cluster_id = request.args.get("clusterId")
        if cluster_id:
            items = [c for c in items if self._cluster_of_namespace(c["namespaceId"]) == cluster_id]
        return self._page(request, items, "changesets",
                          {"cluster": lambda c: self._cluster_of_namespace(c["namespaceId"])})

    @route("/organizations/<org>/changesets/compare", "GET")
    def compare_changesets(self, request: Request, org: str) -> Any:
        self._access(request, org)
        cluster_id = request.args.get("clusterId")
        if not cluster_id:
            self.abort(400, "clusterId: value is required")
        cluster = self._cluster(org, cluster_id)
        ordered = [c for c in self.changesets.values()
                   if c["_org"] == org and self._cluster_of_namespace(c["namespaceId"]) == cluster["id"]]
        ids = [c["id"] for c in ordered]
        first, second = request.args.get("firstId"), request.args.get("secondId")
        for value in (first, second):
            if value and value not in ids:
                self.abort(404, "changeset not found")
        if not ordered:
            self.abort(404, "cluster has no changesets")
        end = ids.index(second) if second else len(ids) - 1
        start = ids.index(first) if first else None
        window = ordered[(start + 1 if start is not None else 0):end + 1]
        entities = [[public(log) for log in self.activity if log["applied"].get("changesetId") == c["id"]]
                    for c in window]
        body = {"endChangeset": public(ordered[end]), "entities": entities}
        if start is not None:
            body["startChangeset"] = public(ordered[start])
        return body

    @route("/organizations/<org>/changesets/<changeset_id>/apply", "POST")
    def apply_changeset(self, request: Request, org: str, changeset_id: str) -> Any:
        self._access(request, org)
        changeset = self.changesets.find(changeset_id, self._of(org))
        if changeset["status"] in ("current", "applying"):
            self.abort(400, f"changeset is already {changeset['status']}")
        cluster = self._cluster_of_namespace(changeset["namespaceId"])
        for other in self.changesets.values():
            if other["status"] == "current" and self._cluster_of_namespace(other["namespaceId"]) == cluster:
                other["status"] = "applied"
                self._touch(other)
        changeset["status"] = "current"
        changeset.pop("failureMessage", None)
        self._touch(changeset)
        return public(changeset)

    @route("/organizations/<org>/activityLogs", "GET")
    def list_activity_logs(self, request: Request, org: str) -> Any:
        self._access(request, org)
        items = [public(a) for a in self.activity if a["_org"] == org]
        args = request.args
        if args.get("activityType"):
            if args["activityType"] not in ("create", "delete", "update"):
                self.abort(400, "activityType: must be one of create, delete, update")
            items = [a for a in items if a["activityType"] == args["activityType"]]
        if args.get("entityType"):
            if args["entityType"] not in ENTITY_TYPES:
                self.abort(400, f"entityType: must be one of {', '.join(ENTITY_TYPES)}")
            items = [a for a in items if a["entity"]["type"] == args["entityType"]]
        for arg, path in (("changesetId", "applied.changesetId"), ("entityId", "entity.id"),
                          ("namespaceId", "namespace.id"), ("userId", "user.id")):
            if args.get(arg):
                items = [a for a in items if dig(a, path) == args[arg]]
        return self._page(request, items, "activityLogs", {"user": lambda a: a["user"].get("email")})

    # =====================================================================================
    # clusters, replicas, health, token, settings
    # =====================================================================================

    def _cluster_view(self, cluster: dict) -> dict:
        return public(cluster)

    @route("/organizations/<org>/clusters", "GET")
    def list_clusters(self, request: Request, org: str) -> Any:
        self._access(request, org)
        return [self._cluster_view(c) for c in self.clusters.values() if c["_org"] == org]

    @route("/organizations/<org>/clusters", "POST")
    def create_cluster(self, request: Request, org: str) -> Any:
        user, _ = self._access(request, org)
        body = self._body(request)
        self._required(body, "name", "domain")
        self._string(body, "name", max_len=128)
        self._enum(body, "flavor", ("standard", "hosted"))
        if not isinstance(body["domain"], str) or not DOMAIN_RE.match(body["domain"]):
            self.abort(400, "domain: must be a lowercase DNS label (a-z, 0-9, -)")
        if any(c["domain"] == body["domain"] for c in self.clusters.values()):
            self.abort(409, "domain is already taken")
        extra = {k: body[k] for k in ("manualOverrideIpAddress",) if body.get(k)}
        cluster = self.add_cluster(org, random_id(27), body["name"], body["domain"], **extra)
        if body.get("flavor"):
            cluster["flavor"] = body["flavor"]
        cluster["onboardingStatus"] = "pending"
        self._record(org, user["id"], "create", "namespace", cluster["namespaceId"], {"name": body["name"]},
                     cluster["namespaceId"])
        return self.created({**self._cluster_view(cluster), "refreshToken": self.cluster_tokens[cluster["id"]]})

    @route("/organizations/<org>/clusters/<cluster_id>", "GET")
    def get_cluster(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        return self._cluster_view(self._cluster(org, cluster_id))

    @route("/organizations/<org>/clusters/<cluster_id>", "PUT")
    def update_cluster(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        cluster = self._cluster(org, cluster_id)
        body = self._body(request)
        self._required(body, "name")
        self._string(body, "name", max_len=128)
        self._enum(body, "flavor", ("standard", "hosted"))
        cluster["name"] = body["name"]
        self.namespaces[cluster["namespaceId"]]["name"] = body["name"]
        for key in ("manualOverrideIpAddress", "flavor"):
            if key in body:
                if body[key] in (None, ""):
                    cluster.pop(key, None)
                else:
                    cluster[key] = body[key]
        self._touch(cluster)
        return self._cluster_view(cluster)

    def _drop_cluster(self, cluster_id: str) -> None:
        cluster = self.clusters.pop(cluster_id)
        scope = self._descendants(cluster["namespaceId"])
        for store in (self.policies, self.routes, self.key_pairs):
            store.purge(lambda record: record["namespaceId"] in scope)
        for key in scope:
            self.namespaces.pop(key, None)
        for store in (self.settings, self.replicas, self.health, self.cluster_tokens):
            store.pop(cluster_id, None)
        self.service_accounts.purge(lambda account: account["_cluster"] == cluster_id)
        self.custom_domains.purge(lambda domain: domain["clusterId"] == cluster_id)

    @route("/organizations/<org>/clusters/<cluster_id>", "DELETE")
    def delete_cluster(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        self._drop_cluster(cluster_id)
        return self.no_content()

    def _time_range(self, request: Request) -> tuple[float, float]:
        start, end = request.args.get("startTime"), request.args.get("endTime")
        if not start:
            self.abort(400, "startTime: value is required")
        if not end:
            self.abort(400, "endTime: value is required")
        start_at, end_at = parse_time(start), parse_time(end)
        if start_at is None:
            self.abort(400, "startTime: must be an RFC 3339 date-time")
        if end_at is None:
            self.abort(400, "endTime: must be an RFC 3339 date-time")
        if end_at <= start_at:
            self.abort(400, "endTime must be after startTime")
        return start_at, end_at

    @route("/organizations/<org>/clusters/<cluster_id>/replicas", "GET")
    def list_replicas(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        self._time_range(request)
        return [public(r) for r in self.replicas[cluster_id]]

    @route("/organizations/<org>/clusters/<cluster_id>/health", "GET")
    def get_health(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        return copy.deepcopy(self.health[cluster_id])

    @route("/organizations/<org>/clusters/<cluster_id>/health", "POST")
    def rerun_health(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        self._body(request)
        for check in self.health[cluster_id]:
            check["updatedAt"] = self._now()
        return Response(b"", 200)

    @route("/organizations/<org>/clusters/<cluster_id>/token", "POST")
    def rotate_cluster_token(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        self.cluster_tokens[cluster_id] = random_id(43, "pzc_")
        return {"refreshToken": self.cluster_tokens[cluster_id]}

    def _settings_view(self, cluster_id: str) -> dict:
        return copy.deepcopy(self.settings[cluster_id])

    def _check_settings(self, body: dict) -> None:
        for field in SETTINGS_REQUIRED:
            if field not in body or body[field] is None:
                self.abort(400, f"{field}: value is required")
        for field in ("cookieHttpOnly", "skipXffAppend", "passIdentityHeaders", "autoApplyChangesets"):
            self._bool(body, field)
        for field in SETTINGS_DURATIONS:
            if not isinstance(body[field], str) or not DURATION_RE.match(body[field]):
                self.abort(400, f"{field}: must be a duration like 30s")
        for field, choices in SETTINGS_ENUMS.items():
            self._enum(body, field, choices)
        if body.get("identityProvider") not in (None, "") and body["identityProvider"] not in IDP_TYPES:
            self.abort(400, f"identityProvider: must be one of {', '.join(IDP_TYPES)}")

    @route("/organizations/<org>/clusters/<cluster_id>/settings", "GET")
    def get_settings(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        return self._settings_view(cluster_id)

    @route("/organizations/<org>/clusters/<cluster_id>/settings", "PUT")
    def update_settings(self, request: Request, org: str, cluster_id: str) -> Any:
        user, _ = self._access(request, org)
        cluster = self._cluster(org, cluster_id)
        body = self._body(request)
        self._check_settings(body)
        current = self.settings[cluster_id]
        body = {k: v for k, v in body.items() if k not in STD}
        self.settings[cluster_id] = {**{k: current[k] for k in STD}, **body, "updatedAt": self._now()}
        self._record(org, user["id"], "update", "settings", current["id"], None, cluster["namespaceId"])
        return self._settings_view(cluster_id)

    @route("/organizations/<org>/clusters/<cluster_id>/settings", "PATCH")
    def patch_settings(self, request: Request, org: str, cluster_id: str) -> Any:
        user, _ = self._access(request, org)
        cluster = self._cluster(org, cluster_id)
        operations = self._body(request, list)
        current = self.settings[cluster_id]
        for op in operations:
            if isinstance(op, dict) and op.get("op") not in ("add", "remove", "replace", "copy", "move", "test"):
                self.abort(400, f"op: must be one of add, remove, replace, copy, move, test (got {op.get('op')!r})")
            if isinstance(op, dict) and str(op.get("path", "")).lstrip("/").split("/")[0] in STD:
                self.abort(400, f"path: {op['path']} is read-only")
        try:
            patched = apply_json_patch(current, operations)
        except JsonPatchError as exc:
            self.abort(400, f"invalid JSON patch: {exc}")
        self._check_settings(patched)
        patched["updatedAt"] = self._now()
        self.settings[cluster_id] = patched
        self._record(org, user["id"], "update", "settings", current["id"], None, cluster["namespaceId"])
        return self._settings_view(cluster_id)

    # =====================================================================================
    # metrics
    # =====================================================================================

    def _metric_points(self, request: Request, seed: int, scale: float) -> list[dict]:
        start, end = self._time_range(request)
        step = max(3600.0, (end - start) / 24)
        points, moment, i = [], start, 0
        while moment < end and i < 48:
            points.append({"timestamp": rfc3339(moment), "value": round(scale * (1 + ((seed + i * 7) % 10) / 10), 3)})
            moment += step
            i += 1
        return points

    def _metric_labels(self, request: Request, cluster_id: str) -> dict:
        labels = {"cluster_id": cluster_id}
        for arg, label in (("routeId", "route_id"), ("replicaId", "replica_id")):
            if request.args.get(arg):
                labels[label] = request.args[arg]
        return labels

    def _metric(self, request: Request, org: str, cluster_id: str, metric_id: str, choices: tuple) -> dict:
        self._access(request, org)
        self._cluster(org, cluster_id)
        if metric_id not in choices:
            self.abort(400, f"metricId: must be one of {', '.join(choices)}")
        route_id = request.args.get("routeId")
        if route_id:
            self.routes.find(route_id, self._of(org))
        return self._metric_labels(request, cluster_id)

    @route("/organizations/<org>/clusters/<cluster_id>/distribution/<metric_id>/sum", "GET")
    def distribution_sum(self, request: Request, org: str, cluster_id: str, metric_id: str) -> Any:
        labels = self._metric(request, org, cluster_id, metric_id, DISTRIBUTION_METRICS)
        points = self._metric_points(request, 3, 40)
        count = len(points) * 100
        return [{"labels": labels, "unit": "ms",
                 "distributionValue": {"count": count, "mean": 42.5, "explicitBucketBounds": [10, 50, 100, 500],
                                       "bucketCounts": [count // 4, count // 2, count // 8, count // 16,
                                                        count - count // 4 - count // 2 - count // 8 - count // 16]}}]

    @route("/organizations/<org>/clusters/<cluster_id>/distribution/<metric_id>/timeSeries", "GET")
    def distribution_series(self, request: Request, org: str, cluster_id: str, metric_id: str) -> Any:
        labels = self._metric(request, org, cluster_id, metric_id, DISTRIBUTION_METRICS)
        percentile = request.args.get("percentile")
        if percentile not in (None, "50", "95", "99"):
            self.abort(400, "percentile: must be one of 50, 95, 99")
        scale = {"50": 20, "95": 80, "99": 150}.get(percentile or "50", 20)
        return [{"labels": {**labels, "percentile": percentile or "50"}, "unit": "ms",
                 "points": self._metric_points(request, 5, scale)}]

    @route("/organizations/<org>/clusters/<cluster_id>/timeSeries/<metric_id>", "GET")
    def time_series(self, request: Request, org: str, cluster_id: str, metric_id: str) -> Any:
        labels = self._metric(request, org, cluster_id, metric_id, TIME_SERIES_METRICS)
        unit = "By" if metric_id.endswith("bytes") else "1"
        return [{"labels": labels, "unit": unit, "points": self._metric_points(request, len(metric_id), 100)}]

    @route("/organizations/<org>/clusters/<cluster_id>/timeSeries/<metric_id>/sum", "GET")
    def time_series_sum(self, request: Request, org: str, cluster_id: str, metric_id: str) -> Any:
        labels = self._metric(request, org, cluster_id, metric_id, TIME_SERIES_METRICS)
        points = self._metric_points(request, len(metric_id), 100)
        unit = "By" if metric_id.endswith("bytes") else "1"
        return [{"labels": labels, "unit": unit, "value": round(sum(p["value"] for p in points), 3)}]

    # =====================================================================================
    # service accounts and custom domains
    # =====================================================================================

    def _service_account(self, org: str, cluster_id: str, sa_id: str) -> dict:
        self._cluster(org, cluster_id)
        return self.service_accounts.find(sa_id, lambda account: account["_cluster"] == cluster_id)

    @route("/organizations/<org>/clusters/<cluster_id>/serviceAccounts", "GET")
    def list_service_accounts(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        items = [public(s) for s in self.service_accounts.values() if s["_cluster"] == cluster_id]
        return self._page(request, items, "serviceAccounts")

    @route("/organizations/<org>/clusters/<cluster_id>/serviceAccounts", "POST")
    def create_service_account(self, request: Request, org: str, cluster_id: str) -> Any:
        user, _ = self._access(request, org)
        cluster = self._cluster(org, cluster_id)
        body = self._body(request)
        self._required(body, "description", "userId")
        self._string(body, "description")
        self._string(body, "userId")
        if body.get("expiresAt") is not None:
            expires = parse_time(body["expiresAt"]) if isinstance(body["expiresAt"], str) else None
            if expires is None:
                self.abort(400, "expiresAt: must be an RFC 3339 date-time")
            if expires <= self.clock():
                self.abort(400, "expiresAt: must be in the future")
        record = self._insert(self.service_accounts, description=body["description"], userId=body["userId"],
                              _cluster=cluster_id)
        if body.get("expiresAt"):
            record["expiresAt"] = body["expiresAt"]
        self.sa_tokens[record["id"]] = random_id(64, "eyJ")
        self._record(org, user["id"], "create", "service_account", record["id"], {"name": body["description"]},
                     cluster["namespaceId"])
        return self.created({**public(record), "token": self.sa_tokens[record["id"]]})

    @route("/organizations/<org>/clusters/<cluster_id>/serviceAccounts/<sa_id>", "GET")
    def get_service_account(self, request: Request, org: str, cluster_id: str, sa_id: str) -> Any:
        self._access(request, org)
        return public(self._service_account(org, cluster_id, sa_id))

    @route("/organizations/<org>/clusters/<cluster_id>/serviceAccounts/<sa_id>", "PATCH")
    def patch_service_account(self, request: Request, org: str, cluster_id: str, sa_id: str) -> Any:
        user, _ = self._access(request, org)
        record = self._service_account(org, cluster_id, sa_id)
        patched = self._patched(request, record)
        self._required(patched, "description", "userId")
        self._string(patched, "description")
        self._string(patched, "userId")
        if patched.get("expiresAt") is not None:
            expires = parse_time(patched["expiresAt"]) if isinstance(patched["expiresAt"], str) else None
            if expires is None:
                self.abort(400, "expiresAt: must be an RFC 3339 date-time")
        unknown = sorted(set(patched) - {"description", "userId", "expiresAt", "originatorId"})
        if unknown:
            self.abort(400, f"{unknown[0]}: unknown field")
        record.pop("expiresAt", None)
        record.update({k: v for k, v in patched.items() if v is not None})
        self._touch(record)
        self._record(org, user["id"], "update", "service_account", sa_id, {"name": record["description"]},
                     self.clusters[cluster_id]["namespaceId"])
        return public(record)

    @route("/organizations/<org>/clusters/<cluster_id>/serviceAccounts/<sa_id>", "DELETE")
    def delete_service_account(self, request: Request, org: str, cluster_id: str, sa_id: str) -> Any:
        self._access(request, org)
        self._service_account(org, cluster_id, sa_id)
        del self.service_accounts[sa_id]
        self.sa_tokens.pop(sa_id, None)
        return self.no_content()

    @route("/organizations/<org>/clusters/<cluster_id>/serviceAccounts/<sa_id>/token", "GET")
    def service_account_token(self, request: Request, org: str, cluster_id: str, sa_id: str) -> Any:
        self._access(request, org, write=True)  # hands out a credential: admins only
        self._service_account(org, cluster_id, sa_id)
        return {"token": self.sa_tokens[sa_id]}

    @route("/organizations/<org>/customDomains", "GET")
    def list_custom_domains(self, request: Request, org: str) -> Any:
        self._access(request, org)
        cluster_id = request.args.get("clusterId")
        if not cluster_id:
            self.abort(400, "clusterId: value is required")
        self._cluster(org, cluster_id)
        return [public(d) for d in self.custom_domains.values() if d["_org"] == org and d["clusterId"] == cluster_id]

    @route("/organizations/<org>/customDomains", "POST")
    def add_custom_domain(self, request: Request, org: str) -> Any:
        user, _ = self._access(request, org)
        body = self._body(request)
        self._required(body, "clusterId", "domainName")
        cluster = self._cluster(org, body["clusterId"])
        name = body["domainName"]
        if not isinstance(name, str) or not re.match(r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$", name.lower()):
            self.abort(400, "domainName: must be a DNS name")
        if any(d["domainName"] == name.lower() for d in self.custom_domains.values()):
            self.abort(409, "domain name is already in use")
        record = self._insert(self.custom_domains, clusterId=cluster["id"], domainName=name.lower(), _org=org)
        self._record(org, user["id"], "create", "custom_domain", record["id"], {"name": record["domainName"]},
                     cluster["namespaceId"])
        return self.created(public(record))

    @route("/organizations/<org>/customDomains/<domain_id>", "DELETE")
    def delete_custom_domain(self, request: Request, org: str, domain_id: str) -> Any:
        self._access(request, org)
        self.custom_domains.delete(domain_id, self._of(org))
        return self.no_content()

    # =====================================================================================
    # templates, billing, onboarding, identity provider check
    # =====================================================================================

    @route("/defaultTemplates/<record_type>", "GET")
    def list_templates(self, request: Request, record_type: str) -> Any:
        self._user(request)
        templates = {
            "route": [("tplRouteWeb", "Web application", {"allowWebsockets": True, "preserveHostHeader": False}),
                      ("tplRouteTcp", "TCP service", {"from": "tcp+https://db.example.com:5432"})],
            "policy": [("tplPolicyDomain", "Allow a domain", {"ppl": {"allow": {"and": [{"domain": {"is": "example.com"}}]}}}),
                       ("tplPolicyMfa", "Require MFA", {"enforced": True})],
            "settings": [("tplSettingsDefault", "Defaults", {"logLevel": "info", "timeoutRead": "30s"})],
        }
        if record_type not in templates:
            self.abort(400, "recordType: must be one of route, settings, policy")
        stamp = "2026-01-01T00:00:00Z"
        return [{"id": tid, "createdAt": stamp, "updatedAt": stamp, "recordType": record_type, "name": name,
                 "defaultProperties": props} for tid, name, props in templates[record_type]]

    @route("/organizations/<org>/billing/subscription", "GET")
    def subscription(self, request: Request, org: str) -> Any:
        self._access(request, org)
        return dict(self.subscriptions[org])

    @route("/organizations/<org>/billing/createBillingPortalSession", "POST")
    def billing_portal(self, request: Request, org: str) -> Any:
        self._access(request, org)
        body = self._body(request)
        if "deepLink" not in body:
            self.abort(400, "deepLink: value is required")
        self._enum(body, "deepLink", ("", "payment_method"))
        self._required(body, "returnUrl")
        self._url(body["returnUrl"], "returnUrl")
        return {"url": f"https://billing.stripe.com/p/session/test_{random_id(24)}"}

    @route("/organizations/<org>/billing/createCheckoutSession", "POST")
    def checkout(self, request: Request, org: str) -> Any:
        self._access(request, org)
        body = self._body(request)
        self._required(body, "cancelUrl", "successUrl")
        self._url(body["cancelUrl"], "cancelUrl")
        self._url(body["successUrl"], "successUrl")
        session = f"cs_test_{random_id(24)}"
        self.checkout_sessions.add(session)
        return {"url": f"https://checkout.stripe.com/c/pay/{session}"}

    @route("/organizations/<org>/billing/completeCheckoutSession", "POST")
    def complete_checkout(self, request: Request, org: str) -> Any:
        self._access(request, org)
        body = self._body(request)
        self._required(body, "checkoutSessionId")
        session = body["checkoutSessionId"]
        if not isinstance(session, str) or not session.startswith("cs_"):
            self.abort(400, "checkoutSessionId: not a checkout session")
        self.checkout_sessions.discard(session)
        self.subscriptions[org].update(hasCustomerId=True, status="active")
        return Response(b"", 200)

    @route("/onboarding/start", "POST")
    def onboarding_start(self, request: Request) -> Any:
        user = self._user(request)
        body = self._body(request)
        self._required(body, "system", "timezone")
        org_id = random_id(27)
        self.add_org(org_id, f"{user.get('displayName') or user['email']}'s organization", user["id"], "personal")
        self.add_member(org_id, user["id"], "owner")
        cluster = self.add_cluster(org_id, random_id(27), "default", f"onboarding-{random_id(6).lower()}")
        self.onboarded.add(user["id"])
        return {"organizationId": org_id, "clusterId": cluster["id"], "clusterToken": self.cluster_tokens[cluster["id"]]}

    @route("/onboarding/configure", "POST")
    def onboarding_configure(self, request: Request) -> Any:
        self._user(request)
        body = self._body(request)
        self._required(body, "system", "timezone")
        if body.get("port") not in (None, "") and not (str(body["port"]).isdigit() and 0 < int(body["port"]) < 65536):
            self.abort(400, "port: must be a TCP port")
        return {}

    @route("/checkIdentityProviderSettings", "POST")
    def check_idp(self, request: Request) -> Any:
        self._user(request)
        body = self._body(request)
        self._required(body, "provider")
        self._enum(body, "provider", IDP_TYPES)
        errors = {}
        if not body.get("clientId"):
            errors["clientId"] = "client ID is required"
        if not body.get("clientSecret"):
            errors["clientSecret"] = "client secret is required"
        if body["provider"] in ("oidc", "okta", "auth0", "onelogin", "cognito", "ping") and not body.get("url"):
            errors["url"] = f"a provider URL is required for {body['provider']}"
        elif body.get("url"):
            if not re.match(r"^https://[^/\s]+", str(body["url"])):
                errors["url"] = "the provider URL must be https"
        if body.get("requestParams") is not None and not isinstance(body["requestParams"], dict):
            self.abort(400, "requestParams: must be an object of strings")
        return {"success": not errors, **({"errors": errors} if errors else {})}

    @route("/onboarding/complete", "POST")
    def onboarding_complete(self, request: Request) -> Any:
        user = self._user(request)
        user["needsOnboarding"] = False
        self.onboarded.add(user["id"])
        return self.no_content()

    # =====================================================================================
    # version, logs, ping, domains, invitations, leaving, flags, billing, notifications
    # =====================================================================================

    @route("/version", "GET")
    def get_version(self, request: Request) -> Any:
        return {"version": "v0.30.0"}

    @route("/organizations/<org>/clusters/<cluster_id>/logs", "GET")
    def cluster_logs(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org)
        self._cluster(org, cluster_id)
        start, end = self._time_range(request)
        route_id = request.args.get("routeId")
        if route_id:
            self.routes.find(route_id, self._of(org))
        return [copy.deepcopy(e) for e in self.logs[cluster_id]
                if start <= (parse_time(e["timestamp"]) or 0) < end
                and (not route_id or e["labels"].get("route_id") == route_id)]

    @route("/organizations/<org>/clusters/<cluster_id>/ping", "POST")
    def ping_cluster(self, request: Request, org: str, cluster_id: str) -> Any:
        self._access(request, org, write=False)
        cluster = self._cluster(org, cluster_id)
        if cluster.get("onboardingStatus") == "pending":
            return {"success": False, "errorCode": "err_cluster_ping_no_identity",
                    "errorMessage": "the cluster does not have an identity key yet"}
        return {"success": True}

    @route("/organizations/<org>/customDomains/<domain_id>/retry", "POST")
    def retry_custom_domain(self, request: Request, org: str, domain_id: str) -> Any:
        self._access(request, org)
        record = self.custom_domains.find(domain_id, self._of(org))
        record.pop("lastError", None)
        self._touch(record)
        return self.no_content()

    def _user_invitation(self, request: Request, invitation_id: str) -> tuple[dict, dict]:
        user = self._user(request)
        invitation = self.user_invitations.get(invitation_id)
        if invitation is None or invitation["_user"] != user["id"] or invitation["_org"] not in self.orgs:
            self.abort(404, "invitation not found")
        return user, invitation

    @route("/user/invitations/<invitation_id>/accept", "POST")
    def accept_invitation(self, request: Request, invitation_id: str) -> Any:
        user, invitation = self._user_invitation(request, invitation_id)
        self.add_member(invitation["_org"], user["id"], invitation["organizationRole"])
        del self.user_invitations[invitation_id]
        return self.no_content()

    @route("/user/invitations/<invitation_id>/reject", "POST")
    def reject_invitation(self, request: Request, invitation_id: str) -> Any:
        self._user_invitation(request, invitation_id)
        del self.user_invitations[invitation_id]
        return self.no_content()

    @route("/organizations/<org>/leave", "POST")
    def leave_org(self, request: Request, org: str) -> Any:
        user, _ = self._access(request, org, write=False)
        if self.orgs[org]["ownerUserId"] == user["id"]:
            self.abort(400, "the owner cannot leave the organization: transfer ownership first")
        del self.members[org][user["id"]]
        return self.no_content()

    @route("/organizations/<org>/featureFlags", "GET")
    def list_feature_flags(self, request: Request, org: str) -> Any:
        self._access(request, org)
        return [{"name": name, "enabled": enabled} for name, enabled in sorted(self.feature_flags[org].items())]

    @route("/organizations/<org>/billing/invoices", "GET")
    def invoices(self, request: Request, org: str) -> Any:
        self._access(request, org)
        return copy.deepcopy(self.billing[org]["invoices"])

    @route("/organizations/<org>/billing/paymentInformation", "GET")
    def payment_information(self, request: Request, org: str) -> Any:
        self._access(request, org)
        billing = self.billing[org]
        out: dict[str, Any] = {}
        if billing.get("email"):
            out["billingEmail"] = billing["email"]
        if billing.get("card"):
            out["paymentMethod"] = "card"
            out["card"] = dict(billing["card"])
        return out

    @route("/organizations/<org>/billing/usage", "GET")
    def billing_usage(self, request: Request, org: str) -> Any:
        self._access(request, org)
        roles = [m["role"] for m in self.members[org].values()]
        count = {role: roles.count(role) for role in ROLES}
        return {"owners": count["owner"], "admins": count["admin"], "auditors": count["auditor"],
                "members": count["member"], "users": len(roles), "time": self._now()}

    @route("/organizations/<org>/billing/customer", "PUT")
    def update_customer(self, request: Request, org: str) -> Any:
        self._access(request, org)
        body = self._body(request)
        self._required(body, "email")
        if not isinstance(body["email"], str) or not EMAIL_RE.match(body["email"]):
            self.abort(400, "email: must be an email address")
        self.billing[org]["email"] = body["email"]
        return self.no_content()

    @route("/generateSubdomainName", "GET")
    def generate_subdomain(self, request: Request) -> Any:
        self._user(request)
        adjectives, animals = ("calm", "brave", "clever", "happy", "shiny"), ("otter", "lynx", "heron", "fox", "badger")
        taken = {c["domain"] for c in self.clusters.values()}
        for _ in range(50):
            self._seq += 1
            name = f"{adjectives[self._seq % 5]}-{animals[(self._seq // 5) % 5]}-{1000 + (self._seq * 7919) % 9000}"
            if name not in taken:
                return {"name": name}
        self.abort(500, "could not generate a free subdomain name")

    @route("/notifications/authorize", "POST")
    def authorize_notifications(self, request: Request) -> Any:
        user = self._user(request)
        if request.mimetype != "application/x-www-form-urlencoded":
            self.abort(400, "request body must be application/x-www-form-urlencoded")
        channel, socket = request.form.get("channel_name", ""), request.form.get("socket_id", "")
        if not channel:
            self.abort(400, "channel_name: value is required")
        if not re.match(r"^\d+\.\d+$", socket):
            self.abort(400, "socket_id: must look like 1234.5678")
        orgs = [o for o in self.orgs if user["id"] in self.members[o]]
        if not any(channel in (f"private-org-{o}", f"private-user-{user['id']}") for o in orgs) \
                and channel != f"private-user-{user['id']}":
            self.abort(403, "not allowed to subscribe to this channel")
        import hashlib
        import hmac

        signature = hmac.new(b"sandbox-notifications", f"{socket}:{channel}".encode(), hashlib.sha256).hexdigest()
        return {"auth": f"pzn_sandbox:{signature}"}


def _sort_key(value: Any) -> tuple:
    if value is None:
        return (0, "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (1, value)
    return (2, str(value).lower())


def _host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and host.count(".") == pattern.count(".")
    return pattern == host


def _matches(actual: Any, operator: str, expected: Any) -> bool:
    text = "" if actual is None else (json.dumps(actual) if isinstance(actual, bool) else str(actual))
    wanted = "" if expected is None else (json.dumps(expected) if isinstance(expected, bool) else str(expected))
    low, want = text.lower(), wanted.lower()
    if operator in ("=", "equals", "is"):
        return low == want
    if operator in ("!=", "doesNotEqual", "not"):
        return low != want
    if operator == "contains":
        return want in low
    if operator == "doesNotContain":
        return want not in low
    if operator == "startsWith":
        return low.startswith(want)
    if operator == "endsWith":
        return low.endswith(want)
    if operator == "isAnyOf":
        options = expected if isinstance(expected, list) else [expected]
        return low in {str(o).lower() for o in options}
    if operator == "isEmpty":
        return text == ""
    if operator == "isNotEmpty":
        return text != ""
    left, right = parse_time(text), parse_time(wanted)
    if left is None or right is None:
        try:
            left, right = float(text), float(wanted)
        except ValueError:
            left, right = text, wanted  # type: ignore[assignment]
    compare = {"<": lambda a, b: a < b, "before": lambda a, b: a < b, "<=": lambda a, b: a <= b,
               "onOrBefore": lambda a, b: a <= b, ">": lambda a, b: a > b, "after": lambda a, b: a > b,
               ">=": lambda a, b: a >= b, "onOrAfter": lambda a, b: a >= b}[operator]
    return bool(compare(left, right))
