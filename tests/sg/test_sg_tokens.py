"""The two-token flow: IAM token from the API key, and each gateway's own security token."""

from __future__ import annotations

import os

from sg_helpers import ORDERS, PROD, STAGING

from gwctl.sandbox.sg import API_KEY, IAM_TTL, OTHER_API_KEY


def _paths(emulator):
    return [(r.method, r.path) for r in emulator.requests]


def test_iam_token_is_cached_across_invocations(sg):
    for _ in range(3):
        assert sg.run("sg", "gateways", "list").code == 0
    assert _paths(sg.emulator).count(("POST", "/identity/token")) == 1
    exchange = sg.emulator.calls("POST", "/identity/token")[0]
    assert exchange.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert exchange.body.decode() == f"grant_type=urn%3Aibm%3Aparams%3Aoauth%3Agrant-type%3Aapikey&apikey={API_KEY}"
    bearers = {r.headers["Authorization"] for r in sg.emulator.calls("GET", "/v1/sgconfig")}
    assert len(bearers) == 1


def test_iam_token_expired_at_the_server_is_exchanged_again_once(sg, clock):
    assert sg.run("sg", "gateways", "list").code == 0
    clock.advance(IAM_TTL + 1)  # the server now refuses it; gwctl's cache does not know yet
    result = sg.run("sg", "gateways", "list")
    assert result.code == 0, result.err
    assert _paths(sg.emulator) == [("POST", "/identity/token"), ("GET", "/v1/sgconfig"), ("GET", "/v1/sgconfig"),
                                   ("POST", "/identity/token"), ("GET", "/v1/sgconfig")]


def test_iam_token_is_refreshed_shortly_before_expiration(sg):
    import time

    from gwctl.config.credentials import TokenCache

    assert sg.run("sg", "gateways", "list").code == 0
    cache = TokenCache()
    token, refresh_at = cache.get("sandbox-sg:iam")
    # The cache holds when to refresh: 300 s before the server's `expiration`.
    assert abs(refresh_at - (time.time() + IAM_TTL - 300)) < 60
    cache.set("sandbox-sg:iam", token, time.time() - 1)  # that moment has come
    assert sg.run("sg", "gateways", "list").code == 0
    assert _paths(sg.emulator).count(("POST", "/identity/token")) == 2
    assert cache.get("sandbox-sg:iam")[0] != token


def test_gateway_token_is_fetched_once_and_reused(sg):
    for argv in (["destinations", "list", "-g", PROD], ["clients", "list", "-g", PROD], ["destinations", "get", "-g", PROD, ORDERS]):
        assert sg.run("sg", *argv).code == 0
    assert _paths(sg.emulator)[:3] == [("POST", "/identity/token"), ("GET", "/v1/sgconfig"),
                                       ("GET", f"/v1/sgconfig/{PROD}/destinations")]
    assert _paths(sg.emulator).count(("GET", "/v1/sgconfig")) == 1
    jwt = sg.emulator.gateways[PROD]["jwt"]
    gateway_calls = [r for r in sg.emulator.requests if r.path.startswith(f"/v1/sgconfig/{PROD}")]
    assert {r.headers["Authorization"] for r in gateway_calls} == {f"Bearer {jwt}"}
    assert "resource_group" not in gateway_calls[0].query


def test_rotate_token_old_one_refused_new_one_used(sg, tmp_path):
    assert sg.run("sg", "destinations", "list", "-g", PROD).code == 0
    old = sg.emulator.gateways[PROD]["jwt"]
    out = tmp_path / "gw.token"
    result = sg.run("sg", "gateways", "rotate-token", PROD, "--out", str(out), "--yes", "-o", "json")
    assert result.code == 0, result.err
    new = sg.emulator.gateways[PROD]["jwt"]
    assert new != old
    assert out.read_text() == new + "\n"
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert new not in result.all and old not in result.all
    assert result.json()["written_to"] == str(out) and "jwt" not in result.json()
    assert result.err == (f"stored the new security token of gateway {PROD} in the token cache\n"
                          f"wrote the security token to {out} (mode 0600)\n")
    assert sg.emulator.calls("PUT")[0].json == {"regen_token": True}
    # the old token is refused by the server ...
    import httpx

    refused = httpx.get(f"{sg.server.url}/v1/sgconfig/{PROD}", headers={"Authorization": f"Bearer {old}"})
    assert refused.status_code == 401
    # ... and gwctl goes on with the new one, without another listing
    sg.emulator.clear_log()
    assert sg.run("sg", "destinations", "list", "-g", PROD).code == 0
    assert _paths(sg.emulator) == [("GET", f"/v1/sgconfig/{PROD}/destinations")]
    assert sg.emulator.requests[0].headers["Authorization"] == f"Bearer {new}"


def test_token_rotated_elsewhere_is_fetched_again_without_operator_action(sg):
    assert sg.run("sg", "clients", "list", "-g", PROD).code == 0
    # another operator (or the console) regenerates the token: gwctl's cached one is now refused
    gateway = sg.emulator.gateways[PROD]
    gateway["jwt"], gateway["expiry"] = sg.emulator.security_token(PROD, 90)
    sg.emulator.clear_log()
    result = sg.run("sg", "clients", "list", "-g", PROD)
    assert result.code == 0, result.err
    assert _paths(sg.emulator) == [("GET", f"/v1/sgconfig/{PROD}/clients"), ("GET", "/v1/sgconfig"),
                                   ("GET", f"/v1/sgconfig/{PROD}/clients")]
    assert sg.emulator.requests[-1].headers["Authorization"] == f"Bearer {gateway['jwt']}"
    sg.emulator.clear_log()
    assert sg.run("sg", "clients", "list", "-g", PROD).code == 0
    assert _paths(sg.emulator) == [("GET", f"/v1/sgconfig/{PROD}/clients")]


def test_rotate_token_prints_the_new_token_once(sg):
    result = sg.run("sg", "gateways", "rotate-token", PROD, "--token-expiration", "0", "--no-store", "--yes",
                    "-o", "json")
    assert result.code == 0, result.err
    body = result.json()
    assert body["jwt"] == sg.emulator.gateways[PROD]["jwt"] and body["expiry"] == 0
    assert sg.emulator.calls("PUT")[0].json == {"regen_token": True, "token_exp": 0}
    assert "stored" not in result.err


def test_rotate_token_needs_yes_without_a_terminal(sg):
    result = sg.run("sg", "gateways", "rotate-token", PROD)
    assert result.code == 2 and "confirmation required" in result.err
    assert sg.emulator.requests == []


def test_gateway_token_from_stdin(sg):
    jwt = sg.emulator.gateways[PROD]["jwt"]
    result = sg.run("sg", "destinations", "list", "-g", PROD, "--gateway-token-stdin", stdin=jwt + "\n")
    assert result.code == 0, result.err
    assert _paths(sg.emulator) == [("GET", f"/v1/sgconfig/{PROD}/destinations")]  # no IAM, no listing


def test_wrong_gateway_token_from_stdin_is_not_replaced(sg):
    result = sg.run("sg", "destinations", "list", "-g", PROD, "--gateway-token-stdin", stdin="eyJ.wrong.token\n")
    assert result.code == 4
    assert "401" in result.err and "invalid security token" in result.err
    assert _paths(sg.emulator) == [("GET", f"/v1/sgconfig/{PROD}/destinations")]


def test_unenforced_gateway_accepts_the_iam_token(sg):
    import httpx

    assert sg.run("sg", "gateways", "list").code == 0
    iam = next(iter(sg.emulator.iam_tokens))
    headers = {"Authorization": f"Bearer {iam}"}
    assert httpx.get(f"{sg.server.url}/v1/sgconfig/{STAGING}", headers=headers).status_code == 200
    assert httpx.get(f"{sg.server.url}/v1/sgconfig/{PROD}", headers=headers).status_code == 401


def test_expired_gateway_token_tells_how_to_fix(sg, clock):
    clock.advance(91 * 86400)
    result = sg.run("sg", "clients", "list", "-g", PROD)
    assert result.code == 4
    assert "the security token has expired; regenerate it" in result.err


def test_bad_api_key_is_an_auth_error(sg):
    result = sg.run("sg", "gateways", "list", env={"GWCTL_IBM_API_KEY": "not-a-key-0000"})
    assert result.code == 4
    assert result.err.startswith("error: IBM Cloud IAM refused the API key: BXNIM0415E: Provided API key could not be found.")
    assert "not-a-key-0000" not in result.err


def test_missing_api_key_says_how_to_supply_it(sg, monkeypatch):
    monkeypatch.delenv("GWCTL_IBM_API_KEY")
    result = sg.run("sg", "gateways", "list")
    assert result.code == 4
    assert "GWCTL_IBM_API_KEY" in result.err
    assert sg.emulator.requests == []


def test_api_key_without_access_to_the_resource_group_is_denied(sg):
    result = sg.run("sg", "gateways", "list", env={"GWCTL_IBM_API_KEY": OTHER_API_KEY})
    assert result.code == 5
    assert "not authorized for resource group 19087c5c5aea4f1f95dabaf54b1dff68" in result.err


def test_auth_token_prints_the_iam_token(sg):
    result = sg.run("auth", "token")
    assert result.code == 0, result.err
    assert result.out.strip() in sg.emulator.iam_tokens


def test_auth_login_verifies_then_stores(sg, keyring_store, monkeypatch):
    monkeypatch.delenv("GWCTL_IBM_API_KEY")
    result = sg.run("auth", "login", "--stdin", stdin=f"{API_KEY}\n")
    assert result.code == 0, result.err
    assert ("POST", "/identity/token") in _paths(sg.emulator) and ("GET", "/v1/sgconfig") in _paths(sg.emulator)
    assert API_KEY in keyring_store.values()
    bad = sg.run("auth", "login", "--stdin", stdin="wrong-key-1234\n")
    assert bad.code == 4
    assert "wrong-key-1234" not in keyring_store.values()


def test_api_command_picks_the_token_by_path(sg):
    assert sg.run("sg", "api", "GET", "/v1/sgconfig").code == 0
    assert sg.run("sg", "api", "GET", f"/v1/sgconfig/{PROD}/destinations").code == 0
    listing, dests = sg.emulator.calls("GET", "/v1/sgconfig")[0], sg.emulator.calls("GET", "*/destinations")[0]
    assert listing.query["resource_group"] == "19087c5c5aea4f1f95dabaf54b1dff68"
    assert listing.headers["Authorization"].startswith("Bearer eyJraWQi")  # the IAM token
    assert dests.headers["Authorization"] == f"Bearer {sg.emulator.gateways[PROD]['jwt']}"


def test_tokens_never_reach_the_output(sg):
    result = sg.run("sg", "gateways", "list", "-o", "json", "-vvv")
    assert result.code == 0
    for secret in [API_KEY, *sg.emulator.iam_tokens, *(g["jwt"] for g in sg.emulator.gateways.values())]:
        assert secret not in result.all


def test_separate_iam_server(gw, serve, monkeypatch):
    """As an operator's profile: --url the SG API, --iam-url another host that only issues tokens."""
    from gwctl.sandbox.sg import RESOURCE_GROUP, SecureGatewayEmulator

    api, iam = SecureGatewayEmulator(), SecureGatewayEmulator(seed=False)
    iam.iam_tokens = api.iam_tokens  # the two servers trust the same IAM
    api_server, iam_server = serve(api), serve(iam)
    added = gw("profile", "add", "ibm", "--product", "sg", "--url", api_server.url, "--iam-url", iam_server.url,
               "--resource-group", RESOURCE_GROUP, "--region", "us-south")
    assert added.code == 0, added.err
    monkeypatch.setenv("GWCTL_IBM_API_KEY", API_KEY)
    result = gw("-p", "ibm", "sg", "destinations", "list", "-g", PROD, "-o", "json")
    assert result.code == 0, result.err
    assert [(r.method, r.path) for r in iam.requests] == [("POST", "/identity/token")]
    assert [(r.method, r.path) for r in api.requests] == [("GET", "/v1/sgconfig"), ("GET", f"/v1/sgconfig/{PROD}/destinations")]
