"""Every `wait` example in help runs as printed against the sandbox."""

from __future__ import annotations

import importlib
import re
import shlex

import pytest

from gwctl.cli.root import PRODUCT_COMMANDS

HAND_WRITTEN = {
    "api7": "gwctl.cli.api7.instances:wait_instances",
    "pomerium": "gwctl.cli.pomerium.changesets:wait_changeset",
    "gatekeeper": "gwctl.cli.gatekeeper.commands:wait",
}


def _examples():
    cases = []
    for product in PRODUCT_COMMANDS:
        try:
            module = importlib.import_module(f"gwctl.cli.{product}.waits")
        except ModuleNotFoundError:
            module = None
        for example in getattr(module, "EXAMPLES", {}).values():
            cases.append((product, example))
        if product in HAND_WRITTEN:
            name, _, attr = HAND_WRITTEN[product].partition(":")
            doc = getattr(importlib.import_module(name), attr).__doc__
            cases.append((product, re.search(r"Example: gwctl (.*)", doc).group(1)))
    return cases


CASES = _examples()


@pytest.mark.parametrize(("product", "example"), CASES, ids=[e for _, e in CASES])
def test_wait_example_runs_against_the_sandbox(sandbox, serve, clock, fake_time, product, example):
    box = sandbox(product, clock=clock)
    if product == "gatekeeper":  # the sandbox runs Gatekeeper with HA peers
        from gwctl.sandbox.gatekeeper import start_peers

        start_peers(box.emulator, box.server.url, serve)
    values = {k: v for k, v in box.emulator.example_values().items() if not k.startswith("_")}
    argv = shlex.split(example.format(**values))
    if "delete" in argv:  # waiting for a deletion: delete it first, as the operator would
        ref = argv[3]
        deleted = box.run(product, argv[1], "delete", ref, "--yes")
        assert deleted.code == 0, deleted.err
    result = box.run(*argv)
    assert result.code == 0, f"{example}: {result.err}"
    assert "condition met" in result.err
