"""`gwctl sg`: IBM Cloud Secure Gateway (resource-group edition, /v1 paths).

Gateways and destinations are declared in gwctl.resources.sg: their CRUD verbs come from
gwctl.cli.verbs, their own verbs from gwctl/cli/sg/<resource>.py; the other groups are
hand-written modules. Each is imported only when its command runs.
"""

from __future__ import annotations

from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

HELP = (
    "IBM Cloud Secure Gateway: gateways, destinations, certificates, iptables, clients, stats.\n\n"
    "Account calls use an IAM token exchanged from the API key (GWCTL_IBM_API_KEY or `gwctl auth login`) "
    "and the profile's resource group; gateway calls use the gateway's security token, taken from the "
    "gateway listing and cached (--gateway-token-stdin supplies one instead)."
)

app = LazyGroup(
    name="sg",
    help=HELP,
    short_help=PRODUCTS["sg"].help,
    entries={
        "gateways": ("gwctl.cli.verbs:resource_group", "Gateways: list, create, update, delete, activate, rotate-token, export.",
                     "sg", "gateways"),
        "destinations": ("gwctl.cli.verbs:resource_group",
                         "Destinations (-g GATEWAY): list, create, update, delete, activate, export/import.",
                         "sg", "destinations"),
        "certs": ("gwctl.cli.sg.certs:app", "Destination certificates: download, upload, delete, regenerate."),
        "iptables": ("gwctl.cli.sg.iptables:app", "IP table rules of private destinations: list, add, remove."),
        "clients": ("gwctl.cli.sg.clients:app", "Connected clients: list, get, disconnect, logs, recent, installers."),
        "stats": ("gwctl.cli.sg.service:stats_app", "Usage statistics of all gateways or one."),
        "export": ("gwctl.cli.sg.service:export_app", "Export the whole service (service.config)."),
        "import": ("gwctl.cli.sg.service:import_app", "Import a service.config or .gateway file."),
        "config": ("gwctl.cli.config_code.commands:config_group", "Configuration as code: dump, validate, diff, "
                   "apply.", "sg"),
        "api": ("gwctl.cli.raw_api:api_app", "Send a raw request (IAM or gateway token chosen by path).", "sg"),
        "operations": ("gwctl.cli.catalogue:operations_app", "List every API operation and its command.", "sg"),
    },
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
