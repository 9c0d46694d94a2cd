"""Every declared resource behaves the same way, whatever its product.

Walks gwctl.resources.<product> for every product and runs the shared behaviours against
that product's emulator: bad IDs never reach another resource, deletes need --yes without
a terminal, several IDs (and `-` for stdin) delete each, a bad one among them exits 10,
and `get NAME` finds what `get ID` finds.
"""

from __future__ import annotations

import importlib
import shlex

import pytest

from gwctl.products import PRODUCTS
from gwctl.sandbox import registry

BAD_IDS = ["", " ", ".", "..", "a/b", "%2e%2e"]
# Token exchanges a lookup's listing may need first (OPA service token, IBM IAM): POSTs that address no resource.
CREDENTIAL_EXCHANGES = ("/service_token", "/identity/token", "/api/v0/token")
# Seeded objects the vendor refuses to delete (in use, or the caller's own credential or organization):
# the several-IDs tests pick two others.
UNDELETABLE = {"orgGlobex", "kpWildcard", "slack-ops", "sandbox"}


def _declared():
    out = []
    for product in PRODUCTS:
        try:
            module = importlib.import_module(f"gwctl.resources.{product}")
        except ModuleNotFoundError:
            continue
        if product in registry.available():
            out.extend(module.RESOURCES)
    return out


RESOURCES = _declared()
DELETABLE = [r for r in RESOURCES if "delete" in r.verbs and r.examples.get("delete")]
LISTABLE = [r for r in DELETABLE if "list" in r.verbs and r.examples.get("list")]
NAMED = [r for r in RESOURCES if "get" in r.verbs and r.name_fields and r.examples.get("list")
         and r.examples.get("get")]


def _box(sandbox, res):
    """The product's emulator, started as a version that has every verb of ``res``."""
    from gwctl.cli.versions import needs_check, sandbox_version

    later = [res.versions_of(verb) for verb in res.verbs if needs_check(res.versions_of(verb))]
    return sandbox(res.product, **({"version": sandbox_version(later[0])} if later else {}))


def _ids(resources):
    return [f"{r.product}:{r.noun}" for r in resources]


def _argv(example: str, values: dict, target: str | None = None, *, yes: bool = True) -> list[str]:
    """The example's argv with the item argument (the one after the verb) replaced by ``target``."""
    argv = shlex.split(example.format(**values))
    if target is not None:
        verb = next(i for i, a in enumerate(argv) if a in ("delete", "get"))
        argv[verb + 1] = target
    if not yes:
        argv = [a for a in argv if a not in ("--yes", "-y")]
    return argv


def _items(box, res, values):
    argv = _argv(res.examples["list"], values) + ["--all", "-o", "json"]
    result = box.run(*argv)
    assert result.code == 0, result.err
    return [i for i in result.json() if isinstance(i, dict) and i.get(res.id_field)]


@pytest.mark.parametrize("res", DELETABLE, ids=_ids(DELETABLE))
@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_a_bad_id_never_reaches_another_resource(sandbox, res, bad):
    box = _box(sandbox, res)
    values = box.emulator.example_values()
    result = box.run(*_argv(res.examples["delete"], values, bad))
    assert result.code in (2, 3), result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) <= 3
    for request in box.emulator.requests:
        if request.method == "GET" or request.path.endswith(CREDENTIAL_EXCHANGES):
            continue  # name lookups and scope resolution only read; logging in addresses no resource
        # Anything else may only address exactly that literal ID.
        assert bad.strip() not in ("", ".", ".."), f"{request.method} {request.path} sent for {bad!r}"
        assert request.path.endswith("/" + bad), f"{bad!r} reached {request.method} {request.path}"


@pytest.mark.parametrize("res", DELETABLE, ids=_ids(DELETABLE))
def test_delete_without_a_terminal_needs_yes(sandbox, res):
    box = _box(sandbox, res)
    values = box.emulator.example_values()
    result = box.run(*_argv(res.examples["delete"], values, yes=False))
    assert result.code == 2, result.err
    assert result.err.startswith(f"error: delete {res.singular} ") and result.err.endswith(
        ": confirmation required; re-run with --yes\n"), result.err
    assert [r for r in box.emulator.requests if r.method != "GET" and not r.path.endswith(CREDENTIAL_EXCHANGES)] == []


def _two(box, res, values):
    items = [i for i in _items(box, res, values)
             if not {str(i.get(res.id_field)), *(str(i.get(f)) for f in res.name_fields)} & UNDELETABLE]
    if len(items) < 2:
        pytest.skip(f"the {res.product} emulator seeds fewer than two {res.noun}")
    return [str(i[res.id_field]) for i in items[:2]]


@pytest.mark.parametrize("res", LISTABLE, ids=_ids(LISTABLE))
@pytest.mark.parametrize("via_stdin", [False, True], ids=["args", "stdin"])
def test_delete_several_ids(sandbox, res, via_stdin):
    box = _box(sandbox, res)
    values = box.emulator.example_values()
    first, second = _two(box, res, values)
    argv = _argv(res.examples["delete"], values, "-" if via_stdin else first)
    if not via_stdin:
        verb = argv.index("delete")
        argv.insert(verb + 2, second)
    result = box.run(*argv, stdin=f"{first}\n{second}\n" if via_stdin else "")
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"deleted {res.singular} ") for line in lines), result.err
    left = {str(i[res.id_field]) for i in _items(box, res, values)}
    assert not {first, second} & left


@pytest.mark.parametrize("res", LISTABLE, ids=_ids(LISTABLE))
def test_one_missing_id_among_good_ones_exits_10_and_deletes_the_good_one(sandbox, res):
    box = _box(sandbox, res)
    values = box.emulator.example_values()
    first, _ = _two(box, res, values)
    missing = "no-such-" + res.noun
    argv = _argv(res.examples["delete"], values, first)
    argv.insert(argv.index("delete") + 2, missing)
    result = box.run(*argv)
    assert result.code == 10, result.err
    assert f"failed: {res.singular} {missing}: " in result.err
    assert result.err.splitlines()[-1] == f"error: 1 of 2 {res.noun.replace('-', ' ')} failed: {missing}"
    assert first not in {str(i[res.id_field]) for i in _items(box, res, values)}


@pytest.mark.parametrize("res", NAMED, ids=_ids(NAMED))
def test_get_by_name_finds_what_get_by_id_finds(sandbox, res):
    box = _box(sandbox, res)
    values = box.emulator.example_values()
    items = _items(box, res, values)
    counts: dict[str, int] = {}
    for item in items:
        for field in res.name_fields:
            if isinstance(item.get(field), str) and item[field]:
                counts[item[field]] = counts.get(item[field], 0) + 1
    named = [(i, i[f]) for i in items for f in res.name_fields if counts.get(i.get(f) or "") == 1]
    if not named:
        pytest.skip(f"no {res.singular} with a unique name in the {res.product} emulator's seed")
    item, name = named[0]
    by_name = box.run(*_argv(res.examples["get"], values, name), "-o", "json")
    assert by_name.code == 0, by_name.err
    assert str(by_name.json()[res.id_field]) == str(item[res.id_field])
