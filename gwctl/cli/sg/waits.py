"""What `gwctl sg ... wait --for` can wait for (gwctl.cli.waiting runs the one wait flow)."""

from __future__ import annotations

from gwctl.cli.waiting import Condition, field_is


def _connected(gateway, value):
    clients = gateway.get("connectedClientsArr") or []
    return bool(clients), f"{len(clients)} client(s) connected"


CONNECTED = Condition("connected", "at least one client is connected", _connected)
ENABLED = Condition("enabled", "its status is ENABLED", field_is("status", "ENABLED", "status"))

CONDITIONS = {"gateways": (CONNECTED, ENABLED), "destinations": (ENABLED,)}
# Help examples (argv after `gwctl`; {placeholders} are the sandbox's, shown as NAMES).
EXAMPLES = {"gateways": "sg gateways wait {gateway} --for connected --timeout 2m",
            "destinations": "sg destinations wait 'Orders DB' --gateway {gateway} --for enabled --timeout 1m"}
