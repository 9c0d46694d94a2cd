"""The administration side of the API7 emulator (issue 8): identity, RBAC, audit logs and the admin resources.

`Api7Emulator` inherits this mixin. What it adds, following shared/api/api7-enterprise.md §2:

- identity: every request is made by a dashboard user, through an API token (`X-API-KEY`),
  Basic auth or a session cookie from `POST /api/login` (`Set-Cookie: api7ee_session=...`);
- RBAC: users hold roles (`PUT /api/users/{id}/assigned_roles`, optionally limited to scopes =
  gateway-group or service IDs); every operation needs one permission (`<family>:read` for
  reads, `<family>:write` for writes, which implies read). A caller without it gets
  403 `{"error_msg": "permission denied: ..."}`. Built-in roles: Super Admin (`*`), Viewer
  (every `:read`). Self-service calls (me, password, logout, own tokens, version, schemas,
  plugin catalogue) need only a valid identity; the login flows need none;
- audit logs: every write that passes authentication (allowed or denied) is recorded with the
  operator, event type (the handler's name), resource ID, request (secrets masked) and status,
  so `GET /api/audit_logs` shows what a test just did; the export streams JSON or CSV;
- users, roles, permissions, login options, system settings, SCIM, alert policies, webhook
  templates (with references: a referenced template cannot be deleted), alert history, custom
  plugins (name parsed from the Lua source), API products (provider and developer side), the
  Prometheus proxy, system infos, plugin catalogue/usage, the browser SSO endpoints and the
  data-plane reports.

Paths the research did not find (§2 *not found*) are served at the guessed paths gwctl uses
(see gwctl/cli/api7/catalog.py notes): /api/plugins/catalog, /api/plugins/{name}/usage,
/api/rbac/label_impact, /api/oidc/{id}/callback, /api/saml/{id}/{login,logout,acs,slo,metadata},
DELETE /api/api_products/{id}, /api/developer/api_products[/{id}], /api/system_infos,
/api/custom_plugins/parse.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Iterator

from werkzeug.wrappers import Request, Response

from .api7_base import ADMIN_PASSWORD, ADMIN_USER, GG_DEFAULT, PLUGINS, USER_ADMIN, USER_OPS, public
from .base import random_id, route

SESSION_COOKIE = "api7ee_session"
ORG_ID = "org-sandbox"
ROLE_SUPER = "super_admin_id"
ROLE_VIEWER = "viewer_id"
ROLE_GG_OPERATOR = "r-0001-gateway-operator"
LOGIN_OPTION_BUILTIN = "lo-0000-built-in"
LOGIN_OPTION_LDAP = "lo-0001-corp-ldap"
LOGIN_OPTION_OIDC = "lo-0002-okta"
LOGIN_OPTION_SAML = "lo-0003-adfs"
ALERT_POLICY_5XX = "ap-0001-5xx-burst"
WEBHOOK_SLACK = "wt-0001-slack"
WEBHOOK_SPARE = "wt-0002-pagerduty"
CUSTOM_PLUGIN_HELLO = "cp-0001-hello-header"
API_PRODUCT_PETS = "apip-0001-petstore"
LDAP_DIRECTORY = {"jdoe": "sandbox-admin-password"}  # the sandbox LDAP directory (same password as admin)
MASK = "******"

# Permission families: (family, group title, scope types).
FAMILIES = (
    ("gateway_group", "Gateway Group", ["gateway_group"]),
    ("published_service", "Published Service", ["gateway_group"]),
    ("consumer", "Consumer", ["gateway_group"]),
    ("ssl", "SSL", ["gateway_group"]),
    ("global_rule", "Global Rule", ["gateway_group"]),
    ("plugin_metadata", "Plugin Metadata", ["gateway_group"]),
    ("secret", "Secret", ["gateway_group"]),
    ("service_registry", "Service Registry", ["gateway_group"]),
    ("gateway_instance", "Gateway Instance", ["gateway_group"]),
    ("service", "Service", ["service"]),
    ("user", "User", []),
    ("role", "Role", []),
    ("audit_log", "Audit Log", []),
    ("alert", "Alert", []),
    ("system_setting", "System Setting", []),
    ("login_option", "Login Option", []),
    ("custom_plugin", "Custom Plugin", []),
    ("api_product", "API Product", []),
    ("license", "License", []),
    ("monitoring", "Monitoring", []),
)
PERMISSION_KEYS = tuple(f"{f}:{a}" for f, _, _ in FAMILIES for a in ("read", "write"))
GG_FAMILIES = {f for f, _, scopes in FAMILIES if scopes == ["gateway_group"]}

# Paths anyone may call (the login flows) and paths any authenticated user may call.
OPEN_PREFIXES = ("/api/login", "/api/oidc/", "/api/ldap/", "/api/saml/")
SELF_SERVICE_PREFIXES = ("/api/logout", "/api/me", "/api/password", "/api/version", "/api/settings/tokens",
                         "/api/tokens", "/api/dataplane/", "/api/schema/", "/apisix/admin/plugins", "/api/plugins",
                         "/apisix/admin/variables", "/api/labels", "/api/allow_access", "/api/system_infos")
FAMILY_PREFIXES = (
    ("/api/users", "user"), ("/api/invites", "user"), ("/api/roles", "role"), ("/api/permissions", "role"),
    ("/api/permission_policies", "role"), ("/api/audit_logs", "audit_log"), ("/api/alert/", "alert"),
    ("/api/system_settings", "system_setting"), ("/api/login_options", "login_option"),
    ("/api/custom_plugins", "custom_plugin"), ("/api/api_products", "api_product"), ("/api/license", "license"),
    ("/api/control_plane/prometheus", "monitoring"), ("/api/instances", "gateway_instance"),
    ("/apisix/admin/consumers", "consumer"), ("/apisix/admin/ssls", "ssl"), ("/apisix/admin/global_rules", "global_rule"),
    ("/apisix/admin/plugin_metadata", "plugin_metadata"), ("/apisix/admin/secrets", "secret"),
    ("/apisix/admin/services", "service"), ("/apisix/admin/routes", "service"), ("/api/services", "service"),
    ("/api/routes", "service"), ("/api/service_versions", "service"), ("/api/export/", "service"),
    ("/api/import/", "service"), ("/api/openapi/", "service"),
)
# POSTs that only read.
READ_POSTS = ("/api/services/conflict_check", "/api/control_plane/prometheus/", "/api/rbac/", "/api/custom_plugins/parse")
# Writes that are not audited (gateways' own reports, read-only POSTs).
UNAUDITED = ("/api/dataplane/", "/api/control_plane/prometheus/", "/api/custom_plugins/parse", "/api/rbac/",
             "/api/services/conflict_check")
SECRET_FIELDS = re.compile(r"(passw|secret|token|private_key|client_key|^key$|^keys$|SAMLResponse)", re.I)
CSV_FIELDS = ("id", "event_time", "event_type", "operator_id", "operator", "source", "token_name", "resource_id",
              "ip_address", "method", "uri", "status_code", "error_message")


def mask_secrets(value: Any) -> Any:
    """A copy of a request body with password/secret/token fields masked (for the audit log)."""
    if isinstance(value, dict):
        return {k: (MASK if SECRET_FIELDS.search(k) and isinstance(v, str) else mask_secrets(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def parse_plugin_source(source: str) -> dict | None:
    """name/version/priority of an APISIX Lua plugin (`local _M = {version = 0.1, priority = 12, name = "x"}`)."""
    name = re.search(r"""\bname\s*=\s*["']([A-Za-z0-9_-]{1,64})["']""", source or "")
    if not name:
        return None
    version = re.search(r"\bversion\s*=\s*([0-9.]+)", source)
    priority = re.search(r"\bpriority\s*=\s*(-?\d+)", source)
    return {"name": name.group(1), "version": version.group(1) if version else "0.1",
            "priority": int(priority.group(1)) if priority else 0}


class Api7AdminMixin:
    """Identity, RBAC, audit and the admin resources of the API7 emulator."""

    # -- state --------------------------------------------------------------------------------

    def clear_admin_state(self) -> None:
        self.users = self.store("user")  # id -> user view + _password
        self.roles = self.store("role")
        self.sessions: dict[str, str] = {}  # cookie value -> user id
        self.login_options = self.store("login option")
        self.system_settings: dict = {}
        self.scim: dict = {}
        self.alert_policies = self.store("alert policy")
        self.webhook_templates = self.store("webhook template")
        self.alert_history: list[dict] = []
        self.audit_logs: list[dict] = []
        self.custom_plugins = self.store("custom plugin")
        self.api_products = self.store("api product")
        self.dp_reports: list[tuple[str, dict]] = []  # (kind, body) of heartbeats, metrics, health checks
        self.caller: dict | None = None  # {"user": ..., "via": "token|basic|session", "token_name": ...}
        self._audit_seq = 0

    def seed_admin(self, t: int) -> None:
        self.roles[ROLE_SUPER] = {"id": ROLE_SUPER, "name": "Super Admin", "desc": "Every permission.",
                                  "org_id": ORG_ID, "type": "built_in", "permissions": ["*"], "created_at": t,
                                  "updated_at": t}
        self.roles[ROLE_VIEWER] = {"id": ROLE_VIEWER, "name": "Viewer", "desc": "Read-only access.", "org_id": ORG_ID,
                                   "type": "built_in", "permissions": [k for k in PERMISSION_KEYS if k.endswith(":read")],
                                   "created_at": t, "updated_at": t}
        self.roles[ROLE_GG_OPERATOR] = {
            "id": ROLE_GG_OPERATOR, "name": "gateway-operator", "desc": "Runs published services of a gateway group.",
            "org_id": ORG_ID, "type": "custom", "scope_type": "gateway_group",
            "permissions": ["gateway_group:read", "published_service:write", "consumer:write"],
            "created_at": t, "updated_at": t + 1}
        builtin = {"id": LOGIN_OPTION_BUILTIN, "name": "built-in", "provider_type": "built_in"}
        for uid, username, first, last, role, password in (
                (USER_ADMIN, ADMIN_USER, "Sandbox", "Admin", ROLE_SUPER, ADMIN_PASSWORD),
                (USER_OPS, "ops", "Ops", "Team", ROLE_VIEWER, "ops-password")):
            self.users[uid] = {"id": uid, "username": username, "first_name": first, "last_name": last,
                               "email": f"{username}@example.com", "state": "Active", "login_option": dict(builtin),
                               "roles": [], "created_at": t, "updated_at": t, "_password": password}
            self._assign(self.users[uid], [{"role_id": role}])
        self.login_options[LOGIN_OPTION_BUILTIN] = {**builtin, "logo": "", "disable": False, "created_at": t,
                                                    "updated_at": t}
        self.login_options[LOGIN_OPTION_LDAP] = {
            "id": LOGIN_OPTION_LDAP, "name": "corp-ldap", "logo": "", "disable": False, "provider_type": "ldap",
            "ldap_config": {"host": "ldap.example.com", "port": "636", "base_dn": "dc=example,dc=com",
                            "bind_dn": "cn=api7,dc=example,dc=com", "bind_password": "ldap-bind-s3cret",
                            "identifier": "uid", "use_ssl": True, "ssl_verify": True, "timeout": 10},
            "role_mapping": [], "created_at": t, "updated_at": t + 1}
        self.login_options[LOGIN_OPTION_OIDC] = {
            "id": LOGIN_OPTION_OIDC, "name": "okta", "logo": "", "disable": False, "provider_type": "oidc",
            "oidc_config": {"client_id": "api7-dashboard", "client_secret": "okta-client-s3cret",
                            "issuer": "https://example.okta.com", "request_scopes": ["openid", "email", "profile"],
                            "ssl_verify": True, "root_url": "https://dashboard.example.com:7443"},
            "role_mapping": [], "created_at": t, "updated_at": t + 2}
        self.login_options[LOGIN_OPTION_SAML] = {
            "id": LOGIN_OPTION_SAML, "name": "adfs", "logo": "", "disable": True, "provider_type": "saml",
            "saml_config": {"idp_metadata_url": "https://adfs.example.com/FederationMetadata.xml",
                            "sp_root_url": "https://dashboard.example.com:7443", "sign_request": True},
            "role_mapping": [], "created_at": t, "updated_at": t + 3}
        self.system_settings = {"control_plane_address": ["https://127.0.0.1:7943"], "enable_mtls": False}
        self.scim = {"enable_scim": False}
        self.webhook_templates[WEBHOOK_SLACK] = {
            "id": WEBHOOK_SLACK, "name": "slack-ops", "desc": "Posts to #ops", "url": "https://hooks.example.com/slack",
            "method": "POST", "skip_tls_verify": False, "headers": [{"name": "X-Team", "value": "ops"}],
            "template": '{"text": "{{ .AlertPolicyName }} fired"}', "created_at": t, "updated_at": t + 1}
        self.webhook_templates[WEBHOOK_SPARE] = {
            "id": WEBHOOK_SPARE, "name": "pagerduty", "desc": "", "url": "https://events.example.com/pd",
            "method": "POST", "skip_tls_verify": False, "template": '{"summary": "{{ .AlertPolicyName }}"}',
            "created_at": t, "updated_at": t + 2}
        self.alert_policies[ALERT_POLICY_5XX] = {
            "id": ALERT_POLICY_5XX, "name": "5xx-burst", "desc": "Too many 5xx answers", "severity": "high",
            "scope": [GG_DEFAULT], "enable": True, "title": "5xx burst", "detail": "More than 100 5xx in 5 minutes",
            "check_interval": 300, "webhook_templates": [WEBHOOK_SLACK], "trigger_logical_operator": "Any",
            "trigger_conditions": [{"event": "number_of_status_code", "operator": "larger_equal", "value": 100,
                                    "event_config": {"duration": 5, "unit": "minute", "http_status_code": "5xx"}}],
            "created_at": t, "updated_at": t + 1}
        for i, status in enumerate((1, 1, 0)):
            self.alert_history.append({
                "id": f"ah-{i + 1:04d}", "alert_policy_id": ALERT_POLICY_5XX, "alert_policy_name": "5xx-burst",
                "alert_webhook_template_id": WEBHOOK_SLACK, "alert_webhook_template_name": "slack-ops",
                "gateway_group_id": GG_DEFAULT, "severity": "high", "desc": "Too many 5xx answers",
                "status": status, "created_at": t + 600 * i, "updated_at": t + 600 * i,
                "http_request": "POST https://hooks.example.com/slack", "http_response": "200 OK" if status else "500"})
        admin = self.users[USER_ADMIN]
        self.audit_logs.append(self.audit_entry(event_type="login", user=admin, via="session", uri="/api/login",
                                                resource_id=USER_ADMIN, body={"username": ADMIN_USER, "password": MASK},
                                                event_time=t))
        self.audit_logs.append(self.audit_entry(event_type="create_token", user=admin, via="session",
                                                uri="/api/settings/tokens", resource_id="d7c6b5a4-9382-4716-8a5b-4c3d2e1f0a02",
                                                body={"name": "ci-deploy", "expires_at": 0}, event_time=t + 60))
        source = ('local _M = {version = 0.2, priority = 1010, name = "hello-header", schema = {type = "object"}}\n'
                  "function _M.header_filter(conf, ctx) ngx.header['X-Hello'] = 'world' end\nreturn _M\n")
        self.custom_plugins[CUSTOM_PLUGIN_HELLO] = {
            "id": CUSTOM_PLUGIN_HELLO, "name": "hello-header", "version": "0.2", "priority": 1010,
            "source_code": source, "catalog": "Transformation", "description": "Adds an X-Hello header",
            "documentation_link": "https://docs.example.com/hello-header", "author": "Sandbox Inc.", "logo": "",
            "created_at": t, "updated_at": t + 1}
        self.api_products[API_PRODUCT_PETS] = {
            "id": API_PRODUCT_PETS, "name": "Petstore API",
            "raw_openapi": "openapi: 3.0.0\ninfo: {title: Petstore, version: 1.0.0}\npaths: {/pets: {get: {}}}\n",
            "server_url": "https://api.example.com/petstore", "status": "published", "created_at": t,
            "updated_at": t + 1}

    # -- identity -----------------------------------------------------------------------------

    def _identify(self, request: Request) -> dict | None:
        """Who is calling: {"user", "via", "token_name"}, or None (no or bad credentials)."""
        key = request.headers.get("X-API-KEY")
        now = int(self.clock())
        if key:
            for token in self.tokens.values():
                if token["_secret"] == key:
                    if token["expires_at"] and token["expires_at"] <= now:
                        return None
                    user = self.users.get(token["user_id"])
                    if user is None:
                        return None
                    token["last_used_at"] = now
                    return {"user": user, "via": "token", "token_name": token["name"]}
            return None
        auth = request.authorization
        if auth and auth.type == "basic":
            user = self._user_by_name(auth.username)
            if user is not None and user.get("_password") == auth.password:
                self._activate(user)
                return {"user": user, "via": "basic", "token_name": ""}
            return None
        session = request.cookies.get(SESSION_COOKIE)
        if session and self.sessions.get(session) in self.users:
            return {"user": self.users[self.sessions[session]], "via": "session", "token_name": ""}
        return None

    def _user_by_name(self, username: str | None) -> dict | None:
        return next((u for u in self.users.values() if u["username"] == username), None)

    def _activate(self, user: dict) -> None:
        if user.get("state") == "Pending":
            user["state"] = "Active"

    @staticmethod
    def _open_path(path: str) -> bool:
        return path.startswith(OPEN_PREFIXES)

    # -- RBAC ---------------------------------------------------------------------------------------

    def required_permission(self, request: Request) -> tuple[str, str | None] | None:
        """(permission, scope ID or None) the request needs; None for self-service and open calls."""
        path = request.path
        if path.startswith(OPEN_PREFIXES + SELF_SERVICE_PREFIXES):
            return None
        read = request.method in ("GET", "HEAD") or path.startswith(READ_POSTS)
        action = "read" if read else "write"
        parts = path.split("/")
        if path.startswith("/api/gateway_groups"):
            if len(parts) > 3 and parts[3] not in ("count", ""):
                gg = parts[3]
                sub = parts[4] if len(parts) > 4 else ""
                family = {"services": "published_service", "service_registries": "service_registry"}.get(
                    sub, "gateway_group")
                return f"{family}:{action}", gg
            return f"gateway_group:{action}", None
        for prefix, family in FAMILY_PREFIXES:
            if path.startswith(prefix):
                scope = None
                if family in GG_FAMILIES:
                    scope = request.args.get("gateway_group_id") or None
                elif family == "service":
                    scope = self._service_scope(parts)
                return f"{family}:{action}", scope
        return None

    @staticmethod
    def _service_scope(parts: list[str]) -> str | None:
        # /apisix/admin/services/{id}, /api/services/template/{id}, /api/services/{id}/...
        if parts[1:3] == ["apisix", "admin"] and len(parts) > 4 and parts[3] == "services":
            return parts[4]
        if parts[1:3] == ["api", "services"] and len(parts) > 3:
            if parts[3] == "template":
                return parts[4] if len(parts) > 4 else None
            if parts[3] not in ("publish", "conflict_check"):
                return parts[3]
        return None

    def caller_is_admin(self, request: Request) -> bool:
        return self.caller is None or self.granted(self.caller["user"], "role:write", None)

    def granted(self, user: dict, permission: str, scope: str | None) -> bool:
        family, _, action = permission.partition(":")
        for assignment in user.get("roles") or []:
            role = self.roles.get(assignment["id"])
            if role is None:
                continue
            perms = role["permissions"]
            if not ("*" in perms or permission in perms or (action == "read" and f"{family}:write" in perms)):
                continue
            scopes = [s["id"] for s in assignment.get("scopes") or []]
            if not scopes or scope is None or scope in scopes:
                return True
        return False

    def _authorize(self, request: Request) -> Response | None:
        need = self.required_permission(request)
        if need is None or self.caller is None:
            return None
        permission, scope = need
        if self.granted(self.caller["user"], permission, scope):
            return None
        where = f" on {scope}" if scope else ""
        return self.error(403, f"permission denied: user {self.caller['user']['username']} lacks {permission}{where}")

    def _assign(self, user: dict, assignments: list[dict]) -> None:
        roles = []
        for item in assignments:
            role = self.roles.get(item.get("role_id"))
            if role is None:
                self.abort(400, f"role {item.get('role_id')} not found")
            scopes = []
            for sid in item.get("scopes") or []:
                name = (self.gateway_groups.get(sid) or self.services.get(sid) or {}).get("name")
                if name is None:
                    self.abort(400, f"scope {sid} is neither a gateway group nor a service")
                scopes.append({"id": sid, "name": name})
            view = {"id": role["id"], "name": role["name"], "org_id": ORG_ID, "permissions": list(role["permissions"]),
                    "scopes": scopes}
            if role.get("scope_type"):
                view["scope_type"] = role["scope_type"]
            roles.append(view)
        user["roles"] = roles

    # -- audit ----------------------------------------------------------------------------------------

    def audit_entry(self, *, event_type: str, user: dict | None, via: str = "token", token_name: str = "",
                    resource_id: str = "", method: str = "POST", uri: str = "", body: Any = None, status: int = 200,
                    error_message: str = "", event_time: int | None = None) -> dict:
        """One audit log record (also used by tests to add many entries quickly)."""
        self._audit_seq += 1
        operator = {k: (user or {}).get(k, "") for k in ("id", "email", "last_name", "first_name", "username")}
        return {"id": f"al-{self._audit_seq:08d}", "event_time": int(self.clock()) if event_time is None else event_time,
                "operator": operator, "source": "api" if via == "token" else "dashboard", "token_name": token_name,
                "event_type": event_type, "resource_id": resource_id, "ip_address": "127.0.0.1",
                "error_message": error_message,
                "http_request": {"method": method, "uri": uri, "body": body if isinstance(body, dict) else
                                 ({"items": body} if isinstance(body, list) else {}),
                                 "user_agent": ""},
                "http_response": {"status_code": status, "body": {}}}

    def _audit(self, request: Request, response: Response) -> None:
        if request.method in ("GET", "HEAD") or request.path.startswith(UNAUDITED):
            return
        caller = self.caller
        if caller is None and response.status_code == 401:
            return
        try:
            endpoint, args = self.url_map.bind_to_environ(request.environ).match()
        except Exception:  # unknown path or method: nothing to audit
            return
        try:
            body = json.loads(request.get_data() or b"null")
        except ValueError:
            body = None
        if body is None and request.form:
            body = dict(request.form)
        resource_id = ""
        if response.status_code < 300 and response.mimetype == "application/json":
            try:
                value = json.loads(response.get_data()).get("value")
            except (ValueError, AttributeError):
                value = None
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                resource_id = value["id"]
        if not resource_id and args:
            resource_id = str(list(args.values())[-1])
        error = ""
        if response.status_code >= 300 and response.mimetype == "application/json":
            try:
                error = json.loads(response.get_data()).get("error_msg", "")
            except (ValueError, AttributeError):
                error = ""
        user = caller["user"] if caller else (self._user_by_name((body or {}).get("username"))
                                              if isinstance(body, dict) else None)
        query = request.query_string.decode()
        self.audit_logs.append(self.audit_entry(
            event_type=endpoint, user=user, via=caller["via"] if caller else "session",
            token_name=caller["token_name"] if caller else "", resource_id=resource_id, method=request.method,
            uri=request.path + (f"?{query}" if query else ""), body=mask_secrets(body), status=response.status_code,
            error_message=error))

    def event_types(self) -> list[str]:
        cls = type(self)
        names = set()
        for name in dir(cls):
            for _rule, methods in getattr(getattr(cls, name, None), "_emulator_routes", ()):
                if set(methods) - {"GET"}:
                    names.add(name)
        return sorted(names)

    def _audit_filtered(self, request: Request) -> list[dict]:
        args = request.args
        items = self.audit_logs
        if args.get("event_type"):
            items = [i for i in items if i["event_type"] == args["event_type"]]
        if args.get("operator_id"):
            items = [i for i in items if i["operator"]["id"] == args["operator_id"]]
        if args.get("resource_id"):
            items = [i for i in items if i["resource_id"] == args["resource_id"]]
        try:
            start = int(args["start_at"]) if args.get("start_at") else None
            end = int(args["end_at"]) if args.get("end_at") else None
        except ValueError:
            self.abort(400, "start_at and end_at must be integers")
        if start is not None:
            items = [i for i in items if i["event_time"] >= start]
        if end is not None:
            items = [i for i in items if i["event_time"] <= end]
        return items

    @route("/api/audit_logs")
    def list_audit_logs(self, request):
        items = self._audit_filtered(request)
        if (request.args.get("order_by") or "event_time") != "event_time":
            self.abort(400, "order_by must be event_time")
        return self.page(request, items, order_default="event_time", search_keys=("event_type",))

    @route("/api/audit_logs/event_types")
    def list_event_types(self, request):
        items = [{"key": name, "name": name.replace("_", " ").capitalize()} for name in self.event_types()]
        return {"list": items, "total": len(items)}

    @route("/api/audit_logs/export")
    def export_audit_logs(self, request):
        fmt = request.args.get("format")
        if fmt not in ("json", "csv"):
            self.abort(400, "format must be json or csv")
        items = sorted(self._audit_filtered(request), key=lambda i: (i["event_time"], i["id"]), reverse=True)
        name = f"audit_logs.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        body = _json_stream(items) if fmt == "json" else _csv_stream(items)
        return Response(body, 200, headers, mimetype="application/json" if fmt == "json" else "text/csv")

    # -- users -----------------------------------------------------------------------------------------

    @route("/api/users")
    def list_users(self, request):
        users = self._users(request)
        options = request.args.getlist("login_option_name")
        if options:
            users = [u for u in users if (u.get("login_option") or {}).get("name") in options]
        return self.page(request, users, search_keys=("username",))

    @route("/api/users/<user_id>")
    def get_user(self, request, user_id):
        return self.value(self.users.find(user_id))

    @route("/api/users/<user_id>", "DELETE")
    def delete_user(self, request, user_id):
        user = self.users.find(user_id)
        if self.caller and self.caller["user"]["id"] == user_id:
            self.abort(400, "you cannot delete yourself")
        supers = [u for u in self.users.values() if any(r["id"] == ROLE_SUPER for r in u["roles"])]
        if supers == [user]:
            self.abort(400, "cannot delete the last super admin")
        del self.users[user_id]
        self.tokens.purge(lambda token: token["user_id"] == user_id)
        for cookie in [k for k, v in self.sessions.items() if v == user_id]:
            del self.sessions[cookie]
        return self.value({})

    @route("/api/users/<user_id>/password_reset", "PUT")
    def reset_user_password(self, request, user_id):
        user = self.users.find(user_id)
        if (user.get("login_option") or {}).get("provider_type", "built_in") != "built_in":
            self.abort(400, "only users of the built-in login option have a password")
        user["_password"] = self.body(request)["password"]
        user["updated_at"] = self.now()
        for cookie in [k for k, v in self.sessions.items() if v == user_id]:
            del self.sessions[cookie]
        return self.value({})

    @route("/api/users/<user_id>/assigned_roles", "PUT")
    def assign_user_roles(self, request, user_id):
        user = self.users.find(user_id)
        body = self.body(request)
        if any(not isinstance(r, dict) for r in body.get("roles") or []):
            self.abort(400, "roles must be objects with role_id and scopes")
        before = user["roles"]
        self._assign(user, body["roles"])
        if before and any(r["id"] == ROLE_SUPER for r in before) and not any(r["id"] == ROLE_SUPER for r in user["roles"]):
            if not [u for u in self.users.values() if any(r["id"] == ROLE_SUPER for r in u["roles"])]:
                user["roles"] = before
                self.abort(400, "cannot remove the super admin role from the last super admin")
        user["updated_at"] = self.now()
        return self.value(user)

    @route("/api/invites", "POST")
    def invite_user(self, request):
        body = self.body(request)
        if self._user_by_name(body["username"]):
            self.abort(400, f"user {body['username']} already exists")
        t = self.now()
        return self.value(self.users.create({
            "username": body["username"], "first_name": "", "last_name": "", "email": "", "state": "Pending",
            "login_option": {"id": LOGIN_OPTION_BUILTIN, "name": "built-in", "provider_type": "built_in"},
            "roles": [], "created_at": t, "updated_at": t, "_password": body["password"]}))

    @route("/api/me")
    def get_me(self, request):
        return self.value(self.caller["user"])

    @route("/api/me", "PUT")
    def update_me(self, request):
        body = self.body(request)
        user = self.caller["user"]
        user.update(first_name=body["first_name"], last_name=body["last_name"], updated_at=self.now())
        return self.value(user)

    @route("/api/password", "PUT")
    def change_password(self, request):
        body = self.body(request)
        user = self.caller["user"]
        if body.get("old_password") != user.get("_password"):
            self.abort(400, "the old password is incorrect")
        user["_password"] = body["new_password"]
        user["updated_at"] = self.now()
        return self.value({})

    def _login_response(self, user: dict) -> Response:
        self._activate(user)
        cookie = random_id(32)
        self.sessions[cookie] = user["id"]
        self.caller = {"user": user, "via": "session", "token_name": ""}
        response = self.json(self.value(user))
        response.set_cookie(SESSION_COOKIE, cookie, path="/", httponly=True, samesite="Lax")
        return response

    @route("/api/login", "POST")
    def login(self, request):
        body = self.body(request)
        user = self._user_by_name(body.get("username"))
        if user is None or user.get("_password") != body.get("password") or \
                (user.get("login_option") or {}).get("provider_type", "built_in") != "built_in":
            self.abort(401, "invalid username or password")
        return self._login_response(user)

    @route("/api/logout", "POST")
    def logout(self, request):
        self.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        response = self.json(self.value({}))
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- login flows (browser and LDAP) --------------------------------------------------------------------

    def _option(self, option_id: str, kind: str | None = None) -> dict:
        option = self.login_options.find(option_id)
        if kind and option.get("provider_type") != kind:
            self.abort(400, f"login option {option_id} is not of type {kind}")
        return option

    @staticmethod
    def _redirect(location: str, status: int = 307) -> Response:
        return Response("", status, {"Location": location})

    @route("/api/ldap/<option_id>/login", "POST")
    def ldap_login(self, request, option_id):
        option = self._option(option_id, "ldap")
        body = self.body(request)
        if LDAP_DIRECTORY.get(body.get("username")) != body.get("password"):
            self.abort(401, "invalid username or password")
        user = self._user_by_name(body["username"])
        if user is None:
            t = self.now()
            user = self.users.create({"username": body["username"], "first_name": "", "last_name": "", "email": "",
                                      "state": "Active", "roles": [], "created_at": t, "updated_at": t,
                                      "login_option": {k: option[k] for k in ("id", "name", "provider_type")}})
        return self._login_response(user)

    @route("/api/ldap/<option_id>/logout", "POST")
    def ldap_logout(self, request, option_id):
        self._option(option_id, "ldap")
        return self.logout(request)

    @route("/api/oidc/login")
    def oidc_login(self, request):
        return self._redirect("https://idp.example.com/authorize?client_id=api7&state=" + random_id(12))

    @route("/api/oidc/logout", "POST")
    def oidc_logout(self, request):
        return self._redirect("https://idp.example.com/logout")

    @route("/api/oidc/callback")
    def oidc_callback(self, request):
        if not request.args.get("state") or not request.args.get("code"):
            self.abort(400, "state and code are required")
        return self._redirect("/", 303)

    @route("/api/oidc/<option_id>/login")
    def oidc_option_login(self, request, option_id):
        self._option(option_id, "oidc")
        return self._redirect("https://idp.example.com/authorize?state=" + random_id(12))

    @route("/api/oidc/<option_id>/callback")
    def oidc_option_callback(self, request, option_id):
        self._option(option_id, "oidc")
        if not request.args.get("state") or not request.args.get("code"):
            self.abort(400, "state and code are required")
        return self.value({})

    @route("/api/oidc/<option_id>/logout", "POST")
    def oidc_option_logout(self, request, option_id):
        self._option(option_id, "oidc")
        return self._redirect("https://idp.example.com/logout")

    @route("/api/saml/<option_id>/login")
    @route("/api/saml/<option_id>/logout")
    def saml_redirect(self, request, option_id):
        self._option(option_id, "saml")
        return self.value({"redirect_uri": request.args.get("redirect_uri", "/"),
                           "location": "https://idp.example.com/saml/sso"})

    @route("/api/saml/<option_id>/acs", "POST")
    @route("/api/saml/<option_id>/slo", "GET", "POST")
    def saml_callback(self, request, option_id):
        self._option(option_id, "saml")
        source = request.args if request.method == "GET" else request.form
        if request.method == "POST" and request.mimetype != "application/x-www-form-urlencoded":
            self.abort(400, "the SAML callback takes an application/x-www-form-urlencoded body")
        if not source.get("SAMLResponse"):
            self.abort(400, "SAMLResponse is required")
        return self.value({"relay_state": source.get("RelayState", "")})

    @route("/api/saml/<option_id>/metadata")
    def saml_metadata(self, request, option_id):
        option = self._option(option_id, "saml")
        root = (option.get("saml_config") or {}).get("sp_root_url", "")
        return self.value({"entity_id": f"{root}/api/saml/{option_id}/metadata",
                           "metadata": f'<EntityDescriptor entityID="{root}/api/saml/{option_id}/metadata"/>'})

    # -- roles and permissions ------------------------------------------------------------------------

    def _check_permissions(self, permissions: list) -> None:
        unknown = [p for p in permissions if p not in PERMISSION_KEYS]
        if unknown:
            self.abort(400, f"unknown permission {unknown[0]}")

    @staticmethod
    def _scope_type(permissions: list[str]) -> str | None:
        families = {p.partition(":")[0] for p in permissions}
        if families and families <= GG_FAMILIES:
            return "gateway_group"
        if families == {"service"}:
            return "service"
        return None

    @route("/api/roles")
    def list_roles(self, request):
        return self.page(request, list(self.roles.values()), search_keys=("name", "desc"))

    @route("/api/roles", "POST")
    def create_role(self, request):
        body = self.body(request)
        if not body.get("name") or not isinstance(body.get("permissions"), list):
            self.abort(400, "name and permissions are required")
        if len(body.get("desc") or "") > 256:
            self.abort(400, "desc must be at most 256 characters")
        self._check_permissions(body["permissions"])
        self.unique(self.roles, "name", body["name"], f"role {body['name']} already exists")
        t = self.now()
        role = self.roles.create({"name": body["name"], "desc": body.get("desc", ""), "org_id": ORG_ID,
                                  "type": "custom", "permissions": list(dict.fromkeys(body["permissions"])),
                                  "created_at": t, "updated_at": t})
        if self._scope_type(role["permissions"]):
            role["scope_type"] = self._scope_type(role["permissions"])
        return self.value(role)

    @route("/api/roles/<role_id>")
    def get_role(self, request, role_id):
        return self.value(self.roles.find(role_id))

    @route("/api/roles/<role_id>", "PUT")
    def update_role(self, request, role_id):
        role = self.roles.find(role_id)
        if role["type"] == "built_in":
            self.abort(400, "built-in roles cannot be changed")
        body = self.body(request)
        if "permissions" in body:
            self._check_permissions(body["permissions"] or [])
        if body.get("name"):
            self.unique(self.roles, "name", body["name"], f"role {body['name']} already exists", role_id)
        for key in ("name", "desc", "permissions"):
            if key in body:
                role[key] = body[key]
        role.pop("scope_type", None)
        if self._scope_type(role["permissions"]):
            role["scope_type"] = self._scope_type(role["permissions"])
        role["updated_at"] = self.now()
        for user in self.users.values():  # keep the users' role views current
            for view in user["roles"]:
                if view["id"] == role_id:
                    view.update(name=role["name"], permissions=list(role["permissions"]))
        return self.value(role)

    @route("/api/roles/<role_id>", "DELETE")
    def delete_role(self, request, role_id):
        role = self.roles.find(role_id)
        if role["type"] == "built_in":
            self.abort(400, "built-in roles cannot be deleted")
        holders = [u["username"] for u in self.users.values() if any(r["id"] == role_id for r in u["roles"])]
        if holders:
            self.abort(400, f"the role is assigned to user(s) {', '.join(sorted(holders))}; unassign it first")
        return self.remove(self.roles, role_id)

    @route("/api/permissions")
    def list_permissions(self, request):
        items = [{"key": f"{family}:{action}", "group": group, "scope_types": scopes}
                 for family, group, scopes in FAMILIES for action in ("read", "write")]
        return {"list": items, "total": len(items)}

    # IAM (3.6 on in the sandbox): which roles attach a permission policy, and what the caller may do.
    PERMISSION_POLICIES = {"pp-gateway-admin": ("gateway-admin", ROLE_GG_OPERATOR),
                           "pp-read-only": ("read-only", ROLE_VIEWER)}

    @route("/api/permission_policies/<policy_id>/references")
    def permission_policy_references(self, request, policy_id):
        self.since(request, "3.6")
        if policy_id not in self.PERMISSION_POLICIES:
            self.abort(404, f"permission policy {policy_id} not found")
        role_id = self.PERMISSION_POLICIES[policy_id][1]
        role = self.roles.get(role_id) or {}
        items = [{"type": "role", "id": role_id, "name": role.get("name", "")}] if role else []
        return {"list": items, "total": len(items)}

    @route("/api/allow_access", "POST")
    def allow_access(self, request):
        self.since(request, "3.6")
        body = self.body(request)
        checks = body.get("list") if isinstance(body, dict) else None
        if not isinstance(checks, list) or not checks:
            self.abort(400, "list: a non-empty array of {action, resource} is required")
        out = []
        for check in checks:
            if not isinstance(check, dict) or not isinstance(check.get("action"), str) or not check["action"]:
                self.abort(400, "every check needs an action")
            read_only = check["action"].split(":")[-1].startswith(("Get", "List"))
            out.append({"action": check["action"], "resource": check.get("resource", ""),
                        "allowed": read_only or self.caller_is_admin(request)})
        return self.value(out)

    # -- login options ------------------------------------------------------------------------------------

    @route("/api/login_options")
    def list_login_options(self, request):
        items = list(self.login_options.values())
        if request.args.get("name"):
            items = [o for o in items if o["name"] == request.args["name"]]
        return self.page(request, items)

    def _login_option_body(self, body: dict, current: dict | None = None) -> dict:
        kind = body.get("provider_type", (current or {}).get("provider_type"))
        if kind == "built_in" and (current or {}).get("provider_type") != "built_in":
            self.abort(400, "there is only one built-in login option")
        config = {"ldap": "ldap_config", "oidc": "oidc_config", "saml": "saml_config", "cas": "cas_config"}.get(kind)
        merged = {**(current or {}), **body}
        if config and not merged.get(config):
            self.abort(400, f"{config} is required for provider_type {kind}")
        return body

    @route("/api/login_options", "POST")
    def create_login_option(self, request):
        body = self._login_option_body(self.body(request))
        self.unique(self.login_options, "name", body["name"], f"login option {body['name']} already exists")
        return self.insert(self.login_options, {"disable": False, **body})

    @route("/api/login_options/<option_id>")
    def get_login_option(self, request, option_id):
        return self.value(self._option(option_id))

    @route("/api/login_options/<option_id>", "PUT", "PATCH")
    def update_login_option(self, request, option_id):
        option = self._option(option_id)
        body = self._login_option_body(self.body(request), option)
        if body.get("name"):
            self.unique(self.login_options, "name", body["name"], f"login option {body['name']} already exists",
                        option_id)
        self.apply(option, body, replace=request.method == "PUT", keep=("id", "created_at", "provider_type"))
        if request.method == "PATCH":
            for key, val in body.items():
                if isinstance(val, dict) and key.endswith("_config"):
                    option[key] = val
        option["updated_at"] = self.now()
        return self.value(option)

    @route("/api/login_options/<option_id>", "DELETE")
    def delete_login_option(self, request, option_id):
        option = self._option(option_id)
        if option.get("provider_type") == "built_in":
            self.abort(400, "the built-in login option cannot be deleted")
        return self.remove(self.login_options, option_id)

    # -- system settings, SCIM, system info ---------------------------------------------------------------

    @route("/api/system_settings")
    def get_system_settings(self, request):
        return self.value(self.system_settings)

    @route("/api/system_settings", "PUT")
    def update_system_settings(self, request):
        body = self.body(request)
        addresses = body.get("control_plane_address", self.system_settings.get("control_plane_address", []))
        if len(set(addresses)) != len(addresses):
            self.abort(400, "control_plane_address must not contain duplicates")
        self.system_settings.update({k: v for k, v in body.items() if k in ("control_plane_address", "enable_mtls")})
        return self.value(self.system_settings)

    @route("/api/system_settings/scim")
    def get_scim(self, request):
        return self.value({k: v for k, v in self.scim.items() if not k.startswith("_")})

    @route("/api/system_settings/scim", "PUT")
    def update_scim(self, request):
        body = self.body(request)
        if not isinstance(body.get("enable_scim"), bool):
            self.abort(400, "enable_scim must be a boolean")
        self.scim["enable_scim"] = body["enable_scim"]
        return self.value({k: v for k, v in self.scim.items() if not k.startswith("_")})

    @route("/api/system_settings/scim/token", "PUT")
    def generate_scim_token(self, request):
        token = random_id(40, "a7scim-")
        self.scim["_token"] = token
        self.scim["token_generated_at"] = int(self.clock())
        return self.value(token)

    @route("/api/system_infos")
    def system_infos(self, request):
        self.since(request, "3.8.7")
        return self.value({"dashboard_version": self.version, "api_family": self.family, "org_id": ORG_ID,
                           "license_status": self.license.get("status"), "users": len(self.users),
                           "gateway_groups": len(self.gateway_groups), "gateway_instances": len(self.instances),
                           "database": "postgresql", "deployment": "sandbox"})

    # -- alert policies, webhook templates, history ----------------------------------------------------

    def _check_policy_refs(self, body: dict) -> None:
        for gg in body.get("scope") or []:
            if gg not in self.gateway_groups:
                self.abort(400, f"scope: gateway group {gg} not found")
        for wid in body.get("webhook_templates") or []:
            if wid not in self.webhook_templates:
                self.abort(400, f"webhook template {wid} not found")

    @route("/api/alert/policies")
    def list_alert_policies(self, request):
        return self.page(request, list(self.alert_policies.values()))

    @route("/api/alert/policies", "POST")
    def create_alert_policy(self, request):
        body = self.body(request)
        self._check_policy_refs(body)
        self.unique(self.alert_policies, "name", body["name"], f"alert policy {body['name']} already exists")
        return self.insert(self.alert_policies, {"severity": "medium", "enable": False, "check_interval": 300,
                                                 "webhook_templates": [], "trigger_logical_operator": "Any",
                                                 "trigger_conditions": []}, body)

    @route("/api/alert/policies/histories")
    def list_alert_history(self, request):
        return self.page(request, self.alert_history, order_default="created_at",
                         search_keys=("alert_policy_name", "desc"))

    @route("/api/alert/policies/<policy_id>")
    def get_alert_policy(self, request, policy_id):
        return self.value(self.alert_policies.find(policy_id))

    @route("/api/alert/policies/<policy_id>", "PUT", "PATCH")
    def update_alert_policy(self, request, policy_id):
        policy = self.alert_policies.find(policy_id)
        body = self.body(request)
        self._check_policy_refs(body)
        if request.method == "PUT" and not body.get("name"):
            self.abort(400, "name is required")
        keep = ("id", "created_at", "trigger_logical_operator", "trigger_conditions")
        self.apply(policy, body, replace=request.method == "PUT", keep=keep)
        policy.setdefault("scope", [])
        policy["updated_at"] = self.now()
        return self.value(policy)

    @route("/api/alert/policies/<policy_id>", "DELETE")
    def delete_alert_policy(self, request, policy_id):
        return self.remove(self.alert_policies, policy_id)

    @route("/api/alert/policies/<policy_id>/triggers", "PUT")
    def update_alert_triggers(self, request, policy_id):
        policy = self.alert_policies.find(policy_id)
        body = self.body(request)
        if not body.get("trigger_conditions"):
            self.abort(400, "trigger_conditions is required")
        policy.update(trigger_logical_operator=body.get("trigger_logical_operator", "Any"),
                      trigger_conditions=body["trigger_conditions"], updated_at=self.now())
        return self.value(policy)

    def _template_refs(self, template_id: str) -> list[dict]:
        return [p for p in self.alert_policies.values() if template_id in (p.get("webhook_templates") or [])]

    @route("/api/alert/webhook_templates")
    def list_webhook_templates(self, request):
        return self.page(request, list(self.webhook_templates.values()))

    @route("/api/alert/webhook_templates", "POST")
    def create_webhook_template(self, request):
        body = self.body(request)
        self.unique(self.webhook_templates, "name", body["name"], f"webhook template {body['name']} already exists")
        return self.insert(self.webhook_templates, {"method": "POST"}, body)

    @route("/api/alert/webhook_templates/<template_id>")
    def get_webhook_template(self, request, template_id):
        return self.value(self.webhook_templates.find(template_id))

    @route("/api/alert/webhook_templates/<template_id>", "PUT")
    def update_webhook_template(self, request, template_id):
        template = self.webhook_templates.find(template_id)
        self.apply(template, self.body(request), replace=True)
        template.setdefault("method", "POST")
        template["updated_at"] = self.now()
        return self.value(template)

    @route("/api/alert/webhook_templates/<template_id>", "DELETE")
    def delete_webhook_template(self, request, template_id):
        self.webhook_templates.find(template_id)
        refs = self._template_refs(template_id)
        if refs:
            names = ", ".join(sorted(p["name"] for p in refs))
            self.abort(400, f"the webhook template is referenced by alert policy(ies) {names}; remove it from them first")
        return self.remove(self.webhook_templates, template_id)

    @route("/api/alert/webhook_templates/<template_id>/refer")
    def webhook_template_refers(self, request, template_id):
        self.webhook_templates.find(template_id)
        items = [public(p) for p in self._template_refs(template_id)]
        return {"list": items, "total": len(items)}

    # -- custom plugins ---------------------------------------------------------------------------------

    def _plugin_fields(self, body: dict, current_id: str | None = None) -> dict:
        missing = [k for k in ("source_code", "catalog", "description", "documentation_link", "author")
                   if not isinstance(body.get(k), str) or not body.get(k)]
        if missing:
            self.abort(400, f"{missing[0]} is required")
        parsed = parse_plugin_source(body["source_code"])
        if parsed is None:
            self.abort(400, "cannot parse the plugin: the source code sets no name")
        if parsed["name"] in PLUGINS:
            self.abort(400, f"plugin {parsed['name']} is a built-in plugin")
        self.unique(self.custom_plugins, "name", parsed["name"], f"custom plugin {parsed['name']} already exists",
                    current_id)
        return {**body, **parsed}

    @route("/api/custom_plugins")
    def list_custom_plugins(self, request):
        items = list(self.custom_plugins.values())
        if request.args.get("name"):
            items = [p for p in items if p["name"] == request.args["name"]]
        return self.page(request, items, search_keys=("name", "description", "catalog"))

    @route("/api/custom_plugins", "POST")
    def create_custom_plugin(self, request):
        return self.insert(self.custom_plugins, self._plugin_fields(self.body(request)))

    @route("/api/custom_plugins/code/parse", "PUT")
    def parse_custom_plugin(self, request):
        import base64
        import binascii

        self.since(request, "3.6")
        encoded = self.body(request).get("file")
        if not isinstance(encoded, str) or not encoded:
            self.abort(400, "file is required (the plugin's source code, base64)")
        try:
            source = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            self.abort(400, "file must be base64 of the plugin's UTF-8 source code")
        parsed = parse_plugin_source(source)
        if parsed is None:
            self.abort(400, "cannot parse the plugin: the source code sets no name")
        return self.value({**parsed, "schema": {"type": "object"}})

    @route("/api/custom_plugins/<plugin_id>")
    def get_custom_plugin(self, request, plugin_id):
        return self.value(self.custom_plugins.find(plugin_id))

    @route("/api/custom_plugins/<plugin_id>", "PUT")
    def update_custom_plugin(self, request, plugin_id):
        plugin = self.custom_plugins.find(plugin_id)
        return self.rewrite(plugin, self._plugin_fields(self.body(request), plugin_id), replace=True)

    @route("/api/custom_plugins/<plugin_id>", "DELETE")
    def delete_custom_plugin(self, request, plugin_id):
        return self.remove(self.custom_plugins, plugin_id)

    # -- plugin catalogue and usage ------------------------------------------------------------------------

    @route("/api/plugins/catalogs")
    def plugin_catalog(self, request):
        self.since(request, "3.6")
        auth = {"basic-auth", "key-auth", "jwt-auth", "hmac-auth"}
        items = [{"name": p, "catalog": "Authentication" if p in auth else "General", "type": "built_in"}
                 for p in PLUGINS]
        items += [{"name": p["name"], "catalog": p["catalog"], "type": "custom", "description": p["description"]}
                  for p in self.custom_plugins.values()]
        return self.value(items)

    @route("/api/plugins/<plugin_name>/usage")
    def plugin_usage(self, request, plugin_name):
        self.since(request, "3.6")
        if len(plugin_name) > 64 or (plugin_name not in PLUGINS and
                                     all(p["name"] != plugin_name for p in self.custom_plugins.values())):
            self.abort(404, f"plugin {plugin_name} not found")

        def users_of(store: dict, label: str) -> list[dict]:
            return [{"id": o["id"], "name": o.get(label, "")} for o in store.values()
                    if plugin_name in (o.get("plugins") or {})]

        return self.value({"plugin_name": plugin_name, "services": users_of(self.services, "name"),
                           "routes": users_of(self.routes, "name"), "consumers": users_of(self.consumers, "username"),
                           "global_rules": users_of(self.global_rules, "id")})

    # -- API products ---------------------------------------------------------------------------------------

    def _product_body(self, body: dict) -> dict:
        for key in ("name", "raw_openapi", "server_url"):
            if not isinstance(body.get(key), str) or not body[key]:
                self.abort(400, f"{key} is required")
        if len(body["name"]) > 255:
            self.abort(400, "name must be at most 255 characters")
        return body

    PORTALS = {"portal-default": "developers"}  # portal ID -> slug (3.8 on: products belong to a portal)

    def _products(self, request) -> dict:
        """API products (3.6 on); from 3.8 calls may name their portal with ?portal_id=."""
        self.since(request, "3.6")
        portal = request.args.get("portal_id")
        if portal is not None:
            self.since(request, "3.8", "the portal_id parameter needs API7 Enterprise 3.8 or later")
            if portal not in self.PORTALS:
                self.abort(404, f"portal {portal} not found")
        return self.api_products

    @route("/api/api_products")
    def list_api_products(self, request):
        return self.page(request, list(self._products(request).values()))

    @route("/api/<slug>/api_products")
    def portal_api_products(self, request, slug):
        self.since(request, "3.6")
        if slug not in self.PORTALS.values():
            self.abort(404, f"portal {slug} not found")
        return self.page(request, [p for p in self.api_products.values() if p.get("status") == "published"])

    @route("/api/<slug>/api_products/<product_id>")
    def portal_api_product(self, request, slug, product_id):
        self.since(request, "3.6")
        if slug not in self.PORTALS.values():
            self.abort(404, f"portal {slug} not found")
        product = self.api_products.find(product_id)
        if product.get("status") != "published":
            self.abort(404, f"api product {product_id} not found")
        return self.value(product)

    @route("/api/api_products", "POST")
    def create_api_product(self, request):
        return self.insert(self._products(request), self._product_body(self.body(request)), {"status": "published"})

    @route("/api/api_products/<product_id>")
    def get_api_product(self, request, product_id):
        return self.value(self._products(request).find(product_id))

    @route("/api/api_products/<product_id>", "PUT")
    def update_api_product(self, request, product_id):
        product = self._products(request).find(product_id)
        return self.rewrite(product, self._product_body(self.body(request)), replace=True,
                            keep=("id", "created_at", "status"))

    @route("/api/api_products/<product_id>", "PATCH")
    def patch_api_product(self, request, product_id):
        product = self._products(request).find(product_id)
        body = self.body(request)
        if not isinstance(body, dict) or not body:
            self.abort(400, "the body must be a non-empty object of the fields to change")
        unknown = sorted(set(body) - {"name", "raw_openapi", "server_url", "desc", "labels", "status"})
        if unknown:
            self.abort(400, f"unknown field {unknown[0]}")
        merged = self._product_body({**{k: product.get(k) for k in ("name", "raw_openapi", "server_url")}, **body})
        return self.rewrite(product, merged, replace=False)

    @route("/api/api_products/<product_id>", "DELETE")
    def delete_api_product(self, request, product_id):
        return self.remove(self._products(request), product_id)

    # -- Prometheus proxy ------------------------------------------------------------------------------------

    @route("/api/control_plane/prometheus/<path:prom_path>", "GET", "POST")
    def prometheus(self, request, prom_path):
        from urllib.parse import unquote

        prom_path = unquote(prom_path)  # one segment (api%2Fv1%2Fquery) or several (api/v1/query)
        if not prom_path.startswith("api/v1/"):
            self.abort(404, f"unknown Prometheus API path {prom_path}")
        if request.method == "POST" and request.mimetype != "application/x-www-form-urlencoded":
            self.abort(400, "the Prometheus proxy takes an application/x-www-form-urlencoded body")
        params = request.form if request.method == "POST" else request.args
        if prom_path in ("api/v1/query", "api/v1/query_range") and not params.get("query"):
            return self.value({"status": "error", "errorType": "bad_data", "error": "parameter 'query' is missing"})
        now = int(self.clock())
        sample = [{"metric": {"__name__": "apisix_http_status", "code": "200", "gateway_group_id": gg},
                   "value": [now, str(100 + i)]} for i, gg in enumerate(sorted(self.gateway_groups))]
        return self.value({"status": "success", "data": {"resultType": "vector", "result": sample},
                           "query": params.get("query", "")})

    # -- data plane reports -----------------------------------------------------------------------------------

    @route("/api/dataplane/heartbeat", "POST")
    def dataplane_heartbeat(self, request):
        body = self.body(request)
        self.dp_reports.append(("heartbeat", body))
        inst = self.instances.get(body["instance_id"])
        if inst is not None:
            inst.update(last_heartbeat_time=int(self.clock()), status="Healthy")
        return self.value({"config_revision": body.get("conf_server_revision", "")})

    @route("/api/dataplane/metrics", "POST")
    def dataplane_metrics(self, request):
        self.dp_reports.append(("metrics", self.body(request)))
        return self.value({})

    @route("/api/dataplane/healthcheck", "POST")
    def dataplane_healthcheck(self, request):
        body = self.body(request)
        if not body.get("instance_id") or not isinstance(body.get("data", []), list):
            self.abort(400, "instance_id is required and data must be an array")
        self.dp_reports.append(("healthcheck", body))
        return self.value({})


def _json_stream(items: list[dict], batch: int = 200) -> Iterator[bytes]:
    yield b"["
    for start in range(0, len(items), batch):
        chunk = ",\n".join(json.dumps(i, separators=(",", ":")) for i in items[start:start + batch])
        yield ((",\n" if start else "\n") + chunk).encode()
    yield b"\n]\n"


def _csv_stream(items: list[dict], batch: int = 200) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for start in range(0, len(items), batch):
        for i in items[start:start + batch]:
            request, response = i.get("http_request") or {}, i.get("http_response") or {}
            writer.writerow([i["id"], i["event_time"], i["event_type"], i["operator"].get("id", ""),
                             i["operator"].get("username", ""), i["source"], i["token_name"], i["resource_id"],
                             i["ip_address"], request.get("method", ""), request.get("uri", ""),
                             response.get("status_code", ""), i.get("error_message", "")])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if not items:
        yield buffer.getvalue().encode()
