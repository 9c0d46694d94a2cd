"""Every `gwctl sg` command end to end against the emulator, in table (TTY) and JSON output."""

from __future__ import annotations

import json

import pytest
from sg_helpers import BILLING, CACHE, FTP, ORDERS, PROD, STAGING

CLIENT = "qCTv6Onseiy_5pa"


def _ids(items):
    return [item["_id"] for item in items]


def _example(name):
    from gwctl.sandbox.sg import _example_files

    return _example_files()[name]


# (id, argv, method, path the emulator must see, check of the parsed JSON output, text in the table output)
CASES = [
    ("gateways-list", ["gateways", "list"], "GET", "/v1/sgconfig",
     lambda j: _ids(j) == [PROD, STAGING] and all(g["jwt"] == "***" for g in j), "Production Gateway"),
    ("gateways-list-enabled", ["gateways", "list", "--enabled", "--limit", "1"], "GET", "/v1/sgconfig",
     lambda j: _ids(j) == [PROD], "TOKEN_ENFORCED"),
    ("gateways-get", ["gateways", "get", PROD], "GET", f"/v1/sgconfig/{PROD}",
     lambda j: j["_id"] == PROD and j["jwt"] == "***" and j["connectedClientsArr"] == [CLIENT, "qCTv6Onseiy_9Kd"],
     "TOKEN_EXPIRY"),
    ("gateways-create", ["gateways", "create", "--desc", "Branch", "--token-expiration", "30", "--no-enforce-token"],
     "POST", "/v1/sgconfig", lambda j: j["desc"] == "Branch" and j["enf_tok_sec"] is False, "Branch"),
    ("gateways-update", ["gateways", "update", PROD, "--desc", "Prod EU", "--disable"], "PUT", f"/v1/sgconfig/{PROD}",
     lambda j: j["desc"] == "Prod EU" and j["status"] == "DISABLED", "DISABLED"),
    ("gateways-delete", ["gateways", "delete", STAGING, "--yes"], "DELETE", f"/v1/sgconfig/{STAGING}",
     lambda j: j == [{"id": STAGING, "ok": True, "error": None, "exit_code": None}], None),
    ("gateways-deactivate", ["gateways", "deactivate", STAGING], "PUT", "/v1/setActivity",
     lambda j: _ids(j["deactivated"]) == [STAGING] and j["deactivated"][0]["jwt"] == "***", None),
    ("gateways-activate", ["gateways", "activate", STAGING], "PUT", "/v1/setActivity",
     lambda j: j["unchanged"] == [STAGING], None),
    ("gateways-rotate-token", ["gateways", "rotate-token", PROD, "--token-expiration", "10", "--yes"], "PUT",
     f"/v1/sgconfig/{PROD}", lambda j: j["_id"] == PROD and j["jwt"].startswith("eyJ"), "SECURITY_TOKEN"),
    ("gateways-regen-auth", ["gateways", "regen-auth", PROD], "PUT", f"/v1/sgconfig/{PROD}/genAuth",
     lambda j: j["authorization"]["cert"].startswith(PROD + "_CERT-"), "AUTH_CERT"),
    ("gateways-export", ["gateways", "export", PROD], "GET", f"/v1/sgconfig/{PROD}/export",
     lambda j: j["desc"] == "Production Gateway" and len(j["destination"]) == 3, '"enf_tok_sec": true'),
    ("gateways-migrate", ["gateways", "migrate", PROD, "--connector-id", "conn1", "--yes"], "PUT",
     f"/v1/sgconfig/{PROD}/migrate2connector",
     lambda j: [m["id"] for m in j["migrated"]] == [] and len(j["failed"]) == 3, "failed"),
    ("gateways-migrate-force", ["gateways", "migrate", PROD, "--connector-id", "conn1", "--force", "--yes"], "PUT",
     f"/v1/sgconfig/{PROD}/migrate2connector",
     lambda j: {m["new_endpoint_name"] for m in j["migrated"]} == {"Orders-DB", "Billing-API", "Legacy-FTP"},
     "Orders-DB"),
    ("export", ["export"], "GET", "/v1/export",
     lambda j: j["resource_group"] == "19087c5c5aea4f1f95dabaf54b1dff68" and len(j["gateways"]) == 2, '"gateways"'),
    ("import", ["import", "@gateway_file"], "PUT", "/v1/import",
     lambda j: j["gateway"]["desc"] == "Branch Gateway" and j["gateway"]["jwt"] == "***" and len(j["destinations"]) == 1,
     "Branch Gateway"),
    ("destinations-list", ["destinations", "list", "-g", PROD], "GET", f"/v1/sgconfig/{PROD}/destinations",
     lambda j: _ids(j) == [ORDERS, BILLING, FTP], "Orders DB"),
    ("destinations-list-disabled", ["destinations", "list", "-g", PROD, "--disabled"], "GET",
     f"/v1/sgconfig/{PROD}/destinations", lambda j: _ids(j) == [FTP], "Legacy FTP"),
    ("destinations-get", ["destinations", "get", "-g", PROD, ORDERS], "GET", f"/v1/sgconfig/{PROD}/destinations/{ORDERS}",
     lambda j: j["connection_info"]["OnPremHost"] == "10.20.0.15" and j["private"] is True, "10.20.0.15:5432"),
    ("destinations-create", ["destinations", "create", "-g", PROD, "--name", "Inventory", "--host", "10.0.0.8", "--port",
                             "8443", "--protocol", "https", "--tls", "serverside"], "POST",
     f"/v1/sgconfig/{PROD}/destinations",
     lambda j: (j["protocol"], j["TLS"], j["connection_info"]["OnPremPort"]) == ("HTTPS", "serverside", 8443), "Inventory"),
    ("destinations-create-cloud", ["destinations", "create", "-g", STAGING, "--name", "Queue", "--host", "mq.example.com",
                                   "--port", "5671", "--client-port", "15671"], "POST",
     f"/v1/sgconfig/{STAGING}/destinations", lambda j: j["connection_info"]["clientPort"] == 15671 and j["port"] is None,
     "15671"),
    ("destinations-update", ["destinations", "update", "-g", PROD, ORDERS, "--port", "5433", "--disable"], "PUT",
     f"/v1/sgconfig/{PROD}/destinations/{ORDERS}",
     lambda j: j["connection_info"]["OnPremPort"] == 5433 and j["status"] == "DISABLED", "5433"),
    ("destinations-delete", ["destinations", "delete", "-g", PROD, FTP, ORDERS, "--yes"], "DELETE",
     f"/v1/sgconfig/{PROD}/destinations/{ORDERS}", lambda j: [r["id"] for r in j if r["ok"]] == [FTP, ORDERS], None),
    ("destinations-delete-bulk", ["destinations", "delete", "-g", PROD, FTP, ORDERS, "--bulk", "--yes"], "DELETE",
     f"/v1/sgconfig/{PROD}/bulkDestinations", lambda j: [r["id"] for r in j] == [FTP, ORDERS], None),
    ("destinations-deactivate", ["destinations", "deactivate", "-g", PROD, ORDERS], "PUT", f"/v1/sgconfig/{PROD}/setActivity",
     lambda j: _ids(j["deactivated"]) == [ORDERS] and j["deactivated"][0]["active"] is False, None),
    ("destinations-activate", ["destinations", "activate", "-g", PROD, ORDERS], "PUT", f"/v1/sgconfig/{PROD}/setActivity",
     lambda j: j["unchanged"] == [ORDERS], None),
    ("destinations-export", ["destinations", "export", "-g", PROD, BILLING], "GET",
     f"/v1/sgconfig/{PROD}/destinations/{BILLING}/export",
     lambda j: j["desc"] == "Billing API" and j["serverCert"]["name"] == "callingAppCert.pem", "callingAppCert.pem"),
    ("destinations-import", ["destinations", "import", "-g", STAGING, "@dest_file"], "PUT",
     f"/v1/sgconfig/{STAGING}/destinations/import", lambda j: j["desc"] == "Branch Printer", "Branch Printer"),
    ("destinations-migrate", ["destinations", "migrate", "-g", STAGING, CACHE, "--connector-id", "c1"], "PUT",
     f"/v1/sgconfig/{STAGING}/destinations/{CACHE}/migrate2connector",
     lambda j: j["failed"][0]["reason"] == "Connector does not support cloud type endpoint.", "cloud type"),
    ("certs-download-json", ["certs", "download", "-g", PROD, BILLING], "GET", f"/v1/sgconfig/{PROD}/destinations/{BILLING}/cert",
     lambda j: j[0] == {"name": "callingAppCert.pem", "contents": j[0]["contents"]} and len(j) == 6, "ZIP"),
    ("certs-download-table", ["certs", "download", "-g", PROD, BILLING, "--as-json"], "GET",
     f"/v1/sgconfig/{PROD}/destinations/{BILLING}/cert", lambda j: len(j) == 6, "endpointCert.pem"),
    ("certs-download-names", ["certs", "download", "-g", PROD, BILLING, "--name", "endpointCert.pem", "--as-json"], "GET",
     f"/v1/sgconfig/{PROD}/destinations/{BILLING}/certList", lambda j: [c["name"] for c in j] == ["endpointCert.pem"],
     "endpointCert.pem"),
    ("certs-upload", ["certs", "upload", "-g", PROD, ORDERS, "--server-cert", "@ca_file", "--dest-cert", "@cert_file",
                      "--key", "@key_file", "--client-cert", "@ca_file"], "PUT",
     f"/v1/sgconfig/{PROD}/destinations/{ORDERS}/cert",
     lambda j: j["cert"] == {"server_cert": "ca.pem", "dest_cert": "sg.pem", "client_cert": ["ca.pem"]}
     and j["key"] == {"dest_cert": "sg.key"}, "sg.pem"),
    ("certs-delete", ["certs", "delete", "-g", PROD, BILLING, "--name", "endpointCert.pem", "--yes"], "DELETE",
     f"/v1/sgconfig/{PROD}/destinations/{BILLING}/cert", lambda j: "client_cert" not in j["cert"], "callingAppCert.pem"),
    ("certs-regenerate", ["certs", "regenerate", "-g", PROD, ORDERS], "PUT",
     f"/v1/sgconfig/{PROD}/destinations/{ORDERS}/genCerts", lambda j: "server_dest_cert" in j["cert"], "SERVER_DEST_CERT"),
    ("certs-regenerate-client", ["certs", "regenerate", "-g", PROD, ORDERS, "--client"], "PUT",
     f"/v1/sgconfig/{PROD}/destinations/{ORDERS}/genCerts", lambda j: "dest_cert" in j["cert"], "DEST_CERT"),
    ("iptables-list", ["iptables", "list", "-g", PROD, ORDERS], "GET", f"/v1/sgconfig/{PROD}/destinations/{ORDERS}",
     lambda j: j == [{"src": "169.45.0.10", "spt": "80", "app": "web01"}], "169.45.0.10"),
    ("iptables-add", ["iptables", "add", "-g", PROD, ORDERS, "--src-range", "10.0.0.1-10.0.0.9", "--src-port", "443:444",
                      "--app", "web02"], "PUT", f"/v1/sgconfig/{PROD}/destinations/{ORDERS}/ipTableRule",
     lambda j: {"spt": "443:444", "src_range": "10.0.0.1-10.0.0.9", "app": "web02"} in j["ip_table_rules"], "RULES"),
    ("iptables-remove", ["iptables", "remove", "-g", PROD, ORDERS, "--rule", "src=169.45.0.10,spt=80"], "DELETE",
     f"/v1/sgconfig/{PROD}/destinations/{ORDERS}/ipTableRule", lambda j: j["ip_table_rules"] == [], "RULES"),
    ("iptables-remove-all", ["iptables", "remove", "-g", PROD, ORDERS, "--all", "--yes"], "DELETE",
     f"/v1/sgconfig/{PROD}/destinations/{ORDERS}/ipTableRule", lambda j: j["ip_table_rules"] == [], "RULES"),
    ("stats", ["stats"], "GET", "/v1/stats", lambda j: _ids(j) == [PROD, STAGING], "TOTALCONNECTIONS"),
    ("stats-gateway", ["stats", PROD], "GET", f"/v1/sgconfig/{PROD}/stats",
     lambda j: j["totalConnections"] == 1287, "1287"),
    ("clients-list", ["clients", "list", "-g", PROD], "GET", f"/v1/sgconfig/{PROD}/clients",
     lambda j: [c["id"] for c in j] == [CLIENT, "qCTv6Onseiy_9Kd"], "Version 1.8.9"),
    ("clients-get", ["clients", "get", "-g", PROD, CLIENT], "GET", f"/v1/sgconfig/{PROD}/clients/{CLIENT}",
     lambda j: j == {"id": CLIENT, "status": "Connected"}, "Connected"),
    ("clients-disconnect", ["clients", "disconnect", "-g", PROD, CLIENT, "--yes"], "DELETE", f"/v1/sgconfig/{PROD}/clients",
     None, None),
    ("clients-logs", ["clients", "logs", "-g", PROD, "--type", "error", "--client", CLIENT], "GET",
     f"/v1/sgconfig/{PROD}/clientLogs", lambda j: list(j[CLIENT]) == ["errors"], "refused"),
    ("clients-recent", ["clients", "recent", "-g", PROD], "GET", f"/v1/sgconfig/{PROD}/disconnectedClients",
     lambda j: j[0]["id"] == "qCTv6Onseiy_LOp", "qCTv6Onseiy_LOp"),
    ("clients-installers", ["clients", "installers", "--limit", "2"], "GET", "/v1/getClientList",
     lambda j: len(j) == 2 and j[0]["url"].startswith("https://"), "DESCRIPTION"),
    ("api-account", ["api", "GET", "/v1/sgconfig"], "GET", "/v1/sgconfig", lambda j: len(j) == 2, None),
    ("api-gateway", ["api", "GET", f"/v1/sgconfig/{PROD}/clients"], "GET", f"/v1/sgconfig/{PROD}/clients",
     lambda j: len(j) == 2, None),
]


def _argv(argv):
    return [_example(a[1:]) if a.startswith("@") else a for a in argv]


@pytest.mark.parametrize(("argv", "method", "path", "check", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_command_json_and_table(sg, argv, method, path, check, text):
    argv = _argv(argv)
    # A migration that leaves destinations behind is a partial failure.
    expected = 10 if "migrate" in argv and "--force" not in argv else 0
    result = sg.run("sg", *argv, "-o", "json")
    assert result.code == expected, result.err
    assert any(r.method == method and r.path == path for r in sg.emulator.requests), [
        (r.method, r.path) for r in sg.emulator.requests]
    if check is not None:
        assert check(result.json()), result.out
    else:
        assert result.out == ""
    assert "Traceback" not in result.err
    # the same command again on fresh demo data, on a terminal
    sg.emulator.reset()
    table = sg.run("sg", *argv, tty=True, env={"COLUMNS": "250"})
    if text == "ZIP":  # without --json the download is a zip archive, which a terminal does not get
        assert (table.code, table.out) == (2, "")
        return
    assert table.code == expected, table.err
    if text is not None:
        assert text in table.out
    assert any(r.method == method and r.path == path for r in sg.emulator.requests)


def test_resource_group_is_sent_on_account_calls(sg):
    assert sg.run("sg", "gateways", "list").code == 0
    assert sg.run("sg", "export").code == 0
    account = [r for r in sg.emulator.requests if r.path in ("/v1/sgconfig", "/v1/export")]
    assert [r.query.get("resource_group") for r in account] == ["19087c5c5aea4f1f95dabaf54b1dff68"] * 2


def test_gateways_list_piped_is_tsv(sg):
    result = sg.run("sg", "gateways", "list", "--columns", "id,desc,status,enf-tok-sec")
    assert result.code == 0
    assert result.out == (
        "ID\tDESCRIPTION\tSTATUS\tTOKEN_ENFORCED\n"
        f"{PROD}\tProduction Gateway\tENABLED\ttrue\n"
        f"{STAGING}\tStaging Gateway\tENABLED\tfalse\n"
    )


def test_activity_messages_on_stderr(sg):
    result = sg.run("sg", "gateways", "deactivate", STAGING, PROD)
    assert result.code == 0
    assert result.out == ""
    assert result.err == f"deactivated gateway {STAGING}\ndeactivated gateway {PROD}\n"
    again = sg.run("sg", "gateways", "deactivate", STAGING)
    assert again.err == f"gateway {STAGING} was already in that state\n"


def test_delete_needs_yes_without_a_terminal(sg):
    result = sg.run("sg", "destinations", "delete", "-g", PROD, ORDERS)
    assert result.code == 2
    assert "confirmation required; re-run with --yes" in result.err
    assert sg.emulator.requests == []


def test_bulk_delete_is_one_request(sg):
    result = sg.run("sg", "destinations", "delete", "-g", PROD, ORDERS, FTP, "--bulk", "--yes")
    assert result.code == 0, result.err
    assert result.err == f"deleted destination {ORDERS}\ndeleted destination {FTP}\n"
    calls = sg.emulator.calls("DELETE")
    assert [(c.path, c.json) for c in calls] == [(f"/v1/sgconfig/{PROD}/bulkDestinations",
                                                 {"destinations": [ORDERS, FTP]})]
    assert list(sg.emulator.destinations[PROD]) == [BILLING]


def test_bulk_delete_of_an_unknown_destination_deletes_nothing(sg):
    result = sg.run("sg", "destinations", "delete", "-g", PROD, ORDERS, "nope_12345", "--bulk", "--yes")
    assert result.code == 3
    assert "Destination(s) not found: nope_12345" in result.err
    assert ORDERS in sg.emulator.destinations[PROD]


def test_partial_failure_of_single_deletes_exits_10(sg):
    result = sg.run("sg", "destinations", "delete", "-g", PROD, ORDERS, "nope_12345", "--yes")
    assert result.code == 10
    assert f"deleted destination {ORDERS}" in result.err
    assert "failed: destination nope_12345:" in result.err


def test_ids_from_stdin(sg):
    result = sg.run("sg", "destinations", "delete", "-g", PROD, "-", "--yes", stdin=f"{ORDERS}\n{FTP}\n")
    assert result.code == 0, result.err
    assert list(sg.emulator.destinations[PROD]) == [BILLING]


def test_certs_download_zip_to_file(sg, tmp_path):
    import os
    import zipfile

    target = tmp_path / "certs.zip"
    result = sg.run("sg", "certs", "download", "-g", PROD, BILLING, "--out", str(target))
    assert result.code == 0, result.err
    assert result.out == ""
    assert result.err == f"wrote the certificates of destination {BILLING} to {target} (mode 0600)\n"
    assert os.stat(target).st_mode & 0o777 == 0o600
    names = zipfile.ZipFile(target).namelist()
    assert "callingAppCert.pem" in names and len(names) == 6
    assert "noZip" not in sg.emulator.requests[-1].query


def test_certs_download_zip_refuses_a_terminal(sg):
    result = sg.run("sg", "certs", "download", "-g", PROD, BILLING, tty=True)
    assert result.code == 2
    assert "refusing to write a zip archive to a terminal" in result.err
    assert sg.emulator.requests == []


def test_export_out_file_is_private(sg, tmp_path):
    import os

    target = tmp_path / "service.config"
    result = sg.run("sg", "export", "--out", str(target))
    assert result.code == 0
    assert result.err == f"wrote the service export to {target} (mode 0600)\n"
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert len(json.loads(target.read_text())["gateways"]) == 2


def test_not_found_gateway_exits_3_without_a_gateway_call(sg):
    result = sg.run("sg", "destinations", "list", "-g", "nope_prod_us-south")
    assert result.code == 3
    assert result.err.startswith("error: gateway nope_prod_us-south not found in resource group 19087c5c5aea4f1f95dabaf54b1dff68")
    assert [(r.method, r.path) for r in sg.emulator.requests] == [("POST", "/identity/token"), ("GET", "/v1/sgconfig")]


def test_iptables_on_a_public_destination_is_rejected_by_the_server(sg):
    result = sg.run("sg", "iptables", "add", "-g", PROD, BILLING, "--src", "10.0.0.1")
    assert result.code == 6
    assert "Destination must be private to add IP Table rules" in result.err


def test_migration_with_connector_apikey_from_stdin(sg):
    result = sg.run("sg", "destinations", "migrate", "-g", PROD, ORDERS, "--connector-id", "c9", "--apikey-stdin",
                    "--force", stdin="connector-key-123456\n")
    assert result.code == 0, result.err
    body = sg.emulator.calls("PUT")[-1].json
    assert body == {"connector_id": "c9", "apikey": "connector-key-123456"}
    assert "connector-key-123456" not in result.all


def test_operations_lists_37(sg):
    result = sg.run("sg", "operations", "-o", "json")
    assert result.code == 0
    ops = result.json()
    assert len(ops) == 37  # rotate-token has its own row (it shares PUT /v1/sgconfig/{gatewayID} with update)
    assert {"DELETE /v1/sgconfig/{id}", "GET /v1/sgconfig/{gatewayID}/destinations/{destinationID}/certList"} <= {
        f"{o['method']} {o['path']}" for o in ops}
