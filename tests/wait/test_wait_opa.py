"""`gwctl opa gateways wait` and `opa setup-tokens wait` against the emulator changing state later."""

from __future__ import annotations

import pytest

DEV = "7cdac13d-a3fe-43e8-9a41-13b15df97fc7"
EU = "5e8c2f4a-7b1d-4e3f-a6c9-0d2e4f6a8b1c"  # OFFLINE in the seed
TOKEN = "0bcea2c6-8fd7-44f8-8125-eba8418a18d8"


@pytest.fixture
def opa(sandbox, clock, fake_time):
    return sandbox("opa", clock=clock)


def test_waits_until_the_gateway_reports_online(opa, sleeps):
    def online():
        opa.emulator.reports[EU]["status"] = "ONLINE"

    opa.emulator.schedule(20, online)
    result = opa.run("opa", "gateways", "wait", "EU Gateway", "--for", "online", "--timeout", "2m")
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == f"gateway EU Gateway: condition met: online (status ONLINE, after {round(sum(sleeps))}s)\n"
    assert 20 <= sum(sleeps) < 40
    assert sleeps[:3] == [1.0, 1.5, 2.25]  # back-off
    assert max(sleeps) <= 10.0
    polls = opa.emulator.calls("GET", f"/v1/teams/sandbox/gateways/{EU}/status")
    assert len(polls) == len(sleeps) + 1


def test_online_prints_the_status_report_as_json(opa):
    result = opa.run("opa", "gateways", "wait", DEV, "--for", "online", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["status"] == "ONLINE"
    assert result.err == f"gateway {DEV}: condition met: online (status ONLINE, after 0s)\n"


def test_waits_for_a_gateway_to_appear_by_name(opa, sleeps):
    opa.emulator.schedule(30, lambda: opa.emulator.add_gateway(None, "edge-7"))
    result = opa.run("opa", "gateways", "wait", "edge-7", "--for", "exists", "--timeout", "1m")
    assert result.code == 0, result.err
    assert "gateway edge-7: condition met: exists" in result.err
    assert sum(sleeps) >= 30


def test_timeout_exits_7_naming_the_last_state(opa, sleeps):
    result = opa.run("opa", "gateways", "wait", "EU Gateway", "--for", "online", "--timeout", "30s")
    assert result.code == 7
    assert result.out == ""
    assert result.err.startswith("error: timed out after 30s waiting for gateway EU Gateway to reach online "
                                 "(last seen: status OFFLINE)")
    assert sum(sleeps) == pytest.approx(30.0)


def test_a_gateway_that_disappears_exits_3(opa):
    opa.emulator.schedule(5, lambda: opa.emulator.gateways.pop(EU))
    result = opa.run("opa", "gateways", "wait", EU, "--for", "online")
    assert result.code == 3
    assert result.err.startswith(f"error: gateway {EU} no longer exists: stopped waiting for online")


def test_waits_for_a_setup_token_to_be_deleted(opa, sleeps):
    opa.emulator.schedule(12, lambda: opa.emulator.setup_tokens.pop(TOKEN))
    result = opa.run("opa", "setup-tokens", "wait", TOKEN, "--for", "delete", "--timeout", "1m")
    assert result.code == 0, result.err
    assert result.err.startswith(f"setup token {TOKEN}: condition met: deleted (after ")
    assert sum(sleeps) >= 12


def test_delete_wait_times_out_while_the_token_stays(opa):
    result = opa.run("opa", "setup-tokens", "wait", TOKEN, "--for", "delete", "--timeout", "10s")
    assert result.code == 7
    assert "last seen: still exists" in result.err


def test_progress_goes_to_stderr_on_a_terminal_only(opa):
    opa.emulator.schedule(3, lambda: opa.emulator.reports[EU].update(status="ONLINE"))
    result = opa.run("opa", "gateways", "wait", EU, "--for", "online", tty=True)
    assert result.code == 0
    assert result.err.splitlines()[0] == f"waiting for gateway {EU} to reach online: status OFFLINE (0s)"
    piped = opa.run("opa", "gateways", "wait", EU, "--for", "online")
    assert "waiting for" not in piped.err


@pytest.mark.parametrize(("argv", "message"), [
    (["--for", "ready"], "invalid --for 'ready': choose from exists, online, delete"),
    (["--for", "online=yes"], "invalid --for 'online=yes': online takes no value"),
    (["--for", "online", "--timeout", "0"], "invalid --timeout '0': it must be more than 0 and at most 7d"),
    (["--for", "online", "--timeout", "soon"], "invalid --timeout 'soon': give a duration such as 30s, 5m, 1h30m"),
])
def test_bad_conditions_and_durations_exit_2_before_any_request(opa, argv, message):
    result = opa.run("opa", "gateways", "wait", EU, *argv)
    assert result.code == 2
    assert result.err.startswith("error: " + message)
    assert opa.emulator.requests == []
