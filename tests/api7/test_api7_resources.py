"""The api7 gateway-configuration resources on the generic verbs: name-or-ID, bad IDs, bulk
delete, one confirmation and success line, references by name, the gateway-group scope and
the product quirks declared as hooks (exact stdout/stderr/exit codes against the emulator)."""

from __future__ import annotations

import pytest

from api7_helpers import (CONSUMER_ALICE, GG_DEFAULT, GG_STAGING, GLOBAL_RULE, REGISTRY_K8S, REGISTRY_NACOS,
                          SSL_EXAMPLE, SVC_HTTPBIN, SVC_PETSTORE, paths_seen)

BAD_IDS = ["", " ", ".", ".."]


def _created_id(result) -> str:
    assert result.code == 0, result.err
    return result.json()["id"]


@pytest.mark.parametrize("noun", ["services", "routes", "consumers", "ssls", "global-rules", "secrets",
                                  "service-registries", "gateway-groups", "published-services", "plugin-metadata"])
@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
def test_empty_blank_and_dot_ids_exit_2_before_any_request(sandbox, noun, bad):
    box = sandbox("api7")
    box.run("api7", "gateway-groups", "list")  # the gateway group's name is cached: nothing else may be sent
    box.emulator.clear_log()
    for verb in ("get", "delete"):
        result = box.run("api7", noun, verb, bad, *(("--yes",) if verb == "delete" else ()))
        assert result.code == 2, (verb, result.err)
        assert result.err.startswith("error: invalid ") and "Traceback" not in result.err
    assert [p for p in paths_seen(box.emulator) if not p.startswith("GET /api/version")] == []


def test_services_delete_empty_id_exits_2_before_any_request(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "services", "delete", "", "--yes")
    assert (result.code, result.out, result.err) == (2, "", "error: invalid service ID or name: it is empty\n")
    assert box.emulator.requests == []


def test_services_get_by_name_and_ambiguous_names(sandbox):
    box = sandbox("api7")
    echo = _created_id(box.run("api7", "services", "create", "echo", "--path-prefix", "/echo", "--upstream-node",
                               "echo.internal:8080", "-o", "json"))
    by_name = box.run("api7", "services", "get", "echo", "-o", "json")
    assert by_name.code == 0 and by_name.json()["id"] == echo
    assert box.run("api7", "services", "get", "httpbin", "-o", "json").json()["id"] == SVC_HTTPBIN
    other = _created_id(box.run("api7", "services", "create", "ECHO", "--path-prefix", "/echo2", "-o", "json"))
    exact = box.run("api7", "services", "get", "ECHO", "-o", "json")
    assert exact.json()["id"] == other  # an exact name wins over names that differ in case
    box.emulator.clear_log()
    ambiguous = box.run("api7", "services", "get", "Echo")
    assert ambiguous.code == 2 and ambiguous.out == ""
    assert ambiguous.err.startswith("error: service name 'Echo' is ambiguous: it matches 2 services: ")
    assert f"{echo} (echo)" in ambiguous.err and f"{other} (ECHO)" in ambiguous.err
    assert ambiguous.err.endswith("hint: give the service ID\n")
    assert all(p.startswith("GET ") for p in paths_seen(box.emulator))


def test_product_verbs_take_names_too(sandbox):
    box = sandbox("api7")
    published = box.run("api7", "services", "published", "httpbin", "-o", "json")
    assert published.code == 0 and [p["gateway_group_name"] for p in published.json()] == ["default"]
    runtime = box.run("api7", "published-services", "runtime-config", "httpbin", "-o", "json")
    assert runtime.code == 0, runtime.err
    namespaces = box.run("api7", "service-registries", "nacos-namespaces", "nacos-prod")
    assert namespaces.code == 0, namespaces.err
    assert box.emulator.calls("GET", f"/api/gateway_groups/{GG_DEFAULT}/service_registries/{REGISTRY_NACOS}"
                                     "/nacos/namespaces")


def test_create_and_update_print_one_success_line(sandbox):
    box = sandbox("api7")
    created = box.run("api7", "consumers", "create", "carol", "--desc", "mobile app", "-o", "json")
    cid = _created_id(created)
    assert created.err == f"created consumer {cid} (carol)\n"
    updated = box.run("api7", "consumers", "update", "carol", "--desc", "web app", "-o", "json")
    assert updated.code == 0 and updated.err == f"updated consumer {cid} (carol)\n"
    assert updated.json()["desc"] == "web app"
    patched = box.run("api7", "services", "patch", "httpbin", "--desc", "v2", "-o", "json")
    assert patched.code == 0 and patched.err == f"updated service {SVC_HTTPBIN} (httpbin)\n"
    rule = box.run("api7", "global-rules", "create", "--plugin", "request-id", "-o", "json")
    assert rule.err == f"created global rule {_created_id(rule)}\n"
    group = box.run("api7", "gateway-groups", "update", "staging", "--description", "QA", "-o", "json")
    assert group.code == 0 and group.err == f"updated gateway group {GG_STAGING} (staging)\n"


def test_route_create_takes_the_service_by_name(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "routes", "create", "get-uuid", "--service", "httpbin", "--path", "/uuid", "-o", "json")
    assert result.code == 0, result.err
    assert box.emulator.calls("POST", "/apisix/admin/routes")[0].json["service_id"] == SVC_HTTPBIN


@pytest.mark.parametrize(("noun", "singular", "seeded"), [
    ("services", "service", SVC_PETSTORE), ("consumers", "consumer", CONSUMER_ALICE), ("ssls", "ssl", SSL_EXAMPLE),
    ("global-rules", "global rule", GLOBAL_RULE), ("service-registries", "service registry", REGISTRY_K8S),
    ("secrets", "secret", "vault/prod-vault"),
])
def test_delete_needs_yes_without_a_terminal(sandbox, noun, singular, seeded):
    box = sandbox("api7")
    result = box.run("api7", noun, "delete", seeded)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"error: delete {singular} {seeded}")
    assert result.err.endswith(": confirmation required; re-run with --yes\n")
    assert not box.emulator.calls("DELETE")


def _two_new(box, noun, tmp_path):
    """Two fresh objects of ``noun`` (IDs as the delete takes them)."""
    from gwctl.sandbox.api7 import PEM_CERT, PEM_KEY

    if noun == "ssls":
        (tmp_path / "c.pem").write_text(PEM_CERT)
        (tmp_path / "k.pem").write_text(PEM_KEY)
        argvs = [("ssls", "create", "--cert", str(tmp_path / "c.pem"), "--key", str(tmp_path / "k.pem"), "--sni", s)
                 for s in ("a.example.com", "b.example.com")]
    elif noun == "secrets":
        for name in ("one", "two"):
            result = box.run("api7", "secrets", "set", f"vault/{name}", "--uri", "https://vault:8200", "--prefix", "kv",
                             "--token-stdin", stdin="hvs.test-token\n")
            assert result.code == 0, result.err
            assert result.err == f"updated secret vault/{name}\n"
        return ["vault/one", "two"]  # NAME alone is vault/NAME
    else:
        argvs = {
            "services": [("services", "create", n, "--path-prefix", "/" + n) for n in ("one", "two")],
            "consumers": [("consumers", "create", n) for n in ("one", "two")],
            "global-rules": [("global-rules", "create", "--plugin", p) for p in ("cors", "request-id")],
            "service-registries": [("service-registries", "create", n, "--type", "nacos", "--nacos-host",
                                    "http://nacos:8848") for n in ("one", "two")],
            "gateway-groups": [("gateway-groups", "create", n) for n in ("one", "two")],
        }[noun]
    return [_created_id(box.run("api7", *argv, "-o", "json")) for argv in argvs]


BULK = ["services", "consumers", "ssls", "global-rules", "service-registries", "secrets", "gateway-groups"]


@pytest.mark.parametrize("noun", BULK)
@pytest.mark.parametrize("via_stdin", [False, True], ids=["args", "stdin"])
def test_delete_several_ids(sandbox, tmp_path, noun, via_stdin):
    box = sandbox("api7")
    first, second = _two_new(box, noun, tmp_path)
    argv = ["api7", noun, "delete", *(["-"] if via_stdin else [first, second]), "--yes"]
    result = box.run(*argv, stdin=f"{first}\n{second}\n" if via_stdin else "")
    assert result.code == 0, result.err
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 2 and all(line.startswith("deleted ") for line in lines), result.err
    assert len(box.emulator.calls("DELETE")) == 2


@pytest.mark.parametrize("noun", BULK)
def test_one_missing_id_exits_10_and_deletes_the_good_one(sandbox, tmp_path, noun):
    box = sandbox("api7")
    first, _ = _two_new(box, noun, tmp_path)
    missing = "vault/missing" if noun == "secrets" else "missing"
    result = box.run("api7", noun, "delete", first, missing, "--yes")
    assert result.code == 10, result.err
    singular = {"ssls": "ssl", "global-rules": "global rule", "service-registries": "service registry",
                "gateway-groups": "gateway group"}.get(noun, noun[:-1])
    assert f"failed: {singular} {missing}: " in result.err
    assert result.err.splitlines()[-1] == f"error: 1 of 2 {noun.replace('-', ' ')} failed: {missing}"
    listed = box.run("api7", noun, "list", "--all", "-o", "json")
    assert first.split("/")[-1] not in {str(i["id"]).split("/")[-1] for i in listed.json()}


@pytest.mark.parametrize("bad", ["a/b", "%2e%2e"])
def test_slashes_and_encoded_dots_never_reach_another_resource(sandbox, bad):
    box = sandbox("api7")
    for noun in ("consumers", "ssls", "global-rules", "service-registries", "secrets"):
        box.emulator.clear_log()
        result = box.run("api7", noun, "delete", bad, "--yes")
        assert result.code in (2, 3), (noun, result.err)
        for request in box.emulator.requests:
            if request.method != "GET":
                assert request.path.endswith("/" + bad), (noun, request.path)


def test_gateway_group_scope_by_option_and_query_parameter(sandbox):
    box = sandbox("api7")
    listed = box.run("api7", "consumers", "list", "-g", "staging", "-o", "json")
    assert listed.code == 0 and listed.json() == []
    assert box.emulator.calls("GET", "/apisix/admin/consumers")[-1].query["gateway_group_id"] == GG_STAGING
    registries = box.run("api7", "service-registries", "list", "--gateway-group", "staging")
    assert registries.code == 0
    assert box.emulator.calls("GET", f"/api/gateway_groups/{GG_STAGING}/service_registries")
    box.emulator.clear_log()
    rule = box.run("api7", "global-rules", "get", GLOBAL_RULE)
    assert rule.code == 0
    assert box.emulator.calls("GET", f"/apisix/admin/global_rules/{GLOBAL_RULE}")[0].query["gateway_group_id"] \
        == GG_DEFAULT
    box.emulator.clear_log()
    assert box.run("api7", "consumers", "get", CONSUMER_ALICE).code == 0
    assert "gateway_group_id" not in box.emulator.calls("GET", f"/apisix/admin/consumers/{CONSUMER_ALICE}")[0].query


def test_consumer_update_plugin_keeps_credentials_and_secrets_are_redacted(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "consumers", "update", "alice", "--plugin", "cors", "--basic-auth", "-", "-o", "json",
                     "-vvv", stdin="alice:s3cret-pass\n")
    assert result.code == 0, result.err
    sent = box.emulator.calls("PUT", f"/apisix/admin/consumers/{CONSUMER_ALICE}")[0].json["plugins"]
    assert sent == {"key-auth": {"key": "alice-key-0001"}, "cors": {},
                    "basic-auth": {"username": "alice", "password": "s3cret-pass"}}
    assert "s3cret-pass" not in result.err
    patched = box.run("api7", "consumers", "patch", "alice", "--plugin", "cors", "-o", "json")
    assert patched.code == 0
    assert box.emulator.calls("PATCH")[0].json == {"plugins": {"cors": {}}}  # patch replaces the plugins


def test_service_flags_kept_from_the_hand_written_commands(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "services", "update", "httpbin", "--keep-path-prefix", "--upstream-node",
                     "10.0.0.5:8080:50", "-o", "json")
    assert result.code == 0, result.err
    body = box.emulator.calls("PUT", f"/apisix/admin/services/{SVC_HTTPBIN}")[0].json
    assert body["strip_path_prefix"] is False and body["name"] == "httpbin"
    assert body["upstream"]["nodes"] == [{"host": "10.0.0.5", "port": 8080, "weight": 50}]
    assert body["upstream"]["scheme"] == "http"  # the rest of the upstream is kept
    dry = box.run("api7", "services", "patch", "httpbin", "--desc", "x", "--dry-run")
    assert dry.code == 0, dry.err
    assert box.emulator.calls("PATCH")[0].query["dry-run"] == "all"
    bad = box.run("api7", "services", "create", "x", "--upstream-node", "nohost")
    assert (bad.code, bad.err) == (2, "error: invalid --upstream-node 'nohost': expected HOST:PORT[:WEIGHT]\n")


def test_plugin_metadata_get_default_if_unset_and_set(sandbox, tmp_path):
    box = sandbox("api7")
    missing = box.run("api7", "plugin-metadata", "get", "syslog")
    assert missing.code == 3
    default = box.run("api7", "plugin-metadata", "get", "syslog", "--default-if-unset", "-o", "json")
    assert default.code == 0, default.err
    assert box.emulator.calls("GET", "/apisix/admin/plugin_metadata/syslog")[-1].query["return_default"] == "true"
    body = tmp_path / "m.json"
    body.write_text('{"log_format": {"host": "$host"}}')
    result = box.run("api7", "plugin-metadata", "set", "syslog", "--from-file", str(body), "-o", "json")
    assert result.code == 0 and result.err == "updated plugin metadata syslog\n"
    deleted = box.run("api7", "plugin-metadata", "delete", "syslog", "http-logger", "--yes")
    assert deleted.code == 0
    assert deleted.err == "deleted plugin metadata syslog\ndeleted plugin metadata http-logger\n"


def test_secrets_refuse_other_managers_before_any_request(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "secrets", "get", "aws/prod")
    assert (result.code, result.err) == (2, "error: invalid secret 'aws/prod': expected vault/NAME "
                                            "(only vault is supported)\n")
    assert box.emulator.requests == []


def test_deleted_gateway_group_name_is_forgotten(sandbox):
    box = sandbox("api7")
    gid = _created_id(box.run("api7", "gateway-groups", "create", "edge", "-o", "json"))
    assert box.run("api7", "consumers", "list", "-g", "edge").code == 0  # caches edge -> its ID
    deleted = box.run("api7", "gateway-groups", "delete", "edge", "--yes")
    assert deleted.code == 0 and deleted.err == f"deleted gateway group {gid} (edge)\n"
    again = _created_id(box.run("api7", "gateway-groups", "create", "edge", "-o", "json"))
    box.emulator.clear_log()
    listed = box.run("api7", "consumers", "list", "-g", "edge")
    assert listed.code == 0, listed.err
    assert box.emulator.calls("GET", "/apisix/admin/consumers")[0].query["gateway_group_id"] == again
