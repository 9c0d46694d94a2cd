"""`gwctl api7`: API7 Enterprise gateway configuration, one module per resource.

`app` is a LazyGroup: `gwctl api7 --help` lists the resources from the names below
without importing their modules. To add a resource, write gwctl/cli/api7/<resource>.py
with a Typer `app` and add one line here.
"""

from __future__ import annotations

from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

P = "gwctl.cli.api7."

ENTRIES = {
    "gateway-groups": (P + "gateway_groups:app", "Gateway groups, counts, instance tokens, DP certificates."),
    "services": (P + "services:app", "Services (design time): CRUD, publish, where published."),
    "published-services": (P + "published_services:app", "Services running in a gateway group: versions, runtime config."),
    "routes": ("gwctl.cli.verbs:resource_group", "Routes of services.", "api7", "routes"),
    "consumers": (P + "consumers:app", "Consumers of a gateway group and their credentials."),
    "ssls": (P + "ssls:app", "TLS certificates of a gateway group."),
    "global-rules": (P + "global_rules:app", "Plugins applied to every request of a gateway group."),
    "plugin-metadata": (P + "plugin_metadata:app", "Plugin metadata of a gateway group."),
    "plugins": (P + "plugins:app", "Available plugins and their schemas."),
    "secrets": (P + "secrets:app", "Secret managers (Vault) of a gateway group."),
    "variables": (P + "variables:app", "Built-in variables."),
    "service-registries": (P + "service_registries:app", "Kubernetes and Nacos service registries."),
    "service-versions": (P + "service_versions:app", "Published service versions and route versions."),
    "instances": (P + "instances:app", "Gateway instances, status counts, cores."),
    "tokens": (P + "tokens:app", "API tokens (X-API-KEY): create, regenerate, delete."),
    "openapi": (P + "openapi:app", "OpenAPI import, export and conversion."),
    "labels": (P + "misc:labels_app", "Labels in use per resource type."),
    "schema": (P + "misc:schema_app", "JSON schemas of core resources and plugins."),
    "license": (P + "misc:license_app", "The API7 Enterprise license."),
    "version": (P + "misc:version_app", "Dashboard version and the API family gwctl uses."),
    "users": (P + "users:app", "Dashboard users: invite, reset passwords, assign roles."),
    "me": (P + "me:app", "The calling user: details, name, password."),
    "login": (P + "session:login_app", "Log in with a password and store the session cookie."),
    "logout": (P + "session:logout_app", "End the stored dashboard session."),
    "roles": (P + "roles:app", "RBAC roles and the label-impact analysis."),
    "permissions": (P + "roles:permissions_app", "The permissions roles can grant."),
    "login-options": (P + "login_options:app", "LDAP, OIDC, SAML and CAS logins of the dashboard."),
    "system-settings": (P + "settings:settings_app", "Control-plane addresses and data-plane mTLS."),
    "scim": (P + "settings:scim_app", "SCIM provisioning settings and token."),
    "system-info": (P + "settings:info_app", "System information of the dashboard."),
    "alert-policies": (P + "alerts:policies_app", "Alert policies and their triggers."),
    "webhook-templates": (P + "alerts:templates_app", "Webhook templates alerts are sent with."),
    "alert-history": (P + "alerts:history_app", "Alerts that fired."),
    "audit-logs": (P + "audit_logs:app", "Audit logs: list, event types, streaming export."),
    "custom-plugins": (P + "custom_plugins:app", "Custom Lua plugins."),
    "api-products": (P + "api_products:app", "API products of the developer portal."),
    "prometheus": (P + "prometheus:app", "Query Prometheus through the dashboard."),
    "api": ("gwctl.cli.raw_api:api_app", "Send a raw request with the profile's auth (escape hatch).", "api7"),
    "operations": ("gwctl.cli.catalogue:operations_app", "List every API operation and the command for it.", "api7"),
}

SECTIONS = {
    "Gateway configuration": ["gateway-groups", "services", "published-services", "routes", "consumers", "ssls",
                              "global-rules", "plugin-metadata", "plugins", "secrets", "variables",
                              "service-registries", "service-versions"],
    "Operations": ["instances", "tokens", "openapi", "labels", "schema", "license", "version", "prometheus"],
    "Administration": ["users", "me", "login", "logout", "roles", "permissions", "login-options", "system-settings",
                       "scim", "system-info", "alert-policies", "webhook-templates", "alert-history", "audit-logs",
                       "custom-plugins", "api-products"],
    "Raw API": ["api", "operations"],
}

app = LazyGroup(name="api7", help=PRODUCTS["api7"].help, entries=ENTRIES, sections=SECTIONS)
