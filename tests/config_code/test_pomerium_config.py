"""`gwctl pomerium config`: namespaces, policies, key pairs, routes, settings, service accounts."""

from __future__ import annotations

import yaml
from config_code_helpers import placeholders, writes

KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"
SECRETS = {"POMERIUM_KEY_PAIRS_WILDCARD_KEY": KEY}


def test_dump_apply_to_an_empty_cluster_and_reapply(sandbox, fresh, tmp_path):
    box = sandbox("pomerium")
    first = box.run("pomerium", "config", "dump")
    assert first.code == 0, first.err
    assert first.out == box.run("pomerium", "config", "dump").out
    assert set(placeholders(first.err)) == {"POMERIUM_KEY_PAIRS_WILDCARD_KEY"}
    doc = yaml.safe_load(first.out)
    assert doc["scope"] == {"cluster": box.emulator.cluster_id, "organization": box.emulator.org_id}
    assert list(doc)[3:] == ["namespaces", "policies", "key-pairs", "routes", "settings", "service-accounts"]
    assert doc["routes"][1] == {"from": "https://argo.happy-otter-1234.pomerium.app", "name": "argo",
                                "namespace": "production", "policies": ["employees"],
                                "to": ["http://argo.internal:8006"]}
    assert doc["service-accounts"] == [{"description": "deploy bot", "userId": "deploy-bot"}]
    for token in box.emulator.sa_tokens.values():
        assert token not in first.out + first.err
    path = tmp_path / "pomerium.yaml"
    path.write_text(first.out)

    box.emulator.clear_log()
    same = box.run("pomerium", "config", "apply", "-f", str(path), "--yes", "--secrets-out", str(tmp_path / "o"),
                   env=SECRETS)
    assert (same.code, same.out) == (0, "No changes: 26 unchanged.\n")
    assert writes(box.emulator) == []

    empty = fresh("pomerium", like=box.emulator)
    applied = box.run("pomerium", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes",
                      "--secrets-out", str(tmp_path / "out"), env=SECRETS)
    assert applied.code == 0, applied.err
    assert "Plan: 21 to create, 0 to update, 0 to delete, 5 unchanged." in applied.out
    assert KEY not in applied.out + applied.err
    assert (tmp_path / "out" / "pomerium-service-accounts-deploy_bot.secret").exists()
    again = box.run("pomerium", "config", "dump", "-p", empty.profile)
    assert again.out == first.out
    kp = next(k for k in empty.emulator.key_pairs.values() if k["name"] == "wildcard")
    assert kp["_key"] == KEY


def test_one_policy_field_and_a_setting(sandbox, tmp_path):
    box = sandbox("pomerium")
    text = box.run("pomerium", "config", "dump").out
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("description: employees policy", "description: staff"))
    diff = box.run("pomerium", "config", "diff", "-f", str(path), "--exit-code", env=SECRETS)
    assert diff.code == 11
    assert diff.out == ('~ update policy employees\n    description: "employees policy" -> "staff"\n'
                        "Plan: 0 to create, 1 to update, 0 to delete, 25 unchanged.\n")
    box.emulator.clear_log()
    out = ("--secrets-out", str(tmp_path / "out"))
    applied = box.run("pomerium", "config", "apply", "-f", str(path), "--yes", *out, env=SECRETS)
    assert (applied.code, applied.err) == (0, "updated policy employees\n")
    assert writes(box.emulator) == [f"PUT /api/v0/organizations/{box.emulator.org_id}/policies/polEmployees"]
    assert box.run("pomerium", "config", "diff", "-f", str(path), "--exit-code", env=SECRETS).code == 0
    path.write_text(path.read_text().replace("settings: {}", "settings:\n  logLevel: debug"))
    box.emulator.clear_log()
    applied = box.run("pomerium", "config", "apply", "-f", str(path), "--yes", *out, env=SECRETS)
    assert (applied.code, applied.err) == (0, "updated cluster settings\n")
    assert box.emulator.settings[box.emulator.cluster_id]["logLevel"] == "debug"
    assert box.run("pomerium", "config", "diff", "-f", str(path), "--exit-code", env=SECRETS).code == 0


def test_objects_without_labels_are_pruned_only_when_named(sandbox, tmp_path):
    box = sandbox("pomerium")
    path = tmp_path / "p.yaml"
    path.write_text("gwctl: config/v1\nproduct: pomerium\nroutes: []\n")
    assert "delete" not in box.run("pomerium", "config", "diff", "-f", str(path), "--prune").out
    named = box.run("pomerium", "config", "diff", "-f", str(path), "--prune", "--kinds", "routes")
    assert named.out.startswith("- delete route airflow\n")
    assert named.out.endswith("Plan: 0 to create, 0 to update, 14 to delete, 0 unchanged.\n")
