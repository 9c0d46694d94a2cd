"""`gwctl version` and `gwctl completion`."""

from __future__ import annotations

import platform
import sys
import click

from gwctl import __version__
from gwctl.cli.context import get_app
from gwctl.cli.render import emit

SHELLS = ("bash", "zsh", "fish")


@click.command("version")
def version() -> None:
    """Show the gwctl version (-o json for details)."""
    app_ctx = get_app()
    info = {"version": __version__, "python": platform.python_version(), "platform": sys.platform}
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(info)
    else:
        app_ctx.out(f"gwctl {__version__}")


def completion_script(shell: str) -> str:
    from click.shell_completion import get_completion_class

    from gwctl.cli.root import build_root

    cls = get_completion_class(shell)
    return cls(build_root(), {}, "gwctl", "_GWCTL_COMPLETE").source()


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell) -> None:
    """Print a shell completion script.

    bash: eval "$(gwctl completion bash)"; zsh: gwctl completion zsh > "${fpath[1]}/_gwctl";
    fish: gwctl completion fish > ~/.config/fish/completions/gwctl.fish
    """
    sys.stdout.write(completion_script(shell))
