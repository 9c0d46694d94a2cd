"""The Vault Gatekeeper v1 emulator (shared/api/opa-gatekeeper.md §2.4-2.5)."""

from __future__ import annotations

import pytest
from sandbox_helpers import START, FakeClock, wsgi_client

from gwctl.sandbox.gatekeeper import GatekeeperEmulator, go_duration

UNSEAL_OK = {
    "token": lambda gk: {"token": gk.vault_token},
    "token-wrapped": lambda gk: {"token": gk.wrapped_token},
    "approle": lambda gk: {"role_id": gk.approle_role_id, "secret_id": gk.approle_secret_id},
    "aws": lambda gk: {"aws_role": gk.aws_role, "aws_nonce": "n1"},
    "aws-ec2": lambda gk: {"aws_role": gk.aws_role},
    "github": lambda gk: {"personal_token": gk.github_token},
}
UNSEAL_NAMES = {"token-wrapped": "wrapped-token", "aws-ec2": "aws"}


def post_token(client, task_id, **extra):
    return client.post("/token", json={"task_id": task_id, **extra})


def unwrap(client, token):
    return client.post("/v1/sys/wrapping/unwrap", headers={"X-Vault-Token": token})


# -- /status ----------------------------------------------------------------------------


def test_status_unsealed(client, clock, gk):
    clock.advance(3723.5)
    response = client.get("/status")
    assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
    assert response.json() == {
        "id": gk.peer_id,
        "stats": {"requests": 0, "successful": 0, "denied": 0, "failed": 0},
        "uptime": "1h2m3.5s",
        "unsealed": True,
        "started": "2026-09-21T14:13:20Z",
        "ok": True,
        "version": "1.1.3",
        "peers": [
            {"id": gk.peers[0]["id"], "address": "https://127.0.0.1:9212/", "unsealed": True, "version": "1.1.3"},
            {"id": gk.peers[1]["id"], "address": "https://127.0.0.1:9213/", "unsealed": False, "version": "1.1.3"},
        ],
    }
    assert client.get("/").json() == response.json()


def test_status_sealed_is_503_with_the_same_body(client):
    client.post("/seal")
    response = client.get("/status")
    assert response.status_code == 503
    assert response.json()["unsealed"] is False and response.json()["ok"] is True


def test_without_seed_it_is_sealed_with_no_peers(clock):
    with wsgi_client(GatekeeperEmulator(seed=False, clock=clock)) as c:
        response = c.get("/")
    assert response.status_code == 503 and "peers" not in response.json()


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "0s"), (4e-7, "400ns"), (1.5e-6, "1.5µs"), (0.25, "250ms"), (1, "1s"), (59.999, "59.999s"),
     (120, "2m0s"), (6000, "1h40m0s"), (90061.000000001, "25h1m1.000000001s")],
)
def test_go_duration(seconds, text):
    assert go_duration(seconds) == text


# -- /seal, /unseal -------------------------------------------------------------------------


def test_seal(client, gk):
    response = client.post("/seal")
    assert (response.status_code, response.json()) == (200, {"unsealed": False, "message": "Gatekeeper sealed."})
    assert not gk.unsealed


@pytest.mark.parametrize("method", list(UNSEAL_OK))
def test_unseal_with_every_method(client, gk, method):
    client.post("/seal")
    response = client.post("/unseal", json={"method": method, **UNSEAL_OK[method](gk)})
    name = UNSEAL_NAMES.get(method, method)
    assert (response.status_code, response.json()) == (
        200,
        {"unsealed": True, "message": f"Unseal successful with the '{name}' method."},
    )
    assert client.get("/status").status_code == 200


@pytest.mark.parametrize("method", list(UNSEAL_OK))
def test_unseal_with_wrong_credentials_is_401(client, method):
    client.post("/seal")
    response = client.post("/unseal", json={"method": method, "token": "s.wrong", "role_id": "x", "aws_role": "x"})
    name = UNSEAL_NAMES.get(method, method)
    assert (response.status_code, response.json()) == (
        401,
        {"unsealed": False, "error": f"Unseal failed with the '{name}' method."},
    )


def test_wrapped_unseal_token_is_single_use(client, gk):
    body = {"method": "token-wrapped", "token": gk.wrapped_token}
    assert client.post("/unseal", json=body).status_code == 200
    assert client.post("/unseal", json=body).status_code == 401


def test_failed_unseal_keeps_the_current_state(client):
    assert client.post("/unseal", json={"method": "token", "token": "s.wrong"}).json()["unsealed"] is True


def test_unseal_fails_when_vault_is_down(client, gk):
    client.post("/seal")
    gk.vault_up = False
    assert client.post("/unseal", json={"method": "token", "token": gk.vault_token}).status_code == 401


@pytest.mark.parametrize("method", ["userpass", "", "AWS"])
def test_unseal_unknown_method_is_422(client, method):
    response = client.post("/unseal", json={"method": method})
    assert (response.status_code, response.json()["error"]) == (422, f"Cannot unseal with unknown method: '{method}'")


@pytest.mark.parametrize("route", ["/unseal", "/token"])
@pytest.mark.parametrize(
    "body, detail",
    [
        (b"", "EOF"),
        (b"[1]", "json: cannot unmarshal array into Go value of type struct"),
        (b'{"method": 1, "task_id": true}', "json: cannot unmarshal "),
        (b"{oops", "Expecting property name"),
    ],
)
def test_undecodable_json_is_400(client, gk, route, body, detail):
    response = client.post(route, content=body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(f"JSON body could not be decoded: {detail}")
    assert gk.stats["requests"] == 0


def test_only_the_first_json_value_is_decoded_like_go(client):
    response = client.post("/token", content=b'{"task_id": "web-task"} trailing')
    assert response.status_code == 200


# -- /policies/reload -----------------------------------------------------------------------


def test_reload_policies(client):
    response = client.post("/policies/reload")
    assert (response.status_code, response.json()) == (
        200,
        {"unsealed": True, "message": "Policies reloaded. 4 total policies."},
    )


def test_reload_policies_sealed_is_503(client):
    client.post("/seal")
    response = client.post("/policies/reload")
    assert (response.status_code, response.json()) == (
        503,
        {"unsealed": False, "error": "Failed to reload policies: gatekeeper is sealed."},
    )


def test_reload_policies_fails_with_500_when_vault_is_down(client, gk):
    gk.vault_up = False
    response = client.post("/policies/reload")
    assert response.status_code == 500
    assert response.json()["error"].startswith("There was an error attempting to reload the policies.")


def test_reload_policies_injected_500(client, gk):
    gk.fail_next(status=500, method="POST", path="/policies/reload")
    response = client.post("/policies/reload")
    assert (response.status_code, response.json()) == (500, {"unsealed": True, "error": "Internal Server Error"})
    assert client.post("/policies/reload").status_code == 200


# -- /token -------------------------------------------------------------------------------


def test_token_success_and_unwrap(client, gk):
    response = post_token(client, "web-task")
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"unsealed", "token", "ttl", "vault_addr"}
    assert (body["unsealed"], body["ttl"], body["vault_addr"]) == (True, "1h40m0s", "http://gatekeeper.test:9201")
    assert body["token"].startswith("s.") and body["token"] != post_token(client, "web-task").json()["token"]

    unwrapped = unwrap(client, body["token"])
    assert unwrapped.status_code == 200
    payload = unwrapped.json()
    assert {k: payload[k] for k in ("lease_id", "renewable", "lease_duration", "data", "wrap_info", "warnings")} == {
        "lease_id": "",
        "renewable": False,
        "lease_duration": 0,
        "data": None,
        "wrap_info": None,
        "warnings": None,
    }
    auth = payload["auth"]
    assert (auth["policies"], auth["lease_duration"], auth["renewable"]) == (["default", "web"], 2764800, True)
    assert auth["client_token"].startswith("s.") and auth["accessor"]


def test_unwrap_is_single_use(client):
    token = post_token(client, "web-task").json()["token"]
    assert unwrap(client, token).status_code == 200
    again = unwrap(client, token)
    assert (again.status_code, again.json()) == (400, {"errors": ["wrapping token is not valid or does not exist"]})


def test_unwrap_without_token_and_after_expiry(client, clock):
    missing = client.post("/v1/sys/wrapping/unwrap")
    assert (missing.status_code, missing.json()) == (400, {"errors": ["missing client token"]})
    token = post_token(client, "web-task").json()["token"]
    clock.advance(6000)
    assert unwrap(client, token).status_code == 400


def test_wrapped_vault_token_unwraps_to_the_vault_token(client, gk):
    assert unwrap(client, gk.wrapped_token).json()["auth"]["client_token"] == gk.vault_token


def test_token_allowance_then_429(client):
    assert [post_token(client, "web-task").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert post_token(client, "web-task").json() == {
        "unsealed": True,
        "error": "Maximum number of tokens given to this task.",
    }


def test_glob_and_group_policies(client):
    assert [post_token(client, "batch-task", scheduler="ecs").status_code for _ in range(2)] == [200, 429]
    token = post_token(client, "reports-task").json()["token"]
    assert unwrap(client, token).json()["auth"]["metadata"] == {"role_name": "reports"}


@pytest.mark.parametrize(
    "task_id, extra, status, error",
    [
        ("no-such-task", {}, 401, "Task not found."),
        ("batch-task", {}, 401, "Task not found."),  # it runs on ecs, not on the default mesos
        ("web-task", {"scheduler": "ecs"}, 401, "Task not found."),
        ("old-task", {}, 403, "This task has been running too long to request a token."),
        ("web-task", {"role": "batch"}, 403, "Your task does not have permission to use this role."),
        ("ghost-task", {}, 403, "The role requested does not exist."),
        ("nopolicy-task", {}, 500, "Your task doesn't match any configured policy."),
    ],
)
def test_token_denied(client, gk, task_id, extra, status, error):
    response = post_token(client, task_id, **extra)
    assert (response.status_code, response.json()) == (status, {"unsealed": True, "error": error})
    assert gk.stats == {"requests": 1, "successful": 0, "denied": 1, "failed": 0}


def test_unknown_scheduler_is_500_counted_only_as_a_request(client, gk):
    response = post_token(client, "web-task", scheduler="nomad")
    assert (response.status_code, response.json()["error"]) == (500, "Provided scheduler 'nomad' is not configured.")
    assert gk.stats == {"requests": 1, "successful": 0, "denied": 0, "failed": 0}


def test_vault_down_is_500_counted_as_failed(client, gk):
    gk.vault_up = False
    assert post_token(client, "web-task").status_code == 500
    assert gk.stats["failed"] == 1


def test_sealed_token_request_is_503_and_not_counted(client, gk):
    client.post("/seal")
    response = post_token(client, "web-task")
    assert (response.status_code, response.json()) == (
        503,
        {"unsealed": False, "error": "Unable to provide token: Gatekeeper is sealed."},
    )
    assert gk.stats["requests"] == 0


def test_a_refused_role_still_spends_a_use_and_the_first_role_is_issued(client):
    # Both are upstream behaviour (gatekeeper.go RequestToken).
    assert post_token(client, "web-task", role="nope").status_code == 403
    token = post_token(client, "web-task", role="web-admin").json()["token"]
    assert unwrap(client, token).json()["auth"]["metadata"] == {"role_name": "web"}
    assert post_token(client, "web-task").status_code == 200
    assert post_token(client, "web-task").status_code == 429


def test_tasks_age_past_the_grace_period(client, gk, clock):
    gk.add_task("young-task", "web", age=0)
    clock.advance(119)
    assert post_token(client, "young-task").status_code == 200
    clock.advance(1)
    assert post_token(client, "young-task").status_code == 403


def test_global_policy_merges_under_specific_ones(client, gk):
    gk.policies["*"] = {"roles": ["batch"], "num_uses": 9}
    assert post_token(client, "web-task", role="batch").status_code == 200  # allowed by "*"
    assert [post_token(client, "web-task").status_code for _ in range(3)] == [200, 200, 429]  # num_uses of mesos:web
    assert post_token(client, "nopolicy-task").status_code == 200


def test_stats_count_every_outcome(client):
    post_token(client, "web-task")
    post_token(client, "old-task")
    post_token(client, "web-task", scheduler="nomad")
    assert client.get("/status").json()["stats"] == {"requests": 3, "successful": 1, "denied": 1, "failed": 0}


# -- protocol details ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/"), ("GET", "/status"), ("POST", "/seal"), ("POST", "/unseal"), ("POST", "/policies/reload"),
     ("POST", "/token"), ("POST", "/v1/sys/wrapping/unwrap")],
)
def test_every_route_answers_json_without_auth(client, method, path):
    assert client.request(method, path, json={}).headers["content-type"] == "application/json"


def test_unknown_path_and_method_look_like_chi(client):
    missing = client.get("/v1/status")
    assert (missing.status_code, missing.headers["content-type"], missing.text) == (
        404,
        "text/plain; charset=utf-8",
        "404 page not found\n",
    )
    wrong = client.get("/token")
    assert (wrong.status_code, wrong.content) == (405, b"")


def test_profile_credentials(gk):
    assert gk.credentials() == {"vault_token": gk.vault_token}
    assert gk.profile_options() == {}
    assert gk.profile_url("http://127.0.0.1:9201") == "http://127.0.0.1:9201"


def test_reset_restores_the_demo_state(client, gk):
    post_token(client, "web-task")
    client.post("/seal")
    gk.reset()
    assert gk.unsealed and gk.usage == {} and gk.stats["requests"] == 0


def test_started_follows_the_injected_clock():
    gk = GatekeeperEmulator(clock=FakeClock(START + 0.5))
    with wsgi_client(gk) as c:
        assert c.get("/status").json()["started"] == "2026-09-21T14:13:20.5Z"
