"""Every command's help: an Examples section that runs as printed against the sandbox, summaries
without HTTP paths, no internal notes, the command's own options before the global ones."""

from __future__ import annotations

import re
import shlex
import subprocess

import pytest

from gwctl._docs import all_commands, man_page
from gwctl.cli.help import examples_of, summary
from gwctl.sandbox import registry

COMMANDS = all_commands()
IDS = [" ".join(path) for path, _, _ in COMMANDS]
PRODUCTS = set(registry.available())
# `gwctl sandbox ...` starts and stops the sandbox itself: its examples are not run inside one.
NOT_RUN = ("sandbox",)
INTERNAL = re.compile(r"\b(seeds?|api notes|issues?)\b", re.IGNORECASE)
PATH_IN_SUMMARY = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE)\s+[./]")


def _help(gw, path) -> str:
    result = gw(*path, "--help", env={"COLUMNS": "80"})
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize(("path", "command", "ctx"), COMMANDS, ids=IDS)
def test_help_has_examples_and_options_before_globals(gw, path, command, ctx):
    text = _help(gw, path)
    assert "\nExamples:\n  gwctl " in text or "\nExamples:\n  " in text, f"gwctl {' '.join(path)} has no Examples"
    assert examples_of(command), f"gwctl {' '.join(path)} has no example"
    options, globals_ = text.index("\nOptions:\n"), text.index("\nGlobal options (see gwctl --help):\n")
    assert options < globals_ < text.index("\nExamples:\n")
    # examples are printed verbatim: each on one line, whatever the width
    for example in examples_of(command):
        assert f"  {example}\n" in text


@pytest.mark.parametrize(("path", "command", "ctx"), COMMANDS, ids=IDS)
def test_no_internal_notes_and_summaries_without_paths(path, command, ctx):
    texts = [command.help or "", command.short_help or ""]
    texts += [getattr(p, "help", None) or "" for p in command.get_params(ctx)]
    for text in texts:
        assert not INTERNAL.search(text), f"gwctl {' '.join(path)}: {INTERNAL.search(text).group()!r} in {text!r}"
    short = command.get_short_help_str(45)
    assert not PATH_IN_SUMMARY.search(short), f"gwctl {' '.join(path)}: {short!r}"
    assert short == summary(command.short_help or command.help or "")[:len(short)]


def test_man_page_has_no_internal_notes():
    found = INTERNAL.search(man_page())
    assert found is None, found and man_page()[found.start() - 200:found.end() + 100]


def test_group_listing_summaries_are_whole_and_without_paths(gw):
    text = gw("api7", "services", "--help", env={"COLUMNS": "80"}).out
    assert "  list             List services.\n" in text
    assert "/apisix" not in text


# --- every example runs against the sandbox -------------------------------------------------

EXAMPLES = [(path, example) for path, command, _ in COMMANDS if path[0] not in NOT_RUN
            for example in examples_of(command)]


def _fill(example: str, values: dict[str, str]) -> str:
    """Placeholders (NAMES in capitals that are sandbox values, as the catalogue's {names}) get their value."""
    keys = {k.upper(): v for k, v in values.items() if not k.startswith("_")}
    return re.sub(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b", lambda m: shlex.quote(keys[m.group()]) if m.group() in keys
                  else m.group(), example)


@pytest.mark.parametrize(("path", "example"), EXAMPLES, ids=[f"{' '.join(p)}: {e}" for p, e in EXAMPLES])
def test_example_runs_against_the_sandbox(sandbox, gw, tmp_path, monkeypatch, path, example):
    product = path[0] if path[0] in PRODUCTS else "opa"
    box = sandbox(product)
    values = box.emulator.example_values()
    monkeypatch.chdir(tmp_path)
    line = _fill(example, values)
    stdin = ""
    producer, bar, command = line.rpartition("| gwctl ")
    if bar:
        # The shell variables examples read: the sandbox's credentials ($VAULT_TOKEN, $KEY_ID...) and passwords.
        passwords = values.get("_stdin", "").splitlines() + ["Initial-Passw0rd!"] * 2
        env = {"PATH": "/usr/bin:/bin", "SECRET": "s3cret-value", "VAULT_TOKEN": "s.vault-token",
               **{k.upper(): v for k, v in box.emulator.credentials().items()},
               "PASSWORD": passwords[0], "NEW_PASSWORD": passwords[1], "INITIAL_PASSWORD": "Initial-Passw0rd!"}
        stdin = subprocess.run(["bash", "-c", producer], capture_output=True, text=True, env=env, check=True).stdout
        line = "gwctl " + command
    elif values.get("_stdin") and " - " in f"{line} ":
        stdin = values["_stdin"]
    argv = shlex.split(line.split(" > ")[0])
    assert argv[0] == "gwctl", example
    result = box.run(*argv[1:], stdin=stdin)
    assert result.code == 0, f"{example}: exit {result.code}: {result.err}"


# --- colour on a terminal only ----------------------------------------------------------------

def test_errors_red_warnings_yellow_states_coloured_on_a_terminal_only(sandbox):
    box = sandbox("gatekeeper")
    assert box.run("gatekeeper", "seal", "--yes").code == 0
    status = box.run("gatekeeper", "status", tty=True)
    assert status.code == 0
    assert "\x1b[31mSEALED" in status.out and "\x1b[32munsealed" in status.out  # states coloured by meaning
    assert status.err.startswith("\x1b[33mwarning: Gatekeeper is SEALED")
    for plain in ({"tty": True, "env": {"NO_COLOR": "1"}}, {}):
        quiet = box.run("gatekeeper", "status", **plain)
        assert "\x1b" not in quiet.out + quiet.err
        assert quiet.err.startswith("warning: Gatekeeper is SEALED")
    error = box.run("gatekeeper", "token", "request", "--task-id", "no-such-task", tty=True)
    assert error.code != 0 and error.err.startswith("\x1b[31merror: ")
    assert box.run("gatekeeper", "token", "request", "--task-id", "x", "--no-color", tty=True).err.startswith("error: ")
    assert box.run("gatekeeper", "token", "request", "--task-id", "x").err.startswith("error: ")
