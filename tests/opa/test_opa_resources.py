"""OPA gateways and setup tokens on the shared resource model, end to end against the emulator:
the page size gwctl asks for, name lookup, bad IDs, several IDs and stdin, partial failure,
the one confirmation and success lines, secrets kept out of list/get, 403 role hints."""

from __future__ import annotations

import pytest

from gwctl.sandbox.opa import DELEGATED_RESOURCE_ADMIN

T = "/v1/teams/sandbox"
DEV = "7cdac13d-a3fe-43e8-9a41-13b15df97fc7"
STAGING = "3b0fdbdd-1282-440d-a973-ddc409d6d743"
EU = "5e8c2f4a-7b1d-4e3f-a6c9-0d2e4f6a8b1c"
TOK1 = "b09ba4db-d5b4-4ec5-90da-188e1d13d467"
TOK2 = "0bcea2c6-8fd7-44f8-8125-eba8418a18d8"
TOK3 = "c5a1e7d2-3f4b-4c6d-8e9f-0a1b2c3d4e5f"


def writes(opa):
    return [r for r in opa.emulator.requests if r.method != "GET" and not r.path.endswith("/service_token")]


def test_lists_ask_for_a_page_size_so_the_server_default_does_not_decide(opa, monkeypatch):
    monkeypatch.setattr("gwctl.api.opa.client.PAGE_SIZE", 100)
    result = opa.run("opa", "gateways", "list", "--all")
    assert result.code == 0, result.err
    (call,) = opa.emulator.calls("GET", f"{T}/gateways")  # 5 gateways, one round trip (the default page is 2)
    assert call.query.to_dict() == {"count": "100"}
    opa.emulator.clear_log()
    result = opa.run("opa", "setup-tokens", "list", "--limit", "1")
    (call,) = opa.emulator.calls("GET", f"{T}/gateway_setup_tokens")
    assert call.query.to_dict() == {"count": "1"}  # never more than --limit wants


def test_label_filter_is_applied_by_gwctl_across_pages(opa):
    result = opa.run("opa", "gateways", "list", "-l", "env=prod", "--limit", "2", "-o", "json")
    assert result.code == 0, result.err
    assert [g["name"] for g in result.json()] == ["Production gateway", "ProductionGateway"]
    assert all("labels[" not in key for call in opa.emulator.requests for key in call.query)


@pytest.mark.parametrize("noun,ref,expected", [
    ("gateways", "Staging Gateway", STAGING),
    ("gateways", "staging gateway", STAGING),  # case-insensitive when no exact match
    ("setup-tokens", "Dev gateways", TOK3),
    ("gateways", DEV, DEV),  # UUID-shaped: an ID, no lookup
])
def test_get_by_name_or_id(opa, noun, ref, expected):
    result = opa.run("opa", noun, "get", ref, "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["id"] == expected
    if ref == expected:
        assert not opa.emulator.calls("GET", f"{T}/{noun}")


def test_get_ambiguous_name_exits_2_naming_the_candidates(opa):
    opa.emulator.add_gateway("11111111-0000-4000-8000-000000000000", "Staging Gateway")
    result = opa.run("opa", "gateways", "get", "Staging Gateway")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("error: gateway name 'Staging Gateway' is ambiguous: it matches 2 gateways: "
                          f"{STAGING} (Staging Gateway), 11111111-0000-4000-8000-000000000000 (Staging Gateway)\n"
                          "hint: give the gateway ID\n")


@pytest.mark.parametrize("noun", ["gateways", "setup-tokens"])
@pytest.mark.parametrize("bad", ["", " ", ".", "..", "a/b"])
def test_bad_ids_exit_2_before_any_change(opa, noun, bad):
    for verb in (["get", bad], ["delete", bad, "--yes"]):
        result = opa.run("opa", noun, *verb)
        assert result.code == 2, (verb, result.err)
        assert result.err.startswith("error: invalid ") and "Traceback" not in result.err
    assert writes(opa) == []


def test_percent_encoded_dots_address_that_literal_id(opa):
    result = opa.run("opa", "setup-tokens", "delete", "%2e%2e", "--yes")
    assert result.code == 3
    (call,) = writes(opa)
    assert call.path == f"{T}/gateway_setup_tokens/%2e%2e"


def test_delete_from_stdin_by_name_and_id(opa):
    result = opa.run("opa", "gateways", "delete", "-", "--yes", stdin=f"Staging Gateway\n{EU}\n")
    assert (result.code, result.out) == (0, "")
    assert sorted(result.err.splitlines()) == [f"deleted gateway {STAGING} (Staging Gateway)",
                                               f"deleted gateway {EU}"]
    assert not {STAGING, EU} & set(opa.emulator.gateways)


def test_delete_partial_failure_exits_10_and_deletes_the_good_one(opa):
    missing = "00000000-0000-4000-8000-000000000000"
    result = opa.run("opa", "gateways", "delete", EU, missing, "--yes")
    assert result.code == 10
    assert f"deleted gateway {EU}\n" in result.err
    assert result.err.splitlines()[-1] == f"error: 1 of 2 gateways failed: {missing}"
    assert EU not in opa.emulator.gateways


def test_delete_without_a_terminal_names_yes_and_the_items(opa):
    result = opa.run("opa", "setup-tokens", "delete", "Gateway Token 1", "Dev gateways")
    assert result.code == 2
    assert result.err == (f"error: delete 2 setup tokens: {TOK1} (Gateway Token 1), {TOK3} (Dev gateways): "
                          "confirmation required; re-run with --yes\n")
    assert writes(opa) == []


def test_update_prints_one_success_line(opa):
    result = opa.run("opa", "gateways", "update", "Dev Gateway", "--refuse-connections")
    assert result.code == 0, result.err
    assert result.err == f"updated gateway {DEV} (Dev Gateway)\n"
    assert opa.emulator.gateways[DEV]["refuse_connections"] is True


def test_setup_token_secrets_never_in_list_or_get_but_once_on_create(opa):
    secrets = [t["token"] for t in opa.emulator.setup_tokens.values()]
    for argv in (["list", "-o", "json"], ["list", "-o", "yaml"], ["get", TOK1, "-o", "json"], ["get", "Gateway Token 2"]):
        result = opa.run("opa", "setup-tokens", *argv)
        assert result.code == 0, result.err
        assert not any(s in result.out for s in secrets), argv
    result = opa.run("opa", "setup-tokens", "create", "-d", "eu gateways", "-l", "env=prod", "-o", "json")
    assert result.code == 0, result.err
    created = result.json()
    assert created["token"] == opa.emulator.setup_tokens[created["id"]]["token"]
    assert result.err == f"created setup token {created['id']} (eu gateways)\n"
    (post,) = opa.emulator.calls("POST", f"{T}/gateway_setup_tokens")
    assert post.json == {"registration_type": "gateway-agent", "description": "eu gateways",
                         "details": {"labels": {"env": "prod"}}}


def test_403_names_the_role_on_generic_verbs(opa):
    opa.emulator.set_roles([DELEGATED_RESOURCE_ADMIN])
    result = opa.run("opa", "setup-tokens", "list")
    assert result.code == 5
    assert result.err.endswith("hint: the service user needs the resource_admin role (via its groups) in OPA\n")
    opa.emulator.set_roles([])
    result = opa.run("opa", "gateways", "get", DEV)
    assert result.code == 5
    assert result.err.endswith("hint: the service user needs the resource_admin or delegated_resource_admin "
                               "role in OPA\n")


def test_help_has_summary_fields_and_example(opa):
    result = opa.run("opa", "setup-tokens", "create", "--help")
    assert result.code == 0
    for text in ("Create a gateway setup token", "--description", "(required)", "--label", "--out FILE",
                 "Examples:\n  gwctl opa setup-tokens create"):
        assert text in result.out, text
    result = opa.run("opa", "gateways", "--help")
    assert all(verb in result.out for verb in ("list", "get", "update", "delete", "status"))
