"""Pomerium's declared resources through the generic verbs: names, references by name,
bad IDs, several IDs, partial failure, one confirmation and one success line."""

from __future__ import annotations

import pytest
from pomerium_helpers import api_calls, calls


def writes(emulator):
    return [c for c in api_calls(emulator) if not c.startswith("GET ")]


def test_get_by_name_finds_the_route(pom):
    by_name = pom.run("pomerium", "routes", "get", "grafana", "-o", "json")
    assert by_name.code == 0, by_name.err
    assert by_name.json()["id"] == "routeGrafana"
    assert calls(pom.emulator, "GET", "/routes/routeGrafana") == ["GET /organizations/orgAcme/routes/routeGrafana"]


def test_an_ambiguous_name_exits_2_naming_the_candidates(pom):
    pom.emulator.add_route("routeGrafana2", "grafana", "nsTeamA", "g2.happy-otter-1234.pomerium.app", "http://g2:80")
    result = pom.run("pomerium", "routes", "get", "grafana")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: route name 'grafana' is ambiguous: it matches 2 routes: "
                                 "routeGrafana (grafana), routeGrafana2 (grafana)\n")


def test_create_resolves_a_policy_by_name_and_says_what_it_created(pom):
    result = pom.run("pomerium", "routes", "create", "--name", "demo", "--from", "https://demo.example.com",
                     "--to", "http://demo:80", "--policy", "employees", "-o", "json")
    assert result.code == 0, result.err
    created = result.json()
    assert result.err == f"created route {created['id']} (demo)\n"
    sent = pom.emulator.calls("POST", "/api/v0/organizations/orgAcme/routes")[0].json
    assert sent["policyIds"] == ["polEmployees"] and sent["namespaceId"] == "nsProd"


def test_update_by_name_says_what_it_updated(pom):
    result = pom.run("pomerium", "policies", "update", "contractors", "--description", "outside help")
    assert result.code == 0, result.err
    assert result.err == "updated policy polUnused (contractors)\n"
    assert pom.emulator.policies["polUnused"]["description"] == "outside help"


@pytest.mark.parametrize("bad", ["", " ", ".", ".."])
def test_dot_dot_never_deletes_the_organization(pom, bad):
    result = pom.run("pomerium", "routes", "delete", bad, "--yes")
    assert result.code == 2, result.err
    assert writes(pom.emulator) == []
    assert "orgAcme" in pom.emulator.orgs


@pytest.mark.parametrize("bad", ["a/b", "%2e%2e"])
def test_an_odd_id_addresses_only_itself(pom, bad):
    result = pom.run("pomerium", "routes", "delete", bad, "--yes")
    assert result.code == (2 if "/" in bad else 3), result.err
    deletes = calls(pom.emulator, "DELETE")
    assert deletes == ([] if "/" in bad else [f"DELETE /organizations/orgAcme/routes/{bad}"]), deletes
    assert "orgAcme" in pom.emulator.orgs and len(pom.emulator.routes) == 14


def test_delete_without_yes_names_what_it_would_delete(pom):
    result = pom.run("pomerium", "policies", "delete", "contractors", "polMfa")
    assert result.code == 2
    assert result.err == ("error: delete 2 policies: polUnused (contractors), polMfa (require-mfa): "
                          "confirmation required; re-run with --yes\n")
    assert writes(pom.emulator) == []


@pytest.mark.parametrize("via_stdin", [False, True], ids=["args", "stdin"])
def test_delete_several_by_id_or_name(pom, via_stdin):
    argv = ["-"] if via_stdin else ["routeKibana", "jenkins"]
    result = pom.run("pomerium", "routes", "delete", *argv, "--yes", stdin="routeKibana\njenkins\n")
    assert result.code == 0, result.err
    assert sorted(result.err.splitlines()) == ["deleted route routeJenkins (jenkins)",
                                               "deleted route routeKibana (kibana)"]
    assert "routeKibana" not in pom.emulator.routes and "routeJenkins" not in pom.emulator.routes


def test_one_missing_among_good_ones_exits_10_and_deletes_the_good_one(pom):
    result = pom.run("pomerium", "invitations", "delete", "invDave", "nope", "--yes")
    assert result.code == 10
    assert "deleted invitation invDave" in result.err and "failed: invitation nope: " in result.err
    assert "invDave" not in pom.emulator.invites


def test_custom_domains_delete_by_domain_name(pom):
    result = pom.run("pomerium", "custom-domains", "delete", "apps.acme.example", "--yes")
    assert result.code == 0, result.err
    assert result.err == "deleted custom domain cdApps (apps.acme.example)\n"


def test_users_remove_by_email(pom):
    result = pom.run("pomerium", "users", "remove", "bob@example.com", "--yes")
    assert result.code == 0, result.err
    assert result.err == "removed user usrBob (bob@example.com)\n"
    assert calls(pom.emulator, "DELETE") == ["DELETE /organizations/orgAcme/users/usrBob"]


def test_scope_flags_work_on_generated_commands(pom):
    result = pom.run("pomerium", "clusters", "list", "--org", "orgGlobex", "-o", "json")
    assert [c["id"] for c in result.json()] == ["clGlobex"]
    result = pom.run("pomerium", "service-accounts", "list", "--cluster", "clStaging", "-o", "json")
    assert result.code == 0 and result.json() == []
    assert calls(pom.emulator, "GET", "/serviceAccounts")[-1].startswith(
        "GET /organizations/orgAcme/clusters/clStaging/serviceAccounts")


def test_help_keeps_a_summary_the_fields_and_an_example(pom):
    result = pom.run("pomerium", "routes", "create", "--help")
    assert result.code == 0
    for text in ("Create a route", "--policy NAME|ID", "--from URL", "--namespace", "Examples:\n  gwctl pomerium routes "
                 "create"):
        assert text in result.out


@pytest.mark.parametrize(("noun", "expected"), [("clusters", "clProd"), ("organizations", "orgAcme")])
def test_get_without_an_id_shows_the_profiles_own(pom, noun, expected):
    result = pom.run("pomerium", noun, "get", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["id"] == expected
