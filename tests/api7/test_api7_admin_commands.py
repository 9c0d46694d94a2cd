"""Every administration command (issue 8) in table (TTY) and JSON output against the emulator."""

from __future__ import annotations

import json

import pytest

from gwctl.sandbox.api7 import (ALERT_POLICY_5XX, API_PRODUCT_PETS, CUSTOM_PLUGIN_HELLO, ROLE_GG_OPERATOR, WEBHOOK_SLACK,
                                WEBHOOK_SPARE)

READ_COMMANDS = [
    ("users", "list"), ("users", "list", "--role", "viewer_id", "--login-option", "built-in"), ("users", "get", "ops"),
    ("me", "show"), ("roles", "list"), ("roles", "get", "gateway-operator"), ("roles", "get", ROLE_GG_OPERATOR),
    ("permissions", "list"), ("login-options", "list"), ("login-options", "get", "corp-ldap"),
    ("system-settings", "get"), ("scim", "get"),
    ("alert-policies", "list"), ("alert-policies", "get", ALERT_POLICY_5XX), ("alert-history", "list"),
    ("webhook-templates", "list"), ("webhook-templates", "get", WEBHOOK_SLACK),
    ("webhook-templates", "refers", WEBHOOK_SLACK),
    ("audit-logs", "list"), ("audit-logs", "event-types"),
    ("custom-plugins", "list"), ("custom-plugins", "get", CUSTOM_PLUGIN_HELLO), ("tokens", "check-name", "ci"),
    ("prometheus", "query", "api/v1/query", "--param", "query=up"),
    ("prometheus", "query", "api/v1/query", "--param", "query=up", "--post"),
]
WRITE_COMMANDS = [
    ("users", "assign-roles", "ops", "--role", "gateway-operator:staging", "--role", "Viewer"),
    ("me", "update", "--first-name", "Ada", "--last-name", "Lovelace"),
    ("roles", "create", "--name", "ssl-admin", "--permission", "ssl:write", "--desc", "TLS"),
    ("roles", "update", "gateway-operator", "--permission", "consumer:write"),
    ("login-options", "patch", "corp-ldap", "--disable"),
    ("system-settings", "update", "--control-plane-address", "https://cp.example.com:7943", "--mtls"),
    ("scim", "update", "--enable"),
    ("alert-policies", "create", "--name", "latency", "-g", "default", "--severity", "low"),
    ("alert-policies", "update", ALERT_POLICY_5XX, "--check-interval", "600", "--title", "5xx"),
    ("alert-policies", "patch", ALERT_POLICY_5XX, "--disable", "-g", "staging"),
    ("webhook-templates", "update", WEBHOOK_SLACK, "--url", "https://hooks.example.com/new", "-H", "X-A:b"),
    ("custom-plugins", "update", CUSTOM_PLUGIN_HELLO, "--description", "updated"),
]
# Commands of operations later API7 versions introduced: run against the emulator started as 3.9.
LATER_READS = [
    ("system-info",), ("api-products", "list"), ("api-products", "get", API_PRODUCT_PETS),
    ("api-products", "list", "--portal", "developers"), ("api-products", "get", API_PRODUCT_PETS, "--portal", "developers"),
    ("api-products", "list", "--portal-id", "portal-default"), ("plugins", "catalog"), ("plugins", "usage", "key-auth"),
    ("permission-policies", "references", "pp-gateway-admin"), ("allow-access", "--action", "gateway:GetGatewayGroup"),
]
LATER_WRITES = [
    ("api-products", "update", API_PRODUCT_PETS, "--server-url", "https://api2.example.com"),
    ("api-products", "patch", API_PRODUCT_PETS, "--name", "Petstore v2"),
]


def _argv(args, json_out):
    return ("api7", *args, *(("-o", "json") if json_out else ()))


@pytest.mark.parametrize("args", READ_COMMANDS + WRITE_COMMANDS + LATER_READS + LATER_WRITES,
                         ids=lambda a: " ".join(a[:4]))
def test_admin_command_table_and_json(sandbox, args):
    box = sandbox("api7", **({"version": "3.9"} if args in LATER_READS + LATER_WRITES else {}))
    table = box.run(*_argv(args, False), tty=True)
    assert table.code == 0, table.err
    assert table.out.strip() and "Traceback" not in table.err
    if args in WRITE_COMMANDS + LATER_WRITES:
        box.emulator.reset()
    as_json = box.run(*_argv(args, True))
    assert as_json.code == 0, as_json.err
    data = json.loads(as_json.out)
    assert isinstance(data, (list, dict))
    assert not (isinstance(data, dict) and {"value", "key", "warning_msg"} <= data.keys())
    assert not (isinstance(data, dict) and {"list", "total"} <= data.keys())


CREATE_FILES = {
    "role.json": {"name": "from-file", "permissions": ["consumer:read"]},
}


def test_users_list_tsv_exact(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "users", "list", "--columns", "username,name,state,roles,login_option")
    assert result.code == 0, result.err
    assert result.out == ("USERNAME\tNAME\tSTATE\tROLES\tLOGIN_OPTION\n"
                          "ops\tOps Team\tActive\tViewer\tbuilt-in\n"
                          "admin\tSandbox Admin\tActive\tSuper Admin\tbuilt-in\n")
    query = box.emulator.calls("GET", "/api/users")[0].query
    assert query["page"] == "1"


def test_users_list_filters_are_repeated_query_params(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "users", "list", "--role", "viewer_id", "--role", "super_admin_id",
                     "--login-option", "built-in", "-o", "json")
    assert result.code == 0
    assert sorted(u["username"] for u in result.json()) == ["admin", "ops"]
    query = box.emulator.calls("GET", "/api/users")[0].query
    assert query.getlist("roles") == ["viewer_id", "super_admin_id"]
    assert query.getlist("login_option_name") == ["built-in"]


def test_roles_create_from_file_and_flags(sandbox, tmp_path):
    box = sandbox("api7")
    body = tmp_path / "role.yaml"
    body.write_text("name: from-file\ndesc: x\npermissions: [consumer:read]\n")
    created = box.run("api7", "roles", "create", "--from-file", str(body), "--permission", "ssl:read", "-o", "json")
    assert created.code == 0, created.err
    assert created.json()["permissions"] == ["ssl:read"] and created.json()["type"] == "custom"
    bad = box.run("api7", "roles", "create", "--name", "x", "--permission", "nope:write")
    assert bad.code == 6 and "unknown permission nope:write" in bad.err
    box.emulator.clear_log()
    missing = box.run("api7", "roles", "create", "--name", "y")
    assert missing.code == 2 and missing.err == "error: missing --permission\n"
    assert box.emulator.requests == []
    builtin = box.run("api7", "roles", "delete", "Viewer", "--yes")
    assert builtin.code == 6 and "built-in roles cannot be deleted" in builtin.err
    assigned = box.run("api7", "roles", "delete", "gateway-operator", "--yes")
    assert assigned.code == 0  # nobody holds it in the seed
    ops = box.run("api7", "users", "assign-roles", "ops", "--role", "from-file", "-o", "json")
    assert [r["name"] for r in ops.json()["roles"]] == ["from-file"]
    held = box.run("api7", "roles", "delete", "from-file", "--yes")
    assert held.code == 6 and "assigned to user(s) ops" in held.err


def test_login_option_secrets_never_in_table_output(sandbox, tmp_path):
    box = sandbox("api7")
    body = tmp_path / "okta.json"
    body.write_text(json.dumps({"name": "keycloak", "provider_type": "oidc", "oidc_config": {
        "client_id": "api7", "client_secret": "kc-client-s3cret-value", "issuer": "https://kc.example.com",
        "request_scopes": ["openid"], "root_url": "https://dash.example.com"}}))
    created = box.run("api7", "login-options", "create", "--from-file", str(body), tty=True)
    assert created.code == 0, created.err
    assert "kc-client-s3cret-value" not in created.all and "client_secret(set)" in created.out
    for argv in (("login-options", "list"), ("login-options", "get", "corp-ldap"), ("login-options", "get", "keycloak")):
        for tty in (True, False):
            shown = box.run("api7", *argv, tty=tty)
            assert shown.code == 0
            assert "kc-client-s3cret-value" not in shown.all and "ldap-bind-s3cret" not in shown.all
    incomplete = tmp_path / "saml.json"
    incomplete.write_text(json.dumps({"name": "saml2", "provider_type": "saml"}))
    box.emulator.clear_log()
    refused = box.run("api7", "login-options", "create", "--from-file", str(incomplete))
    assert refused.code == 2 and "saml_config is required for provider_type saml" in refused.err
    assert box.emulator.requests == []
    builtin = box.run("api7", "login-options", "delete", "built-in", "--yes")
    assert builtin.code == 6 and "cannot be deleted" in builtin.err


def test_webhook_template_in_use_cannot_be_deleted(sandbox, tmp_path):
    box = sandbox("api7")
    refers = box.run("api7", "webhook-templates", "refers", WEBHOOK_SLACK, "-o", "json")
    assert [p["id"] for p in refers.json()] == [ALERT_POLICY_5XX]
    refused = box.run("api7", "webhook-templates", "delete", WEBHOOK_SLACK, "--yes")
    assert refused.code == 6
    assert "referenced by alert policy(ies) 5xx-burst" in refused.err
    assert box.run("api7", "alert-policies", "patch", ALERT_POLICY_5XX, "--webhook-template", WEBHOOK_SPARE).code == 0
    assert box.run("api7", "webhook-templates", "refers", WEBHOOK_SLACK, "-o", "json").json() == []
    assert box.run("api7", "webhook-templates", "delete", WEBHOOK_SLACK, "--yes").code == 0
    tmpl = tmp_path / "body.tmpl"
    tmpl.write_text('{"text": "{{ .AlertPolicyName }}"}')
    created = box.run("api7", "webhook-templates", "create", "--name", "teams", "--url", "https://t.example.com",
                      "--template", str(tmpl), "-H", "X-Env:prod", "-o", "json")
    assert created.code == 0, created.err
    sent = box.emulator.calls("POST", "/api/alert/webhook_templates")[0].json
    assert sent == {"name": "teams", "url": "https://t.example.com", "skip_tls_verify": False,
                    "headers": [{"name": "X-Env", "value": "prod"}], "template": '{"text": "{{ .AlertPolicyName }}"}'}
    box.emulator.clear_log()
    long_name = box.run("api7", "webhook-templates", "create", "--name", "n" * 21, "--url", "https://t",
                        "--template", str(tmpl))
    assert long_name.code == 2 and long_name.err == "error: invalid --name: String should have at most 20 characters\n"
    assert box.emulator.requests == []


def test_alert_triggers_validated_locally_and_sent(sandbox, tmp_path):
    box = sandbox("api7")
    bad = tmp_path / "bad.yaml"
    bad.write_text("trigger_conditions:\n  - event: number_of_status_code\n    operator: larger_than\n    value: 5\n")
    box.emulator.clear_log()
    refused = box.run("api7", "alert-policies", "triggers", ALERT_POLICY_5XX, "--from-file", str(bad))
    assert refused.code == 2 and "event_config is required" in refused.err and box.emulator.requests == []
    good = tmp_path / "good.yaml"
    good.write_text("trigger_logical_operator: All\ntrigger_conditions:\n  - event: gateway_certificate_will_expire_in\n"
                    "    operator: less_than\n    value: 14\n    value_unit: day\n")
    done = box.run("api7", "alert-policies", "triggers", ALERT_POLICY_5XX, "--from-file", str(good), "-o", "json")
    assert done.code == 0, done.err
    assert done.json()["trigger_logical_operator"] == "All" and done.json()["trigger_conditions"][0]["value"] == 14


def test_alert_policy_create_resolves_gateway_group_names(sandbox):
    box = sandbox("api7")
    created = box.run("api7", "alert-policies", "create", "--name", "offline", "-g", "staging", "-g", "default",
                      "-o", "json")
    assert created.code == 0, created.err
    from gwctl.sandbox.api7 import GG_DEFAULT, GG_STAGING

    assert box.emulator.calls("POST", "/api/alert/policies")[0].json == {"name": "offline",
                                                                          "scope": [GG_STAGING, GG_DEFAULT]}
    box.emulator.clear_log()
    bad = box.run("api7", "alert-policies", "create", "--name", "x", "-g", "default", "--severity", "urgent")
    assert bad.code == 2 and bad.err.startswith("error: Invalid value for '--severity': 'urgent' is not one of "
                                                "'high', 'medium', 'low'.\n")
    assert box.emulator.requests == []


def test_custom_plugin_create_parse_and_refusals(sandbox, tmp_path):
    import base64

    box = sandbox("api7", version="3.9")
    source = tmp_path / "rate.lua"
    source.write_text('local _M = {version = 1.2, priority = 500, name = "my-rate"}\nreturn _M\n')
    parsed = box.run("api7", "custom-plugins", "parse", str(source), tty=True)
    assert parsed.code == 0 and "my-rate" in parsed.out and "1.2" in parsed.out
    sent = box.emulator.calls("PUT", "/api/custom_plugins/code/parse")[0]
    assert sent.json == {"file": base64.b64encode(source.read_bytes()).decode()} and not sent.query
    created = box.run("api7", "custom-plugins", "create", "--source", str(source), "--catalog", "Traffic",
                      "--description", "Rate", "--doc-link", "https://d.example.com", "--author", "me", "-o", "json")
    assert created.code == 0, created.err
    assert created.json()["name"] == "my-rate" and created.json()["priority"] == 500
    again = box.run("api7", "custom-plugins", "create", "--source", str(source), "--catalog", "Traffic",
                    "--description", "Rate", "--doc-link", "https://d.example.com", "--author", "me")
    assert again.code == 6 and "custom plugin my-rate already exists" in again.err
    box.emulator.clear_log()
    missing = box.run("api7", "custom-plugins", "create", "--source", str(source))
    assert missing.code == 2 and missing.err == "error: missing --catalog\n" and box.emulator.requests == []
    usage = box.run("api7", "plugins", "usage", "prometheus", "-o", "json")
    assert usage.json()["global_rules"] and usage.json()["plugin_name"] == "prometheus"
    override = box.run("api7", "custom-plugins", "parse", str(source), "--path", "/api/custom_plugin_parse")
    assert override.code == 3  # the operator's path is used as given
    assert (box.emulator.requests[-1].method, box.emulator.requests[-1].path) == ("PUT", "/api/custom_plugin_parse")
    box.emulator.clear_log()
    empty = tmp_path / "empty.lua"
    empty.write_text("  \n")
    refused = box.run("api7", "custom-plugins", "parse", str(empty))
    assert (refused.code, refused.err) == (2, f"error: FILE {empty} is empty\n")
    assert box.emulator.requests == []


def test_api_products_provider_and_portal_side(sandbox, tmp_path):
    box = sandbox("api7", version="3.9")
    spec = tmp_path / "echo.yaml"
    spec.write_text("openapi: 3.0.0\ninfo: {title: Echo, version: '1'}\npaths: {}\n")
    created = box.run("api7", "api-products", "create", "--name", "Echo", "--openapi", str(spec), "--server-url",
                      "https://echo.example.com", "-o", "json")
    assert created.code == 0, created.err
    pid = created.json()["id"]
    assert box.emulator.calls("POST", "/api/api_products")[0].json["raw_openapi"] == spec.read_text()
    portal = box.run("api7", "api-products", "list", "--portal", "developers", "-o", "json")
    assert pid in [p["id"] for p in portal.json()]
    assert box.emulator.calls("GET", "/api/developers/api_products")
    deleted = box.run("api7", "api-products", "delete", pid, "--yes", "--path", "/api/api_products/{id}")
    assert deleted.code == 0 and deleted.err == f"deleted API product {pid}\n"
    bad = box.run("api7", "api-products", "delete", pid, "--yes", "--path", "api_products/{id}")
    assert bad.code == 2 and "must start with /" in bad.err
    # the seed's "valve" typo (§3.9) is read like "value"
    box.emulator.fail_next(status=200, body={"valve": {"id": "p1", "name": "typo"}, "key": "", "warning_msg": ""})
    typo = box.run("api7", "api-products", "get", "0b7c9d2e-1f3a-4b5c-8d6e-7f8a9b0c1d2e", "-o", "json")  # an ID: no lookup
    assert typo.json() == {"id": "p1", "name": "typo"}


def test_prometheus_query_get_and_form_post(sandbox):
    box = sandbox("api7")
    got = box.run("api7", "prometheus", "query", "api/v1/query", "--param", "query=up", "-o", "json")
    assert got.code == 0 and got.json()["status"] == "success"
    call = box.emulator.requests[-1]
    assert call.path == "/api/control_plane/prometheus/api%2Fv1%2Fquery" and call.query["query"] == "up"
    posted = box.run("api7", "prometheus", "query", "api/v1/query_range", "-P", "query=rate(x[5m])", "-P", "step=15",
                     "--post", "-o", "json")
    assert posted.code == 0, posted.err
    call = box.emulator.requests[-1]
    assert call.method == "POST" and call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert call.body == b"query=rate%28x%5B5m%5D%29&step=15"
    missing = box.run("api7", "prometheus", "query", "api/v1/query")
    assert missing.code == 2 and missing.err == "error: Prometheus: bad_data: parameter 'query' is missing\n"


def test_scim_token_printed_once_or_written_to_file(sandbox, tmp_path):
    box = sandbox("api7")
    printed = box.run("api7", "scim", "generate-token", "-o", "json")
    assert printed.code == 0
    token = box.emulator.scim["_token"]
    assert printed.json() == {"token": token}
    out = tmp_path / "scim.token"
    written = box.run("api7", "scim", "generate-token", "--out", str(out), "-o", "json", "-vvv")
    assert written.code == 0, written.err
    token = box.emulator.scim["_token"]
    assert out.read_text() == token + "\n" and (out.stat().st_mode & 0o777) == 0o600
    assert token not in written.all and written.json() == {"written_to": str(out)}
    assert "wrote the SCIM token to" in written.err
    got = box.run("api7", "scim", "get", "-o", "json")
    assert token not in got.out and set(got.json()) == {"enable_scim", "token_generated_at"}


def test_saml_callback_form_body_and_dataplane_reports_via_api(sandbox):
    from gwctl.sandbox.api7 import LOGIN_OPTION_SAML

    box = sandbox("api7")
    acs = box.run("api7", "api", "POST", f"/api/saml/{LOGIN_OPTION_SAML}/acs", "-F", "SAMLResponse=PHNhbWw+",
                  "-F", "RelayState=/dash", "-o", "json")
    assert acs.code == 0, acs.err
    assert acs.json()["value"] == {"relay_state": "/dash"}
    sent = box.emulator.requests[-1]
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert sent.body == b"SAMLResponse=PHNhbWw%2B&RelayState=%2Fdash"
    json_body = box.run("api7", "api", "POST", f"/api/saml/{LOGIN_OPTION_SAML}/acs", "-d", '{"SAMLResponse": "x"}')
    assert json_body.code == 6 and "x-www-form-urlencoded" in json_body.err
    bad = box.run("api7", "api", "POST", "/api/dataplane/heartbeat", "-d", '{"instance_id": "inst-0001"}')
    assert bad.code == 6 and "'hostname' is a required property" in bad.err
    metrics = box.run("api7", "api", "POST", "/api/dataplane/metrics", "-d",
                      '{"instance_id": "inst-0001", "metrics": "apisix_http_status 1"}')
    assert metrics.code == 0 and box.emulator.dp_reports[-1][0] == "metrics"
    redirect = box.run("api7", "api", "GET", "/api/oidc/login")
    assert redirect.code != 0 and "307" in redirect.err


def test_permission_policy_references_list_the_roles_that_attach_it(sandbox):
    box = sandbox("api7", version="3.9")
    table = box.run("api7", "permission-policies", "references", "pp-gateway-admin")
    assert table.code == 0, table.err
    assert table.out == f"TYPE\tID\tNAME\nrole\t{ROLE_GG_OPERATOR}\tgateway-operator\n"
    sent = box.emulator.calls("GET", "/api/permission_policies/pp-gateway-admin/references")
    assert len(sent) == 1 and sent[0].body == b""
    missing = box.run("api7", "permission-policies", "references", "pp-nope")
    assert missing.code == 3 and "permission policy pp-nope not found" in missing.err
