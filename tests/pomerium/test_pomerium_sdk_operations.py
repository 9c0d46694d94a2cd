"""The operations of the vendor's Go SDK (pkg/zeroapi) beyond the original API document: JSON
Patch of routes, policies, key pairs and service accounts, the version, cluster logs and ping,
custom domain retry, answering invitations, leaving an organization, feature flags, billing
details, subdomain suggestions, notification authorization and completing onboarding."""

from __future__ import annotations

import json

import pytest
from pomerium_helpers import api_calls

from gwctl.cli.catalogue import catalogue


def test_the_catalogue_has_the_sdk_operations(pom):
    result = pom.run("pomerium", "operations", "-o", "json")
    assert result.code == 0
    ops = {(o["method"], o["path"]) for o in result.json()}
    assert len(result.json()) == len(catalogue("pomerium")) == 89
    for call in [("PATCH", "/organizations/{org}/routes/{id}"), ("PATCH", "/organizations/{org}/policies/{id}"),
                 ("PATCH", "/organizations/{org}/keyPairs/{id}"),
                 ("PATCH", "/organizations/{org}/clusters/{cluster}/serviceAccounts/{id}"),
                 ("GET", "/version"), ("GET", "/generateSubdomainName"), ("POST", "/notifications/authorize"),
                 ("POST", "/onboarding/complete"), ("POST", "/user/invitations/{invitationId}/accept"),
                 ("POST", "/user/invitations/{invitationId}/reject")]:
        assert call in ops, call


# --- JSON Patch --------------------------------------------------------------------------------

def test_routes_patch_sends_a_json_patch_of_the_flags(pom):
    result = pom.run("pomerium", "routes", "patch", "grafana", "--description", "Dashboards", "--policy",
                     "contractors", "-o", "json")
    assert (result.code, result.err) == (0, "updated route routeGrafana (grafana)\n")
    body = result.json()
    assert body["description"] == "Dashboards" and body["policyIds"] == ["polUnused"]
    patch = [r for r in pom.emulator.requests if r.method == "PATCH"]
    assert [r.path for r in patch] == ["/api/v0/organizations/orgAcme/routes/routeGrafana"]
    assert patch[0].headers["Content-Type"] == "application/json"
    assert json.loads(patch[0].body) == [{"op": "add", "path": "/policyIds", "value": ["polUnused"]},
                                         {"op": "add", "path": "/description", "value": "Dashboards"}]


def test_routes_patch_from_file_is_the_document_and_flags_follow(pom, tmp_path):
    doc = tmp_path / "patch.yaml"
    doc.write_text("- op: replace\n  path: /to\n  value: [http://grafana-v2.internal:3000]\n"
                   "- op: test\n  path: /name\n  value: grafana\n")
    result = pom.run("pomerium", "routes", "patch", "routeGrafana", "-f", str(doc), "--name", "grafana-2",
                     "--columns", "id,name,to")
    assert (result.code, result.err) == (0, "updated route routeGrafana (grafana-2)\n")
    assert result.out == "ID\trouteGrafana\nNAME\tgrafana-2\nTO\thttp://grafana-v2.internal:3000\n"


def test_policies_patch(pom):
    result = pom.run("pomerium", "policies", "patch", "require-mfa", "--not-enforced", "--explanation",
                     "MFA for everyone", "--columns", "id,name,enforced")
    assert (result.code, result.out, result.err) == (
        0, "ID\tpolMfa\nNAME\trequire-mfa\nENFORCED\tfalse\n", "updated policy polMfa (require-mfa)\n")
    assert pom.emulator.policies["polMfa"]["explanation"] == "MFA for everyone"


def test_key_pairs_patch_keeps_the_certificate_details(pom):
    before = pom.emulator.key_pairs["kpWildcard"]["certificateInfo"]
    result = pom.run("pomerium", "key-pairs", "patch", "wildcard", "--name", "wildcard-2026",
                     "--columns", "id,name,subject")
    assert (result.code, result.err) == (0, "updated key pair kpWildcard (wildcard-2026)\n")
    assert result.out == "ID\tkpWildcard\nNAME\twildcard-2026\nSUBJECT\t*.happy-otter-1234.pomerium.app\n"
    assert pom.emulator.key_pairs["kpWildcard"]["certificateInfo"] == before


def test_service_accounts_patch(pom):
    result = pom.run("pomerium", "service-accounts", "patch", "saDeploy", "--description", "deploy bot (ci)",
                     "--expires-at", "2027-01-01T00:00:00Z", "--columns", "id,description,expires")
    assert (result.code, result.err) == (0, "updated service account saDeploy\n")
    assert result.out == "ID\tsaDeploy\nDESCRIPTION\tdeploy bot (ci)\nEXPIRES\t2027-01-01T00:00:00Z\n"
    assert "token" not in result.out


def test_patch_refuses_a_bad_document_before_sending(pom, tmp_path):
    doc = tmp_path / "patch.json"
    for text, message in [
        ('{"op": "add"}', "invalid --from-file: a JSON Patch document is a non-empty list of operations"),
        ('[]', "invalid --from-file: a JSON Patch document is a non-empty list of operations"),
        ('[{"op": "merge", "path": "/name"}]',
         "invalid --from-file: operation 0: op must be one of add, remove, replace, move, copy, test"),
        ('[{"op": "add", "path": "name", "value": 1}]',
         "invalid --from-file: operation 0: path must be a JSON pointer like /name"),
        ('[{"op": "replace", "path": "/name"}]', "invalid --from-file: operation 0: replace needs a value"),
        ('[{"op": "move", "path": "/a"}]', "invalid --from-file: operation 0: from must be a JSON pointer like /name"),
    ]:
        doc.write_text(text)
        result = pom.run("pomerium", "routes", "patch", "routeGrafana", "-f", str(doc))
        assert (result.code, result.out, result.err) == (2, "", f"error: {message}\n"), text
    assert api_calls(pom.emulator) == []


def test_patch_checks_flags_before_sending_and_needs_something(pom):
    result = pom.run("pomerium", "routes", "patch", "routeGrafana", "--from", "not-a-url")
    assert result.code == 2 and result.err.startswith("error: invalid --from: ")
    result = pom.run("pomerium", "service-accounts", "patch", "saDeploy")
    assert (result.code, result.err) == (
        2, "error: nothing to patch: give --from-file or at least one of --description, --expires-at\n")
    assert api_calls(pom.emulator) == []


def test_patch_the_server_refuses_exits_6(pom, tmp_path):
    doc = tmp_path / "patch.json"
    doc.write_text('[{"op": "test", "path": "/name", "value": "kibana"}]')
    result = pom.run("pomerium", "routes", "patch", "routeGrafana", "-f", str(doc))
    assert (result.code, result.out) == (6, "")
    assert result.err == ("error: PATCH /api/v0/organizations/orgAcme/routes/routeGrafana: 400 Bad Request: "
                          "invalid JSON patch: operation 0: test failed at /name\n")
    doc.write_text('[{"op": "replace", "path": "/id", "value": "x"}]')
    result = pom.run("pomerium", "policies", "patch", "polMfa", "-f", str(doc))
    assert result.code == 6 and result.err.endswith("400 Bad Request: path: /id is read-only\n")


# --- version, logs, ping, subdomain --------------------------------------------------------------

def test_version(pom):
    result = pom.run("pomerium", "version")
    assert (result.code, result.out, result.err) == (0, "VERSION\tv0.30.0\n", "")
    assert pom.run("pomerium", "version", "-o", "json").json() == {"version": "v0.30.0"}


@pytest.fixture
def logs_clock(pom, monkeypatch):
    """`clusters logs` reads "now" from the emulator's fake clock."""
    from gwctl.cli.pomerium import clusters

    monkeypatch.setattr(clusters, "clock", pom.emulator.clock)
    return pom.emulator.clock


def test_cluster_logs_since_and_route(pom, logs_clock):
    result = pom.run("pomerium", "clusters", "logs", "--since", "20m", "--columns", "time,message,route")
    assert (result.code, result.err) == (0, "")
    assert result.out == "TIME\tMESSAGE\tROUTE\n2026-09-21T14:12:20Z\thttp-request\trouteGrafana\n"
    result = pom.run("pomerium", "clusters", "logs", "clProd", "--since", "2h", "--route", "routeGrafana", "-o", "json")
    assert [e["message"] for e in result.json()] == ["http-request"]
    get = [r for r in pom.emulator.requests if r.path.endswith("/logs")][-1]
    assert get.query.to_dict() == {"startTime": "2026-09-21T12:13:20Z", "endTime": "2026-09-21T14:13:20Z",
                        "routeId": "routeGrafana"}


def test_cluster_logs_follow_polls_and_prints_each_line_once(pom, monkeypatch, logs_clock):
    from gwctl.cli import context

    polls = []

    def sleep(seconds):
        polls.append(seconds)
        if len(polls) == 1:
            pom.emulator.clock.advance(10)
            pom.emulator.add_log("clProd", "route added")
        elif len(polls) == 2:
            pom.emulator.clock.advance(10)
        else:
            raise KeyboardInterrupt

    monkeypatch.setattr(context, "sleep", sleep)
    result = pom.run("pomerium", "clusters", "logs", "--since", "10m", "--follow", "--interval", "2",
                     "-o", "jsonl")
    assert result.code == 130
    assert [json.loads(line)["message"] for line in result.out.splitlines()] == ["http-request", "route added"]
    assert polls == [2.0, 2.0, 2.0]
    assert len([r for r in pom.emulator.requests if r.path.endswith("/logs")]) == 3


def test_cluster_logs_bad_input(pom):
    result = pom.run("pomerium", "clusters", "logs", "--since", "yesterday")
    assert (result.code, result.err) == (
        2, "error: invalid --since 'yesterday': use RFC 3339 (2026-01-31T00:00:00Z), an age like 24h, or now\n")
    result = pom.run("pomerium", "clusters", "logs", "--follow", "--to", "now")
    assert (result.code, result.err) == (2, "error: --to cannot be combined with --follow\n")
    assert api_calls(pom.emulator) == []


def test_cluster_ping(pom):
    result = pom.run("pomerium", "clusters", "ping")
    assert (result.code, result.out, result.err) == (0, "SUCCESS\ttrue\nERROR_CODE\t\nERROR\t\n", "")
    assert api_calls(pom.emulator) == ["POST /organizations/orgAcme/clusters/clProd/ping"]


def test_cluster_ping_of_a_cluster_without_identity(pom):
    created = pom.run("pomerium", "clusters", "create", "--name", "edge", "--domain", "shiny-fox-4321",
                      "-o", "json").json()
    result = pom.run("pomerium", "clusters", "ping", created["id"], "-o", "json")
    assert result.code == 0
    assert result.json() == {"success": False, "errorCode": "err_cluster_ping_no_identity",
                             "errorMessage": "the cluster does not have an identity key yet"}


def test_suggest_domain(pom):
    result = pom.run("pomerium", "clusters", "suggest-domain", "-o", "json")
    assert result.code == 0
    name = result.json()["name"]
    created = pom.run("pomerium", "clusters", "create", "--name", "edge", "--domain", name)
    assert created.code == 0, created.err


# --- custom domains, invitations, organizations -------------------------------------------------

def test_custom_domain_retry_by_name(pom):
    pom.emulator.custom_domains["cdApps"]["lastError"] = "DNS record not found"
    result = pom.run("pomerium", "custom-domains", "retry", "apps.acme.example")
    assert (result.code, result.out, result.err) == (
        0, "", "requested a retry of custom domain cdApps (apps.acme.example)\n")
    assert "lastError" not in pom.emulator.custom_domains["cdApps"]
    assert api_calls(pom.emulator)[-1] == "POST /organizations/orgAcme/customDomains/cdApps/retry"


def test_custom_domain_retry_unknown_exits_3(pom):
    result = pom.run("pomerium", "custom-domains", "retry", "nope.example")
    assert result.code == 3 and "nope.example" in result.err


def test_accept_an_invitation_joins_the_organization(pom):
    result = pom.run("pomerium", "invitations", "accept", "uinvInitech")
    assert (result.code, result.out, result.err) == (0, "", "accepted invitation uinvInitech\n")
    assert pom.emulator.members["orgInitech"]["usrAdminApi"]["role"] == "admin"
    assert pom.run("pomerium", "invitations", "mine", "-o", "json").json() == []


def test_reject_an_invitation(pom):
    result = pom.run("pomerium", "invitations", "reject", "uinvInitech")
    assert (result.code, result.out, result.err) == (0, "", "rejected invitation uinvInitech\n")
    assert "usrAdminApi" not in pom.emulator.members["orgInitech"]
    again = pom.run("pomerium", "invitations", "reject", "uinvInitech")
    assert (again.code, again.err) == (3, "error: POST /api/v0/user/invitations/uinvInitech/reject: 404 Not Found: "
                                          "invitation not found\n")


def test_leave_an_organization_needs_yes(pom):
    result = pom.run("pomerium", "organizations", "leave", "orgGlobex")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("error: leave organization orgGlobex (you lose access to it until invited again): "
                          "confirmation required; re-run with --yes\n")
    result = pom.run("pomerium", "organizations", "leave", "orgGlobex", "--yes")
    assert (result.code, result.out, result.err) == (0, "", "left organization orgGlobex\n")
    assert "usrAdminApi" not in pom.emulator.members["orgGlobex"]


def test_feature_flags(pom):
    result = pom.run("pomerium", "organizations", "feature-flags")
    assert (result.code, result.err) == (0, "")
    assert result.out == "NAME\tENABLED\ncustom_domains\ttrue\nmcp\tfalse\nssh\ttrue\n"


# --- billing, notifications, onboarding ----------------------------------------------------------

def test_billing_invoices_payment_info_and_usage(pom):
    result = pom.run("pomerium", "billing", "invoices", "--columns", "date,product,total,currency")
    assert (result.code, result.err) == (0, "")
    assert result.out == ("DATE\tPRODUCT\tTOTAL\tCURRENCY\n"
                          "2026-08-01T00:00:00Z\tPomerium Zero Business\t2100\tusd\n"
                          "2026-09-01T00:00:00Z\tPomerium Zero Business\t2800\tusd\n")
    result = pom.run("pomerium", "billing", "payment-info")
    assert (result.code, result.out) == (
        0, "BILLING_EMAIL\tbilling@acme.example\nPAYMENT_METHOD\tcard\nCARD_BRAND\tvisa\nCARD_LAST4\t4242\n")
    result = pom.run("pomerium", "billing", "usage", "-o", "json")
    assert result.json() == {"owners": 1, "admins": 1, "auditors": 1, "members": 1, "users": 4,
                             "time": "2026-09-21T14:13:20Z"}


def test_billing_update_customer(pom):
    result = pom.run("pomerium", "billing", "update-customer", "--email", "ap@acme.example")
    assert (result.code, result.out, result.err) == (0, "", "updated billing email to ap@acme.example\n")
    put = [r for r in pom.emulator.requests if r.method == "PUT"][0]
    assert json.loads(put.body) == {"email": "ap@acme.example"}
    assert pom.run("pomerium", "billing", "payment-info", "-o", "json").json()["billingEmail"] == "ap@acme.example"
    bad = pom.run("pomerium", "billing", "update-customer", "--email", "nobody")
    assert (bad.code, bad.err) == (2, "error: invalid --email: must be an email address\n")


def test_notifications_authorize_is_form_encoded(pom):
    result = pom.run("pomerium", "notifications", "authorize", "--channel", "private-org-orgAcme",
                     "--socket-id", "1234.5678", "-o", "json")
    assert (result.code, result.err) == (0, "")
    assert result.json()["auth"].startswith("pzn_sandbox:")
    post = [r for r in pom.emulator.requests if r.path.endswith("/notifications/authorize")][0]
    assert post.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert post.body == b"channel_name=private-org-orgAcme&socket_id=1234.5678"
    denied = pom.run("pomerium", "notifications", "authorize", "--channel", "private-org-orgInitech",
                     "--socket-id", "1234.5678")
    assert denied.code == 5


def test_onboarding_complete(pom):
    pom.emulator.users["usrAdminApi"]["needsOnboarding"] = True
    result = pom.run("pomerium", "onboarding", "complete")
    assert (result.code, result.out, result.err) == (0, "", "completed onboarding\n")
    assert pom.emulator.users["usrAdminApi"]["needsOnboarding"] is False
    assert api_calls(pom.emulator) == ["POST /onboarding/complete"]


@pytest.mark.parametrize("argv", [["pomerium", "version"], ["pomerium", "billing", "usage"],
                                  ["pomerium", "clusters", "logs"]])
def test_auditors_can_read(pom, monkeypatch, argv):
    monkeypatch.setenv("GWCTL_POMERIUM_TOKEN", pom.emulator.auditor_token)
    assert pom.run(*argv).code == 0


def test_auditors_cannot_patch(pom, monkeypatch):
    monkeypatch.setenv("GWCTL_POMERIUM_TOKEN", pom.emulator.auditor_token)
    result = pom.run("pomerium", "routes", "patch", "routeGrafana", "--description", "x")
    assert result.code == 5
