"""The root command: global options and the lazily loaded command groups.

Only names and one-line help live here, so `gwctl --help` and completion do not
import a product's commands, let alone httpx, pydantic or keyring.
"""

from __future__ import annotations

import click

from gwctl import __version__
from gwctl.cli.global_options import global_params
from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

PRODUCT_COMMANDS: dict[str, tuple[str, str]] = {name: (f"gwctl.cli.{name}:app", spec.help) for name, spec in PRODUCTS.items()}
LOCAL_COMMANDS: dict[str, tuple[str, str]] = {
    "status": ("gwctl.cli.status:status", "Check every profile: reachable, authenticated, version, latency, health."),
    "expiring": ("gwctl.cli.expiring:expiring", "List what expires soon across profiles: tokens, certificates."),
    "profile": ("gwctl.cli.profile:group", "Add, list, choose and remove connection profiles."),
    "auth": ("gwctl.cli.auth:group", "Log in, show credential status, print tokens, log out."),
    "sandbox": ("gwctl.cli.sandbox:group", "Run local emulators of all five admin APIs."),
    "completion": ("gwctl.cli.completion:completion", "Print a shell completion script (bash, zsh, fish)."),
    "version": ("gwctl.cli.version:version", "Show the gwctl version."),
}


EXIT_CODES_HELP = """\b
Exit codes:
  0 success                 1 unexpected error            2 usage error
  3 not found               4 authentication              5 permission denied
  6 rejected (400/409/422)  7 rate limited or timed out   8 server error (5xx)
  9 network or TLS          10 partial failure            11 drift (config diff)
  12 secret not stored      13 declined at a prompt       14 status --check failed
  15 expiring --check hit   130 interrupted               141 stdout closed (| head)
"""


def epilog() -> str:
    """Exit codes and environment, with every product's secret variable."""
    import textwrap

    secrets = ", ".join(s.env for spec in PRODUCTS.values() for s in spec.secrets)
    env = ("GWCTL_PROFILE, GWCTL_OUTPUT, GWCTL_CONFIG_DIR, GWCTL_STATE_DIR, GWCTL_CACHE_DIR, "
           f"GWCTL_FORCE_TTY, GWCTL_KEYRING_TIMEOUT, NO_COLOR; secrets for unattended use: {secrets}.")
    return EXIT_CODES_HELP + "\b\nEnvironment:\n" + textwrap.fill(env, 76, initial_indent="  ", subsequent_indent="  ") + "\n"


class RootGroup(LazyGroup):
    """The root group; its epilog (exit codes, environment) is built only when help is shown."""

    @property
    def epilog(self) -> str:
        return epilog()

    @epilog.setter
    def epilog(self, value: str | None) -> None:
        pass


def build_root() -> LazyGroup:
    params = global_params(True)
    params.insert(
        0,
        click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                     callback=_print_version, help="Show the version and exit."),
    )
    return RootGroup(
        name="gwctl",
        entries={**PRODUCT_COMMANDS, **LOCAL_COMMANDS},
        sections={"Products": list(PRODUCT_COMMANDS), "Commands": list(LOCAL_COMMANDS)},
        params=params,
        help="Administer access and API gateways: Okta PA, Pomerium Zero, API7, IBM Secure Gateway, Vault Gatekeeper.\n\n"
        "Usage: gwctl [OPTIONS] PRODUCT RESOURCE VERB [ARGS]. Global options also work after the command.",
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"gwctl {__version__}")
        ctx.exit(0)
