"""Recovery files end to end: a rotation whose store failed exits 12 and leaves a 0600 file;
`gwctl auth status` lists it (never the secret); `gwctl auth recover` lists them, then stores one
where its rotation would have (credential store, token cache, --out FILE), proves it and removes it."""

from __future__ import annotations

import json

import pytest
from test_rotation import PRODUCTS, make_case, mode, recovery_entries, recovery_files


def fail_the_store(case, m):
    from gwctl.api.sg.client import SecureGatewayClient
    from gwctl.cli import rotation
    from gwctl.errors import SecretStorageError

    def broken(*args, **kwargs):
        raise SecretStorageError("disk full")

    if case.product == "opa":
        m.setattr(rotation, "write_out", broken)
    elif case.product == "sg":
        m.setattr(SecureGatewayClient, "cached_gateway_token", broken)
    else:
        m.setattr(rotation, "store_credential", broken)


def stored(case, tmp_path):
    """What the rotation's destination holds now."""
    if case.product in ("opa", "sg"):
        return case.out.read_text().strip() if case.out.exists() else None
    store = json.loads((tmp_path / "config" / "credentials.json").read_text())
    return store[f"sandbox-{case.product}"]["refresh_token" if case.product == "pomerium" else "api_key"]


@pytest.mark.parametrize("product", PRODUCTS)
def test_status_lists_and_recover_stores_a_recovery_file(product, sandbox, monkeypatch, tmp_path):
    case = make_case(product, sandbox, monkeypatch, tmp_path)
    profile = f"sandbox-{product}"
    with monkeypatch.context() as m:
        fail_the_store(case, m)
        failed = case.box.run(*case.argv("--yes"))
    assert failed.code == 12, failed.err
    new = case.secret()
    [recovery] = recovery_files(tmp_path)
    assert mode(recovery) == 0o600 and mode(recovery.parent) == 0o700
    assert mode(recovery.with_suffix(".json")) == 0o600
    assert new not in recovery.with_suffix(".json").read_text()  # the record never holds the secret
    assert stored(case, tmp_path) != new

    status = case.box.run("auth", "status", "-o", "json")
    assert status.code == 0, status.err
    [row] = [r for r in status.json() if r["kind"] == "recovery file"]
    assert row["profile"] == profile and row["product"] == product and row["source"] == str(recovery)
    assert row["detail"].startswith("new ") and row["detail"].endswith(f"run `gwctl auth recover -p {profile}`")
    assert new not in status.all

    listed = case.box.run("auth", "recover", "-o", "json")
    assert listed.code == 0, listed.err
    assert [r["source"] for r in listed.json()] == [str(recovery)]
    assert listed.err == "1 pending recovery file(s): recover a profile's with `gwctl auth recover -p NAME`\n"
    assert recovery.exists() and new not in listed.all

    case.box.emulator.clear_log()
    recovered = case.box.run("auth", "recover", "-p", profile, "-o", "json")
    assert recovered.code == 0, recovered.err
    [row] = recovered.json()
    assert row["result"] == "recovered" and row["file"] == str(recovery)
    assert recovered.err.startswith(f"recovered the new {row['what']} from {recovery}: stored it in ")
    assert recovered.err.endswith(" and verified it\n")
    assert new not in recovered.all
    assert stored(case, tmp_path) == new
    assert recovery_entries(tmp_path) == []
    works = case.works()
    assert works.code == 0, works.err
    again = case.box.run("auth", "recover", "-p", profile)
    assert (again.code, again.err) == (0, f"no pending recovery files for profile {profile}\n")


def test_recover_writes_to_out_when_asked(sandbox, monkeypatch, tmp_path):
    case = make_case("pomerium", sandbox, monkeypatch, tmp_path)
    with monkeypatch.context() as m:
        fail_the_store(case, m)
        assert case.box.run(*case.argv("--yes")).code == 12
    target = tmp_path / "elsewhere" / "token"
    target.parent.mkdir()  # --out never creates directories
    result = case.box.run("auth", "recover", "-p", "sandbox-pomerium", "--out", str(target))
    assert result.code == 0, result.err
    assert target.read_text() == case.secret() + "\n" and mode(target) == 0o600
    assert recovery_files(tmp_path) == []


def test_a_recovery_file_replaced_by_a_later_rotation_is_refused_and_removed(sandbox, monkeypatch, tmp_path):
    case = make_case("api7", sandbox, monkeypatch, tmp_path)
    with monkeypatch.context() as m:
        fail_the_store(case, m)
        assert case.box.run(*case.argv("--yes")).code == 12
    [dead] = recovery_files(tmp_path)
    # The operator stored it by hand, then a later rotation replaced it.
    assert case.box.run("auth", "login", "--stdin", "--insecure-storage", stdin=dead.read_text()).code == 0
    assert case.box.run(*case.argv("--yes")).code == 0
    newest = case.secret()
    result = case.box.run("auth", "recover", "-p", "sandbox-api7")
    assert result.code == 4
    assert result.err.splitlines()[0].startswith(f"{dead}: the server refused the new API token ")
    assert result.err.splitlines()[0].endswith("it is no longer valid (a later rotation replaced it?): "
                                               "not stored, file removed")
    assert stored(case, tmp_path) == newest  # the newest valid one stays
    assert recovery_entries(tmp_path) == []


def test_a_recovery_file_without_a_destination_needs_out(sandbox, tmp_path, monkeypatch):
    from gwctl.sandbox.api7 import TOKEN_CI

    case = make_case("api7", sandbox, monkeypatch, tmp_path)
    with monkeypatch.context() as m:
        from gwctl.cli import secret_output
        from gwctl.errors import SecretStorageError

        def broken(*args, **kwargs):
            raise SecretStorageError("stdout closed")

        m.setattr(secret_output, "emit", broken)
        failed = case.box.run("api7", "tokens", "regenerate", TOKEN_CI, "--expires-in", "90d", "--yes")
    assert failed.code == 12
    [recovery] = recovery_files(tmp_path)
    result = case.box.run("auth", "recover", "-p", "sandbox-api7")
    assert result.code == 2
    assert result.err == (f"error: {recovery}: the API token {TOKEN_CI} was to be printed once: "
                          "give --out FILE to write it\n")
    out = tmp_path / "ci.token"
    ok = case.box.run("auth", "recover", "-p", "sandbox-api7", "--out", str(out))
    assert ok.code == 0, ok.err
    assert out.read_text().strip() == case.box.emulator.tokens[TOKEN_CI]["_secret"]


def test_recover_waits_for_a_running_rotation(sandbox, monkeypatch, tmp_path):
    from gwctl.cli import rotation
    from gwctl.config.files import locked

    case = make_case("pomerium", sandbox, monkeypatch, tmp_path)
    lock = rotation.lock_path("pomerium", "sandbox-pomerium")
    with locked(lock):
        result = case.box.run("auth", "recover", "-p", "sandbox-pomerium", "--lock-timeout", "0")
    assert result.code == 7
    assert result.err.startswith(f"error: another rotation of profile sandbox-pomerium still holds the lock {lock}")


@pytest.mark.parametrize("value", ["nan", "-1", "inf", "x"])
def test_lock_timeout_must_be_a_number_of_seconds(sandbox, tmp_path, monkeypatch, value):
    case = make_case("sg", sandbox, monkeypatch, tmp_path)
    result = case.box.run(*case.argv("--yes", "--lock-timeout", value))
    assert result.code == 2
    assert "--lock-timeout" in result.err and len(result.err.splitlines()) <= 2
    assert case.box.emulator.requests == []
