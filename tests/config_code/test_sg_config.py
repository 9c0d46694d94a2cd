"""`gwctl sg config`: gateways and their destinations with IP table rules."""

from __future__ import annotations

import yaml
from config_code_helpers import writes


def test_dump_apply_to_an_empty_account_and_reapply(sandbox, fresh, tmp_path):
    box = sandbox("sg")
    first = box.run("sg", "config", "dump")
    assert first.code == 0, first.err
    assert first.out == box.run("sg", "config", "dump").out and first.err == ""
    doc = yaml.safe_load(first.out)
    assert [g["desc"] for g in doc["gateways"]] == ["Production Gateway", "Staging Gateway"]
    orders = next(d for d in doc["destinations"] if d["desc"] == "Orders DB")
    assert orders == {"desc": "Orders DB", "gateway": "Production Gateway", "ip": "10.20.0.15", "port": 5432,
                      "private": True, "ipRules": [{"app": "web01", "spt": "80", "src": "169.45.0.10"}]}
    for gateway in box.emulator.gateways.values():
        assert gateway["jwt"] not in first.out
    path = tmp_path / "sg.yaml"
    path.write_text(first.out)

    box.emulator.clear_log()
    same = box.run("sg", "config", "apply", "-f", str(path), "--yes")
    assert (same.code, same.out) == (0, "No changes: 6 unchanged.\n")
    assert writes(box.emulator) == []

    empty = fresh("sg")
    refused = box.run("sg", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes")
    assert refused.code == 2 and "give --secrets-out DIR" in refused.err
    out = tmp_path / "tokens"
    applied = box.run("sg", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes", "--secrets-out", str(out))
    assert applied.code == 0, applied.err
    assert sorted(f.name for f in out.iterdir()) == ["sg-gateways-Production_Gateway.secret",
                                                     "sg-gateways-Staging_Gateway.secret"]
    for f in out.iterdir():
        assert f.read_text().strip() not in applied.out + applied.err
    assert box.run("sg", "config", "dump", "-p", empty.profile).out == first.out


def test_one_destination_field_and_its_rules(sandbox, tmp_path):
    box = sandbox("sg")
    path = tmp_path / "sg.yaml"
    path.write_text(box.run("sg", "config", "dump").out.replace("port: 5432", "port: 5433"))
    diff = box.run("sg", "config", "diff", "-f", str(path), "--exit-code")
    assert diff.code == 11
    assert diff.out == ("~ update destination Production Gateway/Orders DB\n    port: 5432 -> 5433\n"
                        "Plan: 0 to create, 1 to update, 0 to delete, 5 unchanged.\n")
    box.emulator.clear_log()
    applied = box.run("sg", "config", "apply", "-f", str(path), "--yes")
    assert (applied.code, applied.err) == (0, "updated destination Production Gateway/Orders DB\n")
    assert writes(box.emulator) == ["PUT /v1/sgconfig/qCTv6Onseiy_prod_us-south/destinations/qCTv6Onseiy_qVuvq"]
    assert box.emulator.calls("PUT")[-1].json == {"port": 5433}
    assert box.run("sg", "config", "diff", "-f", str(path), "--exit-code").code == 0
    path.write_text(path.read_text().replace("src: 169.45.0.10", "src: 169.45.0.11"))
    assert box.run("sg", "config", "apply", "-f", str(path), "--yes").code == 0
    rules = box.emulator.destinations["qCTv6Onseiy_prod_us-south"]["qCTv6Onseiy_qVuvq"]["ip_table_rules"]
    assert [r["src"] for r in rules] == ["169.45.0.11"]
    assert box.run("sg", "config", "diff", "-f", str(path), "--exit-code").code == 0


def test_destinations_are_pruned_only_when_named(sandbox, tmp_path):
    box = sandbox("sg")
    path = tmp_path / "sg.yaml"
    path.write_text("gwctl: config/v1\nproduct: sg\ndestinations: []\n")
    assert box.run("sg", "config", "diff", "-f", str(path), "--prune").out == "No changes: 0 unchanged.\n"
    named = box.run("sg", "config", "diff", "-f", str(path), "--prune", "--kinds", "destinations")
    assert named.out.endswith("Plan: 0 to create, 0 to update, 4 to delete, 0 unchanged.\n")
