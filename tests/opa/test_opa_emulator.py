"""The OPA emulator on its own (in-process WSGI): auth, roles, paging, errors, 204s, 429s."""

from __future__ import annotations

import httpx
import pytest

from gwctl.sandbox.opa import DELEGATED_RESOURCE_ADMIN, OpaEmulator

T = "/v1/teams/sandbox"


@pytest.fixture
def emu(clock) -> OpaEmulator:
    return OpaEmulator(clock=clock)


@pytest.fixture
def http(emu):
    with httpx.Client(transport=httpx.WSGITransport(app=emu), base_url="http://opa.test") as client:
        yield client


def login(http, emu, key_id=None, secret=None, team="sandbox") -> str:
    response = http.post(f"/v1/teams/{team}/service_token",
                         json={"key_id": key_id or emu.admin_key_id, "key_secret": secret or emu.admin_key_secret})
    assert response.status_code == 200, response.text
    return response.json()["bearer_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_service_token_exchange(http, emu, clock):
    response = http.post(f"{T}/service_token", json={"key_id": emu.admin_key_id, "key_secret": emu.admin_key_secret})
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"bearer_token", "expires_at", "team_name"}
    assert body["team_name"] == "sandbox"
    from gwctl.api.opa.client import parse_time

    assert parse_time(body["expires_at"]) == pytest.approx(clock() + emu.token_ttl, abs=1e-3)
    assert emu.exchanges == 1


def test_team_is_case_insensitive(http, emu):
    token = login(http, emu, team="SandBox")
    assert http.get("/v1/teams/SANDBOX/gateways", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("body", [
    {"key_id": OpaEmulator.admin_key_id, "key_secret": "wrong"},
    {"key_id": "unknown", "key_secret": OpaEmulator.admin_key_secret},
])
def test_bad_key_is_401_in_the_error_shape(http, body):
    response = http.post(f"{T}/service_token", json=body)
    assert response.status_code == 401
    assert response.json() == {"code": 401, "message": "Unauthorized", "nottype": "unauthorized_access"}


def test_exchange_for_another_team_is_401(http, emu):
    response = http.post("/v1/teams/other/service_token",
                         json={"key_id": emu.admin_key_id, "key_secret": emu.admin_key_secret})
    assert response.status_code == 401


def test_exchange_needs_both_fields(http):
    response = http.post(f"{T}/service_token", json={"key_id": "x"})
    assert (response.status_code, response.json()["nottype"]) == (400, "bad_request")


def test_missing_or_expired_bearer_is_401(http, emu, clock):
    assert http.get(f"{T}/gateways").status_code == 401
    assert http.get(f"{T}/gateways", headers=bearer("nonsense")).status_code == 401
    token = login(http, emu)
    assert http.get(f"{T}/gateways", headers=bearer(token)).status_code == 200
    clock.advance(emu.token_ttl)
    assert http.get(f"{T}/gateways", headers=bearer(token)).status_code == 401


def test_roles(http, emu):
    reader = login(http, emu, emu.reader_key_id, emu.reader_key_secret)
    assert http.get(f"{T}/gateways", headers=bearer(reader)).status_code == 200
    assert http.get(f"{T}/gateways/7cdac13d-a3fe-43e8-9a41-13b15df97fc7/status", headers=bearer(reader)).status_code == 200
    response = http.get(f"{T}/gateway_setup_tokens", headers=bearer(reader))
    assert response.status_code == 403
    assert response.json() == {
        "code": 403,
        "message": "User gwctl-reader lacks the required role: this endpoint requires resource_admin",
        "nottype": "forbidden",
    }
    assert http.put(f"{T}/gateways/7cdac13d-a3fe-43e8-9a41-13b15df97fc7", json={},
                    headers=bearer(reader)).status_code == 403
    emu.set_roles([])
    admin = login(http, emu)
    response = http.get(f"{T}/gateways", headers=bearer(admin))
    assert response.status_code == 403
    assert "resource_admin or delegated_resource_admin" in response.json()["message"]
    emu.set_roles([DELEGATED_RESOURCE_ADMIN])
    assert http.get(f"{T}/gateways", headers=bearer(admin)).status_code == 200


def test_link_paging_forward_backward_descending(http, emu):
    h = bearer(login(http, emu))
    first = http.get(f"{T}/gateways", headers=h)
    assert [g["name"] for g in first.json()["list"]] == ["Production gateway", "Dev Gateway"]
    assert first.links["next"]["url"] == (
        f"http://opa.test{T}/gateways?count=2&offset=7cdac13d-a3fe-43e8-9a41-13b15df97fc7"
    )
    assert "prev" not in first.links
    second = http.get(first.links["next"]["url"], headers=h)
    assert [g["name"] for g in second.json()["list"]] == ["ProductionGateway", "Staging Gateway"]
    back = http.get(second.links["prev"]["url"], headers=h)
    assert back.json() == first.json()
    last = http.get(second.links["next"]["url"], headers=h)
    assert [g["name"] for g in last.json()["list"]] == ["EU Gateway"]
    assert "next" not in last.links
    big = http.get(f"{T}/gateways", params={"count": 10, "descending": "true"}, headers=h)
    assert [g["name"] for g in big.json()["list"]][:2] == ["EU Gateway", "Staging Gateway"]
    assert "Link" not in big.headers
    contains = http.get(f"{T}/gateways", params={"contains": "production"}, headers=h)
    assert [g["name"] for g in contains.json()["list"]] == ["Production gateway", "ProductionGateway"]


@pytest.mark.parametrize("params", [{"count": "x"}, {"count": "0"}, {"offset": "not-an-id"}])
def test_bad_paging_parameters_are_400(http, emu, params):
    response = http.get(f"{T}/gateways", params=params, headers=bearer(login(http, emu)))
    assert response.status_code == 400


def test_setup_token_lifecycle(http, emu):
    h = bearer(login(http, emu))
    created = http.post(f"{T}/gateway_setup_tokens", headers=h, json={
        "registration_type": "gateway-agent", "description": "new", "details": {"labels": {"env": "dev"}}})
    assert created.status_code == 201
    token = created.json()
    assert token["token"].startswith("sft-gw.") and token["details"] == {"labels": {"env": "dev"}}
    assert http.get(f"{T}/gateway_setup_tokens/{token['id']}/token", headers=h).json()["token"] == token["token"]
    deleted = http.delete(f"{T}/gateway_setup_tokens/{token['id']}", headers=h)
    assert (deleted.status_code, deleted.content) == (204, b"")
    missing = http.get(f"{T}/gateway_setup_tokens/{token['id']}", headers=h)
    assert missing.status_code == 404 and missing.json()["nottype"] == "not_found"


@pytest.mark.parametrize("body, message", [
    ({"description": "x", "details": {}}, "registration_type is required and must be gateway-agent"),
    ({"registration_type": "gateway-agent", "description": "x"}, "details is required and must be an object"),
    ({"registration_type": "gateway-agent", "details": {"labels": {"a": 1}}}, "details.labels must be a map of strings"),
    ({"registration_type": "gateway-agent", "details": {}, "name": "has space"},
     "name must be 1 to 255 characters of letters, digits, '-', '_' or '.'"),
])
def test_create_setup_token_validation(http, emu, body, message):
    response = http.post(f"{T}/gateway_setup_tokens", json=body, headers=bearer(login(http, emu)))
    assert (response.status_code, response.json()["message"]) == (400, message)


def test_gateway_update_and_delete(http, emu):
    h = bearer(login(http, emu))
    gw = "7cdac13d-a3fe-43e8-9a41-13b15df97fc7"
    response = http.put(f"{T}/gateways/{gw}", json={"name": "dev-2", "labels": {"env": "dev"}}, headers=h)
    assert (response.status_code, response.content) == (204, b"")
    assert emu.gateways[gw]["name"] == "dev-2" and emu.gateways[gw]["labels"] == {"env": "dev"}
    assert http.put(f"{T}/gateways/{gw}", json={"bogus": 1}, headers=h).status_code == 400
    assert http.put(f"{T}/gateways/{gw}", json={"labels": ["x"]}, headers=h).status_code == 400
    assert http.delete(f"{T}/gateways/{gw}", headers=h).status_code == 204
    assert http.get(f"{T}/gateways/{gw}/status", headers=h).status_code == 404


def test_seeded_status_report_matches_the_seed(http, emu):
    h = bearer(login(http, emu))
    report = http.get(f"{T}/gateways/3b0fdbdd-1282-440d-a973-ddc409d6d743/status", headers=h).json()
    assert report == {"active_connections": 2, "gateway_id": "3b0fdbdd-1282-440d-a973-ddc409d6d743",
                      "status": "ONLINE", "total_storage_bytes": 4096, "updated_at": "0001-01-01T00:00:00Z",
                      "used_storage_bytes": 2048}


def test_rate_limit_next(http, emu, clock):
    h = bearer(login(http, emu))
    emu.rate_limit_next(retry_in=7)
    response = http.get(f"{T}/gateways", headers=h)
    assert response.status_code == 429
    assert int(response.headers["X-RateLimit-Retry-At"]) - clock() == pytest.approx(7, abs=1)
    assert response.json()["code"] == 429
    assert http.get(f"{T}/gateways", headers=h).status_code == 200


def test_unknown_path_is_404_in_the_error_shape(http):
    response = http.get("/v1/teams/sandbox/nothing")
    assert response.status_code == 404 and set(response.json()) == {"code", "message", "nottype"}


def test_sandbox_profile_needs(emu):
    assert emu.profile_options("http://127.0.0.1:1") == {"team": "sandbox"}
    assert emu.profile_url("http://127.0.0.1:1/") == "http://127.0.0.1:1"
    assert set(emu.credentials()) == {"key_id", "key_secret"}
    values = emu.example_values()
    assert values["gateway_id"] in emu.gateways and values["setup_token_id"] in emu.setup_tokens
