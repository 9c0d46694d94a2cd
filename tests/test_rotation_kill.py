"""kill -9 at each step of every rotation command, and concurrent rotations, in real processes.

Each rotation runs as its own `python` process against the product's emulator. The kill lands
deterministically: either the process stops at a named point of the rotation flow
(`Rotation._at`, patched by the launcher below: nothing in gwctl itself waits for tests), or a
gate in front of the emulator holds one request (before the server acts) or its answer (after
the server acted). After `kill -9` the test proves a valid credential is stored or sits in the
recovery file, and that `gwctl auth recover` puts it where it belongs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
from test_rotation import OPA_OLD, POM_USER, SG_GATEWAY, make_case, recovery_entries, recovery_files

from gwctl.sandbox.api7 import TOKEN_SANDBOX

REPO = Path(__file__).resolve().parents[1]
WAIT = 60.0  # real seconds a process may take to reach a point (two shared cores, cold imports)

# Runs gwctl in a child process, stopping at ROTATION_PAUSE_AT (a point of Rotation._at) until killed.
LAUNCHER = """
import os, sys, time
from gwctl.cli import rotation

point, marker = os.environ.get("ROTATION_PAUSE_AT"), os.environ.get("ROTATION_PAUSE_FILE")

def _at(self, name):
    if name == point:
        with open(marker, "w") as fh:
            fh.write(name)
        time.sleep(3600)

rotation.Rotation._at = _at
from gwctl.main import run
sys.argv[0] = "gwctl"
run()
"""


class Gate:
    """WSGI middleware before an emulator: holds the first request matching (method, path) either
    before the emulator sees it ("request") or after it answered ("answer")."""

    def __init__(self, app, method, path, when):
        self.app, self.method, self.path, self.when = app, method, path, when
        self.reached, self.release = threading.Event(), threading.Event()
        self.forward = True  # after release: let a held request through, or drop it
        self.used = False

    def __call__(self, environ, start_response):
        hit = (not self.used and environ["REQUEST_METHOD"] == self.method
               and fnmatchcase(environ["PATH_INFO"], self.path))
        if not hit:
            return self.app(environ, start_response)
        self.used = True
        if self.when == "request":
            self.reached.set()
            self.release.wait(WAIT)
            if not self.forward:
                start_response("502 Bad Gateway", [("Content-Length", "0")])
                return [b""]
            return self.app(environ, start_response)
        captured = {}

        def keep(status, headers, exc_info=None):
            captured["args"] = (status, headers)
            return lambda data: None

        body = b"".join(self.app(environ, keep))  # the server acted
        self.reached.set()
        self.release.wait(WAIT)
        start_response(*captured["args"])
        return [body]


def install_gate(box, method, path, when) -> Gate:
    gate = Gate(box.server.app, method, path, when)
    box.server._server.app = gate  # the running server serves through the gate from now on
    return gate


def child_env(extra=None):
    env = dict(os.environ)
    env.update({"PYTHONPATH": str(REPO), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                "PYTHONDONTWRITEBYTECODE": "1", **(extra or {})})
    return env


def spawn(argv, tmp_path, name, pause=None):
    err = open(tmp_path / f"{name}.err", "w")
    out = open(tmp_path / f"{name}.out", "w")
    extra = {"ROTATION_PAUSE_AT": pause or "", "ROTATION_PAUSE_FILE": str(tmp_path / f"{name}.paused")}
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, *argv], env=child_env(extra), stdout=out, stderr=err,
                            cwd=tmp_path)
    out.close()
    err.close()
    return proc


def wait_for(what, check, proc):
    deadline = time.monotonic() + WAIT
    while not check():
        if proc.poll() is not None:
            raise AssertionError(f"the rotation ended (exit {proc.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the rotation did not reach {what} within {WAIT:g}s")
        time.sleep(0.02)


def kill9(proc):
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(WAIT) == -signal.SIGKILL


# -- what each product's rotation stores, and what is valid ------------------------------------------


class Kill:
    def __init__(self, case, tmp_path):
        self.case, self.tmp = case, tmp_path
        self.product = case.product
        self.profile = f"sandbox-{case.product}"
        self.emulator = case.box.emulator

    def valid(self, value) -> bool:
        e = self.emulator
        if not value:
            return False
        if self.product == "opa":
            return value in {t["token"] for t in e.setup_tokens.values()}
        if self.product == "pomerium":
            return value == e.refresh_token_of(POM_USER)
        if self.product == "sg":
            return value == e.gateways[SG_GATEWAY]["jwt"]
        return value == e.tokens[TOKEN_SANDBOX]["_secret"]

    def stored(self) -> list:
        """Every place the rotation delivers to, with what it holds now."""
        found = []
        if self.case.out.exists():
            found.append(self.case.out.read_text().strip())
        if self.product in ("pomerium", "api7"):
            store = json.loads((self.tmp / "config" / "credentials.json").read_text())
            found.append(store[self.profile]["refresh_token" if self.product == "pomerium" else "api_key"])
        if self.product == "sg":
            cache = self.tmp / "cache" / "tokens.json"
            data = json.loads(cache.read_text()) if cache.exists() else {}
            found += [v["token"] for k, v in data.items() if k.endswith(f"gateway:{SG_GATEWAY}")]
        return found

    def recovered(self) -> list:
        return [p.read_text().strip() for p in recovery_files(self.tmp)]


def setup(product, sandbox, monkeypatch, tmp_path) -> Kill:
    case = make_case(product, sandbox, monkeypatch, tmp_path)
    if product == "opa":  # what the gateways read today: the token about to be replaced
        case.out.write_text(case.box.emulator.setup_tokens[OPA_OLD]["token"] + "\n")
        case.out.chmod(0o600)
    if product == "sg":  # gwctl knows the gateway's current token (as after any earlier sg command)
        assert case.box.run("sg", "gateways", "list").code == 0
    case.box.emulator.clear_log()
    return Kill(case, tmp_path)


MINT = {"opa": ("POST", "*/gateway_setup_tokens"), "pomerium": ("POST", f"*/users/{POM_USER}/refreshToken"),
        "sg": ("PUT", f"/v1/sgconfig/{SG_GATEWAY}"), "api7": ("PUT", "*/regenerate")}

# Every point of each command's flow, in order. "lock": waiting for another rotation's lock;
# "request"/"answer": the minting call held before / after the server acted; the rest: Rotation._at.
POINTS = {
    "opa": ["lock", "request", "answer", "minted", "write", "secured", "revoke", "print"],
    "pomerium": ["lock", "request", "answer", "minted", "store", "verify", "secured"],
    "sg": ["lock", "request", "answer", "minted", "store", "verify", "write", "secured"],
    "api7": ["lock", "request", "answer", "minted", "check", "store", "verify", "secured"],
}
CASES = [(product, point) for product, points in POINTS.items() for point in points]

# The one window no client can close: the server replaced the secret (killing the old one at once)
# and the answer holding the new one never reached gwctl. The record written before the mint makes
# it visible in `gwctl auth status`. SG lists a gateway's token: `auth recover` fetches the new one.
LOST_IN_FLIGHT = {("pomerium", "answer"), ("api7", "answer")}
FETCHED = {("sg", "answer")}


@pytest.mark.parametrize("product, point", CASES, ids=[f"{p}-{k}" for p, k in CASES])
def test_kill_9_at_each_step_leaves_a_valid_credential(product, point, sandbox, monkeypatch, tmp_path):
    from gwctl.cli import rotation
    from gwctl.config.files import locked

    k = setup(product, sandbox, monkeypatch, tmp_path)
    box = k.case.box
    before = k.stored()
    assert before and all(k.valid(v) for v in before)
    argv = k.case.argv("--yes")
    gate = None
    if point in ("request", "answer"):
        gate = install_gate(box, *MINT[product], point)
    elif point == "revoke":
        gate = install_gate(box, "DELETE", f"*/{OPA_OLD}", "request")
    if point == "lock":
        with locked(rotation.lock_path(product, k.profile)):  # another rotation of the profile is running
            proc = spawn(argv, tmp_path, "rot")
            wait_for("the lock", lambda: "waiting up to" in (tmp_path / "rot.err").read_text(), proc)
            kill9(proc)
    else:
        proc = spawn(argv, tmp_path, "rot", pause=None if gate else point)
        if gate:
            wait_for(f"the held {point}", gate.reached.is_set, proc)
        else:
            wait_for(f"point {point}", (tmp_path / "rot.paused").exists, proc)
        kill9(proc)
        if gate:
            gate.forward = False  # the proxy drops what the dead client sent
            gate.release.set()

    stored, kept = k.stored(), k.recovered()
    minted = bool(k.case.mints()) and point not in ("lock", "request")
    assert len(k.case.mints()) <= 1
    if point in ("lock", "request"):
        assert not minted and stored == before and kept == []  # nothing happened
    elif (product, point) in LOST_IN_FLIGHT | FETCHED:
        assert not any(k.valid(v) for v in stored + kept)
    else:
        # The kill left a valid credential where the rotation delivers, or in the recovery file.
        assert any(k.valid(v) for v in stored + kept), (stored, kept)
        if point not in ("answer",) and not (product == "opa" and point in ("secured", "revoke", "print")):
            assert kept and all(k.valid(v) for v in kept)  # from the mint on, the new one is in the file
    for path in recovery_files(tmp_path):
        assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700

    status = box.run("auth", "status", "-o", "json")
    assert status.code == 0, status.err
    pending = [r for r in status.json() if r["kind"] in ("recovery file", "interrupted rotation")]
    assert [r["kind"] for r in pending] == (["recovery file"] * len(kept) if kept else
                                           ["interrupted rotation"] if point in ("request", "answer") else [])
    assert not any(v in status.all for v in stored + kept)

    recovered = box.run("auth", "recover", "-p", k.profile)
    assert recovered.code == 0, recovered.err
    assert recovery_entries(tmp_path) == []
    if (product, point) in LOST_IN_FLIGHT:
        assert "nothing to recover" in recovered.err
        return
    # After recovery every place the rotation delivers to holds a valid credential, and it works.
    after = k.stored()
    assert after and all(k.valid(v) for v in after), (point, after)
    if (product, point) in FETCHED:
        assert "fetched the current one from the API and stored it in the token cache" in recovered.err
    if product != "opa":  # opa: F holding a live setup token (above) is the proof
        works = k.case.works()
        assert works.code == 0, works.err


def test_kill_9_of_a_pomerium_renewal_waiting_for_the_credentials_file_lock(sandbox, monkeypatch, tmp_path):
    """Another process holds the credentials file's lock while the renewal holds the new token:
    the kill leaves it in the recovery file, and `auth recover` stores it once the lock is free."""
    from gwctl.config.files import locked

    k = setup("pomerium", sandbox, monkeypatch, tmp_path)
    store = tmp_path / "config" / "credentials.json"
    with locked(store):
        proc = spawn(k.case.argv("--yes"), tmp_path, "rot")
        wait_for("the renewal", lambda: len(k.case.mints()) == 1 and recovery_files(tmp_path), proc)
        time.sleep(0.3)  # well inside the store's wait for the credentials file lock
        kill9(proc)
    [kept] = k.recovered()
    assert k.valid(kept) and not any(k.valid(v) for v in k.stored())
    result = k.case.box.run("auth", "recover", "-p", k.profile)
    assert result.code == 0, result.err
    assert all(k.valid(v) for v in k.stored()) and k.case.works().code == 0


def test_a_storage_failure_behind_a_held_credentials_lock_exits_12(sandbox, monkeypatch, tmp_path):
    """The same renewal, not killed: the credentials file stays locked past the store's wait."""
    from gwctl.config import files

    k = setup("pomerium", sandbox, monkeypatch, tmp_path)
    real = files.locked
    monkeypatch.setattr(files, "locked", lambda path, timeout=10.0: real(path, timeout=0.2))
    with real(tmp_path / "config" / "credentials.json"):
        result = k.case.box.run(*k.case.argv("--yes"))
    assert result.code == 12
    [kept] = recovery_files(tmp_path)
    assert result.err.splitlines()[-2] == (
        f"error: could not store the new refresh token of user {POM_USER}: {tmp_path / 'config' / 'credentials.json'} "
        f"is locked by another gwctl process; try again; it is saved in {kept}")
    assert k.valid(kept.read_text().strip())


# -- concurrency -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("product", ["pomerium", "sg", "api7", "opa"])
def test_ten_concurrent_rotations_of_one_profile(product, sandbox, monkeypatch, tmp_path):
    """10 processes rotate the same profile at once: they run one after another, the store parses,
    and the store and --out end with the newest token, which is valid; every other one is dead."""
    k = setup(product, sandbox, monkeypatch, tmp_path)
    argv = k.case.argv("--yes", "--lock-timeout", "300")
    if product in ("pomerium", "api7"):
        argv = (*argv, "--out", str(k.case.out))
    if product == "opa":
        argv = ("opa", "setup-tokens", "rotate", "-d", "rotated", "--out", str(k.case.out), "--yes",
                "--lock-timeout", "300", "-l", "env=ci", "--replace-matching-labels")
    procs = [spawn(argv, tmp_path, f"r{i}") for i in range(10)]
    codes = [p.wait(300) for p in procs]
    errs = [(tmp_path / f"r{i}.err").read_text() for i in range(10)]
    assert codes == [0] * 10, errs
    mints = k.case.mints()
    assert len(mints) == 10
    if product in ("pomerium", "api7"):
        store = json.loads((tmp_path / "config" / "credentials.json").read_text())  # parses
        assert set(store) == {k.profile}
    stored = k.stored()
    assert stored and len(set(stored)) == 1 and k.valid(stored[0])
    if product == "opa":
        live = [t for t in k.emulator.setup_tokens.values() if t.get("details", {}).get("labels") == {"env": "ci"}]
        assert [t["token"] for t in live] == stored[:1]  # every earlier one was replaced (deleted)
    assert recovery_entries(tmp_path) == []
    works = k.case.works() if product != "opa" else None
    assert works is None or works.code == 0, works.err


def test_sg_and_api7_rotations_writing_one_out_file_leave_it_live(sandbox, monkeypatch, tmp_path):
    """`sg gateways rotate-token --out F` and `api7 tokens regenerate --out F`, several of each at
    once: F always ends with a live token (the --out lock orders the writes after their mints)."""
    from gwctl.sandbox.api7 import TOKEN_CI

    sg = setup("sg", sandbox, monkeypatch, tmp_path)
    api7 = sandbox("api7")
    target = tmp_path / "shared.token"
    runs = []
    for i in range(4):
        runs.append(spawn(("sg", "gateways", "rotate-token", SG_GATEWAY, "--out", str(target), "--yes",
                           "--lock-timeout", "300"), tmp_path, f"sg{i}"))
        runs.append(spawn(("-p", "sandbox-api7", "api7", "tokens", "regenerate", TOKEN_CI, "--expires-in", "90d",
                           "--out", str(target), "--yes", "--lock-timeout", "300"), tmp_path, f"api7{i}"))
    codes = [p.wait(300) for p in runs]
    assert codes == [0] * len(runs), [(tmp_path / f"{n}.err").read_text() for n in
                                      [f"sg{i}" for i in range(4)] + [f"api7{i}" for i in range(4)]]
    value = target.read_text().strip()
    live = {sg.emulator.gateways[SG_GATEWAY]["jwt"], api7.emulator.tokens[TOKEN_CI]["_secret"]}
    assert value in live
    assert target.stat().st_mode & 0o777 == 0o600
