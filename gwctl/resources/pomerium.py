"""Pomerium Zero console API resources (/api/v0): API facts and presentation, declared once.

Paths sit under /organizations/{org} (the profile's org, or --org) and clusters' under
/organizations/{org}/clusters/{cluster} (--cluster). Lists are bare arrays; routes,
policies, key pairs and service accounts page with offset/limit. Routes, policies and key
pairs live in a namespace: their lists take --namespace (default: the cluster's namespace,
else the organization's root one with its descendants), and a write without one goes to
the cluster's namespace (see gwctl.cli.pomerium.resource_hooks).
"""

from __future__ import annotations

from typing import Any, Callable

from gwctl.columns import Column, cols
from gwctl.resources import Field, Filter, Resource

HOOKS = "gwctl.cli.pomerium.resource_hooks"
MODELS = "gwctl.api.pomerium.models"
ORG = "/organizations/{org}"
CLUSTER = ORG + "/clusters/{cluster}"
STAMPS = ("id", "createdAt", "updatedAt")
NAMESPACED = ("org", "namespace")
PATCH_SUMMARY = ("Change fields of a {} with a JSON Patch: the flags set their fields, --from-file adds any "
                 "RFC 6902 operations")


def names(items: Any) -> str:
    return ",".join(str(i.get("name", i.get("id", ""))) for i in items or [] if isinstance(i, dict))


def text_file(flag: str) -> Callable[[str], str]:
    """A flag naming a PEM file: its content goes into the body."""
    def read(path: str) -> str:
        from pathlib import Path

        from gwctl.resources.values import read_text

        return read_text(str(Path(path).expanduser()) if path != "-" else path, f"{flag} {path}")
    return read


def _cert(k: dict) -> dict:
    return (k.get("certificateInfo") or [{}])[0] or {}


# --- list filters of namespaced resources (checked and resolved by the list_params hook)
NAMESPACE_FILTER = Filter("namespaceId", "--namespace", "Namespace ID (default: the cluster's namespace; without a "
                          "cluster, the organization's root namespace).", metavar="NAMESPACE_ID")
DESCENDANTS = Filter("includeDescendants", "--include-descendants/--no-include-descendants",
                     "Include resources of descendant namespaces (default: on when listing the root namespace).",
                     kind="bool")
ORDER_BY = Filter("orderBy", "--order-by", "Sort by these fields; prefix - for descending.", kind="list",
                  metavar="FIELD[,-FIELD]")
FILTER = Filter("filter", "--filter", 'Server-side filter, e.g. \'{"items":[{"field":"name","operator":"contains",'
                '"value":"web"}]}\'.', metavar="JSON")
SCOPED_FILTERS = (NAMESPACE_FILTER, DESCENDANTS, ORDER_BY, FILTER)
NAMESPACE = Field("namespaceId", "--namespace", "Namespace ID (default on create: the cluster's namespace).",
                  metavar="NAMESPACE_ID")

ROUTES = Resource(
    "pomerium", "routes", "route", ORG + "/routes", paging="offset", scope=NAMESPACED,
    models={"create": f"{MODELS}:RouteCreate", "update": f"{MODELS}:RouteReplace"},
    managed=(*STAMPS, "policies", "enforcedPolicies", "enforcedPolicyIds"), refs={"policyIds": "policies"},
    verbs=("list", "get", "create", "update", "patch", "delete"), patch_body="json-patch",
    help="Routes: list, get, create, update, patch, delete, matching certificates.",
    columns=(Column("id", "id"), Column("name", "name"), Column("from", "from"), Column("to", "to"),
             Column("policies", lambda r: names(r.get("policies"))),
             Column("enforced", lambda r: names(r.get("enforcedPolicies")), header="ENFORCED_POLICIES",
                    default=False),
             Column("namespace", "namespaceId"), Column("updated", "updatedAt")),
    fields=(Field("name", "--name", "Route name (1-128 characters)."),
            Field("from", "--from", "External URL, e.g. https://app.example.com.", metavar="URL"),
            Field("to", "--to", "Upstream URL.", kind="list", metavar="URL"),
            Field("policyIds", "--policy", "Policy to assign, by name or ID (replaces the list on update).",
                  kind="ref", ref="policies", many=True, metavar="NAME|ID"),
            NAMESPACE,
            Field("description", "--description", "Description shown in the console.", short="-d")),
    filters=SCOPED_FILTERS,
    summaries={"list": "List routes of a namespace, paging with offset/limit",
               "create": "Create a route; without --namespace it goes to the cluster's namespace",
               "update": "Replace a route: --from-file is the full body; flags alone change those fields of the "
                         "current route",
               "patch": PATCH_SUMMARY.format("route")},
    example_ref='{route}',
    examples={'list': 'pomerium routes list --order-by -updatedAt --limit 10',
              'patch': 'pomerium routes patch {route} --description "Dashboards"',
              'create': 'pomerium routes create --name demo --from https://demo.happy-otter-1234.pomerium.app '
                        '--to http://demo.internal:8080 --policy employees',
              'update': 'pomerium routes update {route} --to http://grafana-v2.internal:3000'},
    hooks=HOOKS, extra="gwctl.cli.pomerium.routes:app",
)

POLICIES = Resource(
    "pomerium", "policies", "policy", ORG + "/policies", paging="offset", scope=NAMESPACED,
    models={"create": f"{MODELS}:PolicyCreate", "update": f"{MODELS}:PolicyReplace"},
    managed=(*STAMPS, "routes", "enforcedRoutes"), verbs=("list", "get", "create", "update", "patch", "delete"),
    patch_body="json-patch",
    help="Policies (PPL): list, get, create, update, patch, delete.",
    columns=(Column("id", "id"), Column("name", "name"), Column("enforced", "enforced"),
             Column("routes", lambda p: names(p.get("routes"))), Column("namespace", "namespaceId"),
             Column("description", "description", default=False), Column("updated", "updatedAt")),
    fields=(Field("name", "--name", "Policy name (1-128 characters)."),
            NAMESPACE,
            Field("enforced", "--enforced/--not-enforced", "Enforced policies apply to every route of the namespace.",
                  kind="bool"),
            Field("ppl", "--ppl", 'PPL rule(s), e.g. \'{"allow":{"and":[{"domain":{"is":"example.com"}}]}}\'.',
                  kind="json", metavar="JSON|YAML"),
            # Shortcuts the check hook turns into ppl (never sent as such).
            Field("allowDomain", "--allow-domain", "Shortcut PPL: allow users of this email domain.", kind="list",
                  metavar="DOMAIN"),
            Field("allowEmail", "--allow-email", "Shortcut PPL: allow this user.", kind="list", metavar="EMAIL"),
            Field("description", "--description", "Description.", short="-d"),
            Field("explanation", "--explanation", "Shown to users who are denied."),
            Field("remediation", "--remediation", "What a denied user can do about it.")),
    filters=SCOPED_FILTERS,
    summaries={"list": "List policies of a namespace, paging with offset/limit",
               "create": "Create a policy; without --namespace it goes to the cluster's namespace",
               "update": "Replace a policy: --from-file is the full body; flags alone change those fields of the "
                         "current policy",
               "patch": PATCH_SUMMARY.format("policy"),
               "delete": "Delete policies (one still used by a route is refused); several IDs or names, or - to "
                         "read them from stdin"},
    examples={"list": "pomerium policies list --order-by assigned",
              "patch": "pomerium policies patch {policy} --not-enforced --explanation 'Employees only'",
              "get": "pomerium policies get employees",
              "create": "pomerium policies create --name testers --allow-domain example.com",
              "update": "pomerium policies update {policy} --description updated",
              "delete": "pomerium policies delete {unused_policy} --yes"},
    hooks=HOOKS,
)

KEY_PAIRS = Resource(
    "pomerium", "key-pairs", "key pair", ORG + "/keyPairs", paging="offset", scope=NAMESPACED,
    models={"create": f"{MODELS}:KeyPairCreate", "update": f"{MODELS}:KeyPairReplace"},
    managed=(*STAMPS, "hasKey", "origin", "status", "certificateInfo"), secrets=("key",),
    verbs=("list", "get", "create", "update", "patch", "delete"), patch_body="json-patch",
    help="Certificates and keys: list, get, create, update, patch, delete.",
    columns=(Column("id", "id"), Column("name", "name"), Column("status", "status"), Column("origin", "origin"),
             Column("has-key", "hasKey"), Column("subject", lambda k: (_cert(k).get("subject") or {}).get("commonName")),
             Column("issuer", lambda k: (_cert(k).get("issuer") or {}).get("commonName"), default=False),
             Column("dns-names", lambda k: _cert(k).get("dnsNames"), default=False),
             Column("not-after", lambda k: _cert(k).get("notAfter")), Column("namespace", "namespaceId")),
    fields=(Field("name", "--name", "Key pair name."),
            Field("certificate", "--cert-file", "Certificate (chain) in PEM.", metavar="PEM",
                  transform=text_file("--cert-file")),
            Field("key", "--key-file", "Private key in PEM (never printed).", metavar="PEM",
                  transform=text_file("--key-file")),
            NAMESPACE),
    filters=SCOPED_FILTERS,
    summaries={"create": "Upload a certificate and/or key",
               "update": "Update a key pair; a certificate or key left out keeps its value",
               "patch": PATCH_SUMMARY.format("key pair")},
    examples={"list": "pomerium key-pairs list --order-by notAfter", "get": "pomerium key-pairs get wildcard",
              "create": "pomerium key-pairs create --name placeholder",
              "update": "pomerium key-pairs update {key_pair} --name renamed",
              "patch": "pomerium key-pairs patch {key_pair} --name wildcard-2026",
              "delete": "pomerium key-pairs delete {unused_key_pair} --yes"},
    hooks=HOOKS,
)

CLUSTERS = Resource(
    "pomerium", "clusters", "cluster", ORG + "/clusters", scope=("org",), default_ref="cluster",
    models={"create": f"{MODELS}:ClusterCreate", "update": f"{MODELS}:ClusterReplace"}, managed=STAMPS,
    secrets=("refreshToken",), verbs=("list", "get", "create", "update", "delete"),
    help="Clusters: CRUD, replicas, health checks, logs, ping, cluster token rotation.",
    columns=(Column("id", "id"), Column("name", "name"), Column("fqdn", "fqdn"), Column("flavor", "flavor"),
             Column("namespace", "namespaceId"), Column("failing-checks", "hasFailingHealthChecks"),
             Column("domain", "domain", default=False),
             Column("ip", lambda c: c.get("manualOverrideIpAddress") or c.get("autoDetectIpAddress"), default=False),
             Column("onboarding", "onboardingStatus", default=False)),
    fields=(Field("name", "--name", "Cluster name."),
            Field("domain", "--domain", "Subdomain slug of the cluster (lowercase letters, digits, -).",
                  metavar="SLUG", on=("create",)),
            Field("manualOverrideIpAddress", "--ip", "Manual override of the cluster's public IP address.",
                  metavar="IP"),
            Field("flavor", "--flavor", "standard or hosted.", metavar="FLAVOR")),
    summaries={"list": "List the organization's clusters",
               "create": "Create a cluster and print its cluster token once (--out FILE: to FILE, 0600)",
               "update": "Update a cluster's name, IP override or flavor; fields not given keep their values",
               "delete": "Delete clusters with their routes, policies and settings; several IDs or names, or - to "
                         "read them from stdin"},
    example_ref='{delete_cluster}',
    examples={'get': 'pomerium clusters get {cluster}',
              'create': 'pomerium clusters create --name edge --domain shiny-fox-4321',
              'update': 'pomerium clusters update {cluster} --name prod-eu'},
    hooks=HOOKS, extra="gwctl.cli.pomerium.clusters:app",
)

ORGANIZATIONS = Resource(
    "pomerium", "organizations", "organization", "/organizations", default_ref="org",
    models={"update": f"{MODELS}:OrganizationReplace"},
    managed=(*STAMPS, "ownerUserId", "organizationType", "role", "readOnly", "joinedAt"),
    verbs=("list", "get", "update", "delete"),
    help="Organizations you belong to: list, get, create, update, delete.",
    columns=(Column("id", "id"), Column("name", "name"), Column("type", "organizationType"), Column("role", "role"),
             Column("owner", "ownerUserId"), Column("read-only", "readOnly", default=False),
             Column("joined", "joinedAt", default=False)),
    fields=(Field("name", "--name", "Organization name."),
            Field("logoURL", "--logo-url", "Logo URL.", metavar="URL"),
            Field("ownerUserId", "--owner", "Transfer ownership to this member.", metavar="USER_ID")),
    summaries={"list": "List the organizations you belong to, with your role",
               "get": "Show an organization with its quotas",
               "update": "Update an organization's name, logo or owner; fields not given keep their values",
               "delete": "Delete organizations with everything in them; several IDs or names, or - to read them "
                         "from stdin"},
    example_ref='{org}',
    examples={'update': "pomerium organizations update {org} --name 'Acme Corporation'"},
    hooks=HOOKS, extra="gwctl.cli.pomerium.organizations:app",
)

SERVICE_ACCOUNTS = Resource(
    "pomerium", "service-accounts", "service account", CLUSTER + "/serviceAccounts", paging="offset",
    scope=("org", "cluster"), name_fields=(), secrets=("token",), verbs=("list", "get", "create", "patch", "delete"),
    models={"create": f"{MODELS}:ServiceAccountCreate"}, patch_body="json-patch",
    help="Cluster service accounts and their tokens.",
    columns=(Column("id", "id"), Column("description", "description"), Column("user-id", "userId"),
             Column("expires", "expiresAt"), Column("created", "createdAt")),
    fields=(Field("userId", "--user-id", "User ID the service account acts as.", metavar="USER_ID",
                  required=True, on=("create",)),
            Field("description", "--description", "What the account is for.", short="-d", default=""),
            Field("expiresAt", "--expires-at", "Expiry, RFC 3339 (default: never).", metavar="TIME")),
    summaries={"list": "List the cluster's service accounts, paging with offset/limit",
               "create": "Create a service account and print its token once (--out FILE: to FILE, 0600)",
               "patch": PATCH_SUMMARY.format("service account")},
    example_ref='{service_account}',
    examples={'create': 'pomerium service-accounts create --user-id deploy-bot --description ci',
              'patch': 'pomerium service-accounts patch {service_account} --description "deploy bot (ci)"'},
    hooks=HOOKS, extra="gwctl.cli.pomerium.service_accounts:app",
)

CUSTOM_DOMAINS = Resource(
    "pomerium", "custom-domains", "custom domain", ORG + "/customDomains", scope=("org", "cluster"),
    name_fields=("domainName",), verbs=("list", "delete"),
    help="Custom domains of a cluster: list, add, retry, delete.",
    columns=(Column("id", "id"), Column("domain", "domainName"), Column("cluster", "clusterId"),
             Column("key-pair", "keyPairId"), Column("expires", "expiresAt"), Column("last-error", "lastError")),
    summaries={"list": "List the cluster's custom domains (?clusterId= the profile's cluster, or --cluster)"},
    example_ref='{custom_domain}',
    hooks=HOOKS, extra="gwctl.cli.pomerium.custom_domains:app",
)

INVITATIONS = Resource(
    "pomerium", "invitations", "invitation", ORG + "/invitations", scope=("org",), name_fields=("email",),
    verbs=("list", "delete"),
    help="Invitations to the organization, and the ones you received.",
    columns=cols("id", "email", "role", Column("created", "createdAt")),
    summaries={"list": "List the organization's pending invitations",
               "delete": "Delete pending invitations; several IDs or emails, or - to read them from stdin"},
    example_ref='{invitation}',
    hooks=HOOKS, extra="gwctl.cli.pomerium.invitations:app",
)

NAMESPACES = Resource(
    "pomerium", "namespaces", "namespace", ORG + "/namespaces", scope=("org",), verbs=("list",),
    help="Namespaces of the organization.",
    columns=(Column("id", "id"), Column("name", "name"), Column("type", "type"), Column("parent", "parentId"),
             Column("role", "role"), Column("created", "createdAt", default=False)),
    summaries={"list": "List the organization's namespaces with your role in each"},
    examples={"list": "pomerium namespaces list"}, example_ref="{namespace}",
    hooks=HOOKS,
)

TYPE_NAMES = {"user_type_interactive": "interactive", "user_type_api_access": "api-access"}

USERS = Resource(
    "pomerium", "users", "user", ORG + "/users", scope=("org",), name_fields=("email",), verbs=("list",),
    help="Users of the organization, API users and their refresh tokens.",
    columns=(Column("id", "id"), Column("email", "email"), Column("name", "displayName"),
             Column("type", "type", fmt=lambda v: TYPE_NAMES.get(v, v or "")), Column("role", "organizationRole"),
             Column("last-logged-in", "lastLoggedIn"), Column("created", "createdAt", default=False)),
    filters=(Filter("userType", "--type", "interactive or api-access.", metavar="TYPE"),),
    summaries={"list": "List the organization's users with their roles"},
    examples={"list": "pomerium users list --type api-access"}, example_ref="{user}",
    hooks=HOOKS, extra="gwctl.cli.pomerium.users:app",
)

RESOURCES = (ORGANIZATIONS, USERS, INVITATIONS, CLUSTERS, NAMESPACES, ROUTES, POLICIES, KEY_PAIRS, SERVICE_ACCOUNTS,
             CUSTOM_DOMAINS)

# --- configuration as code (gwctl pomerium config): the organization's namespaced objects and the
# cluster's settings and service accounts, dependencies first
from gwctl.resources.config_code import ConfigSpec, Kind  # noqa: E402

ROUTE_FLAGS = ("allowWebsockets", "allowSpdy", "tlsSkipVerify", "tlsUpstreamAllowRenegotiation", "preserveHostHeader",
               "enableGoogleCloudServerlessAuthentication", "showErrorDetails")
# Pomerium's documented defaults of these settings (the console API states only address's); a PUT must
# carry all of them, and a dump leaves out the values equal to them.
SETTINGS_DEFAULTS = {
    "logLevel": "info", "address": ":443", "dnsLookupFamily": "V4_PREFERRED", "timeoutRead": "30s",
    "timeoutWrite": "0s", "timeoutIdle": "5m", "codecType": "auto", "cookieName": "_pomerium", "cookieHttpOnly": True,
    "cookieExpire": "14h", "defaultUpstreamTimeout": "30s", "skipXffAppend": False, "passIdentityHeaders": False,
    "autoApplyChangesets": True}
SETTINGS = Resource(
    "pomerium", "settings", "cluster settings", CLUSTER + "/settings", item_path=CLUSTER + "/settings",
    scope=("org", "cluster"), name_fields=(), verbs=("get", "update"), managed=STAMPS,
    models={"update": f"{MODELS}:SettingsWrite"})
NS = ("namespaceId", "namespaces")

CONFIG = ConfigSpec("pomerium", (
    Kind("namespaces", "name", fields=("name",), create="cannot be created through the API", delete=False),
    Kind("policies", "name", refs={"namespace": NS}, defaults={"enforced": False}),
    Kind("key-pairs", "name", refs={"namespace": NS}, secrets={"key": "hasKey"}),
    Kind("routes", "name", refs={"namespace": NS, "policies": ("policyIds", "policies")},
         defaults=dict.fromkeys(ROUTE_FLAGS, False)),
    Kind("settings", "settings", singleton=True, defaults=SETTINGS_DEFAULTS, res=SETTINGS),
    # Metadata only: creating one returns its token once (apply writes it under --secrets-out).
    Kind("service-accounts", "description", fields=("description", "userId", "expiresAt"), mints="token"),
), scope={"organization": "org", "cluster": "cluster"}, hooks="gwctl.cli.pomerium.config_hooks",
   example_kinds="policies,routes")
