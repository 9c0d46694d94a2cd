"""`gwctl opa config`: setup tokens and gateways as documents."""

from __future__ import annotations

import stat

import yaml
from config_code_helpers import writes


def test_dump_roundtrip_reapply_and_gateways_that_cannot_be_created(sandbox, fresh, tmp_path):
    box = sandbox("opa")
    first = box.run("opa", "config", "dump")
    assert first.code == 0, first.err
    print(first.out)
    assert first.out == box.run("opa", "config", "dump").out
    assert first.err == ""  # setup tokens' secrets are never dumped, not even as placeholders
    doc = yaml.safe_load(first.out)
    assert doc["scope"] == {"team": box.emulator.team}
    assert doc["setup-tokens"][0] == {"description": "Dev gateways", "details": {"labels": {"env": "dev",
                                                                                           "region": "us-west-2"}}}
    for token in box.emulator.setup_tokens.values():
        assert token["token"] not in first.out
    assert doc["gateways"][0] == {"access_address": "192.168.190.145:7234", "default_address": "192.168.19.33",
                                  "description": "Gateway used for dev env", "labels": {"env": "dev",
                                                                                        "region": "us-west-2"},
                                  "name": "Dev Gateway"}
    path = tmp_path / "opa.yaml"
    path.write_text(first.out)

    # Re-applying to the server it came from: nothing to do, no write.
    box.emulator.clear_log()
    same = box.run("opa", "config", "diff", "-f", str(path), "--exit-code")
    assert (same.code, same.out) == (0, "No changes: 8 unchanged.\n")
    kept = tmp_path / "kept"
    again = box.run("opa", "config", "apply", "-f", str(path), "--yes", "--secrets-out", str(kept))
    assert (again.code, again.out, again.err) == (0, "No changes: 8 unchanged.\n", "")
    assert writes(box.emulator) == [] and list(kept.iterdir()) == []

    # An empty team: gateways enrol themselves, so they are reported, not created.
    empty = fresh("opa")
    plan = box.run("opa", "config", "diff", "-f", str(path), "-p", empty.profile, "--exit-code")
    assert plan.code == 11
    assert "! gateway Dev Gateway: enrolls itself; cannot be created\n" in plan.out
    assert plan.out.endswith("Plan: 3 to create, 0 to update, 0 to delete, 0 unchanged, 5 cannot be created.\n")

    # Creating setup tokens needs --secrets-out: refused after reading, before any write.
    empty.emulator.clear_log()
    refused = box.run("opa", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes")
    assert refused.code == 2
    assert refused.err.endswith("error: creating setup-tokens returns secrets: give --secrets-out DIR to keep them "
                                "(files of mode 0600); nothing was changed\n")
    assert {r.method for r in empty.emulator.requests} <= {"GET"}
    # Re-applying to the source, where every setup token exists, needs none.
    box.emulator.clear_log()
    again = box.run("opa", "config", "apply", "-f", str(path), "--yes")
    assert again.code == 0, again.err
    assert {r.method for r in box.emulator.requests} <= {"GET"}

    # Once the gateways enrolled (with other settings), apply sets them and dump equals the source.
    for gateway in box.emulator.gateways.values():
        empty.emulator.add_gateway(None, gateway["name"], description="enrolled")
    out = tmp_path / "secrets"
    applied = box.run("opa", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes",
                      "--secrets-out", str(out))
    assert applied.code == 0, applied.err
    files = sorted(out.iterdir())
    assert [f.name for f in files] == ["opa-setup-tokens-Dev_gateways.secret", "opa-setup-tokens-Gateway_Token_1.secret",
                                       "opa-setup-tokens-Gateway_Token_2.secret"]
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert f.read_text().strip() not in applied.out + applied.err
    again = box.run("opa", "config", "dump", "-p", empty.profile)
    assert again.out == first.out


def test_one_gateway_field_changed(sandbox, tmp_path):
    box = sandbox("opa")
    path = tmp_path / "opa.yaml"
    path.write_text(box.run("opa", "config", "dump").out.replace("Gateway used for staging", "Staging (EU)"))
    diff = box.run("opa", "config", "diff", "-f", str(path), "--exit-code")
    assert diff.code == 11
    assert diff.out == ('~ update gateway Staging Gateway\n    description: "Gateway used for staging" -> '
                        '"Staging (EU)"\nPlan: 0 to create, 1 to update, 0 to delete, 7 unchanged.\n')
    box.emulator.clear_log()
    applied = box.run("opa", "config", "apply", "-f", str(path), "--yes", "--secrets-out", str(tmp_path / "out"))
    assert applied.err == "updated gateway Staging Gateway\n"
    assert writes(box.emulator) == ["PUT /v1/teams/%s/gateways/3b0fdbdd-1282-440d-a973-ddc409d6d743"
                                    % box.emulator.team]
    assert box.run("opa", "config", "diff", "-f", str(path), "--exit-code").code == 0


def test_setup_tokens_are_pruned_only_when_named_in_kinds(sandbox, tmp_path):
    box = sandbox("opa")
    path = tmp_path / "opa.yaml"
    path.write_text("gwctl: config/v1\nproduct: opa\nsetup-tokens: []\n")
    assert "delete" not in box.run("opa", "config", "diff", "-f", str(path), "--prune").out
    named = box.run("opa", "config", "apply", "-f", str(path), "--prune", "--kinds", "setup-tokens", "--yes")
    assert named.code == 0
    assert named.err == ("deleted setup token Dev gateways\ndeleted setup token Gateway Token 1\n"
                         "deleted setup token Gateway Token 2\n")
    assert len(box.emulator.gateways) == 5  # gateways are never pruned
