"""Secure Gateway gateways and destinations on the shared resource model, end to end against the
emulator: names (gateway desc, destination name) wherever an ID goes, the --gateway scope, bad IDs,
several IDs and stdin, partial failure, the one confirmation and success lines, masked tokens, help."""

from __future__ import annotations

import pytest

from sg_helpers import BILLING, FTP, ORDERS, PROD, STAGING


def changes(sg):
    return [r for r in sg.emulator.requests if r.method != "GET" and r.path != "/identity/token"]


def test_get_gateway_by_name(sg):
    result = sg.run("sg", "gateways", "get", "Staging Gateway", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["_id"] == STAGING
    assert result.json().get("jwt") in (None, "***")  # never the token


def test_gateway_id_needs_no_listing(sg):
    result = sg.run("sg", "gateways", "get", PROD, "--gateway-token-stdin", "-o", "json",
                    stdin=sg.emulator.gateways[PROD]["jwt"] + "\n")
    assert result.code == 0, result.err
    assert [(r.method, r.path) for r in sg.emulator.requests] == [("GET", f"/v1/sgconfig/{PROD}")]


def test_destinations_by_gateway_name_and_destination_name(sg):
    result = sg.run("sg", "destinations", "get", "Orders DB", "-g", "Production Gateway", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["_id"] == ORDERS
    result = sg.run("sg", "destinations", "list", "--gateway", "production gateway", "-o", "json")
    assert {d["_id"] for d in result.json()} >= {ORDERS, BILLING, FTP}


def test_ambiguous_gateway_name_exits_2_naming_the_candidates(sg):
    sg.emulator.add_gateway("Aaaaaaaaaaa", "Staging Gateway")
    result = sg.run("sg", "gateways", "delete", "Staging Gateway", "--yes")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: gateway name 'Staging Gateway' is ambiguous: it matches 2 gateways: ")
    assert f"{STAGING} (Staging Gateway)" in result.err and "hint: give the gateway ID\n" in result.err
    assert changes(sg) == []


@pytest.mark.parametrize("bad", ["", " ", ".", "..", "a/b"])
def test_bad_destination_ids_exit_2_and_change_nothing(sg, bad):
    for argv in (["get", bad], ["delete", bad, "--yes"], ["update", bad, "--port", "1"]):
        result = sg.run("sg", "destinations", *argv, "-g", PROD)
        assert result.code == 2, (argv, result.err)
        assert result.err.startswith("error: invalid ")
    result = sg.run("sg", "destinations", "list", "-g", bad)
    assert result.code == 2
    assert changes(sg) == []


def test_percent_encoded_dots_are_that_literal_destination(sg):
    result = sg.run("sg", "destinations", "delete", "%2e%2e", "-g", PROD, "--yes")
    assert result.code == 3
    (call,) = changes(sg)
    assert call.method == "DELETE" and call.path == f"/v1/sgconfig/{PROD}/destinations/%2e%2e"


def test_delete_destinations_from_stdin_by_name_and_id(sg):
    result = sg.run("sg", "destinations", "delete", "-", "-g", PROD, "--yes", stdin=f"Legacy FTP\n{ORDERS}\n")
    assert (result.code, result.out) == (0, "")
    assert sorted(result.err.splitlines()) == [f"deleted destination {FTP} (Legacy FTP)",
                                               f"deleted destination {ORDERS}"]
    assert not {FTP, ORDERS} & set(sg.emulator.destinations[PROD])


def test_delete_partial_failure_exits_10_and_deletes_the_good_one(sg):
    result = sg.run("sg", "destinations", "delete", FTP, "qCTv6Onseiy_nosuc", "-g", PROD, "--yes")
    assert result.code == 10
    assert f"deleted destination {FTP}\n" in result.err
    assert "failed: destination qCTv6Onseiy_nosuc: " in result.err
    assert result.err.splitlines()[-1] == "error: 1 of 2 destinations failed: qCTv6Onseiy_nosuc"
    assert FTP not in sg.emulator.destinations[PROD]


def test_delete_without_a_terminal_names_yes_and_the_items(sg):
    result = sg.run("sg", "gateways", "delete", "Staging Gateway")
    assert (result.code, result.err) == (
        2, f"error: delete gateway {STAGING} (Staging Gateway): confirmation required; re-run with --yes\n")
    assert changes(sg) == []


def test_create_and_update_print_one_success_line(sg):
    result = sg.run("sg", "gateways", "create", "--desc", "Branch office", "-o", "json")
    assert result.code == 0, result.err
    created = result.json()
    assert created["jwt"] == "***"
    assert result.err == f"created gateway {created['_id']} (Branch office)\n"
    result = sg.run("sg", "gateways", "update", "Branch office", "--disable", "--desc", "Branch (closed)")
    assert result.code == 0, result.err
    assert result.err == f"updated gateway {created['_id']} (Branch (closed))\n"
    (put,) = sg.emulator.calls("PUT", f"/v1/sgconfig/{created['_id']}")
    assert put.json == {"desc": "Branch (closed)", "enabled": False}  # only the changes
    result = sg.run("sg", "destinations", "create", "-g", "Branch (closed)", "--name", "Queue", "--host", "mq",
                    "--port", "5672", "--protocol", "tcp", "-o", "json")
    assert result.code == 0, result.err
    assert result.err == f"created destination {result.json()['_id']} (Queue)\n"
    assert result.json()["protocol"] == "TCP"


def test_help_has_summary_fields_and_example(sg):
    result = sg.run("sg", "destinations", "create", "--help")
    assert result.code == 0
    for text in ("Create a destination", "--gateway", "--name", "(required)", "--client-port",
                 "Examples:\n  gwctl sg destinations create -g GATEWAY"):
        assert text in result.out, text
    result = sg.run("sg", "gateways", "--help")
    assert all(v in result.out for v in ("list", "get", "create", "update", "delete", "rotate-token", "migrate"))
