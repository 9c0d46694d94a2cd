"""One test per row of ARCHITECTURE.md §6, through main(); plus the -o json error object."""

from __future__ import annotations

import json

import click
import pytest
from spine_helpers import last_json_line

from gwctl import errors
from gwctl.errors import EXIT_TABLE, exit_code_for

ERROR_KEYS = {"error", "exit_code", "http_status", "request_id"}


@pytest.fixture
def raising(add_command):
    """raising(exc): `gwctl boom` raises exc from inside a command."""

    def install(exc: BaseException) -> None:
        @click.command("boom")
        def command() -> None:
            """Raise a test exception."""
            secret_local = "local-variable-secret"  # noqa: F841 - must never show in a traceback
            raise exc

        add_command("boom", command)

    return install


def test_every_documented_code_has_a_test():
    assert [code for code, _ in EXIT_TABLE] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 130, 141]


# --- 0 -----------------------------------------------------------------------------------


def test_0_success(sandbox):
    box = sandbox("gatekeeper")
    result = box.run("gatekeeper", "status", "-o", "json")
    assert (result.code, result.err) == (0, "")
    assert result.json()["unsealed"] is True


def test_0_empty_list_is_success(gw):
    result = gw("profile", "list", "-o", "json")
    assert (result.code, result.out, result.err) == (0, "[]\n", "")


# --- 1 -----------------------------------------------------------------------------------


def test_1_unexpected_error_has_message_and_hint_but_no_traceback(gw, raising):
    raising(RuntimeError("kaput\nsecond line"))
    result = gw("boom")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "error: unexpected RuntimeError: kaput second line\n"
        "hint: this is a gwctl bug; re-run with -vvv for a traceback and report it\n"
    )


@pytest.mark.parametrize("argv", [("-vvv", "boom"), ("boom", "-v", "-v", "-v"), ("boom", "--verbose", "-vv")])
def test_1_with_vvv_shows_a_traceback_without_locals(gw, raising, argv):
    raising(RuntimeError("kaput"))
    result = gw(*argv)
    assert result.code == 1
    assert result.err.startswith("Traceback (most recent call last):\n")
    assert "RuntimeError: kaput\n" in result.err
    assert "local-variable-secret" not in result.err
    assert result.err.endswith("error: unexpected RuntimeError: kaput\n"
                               "hint: this is a gwctl bug; re-run with -vvv for a traceback and report it\n")


def test_expected_failures_never_show_a_traceback(gw):
    result = gw("-vvv", "profile", "show", "ghost")
    assert (result.code, result.err) == (
        3, "error: profile 'ghost' does not exist\nhint: list profiles with `gwctl profile list`\n")


def test_1_with_vv_no_traceback(gw, raising):
    raising(RuntimeError("kaput"))
    assert "Traceback" not in gw("-vv", "boom").err


def test_1_gwctl_error_without_a_class(gw, raising):
    raising(errors.GwctlError("plain failure", hint="do this"))
    result = gw("boom")
    assert (result.code, result.err) == (1, "error: plain failure\nhint: do this\n")


def test_1_http_status_without_a_class(sandbox):
    box = sandbox("gatekeeper")
    box.emulator.fail_next(status=418)
    result = box.run("gatekeeper", "api", "GET", "/status")
    assert result.code == 1
    assert result.err.startswith("error: GET /status: 418 ")


# --- 2 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        (("--zzz",), "error: No such option '--zzz'.\nhint: see `gwctl --help`\n"),
        (("nope",), "error: no such command 'nope' in `gwctl`\nhint: see `gwctl --help`\n"),
        (("profle", "list"), "error: no such command 'profle' in `gwctl`\nhint: did you mean `gwctl profile list`?\n"),
        (("gatekeeper", "stauts", "--check"),
         "error: no such command 'stauts' in `gwctl gatekeeper`\nhint: did you mean `gwctl gatekeeper status --check`?\n"),
        (("sg", "gateway", "list"),
         "error: no such command 'gateway' in `gwctl sg`\nhint: did you mean `gwctl sg gateways list`?\n"),
        (("opaa",), "error: no such command 'opaa' in `gwctl`\nhint: did you mean `gwctl opa`?\n"),
        (("profile", "show"), "error: Missing argument 'NAME'.\nhint: see `gwctl profile show --help`\n"),
        (("-o", "xml", "version"),
         "error: Invalid value for '-o' / '--output': 'xml' is not one of 'table', 'wide', 'tsv', 'json', 'jsonl', 'yaml'.\n"
         "hint: see `gwctl --help`\n"),
        (("version", "--timeout", "0"),
         "error: Invalid value for '--timeout': '0' must be more than 0 and at most 86400 seconds\n"
         "hint: see `gwctl version --help`\n"),
        (("completion", "tcsh"),
         "error: Invalid value for '{bash|zsh|fish}': 'tcsh' is not one of 'bash', 'zsh', 'fish'.\n"
         "hint: see `gwctl completion --help`\n"),
    ],
)
def test_2_usage_errors(gw, argv, err):
    result = gw(*argv)
    assert (result.code, result.out, result.err) == (2, "", err)


def test_2_confirmation_without_tty(sandbox):
    box = sandbox("gatekeeper")
    result = box.run("gatekeeper", "seal")
    assert result.code == 2
    assert result.err.endswith("confirmation required; re-run with --yes\n")
    assert box.emulator.requests == []


@pytest.mark.parametrize("argv", [(), ("profile",), ("gatekeeper",), ("gatekeeper", "token")])
def test_2_no_arguments_shows_help(gw, argv):
    """A group without a command prints its help as is (stderr, as click does), not squeezed into an error."""
    result = gw(*argv)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"Usage: gwctl {' '.join(argv + ('',))}[OPTIONS] COMMAND [ARGS]...\n")
    assert "error:" not in result.err
    assert len(result.err.splitlines()) > 5


def test_help_is_success(gw):
    result = gw("--help")
    assert (result.code, result.err) == (0, "")
    assert "Exit codes:" in result.out and "GWCTL_VAULT_TOKEN" in result.out
    assert gw("profile", "add", "-h").code == 0


# --- 3 -----------------------------------------------------------------------------------


def test_3_unknown_profile(gw):
    result = gw("-p", "ghost", "auth", "status")
    assert (result.code, result.err) == (
        3, "error: profile 'ghost' does not exist\nhint: list profiles with `gwctl profile list`\n")


def test_3_http_404(sandbox):
    box = sandbox("gatekeeper")
    result = box.run("gatekeeper", "api", "GET", "/nope")
    assert (result.code, result.out) == (3, "")
    assert result.err == "error: GET /nope: 404 NOT FOUND: 404 page not found\n"


# --- 4 to 8: HTTP statuses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, 4), (403, 5), (400, 6), (409, 6), (422, 6), (429, 7), (408, 7), (500, 8), (502, 8), (503, 8), (504, 8)],
)
def test_http_status_maps_to_exit_code(sandbox, sleeps, status, code):
    box = sandbox("gatekeeper")
    box.emulator.fail_next(10, status=status, headers={"X-Request-Id": "req-42"})
    result = box.run("gatekeeper", "api", "GET", "/status", "-o", "json")
    assert (result.code, result.out) == (code, "")
    error = json.loads(result.err)
    assert error["error"].startswith(f"GET /status: {status} ")
    assert ERROR_KEYS <= set(error)
    assert (error["exit_code"], error["http_status"], error["request_id"]) == (code, status, "req-42")
    retried = status in (408, 429, 500, 502, 503, 504)
    assert len(box.emulator.requests) == (4 if retried else 1)
    assert len(sleeps) == (3 if retried else 0)


def test_4_401_hint_says_how_to_log_in(sandbox):
    box = sandbox("gatekeeper")
    box.emulator.fail_next(status=401)
    result = box.run("gatekeeper", "api", "GET", "/status")
    assert result.code == 4
    profile = box.profile if hasattr(box, "profile") else "sandbox-gatekeeper"
    assert result.err.splitlines()[1] == (
        f"hint: the server rejected the credentials: see `gwctl auth status -p {profile}`, "
        f"then `gwctl auth login -p {profile}`")


def test_4_no_credentials(gw):
    """A product command needing a secret nobody supplied (gatekeeper's stored Vault token)."""
    from gwctl.config.credentials import Credentials

    assert gw("profile", "add", "o", "--product", "opa", "--url", "https://x.example", "--team", "t").code == 0
    with pytest.raises(errors.AuthError) as info:
        Credentials("o", "opa", "keyring", env={}).require("key_id", "key_secret")
    assert exit_code_for(info.value) == 4


def test_4_no_keyring_backend(gw):
    import keyring
    from keyring.backends import fail

    from gwctl.config import credentials

    keyring.set_keyring(fail.Keyring())
    credentials.reset_keyring_probe()
    assert gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9").code == 0
    result = gw("auth", "login", "--stdin", stdin="t\n")
    assert result.code == 4
    assert result.err.startswith("error: cannot store credentials: no usable OS keyring\nhint: ")


def test_5_forbidden(sandbox):
    box = sandbox("gatekeeper")
    box.emulator.fail_next(status=403, method="POST", path="/seal")
    result = box.run("gatekeeper", "seal", "--yes")
    assert (result.code, result.err) == (5, "error: POST /seal: 403 FORBIDDEN\n")


def test_6_rejected_non_idempotent_is_sent_once(sandbox, sleeps):
    box = sandbox("gatekeeper")
    box.emulator.fail_next(5, status=503, method="POST")
    result = box.run("gatekeeper", "api", "POST", "/seal")
    assert result.code == 8
    assert len(box.emulator.calls("POST", "/seal")) == 1  # POST is never retried
    assert sleeps == []


def test_7_rate_limited_honours_retry_after(sandbox, sleeps):
    box = sandbox("gatekeeper")
    box.emulator.fail_next(10, status=429, headers={"Retry-After": "2"})
    result = box.run("gatekeeper", "status")
    assert result.code == 7
    assert sleeps == [2.0, 2.0, 2.0]


def test_7_timeout(sandbox):
    box = sandbox("gatekeeper")
    box.emulator.delay_next(1.0, method="POST", path="/seal")
    result = box.run("gatekeeper", "seal", "--yes", "--timeout", "0.2")
    assert result.code == 7
    assert result.err.startswith("error: POST /seal: no answer from 127.0.0.1:")
    # POST /seal is not idempotent: sent once, and the hint says it may have been applied.
    assert result.err.endswith("hint: the request may have been applied: check before repeating it "
                               "(the read timeout is 0.2s; raise it with --timeout)\n")
    assert len(box.emulator.calls("POST", "/seal")) == 1


def test_8_retries_then_succeeds(sandbox, sleeps):
    box = sandbox("gatekeeper")
    box.emulator.fail_next(2, status=502)
    result = box.run("gatekeeper", "api", "GET", "/status", "-o", "json")
    assert result.code == 0, result.err
    assert len(box.emulator.requests) == 3 and len(sleeps) == 2


# --- 9 -----------------------------------------------------------------------------------


def test_9_connection_refused(gw, closed_port, sleeps):
    assert gw("profile", "add", "gk", "--product", "gatekeeper", "--url", f"http://127.0.0.1:{closed_port}").code == 0
    result = gw("gatekeeper", "status")
    assert (result.code, result.out) == (9, "")
    lines = result.err.splitlines()
    assert lines[0].startswith(f"error: cannot reach 127.0.0.1:{closed_port}: ")
    assert "refused" in lines[0].lower()
    assert lines[1] == ("hint: check the profile's URL (`gwctl profile show gk`), that the server is up, "
                        "and the network")
    assert len(lines) == 2
    assert len(sleeps) == 3  # connect errors are retried for every method
    result = gw("gatekeeper", "status", "-o", "json")
    assert (result.code, result.out) == (9, "")
    error = json.loads(result.err)  # the JSON object alone
    assert error == {"error": lines[0][len("error: "):], "exit_code": 9, "http_status": None, "request_id": None,
                     "hint": lines[1][len("hint: "):]}


# --- 10 ----------------------------------------------------------------------------------


def test_10_partial_bulk_failure(gw, add_command):
    from gwctl.cli.input import read_ids
    from gwctl.cli.flows import run_bulk

    def action(item_id: str) -> None:
        if item_id.startswith("bad"):
            raise errors.NotFoundError(f"no such thing {item_id}")

    @click.command("bulk")
    @click.argument("ids", nargs=-1)
    def command(ids) -> None:
        """Bulk test command."""
        run_bulk(read_ids(ids), action, verb="deleted", noun="thing", concurrency=2)

    add_command("bulk", command)
    result = gw("bulk", "a", "bad1", "b", "-o", "json")
    assert (result.code, result.out != "") == (10, True)
    assert result.json() == [
        {"id": "a", "ok": True, "error": None, "exit_code": None},
        {"id": "bad1", "ok": False, "error": "no such thing bad1", "exit_code": 3},
        {"id": "b", "ok": True, "error": None, "exit_code": None},
    ]
    assert last_json_line(result.err)["exit_code"] == 10


# --- 11 ----------------------------------------------------------------------------------


def test_11_drift_found_by_config_diff(sandbox, tmp_path):
    box = sandbox("api7")
    path = tmp_path / "drift.yaml"
    path.write_text("gwctl: config/v1\nproduct: api7\nconsumers:\n  - username: carol\n")
    result = box.run("api7", "config", "diff", "-f", str(path), "--exit-code", "-o", "json")
    assert result.code == 11
    assert result.json()["summary"]["create"] == 1
    assert last_json_line(result.err) == {"error": "1 object differs from the documents", "exit_code": 11,
                                          "http_status": None, "request_id": None}


# --- 12 ----------------------------------------------------------------------------------


def test_12_secret_minted_but_not_stored(gw, raising):
    raising(errors.SecretNotStored("could not store the new token: disk full; it is saved in /x/r.txt",
                                   hint="run `gwctl auth recover -p p`"))
    result = gw("boom")
    assert (result.code, result.out) == (12, "")
    assert result.err == ("error: could not store the new token: disk full; it is saved in /x/r.txt\n"
                          "hint: run `gwctl auth recover -p p`\n")


# --- 13 ----------------------------------------------------------------------------------


def test_13_declined_confirmation(gw, raising):
    raising(errors.Cancelled("cancelled; nothing was changed"))
    result = gw("boom")
    assert (result.code, result.out, result.err) == (13, "", "error: cancelled; nothing was changed\n")


# --- 14 ----------------------------------------------------------------------------------


def test_14_status_check_failed(sandbox):
    box = sandbox("gatekeeper")
    assert box.run("status", "--check").code == 0
    box.emulator.token = None  # sealed: it cannot hand out tokens
    result = box.run("status", "--check")
    assert result.code == 14
    assert result.err == "error: 1 of 1 profiles failed a check: sandbox-gatekeeper\n"


# --- 15 ----------------------------------------------------------------------------------


def test_15_expiring_check_found_items(sandbox):
    box = sandbox("api7")
    assert box.run("expiring", "--within", "1d", "--check").code == 0
    result = box.run("expiring", "--within", "30d", "--check", "-o", "json")
    assert result.code == 15
    assert [r["name"] for r in result.json()] == ["ci-deploy"]
    assert last_json_line(result.err) == {"error": "1 item expires within 30d", "exit_code": 15,
                                          "http_status": None, "request_id": None}


# --- 130 ---------------------------------------------------------------------------------


def test_130_keyboard_interrupt(gw, raising):
    raising(KeyboardInterrupt())
    result = gw("boom")
    # click ends the ^C line first
    assert (result.code, result.out, result.err) == (130, "", "\nerror: interrupted\n")


def test_130_keyboard_interrupt_json(gw, raising):
    raising(KeyboardInterrupt())
    result = gw("boom", "--json")
    assert result.code == 130
    assert last_json_line(result.err) == {"error": "interrupted", "exit_code": 130, "http_status": None,
                                          "request_id": None}


def test_130_ctrl_c_at_a_prompt_ends_the_prompt_line_first(gw, add_command):
    @click.command("ask")
    def ask() -> None:
        """Ask, then get interrupted."""
        raise click.exceptions.Abort()  # what click.confirm raises for ^C

    add_command("ask", ask)
    result = gw("ask", tty=True, env={"NO_COLOR": "1"})
    assert (result.code, result.err) == (130, "\nerror: interrupted\n")
    result = gw("ask")
    assert (result.code, result.err) == (130, "error: interrupted\n")


# --- the JSON error object ----------------------------------------------------------------


@pytest.mark.parametrize("how", [("-o", "json"), ("--json",), ("--output=json",), ("-ojson",)])
def test_json_error_object_for_usage_errors(gw, how):
    result = gw("profile", "show", "ghost", *how)
    assert result.code == 3
    error = json.loads(result.err)  # stderr holds the JSON object and nothing else
    assert error == {"error": "profile 'ghost' does not exist", "exit_code": 3, "http_status": None,
                     "request_id": None, "hint": "list profiles with `gwctl profile list`"}


def test_json_error_object_from_env(gw):
    result = gw("profile", "show", "ghost", env={"GWCTL_OUTPUT": "json"})
    assert last_json_line(result.err)["exit_code"] == 3
    result = gw("profile", "show", "ghost", "-o", "tsv", env={"GWCTL_OUTPUT": "json"})
    assert not result.err.rstrip().endswith("}")


def test_no_json_error_object_otherwise(gw):
    result = gw("profile", "show", "ghost")
    assert "{" not in result.err


def test_broken_pipe_is_quiet(gw, raising):
    raising(BrokenPipeError())
    result = gw("boom")
    assert (result.code, result.err) == (141, "")
