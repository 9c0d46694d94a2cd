"""Every `gwctl pomerium` command, in JSON and in table (TSV when piped / table on a TTY) output."""

from __future__ import annotations

import json
import shlex

import pytest
from pomerium_helpers import api_calls, calls

from gwctl.cli.catalogue import catalogue

OPERATIONS = catalogue("pomerium")

EXAMPLES = [op for op in OPERATIONS if op.example]
# Commands that print nothing on stdout (the API answers without a body); they say what they did on stderr.
NO_BODY = {"clusters recheck", "billing complete-checkout", "users delete-me", "custom-domains retry",
           "invitations accept", "invitations reject", "organizations leave", "billing update-customer",
           "onboarding complete"}
# Bulk deletes: a per-item report in JSON, only stderr lines in tables.
BULK = {"users remove", "invitations delete", "policies delete", "routes delete", "key-pairs delete",
        "clusters delete", "service-accounts delete", "custom-domains delete", "organizations delete"}


def _argv(box, op):
    values = box.emulator.example_values()
    return shlex.split(op.example.format(**values)), values.get("_stdin", "")


def _command(argv):
    return " ".join(argv[1:3])


@pytest.mark.parametrize("op", EXAMPLES, ids=[f"{o.method} {o.path}" for o in EXAMPLES])
def test_every_command_json(pom, op):
    argv, stdin = _argv(pom, op)
    result = pom.run(*argv, "-o", "json", stdin=stdin)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    if argv[:2] == ["auth", "token"]:  # prints the bare ID token for scripts
        assert result.out.strip() in pom.emulator.id_tokens
        return
    if _command(argv) in NO_BODY:
        assert result.out == "" and result.err
        return
    body = json.loads(result.out)
    if _command(argv) in BULK:
        assert body == [{"id": argv[3], "ok": True, "error": None, "exit_code": None}]
    else:
        assert isinstance(body, (dict, list))


@pytest.mark.parametrize("op", EXAMPLES, ids=[f"{o.method} {o.path}" for o in EXAMPLES])
def test_every_command_table(pom, op):
    argv, stdin = _argv(pom, op)
    piped = pom.run(*argv, stdin=stdin)
    assert piped.code == 0, piped.err
    if _command(argv) in NO_BODY | BULK | {"onboarding configure"}:
        assert piped.out == ""
        assert piped.err.strip()  # says what it did
        return
    lines = piped.out.splitlines()
    assert lines, f"{op.example} printed nothing"
    assert all("\t" in line for line in lines if line) or len(lines) == 1
    assert "Traceback" not in piped.err


def test_tables_on_a_terminal_have_aligned_columns(pom):
    result = pom.run("pomerium", "clusters", "list", "--no-color", tty=True)
    assert result.code == 0
    assert result.out.splitlines()[0].split() == ["ID", "NAME", "FQDN", "FLAVOR", "NAMESPACE", "FAILING_CHECKS"]
    assert "clProd" in result.out and "\t" not in result.out


def test_routes_list_tsv_exact(pom):
    result = pom.run("pomerium", "routes", "list", "--limit", "2", "--columns", "id,name,from,to,policies")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "ID\tNAME\tFROM\tTO\tPOLICIES\n"
        "routeGrafana\tgrafana\thttps://grafana.happy-otter-1234.pomerium.app\thttp://grafana.internal:8000\temployees\n"
        "routeKibana\tkibana\thttps://kibana.happy-otter-1234.pomerium.app\thttp://kibana.internal:8001\t\n"
    )


def test_json_output_is_the_api_objects(pom):
    result = pom.run("pomerium", "routes", "get", "routeGrafana", "-o", "json")
    body = result.json()
    assert body["id"] == "routeGrafana" and body["from"] == "https://grafana.happy-otter-1234.pomerium.app"
    assert body["policies"] == [{"id": "polEmployees", "name": "employees", "updatedAt": "2026-09-21T14:13:20Z"}]
    assert body["enforcedPolicyIds"] == ["polMfa"]


def test_quotas_table_and_json(pom):
    table = pom.run("pomerium", "quotas")
    assert table.out.splitlines()[:3] == ["RESOURCE\tUSED\tLIMIT", "administrators\t2\t10", "apiUsers\t2\t10"]
    body = pom.run("pomerium", "quotas", "--json").json()
    assert set(body) == {"counts", "limits"} and body["counts"]["routes"] == 14


def test_org_and_cluster_flags_override_the_profile(pom):
    result = pom.run("pomerium", "--org", "orgGlobex", "clusters", "list", "-o", "json")
    assert [c["id"] for c in result.json()] == ["clGlobex"]
    result = pom.run("pomerium", "clusters", "health", "--cluster", "clStaging", "--org", "orgAcme")
    assert result.code == 0
    assert calls(pom.emulator, "GET", "/health") == ["GET /organizations/orgAcme/clusters/clStaging/health"]


def test_a_command_that_needs_a_cluster_says_so(pom, gw):
    url = pom.emulator.profile_url(pom.server.url)
    assert gw("profile", "add", "nocl", "--product", "pomerium", "--url", url, "--org", "orgAcme").code == 0
    pom.emulator.clear_log()
    result = gw("-p", "nocl", "pomerium", "service-accounts", "list")
    assert result.code == 2
    assert result.err.startswith(
        "error: this command needs a cluster: pass --cluster CLUSTER_ID or give the profile a default cluster\n")
    assert api_calls(pom.emulator) == []
    assert gw("-p", "nocl", "pomerium", "service-accounts", "list", "--cluster", "clProd").code == 0


def test_auditor_gets_403_on_writes(pom):
    result = pom.run("pomerium", "--org", "orgGlobex", "clusters", "create", "--name", "x", "--domain", "x-1")
    assert result.code == 5
    assert result.err == ("error: POST /api/v0/organizations/orgGlobex/clusters: 403 Forbidden: admin user required\n")
    assert pom.run("pomerium", "--org", "orgGlobex", "clusters", "list").code == 0


def test_deleting_a_policy_used_by_a_route_is_rejected(pom):
    result = pom.run("pomerium", "policies", "delete", "polEmployees", "--yes")
    assert result.code == 6
    assert "409 Conflict: policy is referenced by route(s)" in result.err
    assert pom.run("pomerium", "policies", "delete", "polUnused", "--yes").err == "deleted policy polUnused (contractors)\n"
    assert "polUnused" not in pom.emulator.policies


def test_delete_needs_yes_without_a_terminal(pom):
    result = pom.run("pomerium", "routes", "delete", "routeGrafana")
    assert result.code == 2
    assert result.err == "error: delete route routeGrafana (grafana): confirmation required; re-run with --yes\n"
    # The confirmation names the route: the lookup reads, nothing is written.
    assert [c for c in api_calls(pom.emulator) if not c.startswith("GET ")] == []


def test_delete_several_ids_from_stdin_reports_each(pom):
    result = pom.run("pomerium", "routes", "delete", "-", "--yes", stdin="routeGrafana\nnope\n")
    assert result.code == 10
    assert "deleted route routeGrafana" in result.err and "failed: route nope: " in result.err


def test_secrets_go_to_out_files(pom, tmp_path):
    target = tmp_path / "sa.token"
    result = pom.run("pomerium", "service-accounts", "token", "saDeploy", "--out", str(target), "-o", "json")
    assert result.code == 0
    assert target.read_text() == pom.emulator.sa_tokens["saDeploy"] + "\n"
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert result.json() == {"written_to": str(target)}
    assert pom.emulator.sa_tokens["saDeploy"] not in result.all


@pytest.mark.parametrize("argv, secret", [
    (["users", "create-api-user", "--name", "ci"], ("refreshToken",)),
    (["clusters", "create", "--name", "edge", "--domain", "edge-1"], ("refreshToken",)),
    (["clusters", "rotate-token", "--yes"], ("refreshToken",)),
    (["service-accounts", "create", "--user-id", "bot"], ("token",)),
    (["organizations", "create", "--name", "Labs"], ("cluster", "refreshToken")),
    (["onboarding", "start", "--system", "docker", "--timezone", "UTC"], ("clusterToken",)),
])
def test_every_secret_printing_command_supports_out(pom, tmp_path, argv, secret):
    target = tmp_path / "secret"
    result = pom.run("pomerium", *argv, "--out", str(target), "-o", "json")
    assert result.code == 0, result.err
    body = result.json()
    holder = body
    for key in secret[:-1]:
        holder = holder[key]
    assert secret[-1] not in holder and body["written_to"] == str(target)
    token = target.read_text().strip()
    assert token and token not in result.all
    assert oct(target.stat().st_mode & 0o777) == "0o600"
