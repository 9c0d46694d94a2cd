"""What `gwctl pomerium ... wait --for` can wait for (gwctl.cli.waiting runs the one wait flow)."""

from __future__ import annotations

from gwctl.cli.waiting import Condition


def _health(target):
    return target.client.cluster_health(target.id)


def _healthy(checks, value):
    if not isinstance(checks, list) or not checks:
        return False, "no health checks reported yet"
    failing = [c for c in checks if isinstance(c, dict) and c.get("status") != "success"]
    if not failing:
        return True, f"{len(checks)} health check(s) succeeded"
    return False, "; ".join(f"{c.get('description', 'check')}: {c.get('status')}" for c in failing)


def _verified(domain, value):
    if domain.get("lastError"):
        return False, f"last error: {domain['lastError']}"
    if not domain.get("expiresAt"):
        return False, "not verified yet"
    return True, f"certificate expires {domain['expiresAt']}"


def _applied(changeset, value):
    status = changeset.get("status")
    if status in ("failed", "rejected"):
        reason = changeset.get("failureMessage")
        return None, f"status {status}" + (f": {reason}" if reason else "")
    return status in ("applied", "current"), f"status {status}"


HEALTHY = Condition("healthy", "every health check of the cluster succeeds", _healthy, probe=_health)
VERIFIED = Condition("verified", "the domain is verified and has a certificate (no last error)", _verified)
APPLIED = Condition("applied", "the changeset is applied (status applied or current; failed or rejected: exit 6)",
                    _applied)

CONDITIONS = {"clusters": (HEALTHY,), "custom-domains": (VERIFIED,)}
CHANGESET_CONDITIONS = {c.name: c for c in (APPLIED,)}
# Help examples (argv after `gwctl`; {placeholders} are the sandbox's, shown as NAMES).
EXAMPLES = {"clusters": "pomerium clusters wait --for healthy --timeout 5m",
            "custom-domains": "pomerium custom-domains wait {custom_domain} --for verified --timeout 10m"}
