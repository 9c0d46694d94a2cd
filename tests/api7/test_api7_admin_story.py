"""The administrator story, RBAC enforcement, audit logs, secrets hygiene, session login, streaming export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gwctl.sandbox.api7 import ADMIN_PASSWORD, ADMIN_USER, GG_DEFAULT, GG_STAGING, USER_ADMIN

ALICE_PASSWORD = "Al1ce-initial-Passw0rd"
NO_KEY = {"GWCTL_API7_API_KEY": ""}


def _files_text(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_administrator_story(sandbox):
    box = sandbox("api7")
    run = box.run
    # 1. invite a user (password on stdin), 2. create a role, 3. assign it limited to the staging group
    invited = run("api7", "users", "invite", "alice", "--password-stdin", "-o", "json", stdin=ALICE_PASSWORD + "\n")
    assert invited.code == 0, invited.err
    alice = invited.json()
    assert alice["username"] == "alice" and alice["state"] == "Pending" and ALICE_PASSWORD not in invited.all
    role = run("api7", "roles", "create", "--name", "staging-operator", "--permission", "consumer:write",
               "--permission", "published_service:read", "--desc", "Runs staging", "-o", "json")
    assert role.code == 0, role.err
    assigned = run("api7", "users", "assign-roles", "alice", "--role", "staging-operator:staging", "-o", "json")
    assert assigned.code == 0, assigned.err
    assert box.emulator.calls("PUT", f"/api/users/{alice['id']}/assigned_roles")[0].json == {
        "roles": [{"role_id": role.json()["id"], "scopes": [GG_STAGING]}]}
    assert assigned.json()["roles"] == [{"id": role.json()["id"], "name": "staging-operator", "org_id": "org-sandbox",
                                         "permissions": ["consumer:write", "published_service:read"],
                                         "scope_type": "gateway_group",
                                         "scopes": [{"id": GG_STAGING, "name": "staging"}]}]
    shown = run("api7", "users", "get", "alice")
    assert "roles\tstaging-operator[staging]\n" in shown.out.lower()

    # 4. alice logs in with Basic auth and creates her own token
    basic = {**NO_KEY, "GWCTL_API7_USERNAME": "alice", "GWCTL_API7_PASSWORD": ALICE_PASSWORD}
    token = run("api7", "tokens", "create", "--name", "alice-ci", "--expires-in", "1d", "-o", "json", env=basic)
    assert token.code == 0, token.err
    as_alice = {"GWCTL_API7_API_KEY": token.json()["token"]}
    assert token.json()["user_name"] == "alice"
    mine = run("api7", "tokens", "list", "-o", "json", env=as_alice)
    assert [t["name"] for t in mine.json()] == ["alice-ci"]  # her own tokens only

    # 5. allowed: consumers of staging; refused: another gateway group and the admin side
    listed = run("api7", "consumers", "list", "-g", GG_STAGING, "-o", "json", env=as_alice)
    assert listed.code == 0 and listed.json() == []
    created = run("api7", "consumers", "create", "carol", "-g", GG_STAGING, "-o", "json", env=as_alice)
    assert created.code == 0, created.err
    other = run("api7", "consumers", "list", "-g", GG_DEFAULT, env=as_alice)
    assert other.code == 5
    assert other.err == (f"error: GET /apisix/admin/consumers: 403 FORBIDDEN: permission denied: user alice lacks "
                         f"consumer:read on {GG_DEFAULT}\n")
    admin_side = run("api7", "users", "list", env=as_alice)
    assert admin_side.code == 5 and "lacks user:read" in admin_side.err
    write_refused = run("api7", "gateway-groups", "create", "rogue", env=as_alice)
    assert write_refused.code == 5 and "lacks gateway_group:write" in write_refused.err
    assert "rogue" not in [g["name"] for g in box.emulator.gateway_groups.values()]

    # 6. remove the user: her token stops working at once
    removed = run("api7", "users", "delete", "alice", "--yes")
    assert removed.code == 0 and removed.err == f"deleted user {alice['id']} (alice)\n"
    gone = run("api7", "consumers", "list", "-g", GG_STAGING, env=as_alice)
    assert gone.code == 4

    # 7. the audit log shows each step, in order, with who did it
    audit = run("api7", "audit-logs", "list", "--direction", "asc", "--all", "-o", "json")
    steps = [(e["event_type"], e["operator"]["username"], e["http_response"]["status_code"])
             for e in audit.json()[2:]]  # after the two seeded entries
    assert steps == [("invite_user", "admin", 200), ("create_role", "admin", 200), ("assign_user_roles", "admin", 200),
                     ("create_token", "alice", 200), ("create_consumer", "alice", 200),
                     ("create_gg", "alice", 403), ("delete_user", "admin", 200)]
    entries = audit.json()[2:]
    assert entries[0]["resource_id"] == alice["id"] and entries[0]["http_request"]["body"] == {
        "username": "alice", "password": "******"}
    assert entries[4]["source"] == "api" and entries[4]["token_name"] == "alice-ci"
    assert "permission denied" in entries[5]["error_message"]
    assert ALICE_PASSWORD not in audit.out
    by_alice = run("api7", "audit-logs", "list", "--resource", alice["id"], "--event-type", "delete_user", "-o", "json")
    assert [e["event_type"] for e in by_alice.json()] == ["delete_user"]
    table = run("api7", "audit-logs", "list", "--event-type", "create_gg")
    assert table.out.splitlines()[1].split("\t")[1:6] == ["create_gg", "alice", "api", "", "403"]


def test_viewer_can_read_but_not_write(sandbox):
    box = sandbox("api7")
    viewer = {**NO_KEY, "GWCTL_API7_USERNAME": "ops", "GWCTL_API7_PASSWORD": "ops-password"}
    assert box.run("api7", "services", "list", env=viewer).code == 0
    assert box.run("api7", "audit-logs", "list", env=viewer).code == 0
    denied = box.run("api7", "roles", "create", "--name", "x", "--permission", "ssl:read", env=viewer)
    assert denied.code == 5 and "lacks role:write" in denied.err
    assert box.run("api7", "me", "show", "-o", "json", env=viewer).json()["username"] == "ops"


def test_passwords_never_in_output_logs_or_files(sandbox, isolated):
    box = sandbox("api7")
    secret = "Sup3r-Secret-Pa55"
    invited = box.run("api7", "users", "invite", "dora", "--password-stdin", "-vvv", stdin=secret + "\n")
    assert invited.code == 0, invited.err
    uid = [u for u in box.emulator.users.values() if u["username"] == "dora"][0]["id"]
    reset = box.run("api7", "users", "reset-password", "dora", "--password-stdin", "-vvv", stdin="N3w-" + secret + "\n")
    assert reset.code == 0 and reset.err.endswith("reset the password of user dora\n")
    assert box.emulator.users[uid]["_password"] == "N3w-" + secret
    env = {**NO_KEY, "GWCTL_API7_USERNAME": "dora", "GWCTL_API7_PASSWORD": "N3w-" + secret}
    changed = box.run("api7", "me", "change-password", "--password-stdin", "-vvv", env=env,
                      stdin=f"N3w-{secret}\nTh1rd-{secret}\n")
    assert changed.code == 0, changed.err
    assert "hint: update the stored password with `gwctl auth login -p sandbox-api7`" in changed.err
    assert box.emulator.users[uid]["_password"] == "Th1rd-" + secret
    wrong = box.run("api7", "me", "change-password", "--password-stdin", env={**env, "GWCTL_API7_PASSWORD": "Th1rd-" + secret},
                    stdin=f"nope-{secret}\nX-{secret}\n")
    assert wrong.code == 6 and "the old password is incorrect" in wrong.err
    for result in (invited, reset, changed, wrong):
        assert secret not in result.all
    assert secret not in _files_text(isolated["tmp"])
    audit = box.run("api7", "audit-logs", "list", "--all", "-o", "json")
    assert secret not in audit.out


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_password_input_rules(sandbox):
    box = sandbox("api7")
    piped = box.run("api7", "users", "invite", "erin")
    assert piped.code == 2
    assert piped.err == ("error: no terminal to prompt for the initial password: pass it on stdin with "
                         "--password-stdin\n")
    empty = box.run("api7", "users", "invite", "erin", "--password-stdin", stdin="\n")
    assert empty.code == 2 and empty.err == "error: initial password: stdin was empty\n"
    one_line = box.run("api7", "me", "change-password", "--password-stdin", stdin="only-one\n")
    assert one_line.code == 2 and "expected two lines" in one_line.err
    bad_name = box.run("api7", "users", "invite", "x" * 129, "--password-stdin", stdin="pw\n")
    assert bad_name.code == 2 and "field 'username'" in bad_name.err
    assert box.emulator.requests == []
    prompted = box.run("api7", "users", "invite", "erin", tty=True, stdin_tty=True, stdin="Pr0mpted\nPr0mpted\n")
    assert prompted.code == 0, prompted.err
    assert box.emulator.calls("POST", "/api/invites")[0].json == {"username": "erin", "password": "Pr0mpted"}
    assert "Pr0mpted" not in prompted.all


def test_session_login_stores_cookie_secretly_and_logout_ends_it(sandbox, isolated, keyring_store, monkeypatch):
    box = sandbox("api7")
    monkeypatch.delenv("GWCTL_API7_API_KEY")
    none = box.run("api7", "me", "show")
    assert none.code == 4
    login = box.run("api7", "login", "--username", ADMIN_USER, "--password-stdin", "-vv", "-o", "json",
                    stdin=ADMIN_PASSWORD + "\n")
    assert login.code == 0, login.err
    assert login.json()["id"] == USER_ADMIN
    assert "logged in to profile sandbox-api7 as admin (session stored in keyring service 'gwctl')" in login.err
    cookie_value = next(iter(box.emulator.sessions))
    stored = keyring_store[("gwctl", "sandbox-api7:session")]
    assert stored == f"api7ee_session={cookie_value}"
    assert cookie_value not in login.all and ADMIN_PASSWORD not in login.all
    me = box.run("api7", "me", "show", "-o", "json", "-vv")
    assert me.code == 0 and me.json()["username"] == ADMIN_USER
    assert box.emulator.requests[-1].headers["Cookie"] == stored
    assert cookie_value not in me.all
    status = box.run("auth", "status", "-p", "sandbox-api7")
    assert "session" in status.out and cookie_value not in status.all
    assert cookie_value not in _files_text(isolated["tmp"])
    logout = box.run("api7", "logout")
    assert logout.code == 0 and logout.err == "logged out of profile sandbox-api7 (session removed)\n"
    assert box.emulator.sessions == {} and ("gwctl", "sandbox-api7:session") not in keyring_store
    assert box.run("api7", "me", "show").code == 4
    bad = box.run("api7", "login", "--username", ADMIN_USER, "--password-stdin", stdin="wrong\n")
    assert bad.code == 4 and "invalid username or password" in bad.err and "wrong" not in bad.all


def test_ldap_session_login(sandbox, keyring_store, monkeypatch):
    from gwctl.sandbox.api7 import LOGIN_OPTION_LDAP

    box = sandbox("api7")
    monkeypatch.delenv("GWCTL_API7_API_KEY")
    login = box.run("api7", "login", "--ldap", LOGIN_OPTION_LDAP, "-u", "jdoe", "--password-stdin",
                    stdin=ADMIN_PASSWORD + "\n")
    assert login.code == 0, login.err
    assert box.emulator.calls("POST", f"/api/ldap/{LOGIN_OPTION_LDAP}/login")
    me = box.run("api7", "me", "show", "-o", "json")
    assert me.json()["login_option"]["provider_type"] == "ldap"
    denied = box.run("api7", "services", "list")
    assert denied.code == 5  # a new LDAP user holds no role yet
    assert box.run("api7", "logout", "--ldap", LOGIN_OPTION_LDAP).code == 0
    assert box.emulator.calls("POST", f"/api/ldap/{LOGIN_OPTION_LDAP}/logout")
    assert ("gwctl", "sandbox-api7:session") not in keyring_store


def _fill_audit(emulator, n: int) -> None:
    admin = emulator.users[USER_ADMIN]
    base = int(emulator.clock())
    emulator.audit_logs.extend(
        emulator.audit_entry(event_type="update_service", user=admin, resource_id=f"svc-{i:05d}", method="PUT",
                             uri=f"/apisix/admin/services/svc-{i:05d}", body={"desc": "x" * 200}, event_time=base + i)
        for i in range(n))


EXPORT_SERVER = """
import json, sys
from gwctl.sandbox.api7 import Api7Emulator, USER_ADMIN
from gwctl.sandbox.server import serve

emulator = Api7Emulator()
admin = emulator.users[USER_ADMIN]
base = int(emulator.clock())
emulator.audit_logs.extend(
    emulator.audit_entry(event_type="update_service", user=admin, resource_id=f"svc-{i:05d}", method="PUT",
                         uri=f"/apisix/admin/services/svc-{i:05d}", body={"desc": "x" * 200}, event_time=base + i)
    for i in range(10_000))
server = serve(emulator)
print(json.dumps({"url": server.url, "credentials": emulator.credentials(), "options": emulator.profile_options()}),
      flush=True)
sys.stdin.read()  # serve until the test closes our stdin
"""


@pytest.fixture
def export_server():
    """An API7 emulator with 10,000 audit entries in its own process, so that tracemalloc in this
    process sees the client alone (the server's allocations are not the client's memory)."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", EXPORT_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    try:
        yield json.loads(proc.stdout.readline())
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_export_10000_entries_streams_with_flat_memory(gw, export_server, tmp_path, monkeypatch):
    """tracemalloc's peak in the client from the request to the last byte written."""
    import gc
    import tracemalloc

    from gwctl.api.api7.client import Api7Client

    added = gw("profile", "add", "big", "--product", "api7", "--url", export_server["url"],
               "--gateway-group", export_server["options"]["gateway_group"])
    assert added.code == 0, added.err
    monkeypatch.setenv("GWCTL_API7_API_KEY", export_server["credentials"]["api_key"])
    peaks: list[int] = []
    original = Api7Client.stream

    def measured(self, *args, **kwargs):
        gc.collect()
        tracemalloc.reset_peak()
        try:
            return original(self, *args, **kwargs)
        finally:
            peaks.append(tracemalloc.get_traced_memory()[1])

    out = tmp_path / "audit.json"
    warm = gw("api7", "audit-logs", "export", "--format", "json", "--event-type", "none", "--out", str(out))
    assert warm.code == 0 and json.loads(out.read_text()) == []  # first-use imports happen before measuring
    monkeypatch.setattr(Api7Client, "stream", measured)
    tracemalloc.start()
    try:
        result = gw("api7", "audit-logs", "export", "--format", "json", "--out", str(out))
    finally:
        tracemalloc.stop()
    assert result.code == 0, result.err
    size = out.stat().st_size
    assert result.err == f"wrote {size} bytes to {out}\n" and result.out == ""
    entries = json.loads(out.read_text())
    assert len(entries) == 10_002  # with the two seeded entries
    assert sorted(e["resource_id"] for e in entries if e["resource_id"].startswith("svc-")) == [
        f"svc-{i:05d}" for i in range(10_000)]
    assert size > 5_000_000 and len(peaks) == 1
    assert peaks[0] < size / 10, f"peak {peaks[0]} bytes for a {size}-byte export: the body was held in memory"


def test_export_csv_with_filters_and_progress_only_on_tty(sandbox, tmp_path):
    box = sandbox("api7")
    _fill_audit(box.emulator, 300)
    out = tmp_path / "audit.csv"
    tty = box.run("api7", "audit-logs", "export", "--format", "csv", "--out", str(out), "--event-type",
                  "update_service", "--from", "2000-01-01", tty=True)
    assert tty.code == 0, tty.err
    lines = out.read_text().splitlines()
    assert lines[0] == ("id,event_time,event_type,operator_id,operator,source,token_name,resource_id,ip_address,"
                        "method,uri,status_code,error_message")
    assert len(lines) == 301 and all(",update_service," in line for line in lines[1:])
    assert "\rexporting audit logs: " in tty.err and tty.err.endswith(f"wrote {out.stat().st_size} bytes to {out}\n")
    query = box.emulator.calls("GET", "/api/audit_logs/export")[0].query
    assert query["format"] == "csv" and query["event_type"] == "update_service" and query["start_at"] == "946684800"
    piped = box.run("api7", "audit-logs", "export", "--format", "csv", "--event-type", "login")
    assert piped.code == 0 and piped.err == ""
    assert piped.out.splitlines()[1].split(",")[2] == "login"
    bad = box.run("api7", "audit-logs", "export", "--format", "xml")
    assert bad.code == 2 and bad.err == "error: invalid --format 'xml': choose json or csv\n"
