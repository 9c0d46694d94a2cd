"""Every catalogue entry's command makes the product's emulator receive exactly that method and path."""

from __future__ import annotations

import re
import shlex

import pytest

from gwctl.cli.root import PRODUCT_COMMANDS
from gwctl.sandbox import registry


def _catalogue(product):
    from gwctl.cli.catalogue import catalogue

    return catalogue(product)


PRODUCTS = [p for p in PRODUCT_COMMANDS if _catalogue(p) is not None and p in registry.available()]
CASES = [(p, op) for p in PRODUCTS for op in _catalogue(p)]


def _path_pattern(template: str, base_path: str) -> re.Pattern:
    parts = re.split(r"(\{[^}]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(re.escape(base_path) + body + "$")


@pytest.mark.parametrize("product", PRODUCTS)
def test_operations_json_lists_every_entry(sandbox, product):
    box = sandbox(product)
    result = box.run(product, "operations", "-o", "json")
    assert result.code == 0, result.err
    entries = result.json()
    assert len(entries) == len(_catalogue(product))
    for entry in entries:
        assert {"summary", "method", "path", "command"} <= entry.keys()
        assert entry["command"].startswith("gwctl ")
        if "example" not in entry:
            assert entry.get("note"), f"{entry['method']} {entry['path']} has neither a working example nor a note"


def _emulator_args(product, op):
    """An operation of a later API7 version runs against the emulator started as 3.9."""
    from gwctl.cli.versions import in_range

    return {"version": "3.9"} if product == "api7" and not in_range("3.2.11.5", op.versions) else {}


@pytest.mark.parametrize(("product", "op"), CASES, ids=[f"{p}:{o.method} {o.path}" for p, o in CASES])
def test_catalogue_entry_reaches_emulator(sandbox, product, op):
    if op.example is None:
        assert op.note and "api" in op.command, "an entry without example must point to the api command with a note"
        return
    box = sandbox(product, **_emulator_args(product, op))
    values = box.emulator.example_values()
    argv = shlex.split(op.example.format(**values))
    stdin = values.get("_stdin", "")
    result = box.run(*argv, stdin=stdin)
    assert result.code == 0, f"{op.example}: exit {result.code}: {result.err}"
    pattern = _path_pattern(op.path, box.emulator.base_path)
    seen = [f"{r.method} {r.path}" for r in box.emulator.requests]
    assert any(r.method == op.method and pattern.match(r.path) for r in box.emulator.requests), (
        f"{op.example} did not send {op.method} {op.path}; the emulator saw {seen}"
    )


WRITE_VERBS = {"create", "update", "patch", "set", "add", "invite", "create-api-user", "set-runtime-config"}
WRITES = [(p, op) for p, op in CASES if op.example and "--dry-run" not in op.example
          and op.command.split()[3:4] and op.command.split()[3] in WRITE_VERBS]


@pytest.mark.parametrize(("product", "op"), WRITES, ids=[f"{p}:{o.command.split(' [')[0]}" for p, o in WRITES])
def test_every_create_and_update_says_what_it_did_in_one_line(sandbox, product, op):
    box = sandbox(product, **_emulator_args(product, op))
    values = box.emulator.example_values()
    result = box.run(*shlex.split(op.example.format(**values)), stdin=values.get("_stdin", ""))
    assert result.code == 0, result.err
    said = [line for line in result.err.splitlines() if re.match(r"(created|updated|added) ", line)]
    assert len(said) == 1, f"{op.example}: stderr was {result.err!r}"
