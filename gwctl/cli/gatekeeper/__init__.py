"""`gwctl gatekeeper`: Vault Gatekeeper status, seal/unseal, policy reload, task tokens.

Each command is imported only when it runs: `status` is plain click, the others are Typer
commands in gwctl.cli.gatekeeper.commands.
"""

from __future__ import annotations

from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

_COMMANDS = "gwctl.cli.gatekeeper.commands"

app = LazyGroup(
    name="gatekeeper",
    help=PRODUCTS["gatekeeper"].help,
    entries={
        "api": ("gwctl.cli.raw_api:api_app", "Send a raw request with the profile's auth, TLS and retries.",
                "gatekeeper"),
        "operations": ("gwctl.cli.catalogue:operations_app", "List every API operation gwctl knows for this product.",
                       "gatekeeper"),
        "status": ("gwctl.cli.gatekeeper.status:status", "Show the instance's status, stats and peers (GET /status)."),
        "seal": (f"{_COMMANDS}:command", "Seal the instance (POST /seal): it stops handing out tokens.", "seal"),
        "unseal": (f"{_COMMANDS}:command", "Unseal the instance with Vault credentials (POST /unseal).", "unseal"),
        "policies": (f"{_COMMANDS}:policies_app", "Gatekeeper policies (kept in Vault)."),
        "token": (f"{_COMMANDS}:token_app", "Wrapped Vault tokens for scheduled tasks."),
    },
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
