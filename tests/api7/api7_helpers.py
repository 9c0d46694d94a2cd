"""Shared bits of the api7 tests."""

from gwctl.sandbox.api7 import (  # noqa: F401
    CI_API_KEY, CONSUMER_ALICE, GG_DEFAULT, GG_STAGING, GLOBAL_RULE, REGISTRY_K8S, REGISTRY_NACOS, ROUTE_IP, RV_IP_1,
    SANDBOX_API_KEY, SSL_EXAMPLE, SV_HTTPBIN_1, SVC_HTTPBIN, SVC_PETSTORE, TOKEN_CI, ADMIN_USER, ADMIN_PASSWORD,
)


def paths_seen(emulator):
    return [f"{r.method} {r.path}" for r in emulator.requests]
