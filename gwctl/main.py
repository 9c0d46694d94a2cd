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


def _report(message: str, *, code: int, hint: str | None, as_json: bool, http_status=None, request_id=None) -> None:
    stream = sys.stderr
    try:
        stream.write(f"error: {message}\n")
        if hint:
            stream.write(f"hint: {hint}\n")
        if as_json:
            import json

            payload = {"error": message, "exit_code": code, "http_status": http_status, "request_id": request_id}
            if hint:
                payload["hint"] = hint
            stream.write(json.dumps(payload) + "\n")
        stream.flush()
    except (BrokenPipeError, ValueError):
        pass


def default_hint(exc: BaseException) -> str | None:
    """The hint for an error that brings none: how to log in after a 401, what to check when unreachable."""
    from gwctl import errors

    if isinstance(exc, errors.AuthError) and exc.http_status == 401:
        return "the server rejected the credentials: see `gwctl auth status`, then `gwctl auth login -p PROFILE`"
    if isinstance(exc, errors.NetworkError):
        return "check the profile's URL (`gwctl profile show PROFILE`), that the server is up, and the network"
    return None


def _write_help(text: str) -> None:
    try:
        sys.stderr.write(text.rstrip("\n") + "\n")
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass


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
    fast = _fast_path(argv)
    if fast is not None:
        return fast

    import click

    from gwctl import errors
    from gwctl.cli.root import build_root

    # `import httpx` also imports its optional command-line client (click, rich, pygments: ~35 ms)
    # whenever those are installed; gwctl never uses it, so let httpx take its fallback.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[assignment]

    as_json = _wants_json(argv)
    try:
        check_argv_and_env(argv)
        root = build_root()
        result = root.main(args=argv, prog_name="gwctl", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except errors.GwctlError as exc:
        code = exit_code_for(exc)
        _report(_one_line(exc.message), code=code, hint=exc.hint or default_hint(exc), as_json=as_json,
                http_status=exc.http_status, request_id=exc.request_id)
        return code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # click's shell completion (`_GWCTL_COMPLETE=...`) exits by itself
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except click.exceptions.Abort:
        _report("interrupted", code=130, hint=None, as_json=as_json)
        return 130
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `gwctl`, `gwctl profile`: the help, as is
            _write_help(exc.format_message())
            return 2
        message = exc.format_message()
        cmd = exc.ctx.command_path if exc.ctx else "gwctl"
        _report(_one_line(message), code=2, hint=f"see `{cmd} --help`", as_json=as_json)
        return 2
    except click.ClickException as exc:
        _report(_one_line(exc.format_message()), code=exc.exit_code or 1, hint=None, as_json=as_json)
        return exc.exit_code or 1
    except KeyboardInterrupt:
        _report("interrupted", code=130, hint=None, as_json=as_json)
        return 130
    except UnicodeDecodeError:
        # Text gwctl reads (stdin, a file) that is not UTF-8: the readers name the flag; this is the net.
        _report("the input (stdin or a file) is not UTF-8 text", code=2, hint=None, as_json=as_json)
        return 2
    except BrokenPipeError:
        # The reader went away (`gwctl ... | head`): not an error worth a message.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if _verbosity(argv) >= 3:
            import traceback

            # Frames only, never local variables: they can hold secrets.
            traceback.print_exc()
        _report(f"unexpected {type(exc).__name__}: {_one_line(str(exc))[:300]}", code=1,
                hint="this is a gwctl bug; re-run with -vvv for a traceback and report it", as_json=as_json)
        return 1


def run() -> None:
    sys.exit(main())
