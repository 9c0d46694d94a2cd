"""Entry point. The only place that turns exceptions into exit codes and error messages."""

from __future__ import annotations

import os
import sys

from gwctl.errors import EXIT_TABLE, exit_code_for  # noqa: F401 - the CLI's exit-code contract


def _fast_path(argv: list[str]) -> int | None:
    """Answer `--version` before importing click or typer."""
    if list(argv) == ["--version"]:
        from gwctl import __version__

        sys.stdout.write(f"gwctl {__version__}\n")
        return 0
    return None


def _wants_json(argv: list[str]) -> bool:
    args = list(argv)
    if "--json" in args:
        return True
    for i, arg in enumerate(args):
        if arg in ("-o", "--output") and i + 1 < len(args):
            return args[i + 1] == "json"
        if arg in ("-ojson", "--output=json"):
            return True
    return os.environ.get("GWCTL_OUTPUT") == "json"


def _verbosity(argv: list[str]) -> int:
    count = 0
    for arg in argv:
        if arg == "--verbose":
            count += 1
        elif arg.startswith("-") and not arg.startswith("--") and set(arg[1:]) == {"v"}:
            count += len(arg) - 1
    return count


_ARGV: list[str] = []  # this run's arguments (for --no-color when an error is printed)


def _red(text: str, stream) -> str:
    """Red on a terminal only (NO_COLOR, --no-color and pipes stay plain)."""
    from gwctl.cli.global_options import force_tty

    try:
        tty = force_tty() or stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty or os.environ.get("NO_COLOR") or "--no-color" in _ARGV:
        return text
    return f"\x1b[31m{text}\x1b[0m"


def _report(message: str, *, code: int, hint: str | None, as_json: bool, http_status=None, request_id=None,
            new_line: bool = False, extra: dict | None = None) -> None:
    """The error on stderr: `error:`/`hint:` lines, or with `-o json` only the JSON error object."""
    stream = sys.stderr
    try:
        if as_json:
            import json

            payload = {"error": message, "exit_code": code, "http_status": http_status, "request_id": request_id}
            if hint:
                payload["hint"] = hint
            payload.update(extra or {})
            stream.write(json.dumps(payload) + "\n")
        else:
            if new_line and stream.isatty():  # after `^C` at a prompt the cursor is mid-line
                stream.write("\n")
            stream.write(_red(f"error: {message}", stream) + "\n")
            if hint:
                stream.write(f"hint: {hint}\n")
        stream.flush()
    except (BrokenPipeError, ValueError):
        pass


def default_hint(exc: BaseException) -> str | None:
    """The hint for an error that brings none: how to log in after a 401, what to check when unreachable."""
    from gwctl.errors import default_hint as hint

    return hint(exc)


def _runnable(hint: str | None) -> str | None:
    if hint and "gwctl.cli.context" in sys.modules:
        from gwctl.cli.context import runnable_hint

        return runnable_hint(hint)
    return hint


def _unknown_command(message: str) -> str | None:
    import re

    match = re.match(r"No such command '(.*?)'\.", message)
    return match.group(1) if match else None


def _suggest(ctx, word: str, argv: list[str]) -> str | None:
    """One suggestion, as the whole command line corrected: `gwctl sg gateways list` for `gwctl sg gateway list`."""
    import difflib
    import shlex

    names = ctx.command.list_commands(ctx) if hasattr(ctx.command, "list_commands") else []
    lowered = word.lower()
    forms = {lowered, lowered + "s", lowered + "es", lowered.rstrip("s"), lowered[:-2] if lowered.endswith("es") else lowered}
    match = next((n for n in names if n in forms), None)
    if match is None:
        close = difflib.get_close_matches(lowered, names, n=1, cutoff=0.6)
        match = close[0] if close else None
    if match is None:
        return None
    fixed = list(argv)
    if word in fixed:
        fixed[fixed.index(word)] = match
        return f"did you mean `gwctl {shlex.join(fixed)}`?"
    return f"did you mean `{ctx.command_path} {match}`?"


def _write_help(text: str) -> None:
    try:
        sys.stderr.write(text.rstrip("\n") + "\n")
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass


STDOUT_CLOSED = 141  # 128 + SIGPIPE, what a shell reports for a writer killed by a closed pipe


def _stdout_closed() -> int:
    """The reader went away (`gwctl ... | head -1`): no message, and no error at exit when Python flushes."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return STDOUT_CLOSED


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def check_argv_and_env(argv: list[str]) -> None:
    """Every argument and GWCTL_* variable must be text UTF-8 can carry: bytes that are not UTF-8
    reach Python as lone surrogates, which no file, header or JSON body can hold."""
    from gwctl.errors import UsageError

    for i, arg in enumerate(argv):
        if "\0" in arg:
            raise UsageError(f"argument {i + 1} holds a NUL byte")
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            before = argv[i - 1] if i and argv[i - 1].startswith("-") and "=" not in argv[i - 1] else ""
            flag = arg.partition("=")[0] if arg.startswith("--") and "=" in arg else ""
            what = f"the value of {before or flag}" if before or flag else f"argument {i + 1}"
            raise UsageError(f"{what} is not valid UTF-8 text", hint="pass it as UTF-8") from None
    for name, value in os.environ.items():
        if name.startswith("GWCTL_"):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise UsageError(f"the environment variable {name} is not valid UTF-8 text",
                                 hint=f"set {name} to UTF-8 text or unset it") from None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _ARGV[:] = argv
    fast = _fast_path(argv)
    if fast is not None:
        return fast
    pages = None
    from gwctl import help_cache

    completing = help_cache.asks_for_completion()
    if (completing and help_cache.completion_is_static()) or (not completing and help_cache.asks_for_help(argv)):
        pages = help_cache.HelpCache(argv, help_cache.COMPLETION_ENV if completing else help_cache._ENV)
        text = pages.cached()
        if text is not None:
            _echo(text, binary=completing)
            return 0
    try:
        code = _run(argv, pages)
    finally:
        if pages is not None:
            _stop_recording()
    if pages is not None and code == 0:
        pages.keep()
    return code


def _run(argv: list[str], pages=None) -> int:
    import click

    from gwctl import errors
    from gwctl.cli.root import build_root

    # `import httpx` also imports its optional command-line client (click, rich, pygments: ~35 ms)
    # whenever those are installed; gwctl never uses it, so let httpx take its fallback.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]

    as_json = _wants_json(argv)
    if pages is not None:
        _record_help(click, pages.pages)
        if os.environ.get("_GWCTL_COMPLETE"):
            _record_completion(pages.pages)
    try:
        check_argv_and_env(argv)
        root = build_root()
        result = root.main(args=argv, prog_name="gwctl", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except errors.GwctlError as exc:
        code = exit_code_for(exc)
        # A command run across several profiles (gwctl.cli.fleet): each profile's failure in the JSON error.
        failures = exc.failures if isinstance(exc, errors.FleetFailed) else None
        _report(_one_line(exc.message), code=code, hint=_runnable(exc.hint or default_hint(exc)), as_json=as_json,
                http_status=exc.http_status, request_id=exc.request_id,
                extra={"failures": failures} if failures is not None else None)
        return code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # click's shell completion (`_GWCTL_COMPLETE=...`) exits by itself
        if "PacifyFlushWrapper" in type(sys.stdout).__name__:  # click's own answer to a closed stdout
            return _stdout_closed()
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except click.exceptions.Abort as exc:
        # click starts a new line itself after a Ctrl-C it caught; not after one at a prompt
        _report("interrupted", code=130, hint=None, as_json=as_json, new_line=exc.__cause__ is None)
        return 130
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `gwctl`, `gwctl profile`: the help, as is
            _write_help(exc.format_message())
            return 2
        message = exc.format_message()
        cmd = exc.ctx.command_path if exc.ctx else "gwctl"
        hint = f"see `{cmd} --help`"
        unknown = _unknown_command(message)
        if unknown is not None and exc.ctx is not None:
            message = f"no such command {unknown!r} in `{cmd}`"
            hint = _suggest(exc.ctx, unknown, argv) or hint
        _report(_one_line(message), code=2, hint=hint, as_json=as_json)
        return 2
    except click.ClickException as exc:
        _report(_one_line(exc.format_message()), code=exc.exit_code or 1, hint=None, as_json=as_json)
        return exc.exit_code or 1
    except KeyboardInterrupt:
        _report("interrupted", code=130, hint=None, as_json=as_json, new_line=True)
        return 130
    except UnicodeDecodeError:
        # Text gwctl reads (stdin, a file) that is not UTF-8: the readers name the flag; this is the net.
        _report("the input (stdin or a file) is not UTF-8 text", code=2, hint=None, as_json=as_json)
        return 2
    except BrokenPipeError:
        return _stdout_closed()
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if _verbosity(argv) >= 3:
            import traceback

            # Frames only, never local variables: they can hold secrets.
            traceback.print_exc()
        _report(f"unexpected {type(exc).__name__}: {_one_line(str(exc))[:300]}", code=1,
                hint="this is a gwctl bug; re-run with -vvv for a traceback and report it", as_json=as_json)
        return 1


def _record_help(click, pages: list[str]) -> None:
    """Keep every help page click renders in this run (for gwctl.help_cache)."""
    render = click.Context.get_help

    def get_help(ctx) -> str:
        text = render(ctx)
        pages.append(text)
        return text

    get_help._gwctl_recording = render  # type: ignore[attr-defined]
    click.Context.get_help = get_help  # type: ignore[method-assign]


def _record_completion(pages: list[str]) -> None:
    """Keep the completion click computes in this run (for gwctl.help_cache)."""
    from click.shell_completion import ShellComplete

    complete = ShellComplete.complete

    def recorded(self) -> str:
        text = complete(self)
        pages.append(text)
        return text

    recorded._gwctl_recording = complete  # type: ignore[attr-defined]
    ShellComplete.complete = recorded  # type: ignore[method-assign]


def _stop_recording() -> None:
    click = sys.modules.get("click")
    render = getattr(click.Context.get_help, "_gwctl_recording", None) if click else None
    if render is not None:
        click.Context.get_help = render  # type: ignore[method-assign]
    completion = sys.modules.get("click.shell_completion")
    complete = getattr(completion.ShellComplete.complete, "_gwctl_recording", None) if completion else None
    if complete is not None:
        completion.ShellComplete.complete = complete  # type: ignore[method-assign]


def _echo(text: str, binary: bool) -> None:
    """Write a cached page as click.echo wrote it (a completion as bytes, like click)."""
    buffer = getattr(sys.stdout, "buffer", None) if binary else None
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(text.encode() + b"\n")
        buffer.flush()
    else:
        sys.stdout.write(text + "\n")


def run() -> None:
    sys.exit(main())
