"""Crash-safe refresh-token renewal: `gwctl pomerium users renew-token USER_ID --store`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from pomerium_helpers import calls

ADMIN = "usrAdminApi"
RENEW = f"POST /organizations/orgAcme/users/{ADMIN}/refreshToken"


@pytest.fixture
def filestore(pom, monkeypatch, isolated):
    """The cron setup: the token lives in the profile's 0600 file store, nothing in the environment."""
    monkeypatch.delenv("GWCTL_POMERIUM_TOKEN")
    result = pom.run("auth", "login", "--stdin", "--insecure-storage", stdin=pom.emulator.admin_token + "\n")
    assert result.code == 0, result.err
    pom.emulator.clear_log()
    return isolated["tmp"] / "config" / "credentials.json"


def stored(path) -> str:
    return json.loads(path.read_text())["sandbox-pomerium"]["refresh_token"]


def test_cron_renewal_stores_verifies_and_the_old_token_dies(pom, filestore, isolated):
    old = pom.emulator.admin_token
    result = pom.run("pomerium", "users", "renew-token", ADMIN, "--store", "--yes")  # no TTY anywhere
    assert result.code == 0, result.err
    new = pom.emulator.refresh_token_of(ADMIN)
    assert new != old and stored(filestore) == new
    assert result.err == (f"renewed the refresh token of API user {ADMIN}, stored it in {filestore} "
                          "and verified it at /token\n")
    assert result.out == f"USER_ID\t{ADMIN}\nSTORED_IN\t{filestore}\nVERIFIED\ttrue\n"
    assert new not in result.all and old not in result.all
    # persisted before it was proven: renew, then exchange the token read back from the store
    assert calls(pom.emulator)[-2:] == [RENEW, "POST /token"]
    assert pom.emulator.requests[-1].json == {"refreshToken": new}
    assert oct(filestore.stat().st_mode & 0o777) == "0o600"

    # the next run (fresh cache) exchanges the new token and works
    (isolated["tmp"] / "cache" / "tokens.json").unlink()
    pom.emulator.clear_log()
    assert pom.run("pomerium", "users", "me", "-o", "json").json()["id"] == ADMIN
    assert pom.emulator.requests[0].json == {"refreshToken": new}
    # the old token no longer works anywhere
    refused = pom.run("pomerium", "clusters", "list", env={"GWCTL_POMERIUM_TOKEN": old})
    assert refused.code == 4 and "401 Unauthorized: invalid refresh token" in refused.err


def test_renewal_json_output(pom, filestore, tmp_path):
    target = tmp_path / "copy.token"
    result = pom.run("pomerium", "users", "renew-token", ADMIN, "--store", "--out", str(target), "--yes", "-o", "json")
    assert result.code == 0, result.err
    assert result.json() == {"userId": ADMIN, "storedIn": str(filestore), "verified": True,
                             "written_to": str(target)}
    assert target.read_text() == pom.emulator.refresh_token_of(ADMIN) + "\n" == stored(filestore) + "\n"


def test_renewal_drops_the_cached_id_token(pom, filestore, isolated):
    assert pom.run("pomerium", "clusters", "list").code == 0
    [before] = json.loads((isolated["tmp"] / "cache" / "tokens.json").read_text()).values()
    assert pom.run("pomerium", "users", "renew-token", ADMIN, "--store", "--yes").code == 0
    [after] = json.loads((isolated["tmp"] / "cache" / "tokens.json").read_text()).values()
    assert after["token"] != before["token"]  # only the one obtained from the new refresh token is kept
    assert after["token"] in pom.emulator.id_tokens


def test_a_different_refresh_token_never_uses_another_ones_cached_id_token(pom):
    assert pom.run("pomerium", "users", "me").code == 0
    auditor = pom.emulator.auditor_token
    result = pom.run("pomerium", "users", "me", "-o", "json", env={"GWCTL_POMERIUM_TOKEN": auditor})
    assert result.json()["id"] == "usrAuditorApi"
    assert [r.json for r in pom.emulator.requests if r.path.endswith("/token")] == [
        {"refreshToken": pom.emulator.admin_token}, {"refreshToken": auditor}]


def test_when_storing_fails_the_token_goes_to_a_recovery_file(pom, filestore, monkeypatch, isolated):
    from gwctl.config import credentials
    from gwctl.errors import SecretStorageError

    old = pom.emulator.admin_token

    def broken(self, name, value, storage=None):
        raise SecretStorageError("disk full")

    monkeypatch.setattr(credentials.Credentials, "store", broken)
    result = pom.run("pomerium", "users", "renew-token", ADMIN, "--store", "--yes")
    assert result.code == 12
    new = pom.emulator.refresh_token_of(ADMIN)
    recovery_dir = isolated["tmp"] / "state" / "recovery"
    [recovery] = list(recovery_dir.glob("*.txt"))
    assert recovery.read_text() == new + "\n"
    assert oct(recovery.stat().st_mode & 0o777) == "0o600"
    # unified rotation wording: one error line naming the recovery file, one hint
    assert result.err == (
        f"error: could not store the new refresh token of user {ADMIN}: disk full; it is saved in {recovery}\n"
        "hint: run `gwctl auth recover -p sandbox-pomerium` once the cause is fixed, or "
        f"store it with `gwctl auth login -p sandbox-pomerium --stdin --insecure-storage < {recovery}`, "
        "then delete the file\n")
    assert new not in result.all
    assert stored(filestore) == old  # unchanged, and now dead
    # the recovered token is usable
    ok = pom.run("pomerium", "users", "me", "-o", "json", env={"GWCTL_POMERIUM_TOKEN": recovery.read_text().strip()})
    assert ok.code == 0 and ok.json()["id"] == ADMIN


def test_env_supplied_token_refuses_store_and_out_is_the_way(pom, tmp_path):
    result = pom.run("pomerium", "users", "renew-token", ADMIN, "--store", "--yes")
    assert result.code == 2
    assert result.err == (
        "error: --store: this profile's refresh token comes from GWCTL_POMERIUM_TOKEN, which gwctl cannot update\n"
        "hint: renew with --out FILE instead, then put the new token wherever GWCTL_POMERIUM_TOKEN is set\n")
    assert pom.emulator.requests == []
    target = tmp_path / "new.token"
    result = pom.run("pomerium", "users", "renew-token", ADMIN, "--out", str(target), "--yes")
    assert result.code == 0
    assert target.read_text() == pom.emulator.refresh_token_of(ADMIN) + "\n"
    assert result.err.startswith(f"renewed the refresh token of user {ADMIN}: every earlier token of that user "
                                 "stopped working\n")
    assert pom.emulator.refresh_token_of(ADMIN) not in result.all


def test_renewal_without_store_prints_the_token_once(pom):
    result = pom.run("pomerium", "users", "renew-token", "usrAuditorApi", "--yes", "-o", "json")
    assert result.code == 0
    assert result.json() == {"refreshToken": pom.emulator.refresh_token_of("usrAuditorApi")}


def test_store_renews_only_the_profiles_own_user(pom, filestore):
    result = pom.run("pomerium", "users", "renew-token", "usrAuditorApi", "--store", "--yes")
    assert result.code == 2
    assert result.err.startswith(f"error: --store renews only the API user this profile authenticates as ({ADMIN}), "
                                 "not usrAuditorApi\n")
    assert not [c for c in calls(pom.emulator) if c.endswith("/refreshToken")]


def test_a_held_lock_makes_a_second_renewal_fail_cleanly(pom, filestore, monkeypatch, isolated):
    from gwctl.config.files import locked

    lock = isolated["tmp"] / "state" / "locks" / "rotate-pomerium-sandbox-pomerium"
    with locked(lock):
        result = pom.run("pomerium", "users", "renew-token", ADMIN, "--store", "--yes", "--lock-timeout", "0.2")
    assert result.code == 7
    assert result.err == (
        f"waiting up to 0.2s for another rotation of profile sandbox-pomerium to finish (lock {lock})\n"
        f"error: another rotation of profile sandbox-pomerium still holds the lock {lock} after 0.2s (--lock-timeout); "
        "nothing was changed\n"
        "hint: try again when it has finished, or wait longer with --lock-timeout SECONDS\n")
    assert pom.emulator.requests == []  # nothing renewed, nothing lost
    assert stored(filestore) == pom.emulator.admin_token == pom.emulator.refresh_token_of(ADMIN)


def test_two_concurrent_renewals_lose_no_token(pom, filestore):
    env = {k: v for k, v in os.environ.items() if k != "GWCTL_POMERIUM_TOKEN"}
    argv = [sys.executable, "-m", "gwctl", "pomerium", "users", "renew-token", ADMIN, "--store", "--yes", "-o", "json"]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=60), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert [code for code, _, _ in results] == [0, 0], results
    assert [c for c in calls(pom.emulator) if c.endswith("/refreshToken")] == [RENEW, RENEW]
    # the token in the store is the last one issued, and it works
    assert stored(filestore) == pom.emulator.refresh_token_of(ADMIN)
    assert pom.run("pomerium", "users", "me").code == 0
