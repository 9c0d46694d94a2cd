"""`gwctl api7 config`: dump, validate, diff, apply against the API7 emulators."""

from __future__ import annotations

import json
import stat

import yaml
from config_code_helpers import placeholders, writes

from gwctl.sandbox.api7 import PEM_KEY

SECRETS = {"API7_SECRETS_VAULT_PROD_VAULT_TOKEN": "hvs.sandbox-vault-token",
           "API7_CONSUMERS_ALICE_PLUGINS_KEY_AUTH_KEY": "alice-key-0001",
           "API7_CONSUMERS_BOB_PLUGINS_BASIC_AUTH_PASSWORD": "bob-password",
           "API7_SSLS_EXAMPLE_COM_EXAMPLE_COM_KEY": PEM_KEY}
CLEAR = ("alice-key-0001", "bob-password", "SandboxKey", "PRIVATE KEY", "hvs.sandbox-vault-token")


def no_secret(*texts: str) -> None:
    for text in texts:
        for secret in CLEAR:
            assert secret not in text


def dump(box, tmp_path, name="dump.yaml", *extra):
    path = tmp_path / name
    result = box.run("api7", "config", "dump", "-f", str(path), *extra)
    assert result.code == 0, result.err
    no_secret(result.out, result.err, path.read_text())
    return path


def test_dump_is_deterministic_without_managed_fields_or_secrets(sandbox):
    box = sandbox("api7")
    first = box.run("api7", "config", "dump")
    second = box.run("api7", "config", "dump")
    assert first.code == 0 and first.out == second.out
    no_secret(first.out, first.err)
    doc = yaml.safe_load(first.out)
    assert doc["gwctl"] == "config/v1" and doc["product"] == "api7" and doc["scope"] == {"gateway_group": "default"}
    assert list(doc)[3:] == ["secrets", "service-registries", "services", "routes", "consumers", "ssls", "global-rules",
                             "plugin-metadata"]  # tokens only with --kinds tokens
    assert doc["routes"][1] == {"methods": ["GET"], "name": "get-ip", "paths": ["/ip"], "service": "httpbin"}
    assert doc["consumers"][0]["plugins"] == {"key-auth": {"key": "${API7_CONSUMERS_ALICE_PLUGINS_KEY_AUTH_KEY}"}}
    assert "id" not in first.out.split("services:")[1].split("routes:")[0].replace("httpbin", "")  # no IDs
    assert "created_at" not in first.out and "updated_at" not in first.out
    assert "strip_path_prefix" not in first.out  # the server's default
    assert set(placeholders(first.err)) == set(SECRETS)
    assert first.err.startswith("secrets are written as placeholders; set these variables before apply:\n")
    as_json = box.run("api7", "config", "dump", "-o", "json", "--kinds", "routes")
    assert as_json.code == 0 and list(json.loads(as_json.out)) == ["gwctl", "product", "scope", "routes"]


def test_dump_apply_to_an_empty_server_dump_again_is_identical(sandbox, fresh, tmp_path):
    box = sandbox("api7")
    path = dump(box, tmp_path)
    empty = fresh("api7")
    result = box.run("api7", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes", env=SECRETS)
    assert result.code == 0, result.err
    no_secret(result.out, result.err)
    assert "Plan: 13 to create, 0 to update, 0 to delete, 0 unchanged." in result.out
    assert "created service httpbin" in result.err and "created route httpbin/get-ip" in result.err
    again = box.run("api7", "config", "dump", "-p", empty.profile)
    assert again.code == 0 and again.out == path.read_text()
    # The secrets resolved from the environment reached the server.
    consumer = next(c for c in empty.emulator.consumers.values() if c["username"] == "alice")
    assert consumer["plugins"]["key-auth"]["key"] == "alice-key-0001"
    assert consumer["labels"] == {"team": "demo", "managed-by": "gwctl"}


def test_reapplying_a_fresh_dump_sends_no_write(sandbox, tmp_path):
    box = sandbox("api7")
    path = dump(box, tmp_path)
    box.emulator.clear_log()
    diff = box.run("api7", "config", "diff", "-f", str(path), "--exit-code", env=SECRETS)
    assert (diff.code, diff.out, diff.err) == (0, "No changes: 13 unchanged.\n", "")
    applied = box.run("api7", "config", "apply", "-f", str(path), "--yes", env=SECRETS)
    assert (applied.code, applied.out, applied.err) == (0, "No changes: 13 unchanged.\n", "")
    assert writes(box.emulator) == []


def test_one_changed_field_is_the_whole_diff_and_the_only_write(sandbox, tmp_path):
    box = sandbox("api7")
    path = dump(box, tmp_path)
    path.write_text(path.read_text().replace("desc: httpbin demo service", "desc: httpbin v2"))
    diff = box.run("api7", "config", "diff", "-f", str(path), "--exit-code", env=SECRETS)
    assert diff.code == 11
    assert diff.out == ('~ update service httpbin\n    desc: "httpbin demo service" -> "httpbin v2"\n'
                        "Plan: 0 to create, 1 to update, 0 to delete, 12 unchanged.\n")
    assert diff.err == "error: 1 object differs from the documents\n"
    plan = box.run("api7", "config", "diff", "-f", str(path), "-o", "json", env=SECRETS)
    assert plan.code == 0 and json.loads(plan.out)["changes"] == [
        {"action": "update", "kind": "services", "key": "httpbin",
         "changes": [{"field": "desc", "old": "httpbin demo service", "new": "httpbin v2"}]}]
    box.emulator.clear_log()
    applied = box.run("api7", "config", "apply", "-f", str(path), "--yes", env=SECRETS)
    assert applied.code == 0, applied.err
    assert applied.err == "updated service httpbin\n"
    assert [w.split("/")[-2] for w in writes(box.emulator)] == ["services"]
    sent = [r.json for r in box.emulator.requests if r.method == "PUT"][0]
    assert sent["desc"] == "httpbin v2" and sent["labels"] == {"team": "demo", "managed-by": "gwctl"}
    assert box.run("api7", "config", "diff", "-f", str(path), "--exit-code", env=SECRETS).code == 0


def test_secret_changes_are_masked(sandbox, tmp_path):
    box = sandbox("api7")
    path = dump(box, tmp_path)
    diff = box.run("api7", "config", "diff", "-f", str(path), env={**SECRETS, "API7_CONSUMERS_ALICE_PLUGINS_KEY_AUTH_KEY":
                                                                      "alice-new-key"})
    assert diff.code == 0
    assert '~ update consumer alice\n    plugins.key-auth.key: "***" -> "***"\n' in diff.out
    assert "alice-new-key" not in diff.out + diff.err
    no_secret(diff.out, diff.err)


def test_prune_deletes_only_what_gwctl_owns(sandbox, tmp_path):
    box = sandbox("api7")
    doc = tmp_path / "extra.yaml"
    doc.write_text("gwctl: config/v1\nproduct: api7\nconsumers:\n  - username: carol\n    desc: mobile\n")
    assert box.run("api7", "config", "apply", "-f", str(doc), "--yes").code == 0
    doc.write_text("gwctl: config/v1\nproduct: api7\nconsumers: []\n")
    kept = box.run("api7", "config", "apply", "-f", str(doc), "--yes")
    assert (kept.code, kept.out) == (0, "No changes: 0 unchanged.\n")
    diff = box.run("api7", "config", "diff", "-f", str(doc), "--prune")
    assert diff.out == "- delete consumer carol\nPlan: 0 to create, 0 to update, 1 to delete, 0 unchanged.\n"
    box.emulator.clear_log()
    pruned = box.run("api7", "config", "apply", "-f", str(doc), "--prune", "--yes")
    assert (pruned.code, pruned.err) == (0, "deleted consumer carol\n")
    assert len(writes(box.emulator)) == 1
    # alice and bob came from another tool: never pruned, and kinds without labels only with --kinds.
    assert {c["username"] for c in box.emulator.consumers.values()} == {"alice", "bob"}
    rules = tmp_path / "rules.yaml"
    rules.write_text("gwctl: config/v1\nproduct: api7\nglobal-rules: []\n")
    assert "delete" not in box.run("api7", "config", "diff", "-f", str(rules), "--prune").out
    named = box.run("api7", "config", "diff", "-f", str(rules), "--prune", "--kinds", "global-rules")
    assert named.out == "- delete global rule prometheus\nPlan: 0 to create, 0 to update, 1 to delete, 0 unchanged.\n"
    labelled = box.run("api7", "config", "diff", "-f", str(doc), "--prune", "--label", "team=demo")
    assert labelled.out.startswith("- delete consumer alice\n")


def test_invalid_documents_exit_2_before_any_request(sandbox, tmp_path):
    box = sandbox("api7")
    head = "gwctl: config/v1\nproduct: api7\n"
    cases = {
        "schema": (head + "routes:\n  - name: r\n    service: s\n    paths: [ip]\nservices:\n  - name: s\n",
                   "error: invalid {f}: routes[0] (s/r): field 'paths.0': String should match pattern '^/'\n"),
        "dangling": (head + "services:\n  - name: s\nroutes:\n  - name: r\n    service: nope\n    paths: [/ip]\n",
                     "error: {f}: routes[0]: field 'service': 'nope' is not a services key in the documents\n"),
        "missing-var": (head + "consumers:\n  - username: x\n    plugins: {key-auth: {key: '${NOT_SET_ANYWHERE}'}}\n",
                        "error: {f} (consumers[0]): environment variable NOT_SET_ANYWHERE is not set\n"),
        "unknown-kind": (head + "upstreams: []\n",
                         "error: {f}: unknown kind 'upstreams': api7 documents take secrets, service-registries, "
                         "services, routes, consumers, ssls, global-rules, plugin-metadata, tokens\n"),
        "no-key": (head + "services:\n  - desc: x\n",
                   "error: {f}: services[0]: field 'name' is required (it identifies the object)\n"),
    }
    for name, (text, error) in cases.items():
        path = tmp_path / f"{name}.yaml"
        path.write_text(text)
        for verb in ("validate", "diff", "apply"):
            result = box.run("api7", "config", verb, "-f", str(path), *(("--yes",) if verb == "apply" else ()))
            assert (result.code, result.out, result.err) == (2, "", error.format(f=path)), (name, verb)
    folder = tmp_path / "split"
    folder.mkdir()
    (folder / "a.yaml").write_text(head + "services:\n  - name: s\n")
    (folder / "b.json").write_text(json.dumps({"gwctl": "config/v1", "product": "api7", "services": [{"name": "s"}]}))
    result = box.run("api7", "config", "diff", "-f", str(folder))
    assert (result.code, result.err) == (2, f"error: {folder}/b.json: services[0]: duplicate key 's' "
                                            f"(also {folder}/a.yaml: services[0])\n")
    assert box.emulator.requests == []
    ok = box.run("api7", "config", "validate", "-f", str(folder / "a.yaml"))
    assert (ok.code, ok.out, ok.err) == (0, "", "valid: 1 object in 1 file\n")
    assert box.emulator.requests == []


def test_apply_without_a_terminal_needs_yes_and_dry_run_changes_nothing(sandbox, tmp_path):
    box = sandbox("api7")
    doc = tmp_path / "new.yaml"
    doc.write_text("gwctl: config/v1\nproduct: api7\nconsumers:\n  - username: carol\n")
    refused = box.run("api7", "config", "apply", "-f", str(doc))
    assert refused.code == 2
    assert refused.err.endswith("error: apply the changes (1 to create, 0 to update, 0 to delete): confirmation "
                                "required; re-run with --yes\n")
    dry = box.run("api7", "config", "apply", "-f", str(doc), "--dry-run")
    assert (dry.code, dry.out) == (0, "+ create consumer carol\nPlan: 1 to create, 0 to update, 0 to delete, "
                                      "0 unchanged.\n")
    assert writes(box.emulator) == []


def test_a_partial_failure_exits_10_and_says_what_was_done(sandbox, tmp_path):
    box = sandbox("api7")
    doc = tmp_path / "two.yaml"
    doc.write_text("gwctl: config/v1\nproduct: api7\nconsumers:\n  - username: carol\n  - username: dave\n")
    box.emulator.fail_next(1, status=400, method="POST", path="/apisix/admin/consumers")
    result = box.run("api7", "config", "apply", "-f", str(doc), "--yes", "--concurrency", "1")
    assert result.code == 10
    assert "failed: create consumer carol: " in result.err and "created consumer dave\n" in result.err
    assert result.err.endswith("error: 1 of 2 changes failed (1 done): create consumer carol\n")


def test_secret_managers_and_service_registries_round_trip_with_their_credentials_as_placeholders(
        sandbox, fresh, tmp_path):
    box = sandbox("api7")
    registry = next(r for r in box.emulator.registries.values() if r["name"] == "k8s-prod")
    registry["kubernetes_config"]["client"] = {"token": "k8s-sa-token-0001"}
    env = {**SECRETS, "API7_SERVICE_REGISTRIES_K8S_PROD_KUBERNETES_CONFIG_CLIENT_TOKEN": "k8s-sa-token-0001"}
    result = box.run("api7", "config", "dump", "--kinds", "secrets,service-registries")
    assert result.code == 0, result.err
    assert "k8s-sa-token-0001" not in result.out + result.err
    no_secret(result.out, result.err)
    doc = yaml.safe_load(result.out)
    assert doc["secrets"] == [{"id": "vault/prod-vault", "prefix": "kv/apisix", "uri": "https://vault.example.com:8200",
                               "token": "${API7_SECRETS_VAULT_PROD_VAULT_TOKEN}"}]
    assert doc["service-registries"] == [
        {"name": "k8s-prod", "description": "Kubernetes", "type": "kubernetes",
         "kubernetes_config": {"client": {"token": "${API7_SERVICE_REGISTRIES_K8S_PROD_KUBERNETES_CONFIG_CLIENT_TOKEN}"},
                               "service": {"host": "10.0.0.1", "port": "6443", "schema": "https"}}},
        {"name": "nacos-prod", "description": "Nacos cluster", "type": "nacos",
         "nacos_config": {"hosts": ["http://nacos.example.com:8848"]}}]  # prefix and probes: the API's defaults
    assert set(placeholders(result.err)) == {"API7_SECRETS_VAULT_PROD_VAULT_TOKEN",
                                             "API7_SERVICE_REGISTRIES_K8S_PROD_KUBERNETES_CONFIG_CLIENT_TOKEN"}
    path = tmp_path / "infra.yaml"
    path.write_text(result.out)

    empty = fresh("api7")
    applied = box.run("api7", "config", "apply", "-f", str(path), "-p", empty.profile, "--yes", env=env)
    assert applied.code == 0, applied.err
    assert applied.err == ("created secret vault/prod-vault\ncreated service registry k8s-prod\n"
                           "created service registry nacos-prod\n")
    no_secret(applied.out, applied.err)
    assert "k8s-sa-token-0001" not in applied.out + applied.err
    stored = next(iter(empty.emulator.secrets.values()))
    assert stored["token"] == "hvs.sandbox-vault-token"
    assert ["PUT /apisix/admin/secrets/vault/prod-vault"] == [w for w in writes(empty.emulator) if "secrets" in w]
    again = box.run("api7", "config", "dump", "--kinds", "secrets,service-registries", "-p", empty.profile)
    assert again.out == result.out

    # Re-applied: nothing sent; one field changed: only that object.
    box.emulator.clear_log()
    same = box.run("api7", "config", "apply", "-f", str(path), "--yes", env=env)
    assert (same.code, same.out) == (0, "No changes: 3 unchanged.\n")
    assert writes(box.emulator) == []
    path.write_text(result.out.replace("prefix: kv/apisix", "prefix: kv/gateway").replace(
        "description: Nacos cluster", "description: Nacos (prod)"))
    diff = box.run("api7", "config", "diff", "-f", str(path), "--exit-code", env=env)
    assert diff.code == 11
    assert diff.out == ('~ update secret vault/prod-vault\n    prefix: "kv/apisix" -> "kv/gateway"\n'
                        '~ update service registry nacos-prod\n    description: "Nacos cluster" -> "Nacos (prod)"\n'
                        "Plan: 0 to create, 2 to update, 0 to delete, 1 unchanged.\n")
    applied = box.run("api7", "config", "apply", "-f", str(path), "--yes", env=env)
    assert applied.code == 0, applied.err
    assert sorted(writes(box.emulator)) == [
        "PUT /api/gateway_groups/%s/service_registries/%s" % (registry["gateway_group_id"],
                                                               next(r["id"] for r in box.emulator.registries.values()
                                                                    if r["name"] == "nacos-prod")),
        "PUT /apisix/admin/secrets/vault/prod-vault"]
    assert box.run("api7", "config", "diff", "-f", str(path), "--exit-code", env=env).code == 0

    # A changed Vault token is masked in the plan.
    masked = box.run("api7", "config", "diff", "-f", str(path),
                     env={**env, "API7_SECRETS_VAULT_PROD_VAULT_TOKEN": "hvs.rotated-token"})
    assert masked.out.startswith('~ update secret vault/prod-vault\n    token: "***" -> "***"\n')
    assert "hvs.rotated-token" not in masked.out + masked.err


def test_api_tokens_are_created_with_secrets_out_and_never_dumped(sandbox, tmp_path):
    box = sandbox("api7")
    listed = box.run("api7", "config", "dump", "--kinds", "tokens")
    assert listed.code == 0 and listed.err == ""
    expiry = {t["name"]: t["expires_at"] for t in box.emulator.tokens.values()}
    assert yaml.safe_load(listed.out)["tokens"] == [{"expires_at": expiry["ci-deploy"], "name": "ci-deploy"},
                                                    {"expires_at": 0, "name": "sandbox"}]
    for token in box.emulator.tokens.values():
        assert token["_secret"] not in listed.out
    doc = tmp_path / "tokens.yaml"
    doc.write_text(listed.out.replace("- expires_at: 0\n  name: sandbox\n",
                                      "- expires_at: 1900000000\n  name: nightly-ci\n- expires_at: 0\n  name: sandbox\n"))

    # Creating a token needs --secrets-out: refused after reading, before any write.
    box.emulator.clear_log()
    refused = box.run("api7", "config", "apply", "-f", str(doc), "--yes")
    assert refused.code == 2
    assert refused.err.endswith("error: creating tokens returns secrets: give --secrets-out DIR to keep them "
                                "(files of mode 0600); nothing was changed\n")
    assert {r.method for r in box.emulator.requests} <= {"GET"}
    dry = box.run("api7", "config", "apply", "-f", str(doc), "--dry-run")
    assert (dry.code, dry.out) == (0, "+ create token nightly-ci\nPlan: 1 to create, 0 to update, 0 to delete, "
                                      "2 unchanged.\n")

    out = tmp_path / "secrets"
    applied = box.run("api7", "config", "apply", "-f", str(doc), "--yes", "--secrets-out", str(out))
    assert applied.code == 0, applied.err
    secret_file = out / "api7-tokens-nightly-ci.secret"
    assert applied.err == f"wrote the token secret of nightly-ci to {secret_file} (mode 0600)\ncreated token nightly-ci\n"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    created = next(t for t in box.emulator.tokens.values() if t["name"] == "nightly-ci")
    assert secret_file.read_text().strip() == created["_secret"]
    assert created["_secret"] not in applied.out + applied.err
    assert created["expires_at"] == 1900000000
    after = box.run("api7", "config", "dump", "--kinds", "tokens")
    assert after.out == doc.read_text() and created["_secret"] not in after.out

    # Re-applied with --secrets-out: nothing sent, no file written.
    secret_file.unlink()
    box.emulator.clear_log()
    same = box.run("api7", "config", "apply", "-f", str(doc), "--yes", "--secrets-out", str(out))
    assert (same.code, same.out, same.err) == (0, "No changes: 3 unchanged.\n", "")
    assert writes(box.emulator) == [] and list(out.iterdir()) == []

    # The expiry is set on create only: a change is reported, never written.
    doc.write_text(doc.read_text().replace("1900000000", "1950000000"))
    diff = box.run("api7", "config", "diff", "-f", str(doc), "--exit-code")
    assert diff.code == 11
    assert diff.out == ("! token nightly-ci: set only on create; `gwctl api7 tokens regenerate --expires-in` changes "
                        "it with a new value\n    expires_at: 1900000000 -> 1950000000\n"
                        "Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged, 1 cannot be changed.\n")
    box.emulator.clear_log()
    skipped = box.run("api7", "config", "apply", "-f", str(doc), "--yes", "--secrets-out", str(out))
    assert skipped.code == 0
    assert writes(box.emulator) == []
