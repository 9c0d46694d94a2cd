"""`gwctl status` and `gwctl expiring` across the five products' emulators."""

from __future__ import annotations

import json

import pytest

from gwctl.sandbox.api7 import Api7Emulator
from gwctl.sandbox.gatekeeper import GatekeeperEmulator
from gwctl.sandbox.opa import OpaEmulator
from gwctl.sandbox.pomerium import PomeriumEmulator
from gwctl.sandbox.sg import SecureGatewayEmulator


@pytest.fixture
def five(fleet):
    """One profile per product, each on its own emulator: {product: emulator}."""
    emulators = {"opa": OpaEmulator(), "pomerium": PomeriumEmulator(), "api7": Api7Emulator(),
                 "sg": SecureGatewayEmulator(), "gatekeeper": GatekeeperEmulator()}
    for product, emulator in emulators.items():
        fleet(product, {f"site-{product}": emulator})
    emulators["gatekeeper"].peers = []  # a standalone instance
    return emulators


def _secrets(emulators) -> list[str]:
    return [value for e in emulators.values() for value in e.credentials().values()]


def test_status_lists_every_profile_with_reachability_auth_and_health(gw, five, fleet):
    fleet("opa", {"site-opa-down": "dead"})
    result = gw("status", "-o", "json")
    assert result.code == 0, result.err  # a report; --check decides
    rows = {r["profile"]: r for r in result.json()}
    assert sorted(rows) == ["site-api7", "site-gatekeeper", "site-opa", "site-opa-down", "site-pomerium", "site-sg"]
    for name in ("site-api7", "site-opa", "site-pomerium", "site-sg"):
        assert (rows[name]["ok"], rows[name]["reachable"]["ok"], rows[name]["auth"]["ok"]) == (True, True, True)
        assert rows[name]["latency_ms"] is not None and abs(rows[name]["clock_skew_s"]) <= 2
    assert rows["site-opa"]["health"]["summary"] == "gateways 4 online, 1 offline"
    assert rows["site-opa"]["auth"]["source"] == "key_id=keyring, key_secret=keyring"
    assert rows["site-opa"]["auth"]["token"].startswith("fresh ")
    assert rows["site-api7"]["health"]["summary"] == "gateway instances 2/4 healthy"
    assert rows["site-api7"]["version"] == "3.2.11.5"
    assert rows["site-pomerium"]["health"]["summary"] == "cluster clProd: 2/2 health checks pass"
    assert rows["site-sg"]["health"]["summary"] == "gateways 1/2 connected"
    assert (rows["site-gatekeeper"]["health"]["summary"], rows["site-gatekeeper"]["version"]) == ("unsealed", "1.1.3")
    down = rows["site-opa-down"]
    assert (down["ok"], down["reachable"]["ok"], down["reachable"]["error"]) == (False, False, "connection refused")
    assert down["problems"] == ["unreachable: connection refused"]
    assert not any(secret in result.out + result.err for secret in _secrets(five))


def test_status_table_and_check(gw, five, fleet):
    result = gw("status", "--check", "--no-color", tty=True, env={"COLUMNS": "250"})
    assert (result.code, result.err) == (0, "")
    lines = result.out.splitlines()
    assert lines[0].split() == ["PROFILE", "PRODUCT", "REACHABLE", "TLS", "AUTH", "TOKEN", "VERSION", "LATENCY",
                                "SKEW", "HEALTH", "STATUS"]
    assert [line.split()[0] for line in lines[1:]] == ["site-api7", "site-gatekeeper", "site-opa", "site-pomerium",
                                                        "site-sg"]
    assert all(line.split()[-1] == "ok" for line in lines[1:])
    five["gatekeeper"].token = None  # sealed
    fleet("sg", {"site-sg-bad": five["sg"]}, wrong={"site-sg-bad"})
    result = gw("status", "--check", "-o", "json")
    assert result.code == 14
    failed = {r["profile"]: r["problems"] for r in result.json() if not r["ok"]}
    assert sorted(failed) == ["site-gatekeeper", "site-sg-bad"]
    assert failed["site-gatekeeper"] == ["unhealthy: SEALED"]
    assert failed["site-sg-bad"][0].startswith("not authenticated: ")
    assert json.loads(result.err) == {"error": "2 of 6 profiles failed a check: site-gatekeeper, site-sg-bad",
                                      "exit_code": 14, "http_status": None, "request_id": None}
    assert gw("status", "-p", "site-api7,site-opa", "--check").code == 0
    assert not any(secret in result.out + result.err for secret in _secrets(five))


EXPECTED_30D = [
    ("site-api7", "api7", "API token", "ci-deploy"),
    ("site-gatekeeper", "gatekeeper", "Vault token", "token-gatekeeper"),
    ("site-opa", "opa", "service token (cached)", "bearer"),
    ("site-pomerium", "pomerium", "ID token (cached)", "id_token"),
    ("site-pomerium", "pomerium", "key pair", "wildcard"),
    ("site-sg", "sg", "IAM token (cached)", "iam"),
    ("site-sg", "sg", "gateway security token", "Staging Gateway"),
]


def test_expiring_finds_the_seeded_items_of_all_five_products_soonest_first(gw, five):
    result = gw("expiring", "--within", "30d", "-o", "json")
    assert result.code == 0, result.err
    rows = result.json()
    assert sorted((r["profile"], r["product"], r["kind"], r["name"]) for r in rows) == EXPECTED_30D
    assert [r["expires_at"] for r in rows] == sorted(r["expires_at"] for r in rows)
    assert all(set(r) >= {"profile", "product", "kind", "id", "expires_at", "remaining"} for r in rows)
    by_name = {r["name"]: r for r in rows}
    assert by_name["ci-deploy"]["id"] == "d7c6b5a4-9382-4716-8a5b-4c3d2e1f0a02"
    assert by_name["Staging Gateway"]["id"] == "ZgNBtYKCG66_prod_us-south"
    assert by_name["wildcard"]["remaining"].startswith("19d")
    assert not any(secret in result.out + result.err for secret in _secrets(five))


def test_expiring_window_check_and_unknown(gw, five):
    tight = gw("expiring", "--within", "2h", "--check")
    assert tight.code == 15  # the cached login tokens live about an hour
    assert tight.out.splitlines()[0] == "PROFILE\tPRODUCT\tKIND\tNAME\tID\tEXPIRES_AT\tREMAINING"
    assert {line.split("\t")[2] for line in tight.out.splitlines()[1:]} == {
        "service token (cached)", "ID token (cached)", "IAM token (cached)"}
    assert tight.err == "error: 3 items expire within 2h\n"
    assert gw("expiring", "--within", "10m", "--check") .code == 0
    unknown = gw("expiring", "--within", "10m", "--include-unknown", "--product", "opa", "-o", "json")
    assert unknown.json() == [{"profile": "site-opa", "product": "opa", "kind": "setup token", "name": "3 items",
                               "id": "", "expires_at": None, "expires_in_s": None, "remaining": "unknown"}]
    bad = gw("expiring", "--within", "soon")
    assert (bad.code, bad.err.splitlines()[0]) == (
        2, "error: invalid --within 'soon': give a duration such as 30d, 12h, 2w or 1d12h")


def test_expiring_reports_an_unreachable_profile(gw, five, fleet):
    fleet("api7", {"site-api7-down": "dead"})
    result = gw("expiring", "--within", "30d", "--product", "api7")
    assert result.code == 10
    assert result.out.splitlines()[1].split("\t")[:4] == ["site-api7", "api7", "API token", "ci-deploy"]
    assert result.err.splitlines()[-1] == "error: 1 of 2 profiles could not be checked: site-api7-down"
