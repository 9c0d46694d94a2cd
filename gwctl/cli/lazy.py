"""A click group that imports a subcommand's module only when that subcommand runs.

Used for the root and for large products, so `--help`, completion and local
commands stay fast however many commands gwctl grows.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

# name -> ("module:attr", one-line help, *factory args)
Entries = dict[str, tuple[Any, ...]]


def load_target(target: str, args: tuple[Any, ...] = ()) -> click.Command:
    """Resolve "module:attr" to a click command: a click command, a Typer app, or a factory of either."""
    module_name, _, attr = target.partition(":")
    obj = getattr(importlib.import_module(module_name), attr)
    if args or (callable(obj) and not isinstance(obj, click.Command) and not hasattr(obj, "registered_commands")):
        obj = obj(*args)
    if isinstance(obj, click.Command):
        return obj
    import typer.main

    return typer.main.get_command(obj)


_FOUND: dict[str, bool] = {}


def _installed(target: str) -> bool:
    module = target.partition(":")[0]
    if module not in _FOUND:
        from importlib.util import find_spec

        _FOUND[module] = find_spec(module) is not None
    return _FOUND[module]


class LazyGroup(click.Group):
    def __init__(self, *args: Any, entries: Entries, sections: dict[str, list[str]] | None = None,
                 aliases: dict[str, str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("no_args_is_help", True)
        super().__init__(*args, **kwargs)
        self.entries = entries
        self.sections = sections or {}
        self.aliases = aliases or {}  # other names of an entry, accepted but not listed
        self._loaded: dict[str, click.Command] = {}

    def available(self) -> dict[str, tuple[Any, ...]]:
        """Entries whose module is installed (products land one at a time)."""
        return {name: e for name, e in self.entries.items() if _installed(e[0])}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.available())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd_name = self.aliases.get(cmd_name, cmd_name)
        if cmd_name in self._loaded:
            return self._loaded[cmd_name]
        entry = self.entries.get(cmd_name)  # only this entry's module is looked for
        if entry is None or not _installed(entry[0]):
            return None
        from gwctl.cli.fleet_select import wrap_leaf
        from gwctl.cli.global_options import attach_global_options

        command = load_target(entry[0], tuple(entry[2:]))
        command.name = cmd_name
        if not command.help and not command.short_help:
            command.short_help = entry[1]
        attach_global_options(command, wrap_leaf)  # several profiles: the leaf runs once per profile
        self._loaded[cmd_name] = command
        return command

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list:
        """Complete command names from the declared entries, without importing any of them."""
        from click.shell_completion import CompletionItem

        items = [CompletionItem(name, help=entry[1]) for name, entry in self.available().items()
                 if name.startswith(incomplete)]
        items.extend(click.Command.shell_complete(self, ctx, incomplete))
        return items

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List commands from the declared help, without importing them."""
        entries = self.available()
        placed = {name for names in self.sections.values() for name in names}
        sections = dict(self.sections)
        rest = [n for n in entries if n not in placed]
        if rest:
            sections["Commands"] = rest
        for title, names in sections.items():
            rows = [(n, entries[n][1]) for n in names if n in entries]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
