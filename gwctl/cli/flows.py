"""Shared flows of commands that change things: confirmation and the bulk per-item runner."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.render import emit
from gwctl.errors import GwctlError, PartialFailure, UsageError, exit_code_for


def confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; without one, insist on --yes (exit 2)."""
    if yes:
        return
    app = get_app()
    if not app.can_prompt:
        raise UsageError(f"{question.rstrip('?')}: confirmation required; re-run with --yes")
    import click

    if not click.confirm(question, default=False, err=True):
        from gwctl.errors import Cancelled

        raise Cancelled("cancelled; nothing was changed")


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
) -> list[dict[str, Any]]:
    """Apply `action` to every ID with bounded parallelism and report per item.

    One ID behaves like a plain command (its error propagates with its own exit
    code); several IDs report each result and exit 10 if any failed.
    """
    app = get_app()
    if len(ids) == 1:
        action(ids[0])
        results = [ItemResult(ids[0], True)]
    else:
        def attempt(item_id: str) -> dict[str, Any]:
            try:
                action(item_id)
                return ItemResult(item_id, True)
            except GwctlError as exc:
                return ItemResult(item_id, False, exc.message, exit_code_for(exc))

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(concurrency, len(ids))) as pool:
            results = list(pool.map(attempt, ids))
    for result in results:
        if result["ok"]:
            app.err(f"{verb} {noun} {result['id']}")
        else:
            app.err(f"failed: {noun} {result['id']}: {result['error']}")
    if app.machine_output:
        emit(results)
    failed = [r["id"] for r in results if not r["ok"]]
    if failed:
        raise PartialFailure(f"{len(failed)} of {len(results)} {noun}s failed: {', '.join(failed)}")
    return results
