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
    same = box.run("sg", "config", "apply", "-f", str(path), "--yes")  # nothing to create: no --secrets-out needed
    assert (same.code, same.out) == (0, "No changes: 6 unchanged.\n")
    assert writes(box.emulator) == []

    empty = fresh("sg")
    refused = box.run("sg", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes")
    assert refused.code == 2 and "creating gateways returns secrets: give --secrets-out DIR" in refused.err
    assert writes(empty.emulator) == []  # only reads (and the IAM token exchange) before the refusal
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
    out = ("--secrets-out", str(tmp_path / "out"))
    applied = box.run("sg", "config", "apply", "-f", str(path), "--yes", *out)
    assert (applied.code, applied.err) == (0, "updated destination Production Gateway/Orders DB\n")
    assert writes(box.emulator) == ["PUT /v1/sgconfig/qCTv6Onseiy_prod_us-south/destinations/qCTv6Onseiy_qVuvq"]
    assert box.emulator.calls("PUT")[-1].json == {"port": 5433}
    assert box.run("sg", "config", "diff", "-f", str(path), "--exit-code").code == 0
    path.write_text(path.read_text().replace("src: 169.45.0.10", "src: 169.45.0.11"))
    assert box.run("sg", "config", "apply", "-f", str(path), "--yes", *out).code == 0
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


def test_token_expiry_billing_state_and_ca_certificates(sandbox, fresh, tmp_path):
    box = sandbox("sg")
    out = ("--secrets-out", str(tmp_path / "out"))
    doc = yaml.safe_load(box.run("sg", "config", "dump").out)
    billing = next(d for d in doc["destinations"] if d["desc"] == "Billing API")
    assert [c["name"] for c in billing["clientCerts"]] == ["endpointCert.pem"]
    assert billing["serverCert"]["name"] == "callingAppCert.pem"
    assert billing["serverCert"]["content"].startswith("-----BEGIN CERTIFICATE-----")
    assert "PRIVATE KEY" not in box.run("sg", "config", "dump").out  # generated pairs stay on the server

    # token_exp is set when a gateway is created and read back from its token.
    empty = fresh("sg")
    path = tmp_path / "gw.yaml"
    path.write_text("gwctl: config/v1\nproduct: sg\ngateways:\n  - {desc: Branch, token_exp: 30, active: false}\n")
    created = box.run("sg", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes", *out)
    assert created.code == 0, created.err
    gateway = next(iter(empty.emulator.gateways.values()))
    assert gateway["active"] is False
    dumped = box.run("sg", "config", "dump", "-p", empty.profile)
    assert dumped.out.endswith("gateways:\n- active: false\n  desc: Branch\n  token_exp: 30\n")
    path.write_text(path.read_text().replace("token_exp: 30, active: false", "token_exp: 60, active: true"))
    diff = box.run("sg", "config", "diff", "-f", str(path), "-p", empty.profile, "--exit-code")
    assert diff.code == 11
    assert diff.out == ("~ update gateway Branch\n    active: false -> true\n"
                        "! gateway Branch: set only on create; `gwctl sg gateways rotate-token --token-expiration "
                        "DAYS` changes it with a new security token\n    token_exp: 30 -> 60\n"
                        "Plan: 0 to create, 1 to update, 0 to delete, 0 unchanged, 1 cannot be changed.\n")
    empty.emulator.clear_log()
    applied = box.run("sg", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes", *out)
    assert applied.code == 0, applied.err
    assert writes(empty.emulator) == ["PUT /v1/setActivity"]  # the token is not regenerated
    assert gateway["active"] is True and gateway["jwt"] not in applied.out + applied.err

    # A destination's CA certificates: a removed one is deleted, a changed one uploaded.
    text = box.run("sg", "config", "dump").out
    start = text.index("  serverCert:\n")
    end = text.index("  sni: billing.example.com")
    certs = tmp_path / "certs.yaml"
    certs.write_text(text[:start] + text[end:])
    diff = box.run("sg", "config", "diff", "-f", str(certs), "--exit-code")
    assert diff.code == 11 and diff.out.startswith("~ update destination Production Gateway/Billing API\n"
                                                   "    serverCert: {")
    box.emulator.clear_log()
    applied = box.run("sg", "config", "apply", "-f", str(certs), "--yes", *out)
    assert applied.code == 0, applied.err
    assert writes(box.emulator) == ["DELETE /v1/sgconfig/qCTv6Onseiy_prod_us-south/destinations/qCTv6Onseiy_H7kx2/cert"]
    assert box.run("sg", "config", "diff", "-f", str(certs), "--exit-code").code == 0
    box.emulator.clear_log()
    full = tmp_path / "full.yaml"
    full.write_text(text)
    restored = box.run("sg", "config", "apply", "-f", str(full), "--yes", *out)
    assert restored.code == 0, restored.err
    assert writes(box.emulator) == ["PUT /v1/sgconfig/qCTv6Onseiy_prod_us-south/destinations/qCTv6Onseiy_H7kx2/cert"]
    assert box.run("sg", "config", "dump").out == text
