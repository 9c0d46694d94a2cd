"""The one rotation flow, end to end against each product's emulator: `opa setup-tokens rotate`,
`pomerium users renew-token`, `sg gateways rotate-token`, `api7 tokens regenerate`.

Each rotates and the stored secret works afterwards; a failing store (or a kill) leaves a 0600
recovery file with the new secret and an error naming it; no TTY and no --yes exits 2; a held
per-profile lock refuses a second rotation; the minting call is never resent."""

from __future__ import annotations

import os
import stat

import pytest

from gwctl.sandbox.api7 import CI_API_KEY, SANDBOX_API_KEY, TOKEN_CI, TOKEN_SANDBOX

OPA_OLD = "b09ba4db-d5b4-4ec5-90da-188e1d13d467"
OPA_SEEDED = {OPA_OLD, "0bcea2c6-8fd7-44f8-8125-eba8418a18d8", "c5a1e7d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f"}
POM_USER = "usrAdminApi"
SG_GATEWAY = "qCTv6Onseiy_prod_us-south"
PRODUCTS = ("opa", "pomerium", "sg", "api7")


class Case:
    """One product's rotation: its argv, where the new secret is, and which call mints it."""

    def __init__(self, product, box, tmp_path):
        self.product, self.box, self.out = product, box, tmp_path / "new.secret"

    def argv(self, *extra):
        base = {
            "opa": ("opa", "setup-tokens", "rotate", "-d", "rotated", "--replace", OPA_OLD, "--out", str(self.out)),
            "pomerium": ("pomerium", "users", "renew-token", POM_USER, "--store"),
            "sg": ("sg", "gateways", "rotate-token", SG_GATEWAY, "--out", str(self.out)),
            "api7": ("api7", "tokens", "regenerate", TOKEN_SANDBOX, "--expires-in", "90d"),
        }[self.product]
        return (*base, *extra)

    def secret(self):
        e = self.box.emulator
        if self.product == "opa":
            fresh = [t["token"] for i, t in e.setup_tokens.items() if i not in OPA_SEEDED]
            return fresh[0] if fresh else None
        if self.product == "pomerium":
            return e.refresh_token_of(POM_USER)
        if self.product == "sg":
            return e.gateways[SG_GATEWAY]["jwt"]
        return e.tokens[TOKEN_SANDBOX]["_secret"]

    def mints(self):
        e = self.box.emulator
        return {
            "opa": lambda: e.calls("POST", "*/gateway_setup_tokens"),
            "pomerium": lambda: e.calls("POST", f"*/users/{POM_USER}/refreshToken"),
            "sg": lambda: e.calls("PUT", f"/v1/sgconfig/{SG_GATEWAY}"),
            "api7": lambda: e.calls("PUT", "*/regenerate"),
        }[self.product]()

    def works(self):
        """A command that needs the rotated secret as gwctl stored it."""
        run = self.box.run
        if self.product == "opa":
            return run("opa", "setup-tokens", "reveal", next(i for i in self.box.emulator.setup_tokens
                                                              if i not in OPA_SEEDED))
        if self.product == "pomerium":
            cache = os.path.join(os.environ["GWCTL_CACHE_DIR"], "tokens.json")
            if os.path.exists(cache):
                os.unlink(cache)  # no ID token left over: the stored refresh token must work
            return run("pomerium", "users", "me", "-o", "json")
        if self.product == "sg":  # the gateway's own calls take the cached security token
            self.box.emulator.clear_log()
            result = run("sg", "api", "GET", f"/v1/sgconfig/{SG_GATEWAY}/destinations")
            assert [r.headers["Authorization"] for r in self.box.emulator.requests] == [f"Bearer {self.secret()}"]
            return result
        return run("-p", "sandbox-api7", "api7", "tokens", "list")


def make_case(product, sandbox, monkeypatch, tmp_path) -> Case:
    box = sandbox(product)
    if product in ("pomerium", "api7"):
        # The profile's own secret is what rotates: keep it in the profile's 0600 file store, as cron does.
        env = {"pomerium": "GWCTL_POMERIUM_TOKEN", "api7": "GWCTL_API7_API_KEY"}[product]
        value = os.environ[env]
        monkeypatch.delenv(env)
        login = box.run("auth", "login", "--stdin", "--insecure-storage", stdin=value + "\n")
        assert login.code == 0, login.err
        box.emulator.clear_log()
    return Case(product, box, tmp_path)


@pytest.fixture(params=PRODUCTS)
def case(request, sandbox, monkeypatch, tmp_path) -> Case:
    return make_case(request.param, sandbox, monkeypatch, tmp_path)


@pytest.fixture
def api7(sandbox, monkeypatch, tmp_path) -> Case:
    return make_case("api7", sandbox, monkeypatch, tmp_path)


def recovery_files(tmp_path):
    """The secret files of the recovery directory (each has a .json record next to it)."""
    folder = tmp_path / "state" / "recovery"
    return sorted(folder.glob("*.txt")) if folder.exists() else []


def recovery_entries(tmp_path):
    folder = tmp_path / "state" / "recovery"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_rotates_and_the_stored_secret_works(case, tmp_path):
    before = case.secret()
    result = case.box.run(*case.argv("--yes"))
    assert result.code == 0, result.err
    new = case.secret()
    assert new and new != before
    assert len(case.mints()) == 1
    assert new not in result.all and (before is None or before not in result.all)
    if case.product in ("opa", "sg"):
        assert case.out.read_text() == new + "\n" and mode(case.out) == 0o600
    assert recovery_entries(tmp_path) == []  # file and record removed once the new secret was safe
    works = case.works()
    assert works.code == 0, works.err
    if case.product == "opa":
        assert works.out == new + "\n" and OPA_OLD not in case.box.emulator.setup_tokens  # old one revoked


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_failing_store_keeps_the_new_secret_in_a_recovery_file(product, sandbox, monkeypatch, tmp_path):
    from gwctl.api.sg.client import SecureGatewayClient
    from gwctl.cli import rotation
    from gwctl.errors import SecretStorageError

    case = make_case(product, sandbox, monkeypatch, tmp_path)
    box = case.box

    def broken(*args, **kwargs):
        raise SecretStorageError("disk full")

    if product == "opa":
        monkeypatch.setattr(rotation, "write_out", broken)
    elif product == "sg":
        monkeypatch.setattr(SecureGatewayClient, "cached_gateway_token", broken)  # the read-back
    else:
        monkeypatch.setattr(rotation, "store_credential", broken)
    result = box.run(*case.argv("--yes"))
    assert result.code == 12
    new = case.secret()
    [recovery] = recovery_files(tmp_path)
    assert recovery_entries(tmp_path) == [recovery.name[:-4] + ".json", recovery.name]
    assert recovery.read_text() == new + "\n" and mode(recovery) == 0o600
    label = {"opa": "setup token", "pomerium": f"refresh token of user {POM_USER}",
             "sg": f"security token of gateway {SG_GATEWAY}", "api7": f"API token {TOKEN_SANDBOX}"}[product]
    verb = "write" if product == "opa" else "store"
    error = [line for line in result.err.splitlines() if line.startswith("error: ")]
    assert error == [f"error: could not {verb} the new {label}: disk full; it is saved in {recovery}"]
    hint = [line for line in result.err.splitlines() if line.startswith("hint: ")]
    assert hint[0].startswith(f"hint: run `gwctl auth recover -p sandbox-{product}` once the cause is fixed, or ")
    assert new not in result.all
    if product == "opa":
        assert OPA_OLD in box.emulator.setup_tokens  # nothing old is revoked before the new one is safe
    # the secret in the recovery file is the live one
    if product == "pomerium":
        ok = box.run("pomerium", "users", "me", env={"GWCTL_POMERIUM_TOKEN": recovery.read_text().strip()})
        assert ok.code == 0, ok.err
    if product == "api7":
        ok = box.run("api7", "tokens", "list", env={"GWCTL_API7_API_KEY": recovery.read_text().strip()})
        assert ok.code == 0, ok.err


def test_a_kill_while_storing_leaves_the_recovery_file(case, monkeypatch, tmp_path):
    from gwctl.api.sg.client import SecureGatewayClient
    from gwctl.cli import rotation

    def killed(*args, **kwargs):
        raise KeyboardInterrupt

    if case.product == "opa":
        monkeypatch.setattr(rotation, "write_out", killed)
    elif case.product == "sg":
        monkeypatch.setattr(SecureGatewayClient, "cached_gateway_token", killed)
    else:
        monkeypatch.setattr(rotation, "store_credential", killed)
    result = case.box.run(*case.argv("--yes"))
    assert result.code == 130
    [recovery] = recovery_files(tmp_path)
    assert recovery.read_text() == case.secret() + "\n" and mode(recovery) == 0o600
    assert f"it is saved in {recovery}" in result.err
    assert case.secret() not in result.all


def test_without_a_terminal_and_without_yes_nothing_is_sent(case):
    result = case.box.run(*case.argv())
    assert (result.code, result.out) == (2, "")
    assert result.err.endswith(": confirmation required; re-run with --yes\n")
    assert len(result.err.splitlines()) == 1
    assert case.box.emulator.requests == []


def test_a_second_rotation_of_the_profile_is_refused_by_the_lock(case, tmp_path):
    from gwctl.cli import rotation
    from gwctl.config.files import locked

    profile = f"sandbox-{case.product}"
    lock = rotation.lock_path(case.product, profile)
    assert lock == str(tmp_path / "state" / "locks" / f"rotate-{case.product}-{profile}")
    before = case.secret()
    with locked(lock):  # another rotation of the same profile is running
        result = case.box.run(*case.argv("--yes", "--lock-timeout", "0"))
    assert result.code == 7
    assert result.err == (f"error: another rotation of profile {profile} still holds the lock {lock} after 0s "
                          "(--lock-timeout); nothing was changed\n"
                          "hint: try again when it has finished, or wait longer with --lock-timeout SECONDS\n")
    assert case.mints() == [] and case.secret() == before
    assert recovery_entries(tmp_path) == []


def test_a_rotation_that_waited_for_the_lock_goes_on(case, monkeypatch):
    import threading

    from gwctl.cli import rotation
    from gwctl.config.files import locked

    lock = rotation.lock_path(case.product, f"sandbox-{case.product}")
    held = threading.Event()
    release = threading.Event()

    def holder():
        with locked(lock):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    threading.Timer(0.3, release.set).start()
    result = case.box.run(*case.argv("--yes", "--lock-timeout", "5"))
    thread.join()
    assert result.code == 0, result.err
    assert result.err.startswith(f"waiting up to 5s for another rotation of profile sandbox-{case.product} to finish")


@pytest.mark.parametrize("product", ["sg", "api7"])
def test_the_minting_put_is_never_resent(product, sandbox, tmp_path):
    """The server regenerated the token but the answer was cut off: resending would kill that new token."""
    box = sandbox(product)
    case = Case(product, box, tmp_path)
    if product == "sg":
        assert box.run("sg", "gateways", "list").code == 0  # the gateway's current token is known
        box.emulator.clear_log()
        box.emulator.cut_next(method="PUT", path=f"/v1/sgconfig/{SG_GATEWAY}")
    else:
        box.emulator.cut_next(method="PUT", path="*/regenerate")
    argv = case.argv("--yes") if product == "sg" else ("api7", "tokens", "regenerate", TOKEN_CI, "--expires-in", "90d",
                                                       "--yes")
    result = box.run(*argv)
    assert result.code == 9, result.err
    puts = box.emulator.calls("PUT", "*/regenerate") if product == "api7" else case.mints()
    assert len(puts) == 1
    assert "the request may have been applied" in result.err
    assert recovery_files(tmp_path) == []


# -- api7: the profile's own token ---------------------------------------------------------------------


def test_api7_regenerating_the_profiles_own_token_keeps_the_profile_working(api7, tmp_path):
    case = api7
    result = case.box.run("-p", "sandbox-api7", "api7", "tokens", "regenerate", TOKEN_SANDBOX, "--expires-in", "90d",
                          "--yes", "-o", "json")
    assert result.code == 0, result.err
    new = case.secret()
    store = tmp_path / "config" / "credentials.json"
    import json

    assert json.loads(store.read_text())["sandbox-api7"]["api_key"] == new
    report = result.json()
    assert report["id"] == TOKEN_SANDBOX and report["stored_in"] == str(store) and "token" not in report
    assert result.err == f"regenerated API token {TOKEN_SANDBOX}, stored it in {store} and verified it\n"
    assert new not in result.all and SANDBOX_API_KEY not in result.all
    listed = case.box.run("-p", "sandbox-api7", "api7", "tokens", "list")
    assert listed.code == 0, listed.err
    old = case.box.run("api7", "tokens", "list", env={"GWCTL_API7_API_KEY": SANDBOX_API_KEY})
    assert old.code == 4


def test_api7_another_token_is_printed_once_and_the_profile_is_untouched(api7, tmp_path):
    case = api7
    result = case.box.run("api7", "tokens", "regenerate", TOKEN_CI, "--expires-in", "90d", "--yes", "-o", "json")
    assert result.code == 0, result.err
    new = case.box.emulator.tokens[TOKEN_CI]["_secret"]
    assert result.json()["token"] == new and new != CI_API_KEY  # printing it is the purpose here
    assert new not in result.err
    assert case.box.run("api7", "tokens", "list").code == 0


def test_api7_own_token_from_the_environment(sandbox, tmp_path):
    """gwctl cannot update GWCTL_API7_API_KEY: --store is refused up front; a detected own token is
    kept in the recovery file and the error says so."""
    box = sandbox("api7")
    refused = box.run("api7", "tokens", "regenerate", TOKEN_SANDBOX, "--expires-in", "90d", "--store", "--yes")
    assert refused.code == 2 and "comes from GWCTL_API7_API_KEY, which gwctl cannot update" in refused.err
    assert box.emulator.calls("PUT") == []
    result = box.run("api7", "tokens", "regenerate", TOKEN_SANDBOX, "--expires-in", "90d", "--yes")
    assert result.code == 12
    new = box.emulator.tokens[TOKEN_SANDBOX]["_secret"]
    [recovery] = recovery_files(tmp_path)
    assert recovery.read_text() == new + "\n"
    lines = result.err.splitlines()
    assert lines[0] == (f"error: could not store the new API token {TOKEN_SANDBOX}: it is this profile's API token, "
                        f"which comes from GWCTL_API7_API_KEY: gwctl cannot update that; it is saved in {recovery}")
    assert lines[1] == (f"hint: run `gwctl auth recover -p sandbox-api7` once the cause is fixed, or put the new value "
                        f"in GWCTL_API7_API_KEY from {recovery}, then delete the file")
    assert new not in result.all
    assert box.run("api7", "tokens", "list", env={"GWCTL_API7_API_KEY": new}).code == 0


def test_api7_store_of_a_token_the_profile_does_not_use_stores_nothing(api7, tmp_path):
    case = api7
    result = case.box.run("api7", "tokens", "regenerate", TOKEN_CI, "--expires-in", "90d", "--store", "--yes")
    assert result.code == 12
    [recovery] = recovery_files(tmp_path)
    new = case.box.emulator.tokens[TOKEN_CI]["_secret"]
    assert recovery.read_text() == new + "\n"
    assert f"is not the one profile sandbox-api7 uses: not stored; it is saved in {recovery}" in result.err
    assert case.box.run("api7", "tokens", "list").code == 0  # the profile's own key is untouched


def test_api7_regenerate_takes_the_token_name(api7, tmp_path):
    result = api7.box.run("api7", "tokens", "regenerate", "ci-deploy", "--expires-in", "90d", "--yes", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["id"] == TOKEN_CI
    assert [c.path.rsplit("/", 2)[-2] for c in api7.box.emulator.calls("PUT")] == [TOKEN_CI]


def test_sg_rotate_token_takes_the_gateway_description(sandbox, tmp_path):
    box = sandbox("sg")
    result = box.run("sg", "gateways", "rotate-token", "Staging Gateway", "--out", str(tmp_path / "t"), "--yes")
    assert result.code == 0, result.err
    assert [c.path for c in box.emulator.calls("PUT")] == ["/v1/sgconfig/ZgNBtYKCG66_prod_us-south"]


@pytest.mark.parametrize("argv", [("opa", "setup-tokens", "rotate"), ("pomerium", "users", "renew-token"),
                                  ("sg", "gateways", "rotate-token"), ("api7", "tokens", "regenerate")])
def test_every_rotation_command_documents_lock_timeout(gw, argv):
    result = gw(*argv, "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "--lock-timeout SECONDS Wait this long for another rotation of the same profile (or one writing the " \
           "same --out file) to finish, then exit 7; 0 does not wait. [default: 60.0; 0<=x<=86400]" in text


def test_a_rotation_writing_an_out_file_another_one_writes_waits_for_it(sandbox, tmp_path):
    from gwctl.cli import rotation
    from gwctl.config.files import locked

    box = sandbox("sg")
    out = tmp_path / "shared.token"
    lock = rotation.out_lock_path(out)
    assert lock.startswith(str(tmp_path / "state" / "locks" / "out-"))
    with locked(lock):  # e.g. `api7 tokens regenerate --out` of another profile writing the same file
        result = box.run("sg", "gateways", "rotate-token", SG_GATEWAY, "--out", str(out), "--yes",
                         "--lock-timeout", "0")
    assert result.code == 7
    assert result.err.startswith(f"error: another rotation writing {out} still holds the lock {lock} after 0s "
                                 "(--lock-timeout); nothing was changed\n")
    assert box.emulator.calls("PUT") == [] and not out.exists()
