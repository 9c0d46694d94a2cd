"""One command across several profiles: selection, merged output, failures, concurrency, rotation."""

from __future__ import annotations

import json
import os
import time

import pytest

from gwctl.sandbox.opa import OpaEmulator

GATEWAYS = "/v1/teams/*/gateways"
HEAD = "PROFILE\tNAME\tID\tACCESS_ADDRESS\tDEFAULT_ADDRESS\tREFUSE_CONNECTIONS\tLAST_SEEN"
PROD = "Production gateway\ta0a05791-fc26-4386-93f4-eca6a157e015\t192.168.190.144:7234\t192.168.19.32\tfalse\t" \
       "2023-08-25T13:00:00Z"
DEV = "Dev Gateway\t7cdac13d-a3fe-43e8-9a41-13b15df97fc7\t192.168.190.145:7234\t192.168.19.33\tfalse\t" \
      "2023-08-25T14:35:00Z"


@pytest.fixture
def six(fleet):
    """opa-1, opa-2 fast; opa-3, opa-4 behind 300 ms; opa-5 a dead port; opa-6 a wrong credential."""
    fast, slow = OpaEmulator(), OpaEmulator()
    slow.delay_next(0.3, 100, path=GATEWAYS)
    fleet("opa", {"opa-1": fast, "opa-2": fast, "opa-3": slow, "opa-4": slow, "opa-5": "dead", "opa-6": fast},
          wrong={"opa-6"})
    return fast, slow


def test_list_over_six_profiles_tsv_marks_every_row_and_reports_the_two_failures(gw, six):
    from gwctl.config.profiles import load

    dead = load().profiles["opa-5"].url.split("//")[1]
    result = gw("-p", "opa-*", "opa", "gateways", "list", "--limit", "2")
    assert result.code == 10
    rows = [f"opa-{n}\t{row}" for n in range(1, 5) for row in (PROD, DEV)]
    assert result.out == "\n".join([HEAD, *rows]) + "\n"
    assert result.err == (
        f"error: opa-5: cannot reach {dead}: [Errno 111] Connection refused\n"
        "hint: opa-5: check the profile's URL (`gwctl profile show opa-5`), that the server is up, and the network\n"
        "error: opa-6: OPA refused the service user key 9f3b2c1a-6d4e-4f5a-8b7c-1e2d3c4bXXXX for team 'sandbox' "
        "(wrong key ID or secret, a revoked key, or another team)\n"
        "hint: opa-6: check GWCTL_OPA_KEY_ID/GWCTL_OPA_KEY_SECRET or run `gwctl auth login -p opa-6`\n"
        "error: 2 of 6 profiles failed: opa-5, opa-6\n")


def test_list_over_six_profiles_table_has_a_leading_profile_column(gw, six):
    result = gw("opa", "gateways", "list", "--limit", "2", "-p", "opa-*", "--no-color", tty=True,
                env={"COLUMNS": "250"})
    assert result.code == 10
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["PROFILE", "NAME", "ID"]
    assert [line.split()[0] for line in lines[1:]] == ["opa-1", "opa-1", "opa-2", "opa-2", "opa-3", "opa-3",
                                                        "opa-4", "opa-4"]
    assert "error: 2 of 6 profiles failed: opa-5, opa-6" in result.err


def test_list_over_six_profiles_json_is_one_array_and_the_error_object_names_each_failure(gw, six):
    result = gw("-p", "opa-*", "opa", "gateways", "list", "--limit", "2", "-o", "json")
    assert result.code == 10
    items = result.json()
    assert [(i["gwctl_profile"], i["name"]) for i in items] == [
        (f"opa-{n}", name) for n in range(1, 5) for name in ("Production gateway", "Dev Gateway")]
    assert list(items[0])[:2] == ["gwctl_profile", "id"]
    error = json.loads(result.err)  # with -o json the error is one JSON object and nothing else
    assert (error["error"], error["exit_code"]) == ("2 of 6 profiles failed: opa-5, opa-6", 10)
    assert [(f["profile"], f["exit_code"], f["http_status"]) for f in error["failures"]] == [
        ("opa-5", 9, None), ("opa-6", 4, 401)]


def test_list_over_six_profiles_jsonl_streams_marked_items(gw, six):
    result = gw("-p", "opa-1,opa-2,opa-3,opa-4,opa-5,opa-6", "opa", "gateways", "list", "--limit", "2", "-o", "jsonl")
    assert result.code == 10
    items = [json.loads(line) for line in result.out.splitlines()]
    assert len(items) == 8
    # Streamed as they arrive: the fast profiles' items come before the slow ones'.
    assert {i["gwctl_profile"] for i in items[:4]} == {"opa-1", "opa-2"}
    assert sorted((i["gwctl_profile"], i["name"]) for i in items) == sorted(
        (f"opa-{n}", name) for n in range(1, 5) for name in ("Production gateway", "Dev Gateway"))
    assert result.err.endswith("error: 2 of 6 profiles failed: opa-5, opa-6\n")


def test_yaml_is_like_json(gw, six):
    import yaml

    result = gw("-p", "opa-1,opa-2", "opa", "gateways", "list", "--limit", "1", "-o", "yaml")
    assert result.code == 0
    assert [(i["gwctl_profile"], i["name"]) for i in yaml.safe_load(result.out)] == [
        ("opa-1", "Production gateway"), ("opa-2", "Production gateway")]


def test_all_failing_the_same_way_exit_with_that_code(gw, fleet):
    fleet("opa", {"down-1": "dead", "down-2": "dead"})
    result = gw("-p", "down-*", "opa", "gateways", "list", "-o", "json")
    assert (result.code, result.out) == (9, "")
    error = json.loads(result.err)
    assert (error["error"], error["exit_code"]) == ("2 of 2 profiles failed: down-1, down-2", 9)
    assert [f["profile"] for f in error["failures"]] == ["down-1", "down-2"]


def test_profiles_run_concurrently(gw, fleet):
    slow = OpaEmulator()
    slow.delay_next(0.3, 100, path=GATEWAYS)
    fleet("opa", {f"slow-{n}": slow for n in range(1, 7)})
    started = time.monotonic()
    result = gw("-p", "slow-*", "opa", "gateways", "list", "--limit", "1", "-o", "json")
    elapsed = time.monotonic() - started
    assert result.code == 0, result.err
    assert len(result.json()) == 6
    assert elapsed < 1.2, f"6 profiles behind 300 ms took {elapsed:.2f}s"  # one after another: at least 1.8 s
    assert len(slow.calls("GET", GATEWAYS)) == 6


def test_limit_applies_per_profile_and_get_works_too(gw, six):
    result = gw("-p", "opa-1,opa-3", "opa", "gateways", "list", "--limit", "1")
    assert (result.code, result.out) == (0, f"{HEAD}\nopa-1\t{PROD}\nopa-3\t{PROD}\n")
    result = gw("-p", "opa-1,opa-2", "opa", "gateways", "get", "Dev Gateway")
    lines = result.out.splitlines()
    assert (result.code, len(lines), lines[0].startswith(HEAD + "\tDESCRIPTION")) == (0, 3, True)
    assert lines[1].startswith(f"opa-1\t{DEV}\tGateway used for dev env") and lines[2].startswith(f"opa-2\t{DEV}")


@pytest.fixture
def mixed(fleet):
    from gwctl.sandbox.sg import SecureGatewayEmulator

    opa, sg = OpaEmulator(), SecureGatewayEmulator()
    fleet("opa", {"prod-opa": opa, "opa-a": opa, "opa-b": opa, "dev-opa": opa})
    fleet("sg", {"sg-us-1": sg, "sg-eu-1": sg, "prod-sg": sg})
    return opa, sg


def _profiles(result) -> list[str]:
    assert result.code == 0, result.err
    return sorted({item["gwctl_profile"] for item in result.json()})


def test_globs_comma_lists_and_all_profiles_select_exactly(gw, mixed):
    listing = ("opa", "gateways", "list", "--limit", "1", "-o", "json")
    assert _profiles(gw("-p", "opa-*", *listing)) == ["opa-a", "opa-b"]
    assert _profiles(gw("-p", "prod-*,opa-b", *listing)) == ["opa-b", "prod-opa"]
    assert _profiles(gw("-p", "*-opa", *listing)) == ["dev-opa", "prod-opa"]
    assert _profiles(gw("--all-profiles", *listing)) == ["dev-opa", "opa-a", "opa-b", "prod-opa"]
    sg_listing = ("sg", "gateways", "list", "--limit", "1", "-o", "json")
    assert _profiles(gw("-p", "sg-us-*,sg-eu-*", *sg_listing)) == ["sg-eu-1", "sg-us-1"]
    assert _profiles(gw(*sg_listing, "--all-profiles")) == ["prod-sg", "sg-eu-1", "sg-us-1"]


def test_profiles_of_another_product_are_skipped_with_a_note_or_exit_2(gw, mixed):
    result = gw("-p", "prod-*", "opa", "gateways", "list", "--limit", "1", "-o", "json")
    assert _profiles(result) == ["prod-opa"]
    assert result.err == "note: skipped profiles of other products: prod-sg (sg)\n"
    result = gw("-p", "sg-*", "opa", "gateways", "list")
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[-2] == "error: no opa profile matches -p 'sg-*'"
    result = gw("-p", "opa-a,nope", "opa", "gateways", "list")
    assert (result.code, result.err.splitlines()[0]) == (3, "error: profile 'nope' does not exist")


def test_writes_refuse_several_profiles_and_send_nothing(gw, mixed):
    opa, _ = mixed
    opa.clear_log()
    result = gw("-p", "opa-*", "opa", "gateways", "delete", "Dev Gateway", "--yes")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("error: `gwctl opa gateways delete` runs on one profile at a time: give -p NAME\n"
                          "hint: several profiles (a list, a pattern, --all-profiles) work with reads and rotations\n")
    assert opa.requests == []


def test_rotation_over_three_profiles_writes_one_0600_file_each(gw, fleet, tmp_path):
    emulators = {f"team-{n}": OpaEmulator() for n in (1, 2, 3)}
    fleet("opa", emulators)
    refused = gw("-p", "team-*", "opa", "setup-tokens", "rotate", "-d", "nightly", "--out", str(tmp_path / "t.token"))
    assert (refused.code, refused.out) == (2, "")
    assert refused.err.splitlines()[0] == (
        f"error: --out {tmp_path / 't.token'} would be written once per profile: put {{profile}} in it, "
        "e.g. --out 'tokens/{profile}.token'")
    assert all(not e.calls("POST") for e in emulators.values())
    (tmp_path / "tokens").mkdir()  # --out never creates directories
    out = str(tmp_path / "tokens" / "{profile}.token")
    result = gw("-p", "team-*", "opa", "setup-tokens", "rotate", "-d", "nightly", "--out", out, "-o", "json")
    assert result.code == 0, result.err
    report = result.json()
    assert [(r["gwctl_profile"], r["written_to"]) for r in report] == [
        (name, str(tmp_path / "tokens" / f"{name}.token")) for name in ("team-1", "team-2", "team-3")]
    for name, emulator in emulators.items():
        path = tmp_path / "tokens" / f"{name}.token"
        assert os.stat(path).st_mode & 0o777 == 0o600
        created = [t for t in emulator.setup_tokens.values() if t["description"] == "nightly"]
        assert path.read_text() == created[0]["token"] + "\n"
        assert created[0]["token"] not in result.out + result.err
    assert sorted(os.listdir(tmp_path / "tokens")) == ["team-1.token", "team-2.token", "team-3.token"]


def test_one_profile_fills_the_placeholder_too(gw, fleet, tmp_path):
    emulator = OpaEmulator()
    fleet("opa", {"solo": emulator})
    result = gw("-p", "solo", "opa", "setup-tokens", "rotate", "-d", "nightly", "--out",
                str(tmp_path / "{profile}.token"))
    assert result.code == 0, result.err
    assert (tmp_path / "solo.token").exists()


def test_config_dump_and_diff_across_profiles(gw, fleet, tmp_path):
    from gwctl.sandbox.api7 import Api7Emulator

    fleet("api7", {"dc-1": Api7Emulator(), "dc-2": Api7Emulator()})
    result = gw("-p", "dc-*", "api7", "config", "dump", "-o", "json")
    assert result.code == 0, result.err
    docs = result.json()
    assert [(d["gwctl_profile"], d["product"]) for d in docs] == [("dc-1", "api7"), ("dc-2", "api7")]
    refused = gw("-p", "dc-*", "api7", "config", "dump", "-f", str(tmp_path / "api7.yaml"))
    assert refused.code == 2
    assert "put {profile} in it" in refused.err
    result = gw("-p", "dc-*", "api7", "config", "dump", "--kinds", "services,routes",
                "-f", str(tmp_path / "{profile}.yaml"))
    assert (result.code, result.out) == (0, "")
    assert f"dc-2: wrote {tmp_path / 'dc-2.yaml'}\n" in result.err
    assert sorted(p.name for p in tmp_path.glob("*.yaml")) == ["dc-1.yaml", "dc-2.yaml"]
    # both data centres hold what dc-1's document says: no drift anywhere
    result = gw("-p", "dc-*", "api7", "config", "diff", "-f", str(tmp_path / "dc-1.yaml"), "--exit-code")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert {line.split("\t")[0] for line in lines} == {"dc-1", "dc-2"}
    assert lines[-1].split("\t")[0] == "dc-2" and lines[-1].split("\t")[1].startswith(("No changes", "Plan:"))
