"""gwctl.config.credentials and `gwctl auth`: precedence, storage, status, keyring failures."""

from __future__ import annotations

import json
import os
import threading
import time

import pytest
from spine_helpers import last_json_line, mode_of, read_toml

from gwctl.cli.auth import parse_secret_lines
from gwctl.config import credentials
from gwctl.config.credentials import Credentials
from gwctl.errors import AuthError, UsageError

GK = ("--product", "gatekeeper", "--url", "http://127.0.0.1:9201")
OPA = ("--product", "opa", "--url", "https://acme.pam.okta.com", "--team", "ops")
SECRET = "s3cr3t-VALUE-do-not-print"


def _secrets_file() -> str:
    return os.path.join(os.environ["GWCTL_CONFIG_DIR"], "credentials.json")


# --- precedence ------------------------------------------------------------------------------


def test_precedence_override_env_keyring(keyring_store):
    keyring_store[("gwctl", "prod:key_secret")] = "from-keyring"
    env = {"GWCTL_OPA_KEY_SECRET": "from-env"}
    creds = Credentials("prod", "opa", "keyring", env=env)
    creds.overrides["key_secret"] = "from-stdin"
    found = creds.lookup("key_secret")
    assert (found.value, found.origin, found.where) == ("from-stdin", "flag", "stdin")

    creds = Credentials("prod", "opa", "keyring", env=env)
    found = creds.lookup("key_secret")
    assert (found.value, found.origin, found.where) == ("from-env", "env", "GWCTL_OPA_KEY_SECRET")

    creds = Credentials("prod", "opa", "keyring", env={"GWCTL_OPA_KEY_SECRET": ""})  # empty counts as unset
    found = creds.lookup("key_secret")
    assert (found.value, found.origin, found.where) == ("from-keyring", "keyring", "keyring service 'gwctl'")

    assert Credentials("prod", "opa", "keyring", env={}).lookup("key_id") is None


def test_precedence_override_env_file():
    Credentials("prod", "opa", "file", env={}).store("key_secret", "from-file")
    env = {"GWCTL_OPA_KEY_SECRET": "from-env"}
    assert Credentials("prod", "opa", "file", env=env).lookup("key_secret").origin == "env"
    found = Credentials("prod", "opa", "file", env={}).lookup("key_secret")
    assert (found.value, found.origin, found.where) == ("from-file", "file", _secrets_file())
    creds = Credentials("prod", "opa", "file", env=env)
    creds.overrides["key_secret"] = "x"
    assert creds.get("key_secret") == "x"


def test_keyring_profile_never_falls_back_to_the_plaintext_file(keyring_store):
    """Secrets in the file are used only by profiles whose owner chose --insecure-storage."""
    Credentials("prod", "opa", "file", env={}).store("key_secret", "plaintext")
    assert Credentials("prod", "opa", "keyring", env={}).get("key_secret") is None
    keyring_store[("gwctl", "prod:key_secret")] = "kr"
    assert Credentials("prod", "opa", "file", env={}).get("key_secret") == "plaintext"


def test_store_reads_back_and_forget_removes(keyring_store):
    creds = Credentials("prod", "opa", "keyring", env={})
    assert creds.store("key_id", "id1") == "keyring service 'gwctl'"
    assert keyring_store == {("gwctl", "prod:key_id"): "id1"}
    assert creds.get("key_id") == "id1"
    creds.store("key_secret", "s1", "file")
    assert json.load(open(_secrets_file())) == {"prod": {"key_secret": "s1"}}
    assert mode_of(_secrets_file()) == 0o600
    assert sorted(creds.forget()) == ["file", "keyring"]
    assert keyring_store == {}
    assert json.load(open(_secrets_file())) == {}
    assert creds.forget() == []


def test_store_detects_a_failed_read_back(keyring_store, monkeypatch):
    from gwctl.errors import SecretStorageError

    monkeypatch.setattr(credentials, "keyring_get", lambda user: "something else")
    with pytest.raises(SecretStorageError, match="did not read back"):
        Credentials("prod", "opa", "keyring", env={}).store("key_id", "id1")


def test_require_names_the_missing_secrets_and_env_vars():
    creds = Credentials("prod", "opa", "keyring", env={"GWCTL_OPA_KEY_ID": "id"})
    with pytest.raises(AuthError) as info:
        creds.require("key_id", "key_secret")
    assert info.value.message == "no credentials for profile 'prod': missing Service user API key secret"
    assert info.value.hint == "run `gwctl auth login -p prod` or set GWCTL_OPA_KEY_SECRET"


def test_first_complete_set():
    creds = Credentials("a", "api7", "keyring", env={"GWCTL_API7_USERNAME": "u", "GWCTL_API7_PASSWORD": "p"})
    assert creds.first_complete_set() == ("username", "password")
    creds = Credentials("a", "api7", "keyring", env={"GWCTL_API7_API_KEY": "k", "GWCTL_API7_USERNAME": "u"})
    assert creds.first_complete_set() == ("api_key",)
    assert Credentials("a", "api7", "keyring", env={"GWCTL_API7_USERNAME": "u"}).first_complete_set() is None


# --- parse_secret_lines ------------------------------------------------------------------------

NAMES = ["key_id", "key_secret"]
ENVS = {"key_id": "GWCTL_OPA_KEY_ID", "key_secret": "GWCTL_OPA_KEY_SECRET"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key_id=abc\nkey_secret=def==\n", {"key_id": "abc", "key_secret": "def=="}),
        ("GWCTL_OPA_KEY_SECRET=s\nGWCTL_OPA_KEY_ID=i\n", {"key_id": "i", "key_secret": "s"}),
        ("  key_id = abc \n\n", {"key_id": "abc"}),
        ("abc\ndef==\n", {"key_id": "abc", "key_secret": "def=="}),
        ("abc\n", {"key_id": "abc"}),
        ("", {}),
        ("\n  \n", {}),
    ],
)
def test_parse_secret_lines(text, expected):
    assert parse_secret_lines(text, NAMES, ENVS) == expected


def test_parse_secret_lines_single_secret_may_contain_equals():
    assert parse_secret_lines("a=b=c\n", ["vault_token"], {"vault_token": "GWCTL_VAULT_TOKEN"}) == {
        "vault_token": "a=b=c"}
    assert parse_secret_lines("vault_token=a=b\n", ["vault_token"], {"vault_token": "GWCTL_VAULT_TOKEN"}) == {
        "vault_token": "a=b"}


def test_parse_secret_lines_refuses_a_mix_of_forms():
    """`key_id=X` then a bare value must not store the literal 'key_id=X' as the key ID."""
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_secret_lines("key_id=abc\ndef\n", NAMES, ENVS)


# --- auth login / logout --------------------------------------------------------------------


def test_login_stdin_into_the_keyring(gw, keyring_store, config_file):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "login", "--stdin", stdin=SECRET + "\n")
    assert (result.code, result.out) == (0, "")
    assert result.err == "stored credentials for profile gk in keyring service 'gwctl'\n"
    assert keyring_store == {("gwctl", "gk:vault_token"): SECRET}
    assert read_toml(config_file)["profiles"]["gk"]["storage"] == "keyring"
    assert not os.path.exists(_secrets_file())


def test_login_insecure_storage_writes_a_0600_file(gw, keyring_store, config_file):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "login", "--stdin", "--insecure-storage", stdin=f"vault_token={SECRET}\n")
    assert (result.code, result.out) == (0, "")
    assert result.err == f"stored credentials for profile gk in {_secrets_file()}\n"
    assert mode_of(_secrets_file()) == 0o600
    assert json.load(open(_secrets_file())) == {"gk": {"vault_token": SECRET}}
    assert read_toml(config_file)["profiles"]["gk"]["storage"] == "file"
    assert keyring_store == {}
    assert SECRET not in open(config_file).read()


def test_login_moving_storage_removes_the_other_copy(gw, keyring_store):
    """Going back from --insecure-storage to the keyring must not leave the plaintext copy behind."""
    assert gw("profile", "add", "gk", *GK).code == 0
    assert gw("auth", "login", "--stdin", "--insecure-storage", stdin="old\n").code == 0
    # a profile that uses the file keeps it: no need to repeat --insecure-storage
    assert gw("auth", "login", "--stdin", stdin="again\n").code == 0
    assert keyring_store == {} and json.load(open(_secrets_file())) == {"gk": {"vault_token": "again"}}
    assert gw("auth", "login", "--stdin", "--keyring", stdin="new\n").code == 0
    assert keyring_store == {("gwctl", "gk:vault_token"): "new"}
    assert json.load(open(_secrets_file())) == {}
    assert gw("auth", "login", "--stdin", "--insecure-storage", stdin="newer\n").code == 0
    assert keyring_store == {}
    assert json.load(open(_secrets_file())) == {"gk": {"vault_token": "newer"}}


def test_login_that_cannot_store_leaves_the_profile_as_it_was(gw, config_file, monkeypatch):
    assert gw("profile", "add", "gk", *GK).code == 0
    assert gw("auth", "login", "--stdin", "--insecure-storage", stdin="old\n").code == 0

    def broken(user, value):
        raise credentials.KeyringUnavailable("the OS keyring failed (write): DBusError")

    monkeypatch.setattr(credentials, "keyring_set", broken)
    result = gw("auth", "login", "--stdin", "--keyring", stdin="new\n")
    assert result.code == 4
    assert read_toml(config_file)["profiles"]["gk"]["storage"] == "file"
    assert Credentials("gk", "gatekeeper", "file", env={}).get("vault_token") == "old"


def test_login_opa_positional_and_named(gw, keyring_store):
    assert gw("profile", "add", "o", *OPA).code == 0
    result = gw("auth", "login", "--stdin", "--no-verify", stdin="id-1\nsecret-1\n")
    assert result.code == 0, result.err
    assert keyring_store == {("gwctl", "o:key_id"): "id-1", ("gwctl", "o:key_secret"): "secret-1"}
    result = gw("auth", "login", "--stdin", "--no-verify", stdin="key_id=id-2\n")
    assert (result.code, result.err) == (2, "error: incomplete credentials for opa: need key_id+key_secret\n")
    assert keyring_store[("gwctl", "o:key_id")] == "id-1"


def test_login_without_tty_or_stdin_is_a_usage_error(gw):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "login")
    assert (result.code, result.err) == (2, "error: no terminal to prompt on: pass the secrets with --stdin\n")


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")
def test_login_prompts_on_a_tty(gw, keyring_store):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "login", tty=True, stdin_tty=True, stdin="typed-token\n")
    assert result.code == 0, result.err
    assert "Vault token (for unseal):" in result.err
    assert "typed-token" not in result.all
    assert keyring_store == {("gwctl", "gk:vault_token"): "typed-token"}


def test_login_empty_stdin(gw):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "login", "--stdin", stdin="\n")
    assert (result.code, result.err) == (2, "error: no secrets supplied\n")


def test_login_needs_a_profile_choice(gw):
    result = gw("auth", "login", "--stdin", stdin="x\n")
    assert result.code == 2
    assert result.err == ("error: no profiles configured\n"
                          "hint: create one with `gwctl profile add` or run `gwctl sandbox start`\n")
    assert gw("profile", "add", "gk", *GK).code == 0
    assert gw("profile", "add", "o", *OPA).code == 0
    result = gw("auth", "login", "--stdin", stdin="x\n")
    assert (result.code, result.err) == (
        2, "error: several profiles exist: choose one with -p NAME\nhint: see `gwctl profile list`\n")
    result = gw("auth", "login", "--stdin", "-p", "nope", stdin="x\n")
    assert result.code == 3


def test_login_against_the_gatekeeper_sandbox(sandbox, keyring_store, monkeypatch):
    box = sandbox("gatekeeper")
    monkeypatch.delenv("GWCTL_VAULT_TOKEN")
    result = box.run("auth", "login", "-p", box.profile, "--stdin", stdin=box.emulator.vault_token + "\n")
    assert result.code == 0, result.err
    assert keyring_store == {("gwctl", f"{box.profile}:vault_token"): box.emulator.vault_token}
    assert box.emulator.requests == []  # gatekeeper has no verify: stored without a request
    # the stored token is what `unseal --method token` uses
    assert box.run("gatekeeper", "seal", "--yes").code == 0
    result = box.run("gatekeeper", "unseal", "--method", "token")
    assert result.code == 0, result.err
    assert box.emulator.unsealed


def test_logout_removes_keyring_and_file(gw, keyring_store):
    assert gw("profile", "add", "gk", *GK).code == 0
    assert gw("auth", "login", "--stdin", stdin="a\n").code == 0
    result = gw("auth", "logout")
    assert (result.code, result.out, result.err) == (0, "", "logged out of profile gk (keyring)\n")
    assert keyring_store == {}
    assert gw("auth", "login", "--stdin", "--insecure-storage", stdin="a\n").code == 0
    result = gw("auth", "logout", "-p", "gk")
    assert (result.code, result.err) == (0, "logged out of profile gk (file)\n")
    assert json.load(open(_secrets_file())) == {}
    result = gw("auth", "logout")
    assert (result.code, result.err) == (0, "logged out of profile gk (nothing stored)\n")


def test_logout_drops_cached_tokens(gw):
    from gwctl.config.credentials import TokenCache

    assert gw("profile", "add", "gk", *GK).code == 0
    TokenCache().set("gk:bearer", "tok", time.time() + 600)
    assert gw("auth", "logout").code == 0
    assert TokenCache().entries("gk:") == {}


def test_auth_token_for_a_product_without_bearer(gw):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "token")
    assert (result.code, result.err) == (2, "error: gatekeeper profiles use no short-lived token\n")


# --- auth status ---------------------------------------------------------------------------------


def _status_profiles(gw):
    assert gw("profile", "add", "gk-env", *GK).code == 0
    assert gw("profile", "add", "gk-kr", *GK).code == 0
    assert gw("profile", "add", "gk-file", *GK).code == 0
    assert gw("profile", "add", "gk-none", *GK).code == 0
    assert gw("-p", "gk-kr", "auth", "login", "--stdin", stdin=SECRET + "-kr\n").code == 0
    assert gw("-p", "gk-file", "auth", "login", "--stdin", "--insecure-storage", stdin=SECRET + "-file\n").code == 0


def test_status_table_shows_sources_never_values(gw, monkeypatch):
    _status_profiles(gw)
    env = {"GWCTL_VAULT_TOKEN": SECRET}
    # the env var applies to every gatekeeper profile, so check the others without it first
    result = gw("auth", "status")
    assert (result.code, result.err) == (0, "")
    sf = _secrets_file()
    assert result.out == (
        "PROFILE\tPRODUCT\tITEM\tKIND\tSOURCE\tDETAIL\n"
        f"gk-env\tgatekeeper\tvault_token\tsecret\tmissing\tset GWCTL_VAULT_TOKEN or run `gwctl auth login -p gk-env`\n"
        f"gk-file\tgatekeeper\tvault_token\tsecret\tfile\t{sf}\n"
        "gk-kr\tgatekeeper\tvault_token\tsecret\tkeyring\tkeyring service 'gwctl'\n"
        "gk-none\tgatekeeper\tvault_token\tsecret\tmissing\tset GWCTL_VAULT_TOKEN or run `gwctl auth login -p gk-none`\n"
    )
    result = gw("auth", "status", "-p", "gk-env", env=env)
    assert result.out == ("PROFILE\tPRODUCT\tITEM\tKIND\tSOURCE\tDETAIL\n"
                          "gk-env\tgatekeeper\tvault_token\tsecret\tenv\tGWCTL_VAULT_TOKEN\n")
    for argv in (("auth", "status"), ("auth", "status", "-o", "json"), ("auth", "status", "-o", "yaml"),
                 ("auth", "status", "-o", "jsonl"), ("-vvv", "auth", "status")):
        for extra_env in ({}, env):
            result = gw(*argv, env=extra_env, tty=True)
            assert result.code == 0
            assert SECRET not in result.all, argv


def test_status_json(gw):
    _status_profiles(gw)
    result = gw("auth", "status", "-o", "json", env={"GWCTL_VAULT_TOKEN": SECRET})
    assert result.code == 0
    rows = result.json()
    assert [(r["profile"], r["source"]) for r in rows] == [
        ("gk-env", "env"), ("gk-file", "env"), ("gk-kr", "env"), ("gk-none", "env")]
    assert SECRET not in result.all
    rows = gw("auth", "status", "-o", "json").json()
    assert {r["profile"]: r["source"] for r in rows} == {
        "gk-env": "missing", "gk-file": "file", "gk-kr": "keyring", "gk-none": "missing"}
    assert set(rows[0]) == {"profile", "product", "item", "kind", "source", "detail"}


def test_status_shows_cached_token_expiry_not_value(gw):
    from gwctl.config.credentials import TokenCache

    assert gw("profile", "add", "o", *OPA).code == 0
    TokenCache().set("o:bearer", "cached-bearer-value", time.time() + 600)
    TokenCache().set("o:old", "cached-old-value", time.time() - 5)
    result = gw("auth", "status", "-o", "json")
    assert result.code == 0
    assert "cached-" not in result.all
    rows = result.json()
    assert [r["item"] for r in rows] == ["key_id", "key_secret", "bearer", "old"]
    assert rows[2]["kind"] == "cached token" and rows[2]["detail"].startswith("fresh for 9m5")
    assert rows[3]["detail"] == "stale: renewed on next use"


def test_status_without_profiles(gw):
    result = gw("auth", "status")
    assert (result.code, result.out, result.err) == (0, "PROFILE\tPRODUCT\tITEM\tKIND\tSOURCE\tDETAIL\n", "")
    result = gw("auth", "status", tty=True)
    assert (result.code, result.out, result.err) == (0, "", "No results.\n")


# --- keyring failures ------------------------------------------------------------------------------


class BlockingKeyring:
    """A keyring backend whose every call hangs (a locked daemon)."""

    priority = 1

    def __init__(self) -> None:
        self.release = threading.Event()

    def get_password(self, service, user):
        self.release.wait(30)
        return None

    def set_password(self, service, user, password):
        self.release.wait(30)

    def delete_password(self, service, user):
        self.release.wait(30)


@pytest.fixture
def blocking_keyring(monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class Backend(BlockingKeyring, KeyringBackend):
        pass

    backend = Backend()
    keyring.set_keyring(backend)
    credentials.reset_keyring_probe()
    monkeypatch.setattr(credentials, "KEYRING_TIMEOUT", 0.2)
    yield backend
    backend.release.set()


def test_keyring_timeout_raises_a_clear_error(blocking_keyring):
    start = time.monotonic()
    with pytest.raises(credentials.KeyringUnavailable) as info:
        Credentials("p", "gatekeeper", "keyring", env={}).get("vault_token")
    assert time.monotonic() - start < 2
    assert info.value.message == "the OS keyring did not answer within 0.2s (read)"
    assert info.value.hint == credentials.NO_KEYRING_HINT


def test_keyring_timeout_in_login_and_commands_exits_4(gw, blocking_keyring):
    assert gw("profile", "add", "gk", *GK).code == 0
    start = time.monotonic()
    result = gw("auth", "login", "--stdin", stdin="tok\n")
    assert result.code == 4
    assert result.err == ("error: the OS keyring did not answer within 0.2s (write)\n"
                          f"hint: {credentials.NO_KEYRING_HINT.replace('--insecure-storage`', '--insecure-storage -p gk`')}\n")
    result = gw("gatekeeper", "unseal", "--method", "token")
    assert result.code == 4
    assert result.err.startswith("error: the OS keyring did not answer within 0.2s (read)\n")
    assert time.monotonic() - start < 5


def test_keyring_timeout_in_status_is_reported_per_secret(gw, blocking_keyring):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "status", "-o", "json")
    assert result.code == 0
    assert result.json() == [{"profile": "gk", "product": "gatekeeper", "item": "vault_token", "kind": "secret",
                              "source": "unavailable",
                              "detail": "the OS keyring did not answer within 0.2s (read)"}]


def test_keyring_timeout_env_var_still_works(gw, blocking_keyring):
    creds = Credentials("p", "gatekeeper", "keyring", env={"GWCTL_VAULT_TOKEN": "e"})
    assert creds.get("vault_token") == "e"


@pytest.fixture
def no_keyring():
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    credentials.reset_keyring_probe()


def test_no_backend_login_says_how_to_proceed(gw, no_keyring):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "login", "--stdin", stdin="tok\n")
    assert (result.code, result.out) == (4, "")
    assert result.err == (
        "error: cannot store credentials: no usable OS keyring\n"
        "hint: no usable OS keyring here (headless box or cron?): set the secret in its environment variable, "
        "or store it with `gwctl auth login --insecure-storage -p gk` (a 0600 file)\n"
    )
    result = gw("auth", "login", "--stdin", "-o", "json", stdin="tok\n")
    error = last_json_line(result.err)
    assert error["exit_code"] == 4 and "GWCTL" not in error["error"]
    # --insecure-storage and env vars work without a keyring
    assert gw("auth", "login", "--stdin", "--insecure-storage", stdin="tok\n").code == 0
    assert Credentials("gk", "gatekeeper", "file").get("vault_token") == "tok"


def test_no_backend_require_mentions_env_and_insecure_storage(no_keyring):
    creds = Credentials("p", "opa", "keyring", env={})
    with pytest.raises(AuthError) as info:
        creds.require("key_id", "key_secret")
    assert info.value.hint.startswith("run `gwctl auth login -p p` or set GWCTL_OPA_KEY_ID, GWCTL_OPA_KEY_SECRET; ")
    assert "--insecure-storage" in info.value.hint
    assert Credentials("p", "opa", "keyring", env={"GWCTL_OPA_KEY_ID": "i"}).get("key_id") == "i"


def test_no_backend_status_and_logout_still_work(gw, no_keyring):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "status", "-o", "json")
    assert result.code == 0
    assert (result.json()[0]["source"], result.json()[0]["detail"]) == (
        "missing", "set GWCTL_VAULT_TOKEN or run `gwctl auth login -p gk --insecure-storage` (no usable OS keyring here)")
    assert gw("auth", "logout").code == 0


@pytest.mark.parametrize(("value", "expected"), [("", 3.0), ("0.5", 0.5), ("abc", 3.0), ("-1", 3.0), ("0", 3.0)])
def test_keyring_timeout_from_env(monkeypatch, value, expected):
    monkeypatch.setenv("GWCTL_KEYRING_TIMEOUT", value)
    assert credentials._env_seconds("GWCTL_KEYRING_TIMEOUT", 3.0) == expected


def test_bad_keyring_timeout_env_does_not_break_commands(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "GWCTL_KEYRING_TIMEOUT": "soon", "GWCTL_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "gwctl", "auth", "status"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert (result.returncode, result.stderr) == (0, "")


def test_keyring_failure_is_reported_by_type_not_message(gw, monkeypatch):
    """A backend error message could echo the secret: only its type is shown."""
    import keyring
    from keyring.backend import KeyringBackend

    class Broken(KeyringBackend):
        priority = 1

        def get_password(self, service, user):
            raise RuntimeError("leaky " + SECRET)

        def set_password(self, service, user, password):
            raise RuntimeError("leaky " + password)

        def delete_password(self, service, user):
            raise RuntimeError("leaky")

    keyring.set_keyring(Broken())
    credentials.reset_keyring_probe()
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("auth", "login", "--stdin", stdin=SECRET + "\n")
    assert result.code == 4
    assert result.err.startswith("error: the OS keyring failed (write): RuntimeError\n")
    assert SECRET not in result.all
