"""API7 Enterprise resources (Admin API 3.2.x): API facts and presentation, declared once."""

from __future__ import annotations

import time
from typing import Any

from gwctl.columns import Column, cols
from gwctl.resources import Field, Filter, Resource

HOOKS = "gwctl.cli.api7.resource_hooks"
MODELS = "gwctl.api.api7.models"
TIME_FIELDS = ("id", "created_at", "updated_at")


def fmt_time(value: Any) -> str:
    """Unix seconds (or milliseconds) as UTC; 0 is never."""
    if value in (None, "", 0):
        return "" if value != 0 else "never"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number > 1e12:  # milliseconds
        number /= 1000
    try:
        if number < 0:
            raise ValueError("before 1970")
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(number))
    except (OverflowError, OSError, ValueError):  # NaN, negative or out of range: as the server sent it
        return str(value)


def ts(name: str, key: str | None = None, default: bool = True) -> Column:
    return Column(name, key or name.replace("-", "_"), fmt=fmt_time, default=default)


def methods(value: list[str]) -> list[str]:
    return [m.upper() for m in value]


_CU = ("created_at", "updated_at")
SEARCH = Filter("search", "--search", "Only items matching TEXT.", metavar="TEXT", short="-s")
LABELS = Filter("labels", "--label", "Only items with this label.", kind="labels", short="-l")
DIRECTION = Filter("direction", "--direction", "Sort direction (the API's default is desc).", choices=("asc", "desc"))


def order_by(*choices: str) -> Filter:
    return Filter("order_by", "--order-by", "Sort field.", choices=choices, metavar="FIELD")


UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
GG = ("gateway_group",)  # scope: the profile's gateway group, or --gateway-group (see resource_hooks)

# Gateway-group-scoped resources under /apisix/admin take the group as the query parameter
# gateway_group_id (the vendor spec): client call -> True (required) or False (sent when one is
# selected). Calls not listed send none. Paths under /api/gateway_groups/{gateway_group} carry it
# in the path instead.
GATEWAY_GROUP_QUERY: dict[str, dict[str, bool]] = {
    "consumers": {"list": True, "create": True, "replace": False},
    "ssls": {"list": True, "create": True, "replace": False},
    "global-rules": {"list": True, "read": True, "create": True, "replace": True, "delete": True},
    "plugin-metadata": {"read": True, "replace": True, "delete": True},
    "secrets": {"list": True, "read": False, "replace": True, "delete": True},
}

NAME = Field("name", "--name", "Name.", short="-n")
DESC = Field("desc", "--desc", "Description.")
SET_LABELS = Field("labels", "--label", "Label to set.", kind="labels", short="-l")
PLUGINS = Field("plugins", "--plugin", "Plugin and its JSON config, e.g. cors or 'limit-count={\"count\":10}'.",
                kind="plugins")


def usage_error(message: str) -> Exception:
    from gwctl.errors import UsageError

    return UsageError(message)


def nodes_text(upstream: Any) -> str:
    nodes = (upstream or {}).get("nodes") or [] if isinstance(upstream, dict) else []
    return ",".join(f"{n.get('host')}:{n.get('port')}" for n in nodes if isinstance(n, dict))


def parse_nodes(values: list[str], flag: str = "--upstream-node") -> list[dict]:
    """HOST:PORT[:WEIGHT] (weight 100) -> upstream nodes."""
    nodes = []
    for raw in values:
        parts = raw.rsplit(":", 2) if raw.count(":") >= 2 else raw.rsplit(":", 1)
        try:
            host, port = parts[0], int(parts[1])
            weight = int(parts[2]) if len(parts) > 2 else 100
        except (IndexError, ValueError):
            raise usage_error(f"invalid {flag} {raw!r}: expected HOST:PORT[:WEIGHT]") from None
        nodes.append({"host": host, "port": port, "weight": weight})
    return nodes


def stdin_or(flag: str) -> Callable[[str], str]:
    """A credential flag's value; '-' reads it from the first line of stdin (keeps it out of shell history)."""
    def read(raw: str) -> str:
        if raw != "-":
            return raw
        import sys

        value = sys.stdin.readline().strip()
        if not value:
            raise usage_error(f"{flag}: stdin was empty")
        return value
    return read


def key_auth(raw: str) -> dict[str, str]:
    return {"key": stdin_or("--key-auth")(raw)}


def basic_auth(raw: str) -> dict[str, str]:
    user, sep, password = stdin_or("--basic-auth")(raw).partition(":")
    if not sep or not user or not password:
        raise usage_error("invalid --basic-auth: expected USER:PASSWORD")
    return {"username": user, "password": password}


def text_file(flag: str) -> Callable[[str], str]:
    """A flag naming a PEM (text) file: its content goes into the body."""
    def read(path: str) -> str:
        from pathlib import Path

        try:
            return Path(path).read_text()
        except OSError as exc:
            raise usage_error(f"cannot read {flag} {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise usage_error(f"{flag} {path} is not a PEM text file") from None
    return read


def k8s_api(url: str) -> dict[str, Any]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return {"service": {"schema": parts.scheme or "https", "host": parts.hostname or "",
                        "port": str(parts.port or (443 if parts.scheme == "https" else 80))}}


def split_secret(value: str) -> tuple[str, str]:
    """A secret's ID: vault/NAME (or NAME; vault is the only manager the API supports)."""
    manager, sep, sid = value.partition("/")
    if not sep:
        manager, sid = "vault", value
    if manager != "vault" or not sid or "/" in sid:
        raise usage_error(f"invalid secret {value!r}: expected vault/NAME (only vault is supported)")
    return manager, sid


def _plugin_names(item: dict) -> str:
    return ",".join(item.get("plugins") or {})


AUTH_PLUGINS = ("key-auth", "basic-auth", "jwt-auth", "hmac-auth", "openid-connect", "ldap-auth")

ROUTES = Resource(
    "api7", "routes", "route", "/apisix/admin/routes",
    variants={"3.2.14": "/api/routes/template"},
    paging="page", envelope="list", search_param="search",
    update="put", models={"create": f"{MODELS}:RouteWrite", "update": f"{MODELS}:RouteReplace",
                          "patch": f"{MODELS}:RoutePatch"},
    managed=TIME_FIELDS, refs={"service_id": "services"}, parent="services",
    help="Routes of design-time services.",
    columns=cols("id", "name", "service_id", Column("methods", lambda r: ",".join(r.get("methods") or []) or "*"),
                 "paths", ts("updated-at"), Column("labels", "labels", default=False),
                 Column("desc", "desc", default=False),
                 Column("plugins", _plugin_names, default=False),
                 Column("websocket", "enable_websocket", default=False)),
    fields=(Field("name", "--name", "Route name (1..255 chars).", short="-n", argument=True),
            Field("service_id", "--service", "Owning service (name or ID; required on create).", kind="ref",
                  ref="services", on=("create", "update")),
            Field("paths", "--path", "Path after the service's prefix.", kind="list", metavar="/PATH"),
            Field("methods", "--method", "HTTP method (none = all).", kind="list", short="-m", metavar="METHOD",
                  transform=methods),
            DESC, SET_LABELS, PLUGINS,
            Field("enable_websocket", "--websocket", "Enable WebSocket proxying.", kind="bool")),
    filters=(Filter("service_id", "--service", "Only routes of this service (name or ID).", metavar="NAME|ID",
                    ref="services"),
             SEARCH, LABELS, order_by(*_CU), DIRECTION),
    examples={"list": "api7 routes list --service {service_id}", "get": "api7 routes get {route_id}",
              "create": "api7 routes create get-headers --service {service_id} --path /headers -m GET",
              "update": "api7 routes update {route_id} --path /ip --path /ip/v2",
              "patch": "api7 routes patch {route_id} --desc 'client IP'",
              "delete": "api7 routes delete {route_id} --yes"},
    hooks=HOOKS,
)

SERVICES = Resource(
    "api7", "services", "service", "/apisix/admin/services",
    variants={"3.2.14": "/api/services/template"}, id_pattern=UUID,
    paging="page", envelope="list", search_param="search",
    update="put", models={"create": f"{MODELS}:ServiceWrite", "update": f"{MODELS}:ServiceWrite",
                          "patch": f"{MODELS}:ServicePatch"},
    managed=(*TIME_FIELDS, "published_gateway_groups_count", "last_published"),
    help="Services (design-time templates): create, edit, publish to gateway groups.",
    columns=cols("id", "name", "hosts", "path_prefix", Column("upstream", lambda s: nodes_text(s.get("upstream"))),
                 Column("published", "published_gateway_groups_count", header="PUBLISHED_IN"), ts("updated-at"),
                 Column("labels", "labels", default=False), Column("desc", "desc", default=False),
                 ts("last-published", default=False), ts("created-at", default=False)),
    fields=(Field("name", "--name", "Service name (1..255 chars).", short="-n", argument=True),
            DESC, SET_LABELS,
            Field("hosts", "--host", "Host the service answers.", kind="list", metavar="HOST"),
            Field("path_prefix", "--path-prefix", "Path prefix, starting with /.", metavar="/PREFIX"),
            Field("strip_path_prefix", "--strip-path-prefix/--keep-path-prefix",
                  "Strip the prefix before proxying (API default: strip).", kind="bool"),
            Field("upstream.nodes", "--upstream-node", "Upstream node (weight 100).", kind="list",
                  metavar="HOST:PORT[:WEIGHT]", transform=parse_nodes),
            Field("upstream.scheme", "--scheme", "Upstream scheme.", choices=("http", "https", "grpc", "grpcs"),
                  metavar="http|https|grpc|grpcs"),
            PLUGINS),
    filters=(SEARCH, LABELS, order_by(*_CU, "last_published"), DIRECTION,
             Filter("gateway_group_id", "--published-in", "Only services published in this gateway group "
                    "(name or ID).", metavar="NAME|ID")),
    summaries={"update": "Replace a service; with --from-file the file is the whole new service, with flags "
                         "only the current service changes by them",
               "delete": "Delete services and their routes (unpublish them first); several IDs or names, "
                         "or - to read them from stdin",
               "patch": "Change fields of a service (--dry-run: the server only validates)"},
    examples={"list": "api7 services list --search httpbin --order-by created_at",
              "get": "api7 services get {service_id}",
              "create": "api7 services create shop --path-prefix /shop --upstream-node shop.internal:8080",
              "update": "api7 services update {service_id} --upstream-node 10.0.0.5:8080",
              "patch": "api7 services patch {service_id} --desc 'v2 backend'",
              "delete": "api7 services delete {unpublished_service_id} --yes"},
    hooks=HOOKS, extra="gwctl.cli.api7.services:app",
)

CONSUMERS = Resource(
    "api7", "consumers", "consumer", "/apisix/admin/consumers", id_pattern=UUID,
    name_fields=("username",), search_param="search", paging="page", envelope="list", scope=GG,
    update="put", models={"create": f"{MODELS}:ConsumerWrite", "update": f"{MODELS}:ConsumerReplace",
                          "patch": f"{MODELS}:ConsumerPatch"},
    managed=(*TIME_FIELDS, "gateway_group_id"),
    secrets=("plugins.key-auth.key", "plugins.basic-auth.password"),
    help="Consumers of a gateway group; credentials are auth plugins (key-auth, basic-auth, ...).",
    columns=cols("id", "username", "desc",
                 Column("credentials", lambda c: ",".join(p for p in (c.get("plugins") or {}) if p in AUTH_PLUGINS)),
                 "labels", ts("updated-at"), Column("gateway_group_id", "gateway_group_id", default=False),
                 ts("created-at", default=False)),
    fields=(Field("username", "--username", "Username (letters, digits, _ and -).", short="-u", argument=True),
            DESC, SET_LABELS,
            Field("plugins", "--plugin", PLUGINS.help.rstrip(".") + "; update adds it to the consumer's plugins, "
                  "patch replaces them.", kind="plugins", merge=True),
            Field("plugins.key-auth", "--key-auth", "Add a key-auth credential with this key (- reads it from stdin).",
                  metavar="KEY|-", transform=key_auth),
            Field("plugins.basic-auth", "--basic-auth",
                  "Add a basic-auth credential (- reads USER:PASSWORD from stdin).", metavar="USER:PASSWORD|-",
                  transform=basic_auth)),
    filters=(SEARCH, LABELS, order_by(*_CU), DIRECTION),
    summaries={"update": "Replace a consumer; with flags only the current consumer changes by them (the vendor's "
                         "PUT schema allows only letters, digits and _ in usernames)"},
    examples={"list": "api7 consumers list -g default", "get": "api7 consumers get alice",
              "create": "api7 consumers create carol --desc 'mobile app'",
              "update": "api7 consumers update {consumer_id} --desc updated",
              "patch": "api7 consumers patch {consumer_id} --desc patched",
              "delete": "api7 consumers delete {consumer_id} --yes"},
    hooks=HOOKS,
)

SSLS = Resource(
    "api7", "ssls", "ssl", "/apisix/admin/ssls", id_pattern=UUID, name_fields=(),
    paging="page", envelope="list", scope=GG, verbs=("list", "get", "create", "update", "delete"),
    update="put", models={"create": f"{MODELS}:SslWrite", "update": f"{MODELS}:SslWrite"},
    managed=(*TIME_FIELDS, "gateway_group_id", "validity_start", "validity_end", "exptime"), secrets=("key",),
    help="TLS certificates (SSL objects) of a gateway group.",
    columns=cols("id", "snis", "type", "status", ts("validity-end"), ts("updated-at"),
                 Column("labels", "labels", default=False), ts("validity-start", default=False)),
    fields=(Field("cert", "--cert", "PEM certificate file.", metavar="FILE", transform=text_file("--cert")),
            Field("key", "--key", "PEM private key file.", metavar="FILE", transform=text_file("--key")),
            Field("snis", "--sni", "SNI to match.", kind="list", metavar="HOST"),
            Field("type", "--type", "server (clients) or client (upstream mTLS).", choices=("server", "client"),
                  metavar="server|client"),
            SET_LABELS,
            Field("client.ca", "--client-ca", "CA for client certificate verification (mTLS).", metavar="FILE",
                  transform=text_file("--client-ca")),
            Field("status", "--status", "0 = active, 1 = inactive (3.2.11 docs).", kind="int", metavar="0|1")),
    filters=(SEARCH, LABELS, order_by(*_CU), DIRECTION),
    summaries={"create": "Add a certificate to a gateway group",
               "update": "Replace a certificate: the whole object, give --cert and --key"},
    examples={"list": "api7 ssls list -g default", "get": "api7 ssls get {ssl_id}",
              "create": "api7 ssls create --cert {cert_file} --key {key_file} --sni www.example.com",
              "update": "api7 ssls update {ssl_id} --cert {cert_file} --key {key_file} --sni www.example.com",
              "delete": "api7 ssls delete {ssl_id} --yes"},
    hooks=HOOKS,
)

GLOBAL_RULES = Resource(
    "api7", "global-rules", "global rule", "/apisix/admin/global_rules", id_pattern=UUID, name_fields=(),
    paging="page", envelope="list", scope=GG, verbs=("list", "get", "create", "update", "delete"),
    update="put", models={"create": f"{MODELS}:GlobalRuleWrite", "update": f"{MODELS}:GlobalRuleWrite"},
    managed=(*TIME_FIELDS, "gateway_group_id"),
    help="Global rules: plugins applied to every request of a gateway group.",
    columns=cols("id", Column("plugins", _plugin_names), ts("updated-at"), ts("created-at", default=False)),
    fields=(PLUGINS,),
    filters=(SEARCH, order_by(*_CU), DIRECTION),
    summaries={"update": "Replace a global rule's plugins"},
    examples={"list": "api7 global-rules list -g default", "get": "api7 global-rules get {global_rule_id} -o json",
              "create": "api7 global-rules create --plugin prometheus --plugin request-id",
              "update": "api7 global-rules update {global_rule_id} --plugin prometheus",
              "delete": "api7 global-rules delete {global_rule_id} --yes"},
    hooks=HOOKS,
)

PLUGIN_METADATA = Resource(
    "api7", "plugin-metadata", "plugin metadata", "/apisix/admin/plugin_metadata", name_fields=(),
    verbs=("get", "delete"), scope=GG, managed=(),
    help="Plugin metadata of a gateway group (shared settings of a plugin).",
    summaries={"get": "Show a plugin's metadata in a gateway group (--default-if-unset: the default when none "
                      "is stored)",
               "delete": "Delete plugins' metadata; several plugins, or - to read them from stdin"},
    examples={"get": "api7 plugin-metadata get http-logger -g default",
              "delete": "api7 plugin-metadata delete http-logger --yes"},
    hooks=HOOKS, extra="gwctl.cli.api7.plugin_metadata:app",
)

SECRETS = Resource(
    "api7", "secrets", "secret", "/apisix/admin/secrets", item_path="/apisix/admin/secrets/{secret_manager}/{id}",
    # The ID is MANAGER/NAME (vault/NAME, or NAME): as a "name" it may hold its one '/'; the client splits it.
    name_fields=("id",), id_pattern=r"[^/]+(/[^/]+)?",
    paging="page", envelope="list", scope=GG, verbs=("list", "get", "delete"),
    managed=(*TIME_FIELDS, "gateway_group_id"), secrets=("token",),
    help="Secret managers (HashiCorp Vault) a gateway group reads secrets from.",
    columns=cols("id", "uri", "prefix", ts("updated-at")),
    filters=(SEARCH, order_by(*_CU), DIRECTION),
    summaries={"list": "List the secret managers of a gateway group",
               "get": "Show a secret manager (vault/NAME, or NAME)",
               "delete": "Delete secret managers (vault/NAME); several, or - to read them from stdin"},
    examples={"list": "api7 secrets list -g default", "get": "api7 secrets get vault/prod-vault",
              "delete": "api7 secrets delete vault/prod-vault --yes"},
    hooks=HOOKS, extra="gwctl.cli.api7.secrets:app",
)

SERVICE_REGISTRIES = Resource(
    "api7", "service-registries", "service registry", "/api/gateway_groups/{gateway_group}/service_registries",
    id_pattern=UUID, search_param="search", paging="page", envelope="list", scope=GG,
    verbs=("list", "get", "create", "update", "delete"),
    update="put", models={"create": f"{MODELS}:ServiceRegistryWrite", "update": f"{MODELS}:ServiceRegistryWrite"},
    managed=(*TIME_FIELDS, "gateway_group_id", "status", "last_connect_time"),
    help="Service registries (Kubernetes, Nacos) of a gateway group.",
    columns=cols("id", "name", "type", "status", ts("last-connect-time"), ts("updated-at", default=False),
                 Column("description", "description", default=False)),
    fields=(Field("name", "--name", "Registry name.", short="-n", argument=True),
            Field("type", "--type", "Registry type.", choices=("nacos", "kubernetes"), metavar="nacos|kubernetes"),
            Field("nacos_config.hosts", "--nacos-host", "Nacos server URL, e.g. http://nacos:8848.", kind="list",
                  metavar="URL"),
            Field("kubernetes_config", "--k8s-api", "Kubernetes API server URL, e.g. https://10.0.0.1:6443.",
                  metavar="URL", transform=k8s_api),
            Field("description", "--description", "Description.", short="--desc")),
    filters=(SEARCH, order_by(*_CU, "last_connect_time"), DIRECTION),
    summaries={"create": "Connect a service registry", "delete": "Disconnect service registries; several IDs or "
                                                                 "names, or - to read them from stdin"},
    examples={"list": "api7 service-registries list -g default", "get": "api7 service-registries get {registry_id}",
              "create": "api7 service-registries create nacos-dev --type nacos --nacos-host http://nacos:8848",
              "update": "api7 service-registries update {registry_id} --from-file {registry_file}",
              "delete": "api7 service-registries delete {registry_id} --yes"},
    hooks=HOOKS, extra="gwctl.cli.api7.service_registries:app",
)

GATEWAY_GROUPS = Resource(
    "api7", "gateway-groups", "gateway group", "/api/gateway_groups", id_pattern=UUID, search_param="search",
    paging="page", envelope="list", verbs=("list", "get", "create", "update", "delete"),
    update="put", models={"create": f"{MODELS}:GatewayGroupWrite", "update": f"{MODELS}:GatewayGroupReplace"},
    managed=(*TIME_FIELDS, "config", "type", "enforce_service_publishing"),
    help="Gateway groups: sets of gateways sharing one configuration.",
    columns=cols("id", "name", "description", "labels", ts("updated-at"), ts("created-at", default=False),
                 Column("image-tag", "config.image_tag", default=False)),
    fields=(Field("name", "--name", "Name (1..255 chars).", short="-n", argument=True),
            Field("description", "--description", "Description.", short="--desc"),
            SET_LABELS),
    filters=(SEARCH, LABELS, order_by(*_CU), DIRECTION),
    summaries={"update": "Replace a gateway group's name, description and labels; fields not given keep their "
                         "current value"},
    examples={"list": "api7 gateway-groups list --label env=prod", "get": "api7 gateway-groups get default",
              "create": "api7 gateway-groups create qa --description 'QA gateways' -l env=qa",
              "update": "api7 gateway-groups update staging --description QA",
              "delete": "api7 gateway-groups delete staging --yes"},
    hooks=HOOKS, extra="gwctl.cli.api7.gateway_groups:app",
)

PUBLISHED_SERVICES = Resource(
    "api7", "published-services", "published service", "/api/gateway_groups/{gateway_group}/services",
    id_pattern=UUID, search_param="search", paging="page", envelope="list", scope=GG,
    verbs=("list", "get", "delete"),
    help="Services published in a gateway group: versions, runtime configuration, unpublish.",
    columns=cols("id", "name", "version", "status", "hosts", "path_prefix",
                 Column("upstream", lambda s: nodes_text(s.get("upstream"))), ts("updated-at"),
                 Column("service_version_id", "service_version_id", default=False),
                 Column("gateway_group", "gateway_group_name", default=False)),
    filters=(SEARCH, order_by(*_CU, "publish_time"), DIRECTION,
             Filter("runtime_type", "--runtime-type", "Only this runtime type.", choices=("normal", "canary"),
                    metavar="normal|canary"),
             Filter("unhealthy_nodes", "--unhealthy/--healthy", "Only services with (or without) unhealthy nodes.",
                    kind="bool")),
    summaries={"list": "List the services published in a gateway group",
               "delete": "Unpublish services from a gateway group (the design-time service stays); several IDs "
                         "or names, or - to read them from stdin"},
    examples={"list": "api7 published-services list --gateway-group default",
              "get": "api7 published-services get {service_id} -g default",
              "delete": "api7 published-services delete {service_id} -g default --yes"},
    hooks=HOOKS, extra="gwctl.cli.api7.published_services:app",
)

# The administration side appends its declarations here (gwctl.resources.api7_admin).
from gwctl.resources.api7_admin import ADMIN_RESOURCES  # noqa: E402  (it imports the pieces above)

RESOURCES = (ROUTES, SERVICES, CONSUMERS, SSLS, GLOBAL_RULES, PLUGIN_METADATA, SECRETS, SERVICE_REGISTRIES,
             GATEWAY_GROUPS, PUBLISHED_SERVICES) + ADMIN_RESOURCES
