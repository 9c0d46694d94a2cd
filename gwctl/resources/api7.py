"""API7 Enterprise resources (Admin API 3.2.x): API facts and presentation, declared once."""

from __future__ import annotations

from gwctl.columns import Column, cols
from gwctl.resources import Field, Filter, Resource
from gwctl.resources.api7_admin import ADMIN_RESOURCES
from gwctl.resources.api7_fields import (
    AUTH_PLUGINS,
    DESC,
    DIRECTION,
    GG,
    LABELS,
    MODELS,
    PLUGINS,
    SEARCH,
    SET_LABELS,
    TIME_FIELDS,
    UUID,
    _CU,
    _plugin_names,
    basic_auth,
    k8s_api,
    key_auth,
    methods,
    nodes_text,
    order_by,
    parse_nodes,
    ts,
)
from gwctl.resources.values import text_file

HOOKS = "gwctl.cli.api7.resource_hooks"

ROUTES = Resource(
    "api7", "routes", "route", "/apisix/admin/routes",
    variants={"3.2.13": "/api/routes/template"},
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
    example_ref='{route_id}',
    examples={'list': 'api7 routes list --service {service_id}',
              'create': 'api7 routes create get-headers --service {service_id} --path /headers -m GET',
              'update': 'api7 routes update {route_id} --path /ip --path /ip/v2',
              'patch': "api7 routes patch {route_id} --description 'client IP'"},
    hooks=HOOKS,
)

SERVICES = Resource(
    "api7", "services", "service", "/apisix/admin/services",
    variants={"3.2.13": "/api/services/template"}, id_pattern=UUID,
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
               "delete": "Delete services and their routes (unpublish them first: services unpublish); several IDs or names, "
                         "or - to read them from stdin",
               "patch": "Change fields of a service (--dry-run: the server only validates)"},
    examples={"list": "api7 services list --search httpbin --order-by created_at",
              "get": "api7 services get {service_id}",
              "create": "api7 services create shop --path-prefix /shop --upstream-node shop.internal:8080",
              "update": "api7 services update {service_id} --upstream-node 10.0.0.5:8080",
              "patch": "api7 services patch {service_id} --description 'v2 backend'",
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
              "create": "api7 consumers create carol --description 'mobile app'",
              "update": "api7 consumers update {consumer_id} --description updated",
              "patch": "api7 consumers patch {consumer_id} --description patched",
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
    example_ref='{ssl_id}',
    examples={'list': 'api7 ssls list -g default',
              'create': 'api7 ssls create --cert {cert_file} --key {key_file} --sni www.example.com',
              'update': 'api7 ssls update {ssl_id} --cert {cert_file} --key {key_file} --sni www.example.com'},
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
    "api7", "plugin-metadata", "plugin metadata", "/apisix/admin/plugin_metadata", name_fields=(), versions={"delete": {"since": "3.2.11", "source": "API reference 3.2.11.1; path in the permission reference 3.2.14.0"}},
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
    models={"update": f"{MODELS}:SecretWrite"},  # written by `secrets set` and config apply (a PUT)
    help="Secret managers (HashiCorp Vault) a gateway group reads secrets from.",
    columns=cols("id", "uri", "prefix", ts("updated-at")),
    filters=(SEARCH, order_by(*_CU), DIRECTION),
    summaries={"list": "List the secret managers of a gateway group",
               "get": "Show a secret manager (vault/NAME, or NAME)",
               "delete": "Delete secret managers (vault/NAME); several, or - to read them from stdin"},
    example_ref='vault/prod-vault',
    examples={'list': 'api7 secrets list -g default'},
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
            Field("description", "--description", "Description.", short="-d", aliases=("--desc",))),
    filters=(SEARCH, order_by(*_CU, "last_connect_time"), DIRECTION),
    summaries={"create": "Connect a service registry", "delete": "Disconnect service registries; several IDs or "
                                                                 "names, or - to read them from stdin"},
    example_ref='{registry_id}',
    examples={'list': 'api7 service-registries list -g default',
              'create': 'api7 service-registries create nacos-dev --type nacos --nacos-host http://nacos:8848',
              'update': 'api7 service-registries update {registry_id} --from-file {registry_file}'},
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
            Field("description", "--description", "Description.", short="-d", aliases=("--desc",)),
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
    example_ref='{service_id}',
    example_args='-g default',
    examples={'list': 'api7 published-services list --gateway-group default'},
    hooks=HOOKS, extra="gwctl.cli.api7.published_services:app",
)

RESOURCES = (ROUTES, SERVICES, CONSUMERS, SSLS, GLOBAL_RULES, PLUGIN_METADATA, SECRETS, SERVICE_REGISTRIES,
             GATEWAY_GROUPS, PUBLISHED_SERVICES) + ADMIN_RESOURCES

# `gwctl api7 operations`: the server versions of an operation without a range of its own (a declared
# resource's `versions`, an operations.yaml row's since/until/source). The vendor's admin API specs of
# 3.2.9 to 3.2.14 are one and the same document.
DEFAULT_VERSIONS = {"since": "3.2.9", "source": "admin API specs 3.2.9-3.2.14"}

# --- configuration as code (gwctl api7 config): the gateway group's configuration, dependencies first
from gwctl.resources.config_code import ConfigSpec, Kind  # noqa: E402

REGISTRY_SECRETS = ("kubernetes_config.client.token", "nacos_config.auth.password", "nacos_config.auth.token",
                    "nacos_config.auth.secret_key")
CONFIG = ConfigSpec("api7", (
    # Referenced by plugin configurations ($secret://vault/NAME/...) and upstream discovery: first.
    Kind("secrets", "id", fields=("id", "uri", "prefix", "token"), secrets={"token": None}, update="put"),
    Kind("service-registries", "name", secrets=dict.fromkeys(REGISTRY_SECRETS),
         defaults={"health_check.probe_interval": 15, "health_check.probe_timeout": 5,
                   "nacos_config.prefix": "/nacos/v1", "nacos_config.default_weight": 100,
                   "nacos_config.fetch_interval": 10, "nacos_config.timeout.connect": 2,
                   "nacos_config.timeout.send": 2, "nacos_config.timeout.read": 5}),
    Kind("services", "name", labels="labels",
         defaults={"strip_path_prefix": True, "upstream.type": "roundrobin", "upstream.pass_host": "pass",
                   "upstream.scheme": "http"}),
    Kind("routes", "name", identity=("service",), refs={"service": ("service_id", "services")}, labels="labels",
         defaults={"enable_websocket": False}),
    Kind("consumers", "username", labels="labels",
         secrets={"plugins.key-auth.key": None, "plugins.basic-auth.password": None}),
    Kind("ssls", "snis", labels="labels", secrets={"key": True}, defaults={"type": "server"}),
    Kind("global-rules", "plugins"),
    Kind("plugin-metadata", "plugin", update="put"),
    # Organization-wide API tokens: dumped only with --kinds tokens; the value a create returns goes
    # under --secrets-out and is never dumped.
    Kind("tokens", "name", fields=("name", "expires_at"), mints="token", dumped=False,
         create_only={"expires_at": "`gwctl api7 tokens regenerate --expires-in` changes it with a new value"}),
), scope={"gateway_group": "gateway_group"}, hooks="gwctl.cli.api7.config_hooks",
   example_kinds="services,routes")
