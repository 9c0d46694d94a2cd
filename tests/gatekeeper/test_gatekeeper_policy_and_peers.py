"""Gatekeeper's policy in Vault KV (get/validate/diff/update), HA peers (status --peers) and `wait`."""

from __future__ import annotations

import json

import pytest

POLICY = {"mesos:web": {"roles": ["web"], "num_uses": 2}, "*": {"roles": ["default"], "num_uses": 1}}


@pytest.fixture
def gk(sandbox, clock):
    return sandbox("gatekeeper", clock=clock)


@pytest.fixture
def ha(gk, serve):
    """The sandbox Gatekeeper with two live HA peers."""
    from gwctl.sandbox.gatekeeper import start_peers

    peers = start_peers(gk.emulator, gk.server.url, serve)
    return gk, peers


def _file(tmp_path, body, name="policy.json"):
    path = tmp_path / name
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    return str(path)


# --- policy ----------------------------------------------------------------------------------------

def test_get_shows_the_merged_policy_from_kv_v2(gk):
    gk.emulator.kv_write("secret", "gatekeeper/team-a", {"mesos:team-a": {"roles": ["a"], "num_uses": 1}})
    result = gk.run("gatekeeper", "policies", "get", "-o", "json")
    assert result.code == 0, result.err
    assert set(result.json()) == {"mesos:web", "ecs:batch*", "mesos:ghost", "mesos:reports:nightly", "mesos:team-a"}
    reads = [r.path for r in gk.emulator.calls("GET")]
    assert reads == ["/v1/secret/metadata/gatekeeper", "/v1/secret/data/gatekeeper",
                     "/v1/secret/data/gatekeeper/team-a"]
    assert all(r.headers["X-Vault-Token"] == gk.emulator.vault_token for r in gk.emulator.requests)


def test_get_table_rows_by_key(gk):
    result = gk.run("gatekeeper", "policy", "get")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "KEY\tROLES\tNUM_USES\tREGEXP"
    assert "mesos:web\tweb,web-admin\t3\t" in result.out


def test_validate_refuses_what_gatekeeper_refuses(gk, tmp_path):
    good = gk.run("gatekeeper", "policies", "validate", _file(tmp_path, POLICY))
    assert (good.code, good.out, good.err) == (0, "", "valid policy: 2 key(s)\n")
    bad = _file(tmp_path, {"mesos:": {"roles": ["x"], "num_uses": 0}})
    result = gk.run("gatekeeper", "policies", "validate", bad)
    assert result.code == 2
    assert result.err.startswith(f"error: invalid policy in {bad}: key 'mesos:': keys must not end with ':' "
                                 "(and 1 more)")
    assert gk.emulator.requests == []


def test_update_writes_kv_v2_then_reload_loads_it(gk, tmp_path):
    result = gk.run("gatekeeper", "policies", "update", _file(tmp_path, POLICY), "--reload")
    assert result.code == 0, result.err
    assert result.err == ("updated the Gatekeeper policy at secret/data/gatekeeper (2 key(s))\n"
                          "Policies reloaded. 2 total policies.\n")
    write = gk.emulator.calls("POST", "/v1/secret/data/gatekeeper")[0]
    assert write.json == {"data": POLICY}
    assert gk.emulator.policies == POLICY


def test_update_from_stdin_without_reload_says_how_to_apply(gk):
    result = gk.run("gatekeeper", "policies", "update", "-", stdin=json.dumps(POLICY))
    assert result.code == 0, result.err
    assert result.err.endswith("run `gwctl gatekeeper policies reload` to make Gatekeeper use it\n")
    assert gk.emulator.kv["secret"]["gatekeeper"]["data"] == POLICY
    assert gk.emulator.calls("POST", "/policies/reload") == []


def test_invalid_update_sends_nothing(gk, tmp_path):
    result = gk.run("gatekeeper", "policies", "update", _file(tmp_path, "{not json"))
    assert result.code == 2
    assert gk.emulator.requests == []


def test_diff_shows_what_update_would_change(gk, tmp_path):
    current = gk.emulator.kv["secret"]["gatekeeper"]["data"]
    changed = {**current, "mesos:web": {"roles": ["web"], "num_uses": 5}}
    path = _file(tmp_path, changed)
    result = gk.run("gatekeeper", "policies", "diff", path)
    assert result.code == 0, result.err
    assert result.out.startswith(f"--- vault:secret/data/gatekeeper\n+++ {path}\n")
    assert '-    "num_uses": 3,' in result.out and '+    "num_uses": 5,' in result.out
    same = gk.run("gatekeeper", "policies", "diff", _file(tmp_path, current, "same.json"))
    assert (same.code, same.out) == (0, "")
    assert same.err == "no changes: secret/data/gatekeeper already holds this policy\n"
    assert gk.emulator.calls("POST") == []


def test_kv_v1_mount(gk, tmp_path):
    gk.run("profile", "add", "gk1", "--product", "gatekeeper", "--url", gk.server.url, "--vault-addr", gk.server.url,
           "--kv-mount", "kv", "--policy-path", "ops/gatekeeper", "--kv-version", "1")
    result = gk.run("gatekeeper", "policies", "update", _file(tmp_path, POLICY), "-p", "gk1")
    assert result.code == 0, result.err
    assert gk.emulator.calls("POST", "/v1/kv/ops/gatekeeper")[0].json == POLICY
    shown = gk.run("gatekeeper", "policies", "get", "-o", "json", "-p", "gk1")
    assert shown.json() == POLICY


def test_wrong_vault_token_is_an_auth_or_permission_error_without_echoing_it(gk, monkeypatch):
    monkeypatch.setenv("GWCTL_VAULT_TOKEN", "s.wrongwrongwrong")
    result = gk.run("gatekeeper", "policies", "get")
    assert result.code == 5
    assert "s.wrongwrongwrong" not in result.all


def test_no_vault_address_is_a_usage_error(gk):
    gk.run("profile", "add", "bare", "--product", "gatekeeper", "--url", gk.server.url)
    result = gk.run("gatekeeper", "policies", "get", "-p", "bare")
    assert result.code == 2
    assert result.err.startswith("error: profile 'bare' has no Vault address for the policy")
    assert gk.emulator.requests == []


def test_no_policy_stored_is_not_found(gk):
    gk.emulator.kv["secret"].clear()
    result = gk.run("gatekeeper", "policies", "get")
    assert result.code == 3
    assert result.err.startswith("error: no policy is stored at secret/data/gatekeeper")


# --- peers -----------------------------------------------------------------------------------------

def test_status_peers_asks_every_peer_for_its_own_status(ha):
    gk, peers = ha
    result = gk.run("gatekeeper", "status", "--peers", "-o", "json", "--check")
    assert result.code == 0, result.err
    rows = result.json()
    assert [r["id"] for r in rows] == [gk.emulator.peer_id] + [p.peer_id for p, _ in peers]
    assert all(r["state"] == "unsealed" and r["version"] == "1.1.3" and r["uptime"] for r in rows)
    for peer, _ in peers:
        assert len(peer.calls("GET", "/status")) == 1


def test_status_peers_check_fails_on_a_sealed_or_unreachable_peer(ha):
    gk, peers = ha
    peers[0][0].token = None
    peers[1][1].stop()
    result = gk.run("gatekeeper", "status", "--peers", "--check")
    assert result.code == 8
    lines = result.out.splitlines()
    assert lines[0].split("\t")[:3] == ["ADDRESS", "PEER_ID", "STATE"]
    assert [line.split("\t")[2] for line in lines[1:]] == ["unsealed", "SEALED", "UNREACHABLE"]
    assert result.err.startswith("error: 2 of 3 Gatekeeper peers cannot serve tokens: ")
    without_check = gk.run("gatekeeper", "status", "--peers")
    assert without_check.code == 0 and "warning: 2 of 3 Gatekeeper peers" in without_check.err


def test_status_peers_from_the_profile(gk, serve):
    from gwctl.sandbox.gatekeeper import GatekeeperEmulator

    other = serve(GatekeeperEmulator(peer_id="1xOther"))
    gk.run("profile", "add", "pp", "--product", "gatekeeper", "--url", gk.server.url, "--peer-urls", other.url)
    result = gk.run("gatekeeper", "status", "--peers", "-p", "pp", "-o", "json")
    assert [r["id"] for r in result.json()] == [gk.emulator.peer_id, "1xOther"]


# --- wait --------------------------------------------------------------------------------------------

def test_wait_until_unsealed(gk, clock, fake_time, sleeps):
    gk.emulator.token = None
    gk.emulator.schedule(20, lambda: setattr(gk.emulator, "token", gk.emulator.vault_token))
    result = gk.run("gatekeeper", "wait", "--for", "unsealed", "--timeout", "1m")
    assert result.code == 0, result.err
    assert result.err.startswith("Gatekeeper: condition met: unsealed (unsealed, after ")
    assert sum(sleeps) >= 20


def test_wait_on_every_peer(ha, clock, fake_time, sleeps):
    gk, peers = ha
    sealed = peers[1][0]
    sealed.token = None
    sealed.schedule(35, lambda: setattr(sealed, "token", sealed.vault_token))
    result = gk.run("gatekeeper", "wait", "--peers", "--timeout", "2m")
    assert result.code == 0, result.err
    assert result.err.startswith("every Gatekeeper peer: condition met: unsealed (3 unsealed, after ")
    assert sum(sleeps) >= 35


def test_wait_times_out_naming_the_sealed_peer(ha, clock, fake_time):
    gk, peers = ha
    peers[0][0].token = None
    result = gk.run("gatekeeper", "wait", "--peers", "--timeout", "15s")
    assert result.code == 7
    assert f"(last seen: {peers[0][1].url}/ SEALED)" in result.err


def test_wait_counts_an_unreachable_instance_as_not_yet_unsealed(ha, clock, fake_time):
    gk, peers = ha
    peers[0][1].stop()
    result = gk.run("gatekeeper", "wait", "--peers", "--timeout", "10s")
    assert result.code == 7
    assert "UNREACHABLE" in result.err
