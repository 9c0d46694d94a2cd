"""API7 Enterprise Admin API emulator (shared/api/api7-enterprise.md, spec shared/specs/api7.openapi.json).

Vendor facts it follows: `X-API-KEY` tokens or Basic auth of a dashboard user (401
otherwise); `{"value", "key", "warning_msg"}` and `{"list", "total"}` envelopes;
`{"error_msg"}` errors with status 400 (the only error the vendor documents), 404 for
unknown objects and paths, 401 for credentials; page/page_size paging (page from 1, small
default page size here so paging is real), `search`, `labels[k]=v`, `order_by`,
`direction`; gateway groups scope consumers, SSLs, global rules, plugin metadata and
secrets through `gateway_group_id`; design-time services/routes are published to a
gateway group (`POST /api/services/publish`), which creates a service version there with
a runtime configuration per group; unpublish deletes the published copy.

Every request whose operation the vendor spec covers is validated against it (body
schema, required/enum/integer query parameters) before the handler runs: invalid ones
get 400 `{"error_msg": ...}`.

Version drift (§1.4, §4): `version="3.2.11.5"` (default) serves tokens at
/api/settings/tokens and design-time services/routes at /apisix/admin/{services,routes};
from 3.2.13 (the 3.2.13.0 release notes) templates are at /api/{services,routes}/template,
while /apisix/admin/{services,routes} list the published objects of a gateway group;
`version="3.2.14.3"` also serves tokens at /api/tokens.

The administration side (identity, RBAC, audit logs, users, roles, login options, alerts,
settings, SCIM, custom plugins, API products, Prometheus proxy, SSO and data-plane
endpoints) lives in api7_admin.py (`Api7AdminMixin`).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from werkzeug.wrappers import Request, Response

from . import api7_spec, paging
from .api7_admin import (  # noqa: F401 - re-exported for tests
    ALERT_POLICY_5XX, API_PRODUCT_PETS, CUSTOM_PLUGIN_HELLO, LOGIN_OPTION_BUILTIN, LOGIN_OPTION_LDAP, LOGIN_OPTION_OIDC,
    LOGIN_OPTION_SAML, ROLE_GG_OPERATOR, ROLE_SUPER, ROLE_VIEWER, WEBHOOK_SLACK, WEBHOOK_SPARE, Api7AdminMixin,
)
from .api7_base import (  # noqa: F401 - re-exported for tests
    ADMIN_PASSWORD, ADMIN_USER, GG_DEFAULT, PLUGINS, USER_ADMIN, USER_OPS, Api7Base, new_id, public,
)
from .base import random_id, route

PROMETHEUS_PREFIX = "/api/control_plane/prometheus"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 500

GG_STAGING = "3c1f7b0e-5a2d-4e8b-9f61-2d7a4c9e8b10"
SVC_HTTPBIN = "5d3e6a7b-1c2d-4e5f-8a9b-0c1d2e3f4a01"
SVC_PETSTORE = "5d3e6a7b-1c2d-4e5f-8a9b-0c1d2e3f4a02"
ROUTE_IP = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c01"
ROUTE_ANYTHING = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c02"
ROUTE_PETS = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c03"
SV_HTTPBIN_1 = "9b8a7c6d-5e4f-4d3c-8b2a-1f0e9d8c7b01"
RV_IP_1 = "8c7d6e5f-4a3b-4c2d-9e1f-0a9b8c7d6e01"
CONSUMER_ALICE = "c0a1b2c3-d4e5-4f60-8172-839405a6b701"
CONSUMER_BOB = "c0a1b2c3-d4e5-4f60-8172-839405a6b702"
SSL_EXAMPLE = "e5f6a7b8-c9d0-4e1f-8a2b-3c4d5e6f7a01"
GLOBAL_RULE = "f1e2d3c4-b5a6-4978-8695-a4b3c2d1e001"
REGISTRY_NACOS = "a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c01"
REGISTRY_K8S = "a9b8c7d6-e5f4-4a3b-8c2d-1e0f9a8b7c02"
TOKEN_SANDBOX = "d7c6b5a4-9382-4716-8a5b-4c3d2e1f0a01"
TOKEN_CI = "d7c6b5a4-9382-4716-8a5b-4c3d2e1f0a02"
SANDBOX_API_KEY = "a7ee-S4ndb0xK3yF0rGwctlD3m0nstrat10nOnly0000"
CI_API_KEY = "a7ee-C1D3pl0yK3yN0tF0rPr0duct10nUs3000000000"

METADATA_PLUGINS = ("http-logger", "syslog", "prometheus")
METADATA_DEFAULTS = {
    "http-logger": {"log_format": {"host": "$host", "@timestamp": "$time_iso8601", "client_ip": "$remote_addr"}},
    "syslog": {"log_format": {"host": "$host", "client_ip": "$remote_addr"}},
    "prometheus": {"prefer_name": False},
}
VARIABLES = ("arg_", "cookie_", "http_", "host", "remote_addr", "request_method", "request_uri", "scheme",
             "server_port", "upstream_addr", "uri")
PEM_CERT = "-----BEGIN CERTIFICATE-----\n" + ("MIIBszCCAVmgAwIBAgIUSandboxCertificate" * 5) + "\n-----END CERTIFICATE-----\n"
PEM_KEY = "-----BEGIN PRIVATE KEY-----\n" + ("MIGHAgEAMBMGByqGSM49AgEGCCqGSM49SandboxKey" * 4) + "\n-----END PRIVATE KEY-----\n"
LABEL_TYPES = {"gateway_group": "gateway_groups", "consumer": "consumers", "ssl": "ssls", "service": "services",
               "route": "routes"}
# 3.2.13+ paths that are validated with the schema of their 3.2.11 twin.
SPEC_ALIASES = (("/api/services/template", "/apisix/admin/services"), ("/api/routes/template", "/apisix/admin/routes"),
                ("/api/tokens", "/api/settings/tokens"))


class Api7Emulator(Api7AdminMixin, Api7Base):
    product = "api7"

    # `gwctl sandbox start --api7-version`: the release each short version stands for.
    RELEASES = {"3.2.11": "3.2.11.5", "3.2.13": "3.2.13.0", "3.2.14": "3.2.14.3", "3.9": "3.9.3"}

    def __init__(self, *, version: str = "3.2.11.5", **kwargs: Any) -> None:
        self.version = self.RELEASES.get(version, version)
        super().__init__(**kwargs)

    def version_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.version.split(".") if p.isdigit())

    def since(self, request: Request, first: str, message: str | None = None) -> None:
        """404 (as for any unknown path) when this server's version predates ``first``."""
        if self.version_tuple() < tuple(int(p) for p in first.split(".")):
            if message:
                self.abort(400, message)
            self.abort(404, "404 page not found")

    @property
    def family(self) -> str:
        """The release whose paths this version serves: 3.2.11, 3.2.13 (templates moved) or 3.2.14 (tokens too)."""
        key = self.version_tuple()[:3]
        if len(key) < 3:
            return "3.2.14"
        return "3.2.14" if key >= (3, 2, 14) else "3.2.13" if key >= (3, 2, 13) else "3.2.11"

    # -- state ------------------------------------------------------------------------

    def clear_state(self) -> None:
        self.gateway_groups = self.records("gateway group {key} not found", new_id)
        self.services = self.store("service")
        self.routes = self.store("route")
        self.service_versions = self.store("service version")  # id -> {..., "_routes": [route versions]}
        self.published = self.store("published service")  # (gg, service_id) -> published service
        self.runtime: dict[tuple[str, str], dict] = {}  # (gg, service_id) -> runtime configuration
        self.history: dict[tuple[str, str], list[str]] = {}  # (gg, service_id) -> service version ids
        self.consumers = self.store("consumer")
        self.ssls = self.store("ssl")
        self.global_rules = self.store("global rule")
        self.plugin_metadata = self.records(lambda key: f"plugin metadata of {key[1]} not found")  # (gg, plugin)
        self.secrets = self.store("secret")  # (gg, manager, id)
        self.registries = self.store("service registry")
        self.instances = self.store("gateway instance")
        self.tokens = self.store("token")  # id -> {..., "_secret"}
        self.license: dict = {}
        self.instance_tokens: list[dict] = []
        self.dp_certificates: list[dict] = []
        self._tick = 0
        self.clear_admin_state()

    def seed(self) -> None:
        t = int(self.clock()) - 86400
        self.seed_admin(t)
        # The CI token expires in twelve days (something for `gwctl expiring` to find); the sandbox's never.
        for token_id, name, secret, expires in ((TOKEN_SANDBOX, "sandbox", SANDBOX_API_KEY, 0),
                                                (TOKEN_CI, "ci-deploy", CI_API_KEY, t + 13 * 86400)):
            self.tokens[token_id] = {"id": token_id, "name": name, "created_at": t, "updated_at": t, "expires_at": expires,
                                     "user_id": USER_ADMIN, "user_name": ADMIN_USER, "last_used_at": 0,
                                     "_secret": secret}
        for gg_id, name, desc, labels in ((GG_DEFAULT, "default", "Default gateway group", {"env": "prod"}),
                                          (GG_STAGING, "staging", "Staging gateways", {"env": "staging"})):
            self.gateway_groups[gg_id] = self._new_gg(gg_id, name, desc, labels, t)
        if self.empty:
            return
        self.services[SVC_HTTPBIN] = {
            "id": SVC_HTTPBIN, "name": "httpbin", "desc": "httpbin demo service", "labels": {"team": "demo"},
            "hosts": ["httpbin.example.com"], "path_prefix": "/httpbin", "strip_path_prefix": True, "plugins": {},
            "upstream": {"name": "default", "scheme": "http", "type": "roundrobin", "pass_host": "pass",
                         "nodes": [{"host": "httpbin.org", "port": 80, "weight": 100, "priority": 0}]},
            "created_at": t, "updated_at": t + 1}
        self.services[SVC_PETSTORE] = {
            "id": SVC_PETSTORE, "name": "petstore", "desc": "Swagger petstore", "labels": {"team": "pets"},
            "path_prefix": "/petstore", "strip_path_prefix": True, "plugins": {"cors": {}},
            "upstream": {"name": "default", "scheme": "https", "type": "roundrobin", "pass_host": "node",
                         "nodes": [{"host": "petstore.swagger.io", "port": 443, "weight": 100, "priority": 0}]},
            "created_at": t, "updated_at": t + 2}
        for rid, name, svc, paths, methods in ((ROUTE_IP, "get-ip", SVC_HTTPBIN, ["/ip"], ["GET"]),
                                               (ROUTE_ANYTHING, "anything", SVC_HTTPBIN, ["/anything"], []),
                                               (ROUTE_PETS, "list-pets", SVC_PETSTORE, ["/pets"], ["GET"])):
            self.routes[rid] = {"id": rid, "name": name, "desc": "", "labels": {}, "methods": methods, "paths": paths,
                                "plugins": {}, "enable_websocket": False, "service_id": svc, "created_at": t,
                                "updated_at": t + 1}
        self._publish_one(GG_DEFAULT, {"service_id": SVC_HTTPBIN, "version": "1.0.0",
                                       "upstream": copy.deepcopy(self.services[SVC_HTTPBIN]["upstream"])},
                          True, version_id=SV_HTTPBIN_1, route_version_ids={ROUTE_IP: RV_IP_1})
        self.consumers[CONSUMER_ALICE] = {"id": CONSUMER_ALICE, "username": "alice", "desc": "Alice's app",
                                          "labels": {"team": "demo"}, "plugins": {"key-auth": {"key": "alice-key-0001"}},
                                          "gateway_group_id": GG_DEFAULT, "created_at": t, "updated_at": t + 1}
        self.consumers[CONSUMER_BOB] = {"id": CONSUMER_BOB, "username": "bob", "desc": "", "labels": {},
                                        "plugins": {"basic-auth": {"username": "bob", "password": "bob-password"}},
                                        "gateway_group_id": GG_DEFAULT, "created_at": t, "updated_at": t + 2}
        self.ssls[SSL_EXAMPLE] = {"id": SSL_EXAMPLE, "snis": ["*.example.com", "example.com"], "cert": PEM_CERT,
                                  "_key": PEM_KEY, "type": "server", "labels": {}, "status": 0,
                                  "gateway_group_id": GG_DEFAULT, "validity_start": t, "validity_end": t + 365 * 86400,
                                  "exptime": t + 365 * 86400, "created_at": t, "updated_at": t}
        self.global_rules[GLOBAL_RULE] = {"id": GLOBAL_RULE, "plugins": {"prometheus": {}},
                                          "gateway_group_id": GG_DEFAULT, "created_at": t, "updated_at": t}
        self.plugin_metadata[(GG_DEFAULT, "http-logger")] = {
            "id": "http-logger", "log_format": {"host": "$host", "client_ip": "$remote_addr"}}
        self.secrets[(GG_DEFAULT, "vault", "prod-vault")] = {
            "id": "vault/prod-vault", "uri": "https://vault.example.com:8200", "prefix": "kv/apisix",
            "token": "hvs.sandbox-vault-token", "gateway_group_id": GG_DEFAULT, "created_at": t, "updated_at": t}
        self.registries[REGISTRY_NACOS] = {
            "id": REGISTRY_NACOS, "name": "nacos-prod", "description": "Nacos cluster", "type": "nacos",
            "nacos_config": {"hosts": ["http://nacos.example.com:8848"], "prefix": "/nacos/v1"},
            "health_check": {"probe_interval": 15, "probe_timeout": 5}, "status": "healthy",
            "gateway_group_id": GG_DEFAULT, "last_connect_time": t, "created_at": t, "updated_at": t}
        self.registries[REGISTRY_K8S] = {
            "id": REGISTRY_K8S, "name": "k8s-prod", "description": "Kubernetes", "type": "kubernetes",
            "kubernetes_config": {"service": {"schema": "https", "host": "10.0.0.1", "port": "6443"},
                                  "client": {"token_file": "/var/run/secrets/token"}},
            "health_check": {"probe_interval": 15, "probe_timeout": 5}, "status": "healthy",
            "gateway_group_id": GG_DEFAULT, "last_connect_time": t, "created_at": t, "updated_at": t}
        for i, status in enumerate(("Healthy", "Healthy", "OutOfSync", "Offline"), start=1):
            iid = f"inst-{i:04d}"
            self.instances[iid] = {"id": iid, "hostname": f"gw-{i}.example.internal", "ip": f"10.0.1.{i}",
                                   "gateway_group_id": GG_DEFAULT, "version": "3.2.11.5", "ports": [9080, 9443],
                                   "last_heartbeat_time": t + i, "created_at": t, "status": status, "cores": 2}
        self.license = {"customer": "Sandbox Inc.", "effective_at": t, "expired_at": t + 365 * 86400,
                        "max_dp_cores": 16, "status": "normal",
                        "runtime": {"status": "normal", "max_dp_cores": 16}}

    def _new_gg(self, gg_id: str, name: str, description: str | None, labels: dict | None, t: int) -> dict:
        return {"id": gg_id, "name": name, "description": description or "", "labels": labels or {},
                "created_at": t, "updated_at": t,
                "config": {"group_type": "API7EE_GATEWAY_3.2", "control_plane_key_prefix": f"/gateway_groups/{name}",
                           "image_tag": "3.2.11.5"}}

    # -- sandbox profile ----------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        return {"api_key": SANDBOX_API_KEY}

    def profile_options(self, server_url: str = "") -> dict[str, Any]:
        return {"gateway_group": "default"}

    def fixtures(self) -> list[str]:
        users = ", ".join(sorted(u["username"] for u in self.users.values()))
        version = f"API7 Enterprise {self.version}"
        if self.version_tuple() < (3, 6):
            version += " (API products, plugin catalogs, IAM references: start the sandbox with --api7-version 3.9)"
        return [version, "gateway groups: default, staging; services: httpbin (published in default), petstore",
                f"dashboard users: {users}",
                "publish a service: gwctl -p sandbox-api7 api7 services publish petstore --gateway-group default"]

    def example_values(self) -> dict[str, str]:
        import tempfile
        from pathlib import Path

        import os

        folder = Path(tempfile.gettempdir()) / f"gwctl-api7-examples-{os.getpid()}"  # one per process: no races
        folder.mkdir(exist_ok=True)
        files = {
            "cert_file": PEM_CERT, "key_file": PEM_KEY, "license_file": "A7LIC-Sandbox-Renewal-0001\n",
            "openapi_file": json.dumps({"openapi": "3.0.0", "info": {"title": "Echo", "version": "1.0.0"},
                                        "paths": {"/echo": {"get": {"operationId": "echo"}}}}),
            "metadata_file": json.dumps({"log_format": {"host": "$host"}}),
            "registry_file": json.dumps({"name": "nacos-dev", "type": "nacos",
                                         "nacos_config": {"hosts": ["http://nacos-dev.example.com:8848"]}}),
            "runtime_file": json.dumps({"status": 0}),
            "secret_file": json.dumps({"uri": "https://vault-dev.example.com:8200", "prefix": "kv/dev",
                                       "token": "hvs.sandbox-dev-token"}),
            "plugin_file": ('local _M = {version = 0.1, priority = 900, name = "sandbox-echo"}\n'
                            "function _M.access(conf, ctx) end\nreturn _M\n"),
            "login_option_file": json.dumps({
                "name": "keycloak", "provider_type": "oidc",
                "oidc_config": {"client_id": "api7", "client_secret": "keycloak-client-s3cret",
                                "issuer": "https://keycloak.example.com/realms/ops", "request_scopes": ["openid"],
                                "root_url": "https://dashboard.example.com:7443"}}),
            "ldap_option_file": json.dumps({
                "name": "corp-ldap", "provider_type": "ldap",
                "ldap_config": {"host": "ldap2.example.com", "port": "636", "base_dn": "dc=example,dc=com",
                                "bind_dn": "cn=api7,dc=example,dc=com", "bind_password": "ldap-bind-s3cret-2",
                                "identifier": "uid"}}),
            "triggers_file": json.dumps({"trigger_logical_operator": "Any", "trigger_conditions": [
                {"event": "gateway_instance_offline", "operator": "larger_equal", "value": 1, "value_unit": "minute"}]}),
            "template_file": '{"text": "{{ .AlertPolicyName }} fired"}',
            "heartbeat_file": json.dumps({"instance_id": "inst-0001", "hostname": "gw-1.example.internal",
                                          "ip": "10.0.1.1", "version": "3.2.11.5", "ports": [9080, 9443],
                                          "conf_server_revision": "42", "cores": 2}),
        }
        values = {}
        for key, text in files.items():
            path = folder / key.replace("_file", ".txt")
            path.write_text(text)
            values[key] = str(path)
        values.update({
            "gateway_group_id": GG_DEFAULT, "gateway_group": "default", "staging_group_id": GG_STAGING,
            "service_id": SVC_HTTPBIN, "unpublished_service_id": SVC_PETSTORE, "route_id": ROUTE_IP,
            "consumer_id": CONSUMER_ALICE, "ssl_id": SSL_EXAMPLE, "global_rule_id": GLOBAL_RULE,
            "service_version_id": SV_HTTPBIN_1, "route_version_id": RV_IP_1, "version": "1.0.0",
            "registry_id": REGISTRY_NACOS, "k8s_registry_id": REGISTRY_K8S, "token_id": TOKEN_CI,
            "nacos_namespace": "public", "nacos_group": "DEFAULT_GROUP", "nacos_service": "orders",
            "user_id": USER_OPS, "role_id": ROLE_GG_OPERATOR, "login_option_id": LOGIN_OPTION_LDAP,
            "oidc_option_id": LOGIN_OPTION_OIDC, "saml_option_id": LOGIN_OPTION_SAML, "ldap_option_id": LOGIN_OPTION_LDAP,
            "alert_policy_id": ALERT_POLICY_5XX, "webhook_template_id": WEBHOOK_SLACK, "spare_template_id": WEBHOOK_SPARE,
            "custom_plugin_id": CUSTOM_PLUGIN_HELLO, "api_product_id": API_PRODUCT_PETS,
            "policy_id": "pp-gateway-admin", "portal_id": "portal-default", "portal": "developers",
            # passwords read by --password-stdin examples: line 1 is the admin's (login, change-password old)
            "_stdin": f"{ADMIN_PASSWORD}\nN3w-Sandbox-Passw0rd\n",
        })
        return values

    # -- framework hooks -----------------------------------------------------------------

    def __call__(self, environ: dict, start_response):
        # The spec's {prometheus_path} is one path segment, so gwctl sends api%2Fv1%2Fquery; the WSGI
        # server has decoded it already: route (and log) the path as it was sent.
        raw = (environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").split("?", 1)[0]
        if raw.startswith(PROMETHEUS_PREFIX + "/") and "%2F" in raw.upper():
            environ = {**environ, "PATH_INFO": raw}
        return super().__call__(environ, start_response)

    def _dispatch(self, request: Request) -> Response:
        with self._lock:
            self.caller = self._identify(request)
            if self.caller is None and not self._open_path(request.path):
                return self.error(401, "unauthorized: invalid or missing X-API-KEY, Basic credentials or session")
            response = self._authorize(request)
            if response is None:
                problem = self._spec_problem(request)
                response = self.error(400, problem) if problem else super()._dispatch(request)
            self._audit(request, response)
            return response

    def _spec_problem(self, request: Request) -> str | None:
        path = request.path
        for alias, original in SPEC_ALIASES:
            if path == alias or path.startswith(alias + "/"):
                path = original + path[len(alias):]
        op = api7_spec.find(request.method, path)
        if op is None:
            return None
        errors = api7_spec.query_errors(op, request.args)
        if not errors and op.body_schema is not None and op.content_type == "application/json":
            raw = request.get_data()
            if not raw.strip():
                errors = ["request body is required"]
            else:
                try:
                    body = json.loads(raw)
                except ValueError:
                    return "invalid request body: not valid JSON"
                errors = api7_spec.body_errors(op, body)
        if errors:
            return "invalid request: " + "; ".join(errors)
        return None

    # -- helpers ------------------------------------------------------------------------

    def page(self, request: Request, items: list[dict], order_default: str = "updated_at",
             search_keys: tuple[str, ...] = ("name",)) -> dict:
        args = request.args
        search = (args.get("search") or "").lower()
        if search:
            items = [i for i in items if any(search in str(i.get(k, "")).lower() for k in search_keys + ("id",))]
        labels = {k[len("labels["):-1]: v for k, v in args.items() if k.startswith("labels[") and k.endswith("]")}
        if labels:
            items = [i for i in items if all((i.get("labels") or {}).get(k) == v for k, v in labels.items())]
        order_by = args.get("order_by") or order_default
        reverse = (args.get("direction") or "desc").lower() != "asc"
        items = sorted(items, key=lambda i: (i.get(order_by) or 0, i.get("id", "")), reverse=reverse)
        try:
            number = int(args.get("page", 1))
            size = int(args.get("page_size", DEFAULT_PAGE_SIZE))
        except ValueError:
            self.abort(400, "invalid page or page_size")
        if number < 1 or size < 1:
            self.abort(400, "page and page_size must be at least 1")
        size = min(size, MAX_PAGE_SIZE)
        return {"list": [public(i) for i in paging.page_number(items, number, size)], "total": len(items)}

    def gg_query(self, request: Request, required: bool = True) -> str | None:
        gg = request.args.get("gateway_group_id")
        if not gg:
            if required:
                self.abort(400, "gateway_group_id is required")
            return None
        self.gg(gg)
        return gg

    def gg(self, gg_id: str) -> dict:
        return self.gateway_groups.find(gg_id)

    def in_gg(self, gg_id: str | None):
        """A ``where`` for stores: the record belongs to gateway group ``gg_id``."""
        return lambda record: record.get("gateway_group_id") == gg_id

    def templates_only(self, request: Request) -> None:
        """/api/{services,routes}/template exist from 3.2.13 on."""
        if self.family == "3.2.11":
            self.abort(404, "404 page not found")

    def design_time_admin(self, request: Request) -> bool:
        """True when /apisix/admin/{services,routes} are the design-time objects (3.2.11)."""
        return self.family == "3.2.11"

    # -- version, schema -------------------------------------------------------------------

    @route("/api/version")
    def get_version(self, request):
        return self.value(self.version)

    @route("/api/schema/core")
    def schema_core(self, request):
        parts = {
            "service": ("post", "/apisix/admin/services"), "route": ("post", "/apisix/admin/routes"),
            "consumer": ("post", "/apisix/admin/consumers"), "global_rule": ("post", "/apisix/admin/global_rules"),
            "ssl": ("post", "/apisix/admin/ssls"), "secret": ("put", "/apisix/admin/secrets/{secret_manager}/{secret_id}"),
            "plugin_metadata": ("put", "/apisix/admin/plugin_metadata/{plugin_name}"),
        }
        return self.value({name: api7_spec.request_schema(m, p) for name, (m, p) in parts.items()})

    @route("/api/schema/plugins")
    def schema_plugins(self, request):
        return self.value({name: self._plugin_schema(name) for name in PLUGINS})

    @staticmethod
    def _plugin_schema(name: str) -> dict:
        if name == "key-auth":
            return {"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]}
        if name == "basic-auth":
            return {"type": "object", "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                    "required": ["username", "password"]}
        return {"type": "object", "properties": {"_meta": {"type": "object"}}}

    # -- license --------------------------------------------------------------------------

    @route("/api/license")
    def get_license(self, request):
        return self.value(self.license)

    @route("/api/license", "PUT")
    def put_license(self, request):
        data = (self.body(request).get("data") or "").strip()
        if not data.startswith("A7LIC-"):
            self.abort(400, "invalid license: cannot decode the license data")
        t = int(self.clock())
        new = {**self.license, "customer": data[6:].split("-")[0] or "Sandbox", "effective_at": t,
               "expired_at": t + 365 * 86400, "status": "normal"}
        if request.args.get("dry-run") != "all":
            self.license = new
        return self.value(new)

    # -- gateway groups ---------------------------------------------------------------------

    @route("/api/gateway_groups")
    def list_ggs(self, request):
        return self.page(request, list(self.gateway_groups.values()))

    @route("/api/gateway_groups", "POST")
    def create_gg(self, request):
        body = self.body(request)
        self.unique(self.gateway_groups, "name", body["name"], f"gateway group name {body['name']} already exists")
        gg_id = new_id()
        t = self.now()
        self.gateway_groups[gg_id] = self._new_gg(gg_id, body["name"], body.get("description", body.get("desc")),
                                                  body.get("labels"), t)
        return self.value(self.gateway_groups[gg_id], f"/gateway_groups/{gg_id}")

    @route("/api/gateway_groups/count/<resource_type>")
    def count_gg(self, request, resource_type):
        stores = {"ssl": self.ssls, "consumer": self.consumers, "gateway_instance": self.instances}
        if resource_type not in stores:
            self.abort(400, f"invalid resource_type {resource_type}")
        counts = [{"gateway_group_id": gg, "count": sum(1 for o in stores[resource_type].values()
                                                         if o.get("gateway_group_id") == gg)}
                  for gg in self.gateway_groups]
        return {"list": counts, "total": len(counts)}

    @route("/api/gateway_groups/<gg_id>")
    def get_gg(self, request, gg_id):
        return self.value(self.gg(gg_id), f"/gateway_groups/{gg_id}")

    @route("/api/gateway_groups/<gg_id>", "PUT")
    def put_gg(self, request, gg_id):
        group = self.gg(gg_id)
        body = self.body(request)
        self.unique(self.gateway_groups, "name", body["name"], f"gateway group name {body['name']} already exists",
                    gg_id)
        group.update(name=body["name"], description=body.get("description", ""), labels=body.get("labels") or {},
                     updated_at=self.now())
        return self.value(group, f"/gateway_groups/{gg_id}")

    @route("/api/gateway_groups/<gg_id>", "DELETE")
    def delete_gg(self, request, gg_id):
        self.gg(gg_id)
        if any(key[0] == gg_id for key in self.published):
            self.abort(400, "the gateway group still has published services; unpublish them first")
        if any(i["gateway_group_id"] == gg_id for i in self.instances.values()):
            self.abort(400, "the gateway group still has gateway instances")
        del self.gateway_groups[gg_id]
        for store in (self.consumers, self.ssls, self.global_rules, self.registries):
            store.purge(self.in_gg(gg_id))
        return self.value({})

    @route("/api/gateway_groups/<gg_id>/instance_token", "POST")
    def instance_token(self, request, gg_id):
        self.gg(gg_id)
        plain = random_id(32, "a7gw-")
        record = {"id": new_id(), "token_plain_text": plain}
        if request.args.get("only_token") != "true":
            record["token"] = "eyJhbGciOiJIUzI1NiJ9." + random_id(40) + "." + random_id(20)
        self.instance_tokens.append(record)
        return self.value(record)

    @route("/api/gateway_groups/<gg_id>/dp_client_certificates", "POST")
    def dp_cert(self, request, gg_id):
        self.gg(gg_id)
        record = {"id": new_id(), "certificate": PEM_CERT, "private_key": PEM_KEY.replace("Sandbox", random_id(7)),
                  "expiry": int(self.clock()) + 365 * 86400}
        self.dp_certificates.append(record)
        return self.value(record)

    @route("/api/gateway_groups/<gg_id>/permitted_users")
    def gg_permitted_users(self, request, gg_id):
        self.gg(gg_id)
        return self.page(request, self._users(request), search_keys=("username",))

    def _users(self, request: Request) -> list[dict]:
        roles = request.args.getlist("roles")
        users = list(self.users.values())
        if roles:
            users = [u for u in users if any(r["id"] in roles for r in u["roles"])]
        return users

    # -- services (design time) ---------------------------------------------------------------

    @route("/apisix/admin/services")
    @route("/api/services/template")
    def list_services(self, request):
        if request.path.startswith("/api/"):
            self.templates_only(request)
        elif not self.design_time_admin(request):
            gg = self.gg_query(request)
            return self.page(request, [self._published_view(k) for k in self.published if k[0] == gg])
        items = [self._service_view(s) for s in self.services.values()]
        gg = request.args.get("gateway_group_id")
        if gg:
            items = [s for s in items if (gg, s["id"]) in self.published]
        return self.page(request, items, search_keys=("name", "desc"))

    def _service_view(self, svc: dict) -> dict:
        groups = [k[0] for k in self.published if k[1] == svc["id"]]
        view = dict(svc)
        view["published_gateway_groups_count"] = len(groups)
        return view

    @route("/apisix/admin/services", "POST")
    @route("/api/services/template", "POST")
    def create_service(self, request):
        self._design_time(request)
        body = self.body(request)
        svc_id = body.get("id") or new_id()
        t = self.now()
        svc = self.services.create({"strip_path_prefix": True, **{k: v for k, v in body.items() if k != "id"},
                                    "created_at": t, "updated_at": t}, key=svc_id)
        return self.value(self._service_view(svc), f"/services/{svc_id}")

    def _design_time(self, request: Request) -> None:
        if request.path.startswith("/api/"):
            self.templates_only(request)
        elif not self.design_time_admin(request):
            self.abort(400, "in this version /apisix/admin/services and /apisix/admin/routes act on published "
                            "objects; edit templates under /api/services/template and /api/routes/template")

    @route("/apisix/admin/services/<svc_id>")
    @route("/api/services/template/<svc_id>")
    def get_service(self, request, svc_id):
        if request.path.startswith("/apisix/") and not self.design_time_admin(request):
            gg = self.gg_query(request)
            return self.value(self._published_view(self._published(gg, svc_id)))
        self._design_time(request)
        return self.value(self._service_view(self.services.find(svc_id)), f"/services/{svc_id}")

    @route("/apisix/admin/services/<svc_id>", "PUT", "PATCH")
    @route("/api/services/template/<svc_id>", "PUT", "PATCH")
    def update_service(self, request, svc_id):
        self._design_time(request)
        svc = self.services.find(svc_id)
        body = self.body(request)
        updated = copy.deepcopy(svc)
        self.apply(updated, body, replace=request.method == "PUT")
        updated["updated_at"] = self.now()
        if request.args.get("dry-run") != "all":
            self.services[svc_id] = updated
        return self.value(self._service_view(updated), f"/services/{svc_id}")

    @route("/apisix/admin/services/<svc_id>", "DELETE")
    @route("/api/services/template/<svc_id>", "DELETE")
    def delete_service(self, request, svc_id):
        self._design_time(request)
        self.services.find(svc_id)
        groups = [self.gateway_groups[k[0]]["name"] for k in self.published if k[1] == svc_id]
        if groups:
            self.abort(400, f"the service is published in gateway group(s) {', '.join(groups)}; unpublish it first")
        self.routes.purge(lambda r: r["service_id"] == svc_id)
        return self.remove(self.services, svc_id)

    # -- publishing ----------------------------------------------------------------------------

    @route("/api/services/conflict_check", "POST")
    def conflict_check(self, request):
        body = self.body(request)
        gg = body.get("gateway_group_id")
        if gg:
            self.gg(gg)
        duplicate: list[list[dict]] = []
        for item in body.get("services") or []:
            svc = self.services.find(item["service_id"])
            mine = self._urls(item["service_id"], item.get("hosts", svc.get("hosts")),
                              item.get("path_prefix", svc.get("path_prefix")), svc["name"])
            for (other_gg, other_id) in self.published:
                if other_gg != gg or other_id == item["service_id"]:
                    continue
                pub = self._published_view((other_gg, other_id))
                theirs = self._urls(other_id, pub.get("hosts"), pub.get("path_prefix"), pub["name"], pub)
                for url, entry in mine.items():
                    if url in theirs:
                        duplicate.append([entry, theirs[url]])
        return self.value({"duplicate": duplicate, "overlapping": []})

    def _urls(self, svc_id: str, hosts, prefix, name: str, published: dict | None = None) -> dict[str, dict]:
        routes = (self.service_versions[published["service_version_id"]]["_routes"] if published
                  else [r for r in self.routes.values() if r["service_id"] == svc_id])
        out = {}
        for host in hosts or ["*"]:
            for r in routes:
                for path in r.get("paths") or []:
                    for method in r.get("methods") or ["*"]:
                        url = f"{method} {host}{prefix or ''}{path}"
                        out[url] = {"service_id": svc_id, "service_name": name, "route_id": r.get("route_id", r["id"]),
                                    "route_name": r["name"], "url": url}
        return out

    @route("/api/services/publish", "POST")
    def publish(self, request):
        body = self.body(request)
        gg = body.get("gateway_group_id")
        if not gg:
            self.abort(400, "gateway_group_id is required")
        self.gg(gg)
        for item in body["services"]:
            self.services.find(item["service_id"])
            if not body.get("create_new_version"):
                # The spec: "service_version_id must be set when create_new_version is false".
                if not item.get("service_version_id"):
                    self.abort(400, "service_version_id is required when create_new_version is false")
                sv = self.service_versions.get(item["service_version_id"])
                if sv is None or sv["service_id"] != item["service_id"]:
                    self.abort(404, f"service version {item['service_version_id']} not found")
        results = [self._publish_one(gg, item if body.get("create_new_version") else
                                     {**item, "version": self.service_versions[item["service_version_id"]]["version"]},
                                     bool(body.get("create_new_version"))) for item in body["services"]]
        return self.value({"gateway_group_id": gg, "services": [public(r) for r in results]})

    def _publish_one(self, gg: str, item: dict, new_version: bool, version_id: str | None = None,
                     route_version_ids: dict | None = None) -> dict:
        svc = self.services[item["service_id"]]
        existing = next((v for v in self.service_versions.values()
                         if v["service_id"] == svc["id"] and v["version"] == item["version"]), None)
        if existing and new_version:
            self.abort(400, f"version {item['version']} of service {svc['name']} already exists")
        t = self.now()
        if existing:
            sv = existing
        else:
            snapshot = {k: copy.deepcopy(v) for k, v in svc.items() if k not in ("created_at", "updated_at", "id")}
            snapshot.update({k: copy.deepcopy(v) for k, v in item.items()
                             if k not in ("service_id", "version", "service_version_id", "status")})
            sv_id = version_id or new_id()
            routes = []
            for r in self.routes.values():
                if r["service_id"] == svc["id"]:
                    rv = {k: copy.deepcopy(v) for k, v in r.items()}
                    rv["route_id"] = r["id"]
                    rv["id"] = (route_version_ids or {}).get(r["id"]) or new_id()
                    rv["service_version_id"] = sv_id
                    routes.append(rv)
            sv = {"id": sv_id, "service_id": svc["id"], "version": item["version"], **snapshot,
                  "publish_time": str(t), "created_at": t, "_routes": routes}
            self.service_versions[sv_id] = sv
        key = (gg, svc["id"])
        if key not in self.runtime:
            upstream = sv.get("upstream") or {}
            self.runtime[key] = {
                "hosts": sv.get("hosts"), "path_prefix": sv.get("path_prefix"),
                "strip_path_prefix": sv.get("strip_path_prefix", True), "status": item.get("status", 0),
                "plugins": {}, "upstreams": {k: copy.deepcopy(upstream[k]) for k in
                                             ("name", "desc", "nodes", "service_name", "discovery_type", "discovery_args")
                                             if k in upstream}}
            self.runtime[key] = {k: v for k, v in self.runtime[key].items() if v is not None}
        self.published[key] = {"service_version_id": sv["id"], "published_at": t}
        self.history.setdefault(key, []).append(sv["id"])
        svc["last_published"] = t
        return self._published_view(key)

    def _published_view(self, key: tuple[str, str]) -> dict:
        gg, svc_id = key
        sv = self.service_versions[self.published[key]["service_version_id"]]
        rt = self.runtime.get(key, {})
        view = {k: copy.deepcopy(v) for k, v in sv.items() if not k.startswith("_") and k not in ("publish_time",)}
        view.update({"id": svc_id, "service_id": svc_id, "service_version_id": sv["id"], "gateway_group_id": gg,
                     "gateway_group_name": self.gateway_groups[gg]["name"], "status": rt.get("status", 0),
                     "runtime_type": "normal", "created_at": sv["created_at"],
                     "updated_at": self.published[key]["published_at"], "publish_time": sv["publish_time"]})
        for field in ("hosts", "path_prefix", "strip_path_prefix"):
            if field in rt:
                view[field] = rt[field]
        if rt.get("upstreams"):
            view["upstream"] = {**(view.get("upstream") or {}), **rt["upstreams"]}
        return view

    def _published(self, gg_id: str, svc_id: str) -> tuple[str, str]:
        """The key of service ``svc_id`` as published in gateway group ``gg_id`` (404 for either)."""
        self.gg(gg_id)
        self.published.find((gg_id, svc_id))
        return gg_id, svc_id

    @route("/api/gateway_groups/<gg_id>/services")
    def list_published(self, request, gg_id):
        self.gg(gg_id)
        items = [self._published_view(k) for k in self.published if k[0] == gg_id]
        return self.page(request, items)

    @route("/api/gateway_groups/<gg_id>/services/<svc_id>")
    def get_published(self, request, gg_id, svc_id):
        return self.value(self._published_view(self._published(gg_id, svc_id)))

    @route("/api/gateway_groups/<gg_id>/services/<svc_id>", "DELETE")
    def unpublish(self, request, gg_id, svc_id):
        self.runtime.pop(self._published(gg_id, svc_id), None)
        return self.remove(self.published, (gg_id, svc_id))

    @route("/api/gateway_groups/<gg_id>/services/<svc_id>/versions")
    def published_versions(self, request, gg_id, svc_id):
        key = self._published(gg_id, svc_id)
        versions = [self.service_versions[v] for v in dict.fromkeys(self.history.get(key, []))]
        items = [{**public(v), "gateway_group_id": gg_id} for v in versions]
        reverse = (request.args.get("direction") or "desc").lower() != "asc"
        items.sort(key=lambda v: int(v["publish_time"]), reverse=reverse)
        return {"list": items, "total": len(items)}

    @route("/api/gateway_groups/<gg_id>/services/<svc_id>/runtime_configuration")
    def get_runtime(self, request, gg_id, svc_id):
        return self.value(self.runtime.get(self._published(gg_id, svc_id), {}))

    @route("/api/gateway_groups/<gg_id>/services/<svc_id>/runtime_configuration", "PATCH")
    def patch_runtime(self, request, gg_id, svc_id):
        key = self._published(gg_id, svc_id)
        body = self.body(request)
        updated = copy.deepcopy(self.runtime.get(key, {}))
        self.apply(updated, body, replace=False)
        if request.args.get("dry-run") != "all":
            self.runtime[key] = updated
        return self.value(updated)

    @route("/api/gateway_groups/<gg_id>/services/<svc_id>/healthcheck")
    def healthcheck(self, request, gg_id, svc_id):
        nodes = (self.runtime.get(self._published(gg_id, svc_id), {}).get("upstreams") or {}).get("nodes") or []
        return {"value": {"nodes": [{"host": n["host"], "port": n["port"], "status": "healthy",
                                     "counter": {"success": 3, "http_failure": 0, "tcp_failure": 0, "timeout_failure": 0}}
                                    for n in nodes]}}

    @route("/api/gateway_groups/<gg_id>/services/<svc_id>/permitted_users")
    def published_permitted_users(self, request, gg_id, svc_id):
        self._published(gg_id, svc_id)
        return self.page(request, self._users(request), search_keys=("username",))

    @route("/api/services/<svc_id>/published_services")
    def where_published(self, request, svc_id):
        self.services.find(svc_id)
        items = [public(self._published_view(k)) for k in self.published if k[1] == svc_id]
        return {"list": items, "total": len(items)}

    @route("/api/services/<svc_id>/permitted_users")
    def service_permitted_users(self, request, svc_id):
        self.services.find(svc_id)
        return self.page(request, self._users(request), search_keys=("username",))

    @route("/api/services/<svc_id>/versions/<version>")
    def service_version_by_name(self, request, svc_id, version):
        self.services.find(svc_id)
        sv = next((v for v in self.service_versions.values() if v["service_id"] == svc_id and v["version"] == version),
                  None)
        if sv is None:
            self.abort(404, f"version {version} of the service not found")
        return self.value(sv)

    @route("/api/service_versions/<sv_id>")
    def get_service_version(self, request, sv_id):
        return self.value(self.service_versions.find(sv_id))

    @route("/api/service_versions/<sv_id>/routes")
    def service_version_routes(self, request, sv_id):
        return self.page(request, self.service_versions.find(sv_id)["_routes"])

    @route("/api/service_versions/<sv_id>/routes/<rv_id>")
    def service_version_route(self, request, sv_id, rv_id):
        sv = self.service_versions.find(sv_id)
        rv = next((r for r in sv["_routes"] if r["id"] == rv_id), None)
        if rv is None:
            self.abort(404, "route version not found")
        return self.value(rv)

    # -- routes (design time) ----------------------------------------------------------------------

    @route("/apisix/admin/routes")
    @route("/api/routes/template")
    def list_routes(self, request):
        if request.path.startswith("/api/"):
            self.templates_only(request)
        elif not self.design_time_admin(request):
            gg = self.gg_query(request)
            items = [r for k, p in self.published.items() if k[0] == gg
                     for r in self.service_versions[p["service_version_id"]]["_routes"]]
            return self.page(request, items)
        items = list(self.routes.values())
        if request.args.get("service_id"):
            items = [r for r in items if r["service_id"] == request.args["service_id"]]
        return self.page(request, items, search_keys=("name", "desc"))

    @route("/apisix/admin/routes", "POST")
    @route("/api/routes/template", "POST")
    def create_route(self, request):
        self._design_time(request)
        body = self.body(request)
        self.services.find(body.get("service_id"))
        self._route_unique(body["service_id"], body["name"], None)
        fields = {k: v for k, v in body.items() if k != "id"}
        return self.insert(self.routes, fields, key=body.get("id"), location="/routes")

    def _route_unique(self, svc_id: str, name: str, rid: str | None) -> None:
        if any(r["service_id"] == svc_id and r["name"] == name and r["id"] != rid for r in self.routes.values()):
            self.abort(400, "route name is reduplicate")

    @route("/apisix/admin/routes/<rid>")
    @route("/api/routes/template/<rid>")
    def get_route(self, request, rid):
        self._design_time(request)
        return self.value(self.routes.find(rid), f"/routes/{rid}")

    @route("/apisix/admin/routes/<rid>", "PUT", "PATCH")
    @route("/api/routes/template/<rid>", "PUT", "PATCH")
    def update_route(self, request, rid):
        self._design_time(request)
        old = self.routes.find(rid)
        body = self.body(request)
        updated = copy.deepcopy(old)
        self.apply(updated, body, replace=request.method == "PUT", keep=("id", "created_at", "service_id"))
        if body.get("service_id"):
            self.services.find(body["service_id"])
            updated["service_id"] = body["service_id"]
        if "name" in body:
            self._route_unique(updated["service_id"], body["name"], rid)
        updated["updated_at"] = self.now()
        self.routes[rid] = updated
        return self.value(updated, f"/routes/{rid}")

    @route("/apisix/admin/routes/<rid>", "DELETE")
    @route("/api/routes/template/<rid>", "DELETE")
    def delete_route(self, request, rid):
        self._design_time(request)
        return self.remove(self.routes, rid)

    # -- gateway-group scoped resources ---------------------------------------------------------------

    def _scoped_list(self, request, store: dict, search_keys=("name",)) -> dict:
        gg = self.gg_query(request)
        return self.page(request, store.select(gateway_group_id=gg), search_keys=search_keys)

    @route("/apisix/admin/consumers")
    def list_consumers(self, request):
        return self._scoped_list(request, self.consumers, ("username", "desc"))

    @route("/apisix/admin/consumers", "POST")
    def create_consumer(self, request):
        gg = self.gg_query(request)
        body = self.body(request)
        if self.consumers.select(username=body["username"], gateway_group_id=gg):
            self.abort(400, f"consumer {body['username']} already exists")
        return self.insert(self.consumers, body, {"gateway_group_id": gg}, location="/consumers")

    @route("/apisix/admin/consumers/<cid>")
    def get_consumer(self, request, cid):
        return self.value(self.consumers.find(cid), f"/consumers/{cid}")

    @route("/apisix/admin/consumers/<cid>", "PUT", "PATCH")
    def update_consumer(self, request, cid):
        consumer = self.consumers.find(cid)
        gg = request.args.get("gateway_group_id")
        if gg and gg != consumer["gateway_group_id"]:
            self.gg(gg)
            self.abort(400, "the consumer belongs to another gateway group")
        return self.rewrite(consumer, self.body(request), replace=request.method == "PUT", key=f"/consumers/{cid}")

    @route("/apisix/admin/consumers/<cid>", "DELETE")
    def delete_consumer(self, request, cid):
        return self.remove(self.consumers, cid)

    def _ssl_view(self, ssl: dict) -> dict:
        return ssl  # the private key (_key) is never returned

    @route("/apisix/admin/ssls")
    def list_ssls(self, request):
        return self._scoped_list(request, self.ssls, ("snis",))

    @route("/apisix/admin/ssls", "POST")
    def create_ssl(self, request):
        gg = self.gg_query(request)
        sid = new_id()
        t = self.now()
        self.ssls[sid] = self._ssl_record(sid, self.body(request), gg, t, t)
        return self.value(self.ssls[sid], f"/ssls/{sid}")

    def _ssl_record(self, sid: str, body: dict, gg: str, created: int, t: int) -> dict:
        record = {"id": sid, **{k: v for k, v in body.items() if k not in ("key", "keys")}, "gateway_group_id": gg,
                  "validity_start": t, "validity_end": t + 365 * 86400, "exptime": t + 365 * 86400,
                  "created_at": created, "updated_at": t}
        record["_key"] = body.get("key") or body.get("keys")
        record.setdefault("snis", ["sandbox.example.com"])
        return record

    @route("/apisix/admin/ssls/<sid>")
    def get_ssl(self, request, sid):
        return self.value(self.ssls.find(sid), f"/ssls/{sid}")

    @route("/apisix/admin/ssls/<sid>", "PUT")
    def put_ssl(self, request, sid):
        old = self.ssls.find(sid)
        gg = request.args.get("gateway_group_id") or old["gateway_group_id"]
        self.gg(gg)
        self.ssls[sid] = self._ssl_record(sid, self.body(request), gg, old["created_at"], self.now())
        return self.value(self.ssls[sid], f"/ssls/{sid}")

    @route("/apisix/admin/ssls/<sid>", "DELETE")
    def delete_ssl(self, request, sid):
        return self.remove(self.ssls, sid)

    def _global_rule(self, request, rid: str) -> dict:
        return self.global_rules.find(rid, self.in_gg(self.gg_query(request)))

    @route("/apisix/admin/global_rules")
    def list_global_rules(self, request):
        return self._scoped_list(request, self.global_rules)

    @route("/apisix/admin/global_rules", "POST")
    def create_global_rule(self, request):
        gg = self.gg_query(request)
        return self.insert(self.global_rules, self.body(request), {"gateway_group_id": gg}, location="/global_rules")

    @route("/apisix/admin/global_rules/<rid>")
    def get_global_rule(self, request, rid):
        return self.value(self._global_rule(request, rid), f"/global_rules/{rid}")

    @route("/apisix/admin/global_rules/<rid>", "PUT")
    def put_global_rule(self, request, rid):
        rule = self._global_rule(request, rid)
        return self.rewrite(rule, self.body(request), replace=True, key=f"/global_rules/{rid}")

    @route("/apisix/admin/global_rules/<rid>", "DELETE")
    def delete_global_rule(self, request, rid):
        self._global_rule(request, rid)
        return self.remove(self.global_rules, rid)

    @route("/apisix/admin/plugin_metadata/<name>")
    def get_metadata(self, request, name):
        gg = self.gg_query(request)
        if (gg, name) in self.plugin_metadata:
            return self.value(self.plugin_metadata[(gg, name)], f"/plugin_metadata/{name}")
        if request.args.get("return_default") == "true" and name in METADATA_DEFAULTS:
            return self.value({"id": name, **METADATA_DEFAULTS[name]})
        self.abort(404, f"plugin metadata of {name} not found")

    @route("/apisix/admin/plugin_metadata/<name>", "PUT")
    def put_metadata(self, request, name):
        gg = self.gg_query(request)
        if name not in PLUGINS:
            self.abort(400, f"unknown plugin {name}")
        body = self.body(request)
        self.plugin_metadata[(gg, name)] = {"id": name, **{k: v for k, v in body.items() if k != "id"}}
        return self.value(self.plugin_metadata[(gg, name)], f"/plugin_metadata/{name}")

    @route("/apisix/admin/plugin_metadata/<name>", "DELETE")
    def delete_metadata(self, request, name):
        return self.remove(self.plugin_metadata, (self.gg_query(request), name))

    @route("/apisix/admin/plugin_metadata/<name>/default")
    def default_metadata(self, request, name):
        if name not in METADATA_DEFAULTS:
            self.abort(404, f"plugin {name} has no metadata")
        return self.value(METADATA_DEFAULTS[name])

    @route("/apisix/admin/secrets")
    def list_secrets(self, request):
        gg = self.gg_query(request)
        return self.page(request, self.secrets.select(gateway_group_id=gg), search_keys=("uri", "prefix"))

    def _secret_key(self, request, manager: str, sid: str, required: bool) -> tuple:
        if manager != "vault":
            self.abort(400, f"invalid secret manager {manager}: only vault is supported")
        gg = self.gg_query(request, required=required)
        if gg is None:
            match = [k for k in self.secrets if k[1:] == (manager, sid)]
            if not match:
                self.abort(404, "secret not found")
            return match[0]
        return (gg, manager, sid)

    @route("/apisix/admin/secrets/<manager>/<sid>")
    def get_secret(self, request, manager, sid):
        key = self._secret_key(request, manager, sid, required=False)
        return self.value(self.secrets.find(key), f"/secrets/{manager}/{sid}")

    @route("/apisix/admin/secrets/<manager>/<sid>", "PUT")
    def put_secret(self, request, manager, sid):
        key = self._secret_key(request, manager, sid, required=True)
        t = self.now()
        created = self.secrets.get(key, {}).get("created_at", t)
        self.secrets[key] = {"id": f"{manager}/{sid}", **self.body(request), "gateway_group_id": key[0],
                             "created_at": created, "updated_at": t}
        return self.value(self.secrets[key], f"/secrets/{manager}/{sid}")

    @route("/apisix/admin/secrets/<manager>/<sid>", "DELETE")
    def delete_secret(self, request, manager, sid):
        return self.remove(self.secrets, self._secret_key(request, manager, sid, required=True))

    # -- plugins, variables, labels ------------------------------------------------------------------

    @route("/apisix/admin/plugins/list")
    def plugin_list(self, request):
        if request.args.get("has_metadata") == "true":
            return list(METADATA_PLUGINS)
        return list(PLUGINS)

    @route("/apisix/admin/plugins/<name>")
    def plugin_schema(self, request, name):
        if name not in PLUGINS:
            self.abort(404, f"plugin {name} not found")
        return self.value(self._plugin_schema(name))

    @route("/api/plugins")
    def plugins_by_type(self, request):
        auth = {"basic-auth", "key-auth", "jwt-auth", "hmac-auth"}
        return self.value([{"name": p, "type": "authentication" if p in auth else "general", "has_metadata":
                            p in METADATA_PLUGINS} for p in PLUGINS])

    @route("/apisix/admin/variables")
    def variables(self, request):
        return self.value(list(VARIABLES))

    @route("/api/labels/<resource_type>")
    def labels(self, request, resource_type):
        if resource_type not in LABEL_TYPES:
            self.abort(400, f"invalid resource_type {resource_type}")
        out: dict[str, list[str]] = {}
        for obj in getattr(self, LABEL_TYPES[resource_type]).values():
            for key, val in (obj.get("labels") or {}).items():
                if val not in out.setdefault(key, []):
                    out[key].append(val)
        return self.value(out)

    # -- instances --------------------------------------------------------------------------------------

    @route("/api/instances")
    def list_instances(self, request):
        items = list(self.instances.values())
        if request.args.get("gateway_group_id"):
            items = [i for i in items if i["gateway_group_id"] == request.args["gateway_group_id"]]
        statuses = request.args.getlist("status")
        if statuses:
            items = [i for i in items if i["status"] in statuses]
        return self.page(request, items, order_default="last_heartbeat_time", search_keys=("hostname", "ip"))

    @route("/api/instances/count/<field>")
    def count_instances(self, request, field):
        if field != "status":
            self.abort(400, "field must be status")
        items = list(self.instances.values())
        if request.args.get("gateway_group_id"):
            items = [i for i in items if i["gateway_group_id"] == request.args["gateway_group_id"]]
        counts: dict[str, int] = {}
        for inst in items:
            counts[inst["status"]] = counts.get(inst["status"], 0) + 1
        return self.value([{"status": s, "count": c} for s, c in sorted(counts.items())])

    @route("/api/instances/cores")
    def cores(self, request):
        total = sum(i["cores"] for i in self.instances.values() if i["status"] != "Offline")
        return self.value({"total_cores": total, "max_dp_cores": self.license.get("max_dp_cores", 0),
                           "gateway_groups": [{"gateway_group_id": gg, "cores": sum(
                               i["cores"] for i in self.instances.values()
                               if i["gateway_group_id"] == gg and i["status"] != "Offline")}
                               for gg in self.gateway_groups]})

    @route("/api/instances/cores_usages/export")
    def cores_export(self, request):
        try:
            begin, end = int(request.args["begin_at"]), int(request.args["end_at"])
        except (KeyError, ValueError):
            self.abort(400, "begin_at and end_at are required integers")
        if end < begin:
            self.abort(400, "end_at must not be before begin_at")
        lines = ["date,gateway_group_id,cores"]
        day = begin - begin % 86400
        while day <= end and len(lines) < 400:
            for gg in sorted(self.gateway_groups):
                lines.append(f"{day},{gg},{sum(i['cores'] for i in self.instances.values() if i['gateway_group_id'] == gg)}")
            day += 86400
        return Response("\n".join(lines) + "\n", 200, {"Content-Disposition": 'attachment; filename="cores_usage.csv"'},
                        mimetype="text/csv")

    # -- service registries -----------------------------------------------------------------------------

    def _registry(self, gg_id: str, rid: str) -> dict:
        self.gg(gg_id)
        return self.registries.find(rid, self.in_gg(gg_id))

    @route("/api/gateway_groups/<gg_id>/service_registries")
    def list_registries(self, request, gg_id):
        self.gg(gg_id)
        return self.page(request, self.registries.select(gateway_group_id=gg_id))

    @route("/api/gateway_groups/<gg_id>/service_registries", "POST")
    def create_registry(self, request, gg_id):
        self.gg(gg_id)
        t = self.now()
        return self.value(self.registries.create(self.body(request), {
            "status": "healthy", "gateway_group_id": gg_id, "last_connect_time": t, "created_at": t, "updated_at": t}))

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>")
    def get_registry(self, request, gg_id, rid):
        return self.value(self._registry(gg_id, rid))

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>", "PUT")
    def put_registry(self, request, gg_id, rid):
        reg = self._registry(gg_id, rid)
        return self.rewrite(reg, self.body(request), replace=True, keep=("id", "created_at", "status", "last_connect_time"))

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>", "DELETE")
    def delete_registry(self, request, gg_id, rid):
        self._registry(gg_id, rid)
        return self.remove(self.registries, rid)

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>/connected_services")
    def connected_services(self, request, gg_id, rid):
        self._registry(gg_id, rid)
        items = [self._published_view(k) for k in self.published if k[0] == gg_id
                 and (self.runtime.get(k, {}).get("upstreams") or {}).get("discovery_type")]
        return self.page(request, items)

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>/kubernetes/internal_services")
    def k8s_services(self, request, gg_id, rid):
        reg = self._registry(gg_id, rid)
        if reg["type"] != "kubernetes":
            self.abort(400, "the service registry is not of type kubernetes")
        return self.value([{"namespace": "default", "name": "orders", "port": 8080},
                           {"namespace": "default", "name": "payments", "port": 8080}])

    def _nacos(self, gg_id: str, rid: str) -> dict:
        reg = self._registry(gg_id, rid)
        if reg["type"] != "nacos":
            self.abort(400, "the service registry is not of type nacos")
        return reg

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>/nacos/namespaces")
    def nacos_namespaces(self, request, gg_id, rid):
        self._nacos(gg_id, rid)
        items = [{"id": "public", "name": "public"}, {"id": "dev", "name": "dev"}]
        return {"list": items, "total": len(items)}

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>/nacos/namespaces/<ns>/groups")
    def nacos_groups(self, request, gg_id, rid, ns):
        self._nacos(gg_id, rid)
        items = [{"name": "DEFAULT_GROUP"}, {"name": "PAYMENTS"}]
        return {"list": items, "total": len(items)}

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>/nacos/namespaces/<ns>/groups/<group>/services")
    def nacos_services(self, request, gg_id, rid, ns, group):
        self._nacos(gg_id, rid)
        items = [{"name": "orders", "namespace": ns, "group": group}, {"name": "payments", "namespace": ns,
                                                                       "group": group}]
        return {"list": items, "total": len(items)}

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>/nacos/namespaces/<ns>/groups/<group>"
           "/services/<svc>/instances_metadata")
    def nacos_metadata(self, request, gg_id, rid, ns, group, svc):
        self._nacos(gg_id, rid)
        items = [{"ip": "10.0.2.1", "port": 8080, "metadata": {"idc": "shanghai"}},
                 {"ip": "10.0.2.2", "port": 8080, "metadata": {"idc": "beijing"}}]
        return {"list": items, "total": len(items), "value": {"idc": ["beijing", "shanghai"]}}

    @route("/api/gateway_groups/<gg_id>/service_registries/<rid>/health_check_history")
    def registry_history(self, request, gg_id, rid):
        reg = self._registry(gg_id, rid)
        t = reg["last_connect_time"]
        items = [{"id": f"{rid}-{i}", "status": "healthy" if i % 3 else "lost_connection", "connect_time": t - i * 60,
                  "detail": ""} for i in range(5)]
        statuses = request.args.getlist("status")
        if statuses:
            items = [i for i in items if i["status"] in statuses]
        return self.page(request, items, order_default="connect_time", search_keys=("status",))

    # -- OpenAPI ----------------------------------------------------------------------------------------

    @route("/api/export/services", "POST")
    def export_services(self, request):
        body = self.body(request)
        ids = body.get("service_ids") or []
        if request.args.get("scope") == "all":
            ids = list(self.services)
        elif not ids:
            self.abort(400, "service_ids is required unless scope=all")
        paths: dict[str, dict] = {}
        for sid in ids:
            svc = self.services.find(sid)
            for r in self.routes.values():
                if r["service_id"] == sid:
                    for p in r["paths"]:
                        ops = paths.setdefault((svc.get("path_prefix") or "") + p, {})
                        for m in r.get("methods") or ["GET"]:
                            ops[m.lower()] = {"summary": r["name"], "x-api7-service": svc["name"]}
        doc = {"openapi": "3.0.0", "info": body["info"], "servers": body.get("servers") or [], "paths": paths}
        return self.value(doc)

    @route("/api/import/services", "POST")
    def import_services(self, request):
        body = self.body(request)
        routes = body.pop("routes")
        if not routes:
            self.abort(400, "routes must not be empty")
        sid = new_id()
        t = self.now()
        service = self.services.create({"strip_path_prefix": True, **body, "created_at": t, "updated_at": t}, key=sid)
        created = [public(self.routes.create(r, {"service_id": sid, "created_at": t, "updated_at": t}))
                   for r in routes]
        return self.value({**public(service), "routes": created})

    @route("/api/openapi/convert", "PUT")
    def convert(self, request):
        raw = self.body(request)["raw_openapi"]
        try:
            doc = json.loads(raw)
        except ValueError:
            import yaml

            try:
                doc = yaml.safe_load(raw)
            except yaml.YAMLError:
                doc = None
        if not isinstance(doc, dict) or "paths" not in doc or "info" not in doc:
            self.abort(400, "invalid OpenAPI specification: info and paths are required")
        routes = []
        for path, ops in (doc.get("paths") or {}).items():
            methods = [m.upper() for m in ops if m.upper() in ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
                                                                "OPTIONS", "TRACE")]
            name = next((ops[m].get("operationId") for m in ops if isinstance(ops[m], dict) and
                         ops[m].get("operationId")), None) or path.strip("/").replace("/", "-") or "root"
            routes.append({"name": name, "paths": [path], **({"methods": methods} if methods else {})})
        service = {"name": doc["info"].get("title") or "imported", "desc": doc["info"].get("description", ""),
                   "upstream": {"scheme": "http", "nodes": [{"host": "127.0.0.1", "port": 80, "weight": 100}]}}
        return self.value({**service, "routes": routes})

    # -- tokens -------------------------------------------------------------------------------------

    def _tokens_gate(self, request: Request) -> None:
        modern = request.path.startswith("/api/tokens")
        if modern != (self.family == "3.2.14"):
            self.abort(404, "404 page not found")

    def _visible(self, token: dict) -> bool:
        """Super admins see every token; other users only their own."""
        user = self.caller["user"] if self.caller else None
        return user is None or self.granted(user, "user:write", None) or token["user_id"] == user["id"]

    def _token(self, request: Request, tid: str) -> dict:
        self._tokens_gate(request)
        return self.tokens.find(tid, self._visible)

    @route("/api/settings/tokens")
    @route("/api/tokens")
    def list_tokens(self, request):
        self._tokens_gate(request)
        return self.page(request, [t for t in self.tokens.values() if self._visible(t)], order_default="created_at")

    @route("/api/settings/tokens/check_name")
    @route("/api/tokens/check_name")
    def check_token_name(self, request):
        self._tokens_gate(request)
        name = request.args.get("name")
        if not name:
            self.abort(400, "name is required")
        return self.value({"exist": any(t["name"] == name for t in self.tokens.values())})

    @route("/api/settings/tokens", "POST")
    @route("/api/tokens", "POST")
    def create_token(self, request):
        self._tokens_gate(request)
        body = self.body(request)
        self.unique(self.tokens, "name", body["name"], f"token name {body['name']} already exists")
        t = self.now()
        secret = random_id(40, "a7ee-")
        owner = self.caller["user"]
        token = self.tokens.create({"name": body["name"], "created_at": t, "updated_at": t,
                                    "expires_at": body["expires_at"], "user_id": owner["id"],
                                    "user_name": owner["username"], "last_used_at": 0, "_secret": secret})
        return self.value({**public(token), "token": secret})

    @route("/api/settings/tokens/<tid>")
    @route("/api/tokens/<tid>")
    def get_token(self, request, tid):
        return self.value(self._token(request, tid))

    @route("/api/settings/tokens/<tid>", "PUT")
    @route("/api/tokens/<tid>", "PUT")
    def put_token(self, request, tid):
        token = self._token(request, tid)
        token.update(name=self.body(request)["name"], updated_at=self.now())
        return self.value(token)

    @route("/api/settings/tokens/<tid>", "DELETE")
    @route("/api/tokens/<tid>", "DELETE")
    def delete_token(self, request, tid):
        self._token(request, tid)
        return self.remove(self.tokens, tid)

    @route("/api/settings/tokens/<tid>/regenerate", "PUT")
    @route("/api/tokens/<tid>/regenerate", "PUT")
    def regenerate_token(self, request, tid):
        token = self._token(request, tid)
        token.update(_secret=random_id(40, "a7ee-"), expires_at=self.body(request)["expires_at"],
                     updated_at=self.now())
        return self.value({**public(token), "token": token["_secret"]})
