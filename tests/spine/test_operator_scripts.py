"""What scripts and operators at a terminal rely on: closed pipes, per-product GWCTL_PROFILE, aliases,
a list cut by the default limit, progress, `api` output, `auth status --check`, unpublish."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

GK = ("--product", "gatekeeper", "--url", "http://127.0.0.1:9")


def _tokens(emulator, count: int) -> None:
    for i in range(count):
        token_id = f"00000000-0000-4000-8000-{i:012d}"
        emulator.setup_tokens[token_id] = {"id": token_id, "registration_type": "gateway-agent",
                                           "description": f"token {i}", "details": {"labels": {}},
                                           "created_at": "2026-01-01T00:00:00Z", "token": f"tok-{i:08d}-secret"}


# --- a closed stdout ---------------------------------------------------------------------------


def test_head_closing_the_pipe_exits_141_quietly(sandbox, tmp_path):
    box = sandbox("opa")
    _tokens(box.emulator, 2000)  # more than a pipe's buffer
    env = {**os.environ, **box.env, "PYTHONPATH": os.pathsep.join(sys.path)}
    for argv in (["opa", "setup-tokens", "list", "--all"], ["opa", "setup-tokens", "list", "--all", "-o", "jsonl"]):
        proc = subprocess.Popen([sys.executable, "-m", "gwctl", "-p", box.profile, *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()  # what `| head -1` does
        _, err = proc.communicate(timeout=60)
        assert (proc.returncode, err) == (141, b""), argv


# --- GWCTL_PROFILE of another product ---------------------------------------------------------


def test_gwctl_profile_of_another_product_is_ignored_but_an_explicit_one_is_not(sandbox):
    sandbox("opa")
    gk = sandbox("gatekeeper")
    result = gk.run("gatekeeper", "status", "--query", "unsealed", env={"GWCTL_PROFILE": "sandbox-opa"})
    assert (result.code, result.out, result.err) == (0, "true\n", "")
    result = gk.run("-p", "sandbox-opa", "gatekeeper", "status", env={"GWCTL_PROFILE": "sandbox-opa"})
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: profile 'sandbox-opa' is for opa, not gatekeeper\n")
    # the variable still picks the profile of its own product
    result = gk.run("opa", "gateways", "list", "--query", "length(@)", env={"GWCTL_PROFILE": "sandbox-opa"})
    assert (result.code, result.out) == (0, "5\n")


# --- ls / rm -----------------------------------------------------------------------------------


def test_ls_and_rm_are_list_and_delete_everywhere(sandbox):
    opa = sandbox("opa")
    assert opa.run("opa", "gateways", "ls", "-o", "json").out == opa.run("opa", "gateways", "list", "-o", "json").out
    result = opa.run("opa", "setup-tokens", "rm", "b09ba4db-d5b4-4ec5-90da-188e1d13d467", "--yes")
    assert (result.code, result.err) == (0, "deleted setup token b09ba4db-d5b4-4ec5-90da-188e1d13d467\n")
    gk = sandbox("gatekeeper")
    result = gk.run("profile", "ls", "-o", "json")
    assert result.code == 0 and {p["name"] for p in json.loads(result.out)} == {"sandbox-opa", "sandbox-gatekeeper"}


# --- a list cut by the default limit -----------------------------------------------------------


def test_a_list_cut_by_the_default_limit_says_so(sandbox):
    box = sandbox("opa")
    _tokens(box.emulator, 60)
    result = box.run("opa", "setup-tokens", "list")
    assert result.code == 0 and len(result.out.splitlines()) == 51  # header + 50
    assert result.err == "showing 50; more exist: --all or --limit N\n"
    result = box.run("opa", "setup-tokens", "list", "-o", "json")
    assert len(json.loads(result.out)) == 50 and result.err == "showing 50; more exist: --all or --limit N\n"
    # an explicit --limit is what was asked for; --all and short lists have nothing to say
    for argv in (("--limit", "10"), ("--all",)):
        result = box.run("opa", "setup-tokens", "list", *argv)
        assert (result.code, result.err) == (0, "")
    result = box.run("opa", "gateways", "list")
    assert (result.code, result.err) == (0, "")


@pytest.mark.parametrize("product,argv,count", [
    ("api7", ("api7", "routes", "list"), 55),
    ("pomerium", ("pomerium", "routes", "list"), 55),
])
def test_the_limit_notice_in_other_paging_styles(sandbox, product, argv, count):
    box = sandbox(product)
    before = json.loads(box.run(*argv, "--all", "-o", "json").out)
    template = before[0]
    for i in range(count):
        result = box.run(*argv[:2], "create", "--from-file", "-", stdin=json.dumps(_copy_of(product, template, i)))
        assert result.code == 0, result.err
    result = box.run(*argv)
    assert result.err.endswith("; more exist: --all or --limit N\n") or \
        result.err.endswith("; there may be more: --all or --limit N\n")
    assert len(result.out.splitlines()) == 51


def _copy_of(product: str, item: dict, i: int) -> dict:
    if product == "api7":
        return {"name": f"copy-{i}", "paths": [f"/copy-{i}"], "service_id": item["service_id"]}
    return {"name": f"copy-{i}", "from": f"https://copy-{i}.example.com", "to": ["https://upstream.example.com"],
            "namespaceId": item["namespaceId"]}


def test_progress_line_only_on_a_terminal(sandbox, monkeypatch):
    from gwctl.cli import render

    box = sandbox("opa")
    monkeypatch.setattr(render, "PROGRESS_AFTER", 0.0)
    result = box.run("opa", "gateways", "list", "-o", "json", tty=True)
    assert result.code == 0
    assert result.err == "\rfetched 5 items…\r\x1b[K"
    result = box.run("opa", "gateways", "list")
    assert (result.code, result.err) == (0, "")


# --- `api` prints JSON ------------------------------------------------------------------------


def test_api_prints_the_body_as_json_unless_asked_otherwise(sandbox):
    box = sandbox("opa")
    result = box.run("opa", "api", "GET", "/v1/teams/sandbox/gateways")
    assert result.code == 0
    names = [g["name"] for g in box.emulator.gateways.values()] if isinstance(box.emulator.gateways, dict) else None
    first_page = json.loads(result.out)["list"]
    assert first_page and all("name" in g for g in first_page)
    result = box.run("opa", "api", "GET", "/v1/teams/sandbox/gateways", "--paginate")
    everything = [g["name"] for g in json.loads(result.out)]
    assert len(everything) == 5 and (names is None or sorted(everything) == sorted(names))
    result = box.run("opa", "api", "GET", "/v1/teams/sandbox/gateways", "--paginate", "-o", "tsv")
    assert result.out.splitlines()[0].startswith("ID\tNAME\t")


# --- auth status --check -----------------------------------------------------------------------


def test_auth_status_check_exits_4_for_a_profile_without_credentials(sandbox, gw, monkeypatch):
    sandbox("gatekeeper")
    assert gw("auth", "status", "--check").code == 0  # the secret in the environment
    monkeypatch.delenv("GWCTL_VAULT_TOKEN")
    assert gw("auth", "login", "-p", "sandbox-gatekeeper", "--stdin", "--insecure-storage", "--no-verify",
              stdin="s.sandbox\n").code == 0
    assert gw("auth", "status", "--check").code == 0
    assert gw("profile", "add", "bare", *GK).code == 0
    result = gw("auth", "status", "--check", "-p", "bare")
    assert result.code == 4
    assert result.err == ("error: no usable credentials for profile(s): bare\n"
                          "hint: store them with `gwctl auth login -p bare`, or set the product's variable\n")
    assert "bare\tgatekeeper\tvault_token\tsecret\tmissing" in result.out
    assert gw("auth", "status", "-p", "bare").code == 0  # without --check: a report, not a verdict


# --- api7 services unpublish -------------------------------------------------------------------


def test_api7_services_unpublish_then_delete(sandbox):
    box = sandbox("api7")
    result = box.run("api7", "services", "delete", "httpbin", "--yes")
    assert result.code == 6
    result = box.run("api7", "services", "unpublish", "httpbin", "-g", "default")
    assert result.code == 2 and "re-run with --yes" in result.err
    result = box.run("api7", "services", "unpublish", "httpbin", "-g", "default", "--yes")
    assert (result.code, result.err) == (0, "deleted published service 5d3e6a7b-1c2d-4e5f-8a9b-0c1d2e3f4a01 (httpbin)\n")
    result = box.run("api7", "services", "delete", "httpbin", "--yes")
    assert (result.code, result.err) == (0, "deleted service 5d3e6a7b-1c2d-4e5f-8a9b-0c1d2e3f4a01 (httpbin)\n")
