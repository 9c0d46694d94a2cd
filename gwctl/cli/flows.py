"""Shared flows of commands that change things: confirmation and the bulk per-item runner."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.render import emit
from gwctl.errors import GwctlError, PartialFailure, UsageError, exit_code_for


def describe(singular: str, plural: str, labels: Sequence[str]) -> str:
    """`route r1 (grafana)` or `2 routes: r1 (grafana), r2`: what a confirmation or report names."""
    if len(labels) == 1:
        return f"{singular} {labels[0]}"
    return f"{len(labels)} {plural}: {', '.join(labels)}"


def confirm_change(action: str, singular: str, plural: str, labels: Sequence[str], yes: bool,
                   consequence: str = "") -> None:
    """The one confirmation of a destructive command: names what changes (names and IDs).

    `Delete 2 routes: r1 (grafana), r2?`; without a terminal and --yes: exit 2 with
    `delete 2 routes: r1 (grafana), r2: confirmation required; re-run with --yes`.
    """
    what = describe(singular, plural, labels)
    tail = f" ({consequence})" if consequence else ""
    if yes:
        return
    app = get_app()
    if not app.can_prompt:
        raise UsageError(f"{action.lower()} {what}{tail}: confirmation required; re-run with --yes")
    import click

    from gwctl.errors import Cancelled

    try:
        agreed = click.confirm(f"{action[:1].upper()}{action[1:]} {what}{tail}?", default=False, err=True)
    except click.exceptions.Abort as exc:
        if not isinstance(exc.__context__, EOFError):  # Ctrl-C stays an interrupt
            raise
        agreed = False  # end of input: no answer is not a yes
        get_app().err("")
    if not agreed:
        raise Cancelled("cancelled; nothing was changed")


def report_done(verb: str, singular: str, label: str) -> None:
    """The one success line of create/update/delete, on stderr: `created route r1 (grafana)`."""
    get_app().err(f"{verb} {singular} {label}" if label else f"{verb} {singular}")


def ItemResult(item_id: str, ok: bool, error: str | None = None, exit_code: int | None = None) -> dict[str, Any]:
    """The per-item record of a bulk operation (also its JSON output)."""
    return {"id": item_id, "ok": ok, "error": error, "exit_code": exit_code}


def run_bulk(
    ids: Sequence[str],
    action: Callable[[str], Any],
    *,
    verb: str,
    noun: str,
    concurrency: int = 4,
    labels: dict[str, str] | None = None,
    plural: str | None = None,
) -> list[dict[str, Any]]:
    """Apply `action` to every ID with bounded parallelism and report per item.

    One ID behaves like a plain command (its error propagates with its own exit
    code); several IDs report each result and exit 10 if any failed. Workers run
    inside the command's click context, so an action may use get_app() like any code.
    """
    import click

    app = get_app()
    labels = labels or {}
    if len(ids) == 1:
        action(ids[0])
        results = [ItemResult(ids[0], True)]
    else:
        ctx = click.get_current_context()

        def attempt(item_id: str) -> dict[str, Any]:
            with ctx.scope(cleanup=False):
                try:
                    action(item_id)
                    return ItemResult(item_id, True)
                except GwctlError as exc:
                    return ItemResult(item_id, False, exc.message, exit_code_for(exc))

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(concurrency, len(ids))) as pool:
            results = list(pool.map(attempt, ids))
    for result in results:
        label = labels.get(result["id"], result["id"])
        if result["ok"]:
            app.err(f"{verb} {noun} {label}")
        else:
            app.err(f"failed: {noun} {label}: {result['error']}")
    if app.machine_output:
        emit(results)
    failed = [r["id"] for r in results if not r["ok"]]
    if failed:
        raise PartialFailure(f"{len(failed)} of {len(results)} {plural or noun + 's'} failed: {', '.join(failed)}")
    return results
