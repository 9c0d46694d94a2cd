"""Each product's own health, as `gwctl status` shows it: one small probe per product.

A probe gets the profile's API client and returns a ``Health``: a one-line summary, whether the
endpoint can serve (``ok``), the server's version when the API says it, and details for -o json.
Every probe makes at least one authenticated call, so it also proves the credentials.
"""

from __future__ import annotations

from typing import Any, Callable


class Health:
    __slots__ = ("ok", "summary", "version", "details")

    def __init__(self, ok: bool, summary: str, version: str | None = None, details: Any = None) -> None:
        self.ok, self.summary, self.version, self.details = ok, summary, version, details


def _opa(client: Any) -> Health:
    from gwctl.resources import resource

    gateways = [g for page in client.list_pages(resource("opa", "gateways")) for g in page if isinstance(g, dict)]
    states = {str(g.get("id")): str(client.gateway_status(str(g.get("id"))).get("status") or "UNKNOWN").upper()
              for g in gateways}
    online = sum(1 for s in states.values() if s == "ONLINE")
    # No gateway online (with some registered) means no session gets through.
    return Health(online > 0 or not gateways, f"gateways {online} online, {len(gateways) - online} offline",
                  details={"gateways": len(gateways), "online": online, "offline": len(gateways) - online})


def _pomerium(client: Any) -> Health:
    cluster = client.cluster_id()
    checks = client.cluster_health(cluster) or []
    failing = [c for c in checks if isinstance(c, dict) and str(c.get("status", "")).lower() != "success"]
    summary = f"cluster {cluster}: {len(checks) - len(failing)}/{len(checks)} health checks pass"
    return Health(not failing, summary, details={"cluster": cluster, "checks": len(checks),
                                                 "failing": [c.get("description") for c in failing]})


def _api7(client: Any) -> Health:
    version = client.version()
    instances = [i for page in client.pages("/api/instances", None, None) for i in page if isinstance(i, dict)]
    healthy = sum(1 for i in instances if str(i.get("status", "")).lower() == "healthy")
    return Health(healthy > 0 or not instances, f"gateway instances {healthy}/{len(instances)} healthy", version,
                  {"instances": len(instances), "healthy": healthy})


def _sg(client: Any) -> Health:
    gateways = [g for g in client.list_gateways() if isinstance(g, dict)]
    connected = sum(1 for g in gateways if g.get("connectedClientsArr"))
    return Health(True, f"gateways {connected}/{len(gateways)} connected",
                  details={"gateways": len(gateways), "connected": connected})


def _gatekeeper(client: Any) -> Health:
    from gwctl.cli.gatekeeper.status import peer_states

    rows = peer_states(client)
    own, peers = rows[0], rows[1:]
    serving = sum(1 for r in peers if r["reachable"] and r["unsealed"])
    summary = own["state"] + (f"; peers {serving}/{len(peers)} unsealed" if peers else "")
    return Health(bool(own["unsealed"]), summary, own.get("version"),
                  {"state": own["state"], "peers": [{k: r[k] for k in ("address", "state", "version")} for r in peers]})


PROBES: dict[str, Callable[[Any], Health]] = {
    "opa": _opa, "pomerium": _pomerium, "api7": _api7, "sg": _sg, "gatekeeper": _gatekeeper,
}
