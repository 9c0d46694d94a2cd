"""Generate completions/ and man/gwctl.1 from the command tree.

    python -m gwctl._docs [OUTDIR]     (default: the repository root)

A test regenerates into a temp dir and fails when the committed files differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from gwctl import __version__
from gwctl.errors import EXIT_TABLE
from gwctl.products import all_env_vars

COMPLETION_FILES = {"bash": "gwctl.bash", "zsh": "_gwctl", "fish": "gwctl.fish"}

OTHER_ENV = (
    ("GWCTL_PROFILE", "Profile to use when --profile is not given."),
    ("GWCTL_OUTPUT", "Default output format: table, tsv, json, jsonl or yaml."),
    ("GWCTL_CONFIG_DIR", "Directory of config.toml (default $XDG_CONFIG_HOME/gwctl, else ~/.config/gwctl)."),
    ("GWCTL_CACHE_DIR", "Directory of the short-lived token cache."),
    ("GWCTL_STATE_DIR", "Directory of the sandbox pid file and log."),
    ("GWCTL_FORCE_TTY", "Treat stdout as a terminal (tables, colour)."),
    ("GWCTL_KEYRING_TIMEOUT", "Seconds to wait for the OS keyring (default 3)."),
    ("NO_COLOR", "Disable colour."),
    ("SSL_CERT_FILE", "CA bundle used when a profile sets no --ca-bundle."),
)


def _esc(text: str) -> str:
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.splitlines():
        lines.append("\\&" + line if line.startswith((".", "'")) else line)
    return "\n".join(lines)


def _walk(command: click.Command, path: list[str], ctx: click.Context):
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from _walk(sub, path + [name], click.Context(sub, info_name=name, parent=ctx))
    else:
        yield path, command, ctx


def all_commands():
    """(path, command, context) for every leaf command, loading every group."""
    from gwctl.cli.root import build_root

    root = build_root()
    ctx = click.Context(root, info_name="gwctl")
    return list(_walk(root, [], ctx))


def _options(command: click.Command, ctx: click.Context, skip: set[str]) -> list[tuple[str, str]]:
    rows = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record and not (set(getattr(param, "opts", [])) & skip):
            rows.append(record)
    return rows


def command_env_vars() -> list[tuple[str, str]]:
    """(variable, description) for GWCTL_* variables that only a command's option help mentions."""
    import re

    found: dict[str, str] = {}
    for path, command, ctx in all_commands():
        for param in command.get_params(ctx):
            for name in re.findall(r"\bGWCTL_[A-Z0-9_]+\b", getattr(param, "help", None) or ""):
                opt = param.opts[0] if getattr(param, "opts", None) else param.name
                found.setdefault(name, f"Read by `gwctl {' '.join(path)}` (see its {opt} option).")
    return sorted(found.items())


def man_page() -> str:
    from gwctl.cli.global_options import GLOBAL_OPTION_NAMES
    from gwctl.cli.root import build_root

    root = build_root()
    ctx = click.Context(root, info_name="gwctl")
    out = [
        f'.TH GWCTL 1 "" "gwctl {__version__}" "User Commands"',
        ".SH NAME",
        "gwctl \\- administer access and API gateways from one command line",
        ".SH SYNOPSIS",
        ".B gwctl",
        "[\\fIGLOBAL OPTIONS\\fR] \\fIPRODUCT\\fR \\fIRESOURCE\\fR \\fIVERB\\fR [\\fIARGS\\fR] [\\fIOPTIONS\\fR]",
        ".SH DESCRIPTION",
        _esc(root.help or ""),
        ".SH GLOBAL OPTIONS",
        "Global options work before the product and after any command.",
    ]
    for opts, help_ in _options(root, ctx, set()):
        out += [".TP", f"\\fB{_esc(opts)}\\fR", _esc(help_)]
    out.append(".SH COMMANDS")
    for path, command, sub_ctx in all_commands():
        usage = " ".join(p for p in command.collect_usage_pieces(sub_ctx))
        out += [".SS " + _esc("gwctl " + " ".join(path)), _esc(f"Usage: gwctl {' '.join(path)} {usage}".rstrip())]
        help_text = (command.help or "").strip()
        if help_text:
            out += [".PP", _esc(help_text.replace("\b\n", ""))]
        for opts, help_ in _options(command, sub_ctx, GLOBAL_OPTION_NAMES | {"--help", "-h"}):
            out += [".TP", f"\\fB{_esc(opts)}\\fR", _esc(help_)]
    out.append(".SH EXIT STATUS")
    for code, meaning in EXIT_TABLE:
        out += [".TP", f"\\fB{code}\\fR", _esc(meaning)]
    out.append(".SH ENVIRONMENT")
    documented = set()
    for name, meaning in OTHER_ENV + tuple(all_env_vars()):
        out += [".TP", f"\\fB{name}\\fR", _esc(meaning)]
        documented.add(name)
    for name, meaning in command_env_vars():
        if name not in documented:
            out += [".TP", f"\\fB{name}\\fR", _esc(meaning)]
            documented.add(name)
    out += [
        ".SH FILES",
        ".TP",
        "\\fI$GWCTL_CONFIG_DIR/config.toml\\fR",
        "Profiles (mode 0600, never secrets). Default directory: $XDG_CONFIG_HOME/gwctl, else ~/.config/gwctl.",
        ".TP",
        "\\fI$GWCTL_CONFIG_DIR/credentials.json\\fR",
        _esc("Secrets of profiles stored with --insecure-storage (mode 0600). Otherwise secrets live in the OS keyring, service 'gwctl'."),
        ".TP",
        "\\fI$GWCTL_CACHE_DIR/tokens.json\\fR",
        "Short-lived bearer tokens with their expiry (mode 0600).",
        ".SH SEE ALSO",
        "Run \\fBgwctl PRODUCT operations\\fR for every API operation and the command that performs it.",
    ]
    return "\n".join(out) + "\n"


def generate(outdir: Path) -> list[Path]:
    from gwctl.cli.completion import completion_script

    written = []
    (outdir / "completions").mkdir(parents=True, exist_ok=True)
    (outdir / "man").mkdir(parents=True, exist_ok=True)
    for shell, name in COMPLETION_FILES.items():
        path = outdir / "completions" / name
        path.write_text(completion_script(shell))
        written.append(path)
    path = outdir / "man" / "gwctl.1"
    path.write_text(man_page())
    written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
    for written_path in generate(target):
        sys.stderr.write(f"wrote {written_path}\n")
