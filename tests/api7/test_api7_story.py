"""The operator story, paging, version detection, validation and token rotation."""

from __future__ import annotations

import pytest

from api7_helpers import ADMIN_PASSWORD, ADMIN_USER, CI_API_KEY, SVC_HTTPBIN, TOKEN_CI, paths_seen


def test_operator_story(sandbox):
    box = sandbox("api7")
    run = box.run
    gg = run("api7", "gateway-groups", "create", "edge", "--description", "Edge gateways", "-o", "json")
    assert gg.code == 0, gg.err
    gg_id = gg.json()["id"]
    svc = run("api7", "services", "create", "orders", "--host", "orders.example.com", "--path-prefix", "/orders",
              "--upstream-node", "orders.internal:8080", "-o", "json")
    assert svc.code == 0, svc.err
    sid = svc.json()["id"]
    for name, path in (("list-orders", "/"), ("get-order", "/{id}")):
        route = run("api7", "routes", "create", name, "--service", sid, "--path", path if path == "/" else "/items",
                    "-m", "GET", "-o", "json")
        assert route.code == 0, route.err
    routes = run("api7", "routes", "list", "--service", sid, "-o", "json")
    assert sorted(r["name"] for r in routes.json()) == ["get-order", "list-orders"]

    box.emulator.clear_log()
    pub = run("api7", "services", "publish", sid, "--gateway-group", "edge", "--version", "1.0.0", "--new-version")
    assert pub.code == 0, pub.err
    assert pub.err == f"published 1 service(s) to gateway group {gg_id} as version 1.0.0\n"
    assert paths_seen(box.emulator)[-2:] == ["POST /api/services/conflict_check", "POST /api/services/publish"]
    body = box.emulator.calls("POST", "/api/services/publish")[0].json
    assert body["gateway_group_id"] == gg_id and body["services"][0]["upstream"]["nodes"][0]["host"] == "orders.internal"

    published = run("api7", "published-services", "list", "-g", "edge", "-o", "json")
    assert [(p["id"], p["version"]) for p in published.json()] == [(sid, "1.0.0")]
    where = run("api7", "services", "published", sid, "-o", "json")
    assert [p["gateway_group_name"] for p in where.json()] == ["edge"]

    change = run("api7", "published-services", "set-runtime-config", sid, "-g", "edge",
                 "--upstream-node", "10.0.0.9:9090:50", "-o", "json")
    assert change.code == 0, change.err
    assert change.json()["upstreams"]["nodes"] == [{"host": "10.0.0.9", "port": 9090, "weight": 50}]
    runtime = run("api7", "published-services", "get", sid, "-g", "edge", "-o", "json")
    assert runtime.json()["upstream"]["nodes"][0]["host"] == "10.0.0.9"

    refused = run("api7", "services", "delete", sid, "--yes")
    assert refused.code == 6 and "unpublish it first" in refused.err
    unpublish = run("api7", "published-services", "delete", sid, "-g", "edge", "--yes")
    assert unpublish.code == 0 and unpublish.err == f"deleted published service {sid}\n"
    assert run("api7", "services", "delete", sid, "--yes").code == 0
    assert run("api7", "routes", "list", "--service", sid, "-o", "json").json() == []
    assert run("api7", "gateway-groups", "delete", "edge", "--yes").code == 0
    assert run("api7", "gateway-groups", "get", gg_id).code == 3


def test_publish_stops_on_conflicts_unless_forced(sandbox):
    box = sandbox("api7")
    # A copy of httpbin's routes under the same host and prefix conflicts with the published httpbin.
    dup = box.run("api7", "services", "create", "httpbin-copy", "--host", "httpbin.example.com", "--path-prefix",
                  "/httpbin", "--upstream-node", "10.0.0.1:80", "-o", "json").json()["id"]
    assert box.run("api7", "routes", "create", "ip", "--service", dup, "--path", "/ip", "-m", "GET").code == 0
    box.emulator.clear_log()
    stopped = box.run("api7", "services", "publish", dup)
    assert stopped.code == 6
    assert "duplicate: httpbin-copy/ip (GET httpbin.example.com/httpbin/ip) <-> httpbin/get-ip" in stopped.err
    assert not box.emulator.calls("POST", "/api/services/publish")
    forced = box.run("api7", "services", "publish", dup, "--force")
    assert forced.code == 0, forced.err


def test_paging_fetches_only_needed_pages(sandbox, monkeypatch):
    import gwctl.api.api7.client as api7

    monkeypatch.setattr(api7, "PAGE_SIZE", 3)
    box = sandbox("api7")
    for i in range(8):
        box.emulator.consumers[f"c{i}"] = {"id": f"c{i}", "username": f"user{i}", "gateway_group_id":
                                           box.emulator.example_values()["gateway_group_id"], "created_at": i,
                                           "updated_at": 100 + i}
    box.emulator.clear_log()
    everything = box.run("api7", "consumers", "list", "--all", "-o", "json")
    assert len(everything.json()) == 10
    pages = [r.query["page"] for r in box.emulator.calls("GET", "/apisix/admin/consumers")]
    assert pages == ["1", "2", "3", "4"]
    box.emulator.clear_log()
    first = box.run("api7", "consumers", "list", "--limit", "2", "--order-by", "created_at", "--direction", "asc",
                    "--search", "user", "-o", "json")
    assert [c["username"] for c in first.json()] == ["user0", "user1"]
    call = box.emulator.calls("GET", "/apisix/admin/consumers")
    assert len(call) == 1 and call[0].query["page_size"] == "2" and call[0].query["direction"] == "asc"


def test_label_filter_and_default_page_size(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "services", "list", "--label", "team=demo", "-o", "json")
    assert [s["name"] for s in result.json()] == ["httpbin"]
    assert box.emulator.calls("GET", "/apisix/admin/services")[0].query["labels[team]"] == "demo"
    raw = box.run("api7", "api", "GET", "/api/instances", "-o", "json")
    assert raw.json()["total"] == 4


@pytest.mark.parametrize(("version", "family", "tokens", "services"), [
    ("3.2.11.5", "3.2.11", "/api/settings/tokens", "/apisix/admin/services"),
    # the 3.2.13.0 release notes move the service and route templates; tokens stay until 3.2.14
    ("3.2.13.0", "3.2.13", "/api/settings/tokens", "/api/services/template"),
    ("3.2.14.3", "3.2.14", "/api/tokens", "/api/services/template"),
])
def test_version_detection_picks_paths(sandbox, version, family, tokens, services):
    box = sandbox("api7", version=version)
    shown = box.run("api7", "version", "-o", "json")
    assert shown.json() == {"version": version, "api_family": family, "tokens_path": tokens,
                            "services_path": services, "routes_path": services.replace("services", "routes"),
                            "auth": "X-API-KEY"}
    assert box.run("api7", "tokens", "list").code == 0
    assert box.run("api7", "services", "list").code == 0
    created = box.run("api7", "services", "create", "v", "--upstream-node", "a.b:80", "-o", "json")
    assert created.code == 0, created.err
    assert box.run("api7", "routes", "create", "r", "--service", created.json()["id"], "--path", "/r").code == 0
    seen = paths_seen(box.emulator)
    assert seen.count("GET /api/version") == 1  # read once per profile, then cached
    assert f"GET {tokens}" in seen and f"GET {services}" in seen and f"POST {services}" in seen


def test_server_without_version_endpoint_is_treated_as_3_2_11(sandbox):
    box = sandbox("api7", version="3.2.11.1")
    box.emulator.fail_next(status=404, path="/api/version")
    result = box.run("api7", "version")
    assert result.code == 0
    assert "3.2.11 (assumed: no /api/version)" in result.out and "/api/settings/tokens" in result.out


def test_invalid_bodies_rejected_locally_before_any_request(sandbox, tmp_path):
    box = sandbox("api7")
    cases = [
        (("services", "create", "x" * 256), "invalid NAME: String should have at most 255 characters"),
        (("routes", "create", "r", "--service", SVC_HTTPBIN, "--path", "/a", "-m", "FETCH"), "invalid --method"),
        (("consumers", "create", "bad name"), "invalid USERNAME: String should match pattern"),
        (("tokens", "create", "--name", "t" * 41, "--expires-in", "1d"), "invalid --name: String should have at most 40"),
        (("published-services", "set-runtime-config", SVC_HTTPBIN, "--status", "3"), "field 'status'"),
        (("gateway-groups", "create"), "missing NAME"),
    ]
    for argv, message in cases:
        result = box.run("api7", *argv)
        assert result.code == 2, (argv, result.err)
        assert message in result.err and result.err.startswith("error: ") and "Traceback" not in result.err
    body = tmp_path / "svc.yaml"
    body.write_text("name: shop\nupstream:\n  nodes:\n    - host: a.b\n      port: 70000\n      weight: 1\n")
    from_file = box.run("api7", "services", "create", "--from-file", str(body))
    assert from_file.code == 2
    assert from_file.err.startswith("error: invalid --from-file: field 'upstream.nodes.0.port'")
    assert box.emulator.requests == []


def test_invalid_bodies_rejected_by_the_emulators_spec_validation(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "api", "POST", "/apisix/admin/routes", "-d", '{"name": "r", "paths": ["no-slash"]}')
    assert result.code == 6
    assert "invalid request: " in result.err and "does not match '^/'" in result.err
    missing = box.run("api7", "api", "POST", "/apisix/admin/consumers", "-d", '{"username": "ok"}')
    assert missing.code == 6 and "missing required query parameter 'gateway_group_id'" in missing.err
    bad_ssl = box.run("api7", "api", "POST", "/apisix/admin/ssls", "-P", "gateway_group_id=x", "-d", '{"cert": "short"}')
    assert bad_ssl.code == 6
    assert not box.emulator.routes.get("r")


def test_token_regenerate_invalidates_the_old_token(sandbox, tmp_path):
    box = sandbox("api7")
    env = {"GWCTL_API7_API_KEY": CI_API_KEY}
    assert box.run("api7", "gateway-groups", "list", env=env).code == 0
    out = tmp_path / "ci.token"
    regen = box.run("api7", "tokens", "regenerate", TOKEN_CI, "--expires-in", "90d", "--out", str(out), "--yes",
                    "-o", "json")
    assert regen.code == 0, regen.err
    new = out.read_text().strip()
    assert new.startswith("a7ee-") and new != CI_API_KEY and new not in regen.out
    assert regen.err == f"wrote the token to {out} (mode 0600)\n"
    old = box.run("api7", "gateway-groups", "list", env=env)
    assert old.code == 4 and "401" in old.err
    assert box.run("api7", "gateway-groups", "list", env={"GWCTL_API7_API_KEY": new}).code == 0


def test_token_create_prints_secret_once_and_expires(sandbox):
    box = sandbox("api7")
    created = box.run("api7", "tokens", "create", "--name", "short", "--expires-in", "1h", "-o", "json")
    assert created.code == 0
    token = created.json()["token"]
    body = box.emulator.calls("POST", "/api/settings/tokens")[0].json
    assert body["name"] == "short" and body["expires_at"] > 0
    listed = box.run("api7", "tokens", "list", "-o", "json")
    assert token not in listed.out
    box.emulator.tokens[created.json()["id"]]["expires_at"] = 1
    assert box.run("api7", "tokens", "list", env={"GWCTL_API7_API_KEY": token}).code == 4


def test_basic_auth_and_missing_credentials(sandbox, monkeypatch):
    box = sandbox("api7")
    monkeypatch.delenv("GWCTL_API7_API_KEY")
    none = box.run("api7", "services", "list")
    assert none.code == 4 and "GWCTL_API7_API_KEY" in none.err
    basic = box.run("api7", "services", "list", env={"GWCTL_API7_USERNAME": ADMIN_USER,
                                                     "GWCTL_API7_PASSWORD": ADMIN_PASSWORD})
    assert basic.code == 0
    assert box.emulator.requests[-1].headers["Authorization"].startswith("Basic ")
    wrong = box.run("api7", "services", "list", env={"GWCTL_API7_USERNAME": ADMIN_USER, "GWCTL_API7_PASSWORD": "nope"})
    assert wrong.code == 4 and "nope" not in wrong.err


def test_gateway_group_override_and_name_cache(sandbox):
    box = sandbox("api7")
    assert box.run("api7", "consumers", "list").code == 0
    assert box.run("api7", "consumers", "list").code == 0
    lookups = box.emulator.calls("GET", "/api/gateway_groups")
    assert len(lookups) == 1 and lookups[0].query["search"] == "default"
    staging = box.run("api7", "consumers", "list", "--gateway-group", "staging", "-o", "json")
    assert staging.json() == []
    ggs = [r.query["gateway_group_id"] for r in box.emulator.calls("GET", "/apisix/admin/consumers")]
    from api7_helpers import GG_DEFAULT, GG_STAGING

    assert ggs == [GG_DEFAULT, GG_DEFAULT, GG_STAGING]
    by_id = box.run("api7", "ssls", "list", "-g", GG_STAGING)
    assert by_id.code == 0 and len(box.emulator.calls("GET", "/api/gateway_groups")) == 2


def test_auth_login_verifies(sandbox, gw, keyring_store):
    box = sandbox("api7")
    no_tty = gw("auth", "login", "-p", box.profile, stdin="")
    assert no_tty.code == 2 and no_tty.out == ""
    assert no_tty.err == "error: no terminal to prompt on: pass the secrets with --stdin\n"
    wrong = gw("auth", "login", "-p", box.profile, "--stdin", stdin="api_key=a7ee-not-a-real-key\n")
    assert wrong.code == 4 and wrong.out == ""
    assert wrong.err.startswith("error: GET /api/gateway_groups: 401 UNAUTHORIZED: ")
    assert "a7ee-not-a-real-key" not in wrong.err and keyring_store == {}
    ok = gw("auth", "login", "-p", box.profile, "--stdin", stdin=f"api_key={CI_API_KEY}\n")
    assert ok.code == 0 and ok.out == ""
    assert ok.err == "verified and stored credentials for profile sandbox-api7 in keyring service 'gwctl'\n"
    assert keyring_store == {("gwctl", "sandbox-api7:api_key"): CI_API_KEY}
