"""Every command's help: an Examples section that runs as printed against the sandbox, summaries
without HTTP paths, no internal notes, the command's own options before the global ones."""

from __future__ import annotations

import json

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
# A command whose help says it needs a later server version names the sandbox that has it.
SANDBOX_VERSION = {tuple(path): found.group(1) for path, command, _ in COMMANDS
                   for found in [re.search(r"`gwctl sandbox start --api7-version ([\d.]+)`", command.help or "")]
                   if found}


def _fill(example: str, values: dict[str, str]) -> str:
    """Placeholders (NAMES in capitals that are sandbox values, as the catalogue's {names}) get their value."""
    keys = {k.upper(): v for k, v in values.items() if not k.startswith("_")}
    return re.sub(r"\b[A-Z][A-Z0-9_]*[A-Z0-9]\b", lambda m: shlex.quote(keys[m.group()]) if m.group() in keys
                  else m.group(), example)


@pytest.mark.parametrize(("path", "example"), EXAMPLES, ids=[f"{' '.join(p)}: {e}" for p, e in EXAMPLES])
def test_example_runs_against_the_sandbox(sandbox, serve, gw, tmp_path, monkeypatch, path, example):
    assert not re.search(r"(--out|>)\s+/", example), "examples write into the working directory only"
    product = path[0] if path[0] in PRODUCTS else "opa"
    version = SANDBOX_VERSION.get(tuple(path))
    box = sandbox(product, **({"version": version} if version else {}))
    values = box.emulator.example_values()
    monkeypatch.chdir(tmp_path)
    if product == "gatekeeper" and "--peers" in example:  # live HA peers, as `gwctl sandbox start` runs them
        from gwctl.sandbox.gatekeeper import start_peers

        start_peers(box.emulator, box.server.url, serve)
    document = re.search(r"\bconfig (validate|diff|apply)\b.*?-f (\S+)", example)
    if document:  # the document a config example reads: what `config dump` writes, less objects holding secrets
        import yaml

        dumped = box.run(product, "config", "dump", "-o", "yaml")
        assert dumped.code == 0, dumped.err
        data = yaml.safe_load(dumped.out)
        for kind, objects in data.items():
            if isinstance(objects, list):
                data[kind] = [o for o in objects if "${" not in json.dumps(o)]
        (tmp_path / document.group(2)).write_text(yaml.safe_dump(data))
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


# --- tables at 80 columns: no ID or name is ever cut ---------------------------------------------

def _lists():
    from gwctl.cli.catalogue import catalogue

    from gwctl.cli.versions import needs_check, sandbox_version

    return [(p, op.example, sandbox_version(op.versions) if needs_check(op.versions) else None)
            for p in sorted(PRODUCTS) for op in catalogue(p) if op.example and op.command.split()[3:4] == ["list"]]


LISTS = _lists()


@pytest.mark.parametrize(("product", "example", "version"), LISTS, ids=[e for _, e, _ in LISTS])
def test_every_sandbox_list_at_80_columns_keeps_ids_and_names_whole(sandbox, product, example, version):
    from gwctl.cli.render import Column  # noqa: F401 - the kinds decide what is kept

    box = sandbox(product, **({"version": version} if version else {}))
    values = box.emulator.example_values()
    argv = shlex.split(example.format(**values))
    data = box.run(*argv, "-o", "json", "--all" if "--limit" not in argv else "--no-headers")
    table = box.run(*argv, tty=True, env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert table.code == 0, table.err
    assert "…" not in table.out
    assert data.code == 0, data.err
    items = data.json()
    items = items if isinstance(items, list) else [items]
    shown = table.out
    for item in items[:20]:
        if not isinstance(item, dict):
            continue
        for key in ("id", "_id", "name"):
            value = item.get(key)
            if isinstance(value, str) and value and not any(c.isspace() for c in value) and len(value) < 70:
                if f" {value}" in f" {shown}" or value in shown:
                    continue
                # not every list shows every key; the ones it shows must be whole
                assert value[:8] not in shown, f"{example}: {value!r} cut in\n{shown}"


def test_columns_accept_headers_and_names_any_case_and_select_json_fields(sandbox):
    box = sandbox("sg")
    by_header = box.run("sg", "gateways", "list", "--columns", "ID,DESCRIPTION")
    by_name = box.run("sg", "gateways", "list", "--columns", "id,desc")
    by_case = box.run("sg", "gateways", "list", "--columns", "Id,Description")
    assert by_header.code == 0, by_header.err
    assert by_header.out == by_name.out == by_case.out
    assert by_header.out.splitlines()[0] == "ID\tDESCRIPTION"
    as_json = box.run("sg", "gateways", "list", "--columns", "ID,description", "-o", "json")
    assert as_json.code == 0, as_json.err
    assert all(set(item) == {"_id", "desc"} for item in as_json.json())
    jsonl = box.run("sg", "gateways", "list", "--columns", "status", "-o", "jsonl")
    assert all(set(__import__("json").loads(line)) == {"status"} for line in jsonl.out.splitlines())
    computed = box.run("sg", "gateways", "list", "--columns", "clients", "-o", "json")
    assert (computed.code, computed.out) == (2, "")
    assert json.loads(computed.err)["error"].startswith("--columns CLIENTS is computed for tables and has no field in -o json")
