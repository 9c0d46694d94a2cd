"""`wait`: the one flow that polls until a condition holds (kubectl's `wait --for`).

A product declares what can be waited for as ``Condition``s (``gwctl.cli.<product>.waits``):
a name, a test of what a probe observed, and what a missing object means. ``wait_for`` polls
with back-off until the test passes (exit 0), the deadline passes (exit 7), the object
disappears (exit 3, unless waiting for its deletion) or it can no longer get there (exit 6).
Progress goes to stderr, on a terminal only.

Every declared resource gets a `wait` verb (gwctl.cli.verbs.wait_verb); verbs that wait on
something else (a cluster's health, a Gatekeeper's peers) call ``run_wait`` themselves.
Importing this module stays light: leaf help lists the conditions.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable

import click

# Tests replace these (tests/fake_clock.py); gwctl.cli.context.sleep is the one sleep.
monotonic = time.monotonic

FIRST_INTERVAL = 1.0
MAX_INTERVAL = 10.0
BACKOFF = 1.5
DEFAULT_TIMEOUT = 300.0
MAX_TIMEOUT = 7 * 86400.0
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")

# What a missing object (404, or a name nothing carries) means for a condition.
GONE, PENDING, MET = "gone", "pending", "met"


class Condition:
    """Something to wait for.

    ``test(observed, value) -> (verdict, state)``: verdict True (met), False (not yet) or None
    (it will not happen: exit 6); ``state`` says what was seen, for progress and messages.
    ``probe(target) -> observed`` reads what the test looks at (default: the object itself).
    ``absent``: GONE (a missing object stops the wait, exit 3), PENDING (not there yet: keep
    waiting) or MET (waiting for its deletion). ``value``: the metavar of ``--for NAME=VALUE``.
    """

    __slots__ = ("name", "help", "test", "probe", "absent", "value")

    def __init__(self, name: str, help: str, test: Callable[[Any, str | None], tuple[bool | None, str]],
                 *, probe: Callable[[Any], Any] | None = None, absent: str = GONE, value: str | None = None) -> None:
        self.name = name
        self.help = help
        self.test = test
        self.probe = probe
        self.absent = absent
        self.value = value

    @property
    def usage(self) -> str:
        return f"{self.name}={self.value}" if self.value else self.name


def _deleted(observed: Any, value: str | None) -> tuple[bool | None, str]:
    return False, "still exists"


DELETE = Condition("delete", "the object no longer exists", _deleted, absent=MET)
EXISTS = Condition("exists", "the object exists (by name or ID)", lambda observed, value: (True, "exists"),
                   absent=PENDING)


def field_is(path: str, wanted: Any, shown: str | None = None) -> Callable[[Any, str | None], tuple[bool | None, str]]:
    """A test: the field at dotted ``path`` equals ``wanted`` (a value, or a tuple of accepted values)."""
    accepted = wanted if isinstance(wanted, tuple) else (wanted,)

    def test(observed: Any, value: str | None) -> tuple[bool | None, str]:
        current = observed
        for part in path.split("."):
            current = current.get(part) if isinstance(current, dict) else None
        return current in accepted, f"{shown or path} {_text(current)}"

    return test


def _text(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


# --- durations -----------------------------------------------------------------------------------

def parse_duration(text: str, flag: str = "--timeout") -> float:
    """Seconds from `90`, `30s`, `5m`, `1h30m`, `500ms`: positive and finite, at most 7 days."""
    from gwctl.errors import UsageError

    raw = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        seconds = float(raw)
    else:
        parts = _DURATION.findall(raw)
        if not parts or "".join(n + u for n, u in parts) != raw:
            raise UsageError(f"invalid {flag} {text!r}: give a duration such as 30s, 5m, 1h30m or a number of seconds")
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    if not 0 < seconds <= MAX_TIMEOUT:
        raise UsageError(f"invalid {flag} {text!r}: it must be more than 0 and at most 7d")
    return seconds


def format_duration(seconds: float) -> str:
    """`45s`, `2m5s`, `1h0m0s`: how long a wait took or may take."""
    whole = int(round(seconds))
    if seconds < 10 and whole != seconds:
        return f"{seconds:.1f}s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def choose(conditions: dict[str, Condition], spec: str) -> tuple[Condition, str | None]:
    """The condition and its value named by ``--for NAME[=VALUE]``; exit 2 naming the choices."""
    from gwctl.errors import UsageError

    name, has_value, value = spec.partition("=")
    condition = conditions.get(name.strip().lower())
    if condition is None:
        raise UsageError(f"invalid --for {spec!r}: choose from {', '.join(c.usage for c in conditions.values())}")
    if condition.value and not (has_value and value.strip()):
        raise UsageError(f"invalid --for {spec!r}: give --for {condition.usage}")
    if has_value and not condition.value:
        raise UsageError(f"invalid --for {spec!r}: {condition.name} takes no value")
    return condition, (value.strip() if condition.value else None)


# --- the flow ------------------------------------------------------------------------------------

def wait_for(what: str, condition: Condition, probe: Callable[[], Any], *, value: str | None = None,
             timeout: float = DEFAULT_TIMEOUT, interval: float = FIRST_INTERVAL) -> Any:
    """Poll ``probe()`` until ``condition`` holds for what it returns; return that observation.

    ``probe`` raises gwctl.errors.NotFoundError when the object is missing. Sleeps grow by half
    each round up to MAX_INTERVAL and never run past the deadline; the last poll is at the deadline.
    """
    from gwctl.cli import context
    from gwctl.cli.context import get_app
    from gwctl.errors import NotFoundError, RejectedError, TimeoutError_

    app = get_app()
    goal = f"{condition.name}={value}" if condition.value else condition.name
    start = monotonic()
    deadline = start + timeout
    delay = interval
    shown: str | None = None
    while True:
        try:
            observed = probe()
        except NotFoundError:
            if condition.absent == MET:
                app.err(f"{what}: condition met: deleted (after {format_duration(monotonic() - start)})")
                return None
            if condition.absent == GONE:
                raise NotFoundError(f"{what} no longer exists: stopped waiting for {goal}") from None
            observed, (verdict, state) = None, (False, "does not exist yet")
        else:
            verdict, state = condition.test(observed, value)
        elapsed = monotonic() - start
        if verdict:
            app.err(f"{what}: condition met: {goal} ({state}, after {format_duration(elapsed)})")
            return observed
        if verdict is None:
            raise RejectedError(f"{what} will not reach {goal}: {state}")
        now = monotonic()
        if now >= deadline:
            raise TimeoutError_(f"timed out after {format_duration(timeout)} waiting for {what} to reach {goal} "
                                f"(last seen: {state})")
        if app.stderr_tty and state != shown:
            app.err(f"waiting for {what} to reach {goal}: {state} ({format_duration(elapsed)})")
            shown = state
        context.sleep(min(delay, deadline - now))
        delay = min(delay * BACKOFF, MAX_INTERVAL)


# --- the options every wait verb has ---------------------------------------------------------------

def for_option(conditions: dict[str, Condition]) -> click.Option:
    lines = "; ".join(f"{c.usage}: {c.help}" for c in conditions.values())
    return click.Option(["--for", "for_"], metavar="CONDITION", required=True,
                        help=f"What to wait for: {lines}.")


def timeout_option() -> click.Option:
    return click.Option(["--timeout", "wait_timeout"], metavar="DURATION", default="5m", show_default=True,
                        help="Give up after this long (30s, 5m, 1h30m or seconds): exit 7.")


def interval_option() -> click.Option:
    return click.Option(["--interval"], metavar="DURATION", default="1s", show_default=True,
                        help="First pause between polls; it grows by half each time, up to 10s.")


WAIT_EXITS = ("Exit 0 when the condition is met, 7 on timeout, 3 if the object disappears "
              "(unless waiting for delete), 6 if it can no longer get there.")


# --- the wait verb of a declared resource ----------------------------------------------------------

def _declared(res: Any, table: str) -> Any:
    """A resource's entry in its product's gwctl.cli.<product>.waits table (CONDITIONS, EXAMPLES)."""
    import importlib
    from importlib.util import find_spec

    module = f"gwctl.cli.{res.product}.waits"
    if find_spec(module) is None:
        return None
    return getattr(importlib.import_module(module), table, {}).get(res.noun)


def conditions_for(res: Any) -> dict[str, Condition]:
    """The conditions of a resource: its product's, then exists and delete."""
    return {c.name: c for c in (*(_declared(res, "CONDITIONS") or ()), EXISTS, DELETE)}


def has_wait(res: Any) -> bool:
    return "get" in res.verbs or "delete" in res.verbs or "list" in res.verbs


# --- hand-written wait verbs (a collection, a cluster's health, Gatekeeper's peers) ----------------

def run_wait(what: str, conditions: dict[str, Condition], spec: str, timeout: str, interval: str,
             target: Any) -> Any:
    """Parse ``--for/--timeout/--interval`` (exit 2 before any request) and wait on ``target``:
    the condition's probe reads ``target``, else ``target.read()``. JSON output gets what was seen."""
    from gwctl.cli.context import get_app
    from gwctl.cli.render import emit

    condition, value = choose(conditions, spec)
    seconds = parse_duration(timeout)
    first = parse_duration(interval, "--interval")

    def probe() -> Any:
        return condition.probe(target) if condition.probe else target.read()

    observed = wait_for(what, condition, probe, value=value, timeout=seconds, interval=first)
    app = get_app()
    if observed is not None and (app.machine_output or app.opts.query):
        emit(observed)
    return observed
