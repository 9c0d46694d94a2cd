"""`gwctl sandbox start|status|stop` with a real background process, in temp dirs."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from gwctl.sandbox import registry

pytestmark = pytest.mark.slow


@pytest.fixture
def headless(monkeypatch, gw):
    """No OS keyring in the background process (as on a server): credentials go to the 0600 file."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield
    gw("sandbox", "stop")


def state_path(tmp_path):
    return tmp_path / "state" / "sandbox.json"


def test_start_status_stop(headless, gw, tmp_path, monkeypatch):
    started = gw("sandbox", "start")
    assert started.code == 0, started.err
    state = json.loads(state_path(tmp_path).read_text())
    pid = state["pid"]
    err = started.err.splitlines()
    assert err[:2] == [f"sandbox started (pid {pid}); credentials stored in the 0600 credentials file", "to try:"]
    assert err[-1] == "stop it with `gwctl sandbox stop`"
    # What a newcomer needs, per product, and every command in it runs as printed.
    fixtures = err[2:-1]
    assert {line.split(":")[0].strip() for line in fixtures} == set(state["products"])
    assert "  gatekeeper: task IDs: web-task (mesos), batch-task (ecs), reports-task (mesos), old-task (mesos), " \
           "nopolicy-task (mesos), ghost-task (mesos)" in fixtures
    monkeypatch.chdir(tmp_path)
    commands = [line.split(": gwctl ", 1)[1] for line in fixtures if ": gwctl " in line]
    assert len(commands) == len(state["products"])
    import shlex

    for command in commands:
        tried = gw(*shlex.split(command))
        assert tried.code == 0, (command, tried.err)
    lines = started.out.splitlines()
    assert lines[0] == "PRODUCT\tURL\tPROFILE\tEXAMPLE"
    products = [line.split("\t")[0] for line in lines[1:]]
    from gwctl.products import PRODUCTS

    assert products == [p for p in PRODUCTS if p in registry.available()] == list(PRODUCTS)
    gk_row = dict(zip(lines[0].split("\t"), lines[-1].split("\t")))
    assert gk_row["URL"].startswith("http://127.0.0.1:")
    assert gk_row["EXAMPLE"] == "gwctl -p sandbox-gatekeeper gatekeeper status"

    # The profile works right away, with its secret in the 0600 file and not in config.toml.
    result = gw("-p", "sandbox-gatekeeper", "gatekeeper", "status", "--query", "unsealed")
    assert (result.code, result.out) == (0, "true\n")
    creds = tmp_path / "config" / "credentials.json"
    assert stat.S_IMODE(os.stat(creds).st_mode) == 0o600
    from gwctl.sandbox.gatekeeper import GatekeeperEmulator

    assert GatekeeperEmulator.vault_token in creds.read_text()
    assert GatekeeperEmulator.vault_token not in (tmp_path / "config" / "config.toml").read_text()

    again = gw("sandbox", "start")
    assert again.code == 0
    assert again.err.startswith(f"sandbox is already running (pid {pid})")
    assert json.loads(state_path(tmp_path).read_text())["pid"] == pid

    status = gw("sandbox", "status", "-o", "json")
    assert status.code == 0
    body = status.json()
    assert body["running"] is True and body["pid"] == pid
    assert body["products"]["gatekeeper"]["profile"] == "sandbox-gatekeeper"

    stopped = gw("sandbox", "stop")
    assert (stopped.code, stopped.err) == (0, f"stopped the sandbox (pid {pid})\n")
    assert not state_path(tmp_path).exists()
    status = gw("sandbox", "status")
    assert status.code == 3
    assert status.err == "error: the sandbox is not running\nhint: start it with `gwctl sandbox start`\n"
    # Profiles stay until --purge.
    assert "sandbox-gatekeeper" in gw("profile", "list").out
    purged = gw("sandbox", "stop", "--purge")
    assert purged.code == 0
    assert "removed" in purged.err and "sandbox-gatekeeper" in purged.err
    assert "sandbox-gatekeeper" not in gw("profile", "list").out
    assert "sandbox-gatekeeper" not in creds.read_text()


def test_stale_pid_file_is_detected_and_cleaned(headless, gw, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path = state_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"pid": dead.pid, "products": {}}))
    status = gw("sandbox", "status")
    assert status.code == 3
    assert not path.exists()
    path.write_text("not json")
    started = gw("sandbox", "start")
    assert started.code == 0, started.err
    assert json.loads(path.read_text())["pid"] != dead.pid


def test_status_json_when_not_running(gw):
    result = gw("sandbox", "status", "-o", "json")
    assert result.code == 3
    assert result.json() == {"running": False}


def test_stop_when_not_running_is_fine(gw):
    result = gw("sandbox", "stop")
    assert (result.code, result.err) == (0, "the sandbox is not running\n")


def test_start_as_api7_3_9_and_refuse_another_version_while_running(headless, gw, tmp_path):
    started = gw("sandbox", "start", "--api7-version", "3.9")
    assert started.code == 0, started.err
    assert "  api7: API7 Enterprise 3.9.3" in started.err.splitlines()
    assert json.loads(state_path(tmp_path).read_text())["api7_version"] == "3.9"
    products = gw("-p", "sandbox-api7", "api7", "api-products", "list", "--portal", "developers", "-o", "json")
    assert products.code == 0, products.err
    assert [p["name"] for p in products.json()] == ["Petstore API"]
    assert gw("sandbox", "start").err.startswith("sandbox is already running")  # no version asked: the running one
    other = gw("sandbox", "start", "--api7-version", "3.2.11")
    assert (other.code, other.out) == (2, "")
    assert other.err == ("error: the sandbox is already running, with API7 3.9\n"
                         "hint: stop it first: `gwctl sandbox stop`, then `gwctl sandbox start --api7-version 3.2.11`\n")
