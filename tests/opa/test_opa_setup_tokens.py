"""`gwctl opa setup-tokens` end to end against the OPA emulator (list/get/reveal/create/delete)."""

from __future__ import annotations

from gwctl.columns import format_timestamp

import json
import os
import stat

from gwctl.sandbox.opa import DELEGATED_RESOURCE_ADMIN

T = "/v1/teams/sandbox"
TOK1 = "b09ba4db-d5b4-4ec5-90da-188e1d13d467"
TOK2 = "0bcea2c6-8fd7-44f8-8125-eba8418a18d8"
TOK3 = "c5a1e7d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f"
LIST_TSV = (
    "ID\tDESCRIPTION\tLABELS\tCREATED_AT\n"
    f"{TOK1}\tGateway Token 1\tregion=NA-West\t2023-08-25T00:00:00Z\n"
    f"{TOK2}\tGateway Token 2\tdepartment=eng\t2023-08-25T00:00:00Z\n"
    f"{TOK3}\tDev gateways\tenv=dev,region=us-west-2\t2023-08-25T00:00:00Z\n"
)


def list_calls(opa):
    return opa.emulator.calls("GET", f"{T}/gateway_setup_tokens")


def mutations(opa):
    return [r for r in opa.emulator.requests if r.method in ("POST", "PUT", "DELETE") and not r.path.endswith("service_token")]


# -- list -----------------------------------------------------------------------------------------


def test_list_pages_through_every_token(opa):
    result = opa.run("opa", "setup-tokens", "list")
    assert (result.code, result.out, result.err) == (0, LIST_TSV, "")
    # 3 tokens at the emulator's default page of 2: two list requests, the second from the Link header.
    calls = list_calls(opa)
    assert len(calls) == 2
    assert calls[1].query.to_dict() == {"count": "2", "offset": TOK2}


def test_list_limit_fetches_only_the_pages_needed(opa):
    result = opa.run("opa", "setup-tokens", "list", "--limit", "2")
    assert result.out == "".join(LIST_TSV.splitlines(keepends=True)[:3])
    assert len(list_calls(opa)) == 1
    opa.emulator.clear_log()
    result = opa.run("opa", "setup-tokens", "list", "--limit", "3", "--no-headers")
    assert result.out == "".join(LIST_TSV.splitlines(keepends=True)[1:])
    assert len(list_calls(opa)) == 2


def test_list_json_never_shows_secret_values(opa):
    result = opa.run("opa", "setup-tokens", "list", "-o", "json")
    items = result.json()
    assert [t["id"] for t in items] == [TOK1, TOK2, TOK3]
    assert items[0] == {"id": TOK1, "registration_type": "gateway-agent", "description": "Gateway Token 1",
                        "details": {"labels": {"region": "NA-West"}}, "created_at": "2023-08-25T00:00:00Z"}
    for token in opa.emulator.setup_tokens.values():
        assert token["token"] not in result.all


def test_list_on_a_terminal_is_a_table(opa):
    result = opa.run("opa", "setup-tokens", "list", "--no-color", tty=True)
    lines = result.out.splitlines()
    assert lines[0].split() == ["ID", "DESCRIPTION", "LABELS", "CREATED_AT"]
    assert lines[1].split() == [TOK1, "Gateway", "Token", "1", "region=NA-West", "2023-08-25T00:00:00Z"]
    assert len(lines) == 4 and result.code == 0


def test_list_without_resource_admin_is_exit_5_with_a_hint(opa):
    opa.emulator.set_roles([DELEGATED_RESOURCE_ADMIN])
    result = opa.run("opa", "setup-tokens", "list")
    assert result.code == 5
    assert result.err == (
        f"error: GET {T}/gateway_setup_tokens: 403 Forbidden: User gwctl-sandbox lacks the required role: "
        "this endpoint requires resource_admin\n"
        "hint: the service user needs the resource_admin role (via its groups) in OPA\n"
    )


# -- get / reveal -------------------------------------------------------------------------------------


def test_get_by_id_by_description_and_case_insensitively(opa):
    expected = f"ID\t{TOK1}\nDESCRIPTION\tGateway Token 1\nLABELS\tregion=NA-West\nCREATED_AT\t2023-08-25T00:00:00Z\n"
    for ref in (TOK1, "Gateway Token 1", "gateway token 1"):
        result = opa.run("opa", "setup-tokens", "get", ref)
        assert (result.code, result.out, result.err) == (0, expected, "")
    assert len(opa.emulator.calls("GET", f"{T}/gateway_setup_tokens/{TOK1}")) == 3


def test_get_json_is_the_api_object_without_the_secret(opa):
    result = opa.run("opa", "setup-tokens", "get", TOK2, "--json")
    assert result.json() == {"id": TOK2, "registration_type": "gateway-agent", "description": "Gateway Token 2",
                             "details": {"labels": {"department": "eng"}}, "created_at": "2023-08-25T00:00:00Z"}


def test_get_unknown_id_is_exit_3(opa):
    result = opa.run("opa", "setup-tokens", "get", "00000000-0000-4000-8000-000000000000")
    assert result.code == 3
    assert result.err == (
        f"error: GET {T}/gateway_setup_tokens/00000000-0000-4000-8000-000000000000: 404 Not Found: "
        "gateway setup token 00000000-0000-4000-8000-000000000000 not found\n"
    )


def test_get_unknown_description_is_exit_3(opa):
    result = opa.run("opa", "setup-tokens", "get", "no such token")
    assert (result.code, result.out) == (3, "")
    # No such description or name: asked for as an ID (the shared lookup), which the server does not know.
    assert result.err == (f"error: GET {T}/gateway_setup_tokens/no such token: 404 Not Found: "
                          "gateway setup token no such token not found\n")


def test_ambiguous_description_is_exit_2_listing_candidates(opa):
    opa.emulator.setup_tokens[TOK2]["description"] = "Gateway Token 1"
    result = opa.run("opa", "setup-tokens", "get", "Gateway Token 1")
    assert result.code == 2
    assert result.err == (
        "error: setup token name 'Gateway Token 1' is ambiguous: it matches 2 setup tokens: "
        f"{TOK1} (Gateway Token 1), {TOK2} (Gateway Token 1)\n"
        "hint: give the setup token ID\n"
    )
    assert not opa.emulator.calls("GET", f"{T}/gateway_setup_tokens/*")


def test_reveal_prints_only_the_token(opa):
    secret = opa.emulator.setup_tokens[TOK1]["token"]
    result = opa.run("opa", "setup-tokens", "reveal", "Gateway Token 1")
    assert (result.code, result.out, result.err) == (0, secret + "\n", "")
    assert opa.emulator.calls("GET", f"{T}/gateway_setup_tokens/{TOK1}/token")


def test_reveal_json_is_the_whole_record(opa):
    result = opa.run("opa", "setup-tokens", "reveal", TOK1, "-o", "json")
    assert result.json() == opa.emulator.setup_tokens[TOK1]


def test_reveal_out_writes_0600_and_prints_metadata(opa, tmp_path):
    secret = opa.emulator.setup_tokens[TOK1]["token"]
    out = tmp_path / "setup.token"
    result = opa.run("opa", "setup-tokens", "reveal", TOK1, "--out", str(out))
    assert result.code == 0
    assert out.read_text() == secret + "\n"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert secret not in result.all
    assert result.out == f"ID\t{TOK1}\nDESCRIPTION\tGateway Token 1\nWRITTEN_TO\t{out}\n"
    assert result.err == f"wrote the setup token to {out} (mode 0600)\n"


# -- create ----------------------------------------------------------------------------------------------


def test_create_sends_the_schema_body_and_prints_the_secret_once(opa):
    result = opa.run("opa", "setup-tokens", "create", "--description", "eu gateways", "-l", "env=prod",
                     "--label", "region=eu-central-1", "-o", "json")
    assert result.code == 0, result.err
    created = result.json()
    stored = opa.emulator.setup_tokens[created["id"]]
    assert created == stored and created["token"].startswith("sft-gw.")
    (post,) = opa.emulator.calls("POST", f"{T}/gateway_setup_tokens")
    assert post.json == {"registration_type": "gateway-agent", "description": "eu gateways",
                         "details": {"labels": {"env": "prod", "region": "eu-central-1"}}}


def test_create_out_writes_the_secret_and_prints_metadata(opa, tmp_path):
    out = tmp_path / "new.token"
    result = opa.run("opa", "setup-tokens", "create", "-d", "dev", "--out", str(out))
    assert result.code == 0, result.err
    (token,) = [t for t in opa.emulator.setup_tokens.values() if t["description"] == "dev"]
    assert out.read_text() == token["token"] + "\n"
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert token["token"] not in result.all
    assert result.out == (f"ID\t{token['id']}\nDESCRIPTION\tdev\nLABELS\t\nCREATED_AT\t{format_timestamp(token['created_at'])}\n"
                          f"WRITTEN_TO\t{out}\n")
    assert result.err == f"created setup token {token['id']} (dev)\nwrote the setup token to {out} (mode 0600)\n"


def test_create_from_yaml_file_with_flag_override(opa, tmp_path):
    body = tmp_path / "token.yaml"
    body.write_text("description: from file\nname: prod-gw\ndetails:\n  labels:\n    env: prod\n")
    result = opa.run("opa", "setup-tokens", "create", "--from-file", str(body), "-l", "tier=1", "-o", "json")
    assert result.code == 0, result.err
    (post,) = opa.emulator.calls("POST", f"{T}/gateway_setup_tokens")
    assert post.json == {"description": "from file", "name": "prod-gw", "details": {"labels": {"tier": "1"}},
                         "registration_type": "gateway-agent"}
    assert result.json()["name"] == "prod-gw"


def test_create_bad_input_sends_nothing(opa, tmp_path):
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps({"description": "x", "registration_type": "server", "details": {}}))
    cases = [
        (["-d", "x", "-l", "env"], "error: invalid --label 'env': expected KEY=VALUE\n"),
        (["-d", "x", "-l", "=v"], "error: invalid --label '=v': expected KEY=VALUE\n"),
        (["-l", "env=prod"], "error: missing --description\n"),
        (["-d", "x", "--name", "has space"],
         "error: invalid --name 'has space': use 1 to 255 letters, digits, '-', '_' or '.'\n"),
        (["-d", "x" * 1025], "error: invalid --description: String should have at most 1024 characters\n"),
        (["--from-file", str(bad_file)],
         "error: invalid --from-file: field 'registration_type': Input should be 'gateway-agent'\n"),
        (["-d", "x", "--out", str(tmp_path)], f"error: --out {tmp_path} is a directory\n"),
    ]
    for args, err in cases:
        result = opa.run("opa", "setup-tokens", "create", *args)
        assert (result.code, result.out, result.err) == (2, "", err), args
    assert opa.emulator.requests == []


# -- delete ------------------------------------------------------------------------------------------------


def test_delete_several_with_yes(opa):
    result = opa.run("opa", "setup-tokens", "delete", TOK1, "Gateway Token 2", "--yes")
    assert result.code == 0, result.err
    assert result.out == ""
    assert sorted(result.err.splitlines()) == sorted([f"deleted setup token {TOK1}",
                                                      f"deleted setup token {TOK2} (Gateway Token 2)"])
    assert set(opa.emulator.setup_tokens) == {TOK3}
    assert len(opa.emulator.calls("DELETE")) == 2


def test_delete_ids_from_stdin_json_report(opa):
    result = opa.run("opa", "setup-tokens", "delete", "-", "--yes", "-o", "json", stdin=f"{TOK1}\n{TOK3}\n")
    assert result.code == 0
    assert result.json() == [{"id": TOK1, "ok": True, "error": None, "exit_code": None},
                             {"id": TOK3, "ok": True, "error": None, "exit_code": None}]
    assert set(opa.emulator.setup_tokens) == {TOK2}


def test_delete_needs_yes_without_a_terminal(opa):
    result = opa.run("opa", "setup-tokens", "delete", TOK1)
    assert result.code == 2
    assert result.err == f"error: delete setup token {TOK1}: confirmation required; re-run with --yes\n"
    assert not opa.emulator.calls("DELETE")


def test_delete_with_an_unknown_id_is_partial_failure(opa):
    unknown = "00000000-0000-4000-8000-000000000000"
    result = opa.run("opa", "setup-tokens", "delete", TOK1, unknown, "--yes")
    assert result.code == 10
    assert f"deleted setup token {TOK1}\n" in result.err
    assert (f"failed: setup token {unknown}: DELETE {T}/gateway_setup_tokens/{unknown}: 404 Not Found: "
            f"gateway setup token {unknown} not found\n") in result.err
    assert result.err.endswith(f"error: 1 of 2 setup tokens failed: {unknown}\n")
    assert TOK1 not in opa.emulator.setup_tokens


def test_delete_single_unknown_id_is_exit_3(opa):
    result = opa.run("opa", "setup-tokens", "delete", "00000000-0000-4000-8000-000000000000", "--yes")
    assert result.code == 3


def test_delete_by_several_descriptions_lists_once(opa):
    result = opa.run("opa", "setup-tokens", "delete", "Gateway Token 1", "Dev gateways", "--yes")
    assert result.code == 0, result.err
    assert set(opa.emulator.setup_tokens) == {TOK2}
    assert len(list_calls(opa)) == 2  # one listing (two pages) resolved both descriptions
