"""The raw api command stays on the profile's server; narrow tables; auth status wording; stdin secret
names; the TLS hint for a plain-HTTP server."""

from __future__ import annotations

import re

import click
import pytest

from gwctl.cli.auth import parse_secret_lines
from gwctl.cli.render import Column, _layout, emit
from gwctl.errors import UsageError

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --- `gwctl PRODUCT api` never sends the profile's credentials to another server -------------

def test_api_full_url_on_another_server_is_refused_before_sending(sandbox, serve):
    from gwctl.sandbox.gatekeeper import GatekeeperEmulator

    opa = sandbox("opa")
    other = GatekeeperEmulator()
    elsewhere = serve(other)
    result = opa.run("opa", "api", "GET", f"{elsewhere.url}/status")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        f"error: invalid PATH '{elsewhere.url}/status': a full URL must be on the profile's server "
        f"{opa.server.url}\n"
        "hint: give a path relative to the profile URL; gwctl sends the profile's credentials to its own server only\n"
    )
    assert other.calls() == []
    assert opa.emulator.calls() == []  # not even the token exchange


def test_api_full_url_on_the_profiles_server_works(sandbox):
    opa = sandbox("opa")
    result = opa.run("opa", "api", "GET", f"{opa.server.url}/v1/teams/sandbox/gateways", "-o", "json")
    assert result.code == 0, result.err
    assert isinstance(result.json()["list"], list)


@pytest.mark.parametrize("path", ["//127.0.0.2:1/x", "https://127.0.0.1/x"])
def test_api_scheme_relative_or_other_scheme_is_refused(sandbox, path):
    gk = sandbox("gatekeeper")
    result = gk.run("gatekeeper", "api", "GET", path)
    assert result.code == 2
    assert "a full URL must be on the profile's server" in result.err
    assert gk.emulator.calls() == []


# --- narrow terminals: the widest columns give way, short ones stay readable -----------------

def test_layout_shrinks_the_widest_column_first():
    headers = ["PROFILE", "SOURCE", "DETAIL"]
    columns = [Column("profile", "profile"), Column("source", "source"), Column("detail", "detail")]
    rows = [["sandbox-opa", "missing", "set GWCTL_OPA_KEY_ID or run `gwctl auth login -p sandbox-opa` " * 2]]
    widths, shown = _layout(columns, headers, rows, 60)
    assert shown == [0, 1, 2]
    assert widths[:2] == [len("sandbox-opa"), len("missing")]
    assert widths[2] == 60 - 4 - len("sandbox-opa") - len("missing")
    assert _layout(columns, headers, [["a", "b", "c"]], 60) == ([7, 6, 6], [0, 1, 2])


def test_table_on_a_narrow_terminal_keeps_short_columns_whole(gw, add_command):
    rows = [{"profile": f"profile-{i}", "source": "missing", "detail": "x" * 200} for i in range(3)]

    @click.command("show")
    def command() -> None:
        """Render test data."""
        emit(rows, (Column("profile", "profile"), Column("source", "source"), Column("detail", "detail")))

    add_command("show", command)
    result = gw("show", tty=True, env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.code == 0
    lines = [ANSI.sub("", line).rstrip() for line in result.out.splitlines()]
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].startswith("profile-0  missing  xxx")
    assert "…" not in result.out  # the long column wraps: nothing is lost
    assert lines[2] == " " * len("profile-0  missing  ") + "x" * 60


# --- auth status --------------------------------------------------------------------------

def test_auth_status_no_keyring_hint_is_one_runnable_command(gw, monkeypatch):
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    from gwctl.config import credentials

    keyring.set_keyring(FailKeyring())
    credentials.reset_keyring_probe()
    assert gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9201").code == 0
    result = gw("auth", "status")
    assert result.code == 0
    assert result.out.splitlines()[1] == (
        "gk\tgatekeeper\tvault_token\tsecret\tmissing\t"
        "set GWCTL_VAULT_TOKEN or run `gwctl auth login -p gk --insecure-storage` (no usable OS keyring here)"
    )


def test_auth_status_says_alternative_secrets_are_not_needed(gw):
    assert gw("profile", "add", "edge", "--product", "api7", "--url", "https://dash:7443").code == 0
    secret = "a7-not-printed-0123456789"
    result = gw("auth", "status", "-o", "json", env={"GWCTL_API7_API_KEY": secret})
    assert result.code == 0
    rows = {row["item"]: (row["source"], row["detail"]) for row in result.json()}
    assert rows["api_key"] == ("env", "GWCTL_API7_API_KEY")
    for item in ("username", "password", "session"):
        assert rows[item] == ("missing", "not needed: api_key is set")
    assert secret not in result.all
    # Without any set, each missing secret still says how to supply it.
    bare = {row["item"]: row["detail"] for row in gw("auth", "status", "-o", "json").json()}
    assert bare["username"] == "set GWCTL_API7_USERNAME or run `gwctl auth login -p edge`"


# --- auth login --stdin with a misspelt name ------------------------------------------------

def test_stdin_secret_with_an_unknown_name_is_named():
    names, env = ["key_id", "key_secret"], {"key_id": "GWCTL_OPA_KEY_ID", "key_secret": "GWCTL_OPA_KEY_SECRET"}
    with pytest.raises(UsageError) as info:
        parse_secret_lines("key_id=a\nkey_secert=b\n", names, env)
    assert info.value.message == (
        "unknown secret name 'key_secert' on stdin: use key_id, key_secret (or GWCTL_OPA_KEY_ID, GWCTL_OPA_KEY_SECRET)")
    # A bare value that happens to contain '=' is still the mixed-forms error.
    with pytest.raises(UsageError, match="mixes NAME=VALUE lines with bare values"):
        parse_secret_lines("key_id=a\nc2VjcmV0==\n", names, env)
    assert parse_secret_lines("GWCTL_OPA_KEY_ID=a\nkey_secret=b=c\n", names, env) == {"key_id": "a", "key_secret": "b=c"}


def test_login_with_a_misspelt_name_exits_2_and_stores_nothing(gw, keyring_store):
    assert gw("profile", "add", "o", "--product", "opa", "--url", "http://127.0.0.1:9", "--team", "t").code == 0
    result = gw("auth", "login", "-p", "o", "--stdin", stdin="key_id=a\nsecret=b\n")
    assert result.code == 2
    assert result.err.startswith("error: unknown secret name 'secret' on stdin")
    assert keyring_store == {}


# --- https:// profile URL on a plain-HTTP server ---------------------------------------------

def test_https_url_on_a_plain_http_server_hints_at_http(gw, serve):
    from gwctl.sandbox.gatekeeper import GatekeeperEmulator

    server = serve(GatekeeperEmulator())
    url = server.url.replace("http://", "https://")
    assert gw("profile", "add", "gk", "--product", "gatekeeper", "--url", url).code == 0
    result = gw("gatekeeper", "status")
    assert result.code == 9
    assert result.out == ""
    assert "TLS handshake failed" in result.err
    assert result.err.endswith(
        "hint: the server does not speak TLS there: does the profile URL need http:// instead of https://?\n")
