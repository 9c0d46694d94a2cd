"""What `gwctl opa ... wait --for` can wait for (gwctl.cli.waiting runs the one wait flow).

Setup tokens: only their deletion (the generic delete condition).
"""

from __future__ import annotations

from gwctl.cli.waiting import EXISTS, Condition, field_is


def _status_report(target):
    return target.client.gateway_status(target.id)


ONLINE = Condition("online", "its status report says ONLINE", field_is("status", "ONLINE", "status"),
                   probe=_status_report)

CONDITIONS = {"gateways": (EXISTS, ONLINE)}
# Help examples (argv after `gwctl`; {placeholders} are the sandbox's, shown as NAMES).
EXAMPLES = {"gateways": "opa gateways wait 'Dev Gateway' --for online --timeout 2m",
            "setup-tokens": "opa setup-tokens wait {setup_token_id} --for exists --timeout 30s"}
