"""The global options (-p, -o, --json, --query, ...): defined once, accepted on the root and on every leaf."""

from __future__ import annotations

import os
from typing import Callable

import click

class Seconds(click.ParamType):
    """A finite, positive number of seconds, at most a day (inf, nan and 0 are usage errors)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or not 0 < number <= 86400:
            self.fail(f"{value!r} must be more than 0 and at most 86400 seconds", param, ctx)
        return number


SECONDS = Seconds()
INT64 = click.IntRange(-(2**63), 2**63 - 1)  # what a JSON integer field can carry to any of the servers
MAX_LIMIT = 1_000_000  # --limit's ceiling: more is what --all is for
OUTPUT_FORMATS = ("table", "wide", "tsv", "json", "jsonl", "yaml")
FLEET_CONCURRENCY = 8  # profiles a fleet command runs at once
META_KEY = "gwctl.globals"


def store_option(name: str, accumulate: bool = False):
    def callback(ctx: click.Context, param: click.Parameter, value):
        opts = ctx.meta.setdefault(META_KEY, {})
        if accumulate:
            if value:
                opts[name] = opts.get(name, 0) + value
        elif value is not None and value is not False:
            # Leaf flags are parsed after root ones, so the leaf value wins.
            opts[name] = value
            source = ctx.get_parameter_source(param.name) if param.name else None
            opts[f"{name}_from_env"] = source is not None and source.name == "ENVIRONMENT"
        return value

    return callback


def _complete_profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list:
    from gwctl.cli.profile_names import profile_names

    return profile_names(ctx, param, incomplete)


def global_params(with_env: bool) -> list[click.Parameter]:
    """The global options; defined once, attached to the root and to every leaf."""

    def env(name: str) -> str | None:
        return name if with_env else None

    params = [
        click.Option(["-p", "--profile"], metavar="NAME", envvar=env("GWCTL_PROFILE"), expose_value=False,
                     callback=store_option("profile"),
                     help="Profile to use; a comma list or glob ('prod-*,sg-eu-*') runs a read or rotation on each "
                          "[env: GWCTL_PROFILE].",
                     shell_complete=_complete_profiles),
        click.Option(["--all-profiles"], is_flag=True, default=None, expose_value=False,
                     callback=store_option("all_profiles"), help="Run a read or rotation on every profile of the "
                                                                 "product."),
        click.Option(["--fleet-concurrency"], type=click.IntRange(1, 64), metavar="N", expose_value=False,
                     callback=store_option("fleet_concurrency"),
                     help=f"Profiles run at once with several profiles (default {FLEET_CONCURRENCY})."),
        click.Option(["-o", "--output"], type=click.Choice(OUTPUT_FORMATS), envvar=env("GWCTL_OUTPUT"),
                     expose_value=False, callback=store_option("output"),
                     help="Output format; table on a terminal, tsv when piped; wide: a table of every column [env: GWCTL_OUTPUT]."),
        click.Option(["--json", "json_"], is_flag=True, default=None, expose_value=False, callback=store_option("json"),
                     help="Same as -o json."),
        click.Option(["--query"], metavar="JMESPATH", expose_value=False, callback=store_option("query"),
                     help="JMESPath expression applied to the JSON result before rendering."),
        click.Option(["--columns"], metavar="A,B", expose_value=False, callback=store_option("columns"),
                     help="Columns to show, comma-separated (headers or names, any case); with json/jsonl/yaml the fields kept."),
        click.Option(["--no-headers"], is_flag=True, default=None, expose_value=False, callback=store_option("no_headers"),
                     help="Omit the header row of table/TSV output."),
        click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=store_option("verbose", accumulate=True),
                     help="Log HTTP to stderr: -v requests, -vv headers, -vvv bodies (secrets masked)."),
        click.Option(["--timeout"], type=SECONDS, metavar="SECONDS",
                     expose_value=False, callback=store_option("timeout"), help="Per-request timeout in seconds."),
        click.Option(["--no-color"], is_flag=True, default=None, expose_value=False, callback=store_option("no_color"),
                     help="Disable colour (also NO_COLOR)."),
    ]
    for param in params:
        param.gwctl_global = True  # type: ignore[attr-defined] - help lists these in their own section
    return params


GLOBAL_OPTION_NAMES = {opt for p in global_params(False) for opt in p.opts}


def add_to_leaves(command: click.Command, params: Callable[[], list[click.Parameter]],
                  wrap: Callable[[click.Command], None] | None = None) -> click.Command:
    """Give every leaf below ``command`` the parameters it does not have yet (then ``wrap`` it)."""
    if isinstance(command, click.Group):
        _accept_aliases(command)
        for sub in command.commands.values():
            add_to_leaves(sub, params, wrap)
        if hasattr(command, "on_load"):  # a group whose other commands load later (gwctl.cli.verbs)
            command.on_load.append(lambda sub: add_to_leaves(sub, params, wrap))
        return command
    existing = {opt for p in command.params for opt in getattr(p, "opts", [])}
    for param in params():
        if not existing.intersection(param.opts):
            command.params.append(param)
    if wrap is not None:
        wrap(command)
    return command


COMMAND_ALIASES = {"ls": "list", "rm": "delete"}


def _accept_aliases(group: click.Group) -> None:
    """`ls` and `rm` wherever a group has list or delete (not listed in help)."""
    if getattr(group, "_gwctl_aliases", False):
        return
    plain = group.get_command

    def get_command(ctx: click.Context, name: str) -> click.Command | None:
        command = plain(ctx, name)
        if command is None and name in COMMAND_ALIASES:
            command = plain(ctx, COMMAND_ALIASES[name])
        return command

    group.get_command = get_command  # type: ignore[method-assign]
    group._gwctl_aliases = True  # type: ignore[attr-defined]


def attach_global_options(command: click.Command,
                          wrap: Callable[[click.Command], None] | None = None) -> click.Command:
    """Give every leaf command the global options so they work anywhere on the line, one help layout,
    its --out files and object names checked as they are parsed (before anything is sent); then ``wrap`` it."""
    from gwctl.cli.help import decorate

    def finish(leaf: click.Command) -> None:
        decorate(leaf)
        check_early(leaf)
        if wrap is not None:
            wrap(leaf)

    return add_to_leaves(command, lambda: global_params(False), finish)


OUT_FLAGS = ("--out", "--token-out")


# Positional arguments that name an object on the server (by ID, or by ID or name).
NAMING_METAVARS = {"CLIENT", "DEST", "DOMAIN", "GATEWAY", "GATEWAY_GROUP", "GROUP", "ID|DESCRIPTION", "ID|NAME",
                   "METRIC", "NAMESPACE", "PLUGIN", "POLICY", "SERVICE", "TEMPLATE", "USER", "USERNAME"}


def check_early(command: click.Command) -> None:
    """Checks that run while a leaf's arguments are parsed, before its callback sends anything."""
    check_out_early(command)
    check_refs_early(command)


def check_refs_early(command: click.Command) -> None:
    """An argument or option naming a server object is checked as a path segment while parsing:
    an empty or blank one is an error, never "not given" (which would fall back to a default or to
    all), and '.', '..' or a control character never reach a path or a body."""
    for param in command.params:
        name = (param.metavar or "").strip("[]").removesuffix("...")
        if isinstance(param, click.Argument):
            if param.callback is not None or not (name.endswith("_ID") or name in NAMING_METAVARS):
                continue
            what = name
        elif isinstance(param, click.Option) and not param.is_flag and not getattr(param, "gwctl_ref_checked", False):
            if not (name.endswith("_ID") or name in ("ID", "NAME|ID", "ID|NAME")) or "--profile" in param.opts:
                continue
            what = f"{param.opts[-1] if param.opts[-1].startswith('--') else param.opts[0]} value"
            param.gwctl_ref_checked = True  # type: ignore[attr-defined]
        else:
            continue
        ids_only = name.endswith("ID") and "NAME" not in name

        def callback(ctx: click.Context, p: click.Parameter, value, what=what, ids_only=ids_only,
                     original=param.callback):
            if value is not None and not ctx.resilient_parsing:
                from gwctl.api.base import check_segment

                for ref in (value if isinstance(value, (tuple, list)) else (value,)):
                    if ref != "-":
                        check_segment(ref, what, slash=not ids_only)
            return original(ctx, p, value) if original else value

        param.callback = callback


def check_out_early(command: click.Command) -> None:
    """Check a file flag's target while parsing (exists as a directory? parent missing or read-only?
    a bad name?): every command that writes a file fails with exit 2 before its first request."""
    for param in command.params:
        flag = next((o for o in getattr(param, "opts", ()) if o in OUT_FLAGS), None)
        if flag is None or getattr(param, "gwctl_out_checked", False):
            continue
        param.gwctl_out_checked = True  # type: ignore[attr-defined]

        def callback(ctx: click.Context, p: click.Parameter, value, original=param.callback, flag=flag):
            if value is not None and not ctx.resilient_parsing:
                from gwctl.config.files import check_target

                check_target(value, flag)
            return original(ctx, p, value) if original else value

        param.callback = callback


def force_tty() -> bool:
    return os.environ.get("GWCTL_FORCE_TTY", "") not in ("", "0", "false")
