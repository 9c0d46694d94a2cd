"""Review of `gwctl api7` against a mock generated from the vendor spec (Prism) and an independent
server: requests gwctl builds from server data, capped page sizes, version probing, downloads."""

from __future__ import annotations

import pytest

from api7_helpers import GG_DEFAULT, GG_STAGING, SVC_HTTPBIN, SVC_PETSTORE, paths_seen


def test_publish_new_version_by_default_and_existing_version_by_id(sandbox):
    """The spec: service_version_id is required when create_new_version is false."""
    box = sandbox("api7")
    fresh = box.run("api7", "services", "publish", SVC_PETSTORE, "-g", "staging")
    assert fresh.code == 0, fresh.err
    body = box.emulator.calls("POST", "/api/services/publish")[-1].json
    assert body["create_new_version"] is True and "service_version_id" not in body["services"][0]

    made = box.run("api7", "services", "publish", SVC_PETSTORE, "-g", "staging", "--version", "2.0.0", "-o", "json")
    assert made.code == 0, made.err
    assert box.emulator.calls("POST", "/api/services/publish")[-1].json["create_new_version"] is True
    version_id = box.run("api7", "services", "version", SVC_PETSTORE, "2.0.0", "-o", "json").json()["id"]

    box.emulator.clear_log()
    again = box.run("api7", "services", "publish", SVC_PETSTORE, "-g", "default", "--version", "2.0.0")
    assert again.code == 0, again.err
    assert paths_seen(box.emulator)[-2:] == ["POST /api/services/conflict_check", "POST /api/services/publish"]
    body = box.emulator.calls("POST", "/api/services/publish")[-1].json
    assert body["create_new_version"] is False and body["services"][0]["service_version_id"] == version_id
    check = box.emulator.calls("POST", "/api/services/conflict_check")[-1].json
    assert check["services"][0]["service_version_id"] == version_id


def test_emulator_refuses_publish_without_version_id_when_not_creating(sandbox):
    box = sandbox("api7")
    raw = box.run("api7", "api", "POST", "/api/services/publish", "-d",
                  '{"create_new_version": false, "gateway_group_id": "%s", "services": [{"service_id": "%s", '
                  '"version": "9", "upstream": {"nodes": [{"host": "a.internal", "port": 80, "weight": 1}]}}]}'
                  % (GG_STAGING, SVC_PETSTORE))
    assert raw.code == 6 and "service_version_id is required" in raw.err


def test_publish_refuses_locally_what_the_vendor_schema_refuses(sandbox):
    """A mock answering the spec's examples returns path_prefix "string": not sent on."""
    box = sandbox("api7")
    box.emulator.services[SVC_PETSTORE]["path_prefix"] = "string"
    box.emulator.clear_log()
    result = box.run("api7", "services", "publish", SVC_PETSTORE, "-g", "staging")
    assert result.code == 2, result.err
    assert result.err.startswith("error: invalid publish body (built from the services as the server returned them): "
                                 "field 'services.0.path_prefix'")
    assert "Traceback" not in result.err
    assert not box.emulator.calls("POST", "/api/services/conflict_check")
    assert not box.emulator.calls("POST", "/api/services/publish")


def test_update_names_server_data_as_the_source_of_an_invalid_field(sandbox):
    box = sandbox("api7")
    box.emulator.services[SVC_HTTPBIN]["path_prefix"] = "string"
    result = box.run("api7", "services", "update", SVC_HTTPBIN, "--desc", "x")
    assert result.code == 2
    assert result.err == ("error: invalid body (what the server returned, changed by the flags): "
                          "field 'path_prefix': String should match pattern '^/'\n")
    assert not box.emulator.calls("PUT")


# Declared list filters are click choices (the generic verbs' wording, with a hint to --help).
GENERIC_CHOICE = "Invalid value for '{flag}': '{value}' is not one of {choices}.\nhint: see `gwctl api7 {noun} list --help`"


@pytest.mark.parametrize(("argv", "message"), [
    (("services", "list", "--order-by", "name"),
     GENERIC_CHOICE.format(flag="--order-by", value="name", noun="services",
                           choices="'created_at', 'updated_at', 'last_published'")),
    (("consumers", "list", "--order-by", "last_published"),
     GENERIC_CHOICE.format(flag="--order-by", value="last_published", noun="consumers",
                           choices="'created_at', 'updated_at'")),
    (("tokens", "list", "--order-by", "name"),
     GENERIC_CHOICE.format(flag="--order-by", value="name", noun="tokens",
                           choices="'created_at', 'updated_at', 'expires_at'")),
    (("published-services", "list", "--runtime-type", "blue"),
     GENERIC_CHOICE.format(flag="--runtime-type", value="blue", noun="published-services",
                           choices="'normal', 'canary'")),
    (("service-registries", "health-history", "r1", "--status", "down"),
     "invalid --status 'down': choose healthy, lost_connection"),
])
def test_query_enums_of_the_spec_are_checked_before_sending(sandbox, argv, message):
    box = sandbox("api7")
    box.run("api7", "gateway-groups", "list")  # warms the gateway-group cache: only the list call may remain
    box.emulator.clear_log()
    result = box.run("api7", *argv)
    assert result.code == 2 and result.err == f"error: {message}\n"
    # only reads gwctl needs to know the path (the gateway group, the API version) may have been sent
    assert [p for p in paths_seen(box.emulator) if p.split()[1] not in ("/api/gateway_groups", "/api/version")] == []


def test_paging_follows_a_server_that_caps_page_size(sandbox, monkeypatch):
    import gwctl.sandbox.api7 as emulator_module

    box = sandbox("api7")
    for i in range(8):
        assert box.run("api7", "consumers", "create", f"capped{i}").code == 0
    expected = box.run("api7", "consumers", "list", "--all", "-o", "json").json()
    monkeypatch.setattr(emulator_module, "MAX_PAGE_SIZE", 3)
    box.emulator.clear_log()
    capped = box.run("api7", "consumers", "list", "--all", "-o", "json")
    assert capped.code == 0, capped.err
    assert [c["id"] for c in capped.json()] == [c["id"] for c in expected] and len(expected) >= 9
    pages = [r.query for r in box.emulator.calls("GET", "/apisix/admin/consumers")]
    assert pages[0]["page_size"] == "500" and {p["page_size"] for p in pages[1:]} == {"3"}
    assert len(pages) == -(-len(expected) // 3)
    limited = box.run("api7", "consumers", "list", "--limit", "5", "-o", "json")
    assert [c["id"] for c in limited.json()] == [c["id"] for c in expected][:5]


def test_gateway_group_name_resolution_takes_the_exact_name(sandbox):
    """`search` matches substrings: "edge" must not resolve to "edge-old"."""
    box = sandbox("api7")
    old = box.run("api7", "gateway-groups", "create", "edge-old", "-o", "json").json()["id"]
    edge = box.run("api7", "gateway-groups", "create", "edge", "-o", "json").json()["id"]
    assert old != edge
    box.emulator.clear_log()
    result = box.run("api7", "consumers", "list", "-g", "edge")
    assert result.code == 0, result.err
    assert box.emulator.calls("GET", "/apisix/admin/consumers")[-1].query["gateway_group_id"] == edge


@pytest.mark.parametrize("fault", [
    {"kind": "malformed"},  # e.g. the dashboard's web page for an unknown path
    {"kind": "fail", "status": 405},
    {"kind": "fail", "status": 404, "body": "404 page not found"},
])
def test_version_probe_falls_back_to_3_2_11(sandbox, fault):
    box = sandbox("api7")
    if fault["kind"] == "malformed":
        box.emulator.malformed_next(path="/api/version")
    else:
        box.emulator.fail_next(status=fault["status"], body=fault.get("body"), path="/api/version")
    result = box.run("api7", "version", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["api_family"] == "3.2.11" and result.json()["version"].startswith("3.2.11 (assumed")


def test_version_probe_server_error_is_not_cached_as_a_version(sandbox):
    box = sandbox("api7", version="3.2.14.3")
    box.emulator.fail_next(4, status=500, path="/api/version")
    failed = box.run("api7", "version")
    assert failed.code == 8 and "Traceback" not in failed.err
    shown = box.run("api7", "version", "-o", "json")
    assert shown.code == 0 and shown.json()["api_family"] == "3.2.14"


def test_exports_accept_any_content_type(sandbox, tmp_path):
    """The spec gives the core-usage export as text/csv only: a JSON-only Accept gets 406 from a strict server."""
    box = sandbox("api7")
    result = box.run("api7", "instances", "cores-usage", "--from", "2026-01-01", "--to", "2026-01-03")
    assert result.code == 0, result.err
    assert box.emulator.calls("GET", "/api/instances/cores_usages/export")[-1].headers["Accept"] == "*/*"
    out = tmp_path / "audit.csv"
    exported = box.run("api7", "audit-logs", "export", "--format", "csv", "--out", str(out))
    assert exported.code == 0, exported.err
    assert box.emulator.calls("GET", "/api/audit_logs/export")[-1].headers["Accept"] == "*/*"
    assert GG_DEFAULT  # the helpers' constants stay importable


def test_times_outside_the_calendar_are_shown_as_sent(sandbox):
    """A mock answering the spec's schema sends int64 extremes for created_at and the like."""
    from api7_helpers import TOKEN_CI

    box = sandbox("api7")
    box.emulator.tokens[TOKEN_CI].update(created_at=-9007199254740991, expires_at=10**20, last_used_at=float("nan"))
    result = box.run("api7", "tokens", "get", TOKEN_CI, "-o", "table")
    assert result.code == 0, result.err
    assert "-9007199254740991" in result.out and "100000000000000000000" in result.out
