"""API7 Enterprise administration resources (users, RBAC roles, login options, alerts, custom
plugins, API products, API tokens): API facts and presentation, declared once.

Appended to ``gwctl.resources.api7.RESOURCES``. Product verbs (invite, reset-password,
assign-roles, label-impact, triggers, refers, parse, the developer side of API products,
token regeneration) are hand-written in the modules ``extra`` names, on the shared flows.

``gwctl.resources.api7`` lists them after the gateway-configuration resources.
"""

from __future__ import annotations


from gwctl.columns import Column, cols
from gwctl.resources import Field, Filter, Resource
from gwctl.errors import UsageError
from gwctl.resources.api7_fields import DIRECTION, MODELS, SEARCH, TIME_FIELDS, UUID, order_by, ts
from gwctl.resources.values import expires_at, text_file

HOOKS = "gwctl.cli.api7.admin_hooks"
P = "gwctl.cli.api7."
# Server versions of operations outside the admin API specs 3.2.9-3.2.14 (see gwctl.resources.api7).
REFERENCE_3_2_11 = {"since": "3.2.11", "source": "API reference 3.2.11.1; path in the permission reference 3.2.14.0"}
CHANGELOG = {"since": "3.6", "source": "API changelog 3.6-3.9"}
# api-products --portal-id: the calls take a portal_id query parameter from 3.8 on.
PORTAL_ID = {"since": "3.8", "source": "API changelog 3.6-3.9"}
_CU = ("created_at", "updated_at")
# Secret fields of login options' provider configs: never shown in tables, learned for redaction.
LOGIN_CONFIG_KEYS = ("ldap_config", "oidc_config", "saml_config", "cas_config")
LOGIN_SECRET_KEYS = ("client_secret", "bind_password", "private_key", "client_key")


def webhook_headers(values: list[str]) -> list[dict[str, str]]:
    headers = []
    for raw in values:
        key, sep, value = raw.partition(":")
        if not sep or not key.strip():
            raise UsageError(f"invalid --header {raw!r}: expected NAME:VALUE")
        headers.append({"name": key.strip(), "value": value.strip()})
    return headers


# --- users -------------------------------------------------------------------------------------

def _user_roles(user: dict) -> str:
    out = []
    for role in user.get("roles") or []:
        scopes = ",".join(s.get("name") or s.get("id", "") for s in role.get("scopes") or [])
        out.append(f"{role.get('name', role.get('id'))}" + (f"[{scopes}]" if scopes else ""))
    return " ".join(out)


USER_COLUMNS = cols("id", "username",
                    Column("name", lambda u: " ".join(p for p in (u.get("first_name"), u.get("last_name")) if p)),
                    "state", Column("roles", _user_roles), Column("login_option", "login_option.name"),
                    ts("updated-at"), Column("email", "email", default=False), ts("created-at", default=False))

USERS = Resource(
    "api7", "users", "user", "/api/users", id_pattern=UUID, name_fields=("username",),
    paging="page", envelope="list", verbs=("list", "get", "delete"),
    help="Dashboard users: invite, list, reset passwords, assign roles.",
    columns=USER_COLUMNS,
    filters=(Filter("roles", "--role", "Only users holding this role ID.", kind="list", metavar="ROLE_ID", short="-r"),
             Filter("login_option_name", "--login-option", "Only users of this login option.", kind="list",
                    metavar="NAME"),
             order_by(*_CU), DIRECTION),
    summaries={"list": "List dashboard users", "get": "Show a user and their roles",
               "delete": "Delete users; their tokens and sessions stop working at once; several IDs or usernames, "
                         "or - to read them from stdin"},
    example_ref='{user_id}',
    examples={'list': 'api7 users list --role viewer_id --login-option built-in'},
    hooks=HOOKS, extra=P + "users:app",
)


# --- roles -------------------------------------------------------------------------------------

def _permissions(role: dict) -> str:
    perms = role.get("permissions") or []
    return "all" if "*" in perms else ",".join(perms)


ROLES = Resource(
    "api7", "roles", "role", "/api/roles", id_pattern=UUID, search_param="search", paging="page", envelope="list",
    verbs=("list", "get", "create", "update", "delete"),
    versions={v: REFERENCE_3_2_11 for v in ("create", "update", "delete")},
    update="put", models={"create": f"{MODELS}:RoleWrite", "update": f"{MODELS}:RoleWrite"},
    managed=(*TIME_FIELDS, "type", "scope_type", "org_id"),
    help="RBAC roles: permissions granted to users (optionally per gateway group or service).",
    columns=cols("id", "name", "type", "scope_type", Column("permissions", _permissions), "desc", ts("updated-at"),
                 Column("org_id", "org_id", default=False), ts("created-at", default=False)),
    fields=(Field("name", "--name", "Role name.", short="-n", required=True),
            Field("permissions", "--permission", "Permission key, e.g. consumer:write (see `gwctl api7 permissions "
                  "list`).", kind="list", metavar="KEY", required=True),
            Field("desc", "--description", "Description (up to 256 chars).", short="-d", aliases=("--desc",))),
    filters=(SEARCH, order_by(*_CU), DIRECTION),
    summaries={"list": "List roles, built-in and custom", "get": "Show a role and its permissions",
               "create": "Create a custom role",
               "update": "Replace a custom role's name, description and permissions; fields not given keep their "
                         "current value",
               "delete": "Delete custom roles (a role still assigned to users is refused); several IDs or names, "
                         "or - to read them from stdin"},
    examples={"list": "api7 roles list --search operator", "get": "api7 roles get gateway-operator",
              "create": "api7 roles create --name consumer-admin --permission consumer:write "
                        "--permission gateway_group:read",
              "update": "api7 roles update {role_id} --permission consumer:write --permission ssl:read",
              "delete": "api7 roles delete {role_id} --yes"},
    hooks=HOOKS,
)


# --- login options -------------------------------------------------------------------------------

def _login_endpoint(option: dict) -> str:
    """The provider address, never a secret."""
    for key in LOGIN_CONFIG_KEYS:
        conf = option.get(key) or {}
        for field in ("issuer", "idp_metadata_url", "url", "host"):
            if conf.get(field):
                return str(conf[field]) + (f":{conf['port']}" if field == "host" and conf.get("port") else "")
    return ""


def _login_secrets(option: dict) -> str:
    names = [k for key in LOGIN_CONFIG_KEYS for k in LOGIN_SECRET_KEYS if (option.get(key) or {}).get(k)]
    return ",".join(f"{n}(set)" for n in names)


LOGIN_OPTIONS = Resource(
    "api7", "login-options", "login option", "/api/login_options", id_pattern=UUID, search_param="search",
    paging="page", envelope="list",
    update="put", models={"create": f"{MODELS}:LoginOptionWrite", "update": f"{MODELS}:LoginOptionWrite",
                          "patch": f"{MODELS}:LoginOptionPatch"},
    secrets=tuple(f"{c}.{s}" for c in LOGIN_CONFIG_KEYS for s in LOGIN_SECRET_KEYS),
    help="Dashboard login options (LDAP, OIDC, SAML, CAS, built-in); provider configs come from --from-file and "
         "their secrets are never shown in tables.",
    columns=cols("id", "name", "provider_type", Column("disabled", "disable"), Column("endpoint", _login_endpoint),
                 Column("secrets", _login_secrets), ts("updated-at"), ts("created-at", default=False)),
    # update replaces the whole option: --from-file only (patch changes single fields).
    fields=(Field("name", "--name", "Login option name.", short="-n", on=("create", "patch")),
            Field("provider_type", "--provider-type", "Provider type (the matching *_config comes from --from-file).",
                  choices=("ldap", "oidc", "saml", "cas"), metavar="ldap|oidc|saml|cas", on=("create",)),
            Field("disable", "--disable/--enable", "Disable or enable the login option.", kind="bool",
                  on=("create", "patch"))),
    filters=(Filter("name", "--name", "Only the login option with this name.", short="-n"), order_by(*_CU),
             DIRECTION),
    summaries={"create": "Create a login option from a file holding its provider config",
               "get": "Show a login option (secrets are shown only as (set) in tables)",
               "update": "Replace a login option: --from-file holds the whole option (patch changes single fields)",
               "patch": "Change some fields of a login option (the vendor's PATCH needs the name: the current one "
                        "is sent along)",
               "delete": "Delete login options (the built-in one cannot be deleted); several IDs or names, or - to "
                         "read them from stdin"},
    example_ref='{login_option_id}',
    examples={'get': 'api7 login-options get corp-ldap',
              'create': 'api7 login-options create --from-file {login_option_file}',
              'update': 'api7 login-options update {login_option_id} --from-file {ldap_option_file}',
              'patch': 'api7 login-options patch {login_option_id} --disable'},
    hooks=HOOKS,
)


# --- alert policies and webhook templates ----------------------------------------------------------

ALERT_POLICIES = Resource(
    "api7", "alert-policies", "alert policy", "/api/alert/policies", id_pattern=UUID, search_param="search",
    paging="page", envelope="list",
    update="put", models={"create": f"{MODELS}:AlertPolicyCreate", "update": f"{MODELS}:AlertPolicyUpdate",
                          "patch": f"{MODELS}:AlertPolicyPatch"},
    # triggers are set with `alert-policies triggers`; a PUT keeps them
    managed=(*TIME_FIELDS, "trigger_logical_operator", "trigger_conditions"),
    refs={"scope": "gateway-groups", "webhook_templates": "webhook-templates"},
    help="Alert policies: what to watch, how often, which webhooks to call.",
    columns=cols("id", "name", "severity", "enable", Column("scope", lambda p: ",".join(p.get("scope") or [])),
                 "check_interval", Column("webhooks", lambda p: ",".join(p.get("webhook_templates") or [])),
                 Column("triggers", lambda p: len(p.get("trigger_conditions") or [])), ts("updated-at"),
                 Column("desc", "desc", default=False), ts("created-at", default=False)),
    fields=(Field("name", "--name", "Policy name.", short="-n", required=True),
            Field("scope", "--gateway-group", "Gateway group the policy watches.", kind="ref", ref="gateway-groups",
                  many=True, short="-g", required=True),
            Field("severity", "--severity", "Severity.", choices=("high", "medium", "low"), metavar="high|medium|low"),
            Field("desc", "--description", "Description.", short="-d", aliases=("--desc",)),
            Field("enable", "--enable/--disable", "Turn the policy on or off.", kind="bool"),
            Field("check_interval", "--check-interval", "How often to check (60..86400 s).", kind="int",
                  metavar="SECONDS"),
            Field("webhook_templates", "--webhook-template", "Webhook template to call (up to 10).", kind="ref",
                  ref="webhook-templates", many=True, short="-w"),
            Field("title", "--title", "Alert title (1..128 chars)."),
            Field("detail", "--detail", "Alert detail text (1..128 chars).")),
    filters=(SEARCH, order_by(*_CU), DIRECTION),
    summaries={"get": "Show an alert policy with its triggers",
               "create": "Create an alert policy for gateway groups (set its triggers with `triggers`)",
               "update": "Replace an alert policy; fields not given keep their current value"},
    example_ref='{alert_policy_id}',
    examples={'create': 'api7 alert-policies create --name latency -g default --severity low',
              'update': 'api7 alert-policies update {alert_policy_id} --check-interval 600 --title 5xx',
              'patch': 'api7 alert-policies patch {alert_policy_id} --disable'},
    hooks=HOOKS, extra=P + "alerts:policies_app",
)

WEBHOOK_TEMPLATES = Resource(
    "api7", "webhook-templates", "webhook template", "/api/alert/webhook_templates", id_pattern=UUID,
    search_param="search", paging="page", envelope="list", verbs=("list", "get", "create", "update", "delete"),
    update="put", models={"create": f"{MODELS}:WebhookTemplateWrite", "update": f"{MODELS}:WebhookTemplateWrite"},
    help="Webhook templates alert policies send to.",
    columns=cols("id", "name", "method", "url", "skip_tls_verify", "desc", ts("updated-at"),
                 Column("template", "template", default=False), ts("created-at", default=False)),
    fields=(Field("name", "--name", "Template name (1..20 chars).", short="-n", required=True),
            Field("url", "--url", "Webhook URL (the request is a POST).", required=True),
            Field("template", "--template", "Go template of the request body.", metavar="FILE|-", required=True,
                  transform=text_file("--template")),
            Field("desc", "--description", "Description.", short="-d", aliases=("--desc",)),
            Field("skip_tls_verify", "--skip-tls-verify/--verify-tls",
                  "Skip TLS verification of the webhook URL (create: verify unless told).", kind="bool",
                  default=False),
            Field("headers", "--header", "Extra request header.", kind="list", metavar="NAME:VALUE", short="-H",
                  transform=webhook_headers)),
    filters=(SEARCH, order_by(*_CU), DIRECTION),
    summaries={"update": "Replace a webhook template; fields not given keep their current value",
               "delete": "Delete webhook templates (one still used by an alert policy is refused); several IDs or "
                         "names, or - to read them from stdin"},
    example_ref='{spare_template_id}',
    examples={'get': 'api7 webhook-templates get {webhook_template_id}',
              'create': 'api7 webhook-templates create --name teams --url https://hooks.example.com/teams '
                        '--template {template_file}',
              'update': 'api7 webhook-templates update {webhook_template_id} --url https://hooks.example.com/new'},
    hooks=HOOKS, extra=P + "alerts:templates_app",
)


# --- custom plugins and API products -----------------------------------------------------------------

CUSTOM_PLUGINS = Resource(
    "api7", "custom-plugins", "custom plugin", "/api/custom_plugins", id_pattern=UUID, search_param="search",
    paging="page", envelope="list", verbs=("list", "get", "create", "update", "delete"), versions={"*": REFERENCE_3_2_11},
    update="put", models={"create": f"{MODELS}:CustomPluginWrite", "update": f"{MODELS}:CustomPluginWrite"},
    managed=(*TIME_FIELDS, "name", "version", "priority"),  # the server reads them from the source
    help="Custom Lua plugins: upload, update, parse, delete.",
    columns=cols("id", "name", "version", "priority", "catalog", "author", ts("updated-at"),
                 Column("description", "description", default=False),
                 Column("documentation_link", "documentation_link", default=False), ts("created-at", default=False)),
    fields=(Field("source_code", "--source", "Lua source file of the plugin (- for stdin); its name comes from it.",
                  metavar="FILE|-", aliases=("-s",), required=True, transform=text_file("--source")),
            Field("catalog", "--catalog", "Catalog, e.g. Traffic or Observability.", required=True),
            Field("description", "--description", "Short description.", short="-d", required=True),
            Field("documentation_link", "--doc-link", "Link to the plugin's documentation.", metavar="URL",
                  required=True),
            Field("author", "--author", "Author.", required=True),
            Field("logo", "--logo", "Logo (URL or base64 image).")),
    filters=(Filter("name", "--name", "Only the plugin with this name.", short="-n"), SEARCH, order_by(*_CU),
             DIRECTION),
    summaries={"create": "Upload a custom plugin; its name comes from the source",
               "get": "Show a custom plugin, source included in JSON",
               "update": "Replace a custom plugin; fields not given keep their current value"},
    example_ref='{custom_plugin_id}',
    examples={'create': "api7 custom-plugins create --source {plugin_file} --catalog Traffic --description 'Echo' --doc-link https://docs.example.com/echo --author ops",
              'update': 'api7 custom-plugins update {custom_plugin_id} --description updated'},
    hooks=HOOKS, extra=P + "custom_plugins:app",
)

API_PRODUCTS = Resource(
    "api7", "api-products", "API product", "/api/api_products", id_pattern=UUID, search_param="search",
    paging="page", envelope="list", verbs=("list", "get", "create", "update", "patch", "delete"),
    own_verbs=("list", "get"), versions={"*": CHANGELOG},
    update="put", models={"create": f"{MODELS}:ApiProductWrite", "update": f"{MODELS}:ApiProductWrite",
                          "patch": f"{MODELS}:ApiProductPatch"},
    managed=(*TIME_FIELDS, "status"),
    help="API products of the developer portal (provider and developer side).",
    columns=cols("id", "name", "server_url", "status", ts("updated-at"), ts("created-at", default=False)),
    fields=(Field("name", "--name", "Product name (1..255 chars).", short="-n", required=True),
            Field("raw_openapi", "--openapi", "OpenAPI document (YAML or JSON) of the product.", metavar="FILE|-",
                  required=True, transform=text_file("--openapi")),
            Field("server_url", "--server-url", "Server URL, if the OpenAPI document has none.", metavar="URL",
                  required=True)),
    filters=(SEARCH, order_by(*_CU), DIRECTION),
    summaries={"create": "Create an API product from an OpenAPI document",
               "delete": "Delete API products (dashboards differ on the path: --path corrects it); several "
                         "IDs or names, or - to read them from stdin",
               "update": "Replace an API product; fields not given keep their current value",
               "patch": "Change some fields of an API product (the others are kept by the server)"},
    example_ref='{api_product_id}',
    examples={'create': 'api7 api-products create --name Echo --openapi {openapi_file} --server-url '
                        'https://echo.example.com',
              'update': 'api7 api-products update {api_product_id} --server-url https://api2.example.com/petstore',
              'patch': 'api7 api-products patch {api_product_id} --name Petstore-v2'},
    hooks=HOOKS, extra=P + "api_products:app",
)


# --- API tokens --------------------------------------------------------------------------------------

TOKEN_COLUMNS = cols("id", "name", "user_name", ts("expires-at"), ts("last-used-at"), ts("created-at"),
                     Column("user_id", "user_id", default=False), ts("updated-at", default=False))

TOKENS = Resource(
    "api7", "tokens", "token", "/api/settings/tokens", variants={"3.2.14": "/api/tokens"},
    id_pattern=UUID, search_param="search", paging="page", envelope="list",
    verbs=("list", "get", "create", "update", "delete"),
    update="put", models={"create": f"{MODELS}:TokenCreate", "update": f"{MODELS}:TokenUpdate"},
    managed=(*TIME_FIELDS, "user_id", "user_name", "last_used_at", "token"), secrets=("token",),
    help="API tokens (sent as X-API-KEY); the path moved in 3.2.14 (/api/settings/tokens -> /api/tokens).",
    columns=TOKEN_COLUMNS,
    fields=(Field("name", "--name", "Token name (1..40 chars).", short="-n", required=True),
            Field("expires_at", "--expires-in", "Lifetime: 90d, 12h, 30m, 3600s, or never.", metavar="DURATION",
                  required=True, on=("create",), transform=expires_at)),
    filters=(SEARCH, order_by(*_CU, "expires_at"), DIRECTION),
    summaries={"create": "Create a token and print it once (--out: write it to FILE, 0600, and print only metadata)",
               "update": "Rename a token",
               "delete": "Delete tokens; they stop working at once; several IDs or names, or - to read them from "
                         "stdin"},
    example_ref='{token_id}',
    examples={'list': 'api7 tokens list --order-by expires_at --direction asc',
              'create': 'api7 tokens create --name demo --expires-in 90d',
              'update': 'api7 tokens update {token_id} --name ci-renamed'},
    hooks=HOOKS, extra=P + "tokens:app",
)

ADMIN_RESOURCES = (USERS, ROLES, LOGIN_OPTIONS, ALERT_POLICIES, WEBHOOK_TEMPLATES, CUSTOM_PLUGINS, API_PRODUCTS,
                   TOKENS)
