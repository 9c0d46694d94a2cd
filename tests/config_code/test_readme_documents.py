"""The README's example documents validate, and a reference to a kind left out is looked up on the server."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_examples_validate_without_any_request(sandbox, tmp_path):
    section = README.read_text().split("## Configuration as code", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    assert len(blocks) == 4
    env = {"API7_CONSUMERS_ALICE_PLUGINS_KEY_AUTH_KEY": "alice-key-0001"}
    for block in blocks:
        product = re.search(r"^product: (\w+)$", block, re.M).group(1)
        box = sandbox(product)
        path = tmp_path / f"{product}.yaml"
        path.write_text(block)
        result = box.run(product, "config", "validate", "-f", str(path), env=env)
        assert result.code == 0, result.err
        assert box.emulator.requests == []


def test_pomerium_example_applies(sandbox, tmp_path):
    box = sandbox("pomerium")
    section = README.read_text().split("## Configuration as code", 1)[1]
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", section, re.S) if "product: pomerium" in b)
    path = tmp_path / "p.yaml"
    path.write_text(block)
    result = box.run("pomerium", "config", "apply", "-f", str(path), "--yes")
    assert result.code == 0, result.err
    assert result.err == "updated policy employees\nupdated route grafana\nupdated cluster settings\n"
    assert box.run("pomerium", "config", "diff", "-f", str(path), "--exit-code").code == 0
