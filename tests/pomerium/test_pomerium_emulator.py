"""The Pomerium Zero emulator itself, over WSGI (no CLI)."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from gwctl.sandbox.pomerium import JsonPatchError, PomeriumEmulator, apply_json_patch

BASE = "/api/v0"


@pytest.fixture
def emu(pclock):
    return PomeriumEmulator(clock=pclock)


@pytest.fixture
def wsgi(emu):
    return Client(emu)


def bearer(wsgi, token):
    response = wsgi.post(BASE + "/token", json={"refreshToken": token})
    assert response.status_code == 200
    return {"Authorization": "Bearer " + response.json["idToken"]}


@pytest.fixture
def admin(wsgi, emu):
    return bearer(wsgi, emu.admin_token)


def test_token_exchange(wsgi, emu):
    response = wsgi.post(BASE + "/token", json={"refreshToken": emu.admin_token})
    assert response.json["expiresInSeconds"] == "3600"  # a string, as the API sends it
    bad = wsgi.post(BASE + "/token", json={"refreshToken": "nope"})
    assert (bad.status, bad.json) == ("401 Unauthorized", {"error": "invalid refresh token"})
    assert wsgi.post(BASE + "/token", json={}).status_code == 400


def test_id_tokens_expire(wsgi, emu, admin, pclock):
    assert wsgi.get(BASE + "/organizations", headers=admin).status_code == 200
    pclock.now += 3600
    assert wsgi.get(BASE + "/organizations", headers=admin).json == {"error": "invalid or expired ID token"}
    assert wsgi.get(BASE + "/organizations").status_code == 401


def test_renewal_invalidates_the_old_refresh_token(wsgi, emu, admin):
    old = emu.admin_token
    response = wsgi.post(BASE + "/organizations/orgAcme/users/usrAdminApi/refreshToken", headers=admin)
    new = response.json["refreshToken"]
    assert new != old and emu.refresh_token_of("usrAdminApi") == new
    assert wsgi.post(BASE + "/token", json={"refreshToken": old}).status_code == 401
    assert wsgi.post(BASE + "/token", json={"refreshToken": new}).status_code == 200
    interactive = wsgi.post(BASE + "/organizations/orgAcme/users/usrAlice/refreshToken", headers=admin)
    assert (interactive.status_code, interactive.json) == (400, {"error": "user is not an API user"})


def test_default_page_is_small_and_offset_limit_page_a_bare_array(wsgi, admin):
    url = BASE + "/organizations/orgAcme/routes?namespaceId=nsProd"
    assert len(wsgi.get(url, headers=admin).json) == 5
    pages = [wsgi.get(f"{url}&offset={o}&limit=5", headers=admin).json for o in (0, 5, 10)]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert wsgi.get(url + "&offset=x", headers=admin).status_code == 400
    assert wsgi.get(BASE + "/organizations/orgAcme/routes", headers=admin).json == {"error": "namespaceId: value is required"}


def test_create_is_201_delete_is_204_and_roles_are_enforced(wsgi, emu, admin):
    body = {"namespaceId": "nsProd", "name": "p", "enforced": False, "ppl": {"allow": {"and": []}},
            "description": "", "explanation": "", "remediation": ""}
    created = wsgi.post(BASE + "/organizations/orgAcme/policies", headers=admin, json=body)
    assert created.status_code == 201 and created.json["routes"] == []
    deleted = wsgi.delete(BASE + f"/organizations/orgAcme/policies/{created.json['id']}", headers=admin)
    assert (deleted.status_code, deleted.data) == (204, b"")
    auditor = bearer(wsgi, emu.auditor_token)
    assert wsgi.get(BASE + "/organizations/orgAcme/policies?namespaceId=nsProd", headers=auditor).status_code == 200
    refused = wsgi.post(BASE + "/organizations/orgAcme/policies", headers=auditor, json=body)
    assert (refused.status_code, refused.json) == (403, {"error": "admin user required"})
    assert wsgi.get(BASE + "/organizations/orgInitech", headers=admin).status_code == 403


def test_relations(wsgi, emu, admin):
    used = wsgi.delete(BASE + "/organizations/orgAcme/policies/polEmployees", headers=admin)
    assert used.status_code == 409
    route = wsgi.get(BASE + "/organizations/orgAcme/routes/routeTeamA", headers=admin).json
    assert route["enforcedPolicyIds"] == ["polMfa"]  # inherited from the parent namespace
    bad = dict(namespaceId="nsProd", name="r", policyIds=["polNope"], to=["http://x"], **{"from": "https://r.example"})
    assert wsgi.post(BASE + "/organizations/orgAcme/routes", headers=admin, json=bad).json == {
        "error": "policyIds: policy 'polNope' not found"}
    assert wsgi.delete(BASE + "/organizations/orgAcme/clusters/clStaging", headers=admin).status_code == 204
    assert "routeStaging" not in emu.routes and "nsStaging" not in emu.namespaces


def test_settings_patch_and_put(wsgi, admin):
    url = BASE + "/organizations/orgAcme/clusters/clProd/settings"
    patched = wsgi.patch(url, headers=admin, json=[{"op": "add", "path": "/jwtClaimsHeaders/x-email", "value": "email"},
                                                   {"op": "replace", "path": "/logLevel", "value": "debug"}])
    assert patched.json["jwtClaimsHeaders"] == {"x-email": "email"} and patched.json["logLevel"] == "debug"
    failed = wsgi.patch(url, headers=admin, json=[{"op": "test", "path": "/logLevel", "value": "info"}])
    assert failed.json == {"error": "invalid JSON patch: operation 0: test failed at /logLevel"}
    assert wsgi.put(url, headers=admin, json={"logLevel": "info"}).json == {"error": "address: value is required"}


def test_json_patch_helper():
    doc = {"a": {"b": [1, 2]}}
    assert apply_json_patch(doc, [{"op": "move", "from": "/a/b", "path": "/c"}]) == {"a": {}, "c": [1, 2]}
    assert apply_json_patch(doc, [{"op": "add", "path": "/a/b/-", "value": 3}]) == {"a": {"b": [1, 2, 3]}}
    with pytest.raises(JsonPatchError):
        apply_json_patch(doc, [{"op": "remove", "path": "/nope"}])


def test_metrics_need_a_time_range(wsgi, admin):
    url = BASE + "/organizations/orgAcme/clusters/clProd/timeSeries/dau"
    assert wsgi.get(url, headers=admin).json == {"error": "startTime: value is required"}
    ok = wsgi.get(url + "?startTime=2026-01-01T00:00:00Z&endTime=2026-01-01T03:00:00Z", headers=admin)
    assert [p["timestamp"] for p in ok.json[0]["points"]] == [
        "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"]


def test_sandbox_profile_values(emu):
    assert emu.profile_options("http://127.0.0.1:1") == {"org": "orgAcme", "cluster": "clProd"}
    assert emu.credentials() == {"refresh_token": emu.admin_token}
    assert emu.profile_url("http://127.0.0.1:1/") == "http://127.0.0.1:1/api/v0"
    assert json.loads(emu.example_values()["_stdin"])[0]["op"] == "add"
