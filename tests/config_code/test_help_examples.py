"""Every `config` command's help examples run as printed, in order, against the sandbox."""

from __future__ import annotations

import shlex

import pytest

PRODUCTS = ("api7", "pomerium", "opa", "sg")
VERBS = ("dump", "validate", "diff", "apply")


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("product", PRODUCTS)
def test_config_help_examples_run_as_printed(sandbox, tmp_path, monkeypatch, product, verb):
    box = sandbox(product)
    help_text = box.run(product, "config", verb, "--help").out
    block = help_text.split("Examples:\n", 1)[1].split("\n\n", 1)[0]
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    assert len(lines) >= 2 and all(line.startswith(f"gwctl {product} config ") for line in lines)
    assert any(f" config {verb} " in line for line in lines)
    monkeypatch.chdir(tmp_path)
    for line in lines:
        result = box.run(*shlex.split(line)[1:])
        assert result.code == 0, f"{line}: exit {result.code}: {result.err}"
    assert (tmp_path / f"{product}.yaml").is_file()
