"""`gwctl opa gateways` end to end against the OPA emulator."""

from __future__ import annotations

import json

from gwctl.sandbox.opa import DELEGATED_RESOURCE_ADMIN

T = "/v1/teams/sandbox"
PROD = "a0a05791-fc26-4386-93f4-eca6a157e015"
DEV = "7cdac13d-a3fe-43e8-9a41-13b15df97fc7"
PRODGW = "d4f40b71-9474-41c5-94ff-3196a4fc2d03"
STAGING = "3b0fdbdd-1282-440d-a973-ddc409d6d743"
EU = "5e8c2f4a-7b1d-4e3f-a6c9-0d2e4f6a8b1c"
HEADER = "NAME\tID\tACCESS_ADDRESS\tDEFAULT_ADDRESS\tREFUSE_CONNECTIONS\tLAST_SEEN\n"
ROWS = {
    PROD: f"Production gateway\t{PROD}\t192.168.190.144:7234\t192.168.19.32\tfalse\t2023-08-25T13:00:00Z\n",
    DEV: f"Dev Gateway\t{DEV}\t192.168.190.145:7234\t192.168.19.33\tfalse\t2023-08-25T14:35:00Z\n",
    PRODGW: f"ProductionGateway\t{PRODGW}\t10.20.0.15:7234\t10.20.0.15\tfalse\t2023-08-25T13:00:00Z\n",
    STAGING: f"Staging Gateway\t{STAGING}\t192.168.190.150:7234\t192.168.19.40\tfalse\t2023-08-25T12:00:00Z\n",
    EU: f"EU Gateway\t{EU}\t172.16.4.10:7234\t172.16.4.10\ttrue\t2023-08-20T08:15:00Z\n",
}


def list_calls(opa):
    return opa.emulator.calls("GET", f"{T}/gateways")


def table(*ids):
    return HEADER + "".join(ROWS[i] for i in ids)


# -- list ------------------------------------------------------------------------------------------


def test_list_all_follows_every_link(opa):
    result = opa.run("opa", "gateways", "list", "--all")
    assert (result.code, result.out, result.err) == (0, table(PROD, DEV, PRODGW, STAGING, EU), "")
    calls = list_calls(opa)
    assert len(calls) == 3  # 5 gateways, pages of 2
    assert [c.query.get("offset") for c in calls] == [None, DEV, STAGING]


def test_list_default_limit_also_pages(opa):
    result = opa.run("opa", "gateways", "list")
    assert result.out == table(PROD, DEV, PRODGW, STAGING, EU)
    assert len(list_calls(opa)) == 3


def test_list_limit_stops_paging_early(opa):
    for limit, ids, requests in (("1", (PROD,), 1), ("2", (PROD, DEV), 1), ("3", (PROD, DEV, PRODGW), 2),
                                 ("4", (PROD, DEV, PRODGW, STAGING), 2)):
        opa.emulator.clear_log()
        result = opa.run("opa", "gateways", "list", "--limit", limit)
        assert (result.code, result.out) == (0, table(*ids)), limit
        assert len(list_calls(opa)) == requests, limit


def test_list_more_pages_than_seeded(opa):
    for n in range(7):
        opa.emulator.add_gateway(f"00000000-0000-4000-8000-00000000000{n}", f"extra-{n}", labels={"env": "extra"})
    result = opa.run("opa", "gateways", "list", "--all", "-o", "json")
    assert len(result.json()) == 12
    assert len(list_calls(opa)) == 6
    opa.emulator.clear_log()
    result = opa.run("opa", "gateways", "list", "--label", "env=extra", "--limit", "3", "-o", "json")
    assert [g["name"] for g in result.json()] == ["extra-0", "extra-1", "extra-2"]
    assert len(list_calls(opa)) == 4  # extra-0 ends page 3, extra-1 and extra-2 fill page 4: no 5th request


def test_list_follows_relative_links(opa):
    opa.emulator.absolute_links = False
    result = opa.run("opa", "gateways", "list", "--all", "-o", "json")
    assert [g["id"] for g in result.json()] == [PROD, DEV, PRODGW, STAGING, EU]
    assert len(list_calls(opa)) == 3


def test_non_uuid_ids_are_found_by_listing(opa):
    opa.emulator.add_gateway("gw-plain-1", "Plain")
    result = opa.run("opa", "gateways", "get", "gw-plain-1", "-o", "json")
    assert (result.code, result.json()["name"]) == (0, "Plain")
    assert opa.emulator.calls("GET", f"{T}/gateways/gw-plain-1")


def test_list_label_filter(opa):
    result = opa.run("opa", "gateways", "list", "--label", "env=prod")
    assert result.out == table(PROD, PRODGW, EU)
    opa.emulator.clear_log()
    result = opa.run("opa", "gateways", "list", "-l", "env=prod", "-l", "region=us-west-2", "--limit", "1")
    assert result.out == table(PROD)
    assert len(list_calls(opa)) == 1


def test_list_contains_is_sent_to_the_server(opa):
    result = opa.run("opa", "gateways", "list", "--contains", "production")
    assert result.out == table(PROD, PRODGW)
    assert list_calls(opa)[0].query.to_dict() == {"contains": "production", "count": "2"}


def test_list_json_is_the_api_objects(opa):
    result = opa.run("opa", "gateways", "list", "--limit", "2", "--json")
    assert result.json() == [opa.emulator.gateways[PROD], opa.emulator.gateways[DEV]]


def test_list_jsonl_streams_items(opa):
    result = opa.run("opa", "gateways", "list", "-o", "jsonl", "--limit", "3")
    assert [json.loads(line)["id"] for line in result.out.splitlines()] == [PROD, DEV, PRODGW]


def test_list_bad_label_sends_nothing(opa):
    result = opa.run("opa", "gateways", "list", "--label", "env")
    assert (result.code, result.out, result.err) == (2, "", "error: invalid --label 'env': expected KEY=VALUE\n")
    assert opa.emulator.requests == []


def test_delegated_admin_may_read_gateways(opa):
    opa.emulator.set_roles([DELEGATED_RESOURCE_ADMIN])
    assert opa.run("opa", "gateways", "list", "--limit", "1").code == 0
    result = opa.run("opa", "gateways", "update", DEV, "--description", "x")
    assert result.code == 5
    assert result.err.endswith("hint: the service user needs the resource_admin role (via its groups) in OPA\n")
    assert opa.emulator.gateways[DEV]["description"] == "Gateway used for dev env"


# -- get / status ---------------------------------------------------------------------------------------


def test_get_by_name_and_id(opa):
    expected = (
        f"NAME\tDev Gateway\nID\t{DEV}\nACCESS_ADDRESS\t192.168.190.145:7234\nDEFAULT_ADDRESS\t192.168.19.33\n"
        "REFUSE_CONNECTIONS\tfalse\nLAST_SEEN\t2023-08-25T14:35:00Z\nDESCRIPTION\tGateway used for dev env\n"
        "CLOUD_PROVIDER\t\nLABELS\tenv=dev,region=us-west-2\n"
    )
    # One gateway shows every column (the list only the main ones); --columns picks.
    for ref in ("Dev Gateway", DEV):
        result = opa.run("opa", "gateways", "get", ref)
        assert (result.code, result.out, result.err) == (0, expected, "")
    result = opa.run("opa", "gateways", "get", DEV, "--columns", "description,labels")
    assert result.out == "DESCRIPTION\tGateway used for dev env\nLABELS\tenv=dev,region=us-west-2\n"


def test_get_unknown_and_ambiguous(opa):
    result = opa.run("opa", "gateways", "get", "Nowhere")  # no such name: asked for as an ID (the shared lookup)
    assert (result.code, result.err) == (3, f"error: GET {T}/gateways/Nowhere: 404 Not Found: gateway Nowhere not found\n")
    result = opa.run("opa", "gateways", "get", "00000000-0000-4000-8000-00000000dead")
    assert result.code == 3
    assert "404 Not Found: gateway 00000000-0000-4000-8000-00000000dead not found" in result.err
    opa.emulator.add_gateway("11111111-0000-4000-8000-000000000000", "Dev Gateway")
    opa.emulator.clear_log()
    result = opa.run("opa", "gateways", "status", "Dev Gateway")
    assert result.code == 2
    assert result.err == (
        "error: gateway name 'Dev Gateway' is ambiguous: it matches 2 gateways: "
        f"{DEV} (Dev Gateway), 11111111-0000-4000-8000-000000000000 (Dev Gateway)\n"
        "hint: give the gateway ID\n"
    )
    assert not opa.emulator.calls("GET", f"{T}/gateways/*")


def test_status_in_human_units(opa):
    result = opa.run("opa", "gateways", "status", "Production gateway")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        f"GATEWAY_ID\t{PROD}\nSTATUS\tONLINE\nACTIVE_CONNECTIONS\t14\nSTORAGE_USED\t12.0 GiB\n"
        "STORAGE_TOTAL\t50.0 GiB\nSTORAGE_USED_%\t24%\nUPDATED_AT\t2023-08-25T13:00:00Z\n"
    )


def test_status_seed_report_and_raw_json(opa):
    result = opa.run("opa", "gateways", "status", STAGING)
    assert "STORAGE_USED\t2.0 KiB\nSTORAGE_TOTAL\t4.0 KiB\nSTORAGE_USED_%\t50%\nUPDATED_AT\tnever\n" in result.out
    result = opa.run("opa", "gateways", "status", STAGING, "-o", "json")
    assert result.json() == {"active_connections": 2, "gateway_id": STAGING, "status": "ONLINE",
                             "total_storage_bytes": 4096, "updated_at": "0001-01-01T00:00:00Z",
                             "used_storage_bytes": 2048}


def test_status_on_a_terminal(opa):
    result = opa.run("opa", "gateways", "status", EU, "--no-color", tty=True)
    lines = [line.split(None, 1) for line in result.out.splitlines()]
    assert ["STATUS", "OFFLINE"] in [[a, b.strip()] for a, b in lines]
    assert ["STORAGE_TOTAL", "20.0 GiB"] in [[a, b.strip()] for a, b in lines]


# -- update ------------------------------------------------------------------------------------------------


def test_update_sends_the_full_object_and_shows_the_result(opa):
    result = opa.run("opa", "gateways", "update", "Dev Gateway", "--access-address", "10.0.0.5:7234",
                     "-l", "env=dev", "-l", "tier=2", "-o", "json")
    assert result.code == 0, result.err
    assert result.err == f"updated gateway {DEV} (Dev Gateway)\n"
    (put,) = opa.emulator.calls("PUT")
    assert put.path == f"{T}/gateways/{DEV}"
    # Every writable field of the current gateway goes back (refuse_connections too), the flags changed.
    assert put.json == {"name": "Dev Gateway", "description": "Gateway used for dev env",
                        "access_address": "10.0.0.5:7234", "default_address": "192.168.19.33",
                        "labels": {"env": "dev", "tier": "2"}, "refuse_connections": False}
    assert result.json() == opa.emulator.gateways[DEV]
    assert result.json()["access_address"] == "10.0.0.5:7234"


def test_update_from_file_with_flag_override(opa, tmp_path):
    body = tmp_path / "gw.yaml"
    body.write_text("name: dev-renamed\ndescription: from file\nrefuse_connections: true\n")
    result = opa.run("opa", "gateways", "update", DEV, "--from-file", str(body), "--description", "flag wins")
    assert result.code == 0, result.err
    gateway = opa.emulator.gateways[DEV]
    assert (gateway["name"], gateway["description"], gateway["refuse_connections"]) == (
        "dev-renamed", "flag wins", True)


def test_update_from_stdin(opa):
    result = opa.run("opa", "gateways", "update", DEV, "-f", "-", stdin='{"default_address": "10.9.9.9"}')
    assert result.code == 0, result.err
    assert opa.emulator.gateways[DEV]["default_address"] == "10.9.9.9"


def test_update_bad_input_sends_nothing(opa, tmp_path):
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"nme": "typo"}')
    wrong_type = tmp_path / "labels.json"
    wrong_type.write_text('{"labels": ["a"]}')
    flags = ("--name, --description, --access-address, --default-address, --label, "
             "--refuse-connections")
    cases = [  # refused before any request
        ([DEV], f"error: nothing to update: give --from-file or at least one of {flags}\n"),
        ([DEV, "-l", "novalue"], "error: invalid --label 'novalue': expected KEY=VALUE\n"),
        ([DEV, "--name", " "], "error: invalid --name: it must not be empty\n"),
    ]
    for args, err in cases:
        result = opa.run("opa", "gateways", "update", *args)
        assert (result.code, result.out, result.err) == (2, "", err), args
    assert opa.emulator.requests == []
    cases = [  # the whole new gateway (current + changes) is checked: after reading, before any PUT
        ([DEV, "--from-file", str(unknown)], "error: invalid --from-file: field 'nme': Extra inputs are not permitted\n"),
        ([DEV, "--from-file", str(wrong_type)], "error: invalid --from-file: field 'labels': Input should be a valid dictionary\n"),
        ([DEV, "--name", "x" * 256], "error: invalid --name: String should have at most 255 characters\n"),
    ]
    for args, err in cases:
        result = opa.run("opa", "gateways", "update", *args)
        assert (result.code, result.out, result.err) == (2, "", err), args
    assert not opa.emulator.calls("PUT")


def test_update_unknown_gateway_is_exit_3(opa):
    result = opa.run("opa", "gateways", "update", "00000000-0000-4000-8000-00000000dead", "--name", "x")
    assert result.code == 3
    assert not opa.emulator.calls("PUT")


# -- delete ----------------------------------------------------------------------------------------------------


def test_delete_by_id_and_name(opa):
    result = opa.run("opa", "gateways", "delete", EU, "Staging Gateway", "--yes")
    assert result.code == 0, result.err
    assert sorted(result.err.splitlines()) == sorted([f"deleted gateway {EU}",
                                                      f"deleted gateway {STAGING} (Staging Gateway)"])
    assert set(opa.emulator.gateways) == {PROD, DEV, PRODGW}


def test_delete_asks_on_a_terminal(opa):
    result = opa.run("opa", "gateways", "delete", EU, tty=True, stdin_tty=True, stdin="n\n")
    assert result.code != 0 and EU in opa.emulator.gateways
    result = opa.run("opa", "gateways", "delete", EU, tty=True, stdin_tty=True, stdin="y\n")
    assert result.code == 0
    assert f"Delete gateway {EU}? [y/N]" in result.err
    assert EU not in opa.emulator.gateways


def test_delete_without_yes_when_piped(opa):
    result = opa.run("opa", "gateways", "delete", EU)
    assert (result.code, result.err) == (2, f"error: delete gateway {EU}: confirmation required; re-run with --yes\n")
    assert not opa.emulator.calls("DELETE")
