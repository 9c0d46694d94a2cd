"""Global options work before the product and on every leaf; env GWCTL_PROFILE / GWCTL_OUTPUT."""

from __future__ import annotations

import pytest

FIXED = 1_700_000_000.0


@pytest.fixture
def box(sandbox):
    return sandbox("gatekeeper", clock=lambda: FIXED)


@pytest.fixture
def other(box, gw, closed_port):
    """A second gatekeeper profile, made the default, that points at nothing."""
    assert gw("profile", "add", "other", "--product", "gatekeeper", "--url", f"http://127.0.0.1:{closed_port}").code == 0
    assert gw("profile", "use", "other").code == 0
    return "other"


def test_globals_before_and_after_the_command_are_the_same(box, other):
    before = box.run("-p", box.profile, "-o", "json", "gatekeeper", "status")
    after = box.run("gatekeeper", "status", "-p", box.profile, "-o", "json")
    mixed = box.run("-p", box.profile, "gatekeeper", "status", "--output", "json")
    long_form = box.run("--profile", box.profile, "--output=json", "gatekeeper", "status")
    assert before.code == 0, before.err
    assert before == after
    assert mixed.code == 0 and mixed.out == before.out
    assert long_form.out == before.out
    assert before.json()["id"] == box.emulator.peer_id


def test_leaf_value_wins_over_root_value(box, other):
    result = box.run("-p", other, "-o", "tsv", "gatekeeper", "status", "-p", box.profile, "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["unsealed"] is True


def test_json_flag(box):
    for argv in (("--json", "gatekeeper", "status"), ("gatekeeper", "status", "--json")):
        result = box.run(*argv)
        assert result.code == 0
        assert result.json()["version"] == box.emulator.version


def test_gwctl_profile_env(box, other, sleeps):
    assert box.run("gatekeeper", "status").code == 9  # the default points nowhere
    result = box.run("gatekeeper", "status", "-o", "json", env={"GWCTL_PROFILE": box.profile})
    assert result.code == 0, result.err
    # a flag beats the environment
    assert box.run("gatekeeper", "status", "-p", other, env={"GWCTL_PROFILE": box.profile}).code == 9
    assert box.run("-p", other, "gatekeeper", "status", env={"GWCTL_PROFILE": box.profile}).code == 9


def test_gwctl_profile_env_unknown(box):
    result = box.run("gatekeeper", "status", env={"GWCTL_PROFILE": "ghost"})
    assert result.code == 3


def test_gwctl_output_env(box):
    result = box.run("gatekeeper", "status", env={"GWCTL_OUTPUT": "json"})
    assert result.code == 0
    assert result.json()["unsealed"] is True
    result = box.run("gatekeeper", "status", "-o", "yaml", env={"GWCTL_OUTPUT": "json"})
    assert result.out.startswith("id: ")
    result = box.run("profile", "list", env={"GWCTL_OUTPUT": "jsonl"})
    assert result.out.startswith('{"name":"sandbox-gatekeeper"')


def test_query_anywhere(box):
    a = box.run("--query", "version", "gatekeeper", "status")
    b = box.run("gatekeeper", "status", "--query", "version")
    assert a == b
    assert (a.code, a.out) == (0, f"{box.emulator.version}\n")


def test_columns_and_no_headers_anywhere(box):
    a = box.run("--no-headers", "--columns", "name,url", "profile", "list")
    b = box.run("profile", "list", "--columns", "name,url", "--no-headers")
    assert a == b
    assert a.out == f"{box.profile}\t{box.server.url}\n"


def test_verbose_accumulates_from_both_positions(box):
    one = box.run("-v", "gatekeeper", "status")
    assert one.code == 0
    request_lines = [line for line in one.err.splitlines() if "GET" in line]
    assert request_lines and all("/status" in line for line in request_lines)
    two = box.run("-v", "gatekeeper", "status", "-v")
    vv = box.run("-vv", "gatekeeper", "status")
    # -v on both sides is -vv: the same kind of log (headers included)
    assert len(two.err.splitlines()) == len(vv.err.splitlines()) > len(one.err.splitlines())


def test_timeout_anywhere(box):
    box.emulator.delay_next(1.0, 2, method="POST", path="/seal")
    for argv in (("--timeout", "0.2", "gatekeeper", "seal", "--yes"), ("gatekeeper", "seal", "--yes", "--timeout", "0.2")):
        result = box.run(*argv)
        assert result.code == 7
        assert "the read timeout is 0.2s" in result.err


def test_no_color_anywhere(gw):
    assert gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9").code == 0
    a = gw("--no-color", "profile", "list", tty=True)
    b = gw("profile", "list", "--no-color", tty=True)
    assert a == b
    assert "\x1b" not in a.out
    assert "\x1b" in gw("profile", "list", tty=True).out


def test_global_options_in_help(gw):
    for argv in (("--help",), ("profile", "list", "--help"), ("gatekeeper", "status", "--help")):
        out = gw(*argv).out
        for flag in ("-p, --profile NAME", "-o, --output", "--json", "--query JMESPATH", "-v, --verbose",
                     "--timeout SECONDS", "--no-color"):
            assert flag in out, (argv, flag)


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e9"])
def test_timeout_that_is_not_a_sane_number_of_seconds_is_a_usage_error(gw, value):
    result = gw("--timeout", value, "profile", "list")
    assert result.code == 2
    assert result.err.startswith("error: Invalid value for '--timeout': ")
    assert "Traceback" not in result.err
