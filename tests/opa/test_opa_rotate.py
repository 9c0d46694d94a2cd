"""`gwctl opa setup-tokens rotate`: unattended rotation as cron runs it, and its failure modes."""

from __future__ import annotations

import json

from gwctl.columns import format_timestamp

import os
import stat

import pytest

T = "/v1/teams/sandbox"
TOK1 = "b09ba4db-d5b4-4ec5-90da-188e1d13d467"
TOK2 = "0bcea2c6-8fd7-44f8-8125-eba8418a18d8"
TOK3 = "c5a1e7d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f"
DEV_LABELS = ("-l", "env=dev", "-l", "region=us-west-2")


def new_tokens(opa):
    return [t for t in opa.emulator.setup_tokens.values() if t["id"] not in (TOK1, TOK2, TOK3)]


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_rotate_from_cron(opa, tmp_path):
    """No TTY, key from GWCTL_OPA_KEY_* (set by the sandbox fixture), --out, JSON report."""
    assert {"GWCTL_OPA_KEY_ID", "GWCTL_OPA_KEY_SECRET"} <= set(os.environ)
    out = tmp_path / "sft" / "setup.token"
    out.parent.mkdir(mode=0o700)
    result = opa.run("opa", "setup-tokens", "rotate", "--description", "dev gateways", *DEV_LABELS,
                     "--replace-matching-labels", "--out", str(out), "--yes", "-o", "json")
    assert result.code == 0, result.err
    (new,) = new_tokens(opa)
    assert TOK3 not in opa.emulator.setup_tokens  # the old token with the same labels is gone
    assert {TOK1, TOK2} <= set(opa.emulator.setup_tokens)  # others untouched
    assert out.read_text() == new["token"] + "\n"
    assert mode(out) == 0o600
    assert result.json() == {
        "created": {k: v for k, v in new.items() if k != "token"},
        "written_to": str(out),
        "replaced": [TOK3],
        "failed": [],
    }
    assert new["token"] not in result.all
    assert result.err == (f"created setup token {new['id']}\n"
                          f"wrote the setup token to {out} (mode 0600)\n"
                          f"deleted setup token {TOK3}\n")
    # The new token is valid: the server hands out exactly the value in the file.
    reveal = opa.run("opa", "setup-tokens", "reveal", new["id"])
    assert reveal.out == out.read_text()
    # Order: everything about the old token happens after the new one is created.
    methods = [(r.method, r.path) for r in opa.emulator.requests if r.method in ("POST", "DELETE")]
    assert methods[-2:] == [("POST", f"{T}/gateway_setup_tokens"), ("DELETE", f"{T}/gateway_setup_tokens/{TOK3}")]


def test_rotate_again_replaces_the_previous_rotation(opa, tmp_path):
    out = tmp_path / "setup.token"
    argv = ("opa", "setup-tokens", "rotate", "-d", "dev gateways", *DEV_LABELS, "--replace-matching-labels",
            "--out", str(out), "--yes", "-o", "json")
    first = opa.run(*argv).json()["created"]["id"]
    second = opa.run(*argv)
    assert second.code == 0, second.err
    assert second.json()["replaced"] == [first]
    (current,) = new_tokens(opa)
    assert current["id"] == second.json()["created"]["id"] != first
    assert out.read_text() == current["token"] + "\n"
    assert len(opa.emulator.calls("POST", f"{T}/service_token")) == 1  # one exchange for both runs


def test_rotate_replace_by_id_and_description_table_output(opa, tmp_path):
    out = tmp_path / "t"
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "merged", "--replace", TOK1,
                     "--replace", "Gateway Token 2", "--out", str(out), "--yes")
    assert result.code == 0, result.err
    (new,) = new_tokens(opa)
    assert set(opa.emulator.setup_tokens) == {TOK3, new["id"]}
    assert result.out == (
        f"ID\t{new['id']}\nDESCRIPTION\tmerged\nLABELS\t\nCREATED_AT\t{format_timestamp(new['created_at'])}\n"
        f"WRITTEN_TO\t{out}\nREPLACED\t{TOK1},{TOK2}\nFAILED\t\n"
    )


def test_rotate_without_out_prints_the_new_secret_once(opa):
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "printed", "--replace", TOK2, "--yes", "-o", "json")
    assert result.code == 0, result.err
    (new,) = new_tokens(opa)
    report = result.json()
    assert report["created"]["token"] == new["token"]
    assert (report["written_to"], report["replaced"]) == (None, [TOK2])


def test_rotate_waits_grace_before_deleting(opa, tmp_path, monkeypatch):
    import gwctl.cli.context as context

    out = tmp_path / "t"
    seen = []

    def fake_sleep(seconds):
        # At the moment of waiting the new token is stored and the old one still exists.
        seen.append((seconds, TOK3 in opa.emulator.setup_tokens, out.exists(), len(opa.emulator.calls("DELETE"))))

    monkeypatch.setattr(context, "sleep", fake_sleep)
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "dev", *DEV_LABELS, "--replace-matching-labels",
                     "--out", str(out), "--grace", "90", "--yes")
    assert result.code == 0, result.err
    assert seen == [(90.0, True, True, 0)]
    assert "waiting 90s before deleting 1 old setup token(s)\n" in result.err
    assert TOK3 not in opa.emulator.setup_tokens


def test_rotate_when_deleting_an_old_token_fails(opa, tmp_path, sleeps):
    out = tmp_path / "setup.token"
    # DELETE is idempotent, so the client retries 5xx: make every attempt on TOK1 fail.
    opa.emulator.fail_next(4, status=500, method="DELETE", path=f"{T}/gateway_setup_tokens/{TOK1}")
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "new", "--replace", TOK1, "--replace", TOK2,
                     "--out", str(out), "--yes", "-o", "json")
    assert result.code == 10
    (new,) = new_tokens(opa)
    assert out.read_text() == new["token"] + "\n" and mode(out) == 0o600  # the new token stays written
    assert TOK1 in opa.emulator.setup_tokens and TOK2 not in opa.emulator.setup_tokens
    report = result.json()
    assert report["created"]["id"] == new["id"] and report["replaced"] == [TOK2]
    assert report["failed"] == [{"id": TOK1, "exit_code": 8, "error": (
        f"DELETE {T}/gateway_setup_tokens/{TOK1}: 500 Internal Server Error")}]
    error = json.loads(result.err.splitlines()[-1])  # with -o json the error is only the JSON object
    assert error["error"] == (f"the new setup token {new['id']} is created and written to {out}, "
                              f"but 1 old setup token(s) are left: {TOK1}")
    assert error["hint"] == f"delete them later with `gwctl -p sandbox-opa opa setup-tokens delete {TOK1} --yes`"
    assert "error:" not in result.err
    assert len(sleeps) == 3


def test_rotate_when_delete_is_forbidden(opa, tmp_path):
    out = tmp_path / "setup.token"
    opa.emulator.fail_next(1, status=403, method="DELETE")
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "new", *DEV_LABELS, "--replace-matching-labels",
                     "--out", str(out), "--yes")
    assert result.code == 10
    assert f"failed: setup token {TOK3}: DELETE {T}/gateway_setup_tokens/{TOK3}: 403 Forbidden" in result.err
    (new,) = new_tokens(opa)
    assert out.read_text() == new["token"] + "\n"


def test_rotate_old_token_already_gone_counts_as_replaced(opa, tmp_path):
    opa.emulator.fail_next(1, status=404, method="DELETE")
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "new", "--replace", TOK1, "--out", str(tmp_path / "t"), "--yes")
    assert result.code == 0, result.err
    assert f"setup token {TOK1} was already gone\n" in result.err


def test_rotate_that_cannot_store_the_secret_deletes_nothing_old(opa, tmp_path, monkeypatch, isolated):
    """Unified rotation flow: the new token stays (in a 0600 recovery file), nothing old is deleted."""
    import gwctl.cli.secret_output as util

    monkeypatch.setattr(util, "write_secret_file", lambda path, secret: path.write_text("truncated"))
    out = tmp_path / "setup.token"
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "new", "--replace", TOK1, "--out", str(out), "--yes")
    assert result.code == 12
    (new,) = new_tokens(opa)
    [recovery] = (isolated["tmp"] / "state" / "recovery").glob("*.txt")
    assert recovery.read_text() == new["token"] + "\n" and mode(recovery) == 0o600
    assert result.err.splitlines()[-2] == (
        f"error: could not write the new setup token: --out {out} did not read back; it is saved in {recovery}")
    assert TOK1 in opa.emulator.setup_tokens and not opa.emulator.calls("DELETE")
    assert new["token"] not in result.all


def test_rotate_is_locked_per_profile(opa, tmp_path, monkeypatch):
    from gwctl.config.files import locked

    lock = tmp_path / "state" / "locks" / "rotate-opa-sandbox-opa"
    with locked(lock):
        result = opa.run("opa", "setup-tokens", "rotate", "-d", "x", "--replace", TOK1, "--yes", "--lock-timeout", "0.1")
    assert result.code == 7
    assert result.err.splitlines()[-2] == (
        f"error: another rotation of profile sandbox-opa still holds the lock {lock} after 0.1s (--lock-timeout); "
        "nothing was changed")
    assert not opa.emulator.calls("POST", f"{T}/gateway_setup_tokens")


def test_rotate_that_replaces_needs_yes_without_a_terminal(opa):
    for args, what in ((["--replace", TOK1], f"setup token {TOK1}"),
                       ([*DEV_LABELS, "--replace-matching-labels"], "setup tokens labelled env=dev,region=us-west-2")):
        result = opa.run("opa", "setup-tokens", "rotate", "-d", "x", *args)
        assert (result.code, result.out) == (2, "")
        assert result.err == f"error: delete {what} (replaced by the new one): confirmation required; re-run with --yes\n"
    assert opa.emulator.requests == []
    # a rotation that replaces nothing deletes nothing: no confirmation
    assert opa.run("opa", "setup-tokens", "rotate", "-d", "x", "-o", "json").code == 0


@pytest.mark.parametrize("args, err", [
    (["-d", "x", "--replace", TOK1, "--replace-matching-labels", "-l", "a=b"],
     "error: --replace and --replace-matching-labels cannot be combined\n"),
    (["-d", "x", "--replace-matching-labels"],
     "error: --replace-matching-labels needs the new token's labels: give at least one --label KEY=VALUE\n"),
    (["-d", "x", "-l", "env:dev"], "error: invalid --label 'env:dev': expected KEY=VALUE\n"),
    (["--replace", TOK1], "error: missing option --description\n"),
    (["-d", "x", "--grace", "-1"], None),
])
def test_rotate_bad_input_sends_nothing(opa, args, err):
    result = opa.run("opa", "setup-tokens", "rotate", *args)
    assert result.code == 2 and result.out == ""
    if err is not None:
        assert result.err == err
    assert opa.emulator.requests == []


def test_rotate_out_is_a_directory(opa, tmp_path):
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "x", "--out", str(tmp_path))
    assert (result.code, result.err) == (2, f"error: --out {tmp_path} is a directory\n")
    assert opa.emulator.requests == []


def test_rotate_unknown_replace_id_creates_nothing(opa):
    unknown = "00000000-0000-4000-8000-000000000000"
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "x", "--replace", unknown, "--yes")
    assert result.code == 3
    assert f"404 Not Found: gateway setup token {unknown} not found" in result.err
    assert not opa.emulator.calls("POST", f"{T}/gateway_setup_tokens")


def test_rotate_ambiguous_replace_creates_nothing(opa):
    opa.emulator.setup_tokens[TOK2]["description"] = "Gateway Token 1"
    result = opa.run("opa", "setup-tokens", "rotate", "-d", "x", "--replace", "Gateway Token 1", "--yes")
    assert result.code == 2
    assert "is ambiguous: it matches 2" in result.err
    assert not opa.emulator.calls("POST", f"{T}/gateway_setup_tokens")
    assert not opa.emulator.calls("DELETE")
