"""API7 versions end to end: `operations --server-version`, the exit-2 refusal before an operation the
server's version lacks, `--portal-id` (3.8+), and the later operations as the emulator receives them."""

from __future__ import annotations

import base64

import pytest

from gwctl.sandbox.api7 import API_PRODUCT_PETS, ROLE_GG_OPERATOR

HINT = "hint: see `gwctl -p sandbox-api7 api7 operations --server-version VERSION`\n"


def _sent(box):
    return [(r.method, r.path) for r in box.emulator.requests]


# --- gwctl api7 operations --server-version ---------------------------------------------------------

def _rows(gw, version):
    result = gw("api7", "operations", "--server-version", version, "-o", "json")
    assert result.code == 0, result.err
    return {(row["method"], row["path"]): row for row in result.json()}


def test_operations_for_a_version_lists_what_it_has_at_its_paths(gw):
    old, templates, new = _rows(gw, "3.2.11"), _rows(gw, "3.2.13.0"), _rows(gw, "3.9")
    every = gw("api7", "operations", "-o", "json").json()
    assert len(old) < len(new) <= len(every)
    # the corrected paths, the new operations, and their recorded ranges
    assert new[("GET", "/api/plugins/catalogs")]["versions"] == {"since": "3.6", "source": "API changelog 3.6-3.9"}
    assert new[("PUT", "/api/custom_plugins/code/parse")]["command"] == "gwctl api7 custom-plugins parse FILE"
    assert new[("PATCH", "/api/api_products/{id}")]["command"] == "gwctl api7 api-products patch"
    assert new[("GET", "/api/system_infos")]["versions"] == {"since": "3.8.7", "source": "release notes 3.8.7"}
    for gone in (("GET", "/api/plugins/catalog"), ("POST", "/api/custom_plugins/parse"),
                 ("POST", "/api/rbac/label_impact"), ("GET", "/api/developer/api_products")):
        assert gone not in new and gone not in old and all((r["method"], r["path"]) != gone for r in every)
    for later in (("GET", "/api/plugins/catalogs"), ("POST", "/api/allow_access"), ("GET", "/api/api_products"),
                  ("GET", "/api/permission_policies/{permission_policy_id}/references")):
        assert later in new and later not in old
    assert ("GET", "/api/system_infos") not in _rows(gw, "3.8.2")
    # paths that moved: templates in 3.2.13, tokens in 3.2.14
    assert ("GET", "/apisix/admin/services") in old and ("GET", "/api/services/template") not in old
    assert ("GET", "/api/services/template") in templates and ("GET", "/api/settings/tokens") in templates
    assert ("GET", "/api/tokens/check_name") in new and ("GET", "/api/settings/tokens/check_name") in old
    assert "note" not in new[("GET", "/api/tokens/check_name")]
    assert old[("GET", "/api/settings/tokens/check_name")]["note"] == "from 3.2.14: /api/tokens/check_name"


def test_operations_for_a_version_as_a_table(gw):
    table = gw("api7", "operations", "--server-version", "3.9")
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert lines[0] == "METHOD\tPATH\tCOMMAND\tVERSIONS\tSUMMARY"
    assert "GET\t/api/plugins/catalogs\tgwctl api7 plugins catalog\t3.6+\tList Plugin Catalog." in lines
    assert "GET\t/api/system_infos\tgwctl api7 system-info\t3.8.7+\tGet all system infos." in lines
    assert "GET\t/api/tokens\tgwctl api7 tokens list\t3.2.9+\tList tokens" in lines
    assert not any("/api/settings/tokens" in line for line in lines)
    wide = gw("api7", "operations", "--server-version", "3.2.11", "--columns", "method,path,versions,source")
    assert "GET\t/api/settings/tokens/check_name\t3.2.9+\tadmin API specs 3.2.9-3.2.14" in wide.out.splitlines()


@pytest.mark.parametrize("bad", ["x", "", "next"])
def test_operations_refuses_a_malformed_version(gw, bad):
    result = gw("api7", "operations", "--server-version", bad)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"error: invalid --server-version {bad!r}: expected a version like 3.2.11 or 3.9\n"


# --- calling an operation the server's version lacks: exit 2, nothing but the version asked ---------

@pytest.mark.parametrize(("argv", "what", "since", "source"), [
    (("plugins", "catalog"), "GET /api/plugins/catalogs", "3.6", "API changelog 3.6-3.9"),
    (("plugins", "usage", "key-auth"), "GET /api/plugins/{plugin_name}/usage", "3.6", "API changelog 3.6-3.9"),
    (("api-products", "list"), "GET /api/api_products", "3.6", "API changelog 3.6-3.9"),
    (("api-products", "patch", API_PRODUCT_PETS, "--name", "x"), "PATCH /api/api_products/{id}", "3.6",
     "API changelog 3.6-3.9"),
    (("api-products", "delete", API_PRODUCT_PETS, "--yes"), "DELETE /api/api_products/{id}", "3.6",
     "API changelog 3.6-3.9"),
    (("api-products", "list", "--portal", "developers"), "GET /api/{portal_slug}/api_products", "3.6",
     "API changelog 3.6-3.9"),
    (("permission-policies", "references", "pp-read-only"),
     "GET /api/permission_policies/{permission_policy_id}/references", "3.6", "API changelog 3.6-3.9"),
    (("allow-access", "--action", "gateway:GetGatewayGroup"), "POST /api/allow_access", "3.6",
     "API changelog 3.6-3.9"),
    (("system-info",), "GET /api/system_infos", "3.8.7", "release notes 3.8.7"),
])
def test_an_operation_newer_than_the_server_exits_2_naming_the_version(sandbox, tmp_path, argv, what, since, source):
    box = sandbox("api7")  # 3.2.11.5
    result = box.run("api7", *argv)
    assert (result.code, result.out) == (2, "")
    assert result.err == (f"error: {what} is not in API7 Enterprise 3.2.11.5: it was introduced in {since} "
                          f"({source})\n" + HINT)
    assert _sent(box) == [("GET", "/api/version")]


def test_custom_plugin_parse_is_refused_before_3_6_after_the_file_is_read(sandbox, tmp_path):
    box = sandbox("api7", version="3.2.14.3")
    source = tmp_path / "p.lua"
    source.write_text('local _M = {name = "p"}\nreturn _M\n')
    result = box.run("api7", "custom-plugins", "parse", str(source))
    assert result.code == 2
    assert result.err == ("error: PUT /api/custom_plugins/code/parse is not in API7 Enterprise 3.2.14.3: it was "
                          "introduced in 3.6 (API changelog 3.6-3.9)\n" + HINT)
    assert _sent(box) == [("GET", "/api/version")]
    missing = box.run("api7", "custom-plugins", "parse", str(tmp_path / "nope.lua"))
    assert missing.code == 2 and _sent(box) == [("GET", "/api/version")]  # the file first, then the server


def test_system_info_needs_3_8_7_even_on_3_8(sandbox):
    box = sandbox("api7", version="3.8.2")
    result = box.run("api7", "system-info")
    assert result.code == 2
    assert result.err.startswith("error: GET /api/system_infos is not in API7 Enterprise 3.8.2: it was introduced "
                                 "in 3.8.7 (release notes 3.8.7)\n")
    assert box.run("api7", "plugins", "catalog").code == 0  # 3.6+


def test_a_cached_version_is_asked_again_before_refusing(sandbox):
    box = sandbox("api7")
    assert box.run("api7", "version").code == 0  # caches 3.2.11.5 for the profile
    box.emulator.version = "3.9.3"  # the dashboard is upgraded
    box.emulator.clear_log()
    result = box.run("api7", "plugins", "catalog", "-o", "json")
    assert result.code == 0, result.err
    assert _sent(box) == [("GET", "/api/version"), ("GET", "/api/plugins/catalogs")]
    box.emulator.clear_log()
    again = box.run("api7", "plugins", "catalog", "-o", "json")  # the new answer is cached
    assert again.code == 0 and _sent(box) == [("GET", "/api/plugins/catalogs")]


def test_refusal_of_an_operation_a_later_version_removed():
    from gwctl.cli.versions import in_range, needs_check, needs_note, refusal

    gone = {"since": "3.2.9", "until": "3.2.14", "source": "permission reference 3.2.14.0"}
    assert needs_check(gone) and in_range("3.2.13.0", gone) and not in_range("3.2.14", gone)
    assert refusal("POST /api/x", "3.9.3", gone) == ("POST /api/x is not in API7 Enterprise 3.9.3: it was removed "
                                                     "in 3.2.14 (permission reference 3.2.14.0)")
    assert refusal("POST /api/x", "3.2.11.5", gone) is None
    assert needs_note(gone) == "Needs API7 Enterprise 3.2.9 or later, before 3.2.14."
    assert needs_note({"since": "3.6"}) == ("Needs API7 Enterprise 3.6 or later; the sandbox has it when started "
                                            "with `gwctl sandbox start --api7-version 3.9`.")
    assert needs_note({"since": "3.2.9"}) is None


def test_help_of_a_later_command_says_which_version_and_which_sandbox(gw):
    for argv in (("plugins", "catalog"), ("api-products", "patch"), ("allow-access",), ("custom-plugins", "parse")):
        text = " ".join(gw("api7", *argv, "--help", env={"COLUMNS": "200"}).out.split())
        assert ("Needs API7 Enterprise 3.6 or later; the sandbox has it when started with "
                "`gwctl sandbox start --api7-version 3.9`.") in text, argv
    text = " ".join(gw("api7", "system-info", "--help").out.split())
    assert "Needs API7 Enterprise 3.8.7 or later;" in text
    for verb in ("get", "wait"):
        text = " ".join(gw("api7", "api-products", verb, "--help", env={"COLUMNS": "200"}).out.split())
        assert "An API product is named by its ID or its name." in text
        assert "Needs API7 Enterprise 3.6 or later;" in text


def test_every_later_command_says_so_in_its_help(gw):
    """Each command whose catalogue rows all need a later version than 3.2.11 names that version in its help."""
    from gwctl.cli.catalogue import catalogue
    from gwctl.cli.versions import needs_check

    later: dict[str, set] = {}
    for op in catalogue("api7"):
        words = [w for w in op.command.split()[2:] if w.islower() and not w.startswith("-")]
        if op.command.split()[2] == "api" or not words:
            continue
        key = " ".join(words[:2] if words[0] in {"plugins", "api-products", "permission-policies", "tokens",
                                                 "custom-plugins"} else words[:1])
        later.setdefault(key, set()).add(op.versions.get("since") if needs_check(op.versions) else None)
    for command, sinces in later.items():
        if None in sinces:
            continue
        text = " ".join(gw("api7", *command.split(), "--help", env={"COLUMNS": "200"}).out.split())
        assert f"Needs API7 Enterprise {min(sinces)} or later" in text, command


# --- --portal-id: 3.8 and later, sent as the portal_id query parameter ----------------------------

def test_portal_id_is_refused_below_3_8(sandbox):
    box = sandbox("api7", version="3.6.0")
    for argv in (("api-products", "list"), ("api-products", "get", API_PRODUCT_PETS),
                 ("api-products", "patch", API_PRODUCT_PETS, "--name", "x"),
                 ("api-products", "delete", API_PRODUCT_PETS, "--yes")):
        box.emulator.clear_log()
        result = box.run("api7", *argv, "--portal-id", "portal-default")
        assert (result.code, result.out) == (2, ""), argv
        assert result.err == ("error: the portal_id parameter (--portal-id) is not in API7 Enterprise 3.6.0: it was "
                              "introduced in 3.8 (API changelog 3.6-3.9)\n" + HINT)
        assert [m for m, _ in _sent(box)] in ([], ["GET"]) and all(p == "/api/version" for _, p in _sent(box))
    assert box.run("api7", "api-products", "list").code == 0  # without it, 3.6 has API products
    empty = box.run("api7", "api-products", "list", "--portal-id", " ")
    assert (empty.code, empty.err) == (2, "error: invalid --portal-id value: it is blank\n")
    both = box.run("api7", "api-products", "list", "--portal", "developers", "--portal-id", "portal-default")
    assert (both.code, both.err) == (2, "error: --portal cannot be combined with --portal-id or --path\n")


def test_portal_id_is_sent_as_a_query_parameter_from_3_8(sandbox, tmp_path):
    box = sandbox("api7", version="3.9")
    spec = tmp_path / "echo.yaml"
    spec.write_text("openapi: 3.0.0\ninfo: {title: Echo, version: '1'}\npaths: {}\n")
    created = box.run("api7", "api-products", "create", "--name", "Echo", "--openapi", str(spec), "--server-url",
                      "https://echo.example.com", "--portal-id", "portal-default", "-o", "json")
    assert created.code == 0, created.err
    pid = created.json()["id"]
    for argv in (("list",), ("get", pid), ("update", pid, "--server-url", "https://echo2.example.com"),
                 ("patch", pid, "--name", "Echo 2"), ("delete", pid, "--yes")):
        result = box.run("api7", "api-products", *argv, "--portal-id", "portal-default")
        assert result.code == 0, (argv, result.err)
    calls = [(r.method, r.path, r.query.get("portal_id")) for r in box.emulator.requests
             if r.path.startswith("/api/api_products")]
    item = f"/api/api_products/{pid}"
    for expected in (("POST", "/api/api_products"), ("GET", "/api/api_products"), ("GET", item), ("PUT", item),
                     ("PATCH", item), ("DELETE", item)):
        assert (*expected, "portal-default") in calls, expected
    unknown = box.run("api7", "api-products", "list", "--portal-id", "portal-nope")
    assert unknown.code == 3 and "portal portal-nope not found" in unknown.err


# --- the later operations as the emulator receives them -------------------------------------------

def test_api_products_patch_sends_only_the_fields_given(sandbox):
    box = sandbox("api7", version="3.9")
    result = box.run("api7", "api-products", "patch", "Petstore API", "--name", "Petstore v2", "-o", "json")
    assert result.code == 0, result.err
    assert result.err == f"updated API product {API_PRODUCT_PETS} (Petstore v2)\n"
    assert result.json()["name"] == "Petstore v2" and result.json()["server_url"]
    patch = box.emulator.calls("PATCH", f"/api/api_products/{API_PRODUCT_PETS}")
    assert len(patch) == 1 and patch[0].json == {"name": "Petstore v2"} and not patch[0].query
    box.emulator.clear_log()
    nothing = box.run("api7", "api-products", "patch", API_PRODUCT_PETS)
    assert nothing.code == 2 and box.emulator.requests == []


def test_plugin_catalogs_usage_and_custom_plugin_parse_as_sent(sandbox, tmp_path):
    box = sandbox("api7", version="3.9")
    catalog = box.run("api7", "plugins", "catalog", "--all", "-o", "json")
    assert catalog.code == 0, catalog.err
    assert {"name": "key-auth", "catalog": "Authentication", "type": "built_in"} in catalog.json()
    assert [(r.method, r.path) for r in box.emulator.calls("GET", "/api/plugins/catalogs")][:1] == [
        ("GET", "/api/plugins/catalogs")]
    usage = box.run("api7", "plugins", "usage", "key-auth", "-o", "json")
    assert usage.code == 0 and box.emulator.calls("GET", "/api/plugins/key-auth/usage")
    source = tmp_path / "echo.lua"
    source.write_text('local _M = {version = 0.3, priority = 1200, name = "echo-x"}\nreturn _M\n')
    parsed = box.run("api7", "custom-plugins", "parse", str(source), "-o", "json")
    assert parsed.code == 0, parsed.err
    assert {k: parsed.json()[k] for k in ("name", "version", "priority")} == {"name": "echo-x", "version": "0.3",
                                                                               "priority": 1200}
    sent = box.emulator.calls("PUT", "/api/custom_plugins/code/parse")
    assert len(sent) == 1 and sent[0].headers["Content-Type"] == "application/json"
    assert sent[0].json == {"file": base64.b64encode(source.read_bytes()).decode()}
    stdin = box.run("api7", "custom-plugins", "parse", "-", "-o", "json", stdin=source.read_text())
    assert stdin.code == 0 and box.emulator.calls("PUT", "/api/custom_plugins/code/parse")[-1].json == sent[0].json


def test_allow_access_sends_one_check_per_action(sandbox):
    box = sandbox("api7", version="3.9")
    result = box.run("api7", "allow-access", "--action", "gateway:GetGatewayGroup", "--resource",
                     "arn:api7:gateway:gatewaygroup/default", "--action", "iam:UpdateCustomRole")
    assert result.code == 0, result.err
    assert result.out == ("ACTION\tRESOURCE\tALLOWED\n"
                          "gateway:GetGatewayGroup\tarn:api7:gateway:gatewaygroup/default\ttrue\n"
                          "iam:UpdateCustomRole\t\ttrue\n")
    sent = box.emulator.calls("POST", "/api/allow_access")
    assert len(sent) == 1 and sent[0].json == {"list": [
        {"action": "gateway:GetGatewayGroup", "resource": "arn:api7:gateway:gatewaygroup/default"},
        {"action": "iam:UpdateCustomRole"}]}
    box.emulator.clear_log()
    extra = box.run("api7", "allow-access", "--action", "a:B", "--resource", "r1", "--resource", "r2")
    assert (extra.code, extra.err) == (2, "error: more --resource than --action: give one --resource per --action "
                                          "(or none)\n")
    blank = box.run("api7", "allow-access", "--action", " ")
    assert (blank.code, blank.err) == (2, "error: invalid --action: must not be empty\n")
    missing = box.run("api7", "allow-access")
    assert missing.code == 2 and "--action" in missing.err
    assert box.emulator.requests == []


def test_permission_policy_references_as_sent(sandbox):
    box = sandbox("api7", version="3.9")
    result = box.run("api7", "permission-policies", "references", "pp-gateway-admin", "-o", "json")
    assert result.code == 0, result.err
    assert result.json() == [{"type": "role", "id": ROLE_GG_OPERATOR, "name": "gateway-operator"}]
    assert _sent(box)[-1] == ("GET", "/api/permission_policies/pp-gateway-admin/references")
    box.emulator.clear_log()
    bad = box.run("api7", "permission-policies", "references", "../roles")
    assert bad.code == 2 and box.emulator.requests == []


@pytest.mark.parametrize(("version", "path"), [("3.2.11", "/api/settings/tokens/check_name"),
                                               ("3.2.13", "/api/settings/tokens/check_name"),
                                               ("3.2.14", "/api/tokens/check_name")])
def test_tokens_check_name_at_each_versions_path(sandbox, version, path):
    box = sandbox("api7", version=version)
    taken = box.run("api7", "tokens", "check-name", "ci-deploy")
    assert (taken.code, taken.out) == (0, "NAME\tci-deploy\nEXIST\ttrue\n"), taken.err
    free = box.run("api7", "tokens", "check-name", "nightly", "-o", "json")
    assert free.json() == {"name": "nightly", "exist": False}
    sent = box.emulator.calls("GET", path)
    assert [r.query.get("name") for r in sent] == ["ci-deploy", "nightly"]
    box.emulator.clear_log()
    long = box.run("api7", "tokens", "check-name", "x" * 41)
    assert (long.code, long.err) == (2, "error: invalid NAME: 1..40 characters\n") and box.emulator.requests == []
