"""Meta tests over the whole command tree, the layering rule, import costs and the generated docs."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import click
import pytest

import gwctl
from gwctl._docs import COMPLETION_FILES, all_commands, generate, man_page
from gwctl.products import PRODUCTS, all_env_vars

REPO = Path(gwctl.__file__).resolve().parent.parent
COMMANDS = all_commands()
IDS = [" ".join(path) for path, _, _ in COMMANDS]
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
HEAVY = ("httpx", "pydantic", "pydantic_core", "keyring", "rich")


def _options(command: click.Command, ctx: click.Context) -> list[str]:
    return [o for p in command.get_params(ctx) if isinstance(p, click.Option) for o in p.opts + p.secondary_opts]


def test_tree_is_not_empty():
    assert {"profile add", "profile list", "auth login", "auth status", "version", "completion"} <= set(IDS)


@pytest.mark.parametrize(("path", "command", "ctx"), COMMANDS, ids=IDS)
def test_every_command_has_help(path, command, ctx):
    text = (command.help or command.short_help or "").strip()
    assert text, f"gwctl {' '.join(path)} has no help text"
    for param in command.get_params(ctx):
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"gwctl {' '.join(path)} {param.opts[0]} has no help"


def test_every_group_has_help():
    from gwctl.cli.root import build_root

    root = build_root()

    def walk(group: click.Group, ctx: click.Context, path: list[str]):
        for name in group.list_commands(ctx):
            sub = group.get_command(ctx, name)
            if isinstance(sub, click.Group):
                text = (sub.help or sub.short_help or "").strip()
                assert text, f"group gwctl {' '.join(path + [name])} has no help text"
                yield from walk(sub, click.Context(sub, info_name=name, parent=ctx), path + [name])

    list(walk(root, click.Context(root, info_name="gwctl"), []))


@pytest.mark.parametrize(("path", "command", "ctx"), COMMANDS, ids=IDS)
def test_names_are_kebab_case(path, command, ctx):
    for part in path:
        assert KEBAB.match(part), f"command name {part!r} in gwctl {' '.join(path)} is not kebab-case"
    for opt in _options(command, ctx):
        if opt.startswith("--"):
            assert KEBAB.match(opt[2:]), f"option {opt} of gwctl {' '.join(path)} is not kebab-case"


@pytest.mark.parametrize(("path", "command", "ctx"), COMMANDS, ids=IDS)
def test_no_duplicate_flags(path, command, ctx):
    """Short flags (and long ones) are unique within a command, the attached global options included."""
    counts = Counter(_options(command, ctx))
    duplicates = sorted(o for o, n in counts.items() if n > 1)
    assert duplicates == [], f"gwctl {' '.join(path)} repeats {duplicates}"


@pytest.mark.parametrize(("path", "command", "ctx"), COMMANDS, ids=IDS)
def test_global_options_on_every_leaf(path, command, ctx):
    options = set(_options(command, ctx))
    for flag in ("--profile", "--output", "--json", "--query", "--verbose", "--no-color", "--columns", "--no-headers"):
        assert flag in options, f"gwctl {' '.join(path)} lacks the global {flag}"


LISTS = [(p, c, x) for p, c, x in COMMANDS if p[-1] == "list"]
DELETES = [(p, c, x) for p, c, x in COMMANDS if p[-1] == "delete"]


@pytest.mark.parametrize(("path", "command", "ctx"), LISTS, ids=[" ".join(p) for p, _, _ in LISTS])
def test_every_list_has_limit_and_all(path, command, ctx):
    options = set(_options(command, ctx))
    assert {"--limit", "--all"} <= options, f"gwctl {' '.join(path)} lacks --limit/--all"


@pytest.mark.parametrize(("path", "command", "ctx"), DELETES, ids=[" ".join(p) for p, _, _ in DELETES])
def test_every_delete_has_yes(path, command, ctx):
    options = set(_options(command, ctx))
    assert "--yes" in options, f"gwctl {' '.join(path)} lacks --yes"


# --- layering: gwctl.api imports no CLI code ------------------------------------------------


def test_api_layer_imports_no_cli_code_at_runtime():
    code = (
        "import gwctl.api.http, gwctl.api.auth, gwctl.api.paging, gwctl.api.base; import sys; "
        "assert 'typer' not in sys.modules and 'gwctl.cli' not in sys.modules, "
        "sorted(m for m in sys.modules if m.startswith(('typer', 'gwctl.cli')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            names.add(str(node.args[0].value))
    return names


def test_api_layer_sources_import_no_cli_code():
    offenders = []
    for path in sorted((REPO / "gwctl" / "api").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ("typer", "rich", "click") or name == "gwctl.cli" or name.startswith("gwctl.cli."):
                offenders.append(f"{path.relative_to(REPO)}: {name}")
    assert offenders == []


def test_nothing_below_main_calls_sys_exit():
    offenders = []
    for path in sorted((REPO / "gwctl").rglob("*.py")):
        if path.name in ("main.py", "__main__.py", "_docs.py") or "sandbox" in path.parts:
            continue
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exit" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "sys":
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


# --- import costs ----------------------------------------------------------------------------


def _imported(argv: list[str], tmp_path: Path, env: dict[str, str] | None = None) -> tuple[set[str], str]:
    run_env = {**os.environ, "GWCTL_CONFIG_DIR": str(tmp_path / "cfg"), "GWCTL_CACHE_DIR": str(tmp_path / "cache"),
               "GWCTL_STATE_DIR": str(tmp_path / "state"), **(env or {})}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "gwctl", *argv], capture_output=True,
                            text=True, env=run_env, timeout=60)
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":
                modules.add(name)
    return modules, result.stdout


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["profile", "list"], ["completion", "bash"], ["completion", "zsh"], ["version"]],
    ids=lambda a: " ".join(a),
)
def test_local_commands_import_nothing_heavy(tmp_path, argv):
    # a real profile, so `profile list` renders a row
    subprocess.run([sys.executable, "-m", "gwctl", "profile", "add", "gk", "--product", "gatekeeper", "--url",
                    "http://127.0.0.1:9"], env={**os.environ, "GWCTL_CONFIG_DIR": str(tmp_path / "cfg")},
                   capture_output=True, check=True, timeout=60)
    modules, out = _imported(argv, tmp_path)
    assert out, "the command printed nothing"
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == [], f"gwctl {' '.join(argv)} imported {heavy}"


def test_api_command_with_json_output_imports_no_rich(sandbox):
    """httpx would pull in rich (and pygments) for its own CLI; gwctl keeps it out of JSON commands."""
    sandbox("gatekeeper")  # the profile lands in this test's GWCTL_CONFIG_DIR, inherited by the child
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "gwctl", "-o", "json", "gatekeeper", "status"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-500:]
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "httpx" in modules
    assert not {"rich", "pygments", "keyring"} & modules


def test_version_flag_imports_not_even_click(tmp_path):
    modules, out = _imported(["--version"], tmp_path)
    assert out == f"gwctl {gwctl.__version__}\n"
    assert not {"click", "typer", "gwctl.cli.root"} & modules


@pytest.mark.parametrize("words", ["gwctl ", "gwctl gatekeeper ", "gwctl profile list --"])
def test_shell_completion_imports_nothing_heavy(tmp_path, words):
    cword = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    modules, out = _imported([], tmp_path, {"_GWCTL_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                            "COMP_CWORD": cword})
    assert out.startswith("plain,")
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
    assert heavy == []
    if words == "gwctl ":
        assert "typer" not in modules  # top-level names come from the lazy root, no product loaded


# --- completion scripts ---------------------------------------------------------------------------


@pytest.mark.parametrize(("shell", "marker"), [("bash", "complete -o nosort -F _gwctl_completion gwctl"),
                                               ("zsh", "#compdef gwctl"), ("fish", "complete --no-files --command gwctl")])
def test_completion_prints_a_script(gw, shell, marker):
    result = gw("completion", shell)
    assert (result.code, result.err) == (0, "")
    assert marker in result.out
    assert "_GWCTL_COMPLETE" in result.out


def test_shell_completion_through_main(monkeypatch):
    """Completion runs inside main(), which still returns an int (click ends completion with sys.exit)."""
    import io

    from gwctl.main import main

    def complete(words: str, cword: int) -> tuple[int, str]:
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        with monkeypatch.context() as patch:
            patch.setenv("_GWCTL_COMPLETE", "bash_complete")
            patch.setenv("COMP_WORDS", words)
            patch.setenv("COMP_CWORD", str(cword))
            patch.setattr(sys, "stdout", out)
            code = main([])
            out.flush()
        return code, out.buffer.getvalue().decode()

    assert complete("gwctl pro", 1) == (0, "plain,profile\n")
    assert complete("gwctl profile list --l", 3) == (0, "plain,--limit\n")
    assert complete("gwctl profile u", 2) == (0, "plain,use\n")


# --- generated docs ----------------------------------------------------------------------------------


def test_committed_completions_and_man_page_are_up_to_date(tmp_path):
    """Fails until `python -m gwctl._docs` is re-run after a command changes (the lead regenerates)."""
    generate(tmp_path)
    stale = []
    for name in COMPLETION_FILES.values():
        committed = REPO / "completions" / name
        if not committed.exists() or committed.read_text() != (tmp_path / "completions" / name).read_text():
            stale.append(f"completions/{name}")
    committed = REPO / "man" / "gwctl.1"
    if not committed.exists() or committed.read_text() != (tmp_path / "man" / "gwctl.1").read_text():
        stale.append("man/gwctl.1")
    assert stale == [], f"regenerate with `python -m gwctl._docs`: {stale} differ"


def test_docs_generator_cli(tmp_path):
    result = subprocess.run([sys.executable, "-m", "gwctl._docs", str(tmp_path)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "completions").iterdir()) == sorted(COMPLETION_FILES.values())
    assert (tmp_path / "man" / "gwctl.1").read_text() == man_page()


def _sections(page: str) -> dict[str, str]:
    parts = re.split(r"^\.SH (.+)$", page, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_man_page_documents_exit_status_environment_files():
    from gwctl.errors import EXIT_TABLE

    sections = _sections(man_page())
    assert {"NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT",
            "FILES"} <= set(sections)
    for code, _ in EXIT_TABLE:
        assert f"\\fB{code}\\fR" in sections["EXIT STATUS"]
    env = sections["ENVIRONMENT"].replace("\\-", "-")
    for name, _ in all_env_vars():
        assert f"\\fB{name}\\fR" in env.replace("\\fB", "\\fB")
    for name in ("GWCTL_OPA_KEY_ID", "GWCTL_OPA_KEY_SECRET", "GWCTL_POMERIUM_TOKEN", "GWCTL_API7_API_KEY",
                 "GWCTL_API7_USERNAME", "GWCTL_API7_PASSWORD", "GWCTL_IBM_API_KEY", "GWCTL_VAULT_TOKEN",
                 "GWCTL_PROFILE", "GWCTL_OUTPUT", "GWCTL_CONFIG_DIR", "NO_COLOR"):
        assert name in env, name
    assert "config.toml" in sections["FILES"] and "credentials.json" in sections["FILES"]


def test_man_page_documents_every_env_var_the_code_reads():
    """Any "GWCTL_..." literal in the package (a variable gwctl reads) is in ENVIRONMENT."""
    names = set()
    for path in (REPO / "gwctl").rglob("*.py"):
        if "sandbox" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    re.fullmatch(r"GWCTL_[A-Z0-9_]+", node.value):
                names.add(node.value)
    env = _sections(man_page())["ENVIRONMENT"].replace("\\-", "-")
    missing = sorted(n for n in names if f"\\fB{n}\\fR" not in env)
    assert missing == [], f"undocumented environment variables: {missing}"


def test_man_page_lists_every_command():
    page = man_page()
    for path, _, _ in COMMANDS:
        assert f".SS gwctl {' '.join(path)}".replace("-", "\\-") in page


def test_help_epilog_documents_exit_codes_and_secret_env_vars(gw):
    out = gw("--help").out
    for spec in PRODUCTS.values():
        for secret in spec.secrets:
            assert secret.env in out
    for code in ("0 success", "2 usage error", "3 not found", "10 partial failure", "130 interrupted"):
        assert code in out
