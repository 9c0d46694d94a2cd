"""Option and argument aliases every product's commands share, and the product/resource group factory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from gwctl.cli.global_options import MAX_LIMIT

DEFAULT_LIMIT = 50

LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="Show at most N items (fetches only the pages needed).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Fetch every item, ignoring --limit.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation (required when not on a terminal).")]
ConcurrencyOpt = Annotated[int, typer.Option("--concurrency", min=1, max=32, help="Parallel requests for several IDs.")]
FromFileOpt = Annotated[
    Optional[str], typer.Option("--from-file", "-f", metavar="FILE|-", help="Full request body as JSON or YAML (- for stdin).")
]
IdsArg = Annotated[List[str], typer.Argument(metavar="ID...", help="One or more IDs, or - to read IDs from stdin.")]
LabelOpt = Annotated[Optional[List[str]], typer.Option("--label", "-l", metavar="KEY=VALUE", help="Label (repeatable).")]
OutFileOpt = Annotated[
    Optional[Path], typer.Option("--out", metavar="FILE", help="Write the secret to FILE (0600, atomic) and print only metadata.")
]

LOCK_TIMEOUT = 60.0  # seconds a rotation waits for another rotation of the same profile or --out file


def _finite_seconds(value: float) -> float:
    if value != value:  # nan passes every range check
        raise typer.BadParameter("give a number of seconds")
    return value


LockTimeoutOpt = Annotated[float, typer.Option(
    "--lock-timeout", min=0, max=86400, metavar="SECONDS", callback=_finite_seconds,
    help="Wait this long for another rotation of the same profile (or one writing the same --out file) "
         "to finish, then exit 7; 0 does not wait.")]


def product_app(name: str, help_: str) -> typer.Typer:
    """A Typer group for a product or resource (always a group, even with one command)."""
    app = typer.Typer(name=name, help=help_, no_args_is_help=True, rich_markup_mode=None,
                      pretty_exceptions_enable=False, add_completion=False)

    @app.callback()
    def _group() -> None:
        pass

    _group.__doc__ = help_
    return app


# `wait` verbs written by hand (gwctl.cli.waiting runs them); the generic wait verb has the same options.
def wait_for_help(conditions: dict) -> str:
    return "What to wait for: " + "; ".join(f"{c.usage}: {c.help}" for c in conditions.values()) + "."


WaitTimeoutOpt = Annotated[str, typer.Option("--timeout", metavar="DURATION",
                                             help="Give up after this long (30s, 5m, 1h30m or seconds): exit 7.")]
WaitIntervalOpt = Annotated[str, typer.Option("--interval", metavar="DURATION",
                                              help="First pause between polls; it grows by half each time, up to 10s.")]
