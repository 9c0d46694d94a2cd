"""Bad input is refused locally (exit 2, one line naming the field) before any request."""

from __future__ import annotations

import json

import pytest

ROUTE = {"namespaceId": "nsProd", "name": "demo", "from": "https://demo.example.com", "to": ["http://demo:80"],
         "policyIds": ["polEmployees"]}
POLICY = {"namespaceId": "nsProd", "name": "p", "enforced": False, "ppl": {"allow": {"and": [{"domain": {"is": "a.b"}}]}},
          "description": "", "explanation": "", "remediation": ""}


@pytest.mark.parametrize("argv, body, message", [
    (["routes", "create"], {**ROUTE, "name": ""}, "invalid --from-file: field 'name': String should have at least 1 character"),
    (["routes", "create"], {**ROUTE, "from": "demo.example.com"}, "invalid --from-file: field 'from': must be a URL like https://app.example.com"),
    (["routes", "create"], {**ROUTE, "timeout": "30 seconds"}, "invalid --from-file: field 'timeout': must be a duration like 30s, 5m or 1h30m"),
    (["routes", "create"], {**ROUTE, "allowWebsocket": True}, "invalid --from-file: field 'allowWebsocket': Extra inputs are not permitted"),
    (["routes", "create"], {**ROUTE, "loadBalancingPolicy": "fastest"}, "invalid --from-file: field 'loadBalancingPolicy': Input should be 'round_robin', 'least_request', 'ring_hash', 'random' or 'maglev'"),
    (["routes", "update", "routeGrafana"], {k: v for k, v in ROUTE.items() if k != "from"}, "invalid --from-file: field 'from': Field required"),
    (["policies", "create"], {**POLICY, "ppl": {"permit": {}}}, "invalid --from-file: field 'ppl.permit': Extra inputs are not permitted (and 1 more)"),
    (["policies", "update", "polMfa"], {**POLICY, "enforced": "maybe"}, "invalid --from-file: field 'enforced': Input should be a valid boolean, unable to interpret input"),
    (["policies", "create"], ["not", "an", "object"], "invalid --from-file: expected an object, got list"),
    (["key-pairs", "create"], {"namespaceId": "nsProd", "certificate": "hello"}, "invalid --from-file: field 'certificate': must be a PEM certificate"),
    (["settings", "update"], {"logLevel": "info"}, "invalid --from-file: field 'address': Field required (and 12 more)"),
    (["settings", "patch"], [{"op": "upsert", "path": "/x", "value": 1}], "invalid --from-file: field 'operations.0.op': Input should be 'add', 'remove', 'replace', 'copy', 'move' or 'test'"),
    (["settings", "patch"], [{"op": "add", "path": "x", "value": 1}], "invalid --from-file: field 'operations.0.path': must be a JSON pointer starting with /"),
    (["settings", "patch"], [{"op": "replace", "path": "/logLevel"}], "invalid --from-file: field 'operations.0': replace needs value"),
    (["settings", "patch"], {"op": "add"}, "invalid --from-file: a JSON Patch document is a list of operations"),
    (["idp", "check"], {"provider": "facebook"}, "invalid --from-file: field 'provider': Input should be 'apple', 'auth0', 'azure', 'cognito', 'github', 'gitlab', 'google', 'oidc', 'okta', 'onelogin' or 'ping'"),
])
def test_invalid_from_file_bodies_are_rejected_before_any_request(pom, tmp_path, argv, body, message):
    path = tmp_path / "body.json"
    path.write_text(json.dumps(body))
    result = pom.run("pomerium", *argv, "--from-file", str(path))
    assert (result.code, result.out, result.err) == (2, "", f"error: {message}\n")
    assert pom.emulator.requests == []


def test_yaml_bodies_on_stdin_work(pom):
    body = "namespaceId: nsProd\nname: yaml-route\nfrom: https://yaml.example.com\nto: [http://yaml:80]\n"
    result = pom.run("pomerium", "routes", "create", "--from-file", "-", "-o", "json", stdin=body)
    assert result.code == 0, result.err
    created = result.json()
    assert created["name"] == "yaml-route" and created["policyIds"] == [] and created["allowWebsockets"] is False
    sent = pom.emulator.calls("POST", "/api/v0/organizations/orgAcme/routes")[0].json
    assert sent["showErrorDetails"] is False  # the spec's required booleans are always sent


def test_a_get_output_round_trips_into_update(pom, tmp_path):
    current = pom.run("pomerium", "routes", "get", "routeKibana", "-o", "json").json()
    current["to"] = ["http://kibana-v2.internal:5601"]
    path = tmp_path / "route.json"
    path.write_text(json.dumps(current))
    result = pom.run("pomerium", "routes", "update", "routeKibana", "--from-file", str(path), "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["to"] == ["http://kibana-v2.internal:5601"]
    sent = pom.emulator.calls("PUT")[0].json
    assert "id" not in sent and "policies" not in sent and "enforcedPolicyIds" not in sent


@pytest.mark.parametrize("argv, message", [
    (["routes", "create", "--name", "x", "--from", "ftp:/bad", "--to", "http://a"], "invalid --from: must be a URL like https://app.example.com"),
    (["routes", "create", "--name", "x" * 129, "--from", "https://a.example", "--to", "http://a"], "invalid --name: String should have at most 128 characters"),
    (["routes", "update", "routeGrafana", "--to", "nope"], "invalid --to: must be a URL like https://app.example.com"),
    (["routes", "update", "routeGrafana"], "nothing to update: give --from-file or at least one of --name, --from, --to, --policy, --namespace, --description"),
    (["policies", "create", "--name", "x", "--ppl", "{allow: [}"], "invalid --ppl: neither JSON nor YAML (line 1)"),
    (["policies", "create", "--name", "x"], "missing --ppl"),
    (["routes", "list", "--order-by", "color"], "invalid --order-by 'color': choose from assigned, from, id, inherited, name, path, prefix, regex, to, updatedAt (prefix - for descending)"),
    (["routes", "list", "--filter", '{"items":[{"field":"name","operator":"like","value":"x"}]}'], "invalid --filter: field 'items.0.operator': Input should be '=', '!=', '<', '<=', '>', '>=', 'after', 'before', 'contains', 'doesNotContain', 'doesNotEqual', 'endsWith', 'equals', 'is', 'isAnyOf', 'isEmpty', 'isNotEmpty', 'not', 'onOrAfter', 'onOrBefore' or 'startsWith'"),
    (["policies", "list", "--filter", '{"items":[{"field":"path","operator":"=","value":"x"}]}'], "invalid --filter field 'path': choose from assigned, cluster, enforced, id, name, updatedAt"),
    (["users", "list", "--type", "robot"], "invalid --type 'robot': choose from interactive, api-access"),
    (["clusters", "create", "--name", "x", "--domain", "Not_A_Slug"], "invalid --domain: must be lowercase letters, digits and - (a DNS label)"),
    (["clusters", "create", "--name", "x", "--domain", "ok-1", "--ip", "300.1.1.1"], "invalid --ip: '300.1.1.1' does not appear to be an IPv4 or IPv6 address"),
    (["invitations", "create", "--email", "nobody", "--role", "member"], "invalid --email: must be an email address"),
    (["service-accounts", "create", "--user-id", "u", "--expires-at", "tomorrow"], "invalid --expires-at: Input should be a valid datetime or date, input is too short"),
    (["metrics", "series", "qps"], "invalid METRIC 'qps': choose from mau, dau, upstream_requests, upstream_rx_bytes, upstream_tx_bytes, authz_ok, authz_err, authz_denied"),
    (["metrics", "sum", "dau", "--from", "yesterday"], "invalid --from 'yesterday': use RFC 3339 (2026-01-31T00:00:00Z), an age like 24h, or now"),
    (["metrics", "series", "dau", "--from", "1h", "--to", "2h"], "--from must be before --to"),
    (["templates", "list", "cluster"], "invalid RECORD_TYPE 'cluster': choose from route, settings, policy"),
    (["changesets", "list", "--status", "done"], "invalid --status 'done': choose from pending, applying, applied, failed, current, rejected"),
])
def test_invalid_flags_are_rejected_before_any_request(pom, argv, message):
    result = pom.run("pomerium", *argv)
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[0] == f"error: {message}"
    assert pom.emulator.requests == []
