"""`gwctl api7`: API7 Enterprise gateway configuration.

`app` is a LazyGroup: `gwctl api7 --help` lists the resources from the names below
without importing their modules. A resource declared in gwctl.resources.api7 gets its
CRUD verbs from gwctl.cli.verbs (`resource_group`) and its own verbs from the module its
declaration names (``extra``); other commands are a gwctl/cli/api7/<module>.py with a
Typer `app`. Either way, one line here.
"""

from __future__ import annotations

from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

P = "gwctl.cli.api7."

ENTRIES = {
    "gateway-groups": ("gwctl.cli.verbs:resource_group", "Gateway groups, counts, instance tokens, DP certificates.", "api7", "gateway-groups"),
    "services": ("gwctl.cli.verbs:resource_group", "Services (design time): CRUD, publish, where published.", "api7", "services"),
    "published-services": ("gwctl.cli.verbs:resource_group", "Services running in a gateway group: versions, runtime config.", "api7",
                           "published-services"),
    "routes": ("gwctl.cli.verbs:resource_group", "Routes of services.", "api7", "routes"),
    "consumers": ("gwctl.cli.verbs:resource_group", "Consumers of a gateway group and their credentials.", "api7", "consumers"),
    "ssls": ("gwctl.cli.verbs:resource_group", "TLS certificates of a gateway group.", "api7", "ssls"),
    "global-rules": ("gwctl.cli.verbs:resource_group", "Plugins applied to every request of a gateway group.", "api7", "global-rules"),
    "plugin-metadata": ("gwctl.cli.verbs:resource_group", "Plugin metadata of a gateway group.", "api7", "plugin-metadata"),
    "plugins": (P + "plugins:app", "Available plugins and their schemas."),
    "secrets": ("gwctl.cli.verbs:resource_group", "Secret managers (Vault) of a gateway group.", "api7", "secrets"),
    "variables": (P + "variables:app", "Built-in variables."),
    "service-registries": ("gwctl.cli.verbs:resource_group", "Kubernetes and Nacos service registries.", "api7", "service-registries"),
    "service-versions": (P + "service_versions:app", "Published service versions and route versions."),
    "instances": (P + "instances:app", "Gateway instances, status counts, cores."),
    "tokens": ("gwctl.cli.verbs:resource_group", "API tokens (X-API-KEY): create, regenerate, delete.", "api7", "tokens"),
    "openapi": (P + "openapi:app", "OpenAPI import, export and conversion."),
    "labels": (P + "server_info:labels_app", "Labels in use per resource type."),
    "schema": (P + "server_info:schema_app", "JSON schemas of core resources and plugins."),
    "license": (P + "server_info:license_app", "The API7 Enterprise license."),
    "version": (P + "server_info:version_app", "Dashboard version and the API family gwctl uses."),
    "users": ("gwctl.cli.verbs:resource_group", "Dashboard users: invite, reset passwords, assign roles.", "api7", "users"),
    "me": (P + "me:app", "The calling user: details, name, password."),
    "login": (P + "session:login_app", "Log in with a password and store the session cookie."),
    "logout": (P + "session:logout_app", "End the stored dashboard session."),
    "roles": ("gwctl.cli.verbs:resource_group", "RBAC roles.", "api7", "roles"),
    "permissions": (P + "roles:permissions_app", "The permissions roles can grant."),
    "permission-policies": (P + "roles:policies_app", "IAM permission policies: what refers to them."),
    "allow-access": (P + "roles:access_app", "Check which actions the calling user may perform."),
    "login-options": ("gwctl.cli.verbs:resource_group", "LDAP, OIDC, SAML and CAS logins of the dashboard.", "api7", "login-options"),
    "system-settings": (P + "settings:settings_app", "Control-plane addresses and data-plane mTLS."),
    "scim": (P + "settings:scim_app", "SCIM provisioning settings and token."),
    "system-info": (P + "settings:info_app", "System information of the dashboard."),
    "alert-policies": ("gwctl.cli.verbs:resource_group", "Alert policies and their triggers.", "api7", "alert-policies"),
    "webhook-templates": ("gwctl.cli.verbs:resource_group", "Webhook templates alerts are sent with.", "api7", "webhook-templates"),
    "alert-history": (P + "alerts:history_app", "Alerts that fired."),
    "audit-logs": (P + "audit_logs:app", "Audit logs: list, event types, streaming export."),
    "custom-plugins": ("gwctl.cli.verbs:resource_group", "Custom Lua plugins.", "api7", "custom-plugins"),
    "api-products": ("gwctl.cli.verbs:resource_group", "API products of the developer portal.", "api7", "api-products"),
    "prometheus": (P + "prometheus:app", "Query Prometheus through the dashboard."),
    "config": ("gwctl.cli.config_code.commands:config_group", "Configuration as code: dump, validate, diff, apply.",
               "api7"),
    "api": ("gwctl.cli.raw_api:api_app", "Send a raw request with the profile's auth (escape hatch).", "api7"),
    "operations": ("gwctl.cli.catalogue:operations_app", "List every API operation and the command for it.", "api7"),
}

SECTIONS = {
    "Gateway configuration": ["gateway-groups", "services", "published-services", "routes", "consumers", "ssls",
                              "global-rules", "plugin-metadata", "plugins", "secrets", "variables",
                              "service-registries", "service-versions", "config"],
    "Operations": ["instances", "tokens", "openapi", "labels", "schema", "license", "version", "prometheus"],
    "Administration": ["users", "me", "login", "logout", "roles", "permissions", "permission-policies",
                       "allow-access", "login-options", "system-settings",
                       "scim", "system-info", "alert-policies", "webhook-templates", "alert-history", "audit-logs",
                       "custom-plugins", "api-products"],
    "Raw API": ["api", "operations"],
}

app = LazyGroup(name="api7", help=PRODUCTS["api7"].help, entries=ENTRIES, sections=SECTIONS)
