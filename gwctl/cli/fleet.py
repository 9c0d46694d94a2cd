"""One command across several profiles: `gwctl -p 'prod-*' opa gateways list`.

The leaf's callback runs once per profile, at most --fleet-concurrency at a time, each run with its
own AppContext (profile, credentials, HTTP client) set in its thread (gwctl.cli.context.fleet_app).
What a run renders reaches its AppContext's ``sink`` instead of stdout; when every run is done
the results are rendered together: table and TSV with a leading PROFILE column, JSON and YAML as one
list whose items carry their profile in PROFILE_FIELD, JSON Lines streamed as items arrive.

A failing profile does not stop the others: each failure is reported with its profile, and the
exit code is 0 when all succeed, 10 when some fail, the failures' own code when all fail alike.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Iterator, Sequence

import click

from gwctl.cli.context import AppContext, GlobalOptions, fleet_app, get_app
from gwctl.cli.fleet_commands import PLACEHOLDER, command_words, fleet_kind
from gwctl.cli.render import Column, Renderer, generic_columns, select_columns
from gwctl.errors import FleetFailed, GwctlError, NotFoundError, UsageError, default_hint, exit_code_for

PROFILE_FIELD = "gwctl_profile"  # marks each item of JSON/YAML/JSON Lines; no product's API has gwctl_ fields
PROFILE_COLUMN = Column("profile", PROFILE_FIELD, header="PROFILE")
VERDICT_CODES = (11,)  # codes that are an answer, not a failure: drift in some profiles is still drift


# --- which profiles -----------------------------------------------------------------------------

def select_profiles(config: Any, product: str, spec: str | None, all_profiles: bool, from_env: bool = False,
                    note: Any = None) -> list[str]:
    """The names of ``product``'s profiles that ``spec`` (names and globs, comma-separated) selects,
    sorted; every profile of the product with ``all_profiles``. Profiles of other products are
    skipped (with a note unless the selection came from GWCTL_PROFILE); none left exits 2."""
    from fnmatch import fnmatchcase

    chosen: set[str] = set()
    skipped: set[str] = set()
    if all_profiles:
        chosen.update(n for n, p in config.profiles.items() if p.product == product)
    patterns = [p.strip() for p in (spec or "").split(",") if p.strip()] if (spec and not all_profiles) else []
    for pattern in patterns:
        if any(c in pattern for c in "*?["):
            matched = [n for n in config.profiles if fnmatchcase(n, pattern)]
        elif pattern in config.profiles:
            matched = [pattern]
        elif from_env:
            continue
        else:
            raise NotFoundError(f"profile {pattern!r} does not exist", hint="list profiles with `gwctl profile list`")
        for name in matched:
            (chosen if config.profiles[name].product == product else skipped).add(name)
    if skipped and not from_env and note is not None:
        if len(skipped) <= 3:
            others = ", ".join(f"{n} ({config.profiles[n].product})" for n in sorted(skipped))
        else:
            others = f"{len(skipped)} of {', '.join(sorted({config.profiles[n].product for n in skipped}))}"
        note(f"note: skipped profiles of other products: {others}")
    if not chosen:
        what = "--all-profiles" if all_profiles else f"-p {spec!r}"
        raise UsageError(f"no {product} profile matches {what}",
                         hint=f"see `gwctl profile list`, or add one with `gwctl profile add NAME --product {product}`")
    return sorted(chosen)


def product_of(words: list[str]) -> str | None:
    from gwctl.products import PRODUCTS

    return words[0] if words and words[0] in PRODUCTS else None


# --- --out FILE with {profile} ------------------------------------------------------------------------

def _out_param(command: click.Command) -> click.Parameter | None:
    return next((p for p in command.params if p.name == "out"), None)


def _with_profile(value: Any, name: str) -> Any:
    if value is None or PLACEHOLDER not in str(value):
        return value
    return type(value)(str(value).replace(PLACEHOLDER, name))


def check_out_placeholder(command: click.Command, params: dict[str, Any], names: list[str]) -> None:
    """With several profiles, a file option must name each profile's file: `--out 'tokens/{profile}.token'`."""
    value = params.get("out")
    if value is None or str(value) == "-" or len(names) < 2 or PLACEHOLDER in str(value):
        return
    param = _out_param(command)
    flag = max(getattr(param, "opts", None) or ["--out"], key=len)
    raise UsageError(f"{flag} {value} would be written once per profile: put {PLACEHOLDER} in it, "
                     f"e.g. {flag} 'tokens/{PLACEHOLDER}.token'")


def fill_placeholder(ctx: click.Context) -> None:
    """One profile: `{profile}` in --out becomes its name."""
    product = product_of(command_words(ctx))
    if product is None:
        return
    name = get_app(ctx).profile(product).name
    ctx.params["out"] = _with_profile(ctx.params["out"], name)


# --- one run per profile ------------------------------------------------------------------------

class _Chunk:
    """What one emit() of a profile's run handed over: items, their columns, or raw text."""

    def __init__(self, items: list[Any], columns: Sequence[Column] | None, text: str | None = None) -> None:
        self.items, self.columns, self.text = items, columns, text


class _RoutedStdout:
    """sys.stdout during a fleet run: a worker thread's writes go to that run's buffer."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.local = threading.local()

    def write(self, text: str) -> int:
        buffer = getattr(self.local, "buffer", None)
        if buffer is None:
            return self.real.write(text)
        buffer.append(text)
        return len(text)

    def flush(self) -> None:
        if getattr(self.local, "buffer", None) is None:
            self.real.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class Member(AppContext):
    """The AppContext of one profile's run: its own client and profile; output to the fleet run."""

    def __init__(self, opts: GlobalOptions, run: FleetRun, name: str) -> None:
        super().__init__(opts)
        self.run, self.name = run, name
        self.chunks: list[_Chunk] = []
        self._config = run.main.config
        self.sink = self._collect

    @property
    def stdout_tty(self) -> bool:
        return self.run.main.stdout_tty

    @property
    def stderr_tty(self) -> bool:
        return self.run.main.stderr_tty

    @property
    def can_prompt(self) -> bool:  # several profiles at once: no prompts, --yes decides
        return False

    @property
    def color(self) -> bool:
        return self.run.main.color

    def err(self, text: str) -> None:
        self.run.err(f"{self.name}: {text}")

    def _collect(self, data: Any, columns: Sequence[Column] | None) -> None:
        from gwctl.cli.render import _is_page_stream, _Pages

        if isinstance(data, Iterator) or _is_page_stream(data):
            pages = _Pages(data)
            items = []
            for item in pages:
                items.append(item)
                self.run.stream(self.name, item)
            Renderer(self)._notice_more(pages)
        else:
            items = list(data) if isinstance(data, list) else [data]
            for item in items:
                self.run.stream(self.name, item)
        self.chunks.append(_Chunk(items, columns))


class Outcome:
    def __init__(self, name: str) -> None:
        self.name = name
        self.chunks: list[_Chunk] = []
        self.failure: dict[str, Any] | None = None


class FleetRun:
    def __init__(self, main: AppContext, names: list[str]) -> None:
        self.main, self.names = main, names
        self._lock = threading.Lock()
        self.real_stdout = sys.stdout
        self.streaming = main.output == "jsonl" and not main.opts.query

    # -- output shared by the runs ----------------------------------------------------------------

    def err(self, line: str) -> None:
        with self._lock:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def stream(self, name: str, item: Any) -> None:
        """JSON Lines: each item is written as it arrives, marked with its profile."""
        if not self.streaming:
            return
        import json

        line = json.dumps(mark(item, name), ensure_ascii=False, default=str, separators=(",", ":"))
        with self._lock:
            self.real_stdout.write(line + "\n")
            self.real_stdout.flush()

    # -- running ------------------------------------------------------------------------------------

    def run(self, ctx: click.Context, command: click.Command, concurrency: int) -> list[Outcome]:
        from concurrent.futures import ThreadPoolExecutor

        routed = _RoutedStdout(sys.stdout)
        sys.stdout = routed
        try:
            with ThreadPoolExecutor(max_workers=min(concurrency, len(self.names)),
                                    thread_name_prefix="gwctl-fleet") as pool:
                futures = [pool.submit(self._one, ctx, command, name, routed) for name in self.names]
                try:
                    return [f.result() for f in futures]
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
        finally:
            sys.stdout = routed.real

    def _one(self, ctx: click.Context, command: click.Command, name: str, routed: _RoutedStdout) -> Outcome:
        from click.globals import pop_context, push_context

        outcome = Outcome(name)
        values = {slot: getattr(self.main.opts, slot) for slot in GlobalOptions.DEFAULTS}
        values.update(profile=name, profile_from_env=False, all_profiles=False)
        member = Member(GlobalOptions(**values), self, name)
        params = {k: _with_profile(v, name) if k == "out" else v for k, v in ctx.params.items()}
        token = fleet_app.set(member)
        routed.local.buffer = text = []
        push_context(ctx)
        try:
            if command.callback is not None:
                command.callback(**params)
        except click.exceptions.Exit as exc:
            if exc.exit_code:
                outcome.failure = self._failure(name, f"exited with code {exc.exit_code}", exc.exit_code)
        except GwctlError as exc:
            from gwctl.cli.context import runnable_hint

            hint = exc.hint or default_hint(exc)
            outcome.failure = self._failure(name, exc.message, exit_code_for(exc), exc.http_status, exc.request_id,
                                            runnable_hint(hint) if hint else None)
        except click.ClickException as exc:
            outcome.failure = self._failure(name, exc.format_message(), exc.exit_code or 1)
        except Exception as exc:  # noqa: BLE001 - one profile's bug must not hide the others' results
            outcome.failure = self._failure(name, f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
                                            1)
        finally:
            pop_context()
            routed.local.buffer = None
            fleet_app.reset(token)
            member.close()
        outcome.chunks = member.chunks
        if text:
            outcome.chunks.append(_Chunk([], None, "".join(text)))
            if self.streaming:
                for item in _parsed(outcome.chunks[-1].text, "json"):
                    self.stream(name, item)
        return outcome

    @staticmethod
    def _failure(name: str, message: str, code: int, http_status: int | None = None, request_id: str | None = None,
                 hint: str | None = None) -> dict[str, Any]:
        record: dict[str, Any] = {"profile": name, "error": " ".join(str(message).split()), "exit_code": code,
                                  "http_status": http_status, "request_id": request_id}
        if hint:
            record["hint"] = hint
        return record

    # -- rendering --------------------------------------------------------------------------------------

    def render(self, outcomes: list[Outcome]) -> None:
        fmt = self.main.output
        if self.streaming:
            return
        pairs: list[tuple[str, Any]] = []  # (profile, item) in profile order
        columns: Sequence[Column] | None = None
        texts: list[tuple[str, str]] = []
        for outcome in outcomes:
            for chunk in outcome.chunks:
                if chunk.text is not None:
                    if fmt in ("json", "jsonl", "yaml") or self.main.opts.query:
                        pairs += [(outcome.name, item) for item in _parsed(chunk.text, fmt)]
                    else:
                        texts.append((outcome.name, chunk.text))
                    continue
                pairs += [(outcome.name, item) for item in chunk.items]
                if columns is None and chunk.columns:
                    columns = chunk.columns
        emitted = any(chunk.text is None for o in outcomes for chunk in o.chunks)
        if not pairs and (texts or not emitted):  # a plan's lines, or nothing (a file was written)
            self._text_lines(texts, fmt)
            return
        if not pairs and all(o.failure for o in outcomes):
            return  # nothing to show: the failures say why
        marked = [mark(item, name) for name, item in pairs]
        if fmt in ("json", "jsonl", "yaml") or self.main.opts.query:
            Renderer(self.main).emit(marked)
        else:
            plain = [item for _, item in pairs]
            if plain and not all(isinstance(i, dict) for i in plain):
                chosen: list[Column] = [Column("value", "value")]
            else:
                chosen = select_columns(columns or generic_columns(plain), self.main.opts.columns)
            values = {slot: getattr(self.main.opts, slot) for slot in GlobalOptions.DEFAULTS}
            values["columns"] = None  # --columns was applied above; PROFILE always leads
            renderer = Renderer(self.main)
            renderer.opts = GlobalOptions(**values)
            renderer._rows(marked, [PROFILE_COLUMN, *chosen])
        self._text_lines(texts, fmt)

    def _text_lines(self, texts: list[tuple[str, str]], fmt: str) -> None:
        width = max((len(name) for name, _ in texts), default=0)
        for name, text in texts:
            for line in text.splitlines():
                sys.stdout.write((f"{name}\t{line}" if fmt == "tsv" else f"{name:<{width}}  {line}").rstrip() + "\n")

    # -- the exit code ------------------------------------------------------------------------------------

    def finish(self, outcomes: list[Outcome]) -> None:
        failures = [o.failure for o in outcomes if o.failure]
        if not failures:
            return
        codes = {f["exit_code"] for f in failures}
        total = len(outcomes)
        names = ", ".join(f["profile"] for f in failures)
        if len(failures) == total and len(codes) == 1:
            code = codes.pop()
            if code == 2 and len({f["error"] for f in failures}) == 1:  # the same bad input everywhere: say it once
                raise FleetFailed(failures[0]["error"], exit_code=2, failures=failures, hint=failures[0].get("hint"))
        elif len(codes) == 1 and next(iter(codes)) in VERDICT_CODES:
            code = next(iter(codes))
        else:
            code = 10
        if self.main.output != "json":
            for failure in failures:
                self.err(f"error: {failure['profile']}: {failure['error']}")
                if failure.get("hint"):
                    self.err(f"hint: {failure['profile']}: {failure['hint']}")
        raise FleetFailed(f"{len(failures)} of {total} profiles failed: {names}", exit_code=code, failures=failures)


def mark(item: Any, name: str) -> dict[str, Any]:
    """An item marked with its profile (first), or {profile, value} for what is not an object."""
    if isinstance(item, dict):
        return {PROFILE_FIELD: name, **{k: v for k, v in item.items() if k != PROFILE_FIELD}}
    return {PROFILE_FIELD: name, "value": item}


def _parsed(text: str, fmt: str) -> list[Any]:
    """What a command wrote to stdout itself (a document, a plan), as items: parsed when it is JSON
    or YAML, else its lines."""
    import json

    try:
        value = json.loads(text)
    except ValueError:
        value = None
        if fmt == "yaml" or text.lstrip().startswith(("gwctl:", "---")):
            try:
                import yaml

                value = yaml.safe_load(text)
            except Exception:  # noqa: BLE001 - not YAML either: keep the lines
                value = None
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return [line for line in text.splitlines() if line.strip()]


def fan_out(ctx: click.Context, command: click.Command, plain: Any) -> Any:
    """Run the leaf once per selected profile (see the module docstring)."""
    from gwctl.cli.global_options import FLEET_CONCURRENCY

    main = get_app(ctx)
    words = command_words(ctx)
    product = product_of(words)
    if fleet_kind(words) is None:
        if main.opts.profile_from_env and not main.opts.all_profiles:
            return plain(ctx)  # GWCTL_PROFILE holds a pattern: commands of one profile ignore it
        raise UsageError(f"`gwctl {' '.join(words)}` runs on one profile at a time: give -p NAME",
                         hint="several profiles (a list, a pattern, --all-profiles) work with reads and rotations")
    names = select_profiles(main.config, product, main.opts.profile, main.opts.all_profiles,
                            from_env=main.opts.profile_from_env, note=main.err)
    check_out_placeholder(command, ctx.params, names)
    run = FleetRun(main, names)
    outcomes = run.run(ctx, command, main.opts.fleet_concurrency or FLEET_CONCURRENCY)
    run.render(outcomes)
    run.finish(outcomes)
    return None
