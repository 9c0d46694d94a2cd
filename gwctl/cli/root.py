"""The root command: global options and the lazily loaded command groups.

Only names and one-line help live here, so `gwctl --help` and completion do not
import a product's commands, let alone httpx, pydantic or keyring.
"""

from __future__ import annotations

import os

import click

from gwctl import __version__
from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

OUTPUT_FORMATS = ("table", "tsv", "json", "jsonl", "yaml")
META_KEY = "gwctl.globals"

# Products are added here as they land; each entry is ("module:attr", help).
PRODUCT_COMMANDS: dict[str, tuple[str, str]] = {
    "opa": ("gwctl.cli.opa:app", PRODUCTS["opa"].help),
    "pomerium": ("gwctl.cli.pomerium:app", PRODUCTS["pomerium"].help),
    "api7": ("gwctl.cli.api7:app", PRODUCTS["api7"].help),
    "sg": ("gwctl.cli.sg:app", PRODUCTS["sg"].help),
    "gatekeeper": ("gwctl.cli.gatekeeper:app", PRODUCTS["gatekeeper"].help),
}
LOCAL_COMMANDS: dict[str, tuple[str, str]] = {
    "profile": ("gwctl.cli.profile:group", "Add, list, choose and remove connection profiles."),
    "auth": ("gwctl.cli.auth:group", "Log in, show credential status, print tokens, log out."),
    "sandbox": ("gwctl.cli.sandbox:group", "Run local emulators of all five admin APIs."),
    "completion": ("gwctl.cli.misc:completion", "Print a shell completion script (bash, zsh, fish)."),
    "version": ("gwctl.cli.misc:version", "Show the gwctl version."),
}


def _store(name: str, accumulate: bool = False):
    def callback(ctx: click.Context, param: click.Parameter, value):
        opts = ctx.meta.setdefault(META_KEY, {})
        if accumulate:
            if value:
                opts[name] = opts.get(name, 0) + value
        elif value is not None and value is not False:
            # Leaf flags are parsed after root ones, so the leaf value wins.
            opts[name] = value
        return value

    return callback


def global_params(with_env: bool) -> list[click.Parameter]:
    """The global options; defined once, attached to the root and to every leaf."""

    def env(name: str) -> str | None:
        return name if with_env else None

    return [
        click.Option(["-p", "--profile"], metavar="NAME", envvar=env("GWCTL_PROFILE"), expose_value=False,
                     callback=_store("profile"), help="Profile to use [env: GWCTL_PROFILE]."),
        click.Option(["-o", "--output"], type=click.Choice(OUTPUT_FORMATS), envvar=env("GWCTL_OUTPUT"),
                     expose_value=False, callback=_store("output"),
                     help="Output format; table on a terminal, tsv when piped [env: GWCTL_OUTPUT]."),
        click.Option(["--json", "json_"], is_flag=True, default=None, expose_value=False, callback=_store("json"),
                     help="Same as -o json."),
        click.Option(["--query"], metavar="JMESPATH", expose_value=False, callback=_store("query"),
                     help="JMESPath expression applied to the JSON result before rendering."),
        click.Option(["--columns"], metavar="A,B", expose_value=False, callback=_store("columns"),
                     help="Table/TSV columns to show, comma-separated."),
        click.Option(["--no-headers"], is_flag=True, default=None, expose_value=False, callback=_store("no_headers"),
                     help="Omit the header row of table/TSV output."),
        click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_store("verbose", accumulate=True),
                     help="Log HTTP to stderr: -v requests, -vv headers, -vvv bodies (secrets masked)."),
        click.Option(["--timeout"], type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
                     expose_value=False, callback=_store("timeout"), help="Per-request timeout in seconds."),
        click.Option(["--no-color"], is_flag=True, default=None, expose_value=False, callback=_store("no_color"),
                     help="Disable colour (also NO_COLOR)."),
    ]


GLOBAL_OPTION_NAMES = {opt for p in global_params(False) for opt in p.opts}


def attach_global_options(command: click.Command) -> click.Command:
    """Give every leaf command the global options so they work anywhere on the line."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            attach_global_options(sub)
        return command
    existing = {opt for p in command.params for opt in getattr(p, "opts", [])}
    for param in global_params(False):
        if not existing.intersection(param.opts):
            command.params.append(param)
    return command


EXIT_CODES_HELP = """\b
Exit codes:
  0 success                 1 unexpected error            2 usage error
  3 not found               4 authentication              5 permission denied
  6 rejected (400/409/422)  7 rate limited or timed out   8 server error (5xx)
  9 network or TLS          10 partial failure            130 interrupted
"""


def epilog() -> str:
    """Exit codes and environment, with every product's secret variable."""
    import textwrap

    secrets = ", ".join(s.env for spec in PRODUCTS.values() for s in spec.secrets)
    env = ("GWCTL_PROFILE, GWCTL_OUTPUT, GWCTL_CONFIG_DIR, GWCTL_STATE_DIR, GWCTL_CACHE_DIR, "
           f"GWCTL_FORCE_TTY, GWCTL_KEYRING_TIMEOUT, NO_COLOR; secrets for unattended use: {secrets}.")
    return EXIT_CODES_HELP + "\b\nEnvironment:\n" + textwrap.fill(env, 76, initial_indent="  ", subsequent_indent="  ") + "\n"


def build_root() -> LazyGroup:
    params = global_params(True)
    params.insert(
        0,
        click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True,
                     callback=_print_version, help="Show the version and exit."),
    )
    return LazyGroup(
        name="gwctl",
        entries={**PRODUCT_COMMANDS, **LOCAL_COMMANDS},
        sections={"Products": list(PRODUCT_COMMANDS), "Commands": list(LOCAL_COMMANDS)},
        params=params,
        help="Administer access and API gateways: Okta PA, Pomerium Zero, API7, IBM Secure Gateway, Vault Gatekeeper.\n\n"
        "Usage: gwctl [OPTIONS] PRODUCT RESOURCE VERB [ARGS]. Global options also work after the command.",
        epilog=epilog(),
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"gwctl {__version__}")
        ctx.exit(0)


def force_tty() -> bool:
    return os.environ.get("GWCTL_FORCE_TTY", "") not in ("", "0", "false")
