"""`gwctl gatekeeper` end to end against the Gatekeeper emulator on 127.0.0.1."""

from __future__ import annotations

import json
import os
import stat

import pytest

T0 = 1_763_800_000.0  # 2025-11-22T08:26:40Z


@pytest.fixture
def gk(sandbox, clock):
    clock.now = T0
    return sandbox("gatekeeper", clock=clock)


STATUS_TSV = (
    "ID\t1xGkS4nDbXq2Vh7pLr9TzWc3Ya0\n"
    "STATE\t{state}\n"
    "VERSION\t1.1.3\n"
    "UPTIME\t1m30s\n"
    "STARTED\t2025-11-22T08:26:40Z\n"
    "REQUESTS\t0\n"
    "SUCCESSFUL\t0\n"
    "DENIED\t0\n"
    "FAILED\t0\n"
    "PEERS\t2\n"
    "\n"
    "PEER_ID\tADDRESS\tSTATE\n"
    "1xGkS6rTq8Wm3Yb5Zc7Ld9Nf2Hj\thttps://127.0.0.1:9212/\tunsealed\n"
    "1xGkS8uVn1Xp4Ac6Bd8Me0Qg3Kl\thttps://127.0.0.1:9213/\tSEALED\n"
)


def test_status_piped_is_tsv(gk, clock):
    clock.now += 90
    result = gk.run("gatekeeper", "status")
    assert (result.code, result.err) == (0, "")
    assert result.out == STATUS_TSV.format(state="unsealed")


def test_status_json_is_the_api_body(gk, clock):
    result = gk.run("gatekeeper", "status", "-o", "json")
    assert result.code == 0
    body = result.json()
    assert body["id"] == "1xGkS4nDbXq2Vh7pLr9TzWc3Ya0"
    assert body["unsealed"] is True
    assert body["stats"] == {"requests": 0, "successful": 0, "denied": 0, "failed": 0}
    assert [p["address"] for p in body["peers"]] == ["https://127.0.0.1:9212/", "https://127.0.0.1:9213/"]


def test_status_tty_is_a_table(gk):
    result = gk.run("gatekeeper", "status", tty=True, env={"NO_COLOR": "1"})
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "1xGkS4nDbXq2Vh7pLr9TzWc3Ya0"]
    assert lines[1].split() == ["STATE", "unsealed"]
    assert "\t" not in result.out and "\x1b[" not in result.out
    assert lines[-3].split() == ["PEER_ID", "ADDRESS", "STATE"]


def test_sealed_status_exits_0_but_says_so(gk, clock):
    gk.emulator.token = None
    clock.now += 90
    result = gk.run("gatekeeper", "status")
    assert result.code == 0
    assert result.out == STATUS_TSV.format(state="SEALED")
    assert result.err == (
        "warning: Gatekeeper is SEALED: it will refuse token requests; "
        "unseal it with a Vault token on stdin: `printf '%s\\n' \"$VAULT_TOKEN\" | gwctl -p sandbox-gatekeeper gatekeeper unseal --method token --token-stdin`\n"
    )


def test_sealed_status_check_exits_8(gk):
    gk.emulator.token = None
    result = gk.run("gatekeeper", "status", "--check", "--query", "unsealed")
    assert result.code == 8
    assert result.out == "false\n"
    assert result.err == "error: Gatekeeper is SEALED\nhint: unseal it with a Vault token on stdin: `printf '%s\\n' \"$VAULT_TOKEN\" | gwctl -p sandbox-gatekeeper gatekeeper unseal --method token --token-stdin`\n"


def test_status_retries_an_injected_503_but_not_the_sealed_answer(gk, sleeps):
    gk.emulator.fail_next(2, status=503, headers={"Retry-After": "1"}, path="/status")
    result = gk.run("gatekeeper", "status", "-o", "json")
    assert result.code == 0
    assert sleeps == [1.0, 1.0]
    assert len(gk.emulator.calls("GET", "/status")) == 3
    gk.emulator.clear_log()
    gk.emulator.token = None
    assert gk.run("gatekeeper", "status", "-o", "json").code == 0
    assert len(gk.emulator.calls("GET", "/status")) == 1


def test_status_server_errors_after_retries_exit_8(gk, sleeps):
    gk.emulator.fail_next(4, status=502, body={"error": "bad gateway"}, path="/status")
    result = gk.run("gatekeeper", "status")
    assert result.code == 8
    assert len(sleeps) == 3
    assert result.err.startswith("error: GET /status: 502")


def test_seal_needs_yes_without_a_tty_and_sends_nothing(gk):
    result = gk.run("gatekeeper", "seal")
    assert result.code == 2
    assert result.out == ""
    assert "confirmation required; re-run with --yes" in result.err
    assert gk.emulator.calls("POST", "/seal") == []
    assert gk.emulator.unsealed


def test_seal_then_unseal_with_env_token(gk):
    result = gk.run("gatekeeper", "seal", "--yes")
    assert (result.code, result.out, result.err) == (0, "", "Gatekeeper sealed.\n")
    assert not gk.emulator.unsealed
    result = gk.run("gatekeeper", "unseal", "--method", "token")
    assert (result.code, result.out, result.err) == (0, "", "Unseal successful with the 'token' method.\n")
    assert gk.emulator.unsealed
    assert gk.emulator.calls("POST", "/unseal")[0].json == {"method": "token", "token": gk.emulator.vault_token}


def test_seal_json_prints_the_body(gk):
    result = gk.run("gatekeeper", "seal", "--yes", "-o", "json")
    assert result.code == 0
    assert result.json() == {"unsealed": False, "message": "Gatekeeper sealed."}


def test_unseal_reads_token_from_stdin_and_never_echoes_it(gk, monkeypatch):
    monkeypatch.delenv("GWCTL_VAULT_TOKEN")
    gk.emulator.token = None
    result = gk.run("gatekeeper", "unseal", "--method", "token", "--token-stdin", "-vvv",
                    stdin=gk.emulator.vault_token + "\n")
    assert result.code == 0
    assert gk.emulator.vault_token not in result.all


def test_unseal_uses_the_profiles_stored_token(gk, monkeypatch):
    monkeypatch.delenv("GWCTL_VAULT_TOKEN")
    login = gk.run("auth", "login", "-p", gk.profile, "--stdin", stdin=gk.emulator.vault_token)
    assert login.code == 0, login.err
    gk.emulator.token = None
    assert gk.run("gatekeeper", "unseal", "--method", "token").code == 0
    assert gk.emulator.unsealed


def test_unseal_without_any_token_source_is_a_usage_error(gk, monkeypatch):
    monkeypatch.delenv("GWCTL_VAULT_TOKEN")
    result = gk.run("gatekeeper", "unseal", "--method", "token")
    assert result.code == 2
    assert result.err.startswith("error: no vault token: pass it on stdin with --token-stdin, set GWCTL_VAULT_TOKEN")
    assert gk.emulator.requests == []


@pytest.mark.parametrize(
    ("argv", "env", "code", "message"),
    [
        (["--method", "token"], {"GWCTL_VAULT_TOKEN": "s.wrong"}, 4,
         "error: Vault rejected the token credentials, or Gatekeeper could not load its policies "
         "(server said: Unseal failed with the 'token' method.)"),
        (["--method", "approle", "--role-id", "5e1f0c3a-9b7d-4e2a-8c6f-1d2b3a4c5e6f", "--secret-id-stdin"], {}, 0,
         "Unseal successful with the 'approle' method."),
        (["--method", "aws", "--aws-role", "gatekeeper"], {}, 0, "Unseal successful with the 'aws' method."),
        (["--method", "aws-ec2", "--aws-role", "nope"], {}, 4,
         "error: Vault rejected the aws-ec2 credentials, or Gatekeeper could not load its policies "
         "(server said: Unseal failed with the 'aws' method.)"),
    ],
)
def test_unseal_methods(gk, argv, env, code, message):
    gk.emulator.token = None
    stdin = gk.emulator.approle_secret_id + "\n" if "--secret-id-stdin" in argv else ""
    result = gk.run("gatekeeper", "unseal", *argv, env=env, stdin=stdin)
    assert result.code == code
    assert result.err.splitlines()[0] == message


def test_unseal_wrapped_token_is_single_use(gk, monkeypatch):
    monkeypatch.setenv("GWCTL_VAULT_TOKEN", gk.emulator.wrapped_token)
    gk.emulator.token = None
    assert gk.run("gatekeeper", "unseal", "--method", "token-wrapped").code == 0
    result = gk.run("gatekeeper", "unseal", "--method", "token-wrapped")
    assert result.code == 4


def test_unseal_bad_input_is_rejected_locally(gk):
    for argv, message in (
        (["--method", "magic"], "error: invalid --method 'magic': choose from token, token-wrapped, approle, aws, aws-ec2, github"),
        (["--method", "approle"], "error: missing option --role-id (required for --method approle)"),
        (["--method", "aws"], "error: missing option --aws-role (required for --method aws)"),
    ):
        result = gk.run("gatekeeper", "unseal", *argv)
        assert (result.code, result.err.splitlines()[0]) == (2, message)
    assert gk.emulator.requests == []


def test_unseal_server_side_422_and_400(gk):
    gk.emulator.fail_next(status=422, body={"unsealed": False, "error": "Cannot unseal with unknown method: 'x'"},
                          path="/unseal")
    result = gk.run("gatekeeper", "unseal", "--method", "token")
    assert result.code == 6
    assert result.err.startswith("error: Gatekeeper does not support the unseal method 'token'")
    gk.emulator.fail_next(status=400, body={"unsealed": True, "error": "JSON body could not be decoded: x"},
                          path="/unseal")
    assert gk.run("gatekeeper", "unseal", "--method", "token").code == 6


def test_policies_reload(gk):
    result = gk.run("gatekeeper", "policies", "reload")
    assert (result.code, result.out, result.err) == (0, "", "Policies reloaded. 4 total policies.\n")
    gk.emulator.token = None
    result = gk.run("gatekeeper", "policies", "reload")
    assert result.code == 8
    assert result.err == (
        "error: Gatekeeper is sealed: it cannot reload policies (server said: Failed to reload policies: gatekeeper is sealed.)\n"
        "hint: unseal it with a Vault token on stdin: `printf '%s\\n' \"$VAULT_TOKEN\" | gwctl -p sandbox-gatekeeper gatekeeper unseal --method token --token-stdin`\n"
    )
    gk.emulator.token = gk.emulator.vault_token
    gk.emulator.vault_up = False
    assert gk.run("gatekeeper", "policies", "reload").code == 8


def test_token_request_prints_token_ttl_and_vault_addr(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task")
    assert result.code == 0, result.err
    fields = dict(line.split("\t") for line in result.out.splitlines())
    assert list(fields) == ["TOKEN", "TTL", "VAULT_ADDR"]
    assert fields["TOKEN"].startswith("s.") and fields["TTL"] == "1h40m"
    assert fields["VAULT_ADDR"] == gk.server.url
    body = gk.emulator.calls("POST", "/token")[0].json
    assert body == {"task_id": "web-task"}


def test_token_request_json_and_scheduler_role(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task", "--scheduler", "mesos",
                    "--role", "web-admin", "--json")
    assert result.code == 0
    assert set(result.json()) == {"unsealed", "token", "ttl", "vault_addr"}
    assert gk.emulator.calls("POST", "/token")[0].json == {"task_id": "web-task", "scheduler": "mesos", "role": "web-admin"}


@pytest.mark.parametrize(
    ("task", "code", "message"),
    [
        ("nope", 4, "error: task 'nope' is unknown to the scheduler (or the caller's host does not match it)"),
        ("old-task", 5, "error: task 'old-task' is too old for a token, or the role is not allowed by its policy"),
        ("nopolicy-task", 8, "error: Gatekeeper could not issue a token (no policy matches the task, unknown scheduler, or a Vault error)"),
    ],
)
def test_token_request_errors(gk, task, code, message):
    result = gk.run("gatekeeper", "token", "request", "--task-id", task)
    assert result.code == code
    assert result.out == ""
    assert result.err.startswith(message)
    # POST /token is never retried, whatever the status.
    assert len(gk.emulator.calls("POST", "/token")) == 1


def test_token_allowance_used_up_is_429_with_a_theft_warning(gk):
    for _ in range(3):
        assert gk.run("gatekeeper", "token", "request", "--task-id", "web-task").code == 0
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task")
    assert result.code == 7
    assert "has used all the tokens its policy allows" in result.err
    assert "task ID was stolen" in result.err


def test_token_request_when_sealed_is_503_and_not_retried(gk, sleeps):
    gk.emulator.token = None
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task")
    assert result.code == 8
    assert result.err.endswith("hint: unseal it with a Vault token on stdin: `printf '%s\\n' \"$VAULT_TOKEN\" | gwctl -p sandbox-gatekeeper gatekeeper unseal --method token --token-stdin`\n")
    assert len(gk.emulator.calls("POST", "/token")) == 1
    assert sleeps == []


def test_injected_503_on_token_is_not_retried(gk, sleeps):
    gk.emulator.fail_next(status=503, headers={"Retry-After": "1"}, path="/token")
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task")
    assert result.code == 8
    assert len(gk.emulator.calls("POST", "/token")) == 1
    assert sleeps == []


def test_unwrap_shows_the_accessor_and_ttl_never_the_token(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task", "--unwrap", "-o", "json")
    assert result.code == 0, result.err
    auth = result.json()
    assert "client_token" not in auth
    assert len(auth["accessor"]) == 24
    assert (auth["ttl"], auth["lease_duration"]) == ("768h", 32 * 24 * 3600)
    assert auth["expires"].endswith("Z")
    assert auth["policies"] == ["default", "web"]
    assert result.err == "the client token is not shown: pass --show-token to print it or --out FILE to keep it\n"
    unwrap = gk.emulator.calls("POST", "/v1/sys/wrapping/unwrap")
    assert len(unwrap) == 1 and unwrap[0].headers.get("X-Vault-Token", "").startswith("s.")


def test_unwrap_table_names_accessor_and_ttl(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task", "--unwrap")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("ACCESSOR\t") and lines[1] == "TTL\t32d"
    assert "s." not in result.out


def test_unwrap_show_token_prints_it_with_its_accessor(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task", "--unwrap", "--show-token",
                    "--vault-addr", gk.server.url + "/", "-o", "json")
    assert result.code == 0, result.err
    auth = result.json()
    assert auth["client_token"].startswith("s.") and auth["accessor"] and auth["ttl"] == "768h"


def test_bad_vault_addr_is_rejected_before_any_request(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task", "--unwrap", "--vault-addr", "vault:8200")
    assert result.code == 2
    assert result.err.startswith("error: invalid --vault-addr 'vault:8200'")
    assert gk.emulator.requests == []


@pytest.mark.parametrize("unwrap", [False, True])
def test_out_writes_the_secret_0600_and_prints_only_metadata(gk, tmp_path, unwrap):
    target = tmp_path / "secret" / "token"
    target.parent.mkdir(mode=0o700)
    argv = ["gatekeeper", "token", "request", "--task-id", "web-task", "--out", str(target), "-vvv"]
    result = gk.run(*argv + (["--unwrap"] if unwrap else []))
    assert result.code == 0, result.err
    secret = target.read_text().strip()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert secret.startswith("s.")
    assert secret not in result.all
    assert f"wrote the {'client' if unwrap else 'wrapping'} token to {target} (mode 0600)" in result.err
    assert "WRITTEN_TO\t" + str(target) in result.out


def test_verbose_logging_never_shows_the_tokens(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task", "--unwrap", "--show-token", "-o", "json",
                    "-vvv")
    assert result.code == 0
    client_token = result.json()["client_token"]
    assert client_token not in result.err
    wrapping = gk.emulator.calls("POST", "/v1/sys/wrapping/unwrap")[0].headers["X-Vault-Token"]
    assert wrapping not in result.err
    assert "> POST " in result.err


def test_empty_task_id_is_rejected(gk):
    result = gk.run("gatekeeper", "token", "request", "--task-id", " ")
    assert (result.code, result.err) == (2, "error: --task-id must not be empty\n")
    assert gk.emulator.requests == []


def test_raw_api_escape_hatch(gk):
    result = gk.run("gatekeeper", "api", "GET", "/status", "--query", "version")
    assert (result.code, result.out) == (0, '"1.1.3"\n')  # the body as JSON, like `gh api`
    result = gk.run("gatekeeper", "api", "POST", "/token", "--data", json.dumps({"task_id": "nope"}))
    assert result.code == 4
    assert result.err.startswith("error: POST /token: 401")
    result = gk.run("gatekeeper", "api", "GET", "/missing")
    assert result.code == 3


def test_unreachable_gatekeeper_is_exit_9(gw):
    assert gw("profile", "add", "down", "--product", "gatekeeper", "--url", "http://127.0.0.1:9").code == 0
    result = gw("gatekeeper", "status")
    assert result.code == 9
    assert result.err.startswith("error: cannot reach 127.0.0.1")


def test_token_request_with_an_unwritable_out_is_refused_before_asking(gk, tmp_path):
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task", "--out", str(tmp_path))
    assert result.code == 2 and result.err == f"error: --out {tmp_path} is a directory\n"
    assert [r for r in gk.emulator.requests if r.path == "/token"] == []
