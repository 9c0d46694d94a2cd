"""The token cache follows the profile and key, Link paging stays on the server, --out failures, strict bodies."""

from __future__ import annotations

import os

from gwctl.sandbox.opa import OpaEmulator

T = "/v1/teams/sandbox"
TOK1 = "b09ba4db-d5b4-4ec5-90da-188e1d13d467"
EXCHANGE = f"{T}/service_token"


def bearers(emulator) -> list[str]:
    return [r.headers.get("Authorization", "") for r in emulator.requests if not r.path.endswith("service_token")]


def test_cached_bearer_is_not_sent_to_a_re_pointed_profile(opa, serve):
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    (old_bearer,) = opa.emulator.tokens
    other = OpaEmulator()
    server = serve(other)
    result = opa.run("profile", "add", "sandbox-opa", "--product", "opa", "--url", server.url, "--team", "sandbox",
                     "--force")
    assert result.code == 0, result.err
    result = opa.run("opa", "gateways", "list", "--limit", "1")
    assert result.code == 0, result.err
    # The new server gets an exchange first, never the token the old server issued.
    assert other.requests[0].path == EXCHANGE
    assert all(old_bearer not in header for header in bearers(other))
    assert len(other.calls("POST", EXCHANGE)) == 1


def test_another_key_in_the_environment_is_not_served_from_the_cache(opa, monkeypatch, tmp_path):
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    monkeypatch.setenv("GWCTL_OPA_KEY_SECRET", "not-the-secret")
    result = opa.run("opa", "gateways", "list", "--limit", "1")
    assert result.code == 4, result.err
    assert "refused the service user key" in result.err
    monkeypatch.setenv("GWCTL_OPA_KEY_SECRET", opa.emulator.admin_key_secret)
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    # first, then the wrong key; back on the right key its still valid cached token is reused
    assert len(opa.emulator.calls("POST", EXCHANGE)) == 2
    import json

    cache = json.loads((tmp_path / "cache" / "tokens.json").read_text())
    assert len([k for k in cache if k.startswith("sandbox-opa:bearer")]) == 1  # stale entries pruned


def test_next_link_to_another_origin_stays_on_the_profile_server(opa):
    emulator = opa.emulator
    original = emulator._page

    def page(request, items, extra=None):
        response = original(request, items, extra)
        if "Link" in response.headers:
            response.headers["Link"] = response.headers["Link"].replace(request.host_url.rstrip("/"),
                                                                        "http://elsewhere.invalid:8443")
        return response

    emulator._page = page
    result = opa.run("opa", "setup-tokens", "list", "--all", "-o", "json")
    assert result.code == 0, result.err
    assert len(result.json()) == 3
    assert len(emulator.calls("GET", f"{T}/gateway_setup_tokens")) == 2


def test_next_link_pointing_back_is_an_error_not_a_loop(opa):
    emulator = opa.emulator

    def page(request, items, extra=None):
        return emulator.json({"list": items[:1]}, 200, {"Link": f'<{request.full_path}>; rel="next"'})

    emulator._page = page
    result = opa.run("opa", "gateways", "list", "--all")
    assert result.code == 8
    assert "points back at a page already fetched" in result.err
    assert len(emulator.calls("GET", f"{T}/gateways")) == 1


def test_reveal_when_the_token_endpoint_answers_only_the_token(opa, tmp_path):
    # Okta's own client decodes only {"token": ...} from GET .../{id}/token.
    emulator = opa.emulator
    emulator.setup_token_value = lambda request, team, token_id: {"token": emulator.setup_tokens[token_id]["token"]}
    out = tmp_path / "setup.token"
    result = opa.run("opa", "setup-tokens", "reveal", TOK1, "--out", str(out), "-o", "json")
    assert result.code == 0, result.err
    assert result.json() == {"id": TOK1, "written_to": str(out)}
    assert out.read_text() == emulator.setup_tokens[TOK1]["token"] + "\n"
    result = opa.run("opa", "setup-tokens", "reveal", TOK1, "-o", "json")
    assert result.json() == {"id": TOK1, "token": emulator.setup_tokens[TOK1]["token"]}


def test_create_out_under_a_file_is_refused_before_anything_is_sent(opa, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = opa.run("opa", "setup-tokens", "create", "-d", "x", "--out", str(blocker / "sub" / "setup.token"))
    assert result.code == 2
    assert result.err.startswith(f"error: --out {blocker / 'sub' / 'setup.token'}: {blocker} is not a directory")
    assert opa.emulator.requests == []


def test_create_out_that_fails_after_the_create_names_the_new_token(opa, tmp_path, monkeypatch):
    from gwctl.cli import secret_output as util
    from gwctl.errors import UsageError

    def fail(path, secret):  # what write_secret_file raises when the disk is full
        raise UsageError(f"cannot write --out {path}: No space left on device")

    monkeypatch.setattr(util, "write_secret_file", fail)
    before = set(opa.emulator.setup_tokens)
    result = opa.run("opa", "setup-tokens", "create", "-d", "disk full", "--out", str(tmp_path / "t"))
    (new_id,) = set(opa.emulator.setup_tokens) - before
    assert result.code == 2
    assert f"setup token {new_id} was created" in result.err
    assert f"gwctl -p sandbox-opa opa setup-tokens reveal {new_id} --out FILE" in result.err
    assert opa.emulator.setup_tokens[new_id]["token"] not in result.all
    assert not os.path.exists(tmp_path / "t")


def test_update_refuse_connections_must_be_a_real_boolean(opa, tmp_path):
    body = tmp_path / "body.json"
    body.write_text('{"refuse_connections": "yes"}')
    result = opa.run("opa", "gateways", "update", "Dev Gateway", "--from-file", str(body))
    assert result.code == 2
    assert "refuse_connections" in result.err
    assert not opa.emulator.calls("PUT")  # checked with the current gateway, before anything is changed


def test_post_429_retry_is_logged_at_v(opa, sleeps):
    opa.emulator.rate_limit_next(1, retry_in=3, method="POST", path=f"{T}/gateway_setup_tokens")
    result = opa.run("-v", "opa", "setup-tokens", "create", "-d", "throttled")
    assert result.code == 0, result.err
    assert "after 429" in result.err
    assert len(sleeps) == 1


def test_invalid_query_is_refused_before_anything_is_sent(opa):
    before = set(opa.emulator.setup_tokens)
    result = opa.run("opa", "setup-tokens", "create", "-d", "q", "--query", "[[")
    assert result.code == 2
    assert result.err.startswith("error: invalid --query:")
    assert opa.emulator.requests == [] and set(opa.emulator.setup_tokens) == before
