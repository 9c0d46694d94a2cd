"""The Secure Gateway emulator's vendor behaviour, called directly (no gwctl)."""

from __future__ import annotations

import httpx
import pytest
from sg_helpers import ORDERS, PROD, STAGING, Clock

from gwctl.sandbox.sg import API_KEY, APIKEY_GRANT, RESOURCE_GROUP, SecureGatewayEmulator


@pytest.fixture
def emu():
    return SecureGatewayEmulator(clock=Clock())


@pytest.fixture
def http(emu):
    with httpx.Client(transport=httpx.WSGITransport(app=emu), base_url="http://sg.test") as client:
        yield client


def iam(http, apikey=API_KEY, grant=APIKEY_GRANT):
    return http.post("/identity/token", data={"grant_type": grant, "apikey": apikey})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_iam_exchange_answers_like_iam(http, emu):
    response = iam(http)
    assert response.status_code == 200
    body = response.json()
    assert body.keys() == {"access_token", "refresh_token", "ims_user_id", "token_type", "expires_in", "expiration", "scope"}
    assert (body["token_type"], body["expires_in"], body["refresh_token"]) == ("Bearer", 3600, "not_supported")
    assert abs(body["expiration"] - emu.clock() - 3600) < 2


@pytest.mark.parametrize(("data", "code"), [
    ({"grant_type": APIKEY_GRANT, "apikey": "nope"}, "BXNIM0415E"),
    ({"grant_type": "password", "apikey": API_KEY}, "BXNIM0103E"),
    ({"grant_type": APIKEY_GRANT}, "BXNIM0109E"),
])
def test_iam_errors(http, data, code):
    response = http.post("/identity/token", data=data)
    assert response.status_code == 400
    assert response.json()["errorCode"] == code and "context" in response.json()


def test_account_calls_need_iam_token_and_resource_group(http, emu):
    token = iam(http).json()["access_token"]
    assert http.get("/v1/sgconfig", params={"resource_group": RESOURCE_GROUP}).status_code == 401
    missing = http.get("/v1/sgconfig", headers=bearer(token))
    assert (missing.status_code, missing.json()) == (400, {"message": "Missing required query parameter: resource_group",
                                                          "status": 400})
    ok = http.get("/v1/sgconfig", params={"resource_group": RESOURCE_GROUP}, headers=bearer(token))
    assert [g["_id"] for g in ok.json()] == [PROD, STAGING]
    emu.clock.advance(3601)
    assert http.get("/v1/sgconfig", params={"resource_group": RESOURCE_GROUP}, headers=bearer(token)).status_code == 401


def test_security_token_is_enforced_and_rotation_invalidates_it(http, emu):
    old = emu.gateways[PROD]["jwt"]
    assert http.get(f"/v1/sgconfig/{PROD}", headers=bearer(old)).status_code == 200
    assert http.get(f"/v1/sgconfig/{PROD}", headers=bearer("eyJ.x.y")).status_code == 401
    assert http.get(f"/v1/sgconfig/{PROD}").status_code == 401
    rotated = http.put(f"/v1/sgconfig/{PROD}", headers=bearer(old), json={"regen_token": True, "token_exp": 5})
    new = rotated.json()["jwt"]
    assert new != old
    assert http.get(f"/v1/sgconfig/{PROD}", headers=bearer(old)).status_code == 401
    assert http.get(f"/v1/sgconfig/{PROD}", headers=bearer(new)).status_code == 200
    emu.clock.advance(5 * 86400 + 1)
    assert http.get(f"/v1/sgconfig/{PROD}", headers=bearer(new)).status_code == 401


def test_create_gateway_validation(http):
    token = iam(http).json()["access_token"]
    params = {"resource_group": RESOURCE_GROUP}
    assert http.post("/v1/sgconfig", params=params, headers=bearer(token), json={}).status_code == 400
    assert http.post("/v1/sgconfig", params=params, headers=bearer(token), json={"desc": "x", "token_exp": 91}).status_code == 400
    created = http.post("/v1/sgconfig", params=params, headers=bearer(token), json={"desc": "x", "token_exp": 0})
    assert created.status_code == 200 and created.json()["expiry"] == 0 and created.json()["enf_tok_sec"] is True


def test_destination_rules(http, emu):
    jwt = emu.gateways[PROD]["jwt"]
    base = f"/v1/sgconfig/{PROD}/destinations"
    bad = http.post(base, headers=bearer(jwt), json={"desc": "x", "ip": "h", "port": 70000})
    assert bad.status_code == 400
    seed_curl = http.post(base, headers=bearer(jwt), json={"desc": "My Destination", "ip": "example.com", "port": "443",
                                                           "protocol": "HTTPS", "enable_client_tls": True,
                                                           "client_tls": "mutualauth", "tls": "mutualauth"})
    assert seed_curl.status_code == 200
    dest = seed_curl.json()
    assert (dest["TLS"], dest["connection_info"]["OnPremPort"]) == ("mutualauth", 443)
    assert {"server_dest_cert", "dest_cert"} <= dest["cert"].keys()
    both = http.put(f"{base}/{ORDERS}/ipTableRule", headers=bearer(jwt), json={"src": "1.1.1.1", "src_range": "1.1.1.1-1.1.1.2"})
    assert both.status_code == 400
    replace = http.put(f"{base}/{ORDERS}/ipTableRule", headers=bearer(jwt), json={"src": "2.2.2.2", "app": "web01"})
    assert replace.json()["ip_table_rules"] == [{"src": "2.2.2.2", "app": "web01"}]


def test_disconnected_clients_are_remembered(http, emu):
    jwt = emu.gateways[PROD]["jwt"]
    response = http.request("DELETE", f"/v1/sgconfig/{PROD}/clients", headers=bearer(jwt),
                            content=b'{ "deleteList": [ "qCTv6Onseiy_5pa" ] }')  # no Content-Type, as the seed's curl
    assert response.status_code == 200
    assert http.get(f"/v1/sgconfig/{PROD}/clients/qCTv6Onseiy_5pa", headers=bearer(jwt)).text == "Disconnected"
    assert http.get(f"/v1/sgconfig/{PROD}/disconnectedClients", headers=bearer(jwt)).json()[0]["id"] == "qCTv6Onseiy_5pa"
    assert emu.gateways[PROD]["connectedClientsArr"] == ["qCTv6Onseiy_9Kd"]


def test_installers_need_no_auth_and_unknown_paths_404(http):
    assert http.get("/v1/getClientList").status_code == 200
    assert http.get("/v1/nope").json() == {"message": "Not Found", "status": 404}


def test_profile_options_point_iam_at_the_emulator():
    emu = SecureGatewayEmulator()
    assert emu.profile_options("http://127.0.0.1:9999/") == {
        "region": "us-south", "resource_group": RESOURCE_GROUP, "iam_url": "http://127.0.0.1:9999"}
    assert emu.credentials() == {"api_key": API_KEY}
