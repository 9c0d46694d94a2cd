"""Shell completion of profile names (config.toml): for -p and the profile commands. Imports nothing heavy."""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem


def profile_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    try:
        from gwctl.config.profiles import load

        config = load()
    except Exception:  # noqa: BLE001 - a broken config completes nothing rather than a traceback
        return []
    return [CompletionItem(name, help=profile.product) for name, profile in sorted(config.profiles.items())
            if name.startswith(incomplete)]
