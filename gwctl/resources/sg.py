"""IBM Cloud Secure Gateway resources (shared/api/ibm-secure-gateway.md): API facts and presentation.

Gateways are account objects (IAM token, the profile's resource group); everything under
/v1/sgconfig/{gateway} is called with that gateway's own security token (gwctl.api.sg.client).
Lists are whole JSON arrays (no paging); objects carry their ID in ``_id`` and their name
in ``desc``. An update is a PUT of the fields to change.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Callable

from gwctl.columns import Column
from gwctl.resources import Field, Filter, Resource

HOOKS = "gwctl.cli.sg.resource_hooks"
MODELS = "gwctl.cli.sg.models"
GATEWAY = "/v1/sgconfig/{gateway}"  # scope: --gateway NAME|ID (see resource_hooks)

PROTOCOLS = ("TCP", "UDP", "TLS", "HTTP", "HTTPS")
TLS_MODES = ("none", "serverside", "mutualauth")
CLIENT_TLS_MODES = ("none", "mutualauth")
MASK = "***"
# IDs have recognisable shapes, so an ID needs no lookup (and no listing): a gateway is
# <11 chars>_<environment>_<region> (the security token's configuration_id, e.g. zkkZd4lXsYw_prod_au-syd),
# a destination <the gateway's 11 chars>_<5 chars> (qCTv6Onseiy_qVuvq).
GATEWAY_ID = r"[A-Za-z0-9-]+_[a-z0-9]+_[a-z]{2}-[a-z]+"
DEST_ID = r"[A-Za-z0-9-]{11}_[A-Za-z0-9]{5}"


def usage_error(message: str) -> Exception:
    from gwctl.errors import UsageError

    return UsageError(message)


def epoch_ms(value: Any) -> str:
    """An epoch-milliseconds number as ISO 8601 UTC ('' for 0/None: never)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return ""
    return datetime.fromtimestamp(value / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def masked(gateway: Any) -> Any:
    """A gateway object with its security token masked (it is shown only by `rotate-token`)."""
    if isinstance(gateway, dict) and gateway.get("jwt"):
        return {**gateway, "jwt": MASK}
    return gateway


# --- flag checks (transforms) ----------------------------------------------------------------------

_PORT_RANGE = re.compile(r"^(\d{1,5})(?::(\d{1,5}))?$")
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def check_port(value: int | None, flag: str) -> int | None:
    if value is not None and not 1 <= value <= 65535:
        raise usage_error(f"invalid {flag} {value}: must be a port from 1 to 65535")
    return value


def port(flag: str) -> Callable[[int], int | None]:
    return lambda value: check_port(value, flag)


def check_port_spec(value: str, flag: str) -> str:
    match = _PORT_RANGE.match(value.strip())
    if not match or any(p is not None and not 1 <= int(p) <= 65535 for p in match.groups()):
        raise usage_error(f"invalid {flag} {value!r}: expected a port (1-65535) or a range PORT:PORT")
    if match.group(2) and int(match.group(1)) > int(match.group(2)):
        raise usage_error(f"invalid {flag} {value!r}: the range start is above its end")
    return value.strip()


def is_ipv4(value: str) -> bool:
    match = _IPV4.match(value)
    return bool(match) and all(int(p) <= 255 for p in match.groups())


def check_src(value: str, flag: str) -> str:
    looks_numeric = bool(re.fullmatch(r"[\d.]+", value))  # 1.2.3.999 is a bad address, not a host name
    if not (is_ipv4(value) or (_HOST.match(value) and not looks_numeric)):
        raise usage_error(f"invalid {flag} {value!r}: expected an IPv4 address or a host name")
    return value


def check_range(value: str, flag: str) -> str:
    parts = value.split("-")
    if len(parts) != 2 or not all(is_ipv4(p) for p in parts):
        raise usage_error(f"invalid {flag} {value!r}: expected A.B.C.D-E.F.G.H")
    return value


def choice(values: tuple[str, ...], flag: str, *, upper: bool = False) -> Callable[[str], str]:
    """A case-insensitive choice, sent in the API's spelling."""
    def check(value: str) -> str:
        normal = value.upper() if upper else value.lower()
        if normal not in values:
            raise usage_error(f"invalid {flag} {value!r}: choose from {', '.join(values)}")
        return normal
    return check


def token_days(value: int) -> int:
    if not 0 <= value <= 90:
        raise usage_error(f"invalid --token-expiration {value}: must be 0-90 days (0 = never expires)")
    return value


# --- columns ----------------------------------------------------------------------------------------

def _token_expiry(gateway: dict) -> str:
    return epoch_ms(gateway.get("expiry")) or ("never" if gateway.get("expiry") == 0 else "")


GATEWAY_COLUMNS = (Column("id", "_id", header="ID"), Column("desc", "desc", header="DESCRIPTION", kind="name"),
                   Column("status", "status", kind="state"), Column("active", "active"),
                   Column("enf-tok-sec", "enf_tok_sec", header="TOKEN_ENFORCED"),
                   Column("clients", lambda g: len(g.get("connectedClientsArr") or []), header="CLIENTS"),
                   Column("token-expiry", _token_expiry, header="TOKEN_EXPIRY"),
                   Column("created", "created_at", default=False, kind="timestamp"), Column("hostname", "hostname", default=False),
                   Column("resource-group", "resource_group", default=False),
                   Column("last-change", "last_status_change", default=False, kind="timestamp"))


def _cloud(dest: dict) -> str:
    if dest.get("hostname") and dest.get("port"):
        return f"{dest['hostname']}:{dest['port']}"
    return ""


def _endpoint(dest: dict) -> str:
    info = dest.get("connection_info") or {}
    host, port_ = info.get("OnPremHost"), info.get("OnPremPort")
    return f"{host}:{port_}" if host and port_ not in (None, "") else str(host or "")


DEST_COLUMNS = (Column("id", "_id", header="ID"), Column("desc", "desc", header="NAME"),
                Column("status", "status"), Column("protocol", "protocol"), Column("tls", "TLS", header="TLS"),
                Column("endpoint", _endpoint), Column("cloud-port", "port", header="CLOUD_PORT"),
                Column("client-port", "connection_info.clientPort"), Column("private", "private"),
                Column("rules", lambda d: len(d.get("ip_table_rules") or []), header="RULES"),
                Column("cloud", _cloud, header="CLOUD_HOST", default=False),
                Column("gateway", "configuration", default=False), Column("active", "active", default=False),
                Column("client-tls", "client_tls", default=False),
                Column("sni", "connection_info.sni", default=False), Column("timeout", "timeout", default=False),
                Column("created", "created_at", default=False, kind="timestamp"))

ENABLED = Filter("type", "--enabled/--disabled", "Only ENABLED ones (--disabled: only DISABLED ones; type=...).",
                 kind="bool")

# --- declarations -----------------------------------------------------------------------------------

GATEWAYS = Resource(
    "sg", "gateways", "gateway", "/v1/sgconfig", item_path=GATEWAY.replace("{gateway}", "{id}"),
    id_field="_id", id_pattern=GATEWAY_ID, name_fields=("desc",), verbs=("list", "get", "create", "update", "delete"),
    update="put-partial", models={"create": f"{MODELS}:GatewayCreate", "update": f"{MODELS}:GatewayUpdate"},
    managed=("_id", "jwt", "status", "created_at", "last_status_change", "expiry", "connectedClientsArr"),
    secrets=("jwt",), scope=("resource_group",),
    help="Secure Gateway gateways: list, create, update, delete, activate, rotate tokens, export, migrate.",
    columns=GATEWAY_COLUMNS,
    fields=(Field("desc", "--description", "Description (name) of the gateway.", short="-d", required=True,
                  aliases=("--desc",)),
            Field("enf_tok_sec", "--enforce-token", "Require the security token when a client connects "
                  "(server default on create: on).", kind="bool"),
            Field("token_exp", "--token-expiration", "Days until the security token expires, 0-90 (0 = never; "
                  "server default 90).", kind="int", metavar="DAYS", on=("create",), transform=token_days),
            Field("active", "--inactive", "Create it inactive (not billed); default active.", kind="bool",
                  on=("create",), transform=lambda inactive: not inactive),
            Field("enabled", "--enable/--disable", "Enable or disable the gateway (clients stop flowing data).",
                  kind="bool", on=("update",))),
    filters=(ENABLED,),
    summaries={"list": "List the gateways of the profile's resource group (security tokens masked)",
               "get": "Show a gateway with its ACL and recently disconnected clients",
               "create": "Create a gateway; its security token is masked, cached for later calls, and written "
                         "to --out FILE if given",
               "update": "Update a gateway's description, token enforcement or enabled state (only the fields "
                         "given are sent; `rotate-token` regenerates the token)",
               "delete": "Delete gateways and all their destinations; several IDs or names, or - to read them "
                         "from stdin"},
    example_ref='{gateway2}',
    examples={'get': 'sg gateways get {gateway}',
              'create': "sg gateways create --description 'Branch office' --token-expiration 30",
              'update': "sg gateways update {gateway} --description 'Production (EU)'"},
    hooks=HOOKS, extra="gwctl.cli.sg.gateways:app",
)

DESTINATIONS = Resource(
    "sg", "destinations", "destination", f"{GATEWAY}/destinations", id_field="_id", id_pattern=DEST_ID,
    name_fields=("desc",),
    parent="gateways", scope=("gateway",), verbs=("list", "get", "create", "update", "delete"),
    update="put-partial",
    models={"create": f"{MODELS}:DestinationCreate", "update": f"{MODELS}:DestinationUpdate"},
    managed=("_id", "status", "created_at", "hostname", "configuration", "connection_info", "ip_table_rules",
             "active"),
    help="Destinations of a gateway: list, create, update, delete, activate, export/import, migrate.",
    columns=DEST_COLUMNS,
    fields=(Field("desc", "--name", "Name of the destination (desc).", short="-n", required=True),
            Field("ip", "--host", "Endpoint host or IP (ip).", metavar="HOST", required=True),
            Field("port", "--port", "Endpoint port, 1-65535 (port).", kind="int", metavar="PORT", required=True,
                  transform=port("--port")),
            Field("protocol", "--protocol", "TCP, UDP, TLS, HTTP or HTTPS (server default TCP).", metavar="PROTO",
                  transform=choice(PROTOCOLS, "--protocol", upper=True)),
            Field("TLS", "--tls", "Cert exchange with the calling app (TLS): none, serverside or mutualauth.",
                  metavar="MODE", transform=choice(TLS_MODES, "--tls")),
            Field("client_tls", "--client-tls", "TLS to the endpoint with a client cert (client_tls): none or "
                  "mutualauth.", metavar="MODE", transform=choice(CLIENT_TLS_MODES, "--client-tls")),
            Field("enable_client_tls", "--endpoint-tls", "Use TLS to connect to the endpoint (enable_client_tls).",
                  kind="bool"),
            Field("private", "--private/--public", "Restrict cloud access with iptables rules (on-premises "
                  "destinations only).", kind="bool"),
            Field("clientPort", "--client-port", "Cloud destination: the port the SG client listens on "
                  "(clientPort).", kind="int", metavar="PORT", transform=port("--client-port")),
            Field("sni", "--sni", "Server name indication for the endpoint.", metavar="NAME"),
            Field("rejectUnauth", "--reject-unauth/--accept-unauth", "Reject endpoint certs not signed by the "
                  "uploaded CAs (rejectUnauth).", kind="bool"),
            Field("compressData", "--compress", "Compress data between client and server (compressData).",
                  kind="bool"),
            Field("enabled", "--enable/--disable", "Enable or disable the destination (enabled).", kind="bool",
                  on=("update",))),
    filters=(ENABLED,),
    summaries={"list": "List a gateway's destinations",
               "create": "Create a destination: --client-port makes it a cloud destination (the SG client listens "
                         "there), otherwise an on-premises one that gets a cloud host:port; --from-file takes "
                         "every field of the API (ipRules, proxy, timeout, certs...)",
               "update": "Update a destination: only the fields given are sent",
               "delete": "Delete destinations (--bulk: all in one request, all or nothing); several IDs or "
                         "names, or - to read them from stdin"},
    example_ref='{dest2}',
    example_args='-g {gateway}',
    examples={'get': 'sg destinations get {dest} -g {gateway}',
              'create': 'sg destinations create -g {gateway} --name Inventory --host 10.0.0.8 --port 8443 '
                        '--protocol HTTPS',
              'update': 'sg destinations update {dest} -g {gateway} --port 5433'},
    hooks=HOOKS, extra="gwctl.cli.sg.destinations:app",
)

RESOURCES = (GATEWAYS, DESTINATIONS)

# --- configuration as code (gwctl sg config): the resource group's gateways and their destinations
from gwctl.resources.config_code import ConfigSpec, Kind  # noqa: E402

DEST_DEFAULTS = {"protocol": "TCP", "TLS": "none", "client_tls": "none", "private": False, "enable_client_tls": False,
                 "rejectUnauth": False, "timeout": 0, "compressData": False, "enforceProxy": False, "enabled": True}
CONFIG = ConfigSpec("sg", (
    # A new gateway's security token is returned once (apply writes it under --secrets-out). token_exp
    # (days) is read from the token itself; changing it means a new token, so apply only reports it.
    Kind("gateways", "desc", fields=("desc", "enf_tok_sec", "enabled", "active", "token_exp"),
         defaults={"enf_tok_sec": True, "enabled": True, "active": True, "token_exp": 90}, mints="jwt",
         create_only={"token_exp": "`gwctl sg gateways rotate-token --token-expiration DAYS` changes it with a new "
                                   "security token"}),
    # Destinations in the API's write shape (endpoint ip/port, not the cloud port), with their IP table rules
    # and the CA certificates uploaded to them (serverCert, clientCerts; certificates only, no keys).
    Kind("destinations", "desc", identity=("gateway",), parent=("gateway", "gateway"),
         refs={"gateway": ("configuration", "gateways")},
         fields=("desc", "ip", "port", "clientPort", "sni", "protocol", "TLS", "client_tls", "private",
                 "enable_client_tls", "rejectUnauth", "timeout", "compressData", "enforceProxy", "proxy", "ipRules",
                 "enabled", "serverCert", "clientCerts"),
         defaults=DEST_DEFAULTS),
), scope={"region": "region", "resource_group": "resource_group"}, hooks="gwctl.cli.sg.config_hooks")
