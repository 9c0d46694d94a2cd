"""Token exchange and caching, 401 -> one re-exchange, and offset/limit paging over bare arrays."""

from __future__ import annotations

import json

import pytest
from pomerium_helpers import api_calls, calls

import gwctl.api.pomerium.client as pomerium_api


def test_the_id_token_is_cached_across_invocations(pom):
    assert pom.run("pomerium", "clusters", "list").code == 0
    assert pom.run("pomerium", "namespaces", "list").code == 0
    assert pom.run("pomerium", "users", "me").code == 0
    assert calls(pom.emulator, "POST", "/token") == ["POST /token"]
    headers = {r.headers["Authorization"] for r in pom.emulator.requests if not r.path.endswith("/token")}
    assert len(headers) == 1 and next(iter(headers)).startswith("Bearer eyJ")  # one ID token for all
    exchange = pom.emulator.requests[0]
    assert exchange.json == {"refreshToken": pom.emulator.admin_token}
    assert "Authorization" not in exchange.headers


def test_expires_in_seconds_is_a_string_and_sets_the_cache_expiry(pom, isolated):
    assert pom.run("pomerium", "clusters", "list").code == 0
    cache = json.loads((isolated["tmp"] / "cache" / "tokens.json").read_text())
    [(key, entry)] = cache.items()
    assert key.startswith("sandbox-pomerium:id_token:")
    import time

    assert 3530 < entry["expires_at"] - time.time() <= 3540  # renewed 60 s before the 3600 s expiry
    assert entry["token"] in pom.emulator.id_tokens
    status = pom.run("auth", "status")
    assert f"sandbox-pomerium\tpomerium\t{key.split(':', 1)[1]}\tcached token\ttoken cache\tfresh for 58m59s" in status.out
    assert entry["token"] not in status.all


def test_a_token_near_expiry_is_exchanged_again(pom, isolated):
    assert pom.run("pomerium", "clusters", "list").code == 0
    path = isolated["tmp"] / "cache" / "tokens.json"
    cache = json.loads(path.read_text())
    import time

    [entry] = cache.values()
    entry["expires_at"] = time.time() - 1  # the renewal time (60 s before expiry) has come
    path.write_text(json.dumps(cache))
    assert pom.run("pomerium", "clusters", "list").code == 0
    assert calls(pom.emulator, "POST", "/token") == ["POST /token", "POST /token"]


def test_401_triggers_exactly_one_re_exchange(pom):
    assert pom.run("pomerium", "clusters", "list").code == 0
    pom.emulator.id_tokens.clear()  # the server forgot every ID token (e.g. revoked)
    pom.emulator.clear_log()
    result = pom.run("pomerium", "clusters", "list", "-o", "json")
    assert result.code == 0, result.err
    assert [c["id"] for c in result.json()] == ["clProd", "clStaging"]
    assert calls(pom.emulator) == ["GET /organizations/orgAcme/clusters", "POST /token",
                                   "GET /organizations/orgAcme/clusters"]


def test_a_second_401_is_not_retried_again(pom):
    assert pom.run("pomerium", "namespaces", "list").code == 0  # caches an ID token
    pom.emulator.clear_log()
    pom.emulator.fail_next(2, status=401, path="/api/v0/organizations/orgAcme/clusters")
    result = pom.run("pomerium", "clusters", "list")
    assert result.code == 4
    assert result.err.startswith("error: GET /api/v0/organizations/orgAcme/clusters: 401 Unauthorized")
    assert calls(pom.emulator) == ["GET /organizations/orgAcme/clusters", "POST /token",
                                   "GET /organizations/orgAcme/clusters"]


def test_a_freshly_exchanged_token_that_gets_401_is_not_exchanged_again(pom):
    pom.emulator.fail_next(1, status=401, path="/api/v0/organizations/orgAcme/clusters")
    assert pom.run("pomerium", "clusters", "list").code == 4
    assert calls(pom.emulator) == ["POST /token", "GET /organizations/orgAcme/clusters"]


def test_an_invalid_refresh_token_is_an_auth_error(pom):
    result = pom.run("pomerium", "clusters", "list", env={"GWCTL_POMERIUM_TOKEN": "pzr_not-a-token"})
    assert result.code == 4
    assert result.err == (
        "error: token exchange failed: POST /api/v0/token: 401 Unauthorized: invalid refresh token\n"
        "hint: the API user token is invalid, renewed or deleted: store a current one with "
        "`gwctl auth login -p sandbox-pomerium` or set GWCTL_POMERIUM_TOKEN\n")
    assert "pzr_not-a-token" not in result.all


def test_no_credentials_says_how_to_supply_them(pom, monkeypatch):
    monkeypatch.delenv("GWCTL_POMERIUM_TOKEN")
    result = pom.run("pomerium", "clusters", "list")
    assert result.code == 4
    assert "missing API user token (refresh token)" in result.err and "GWCTL_POMERIUM_TOKEN" in result.err
    assert pom.emulator.requests == []


def test_auth_login_verifies_then_stores_and_auth_token_prints_the_id_token(pom, monkeypatch, keyring_store):
    monkeypatch.delenv("GWCTL_POMERIUM_TOKEN")
    bad = pom.run("auth", "login", "--stdin", stdin="pzr_wrong\n")
    assert bad.code == 4 and keyring_store == {}
    good = pom.run("auth", "login", "--stdin", stdin=pom.emulator.admin_token + "\n")
    assert good.code == 0, good.err
    assert keyring_store[("gwctl", "sandbox-pomerium:refresh_token")] == pom.emulator.admin_token
    assert calls(pom.emulator)[-2:] == ["POST /token", "GET /organizations/orgAcme"]
    token = pom.run("auth", "token")
    assert token.code == 0 and token.out.strip() in pom.emulator.id_tokens


def test_secrets_never_show_in_verbose_logs(pom):
    result = pom.run("pomerium", "clusters", "list", "-vvv")
    assert result.code == 0
    assert pom.emulator.admin_token not in result.err
    for token in pom.emulator.id_tokens:
        assert token not in result.err


# -- paging -------------------------------------------------------------------------------


def _pages(emulator, suffix="/routes"):
    return [(r.query.get("offset"), r.query.get("limit")) for r in emulator.requests if r.path.endswith(suffix)]


def test_paging_follows_offset_and_limit_across_pages(pom, monkeypatch):
    monkeypatch.setattr(pomerium_api, "PAGE_SIZE", 5)
    result = pom.run("pomerium", "routes", "list", "--all", "-o", "json")
    assert result.code == 0
    assert len(result.json()) == 12
    assert len({r["id"] for r in result.json()}) == 12
    assert _pages(pom.emulator) == [("0", "5"), ("5", "5"), ("10", "5")]


def test_limit_fetches_only_the_pages_needed(pom, monkeypatch):
    monkeypatch.setattr(pomerium_api, "PAGE_SIZE", 5)
    result = pom.run("pomerium", "routes", "list", "--limit", "7", "--columns", "id")
    assert result.out.splitlines() == ["ID", "routeGrafana", "routeKibana", "routeJenkins", "routeWiki",
                                       "routeGitlab", "routeVault", "routeArgo"]
    assert _pages(pom.emulator) == [("0", "5"), ("5", "2")]


def test_a_server_that_caps_the_page_size_is_still_paged_through(pom):
    pom.emulator.max_limit = 4  # answers at most 4 whatever limit asks for
    result = pom.run("pomerium", "routes", "list", "--all", "-o", "jsonl")
    assert result.code == 0
    assert len(result.out.splitlines()) == 12
    assert _pages(pom.emulator) == [("0", "100"), ("4", "100"), ("8", "100"), ("12", "100")]


def test_one_extra_request_proves_a_short_first_page_is_the_end(pom):
    result = pom.run("pomerium", "policies", "list", "-o", "json")
    assert [p["id"] for p in result.json()] == ["polEmployees", "polMfa", "polUnused"]
    assert _pages(pom.emulator, "/policies") == [("0", "50"), ("3", "47")]


def test_order_by_and_filter_are_encoded_as_the_generated_client_does(pom):
    flt = '{"items":[{"field":"name","operator":"startsWith","value":"g"}]}'
    result = pom.run("pomerium", "routes", "list", "--order-by", "-name", "--filter", flt, "--columns", "name")
    assert result.out == "NAME\ngrafana\ngitlab\n"
    first = [r for r in pom.emulator.requests if r.path.endswith("/routes")][0]
    assert first.query.get("orderBy") == "-name"
    assert json.loads(first.query.get("filter")) == json.loads(flt)
    assert first.query.get("namespaceId") == "nsProd"


def test_root_namespace_lists_include_descendants(pom, gw):
    url = pom.emulator.profile_url(pom.server.url)
    gw("profile", "add", "nocl", "--product", "pomerium", "--url", url, "--org", "orgAcme")
    result = gw("-p", "nocl", "pomerium", "routes", "list", "--all", "-o", "json")
    assert len(result.json()) == 14
    listed = [r for r in pom.emulator.requests if r.path.endswith("/routes")][0]
    assert (listed.query.get("namespaceId"), listed.query.get("includeDescendants")) == ("orgAcme", "true")


@pytest.mark.parametrize("argv", [
    ["activity-logs", "list", "--entity-type", "route", "--activity-type", "update", "--user", "usrAlice"],
    ["changesets", "list", "--status", "pending"],
    ["service-accounts", "list"],
    ["key-pairs", "list", "--order-by", "name"],
])
def test_every_paged_list_sends_offset_and_limit(pom, argv):
    result = pom.run("pomerium", *argv, "-o", "json")
    assert result.code == 0 and result.json()
    listed = [r for r in pom.emulator.requests if r.method == "GET" and r.path != "/api/v0/organizations/orgAcme/clusters/clProd"]
    assert listed[0].query.get("offset") == "0" and listed[0].query.get("limit") == "50"
    assert api_calls(pom.emulator)


def test_api_paginate_follows_offset_paging(pom):
    pom.emulator.max_limit = 5
    result = pom.run("pomerium", "api", "GET", "/organizations/orgAcme/routes", "-P", "namespaceId=nsProd",
                     "--paginate", "-o", "json")
    assert result.code == 0
    assert len(result.json()) == 12
    assert _pages(pom.emulator) == [("0", "100"), ("5", "100"), ("10", "100")]
    single = pom.run("pomerium", "api", "GET", "/organizations/orgAcme/routes", "-P", "namespaceId=nsProd", "-o", "json")
    assert len(single.json()) == 5  # one raw request: the server's small default page
