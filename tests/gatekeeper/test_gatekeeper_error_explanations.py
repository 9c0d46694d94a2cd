"""`gwctl gatekeeper` explains unknown tasks and sealed vaults, and does not mistake a proxy's 503 for a seal."""

from __future__ import annotations

import pytest


@pytest.fixture
def gk(sandbox):
    return sandbox("gatekeeper")


def test_unknown_task_hint_is_about_the_task_not_about_logging_in(gk):
    # Gatekeeper has no API credentials: `gwctl auth login` cannot fix a 401 from /token.
    result = gk.run("gatekeeper", "token", "request", "--task-id", "nope")
    assert result.code == 4
    assert result.out == ""
    assert result.err == (
        "error: task 'nope' is unknown to the scheduler (or the caller's host does not match it)"
        " (server said: Task not found.)\n"
        "hint: check --task-id (and --scheduler): the task must be running, and ask from the host it runs on\n"
    )


def test_a_proxys_503_page_on_token_is_not_reported_as_sealed(gk, sleeps):
    gk.emulator.fail_next(status=503, body="<html><body>upstream unavailable</body></html>", path="/token")
    result = gk.run("gatekeeper", "token", "request", "--task-id", "web-task")
    assert result.code == 8
    assert result.out == ""
    assert result.err == ("error: POST /token: 503 SERVICE UNAVAILABLE\n"
                          "hint: the request may have been applied: check before repeating it\n")
    assert len(gk.emulator.calls("POST", "/token")) == 1
    assert sleeps == []


def test_a_proxys_503_page_on_reload_is_not_reported_as_sealed(gk):
    gk.emulator.fail_next(status=503, body="Service Unavailable", path="/policies/reload")
    result = gk.run("gatekeeper", "policies", "reload")
    assert result.code == 8
    assert result.err == ("error: POST /policies/reload: 503 SERVICE UNAVAILABLE\n"
                          "hint: the request may have been applied: check before repeating it\n")


def test_the_sealed_503_is_still_explained(gk):
    gk.emulator.token = None
    result = gk.run("gatekeeper", "policies", "reload")
    assert result.code == 8
    assert result.err == (
        "error: Gatekeeper is sealed: it cannot reload policies"
        " (server said: Failed to reload policies: gatekeeper is sealed.)\n"
        "hint: unseal it with a Vault token on stdin: `printf '%s\\n' \"$VAULT_TOKEN\" | gwctl -p sandbox-gatekeeper gatekeeper unseal --method token --token-stdin`\n"
    )
