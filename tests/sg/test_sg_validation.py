"""Bad input is rejected locally with exit 2 and nothing is sent."""

from __future__ import annotations

import pytest
from sg_helpers import BILLING, ORDERS, PROD


def test_profile_with_an_unknown_region_is_refused(gw):
    result = gw("profile", "add", "x", "--product", "sg", "--region", "mars-1", "--resource-group", "rg1")
    assert result.code == 2
    assert "mars-1" in result.err and "us-south" in result.err


def test_profile_url_follows_the_region(gw):
    result = gw("profile", "add", "x", "--product", "sg", "--region", "eu-de", "--resource-group", "rg1", "-o", "json")
    assert result.code == 0, result.err
    listing = gw("profile", "list", "-o", "json")
    entry = [p for p in listing.json() if p["name"] == "x"][0]
    assert entry["url"] == "https://sgmanager.eu-de.securegateway.cloud.ibm.com"


BAD = [
    (["destinations", "create", "-g", PROD, "--name", "x", "--host", "h", "--port", "70000"], "invalid --port 70000: must be a port from 1 to 65535"),
    (["destinations", "create", "-g", PROD, "--name", "x", "--host", "h", "--port", "0"], "invalid --port 0"),
    (["destinations", "update", "-g", PROD, ORDERS, "--client-port", "65536"], "invalid --client-port 65536"),
    (["destinations", "create", "-g", PROD, "--name", "x", "--host", "h", "--port", "80", "--protocol", "FTP"],
     "invalid --protocol 'FTP': choose from TCP, UDP, TLS, HTTP, HTTPS"),
    (["destinations", "create", "-g", PROD, "--name", "x", "--host", "h", "--port", "80", "--tls", "maybe"], "invalid --tls 'maybe'"),
    (["destinations", "create", "-g", PROD, "--host", "h", "--port", "80"], "missing --name"),  # the shared validator's wording
    (["destinations", "update", "-g", PROD, ORDERS], "nothing to update"),
    (["certs", "upload", "-g", PROD, ORDERS, "--server-cert", "/nonexistent/ca.pem"], "cannot read --server-cert /nonexistent/ca.pem: No such file or directory"),
    (["certs", "upload", "-g", PROD, ORDERS, "--dest-cert", "@pem"], "--dest-cert and --key go together"),
    (["certs", "upload", "-g", PROD, ORDERS], "nothing to upload"),
    (["certs", "upload", "-g", PROD, ORDERS, "--server-cert", "@notpem"], "is not a PEM file"),
    (["iptables", "add", "-g", PROD, ORDERS, "--src", "1.2.3.4", "--src-range", "1.1.1.1-1.1.1.9"], "--src and --src-range cannot be combined"),
    (["iptables", "add", "-g", PROD, ORDERS, "--src-range", "1.1.1.1"], "invalid --src-range '1.1.1.1'"),
    (["iptables", "add", "-g", PROD, ORDERS, "--src", "1.2.3.4", "--src-port", "99999"], "invalid --src-port '99999'"),
    (["iptables", "add", "-g", PROD, ORDERS], "pass --src, --src-range or --src-port"),
    (["iptables", "remove", "-g", PROD, ORDERS, "--rule", "foo=bar"], "invalid --rule 'foo=bar'"),
    (["iptables", "remove", "-g", PROD, ORDERS], "pass --rule"),
    (["gateways", "create"], "missing --description"),
    (["gateways", "create", "--desc", "x", "--token-expiration", "91"], "invalid --token-expiration 91: must be 0-90 days"),
    (["gateways", "update", PROD], "nothing to update"),
    (["clients", "logs", "-g", PROD, "--type", "info"], "invalid --type 'info'"),
    (["gateways", "migrate", PROD, "--yes"], "missing option --connector-id"),
    (["import", "/nonexistent/service.config"], "cannot read FILE /nonexistent/service.config"),
    (["import", "@notpem"], "is not a JSON export file"),
    (["destinations", "import", "-g", PROD, "@bad_dest"], "field 'port'"),
    (["destinations", "create", "-g", PROD, "--from-file", "@bad_dest"], "invalid --from-file: field 'port'"),
    (["destinations", "list", "-g", PROD, "--gateway-token-stdin", "--limit", "0"], "--limit"),
    # The IDs are read first, so the token finds stdin used up (nothing is sent either way).
    (["destinations", "delete", "-g", PROD, "-", "--gateway-token-stdin", "--yes"], "no IDs given"),
]


@pytest.fixture
def files(tmp_path):
    pem = tmp_path / "x.pem"
    pem.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    notpem = tmp_path / "notpem.txt"
    notpem.write_text("hello\n")
    bad_dest = tmp_path / "bad.destination"
    bad_dest.write_text('{"desc": "x", "ip": "h", "port": 123456}')
    return {"pem": str(pem), "notpem": str(notpem), "bad_dest": str(bad_dest)}


@pytest.mark.parametrize(("argv", "message"), BAD, ids=[" ".join(a[:2]) + f"-{i}" for i, (a, _) in enumerate(BAD)])
def test_bad_input_exits_2_and_sends_nothing(sg, files, argv, message):
    argv = [files[a[1:]] if a.startswith("@") else a for a in argv]
    result = sg.run("sg", *argv)
    assert result.code == 2, result.all
    assert message in result.err
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) <= 2
    assert sg.emulator.requests == []


def test_bad_input_as_json_error(sg):
    result = sg.run("sg", "destinations", "create", "-g", PROD, "--name", "x", "--host", "h", "--port", "70000", "-o", "json")
    assert result.code == 2
    assert '"exit_code": 2' in result.err
    assert sg.emulator.requests == []


def test_server_side_rejection_is_exit_6(sg):
    # the server, not gwctl, knows the destination is public
    result = sg.run("sg", "iptables", "add", "-g", PROD, BILLING, "--src", "10.0.0.1")
    assert result.code == 6
