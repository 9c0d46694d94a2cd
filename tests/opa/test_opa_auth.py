"""OPA service-token auth end to end: exchange, cache across invocations, refresh, 401, 429, login."""

from __future__ import annotations

import json

import pytest

from gwctl.api.opa.client import parse_error, parse_time, refresh_time

T = "/v1/teams/sandbox"
EXCHANGE = f"{T}/service_token"


def exchanges(opa):
    return opa.emulator.calls("POST", EXCHANGE)


def gateway_gets(opa):
    return opa.emulator.calls("GET", f"{T}/gateways")


def cached(tmp_path) -> dict:
    return json.loads((tmp_path / "cache" / "tokens.json").read_text())


def bearer_entry(tmp_path) -> dict:
    """The profile's one cached bearer (keyed per profile, URL, team and service user key)."""
    (entry,) = [v for k, v in cached(tmp_path).items() if k.startswith("sandbox-opa:bearer:")]
    return entry


def test_exchange_sends_the_key_and_uses_the_bearer(opa):
    result = opa.run("opa", "gateways", "list", "--limit", "1")
    assert result.code == 0, result.err
    (exchange,) = exchanges(opa)
    assert exchange.json == {"key_id": opa.emulator.admin_key_id, "key_secret": opa.emulator.admin_key_secret}
    assert "Authorization" not in exchange.headers
    (bearer,) = opa.emulator.tokens
    assert gateway_gets(opa)[0].headers["Authorization"] == f"Bearer {bearer}"


def test_token_is_cached_across_invocations(opa, tmp_path):
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    assert opa.run("opa", "setup-tokens", "list", "--limit", "1").code == 0
    assert opa.run("opa", "gateways", "get", "Dev Gateway").code == 0
    assert len(exchanges(opa)) == 1
    (bearer, record), = opa.emulator.tokens.items()
    # Cached with its refresh time: 2 minutes before the server's expires_at.
    entry = bearer_entry(tmp_path)
    assert entry == {"token": bearer, "expires_at": pytest.approx(record["expires_at"] - 120, abs=0.5)}


def test_short_lived_tokens_are_still_cached(opa, tmp_path):
    opa.emulator.token_ttl = 60.0
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    assert len(exchanges(opa)) == 1
    (record,) = opa.emulator.tokens.values()
    # refreshed a quarter of the lifetime ahead (15 s), not 2 minutes (which would be every request)
    assert bearer_entry(tmp_path)["expires_at"] == pytest.approx(record["expires_at"] - 15, abs=0.5)


def test_refresh_ahead_of_expiry(opa, client_clock):
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    client_clock.advance(3000)  # 10 minutes left: still reused
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    assert len(exchanges(opa)) == 1
    client_clock.advance(500)  # 100 s left, inside the 2-minute margin: refreshed before use
    (old_token, old), = opa.emulator.tokens.items()
    assert old["expires_at"] > client_clock()  # the server would still have accepted it
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    assert len(exchanges(opa)) == 2
    assert len(gateway_gets(opa)) == 3  # one request per run: nothing was refused and retried
    assert gateway_gets(opa)[2].headers["Authorization"] != f"Bearer {old_token}"


def test_refetch_once_on_401(opa, clock):
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    clock.advance(opa.emulator.token_ttl + 1)  # the server now considers the cached token expired
    result = opa.run("opa", "gateways", "list", "--limit", "1")
    assert (result.code, result.err) == (0, "")
    assert len(exchanges(opa)) == 2
    refused, retried = gateway_gets(opa)[1:]
    assert refused.headers["Authorization"] != retried.headers["Authorization"]


def test_refetch_on_401_for_a_revoked_token(opa):
    assert opa.run("opa", "setup-tokens", "list", "--limit", "1").code == 0
    opa.emulator.expire_tokens()
    assert opa.run("opa", "setup-tokens", "list", "--limit", "1").code == 0
    assert len(exchanges(opa)) == 2


def test_401_after_refetch_is_exit_4(opa, monkeypatch):
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    opa.emulator.expire_tokens()
    monkeypatch.setenv("GWCTL_OPA_KEY_SECRET", "revoked-secret")
    result = opa.run("opa", "gateways", "list", "--limit", "1")
    assert result.code == 4
    assert result.err == (
        f"error: OPA refused the service user key {opa.emulator.admin_key_id} for team 'sandbox' "
        "(wrong key ID or secret, a revoked key, or another team)\n"
        "hint: check GWCTL_OPA_KEY_ID/GWCTL_OPA_KEY_SECRET or run `gwctl auth login -p sandbox-opa`\n"
    )
    assert "revoked-secret" not in result.all


def test_bad_key_is_exit_4_and_only_the_exchange_is_sent(opa, monkeypatch):
    monkeypatch.setenv("GWCTL_OPA_KEY_SECRET", "wrong-secret")
    result = opa.run("opa", "setup-tokens", "create", "-d", "x", "-o", "json")
    assert result.code == 4
    assert [r.path for r in opa.emulator.requests] == [EXCHANGE]
    err = json.loads(result.err.splitlines()[-1])
    assert (err["exit_code"], err["http_status"]) == (4, 401)


def test_missing_credentials_is_exit_4_and_nothing_is_sent(opa, monkeypatch):
    monkeypatch.delenv("GWCTL_OPA_KEY_SECRET")
    result = opa.run("opa", "gateways", "list")
    assert result.code == 4
    assert result.err.startswith("error: no credentials for profile 'sandbox-opa': missing Service user API key secret\n")
    assert "GWCTL_OPA_KEY_SECRET" in result.err
    assert opa.emulator.requests == []


def test_team_mismatch_is_refused(opa):
    opa.emulator.reported_team = "someone-else"
    result = opa.run("opa", "gateways", "list")
    assert result.code == 4
    assert result.err == (
        "error: OPA issued the token for team 'someone-else', but the profile's team is 'sandbox'\n"
        "hint: fix the profile's --team or use that team's service user key\n"
    )
    assert not gateway_gets(opa)


def test_team_name_is_compared_case_insensitively(opa):
    opa.emulator.reported_team = "SandBox"
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0


def test_profile_without_team_is_refused(gw, sandbox):
    box = sandbox("opa")
    result = gw("profile", "add", "noteam", "--product", "opa", "--url", box.server.url)
    assert result.code == 2
    assert result.err == ("error: missing option --team (required for opa profiles)\n"
                          "hint: OPA team name (every path is /v1/teams/TEAM/...).\n")
    assert box.emulator.requests == []


def test_profile_edited_to_lose_its_team_is_exit_2(opa, tmp_path):
    config = tmp_path / "config" / "config.toml"
    config.write_text("\n".join(line for line in config.read_text().splitlines() if not line.startswith("team")) + "\n")
    result = opa.run("opa", "gateways", "list")
    assert result.code == 2
    assert result.err == (
        "error: profile 'sandbox-opa' has no OPA team\n"
        "hint: re-create it with `gwctl profile add sandbox-opa --product opa --url URL --team TEAM`\n"
    )
    assert opa.emulator.requests == []


# -- rate limits -------------------------------------------------------------------------------------------


def test_429_on_a_list_waits_until_retry_at(opa, sleeps):
    opa.emulator.rate_limit_next(2, retry_in=5, method="GET", path=f"{T}/gateways")
    result = opa.run("opa", "gateways", "list", "--all")
    assert (result.code, result.err) == (0, "")
    assert len(result.out.splitlines()) == 6
    assert len(sleeps) == 2 and all(3.5 <= s <= 6 for s in sleeps), sleeps
    assert len(gateway_gets(opa)) == 5  # 2 refused + 3 pages


def test_429_on_create_and_exchange_is_retried(opa, sleeps):
    opa.emulator.rate_limit_next(1, retry_in=3, path=EXCHANGE)
    opa.emulator.rate_limit_next(1, retry_in=9, method="POST", path=f"{T}/gateway_setup_tokens")
    result = opa.run("opa", "setup-tokens", "create", "-d", "throttled", "-o", "json")
    assert result.code == 0, result.err
    assert len(sleeps) == 2 and 1.5 <= sleeps[0] <= 4 and 7.5 <= sleeps[1] <= 10, sleeps
    assert len(opa.emulator.calls("POST", f"{T}/gateway_setup_tokens")) == 2
    assert sum(t["description"] == "throttled" for t in opa.emulator.setup_tokens.values()) == 1


def test_429_that_never_ends_is_exit_7(opa, sleeps):
    opa.emulator.rate_limit_next(10, retry_in=1, method="GET")
    result = opa.run("opa", "gateways", "get", "Dev Gateway")
    assert result.code == 7
    assert result.err.startswith(f"error: GET {T}/gateways: 429 Too Many Requests")
    assert len(sleeps) == 3


# -- auth login / token / logging ------------------------------------------------------------------------------


def test_auth_login_verifies_then_stores_in_the_keyring(opa, monkeypatch, keyring_store):
    key_id, secret = opa.emulator.admin_key_id, opa.emulator.admin_key_secret
    monkeypatch.delenv("GWCTL_OPA_KEY_ID")
    monkeypatch.delenv("GWCTL_OPA_KEY_SECRET")
    result = opa.run("auth", "login", "-p", "sandbox-opa", "--stdin", stdin=f"key_id={key_id}\nkey_secret={secret}\n")
    assert result.code == 0, result.err
    assert result.err == "verified and stored credentials for profile sandbox-opa in keyring service 'gwctl'\n"
    assert keyring_store[("gwctl", "sandbox-opa:key_secret")] == secret
    assert len(exchanges(opa)) == 1
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0  # from the keyring, token cached
    assert len(exchanges(opa)) == 1


def test_auth_login_with_a_bad_key_stores_nothing(opa, keyring_store):
    result = opa.run("auth", "login", "--stdin", stdin=f"key_id={opa.emulator.admin_key_id}\nkey_secret=nope\n")
    assert result.code == 4
    assert keyring_store == {}
    assert "nope" not in result.all


def test_auth_token_prints_the_cached_bearer(opa):
    first = opa.run("auth", "token", "-p", "sandbox-opa")
    second = opa.run("auth", "token", "-p", "sandbox-opa")
    assert first.code == 0 and first.out == second.out
    assert first.out.strip() in opa.emulator.tokens
    assert len(exchanges(opa)) == 1


def test_verbose_logs_never_show_secrets(opa):
    result = opa.run("opa", "setup-tokens", "list", "-vvv")
    assert result.code == 0
    assert "> POST http://" in result.err and "< 200 OK" in result.err
    (bearer,) = opa.emulator.tokens
    secrets = [opa.emulator.admin_key_secret, bearer, *(t["token"] for t in opa.emulator.setup_tokens.values())]
    for secret in secrets:
        assert secret not in result.all


def test_raw_api_paginates_with_link_headers(opa):
    result = opa.run("opa", "api", "GET", f"{T}/gateways", "--paginate", "-o", "json")
    assert result.code == 0, result.err
    assert len(result.json()) == 5 and len(gateway_gets(opa)) == 3


# -- the client's parsers -----------------------------------------------------------------------------------------


def test_parse_time_handles_both_precisions():
    assert parse_time("2023-08-25T00:00:00Z") == 1692921600.0
    assert parse_time("2023-08-25T12:00:00.000000Z") == 1692964800.0
    assert parse_time("2023-08-25T12:00:00.5+02:00") == 1692957600.5
    assert parse_time("garbage") is None and parse_time(None) is None


@pytest.mark.parametrize("body, message", [
    ({"code": 400, "message": "bad thing", "nottype": "bad_request"}, "bad thing"),
    ({"message": "invalid", "errors": [{"path": "name", "message": "too long"}]}, "invalid; name: too long"),
    ({"code": 403, "error": "nope", "error_cause": []}, "nope"),
    ({"other": 1}, None),
])
def test_parse_error_shapes(body, message):
    import httpx

    assert parse_error(httpx.Response(400, json=body)) == message


def test_refresh_time():
    assert refresh_time(1000 + 3600, 1000) == 1000 + 3480  # 2 minutes ahead
    assert refresh_time(1060, 1000) == 1045  # a quarter of a short lifetime ahead
    assert refresh_time(None, 1000) == 1000 + 225  # no expires_at: trust it 5 minutes, minus a quarter
    assert refresh_time(900, 1000) == 1000 + 225  # already past by our clock: skew, same
