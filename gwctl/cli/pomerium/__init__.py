"""`gwctl pomerium`: the Pomerium Zero console API, one lazily imported module per resource.

`--org ORG_ID` and `--cluster CLUSTER_ID` work on every command (and after
`pomerium`): they override the profile's defaults for that one run.
"""

from __future__ import annotations

from typing import Any

import click

from gwctl.cli.lazy import LazyGroup
from gwctl.products import PRODUCTS

PRODUCT = "pomerium"
SCOPE_KEY = "gwctl.pomerium.scope"
SCOPE_OPTIONS = {"--org": ("org", "Organization ID for this command (overrides the profile's org)."),
                 "--cluster": ("cluster", "Cluster ID for this command (overrides the profile's cluster).")}


def client():
    """The Pomerium client of this command's profile (with --org/--cluster applied)."""
    from gwctl.cli.context import get_app

    return get_app().client(PRODUCT)


def _remember(name: str):
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and not ctx.resilient_parsing:
            from gwctl.api.base import check_segment

            check_segment(value, f"{param.opts[0]} value")  # an empty --cluster is no cluster, not the default
            ctx.meta.setdefault(SCOPE_KEY, {})[name] = value
        return value

    return callback


def scope_params() -> list[click.Option]:
    return [click.Option([flag], metavar=name.upper() + "_ID", expose_value=False, callback=_remember(name), help=text)
            for flag, (name, text) in SCOPE_OPTIONS.items()]


def _apply_scope(callback):
    def run(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        scope = ctx.meta.get(SCOPE_KEY)
        if scope:
            from gwctl.cli.context import get_app

            get_app(ctx).overrides.update(scope)
        return callback(*args, **kwargs)

    run._gwctl_scoped = True  # type: ignore[attr-defined]
    run.__doc__ = callback.__doc__
    return run


def attach_scope(command: click.Command) -> click.Command:
    """Give every leaf `--org`/`--cluster` and make its callback apply them before it runs."""
    from gwctl.cli.global_options import add_to_leaves

    def wrap(leaf: click.Command) -> None:
        if leaf.callback is not None and not getattr(leaf.callback, "_gwctl_scoped", False):
            leaf.callback = _apply_scope(leaf.callback)

    return add_to_leaves(command, scope_params, wrap)


class PomeriumGroup(LazyGroup):
    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        return attach_scope(command) if command is not None else None


def _entry(module: str, help_: str) -> tuple[str, str]:
    return (f"gwctl.cli.pomerium.{module}:app", help_)


def _declared(noun: str, help_: str) -> tuple[str, ...]:
    """A resource declared in gwctl.resources.pomerium: generic verbs plus its own (Resource.extra)."""
    return ("gwctl.cli.verbs:resource_group", help_, PRODUCT, noun)


ENTRIES = {
    "organizations": _declared("organizations", "Organizations you belong to: list, get, create, update, delete."),
    "users": _declared("users", "Users of the organization, API users and their refresh tokens."),
    "invitations": _declared("invitations", "Invitations to the organization, and the ones you received."),
    "clusters": _declared("clusters", "Clusters: CRUD, replicas, health checks, logs, ping, cluster token rotation."),
    "settings": _entry("settings", "Cluster settings: get, update, JSON Patch."),
    "namespaces": _declared("namespaces", "Namespaces of the organization."),
    "routes": _declared("routes", "Routes: list, get, create, update, patch, delete, matching certificates."),
    "policies": _declared("policies", "Policies (PPL): list, get, create, update, patch, delete."),
    "key-pairs": _declared("key-pairs", "Certificates and keys: list, get, create, update, patch, delete."),
    "changesets": _entry("changesets", "Configuration changesets: list, compare, apply."),
    "service-accounts": _declared("service-accounts", "Cluster service accounts and their tokens."),
    "custom-domains": _declared("custom-domains", "Custom domains of a cluster: list, add, retry, delete."),
    "activity-logs": _entry("activity_logs", "The organization's activity log."),
    "quotas": _entry("quotas", "Show the organization's resource counts and limits."),
    "metrics": _entry("metrics", "Cluster metrics: time series and sums over a time range."),
    "templates": _entry("templates", "Default templates for routes, policies and settings."),
    "billing": _entry("billing", "Subscription, invoices, payment details, usage and billing sessions."),
    "onboarding": _entry("onboarding", "Start, configure and complete onboarding of a new organization."),
    "idp": _entry("idp", "Check identity provider settings."),
    "notifications": _entry("notifications", "Console notifications: authorize a channel subscription."),
    "version": _entry("server_version", "Show the version of the Pomerium Zero console API."),
    "config": ("gwctl.cli.config_code.commands:config_group", "Configuration as code: dump, validate, diff, "
               "apply.", "pomerium"),
    "api": ("gwctl.cli.raw_api:api_app", "Send a raw request with the profile's auth (the escape hatch).", "pomerium"),
    "operations": ("gwctl.cli.catalogue:operations_app", "List every API operation and the command that performs it.",
                   "pomerium"),
}

app = PomeriumGroup(
    name="pomerium",
    help=PRODUCTS["pomerium"].help + "\n\n--org and --cluster override the profile's defaults on any command.",
    entries=ENTRIES,
    params=scope_params(),
)
