"""Export -> delete -> import round trips, and the multipart uploads."""

from __future__ import annotations

from sg_helpers import BILLING, ORDERS, PROD

SAME = ("desc", "TLS", "protocol", "private", "enable_client_tls", "client_tls", "rejectUnauth", "timeout",
        "compressData", "ip_table_rules", "proxy", "enforceProxy")


def _shape(dest: dict) -> dict:
    info = dest["connection_info"]
    return {**{k: dest[k] for k in SAME}, "host": info["OnPremHost"], "port": info["OnPremPort"],
            "clientPort": info["clientPort"], "sni": info["sni"], "certs": sorted(dest["cert"].get("client_cert", [])),
            "server_cert": dest["cert"].get("server_cert")}


def test_service_export_delete_import_restores_the_destinations(sg, tmp_path):
    before = {d["desc"]: _shape(d) for d in sg.emulator.destinations[PROD].values()}
    export = tmp_path / "service.config"
    assert sg.run("sg", "export", "--out", str(export)).code == 0
    deleted = sg.run("sg", "gateways", "delete", PROD, "ZgNBtYKCG66_prod_us-south", "--yes")
    assert deleted.code == 0, deleted.err
    assert [g for g in sg.emulator.gateways if g.endswith("us-south") and "Xk3p" not in g] == []
    result = sg.run("sg", "import", str(export), "-o", "json")
    assert result.code == 0, result.err
    imported = result.json()["imported"]
    assert [i["gateway"]["desc"] for i in imported] == ["Production Gateway", "Staging Gateway"]
    new_prod = imported[0]["gateway"]["_id"]
    assert new_prod != PROD
    after = {d["desc"]: _shape(d) for d in sg.emulator.destinations[new_prod].values()}
    assert after == before
    # multipart: one form field `state` carrying the file, plus the resource group
    upload = sg.emulator.calls("PUT", "/v1/import")[0]
    assert upload.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="state"; filename="service.config"' in upload.body
    assert upload.query["resource_group"] == "19087c5c5aea4f1f95dabaf54b1dff68"
    # gwctl already knows the imported gateways' tokens: no listing needed
    sg.emulator.clear_log()
    assert sg.run("sg", "destinations", "list", "-g", new_prod).code == 0
    assert [r.path for r in sg.emulator.requests] == [f"/v1/sgconfig/{new_prod}/destinations"]


def test_gateway_export_and_import_table_output(sg, tmp_path):
    export = tmp_path / "prod.gateway"
    assert sg.run("sg", "gateways", "export", PROD, "--out", str(export)).code == 0
    result = sg.run("sg", "import", str(export))
    assert result.code == 0, result.err
    new_id = [g for g in sg.emulator.gateways if g not in (PROD, "ZgNBtYKCG66_prod_us-south", "Xk3pLm9QrT2_prod_us-south")][0]
    assert result.out == f"GATEWAY\tDESCRIPTION\tDESTINATIONS\n{new_id}\tProduction Gateway\t3\n"
    assert result.err == f"imported gateway {new_id} with 3 destination(s)\n"


def test_destination_export_delete_import(sg, tmp_path):
    before = _shape(sg.emulator.destinations[PROD][BILLING])
    export = tmp_path / "billing.destination"
    assert sg.run("sg", "destinations", "export", "-g", PROD, BILLING, "--out", str(export)).code == 0
    assert sg.run("sg", "destinations", "delete", "-g", PROD, BILLING, "--yes").code == 0
    assert BILLING not in sg.emulator.destinations[PROD]
    result = sg.run("sg", "destinations", "import", "-g", PROD, str(export), "-o", "json")
    assert result.code == 0, result.err
    assert _shape(result.json()) == before
    upload = sg.emulator.calls("PUT", f"/v1/sgconfig/{PROD}/destinations/import")[0]
    assert b'name="state"; filename="billing.destination"' in upload.body


def test_import_from_stdin(sg):
    body = '{"desc": "From stdin", "enf_tok_sec": false, "destination": []}'
    result = sg.run("sg", "import", "-", stdin=body)
    assert result.code == 0, result.err
    assert any(g["desc"] == "From stdin" for g in sg.emulator.gateways.values())


def test_cert_upload_is_multipart_with_the_vendor_field_names(sg, tmp_path):
    files = {}
    for name in ("ca.pem", "sg.pem", "sg.key", "ep1.pem", "ep2.pem"):
        kind = "PRIVATE KEY" if name.endswith(".key") else "CERTIFICATE"
        (tmp_path / name).write_text(f"-----BEGIN {kind}-----\nMIIB{name}\n-----END {kind}-----\n")
        files[name] = str(tmp_path / name)
    result = sg.run("sg", "certs", "upload", "-g", PROD, ORDERS, "--server-cert", files["ca.pem"], "--dest-cert",
                    files["sg.pem"], "--key", files["sg.key"], "--client-cert", files["ep1.pem"], "--client-cert",
                    files["ep2.pem"], "-o", "json")
    assert result.code == 0, result.err
    assert result.err == f"uploaded 5 file(s) to destination {ORDERS}\n"
    assert result.json()["cert"] == {"server_cert": "ca.pem", "dest_cert": "sg.pem", "client_cert": ["ep1.pem", "ep2.pem"]}
    request = sg.emulator.calls("PUT", f"/v1/sgconfig/{PROD}/destinations/{ORDERS}/cert")[0]
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    for field, name in (("cert", "ca.pem"), ("dest_cert", "sg.pem"), ("dest_key", "sg.key"),
                        ("client_cert", "ep1.pem"), ("client_cert", "ep2.pem")):
        assert f'name="{field}"; filename="{name}"'.encode() in request.body
    # and they come back in the download
    listing = sg.run("sg", "certs", "download", "-g", PROD, ORDERS, "--json")
    assert {c["name"] for c in listing.json()} == {"ca.pem", "sg.pem", "sg.key", "ep1.pem", "ep2.pem"}
    key = [c for c in listing.json() if c["name"] == "sg.key"][0]
    assert key["contents"] == "-----BEGIN PRIVATE KEY-----\nMIIBsg.key\n-----END PRIVATE KEY-----\n"
    assert sg.emulator.requests[-1].query["noZip"] == "true"


def test_create_destination_from_file_with_flags_overriding(sg, tmp_path):
    body = tmp_path / "dest.yaml"
    body.write_text("desc: From file\nip: 10.9.9.9\nport: '8080'\nprotocol: HTTP\nprivate: true\n"
                    "ipRules:\n  - src: 10.1.1.1\n    spt: 80\n    app: r1\ntimeout: 30\n")
    result = sg.run("sg", "destinations", "create", "-g", PROD, "--from-file", str(body), "--port", "9090", "-o", "json")
    assert result.code == 0, result.err
    sent = sg.emulator.calls("POST", "*/destinations")[0].json
    assert sent == {"desc": "From file", "ip": "10.9.9.9", "port": 9090, "protocol": "HTTP", "private": True,
                    "ipRules": [{"src": "10.1.1.1", "spt": "80", "app": "r1"}], "timeout": 30}
    assert result.json()["ip_table_rules"] == [{"src": "10.1.1.1", "spt": "80", "app": "r1"}]
