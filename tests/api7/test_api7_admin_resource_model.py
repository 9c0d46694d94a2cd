"""The administration resources (users, roles, login options, alerts, webhook templates, custom
plugins, API products, tokens) on the resource model, end to end against the emulator: several
IDs and stdin in one delete, partial failure, names wherever IDs go, bad IDs, --yes, success
lines, references by name."""

from __future__ import annotations

import json

import pytest

from gwctl.sandbox.api7 import (ALERT_POLICY_5XX, API_PRODUCT_PETS, CUSTOM_PLUGIN_HELLO, GG_DEFAULT, GG_STAGING,
                                LOGIN_OPTION_LDAP, ROLE_GG_OPERATOR, TOKEN_CI, USER_OPS, WEBHOOK_SLACK, WEBHOOK_SPARE)

BAD_IDS = ["", " ", ".", "..", "a/b"]


def _invite(box, username):
    result = box.run("api7", "users", "invite", username, "--password-stdin", "-o", "json", stdin="Passw0rd-x\n")
    assert result.code == 0, result.err
    return result.json()["id"]


def _role(box, name):
    result = box.run("api7", "roles", "create", "--name", name, "--permission", "ssl:read", "-o", "json")
    assert result.code == 0, result.err
    return result.json()["id"]


def _token(box, name):
    result = box.run("api7", "tokens", "create", "--name", name, "--expires-in", "1d", "-o", "json")
    assert result.code == 0, result.err
    return result.json()["id"]


def _login_option(box, tmp_path, name):
    body = tmp_path / f"{name}.json"
    body.write_text(json.dumps({"name": name, "provider_type": "oidc", "oidc_config": {
        "client_id": "c", "client_secret": "s3cret-" + name, "issuer": "https://idp.example.com",
        "request_scopes": ["openid"], "root_url": "https://dash.example.com"}}))
    result = box.run("api7", "login-options", "create", "--from-file", str(body), "-o", "json")
    assert result.code == 0, result.err
    return result.json()["id"]


def test_users_delete_several_ids_in_parallel(sandbox):
    """Used to crash with "There is no active click context" (the workers had none)."""
    box = sandbox("api7")
    first, second = _invite(box, "dora"), _invite(box, "erin")
    result = box.run("api7", "users", "delete", first, "erin", "--yes")
    assert result.code == 0, result.err
    # an ID (UUID-shaped) is used as is; a name is looked up, and the line names both
    assert sorted(result.err.splitlines()) == sorted([f"deleted user {first}", f"deleted user {second} (erin)"])
    assert first not in box.emulator.users and second not in box.emulator.users


@pytest.mark.parametrize("noun", ["tokens", "roles", "login-options"])
def test_delete_ids_from_stdin(sandbox, tmp_path, noun):
    box = sandbox("api7")
    make = {"tokens": _token, "roles": _role, "login-options": lambda b, n: _login_option(b, tmp_path, n)}[noun]
    ids = [make(box, "gone-one"), make(box, "gone-two")]
    result = box.run("api7", noun, "delete", "-", "--yes", stdin=f"{ids[0]}\ngone-two\n")
    assert result.code == 0, result.err
    singular = {"tokens": "token", "roles": "role", "login-options": "login option"}[noun]
    assert sorted(result.err.splitlines()) == sorted([f"deleted {singular} {ids[0]}",
                                                      f"deleted {singular} {ids[1]} (gone-two)"])
    deletes = sorted(r.path.rsplit("/", 1)[1] for r in box.emulator.requests if r.method == "DELETE")
    assert deletes == sorted(ids)


def test_one_bad_id_among_good_ones_exits_10_and_deletes_the_good_one(sandbox):
    box = sandbox("api7")
    good = _role(box, "short-lived")
    result = box.run("api7", "roles", "delete", "short-lived", "no-such-role", "--yes")
    assert result.code == 10
    lines = result.err.splitlines()
    assert f"deleted role {good} (short-lived)" in lines
    assert "failed: role no-such-role: DELETE /api/roles/no-such-role: 404 NOT FOUND: role not found" in lines
    assert lines[-1] == "error: 1 of 2 roles failed: no-such-role"
    assert good not in box.emulator.roles


@pytest.mark.parametrize("noun", ["users", "tokens", "roles", "login-options", "alert-policies", "webhook-templates",
                                  "custom-plugins", "api-products"])
def test_delete_without_a_terminal_needs_yes(sandbox, noun):
    box = sandbox("api7", **({"version": "3.9"} if noun == "api-products" else {}))
    target = {"users": USER_OPS, "tokens": TOKEN_CI, "roles": ROLE_GG_OPERATOR, "login-options": LOGIN_OPTION_LDAP,
              "alert-policies": ALERT_POLICY_5XX, "webhook-templates": WEBHOOK_SPARE,
              "custom-plugins": CUSTOM_PLUGIN_HELLO, "api-products": API_PRODUCT_PETS}[noun]
    result = box.run("api7", noun, "delete", target)
    assert result.code == 2
    assert result.err.startswith("error: delete ") and result.err.endswith(": confirmation required; re-run with --yes\n")
    assert target in result.err
    assert [r for r in box.emulator.requests if r.method != "GET"] == []


@pytest.mark.parametrize(("noun", "name", "expected"), [
    ("users", "ops", USER_OPS), ("tokens", "ci-deploy", TOKEN_CI), ("roles", "gateway-operator", ROLE_GG_OPERATOR),
    ("login-options", "corp-ldap", LOGIN_OPTION_LDAP), ("alert-policies", "5xx-burst", ALERT_POLICY_5XX),
    ("webhook-templates", "slack-ops", WEBHOOK_SLACK), ("custom-plugins", "hello-header", CUSTOM_PLUGIN_HELLO),
    ("api-products", "Petstore API", API_PRODUCT_PETS),
])
def test_get_by_name(sandbox, noun, name, expected):
    box = sandbox("api7", **({"version": "3.9"} if noun == "api-products" else {}))
    result = box.run("api7", noun, "get", name, "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["id"] == expected


def test_ambiguous_name_exits_2_naming_the_candidates(sandbox):
    box = sandbox("api7")
    upper, lower = _role(box, "Auditors"), _role(box, "AUDITORS")
    box.emulator.clear_log()
    result = box.run("api7", "roles", "delete", "auditors", "--yes")
    assert result.code == 2
    assert result.err.startswith("error: role name 'auditors' is ambiguous: it matches 2 roles: ")
    assert f"{upper} (Auditors)" in result.err and f"{lower} (AUDITORS)" in result.err
    assert [r for r in box.emulator.requests if r.method != "GET"] == []


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize("argv", [("tokens", "get"), ("users", "delete", "--yes"), ("roles", "update", "--desc", "x"),
                                  ("login-options", "patch", "--disable"), ("webhook-templates", "refers"),
                                  ("alert-policies", "triggers", "-f", "-"), ("users", "reset-password",
                                                                               "--password-stdin")])
def test_bad_ids_exit_2_before_any_request(sandbox, argv, bad):
    box = sandbox("api7")
    result = box.run("api7", argv[0], argv[1], bad, *argv[2:], stdin="{}\n")
    assert result.code == 2, result.err
    assert result.err.startswith("error: invalid ") and "Traceback" not in result.err
    # only reads may happen (a name may hold '/': it is looked up, then refused as an ID)
    assert [r for r in box.emulator.requests if r.method != "GET"] == []
    assert all(not r.path.endswith("/" + bad.strip()) for r in box.emulator.requests)


def test_tokens_get_dot_exits_2(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "tokens", "get", ".")
    assert result.code == 2
    assert result.err == "error: invalid token ID or name '.': '.' and '..' are not IDs\n"
    assert box.emulator.requests == []


def test_encoded_dots_are_a_literal_id(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "tokens", "delete", "%2e%2e", "--yes")
    assert result.code == 3
    deletes = [r for r in box.emulator.requests if r.method != "GET"]
    assert [(r.method, r.path) for r in deletes] == [("DELETE", "/api/settings/tokens/%2e%2e")]
    assert len(box.emulator.tokens) == 2


def test_create_and_update_print_one_success_line(sandbox, tmp_path):
    box = sandbox("api7")
    role = box.run("api7", "roles", "create", "--name", "ssl-admin", "--permission", "ssl:write", "-o", "json")
    rid = role.json()["id"]
    assert role.err == f"created role {rid} (ssl-admin)\n"
    updated = box.run("api7", "roles", "update", "ssl-admin", "--desc", "TLS admins", "-o", "json")
    assert updated.code == 0 and updated.err == f"updated role {rid} (ssl-admin)\n"
    assert box.emulator.calls("PUT", f"/api/roles/{rid}")[0].json == {"name": "ssl-admin", "desc": "TLS admins",
                                                                      "permissions": ["ssl:write"]}
    renamed = box.run("api7", "tokens", "update", "ci-deploy", "--name", "ci-old")
    assert renamed.code == 0 and renamed.err == f"updated token {TOKEN_CI} (ci-old)\n"
    assert box.emulator.calls("PUT", f"/api/settings/tokens/{TOKEN_CI}")[0].json == {"name": "ci-old"}
    patched = box.run("api7", "login-options", "patch", "corp-ldap", "--disable")
    assert patched.code == 0 and patched.err == f"updated login option {LOGIN_OPTION_LDAP} (corp-ldap)\n"
    # the vendor's PATCH schema requires the name: the current one is sent along
    assert box.emulator.calls("PATCH", f"/api/login_options/{LOGIN_OPTION_LDAP}")[0].json == {"name": "corp-ldap",
                                                                                            "disable": True}


def test_token_create_prints_the_token_once_or_writes_it_0600(sandbox, tmp_path):
    box = sandbox("api7")
    printed = box.run("api7", "tokens", "create", "--name", "once", "--expires-in", "never", "-o", "json")
    assert printed.code == 0, printed.err
    record = printed.json()
    assert record["token"] and printed.err == f"created token {record['id']} (once)\n"
    assert box.emulator.calls("POST", "/api/settings/tokens")[0].json == {"name": "once", "expires_at": 0}
    out = tmp_path / "ci.token"
    written = box.run("api7", "tokens", "create", "--name", "to-file", "--expires-in", "1d", "--out", str(out),
                      "-o", "json")
    assert written.code == 0, written.err
    token = out.read_text().strip()
    assert token and (out.stat().st_mode & 0o777) == 0o600 and token not in written.all
    assert written.json()["written_to"] == str(out) and "token" not in written.json()
    box.emulator.clear_log()
    refused = box.run("api7", "tokens", "create", "--name", "x", "--expires-in", "1d", "--out", str(tmp_path))
    assert refused.code == 2 and refused.err == f"error: --out {tmp_path} is a directory\n"
    assert [r for r in box.emulator.requests if r.method != "GET"] == []


def test_references_by_name_in_create(sandbox):
    box = sandbox("api7")
    created = box.run("api7", "alert-policies", "create", "--name", "offline", "-g", "staging", "-g", GG_DEFAULT,
                      "-w", "pagerduty", "-o", "json")
    assert created.code == 0, created.err
    assert box.emulator.calls("POST", "/api/alert/policies")[0].json == {
        "name": "offline", "scope": [GG_STAGING, GG_DEFAULT], "webhook_templates": [WEBHOOK_SPARE]}
    assert created.err == f"created alert policy {created.json()['id']} (offline)\n"
    roles = box.run("api7", "users", "assign-roles", "ops", "--role", "gateway-operator:staging", "-o", "json")
    assert roles.code == 0, roles.err
    assert box.emulator.calls("PUT", f"/api/users/{USER_OPS}/assigned_roles")[0].json == {
        "roles": [{"role_id": ROLE_GG_OPERATOR, "scopes": [GG_STAGING]}]}


def test_webhook_template_create_defaults_to_verifying_tls(sandbox, tmp_path):
    box = sandbox("api7")
    template = tmp_path / "body.tmpl"
    template.write_text("{}")
    created = box.run("api7", "webhook-templates", "create", "--name", "plain", "--url", "https://x.example.com",
                      "--template", str(template), "-o", "json")
    assert created.code == 0, created.err
    assert box.emulator.calls("POST", "/api/alert/webhook_templates")[0].json["skip_tls_verify"] is False
    skipped = box.run("api7", "webhook-templates", "create", "--name", "lax", "--url", "https://x.example.com",
                      "--template", str(template), "--skip-tls-verify")
    assert skipped.code == 0, skipped.err
    assert box.emulator.calls("POST", "/api/alert/webhook_templates")[-1].json["skip_tls_verify"] is True


def test_help_keeps_summary_fields_and_example(sandbox):
    box = sandbox("api7")
    shown = box.run("api7", "alert-policies", "create", "--help")
    assert shown.code == 0
    for text in ("Create an alert policy for gateway groups", "--gateway-group", "--webhook-template",
                 "--check-interval", "Examples:\n  gwctl api7 alert-policies create --name latency -g default"):
        assert text in shown.out, text
    users = box.run("api7", "users", "--help")
    for verb in ("list", "get", "delete", "invite", "reset-password", "assign-roles"):
        assert f"  {verb}" in users.out, verb
