"""`wait` of sg, Pomerium and API7 against emulators whose state changes after a delay (fake time)."""

from __future__ import annotations

import pytest

SG_GW = "ZgNBtYKCG66_prod_us-south"  # no clients connected in the seed
SG_DEST = "qCTv6Onseiy_Lg4cY"  # Legacy FTP, disabled in the seed
SG_PROD = "qCTv6Onseiy_prod_us-south"


@pytest.fixture
def sg(sandbox, clock, fake_time):
    return sandbox("sg", clock=clock)


@pytest.fixture
def pom(sandbox, clock, fake_time):
    return sandbox("pomerium", clock=clock)


@pytest.fixture
def api7(sandbox, clock, fake_time):
    return sandbox("api7", clock=clock)


# --- sg ------------------------------------------------------------------------------------------

def _connect(emulator, gateway_id):
    emulator.clients.setdefault(gateway_id, []).append(
        {"id": "ZgNBtYKCG66_7xq", "version": 189, "version_detail": "Version 1.8.9", "host": "edge", "type": "docker"})
    emulator._sync_clients(gateway_id)


def test_sg_waits_until_a_client_connects(sg, sleeps):
    sg.emulator.schedule(45, lambda: _connect(sg.emulator, SG_GW))
    result = sg.run("sg", "gateways", "wait", "Staging Gateway", "--for", "connected", "--timeout", "2m")
    assert result.code == 0, result.err
    assert result.err.startswith("gateway Staging Gateway: condition met: connected (1 client(s) connected, after ")
    assert sum(sleeps) >= 45


def test_sg_connected_times_out(sg):
    result = sg.run("sg", "gateways", "wait", SG_GW, "--for", "connected", "--timeout", "20s")
    assert result.code == 7
    assert result.err.startswith(f"error: timed out after 20s waiting for gateway {SG_GW} to reach connected "
                                 "(last seen: 0 client(s) connected)")


def test_sg_waits_until_a_destination_is_enabled(sg, sleeps):
    def enable():
        sg.emulator.destinations[SG_PROD][SG_DEST]["status"] = "ENABLED"

    sg.emulator.schedule(8, enable)
    result = sg.run("sg", "destinations", "wait", "Legacy FTP", "--gateway", SG_PROD, "--for", "enabled")
    assert result.code == 0, result.err
    assert "destination Legacy FTP: condition met: enabled (status ENABLED" in result.err


def test_sg_destination_deleted_while_waiting_exits_3(sg):
    sg.emulator.schedule(4, lambda: sg.emulator.destinations[SG_PROD].pop(SG_DEST))
    result = sg.run("sg", "destinations", "wait", SG_DEST, "--gateway", SG_PROD, "--for", "enabled")
    assert result.code == 3
    assert result.err.startswith(f"error: destination {SG_DEST} no longer exists: stopped waiting for enabled")


# --- Pomerium ------------------------------------------------------------------------------------

def _changeset(pom, cs_id):
    return pom.emulator.changesets[cs_id]


def test_pomerium_waits_until_a_changeset_is_applied(pom, sleeps):
    pom.emulator.schedule(15, lambda: _changeset(pom, "csPending").update(status="applied"))
    result = pom.run("pomerium", "changesets", "wait", "csPending", "--for", "applied", "--timeout", "1m")
    assert result.code == 0, result.err
    assert result.err.startswith("changeset csPending: condition met: applied (status applied, after ")
    assert sum(sleeps) >= 15


def test_pomerium_failed_changeset_exits_6_with_the_reason(pom):
    pom.emulator.schedule(3, lambda: _changeset(pom, "csPending").update(status="failed", failureMessage="bad route"))
    result = pom.run("pomerium", "changesets", "wait", "csPending")
    assert result.code == 6
    assert result.err.startswith("error: changeset csPending will not reach applied: status failed: bad route")


def test_pomerium_changeset_timeout_and_disappearance(pom):
    result = pom.run("pomerium", "changesets", "wait", "csPending", "--timeout", "5s")
    assert result.code == 7
    assert "(last seen: status pending)" in result.err
    pom.emulator.schedule(2, lambda: pom.emulator.changesets.pop("csPending"))
    result = pom.run("pomerium", "changesets", "wait", "csPending")
    assert result.code == 3
    assert result.err.startswith("error: changeset csPending no longer exists: stopped waiting for applied")


def test_pomerium_waits_until_the_cluster_is_healthy(pom, sleeps):
    cluster = pom.emulator.cluster_id
    pom.emulator.health[cluster][1]["status"] = "error"
    pom.emulator.schedule(25, lambda: pom.emulator.health[cluster][1].update(status="success"))
    result = pom.run("pomerium", "clusters", "wait", "--for", "healthy", "--timeout", "1m", tty=True)
    assert result.code == 0, result.err
    lines = result.err.splitlines()
    assert lines[0] == "waiting for the profile's cluster to reach healthy: TLS certificate is valid: error (0s)"
    assert lines[-1].startswith("the profile's cluster: condition met: healthy (2 health check(s) succeeded, after ")


def test_pomerium_waits_until_a_custom_domain_is_verified(pom):
    domain = pom.emulator.custom_domains["cdApps"]
    del domain["expiresAt"]
    domain["lastError"] = "DNS record not found"
    pom.emulator.schedule(40, lambda: (domain.pop("lastError"), domain.update(expiresAt="2027-06-01T00:00:00Z")))
    result = pom.run("pomerium", "custom-domains", "wait", "apps.acme.example", "--for", "verified",
                     "--timeout", "1m", "-o", "json")
    assert result.code == 0, result.err
    assert result.json()["expiresAt"] == "2027-06-01T00:00:00Z"
    timed_out = pom.run("pomerium", "custom-domains", "wait", "cdApps", "--for", "delete", "--timeout", "3s")
    assert timed_out.code == 7


# --- API7 ----------------------------------------------------------------------------------------

SVC = "5d3e6a7b-1c2d-4e5f-8a9b-0c1d2e3f4a01"  # httpbin, published in default as 1.0.0
GG = "86fb9981-d9d2-4555-9df8-91ae92129335"


def test_api7_waits_until_a_service_version_is_published(api7, sleeps):
    def publish():
        api7.emulator._publish_one(GG, {"service_id": SVC, "version": "1.1.0"}, True)

    api7.emulator.schedule(30, publish)
    result = api7.run("api7", "published-services", "wait", SVC, "-g", "default", "--for", "version=1.1.0",
                      "--timeout", "2m")
    assert result.code == 0, result.err
    assert result.err.startswith(f"published service {SVC}: condition met: version=1.1.0 "
                                 "(version 1.1.0 published, after ")
    assert sum(sleeps) >= 30


def test_api7_version_condition_needs_a_value(api7):
    result = api7.run("api7", "published-services", "wait", SVC, "-g", "default", "--for", "version")
    assert result.code == 2
    assert result.err.startswith("error: invalid --for 'version': give --for version=VERSION")


def test_api7_waits_until_instances_are_healthy(api7, sleeps):
    def heal():
        for instance in api7.emulator.instances.values():
            instance["status"] = "Healthy"

    api7.emulator.schedule(50, heal)
    result = api7.run("api7", "instances", "wait", "--for", "healthy", "-g", "default", "--timeout", "2m")
    assert result.code == 0, result.err
    assert "gateway instances of gateway group default: condition met: healthy (4 instance(s) Healthy" in result.err
    timed_out = api7.run("api7", "instances", "wait", "--for", "ready", "--timeout", "5s")
    assert timed_out.code == 2


def test_api7_instances_timeout_names_the_unhealthy_ones(api7):
    result = api7.run("api7", "instances", "wait", "--timeout", "10s")
    assert result.code == 7
    assert "(last seen: gw-4.example.internal Offline, gw-3.example.internal OutOfSync)" in result.err


def test_api7_waits_until_an_object_is_deleted(api7, sleeps):
    api7.emulator.schedule(6, lambda: api7.emulator.published.pop((GG, SVC)))
    result = api7.run("api7", "published-services", "wait", SVC, "-g", "default", "--for", "delete")
    assert result.code == 0, result.err
    assert result.err.startswith(f"published service {SVC}: condition met: deleted (after ")
