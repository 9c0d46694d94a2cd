"""Files the server wrote are accepted back; which token lists an enforced gateway; local address checks."""

from __future__ import annotations

import json

from sg_helpers import ORDERS, PROD, STAGING

# A .destination file as a vendor export may write it: ports as strings, the proxy
# present but empty, clientPort null, timeout 0 (= disabled).
EXPORTED = {
    "desc": "Exported DB", "ip": "10.9.9.9", "port": "5432", "clientPort": None, "protocol": "TCP",
    "private": False, "ipRules": [], "enable_client_tls": False, "client_tls": "none", "rejectUnauth": False,
    "TLS": "none", "sni": "", "enforceProxy": False, "proxy": {"ip": "", "port": "", "type": ""}, "timeout": 0,
    "compressData": False, "clientCerts": [],
}


def test_destination_import_accepts_an_export_with_empty_proxy_fields(sg, tmp_path):
    path = tmp_path / "db.destination"
    path.write_text(json.dumps(EXPORTED))
    result = sg.run("sg", "destinations", "import", "-g", PROD, str(path), "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["desc"] == "Exported DB"
    upload = sg.emulator.calls("PUT", f"/v1/sgconfig/{PROD}/destinations/import")[0]
    assert b'"proxy": {"ip": "", "port": "", "type": ""}' in upload.body  # the file goes up as it is


def test_create_from_an_exported_file_drops_the_empty_parts(sg, tmp_path):
    path = tmp_path / "db.destination"
    path.write_text(json.dumps(EXPORTED))
    result = sg.run("sg", "destinations", "create", "-g", PROD, "--from-file", str(path), "--name", "Copy", "-o", "json")
    assert result.code == 0, result.err
    sent = json.loads(sg.emulator.calls("POST", f"/v1/sgconfig/{PROD}/destinations")[0].body)
    assert sent["desc"] == "Copy" and sent["port"] == 5432
    assert "proxy" not in sent and "clientPort" not in sent


def test_a_real_bad_proxy_port_is_still_refused_locally(sg, tmp_path):
    path = tmp_path / "bad.destination"
    path.write_text(json.dumps({**EXPORTED, "proxy": {"ip": "1.2.3.4", "port": 70000, "type": 5}}))
    result = sg.run("sg", "destinations", "import", "-g", PROD, str(path))
    assert result.code == 2
    assert "field 'proxy.port'" in result.err
    assert sg.emulator.requests == []


def test_unenforced_gateway_listed_without_a_token_uses_the_iam_token(sg, monkeypatch):
    public = sg.emulator._public_gateway

    def without_jwt(gateway):
        body = public(gateway)
        if body["_id"] == STAGING:
            body.pop("jwt")
        return body

    monkeypatch.setattr(sg.emulator, "_public_gateway", without_jwt)
    result = sg.run("sg", "destinations", "list", "-g", STAGING, "-o", "json")
    assert result.code == 0, result.err
    iam = sg.emulator.calls("GET", "/v1/sgconfig")[0].headers["Authorization"]
    assert sg.emulator.calls("GET", f"/v1/sgconfig/{STAGING}/destinations")[0].headers["Authorization"] == iam


def test_enforced_gateway_listed_without_a_token_is_an_auth_error(sg, monkeypatch):
    public = sg.emulator._public_gateway
    monkeypatch.setattr(sg.emulator, "_public_gateway", lambda g: {k: v for k, v in public(g).items() if k != "jwt"})
    result = sg.run("sg", "destinations", "list", "-g", PROD)
    assert result.code == 4
    assert "shows no security token" in result.err


def test_raw_api_keeps_the_query_of_the_path(sg):
    result = sg.run("sg", "api", "GET", "/v1/sgconfig?type=disabled", "-o", "json")
    assert result.code == 0, result.err
    assert result.json() == []  # both demo gateways are enabled
    listing = sg.emulator.calls("GET", "/v1/sgconfig")[-1]
    assert listing.query.get("type") == "disabled"
    assert listing.query.get("resource_group") == "19087c5c5aea4f1f95dabaf54b1dff68"
    result = sg.run("sg", "api", "GET", f"/v1/sgconfig/{PROD}/destinations?type=disabled", "-P", "x=1", "-o", "json")
    assert result.code == 0, result.err
    assert [d["desc"] for d in result.json()] == ["Legacy FTP"]
    call = sg.emulator.calls("GET", f"/v1/sgconfig/{PROD}/destinations")[-1]
    assert (call.query.get("type"), call.query.get("x")) == ("disabled", "1")


def test_iptables_src_that_is_a_bad_address_is_refused_locally(sg):
    for bad in ("1.2.3.999", "10.0.0", "300.1.1.1"):
        result = sg.run("sg", "iptables", "add", "-g", PROD, ORDERS, "--src", bad)
        assert result.code == 2, (bad, result.all)
        assert f"invalid --src '{bad}'" in result.err
    assert sg.emulator.requests == []
    assert sg.run("sg", "iptables", "add", "-g", PROD, ORDERS, "--src", "10.0.0.7").code == 0
