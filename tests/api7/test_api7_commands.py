"""Every api7 command in table (TTY) and JSON output against the emulator."""

from __future__ import annotations

import json

import pytest

from api7_helpers import (CONSUMER_ALICE, GLOBAL_RULE, REGISTRY_K8S, REGISTRY_NACOS, ROUTE_IP, RV_IP_1, SSL_EXAMPLE,
                          SV_HTTPBIN_1, SVC_HTTPBIN, SVC_PETSTORE, TOKEN_CI)

READ_COMMANDS = [
    ("gateway-groups", "list"), ("gateway-groups", "get", "default"), ("gateway-groups", "count", "consumer"),
    ("gateway-groups", "permitted-users"),
    ("services", "list"), ("services", "get", SVC_HTTPBIN), ("services", "published", SVC_HTTPBIN),
    ("services", "permitted-users", SVC_HTTPBIN), ("services", "version", SVC_HTTPBIN, "1.0.0"),
    ("published-services", "list"), ("published-services", "get", SVC_HTTPBIN),
    ("published-services", "versions", SVC_HTTPBIN), ("published-services", "runtime-config", SVC_HTTPBIN),
    ("published-services", "healthcheck", SVC_HTTPBIN), ("published-services", "permitted-users", SVC_HTTPBIN),
    ("routes", "list"), ("routes", "list", "--service", SVC_HTTPBIN), ("routes", "get", ROUTE_IP),
    ("consumers", "list"), ("consumers", "get", CONSUMER_ALICE),
    ("ssls", "list"), ("ssls", "get", SSL_EXAMPLE),
    ("global-rules", "list"), ("global-rules", "get", GLOBAL_RULE),
    ("plugin-metadata", "get", "http-logger"), ("plugin-metadata", "default", "syslog"),
    ("plugins", "list"), ("plugins", "types"), ("plugins", "schema", "key-auth"),
    ("secrets", "list"), ("secrets", "get", "vault/prod-vault"), ("variables", "list"),
    ("service-registries", "list"), ("service-registries", "get", REGISTRY_NACOS),
    ("service-registries", "connected-services", REGISTRY_NACOS),
    ("service-registries", "internal-services", REGISTRY_K8S),
    ("service-registries", "health-history", REGISTRY_NACOS),
    ("service-registries", "nacos-namespaces", REGISTRY_NACOS),
    ("service-registries", "nacos-groups", REGISTRY_NACOS, "public"),
    ("service-registries", "nacos-services", REGISTRY_NACOS, "public", "DEFAULT_GROUP"),
    ("service-registries", "nacos-metadata", REGISTRY_NACOS, "public", "DEFAULT_GROUP", "orders"),
    ("service-versions", "get", SV_HTTPBIN_1), ("service-versions", "routes", SV_HTTPBIN_1),
    ("service-versions", "route", SV_HTTPBIN_1, RV_IP_1),
    ("instances", "list"), ("instances", "count", "status"), ("instances", "cores"),
    ("tokens", "list"), ("tokens", "get", TOKEN_CI),
    ("labels", "list", "service"), ("schema", "core"), ("schema", "plugins"), ("license", "get"), ("version",),
    ("operations",),
]
WRITE_COMMANDS = [
    ("gateway-groups", "create", "qa", "--description", "QA", "-l", "env=qa"),
    ("gateway-groups", "update", "staging", "--description", "QA"),
    ("services", "create", "shop", "--path-prefix", "/shop", "--upstream-node", "shop.internal:8080"),
    ("services", "update", SVC_HTTPBIN, "--desc", "updated"),
    ("services", "patch", SVC_HTTPBIN, "--desc", "patched"),
    ("services", "publish", SVC_PETSTORE, "--gateway-group", "staging", "--new-version"),
    ("published-services", "set-runtime-config", SVC_HTTPBIN, "--upstream-node", "10.0.0.7:8080"),
    ("routes", "create", "headers", "--service", SVC_HTTPBIN, "--path", "/headers", "-m", "GET"),
    ("routes", "update", ROUTE_IP, "--desc", "client ip"), ("routes", "patch", ROUTE_IP, "--desc", "ip"),
    ("consumers", "create", "carol", "--desc", "app"), ("consumers", "update", CONSUMER_ALICE, "--desc", "x"),
    ("consumers", "patch", CONSUMER_ALICE, "--desc", "y"),
    ("global-rules", "create", "--plugin", "request-id"), ("global-rules", "update", GLOBAL_RULE, "--plugin", "cors"),
    ("tokens", "update", TOKEN_CI, "--name", "renamed"),
    ("openapi", "export", SVC_HTTPBIN),
]


def _argv(args, json_out):
    return ("api7", *args, *(("-o", "json") if json_out else ()))


@pytest.mark.parametrize("args", READ_COMMANDS + WRITE_COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_command_table_and_json(sandbox, args):
    box = sandbox("api7")
    table = box.run(*_argv(args, False), tty=True)
    assert table.code == 0, table.err
    assert table.out.strip() or table.err == "No results.\n"
    assert "Traceback" not in table.err
    if args in WRITE_COMMANDS:
        box.emulator.reset()  # a second create of the same name would be refused
    as_json = box.run(*_argv(args, True))
    assert as_json.code == 0, as_json.err
    data = json.loads(as_json.out)
    assert isinstance(data, (list, dict, str))
    # JSON output is the API's object, never an envelope
    assert not (isinstance(data, dict) and {"value", "key", "warning_msg"} <= data.keys())
    assert not (isinstance(data, dict) and {"list", "total"} <= data.keys())


def test_services_list_tsv_exact(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "services", "list", "--columns", "name,path_prefix,upstream,published")
    assert result.code == 0
    assert result.out == ("NAME\tPATH_PREFIX\tUPSTREAM\tPUBLISHED_IN\n"
                          "petstore\t/petstore\tpetstore.swagger.io:443\t0\n"
                          "httpbin\t/httpbin\thttpbin.org:80\t1\n")
    assert result.err == ""


def test_get_json_is_the_value_object(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "routes", "get", ROUTE_IP, "--json")
    assert result.code == 0
    assert result.json()["id"] == ROUTE_IP and result.json()["paths"] == ["/ip"]


def test_not_found_is_exit_3_with_error_msg(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "consumers", "get", "missing")
    assert result.code == 3
    assert result.out == ""
    assert result.err == "error: GET /apisix/admin/consumers/missing: 404 NOT FOUND: consumer not found\n"


def test_deletes_need_yes_and_take_several_ids(sandbox):
    box = sandbox("api7")
    refused = box.run("api7", "routes", "delete", ROUTE_IP)
    assert refused.code == 2 and "--yes" in refused.err
    assert not box.emulator.calls("DELETE")
    ok = box.run("api7", "consumers", "delete", CONSUMER_ALICE, "missing", "--yes")
    assert ok.code == 10
    assert f"deleted consumer {CONSUMER_ALICE}" in ok.err and "failed: consumer missing: " in ok.err
    from_stdin = box.run("api7", "routes", "delete", "-", "--yes", stdin=ROUTE_IP + "\n")
    assert from_stdin.code == 0 and from_stdin.err == f"deleted route {ROUTE_IP} (get-ip)\n"


def test_secrets_never_printed_by_ssl_and_consumer_create(sandbox, tmp_path):
    from gwctl.sandbox.api7 import PEM_CERT, PEM_KEY

    box = sandbox("api7")
    (tmp_path / "c.pem").write_text(PEM_CERT)
    (tmp_path / "k.pem").write_text(PEM_KEY)
    ssl = box.run("api7", "ssls", "create", "--cert", str(tmp_path / "c.pem"), "--key", str(tmp_path / "k.pem"),
                  "--sni", "www.example.com", "-o", "json")
    assert ssl.code == 0, ssl.err
    assert "PRIVATE KEY" not in ssl.all and ssl.json()["snis"] == ["www.example.com"]
    sent = box.emulator.calls("POST", "/apisix/admin/ssls")[0]
    assert sent.json["key"] == PEM_KEY and sent.query["gateway_group_id"]
    consumer = box.run("api7", "consumers", "create", "dave", "--key-auth", "-", "-v", stdin="dave-secret-key\n")
    assert consumer.code == 0, consumer.err
    assert box.emulator.calls("POST", "/apisix/admin/consumers")[0].json["plugins"] == {"key-auth": {"key": "dave-secret-key"}}


def test_instances_cores_usage_to_file(sandbox, tmp_path):
    box = sandbox("api7")
    out = tmp_path / "cores.csv"
    result = box.run("api7", "instances", "cores-usage", "--from", "2026-01-01", "--to", "2026-01-02", "--out", str(out))
    assert result.code == 0
    assert out.read_text().startswith("date,gateway_group_id,cores\n")
    assert result.err == f"wrote {len(out.read_bytes())} bytes to {out}\n"
    call = box.emulator.calls("GET", "/api/instances/cores_usages/export")[0]
    assert call.query["begin_at"] == "1767225600" and call.query["end_at"] == "1767312000"


def test_instance_token_out_file_prints_metadata_only(sandbox, tmp_path):
    box = sandbox("api7")
    out = tmp_path / "gw.token"
    result = box.run("api7", "gateway-groups", "instance-token", "default", "--only-token", "--out", str(out), "-o", "json")
    assert result.code == 0, result.err
    secret = box.emulator.instance_tokens[-1]["token_plain_text"]
    assert out.read_text() == secret + "\n" and (out.stat().st_mode & 0o777) == 0o600
    assert secret not in result.out and result.json()["written_to"] == str(out)
