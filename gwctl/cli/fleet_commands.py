"""Which commands run across several profiles (`-p 'prod-*'`, `-p a,b`, `--all-profiles`).
Imports nothing heavy: every leaf's wrapper (gwctl.cli.fleet_select) reads it.

Only reads and rotations fan out: a write or a delete across profiles picked by a pattern is one
typo away from an outage, so those commands refuse a selection of several profiles (exit 2).
"""

from __future__ import annotations

from typing import Any

import click


GLOB_CHARS = frozenset("*?[")
PLACEHOLDER = "{profile}"

# Commands that only read, by their verb (the leaf's name), in every product.
READ_VERBS = frozenset({
    "list", "get", "status", "show", "wait", "reveal", "version", "count", "health", "replicas", "certificates",
    "quotas", "series", "sum", "distribution", "distribution-sum", "subscription", "me", "mine", "published",
    "versions", "types", "schema", "catalog", "usage", "connected-services", "health-history", "internal-services",
    "nacos-groups", "nacos-metadata", "nacos-namespaces", "nacos-services", "routes", "route", "cores",
    "cores-usage", "core", "plugins", "label-impact", "system-info", "triggers", "refers", "event-types", "recent",
    "logs", "installers", "stats", "dump", "diff", "compare", "default", "runtime-config",
})
# Commands that replace a secret through the one rotation flow (gwctl.cli.rotation), by their path.
ROTATIONS = frozenset({
    "opa setup-tokens rotate", "pomerium users renew-token", "api7 tokens regenerate", "sg gateways rotate-token",
})
# Reads whose verb says otherwise, or commands that take no profile.
NOT_FLEET = frozenset({"operations", "api"})


def requested(raw: dict[str, Any]) -> bool:
    """True when the global options select profiles by a list, a pattern or --all-profiles."""
    if raw.get("all_profiles"):
        return True
    value = raw.get("profile")
    return bool(value) and ("," in value or any(c in GLOB_CHARS for c in value))


def command_words(ctx: click.Context) -> list[str]:
    """The command's path without `gwctl`: ["opa", "gateways", "list"]."""
    words = []
    while ctx.parent is not None:
        words.append(ctx.info_name or ctx.command.name or "")
        ctx = ctx.parent
    return words[::-1]


def fleet_kind(words: list[str]) -> str | None:
    """"read", "rotation" or None (refused) for a product command's path."""
    from gwctl.products import PRODUCTS

    if len(words) < 2 or words[0] not in PRODUCTS or any(w in NOT_FLEET for w in words[1:2]):
        return None
    if " ".join(words) in ROTATIONS:
        return "rotation"
    if words[-1] in READ_VERBS:
        return "read"
    return None
