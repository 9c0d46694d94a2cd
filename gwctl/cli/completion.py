"""`gwctl completion`: shell completion scripts."""

from __future__ import annotations

import sys

import click

SHELLS = ("bash", "zsh", "fish")


def completion_script(shell: str) -> str:
    from click.shell_completion import get_completion_class

    from gwctl.cli.root import build_root

    cls = get_completion_class(shell)
    return cls(build_root(), {}, "gwctl", "_GWCTL_COMPLETE").source()


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell) -> None:
    """Print a shell completion script: it completes commands, options, profile names, resource
    IDs and names (from the profile's server, cached briefly) and option values.

    Load it for the running bash with `eval "$(gwctl completion bash)"`.

    Examples:
      gwctl completion bash > ~/.local/share/bash-completion/completions/gwctl
      gwctl completion zsh > "${fpath[1]}/_gwctl"
      gwctl completion fish > ~/.config/fish/completions/gwctl.fish
    """
    sys.stdout.write(completion_script(shell))
