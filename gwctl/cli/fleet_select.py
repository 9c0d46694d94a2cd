"""The leaf wrapper that sends a command with several profiles to gwctl.cli.fleet (and fills
`{profile}` in --out for one). Imports nothing heavy: every leaf is wrapped."""

from __future__ import annotations

from typing import Any

import click

from gwctl.cli.fleet_commands import PLACEHOLDER, requested
from gwctl.cli.global_options import META_KEY


def wrap_leaf(command: click.Command) -> None:
    """Run the leaf once per selected profile when several are selected; fill `{profile}` in --out."""
    if getattr(command, "_gwctl_fleet", False) or getattr(command, "fleet_native", False):
        return
    plain = command.invoke

    def invoke(ctx: click.Context) -> Any:
        raw = ctx.meta.get(META_KEY, {})
        if requested(raw):
            from gwctl.cli.fleet import fan_out

            return fan_out(ctx, command, plain)
        out = ctx.params.get("out")
        if out is not None and PLACEHOLDER in str(out):
            from gwctl.cli.fleet import fill_placeholder

            fill_placeholder(ctx)
        return plain(ctx)

    command.invoke = invoke  # type: ignore[method-assign]
    command._gwctl_fleet = True  # type: ignore[attr-defined]
