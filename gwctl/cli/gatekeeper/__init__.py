"""`gwctl gatekeeper`: Vault Gatekeeper status, seal/unseal, policy reload, task tokens.

Each command is imported only when it runs: `status` is plain click (monitoring runs it every
minute), the others are Typer commands in .commands.
"""

from __future__ import annotations

from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

_COMMANDS = "gwctl.cli.gatekeeper.commands"

app = LazyGroup(
    name="gatekeeper",
    help=PRODUCTS["gatekeeper"].help,
    short_help=PRODUCTS["gatekeeper"].help,
    entries={
        "api": ("gwctl.cli.raw_api:api_app", "Send a raw request with the profile's auth, TLS and retries "
                "(the escape hatch).", "gatekeeper"),
        "operations": ("gwctl.cli.catalogue:operations_app", "List every API operation gwctl knows for this "
                       "product and the command that performs it.", "gatekeeper"),
        "status": ("gwctl.cli.gatekeeper.status:status", "Show the instance's status, stats and peers."),
        "seal": (f"{_COMMANDS}:command", "Seal the instance: it stops handing out tokens until unsealed.", "seal"),
        "unseal": (f"{_COMMANDS}:command", "Unseal the instance with Vault credentials.", "unseal"),
        "wait": (f"{_COMMANDS}:command", "Wait until Gatekeeper is unsealed, polling its status with back-off.",
                 "wait"),
        "policies": (f"{_COMMANDS}:policies_app", "Gatekeeper policies (kept in Vault)."),
        "token": (f"{_COMMANDS}:token_app", "Wrapped Vault tokens for scheduled tasks."),
    },
    aliases={"policy": "policies"},  # upstream's `gatekeeper policy`
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
