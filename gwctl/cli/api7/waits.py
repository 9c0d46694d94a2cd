"""What `gwctl api7 ... wait --for` can wait for (gwctl.cli.waiting runs the one wait flow).

Every declared resource also waits for its deletion (the generic delete condition).
"""

from __future__ import annotations

from gwctl.cli.waiting import EXISTS, PENDING, Condition


def _version(service, value):
    current = service.get("version")
    return current == value, f"version {current} published"


PUBLISHED = Condition("published", "the service is published in the gateway group", EXISTS.test, absent=PENDING)
VERSION = Condition("version", "that version of the service is published in the gateway group", _version,
                    absent=PENDING, value="VERSION")


def _instances_healthy(instances, value):
    if not instances:
        return False, "no gateway instances yet"
    others = [i for i in instances if i.get("status") != "Healthy"]
    if not others:
        return True, f"{len(instances)} instance(s) Healthy"
    return False, ", ".join(f"{i.get('hostname') or i.get('id')} {i.get('status')}" for i in others)


INSTANCES_HEALTHY = Condition("healthy", "every gateway instance (of the group, matching --search) is Healthy",
                              _instances_healthy)

CONDITIONS = {"published-services": (PUBLISHED, VERSION)}
INSTANCE_CONDITIONS = {c.name: c for c in (INSTANCES_HEALTHY,)}
# Help examples (argv after `gwctl`; {placeholders} are the sandbox's, shown as NAMES).
EXAMPLES = {"published-services": "api7 published-services wait {service_id} --gateway-group default "
                                  "--for version=1.0.0 --timeout 2m"}
