"""`gwctl opa`: Okta Privileged Access gateways and gateway setup tokens.

Both resources are declared in gwctl.resources.opa: their CRUD verbs come from gwctl.cli.verbs,
their own verbs (gateways status, setup-tokens reveal/rotate) from the modules the
declarations name.
"""

from __future__ import annotations

from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

app = LazyGroup(
    name="opa",
    help=PRODUCTS["opa"].help,
    entries={
        "setup-tokens": ("gwctl.cli.verbs:resource_group", "Gateway setup tokens: list, create, reveal, rotate, delete.",
                         "opa", "setup-tokens"),
        "gateways": ("gwctl.cli.verbs:resource_group", "Gateways: list, inspect, update, status reports, delete.",
                     "opa", "gateways"),
        "config": ("gwctl.cli.config_code.commands:config_group", "Configuration as code: dump, validate, diff, "
                   "apply.", "opa"),
        "api": ("gwctl.cli.raw_api:api_app", "Send a raw request with the profile's auth (escape hatch).", "opa"),
        "operations": ("gwctl.cli.catalogue:operations_app", "List every API operation and the command for it.", "opa"),
    },
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
