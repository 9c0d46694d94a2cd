"""Okta Privileged Access resources (shared/api/opa-gatekeeper.md §1): API facts and presentation.

Every path is under the profile's team; lists answer ``{"list": [...]}`` and follow RFC 5988
``Link: <...>; rel="next"`` (the client sends a page size, ``count``).
"""

from __future__ import annotations

from typing import Callable

from gwctl.columns import Column, cols
from gwctl.resources import Field, Filter, Resource

HOOKS = "gwctl.cli.opa.resource_hooks"
MODELS = "gwctl.api.opa.models"
TEAM = "/v1/teams/{team}"
# OPA IDs are UUIDs; the loose shape (any letters) also takes IDs with other letters, as some documented examples have (napa5791-...).
UUID = r"(?i)[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}"

# Which role a 403 means is missing (the client adds it as the error's hint).
RESOURCE_ADMIN_HINT = "the service user needs the resource_admin role (via its groups) in OPA"
READ_HINT = "the service user needs the resource_admin or delegated_resource_admin role in OPA"


def role_hint_for(method: str, path: str) -> str | None:
    """The role a refused call needs: reading gateways also takes delegated_resource_admin."""
    if "/service_token" in path:
        return None
    if method.upper() == "GET" and "/gateways" in path:
        return READ_HINT
    return RESOURCE_ADMIN_HINT


def not_blank(flag: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if not value.strip():
            from gwctl.errors import UsageError

            raise UsageError(f"invalid {flag}: it must not be empty")
        return value
    return check


def token_name(value: str) -> str:
    import re

    if not re.fullmatch(r"[\w\-.]{1,255}", value):
        from gwctl.errors import UsageError

        raise UsageError(f"invalid --name {value!r}: use 1 to 255 letters, digits, '-', '_' or '.'")
    return value


GATEWAYS = Resource(
    "opa", "gateways", "gateway", f"{TEAM}/gateways", id_pattern=UUID, name_fields=("name",),
    search_param="contains", paging="link", envelope="list", scope=("team",),
    verbs=("list", "get", "update", "delete"),
    update="put-merge", models={"update": f"{MODELS}:GatewayUpdate"},
    managed=("id", "last_seen", "cloud_provider"), detail_all=True,
    help="OPA gateways: list, inspect, update, status reports, delete.",
    columns=(
        Column("name", "name"),
        Column("id", "id"),
        Column("access-address", "access_address"),
        Column("default-address", "default_address"),
        Column("refuse-connections", "refuse_connections"),
        Column("last-seen", "last_seen", kind="timestamp"),
        Column("description", "description", default=False),
        Column("cloud-provider", "cloud_provider", default=False),
        Column("labels", "labels", default=False),
    ),
    fields=(Field("name", "--name", "New gateway name (1-255 characters).", transform=not_blank("--name")),
            Field("description", "--description", "New description.", short="-d"),
            Field("access_address", "--access-address", "Address clients connect to.", metavar="HOST:PORT"),
            Field("default_address", "--default-address", "The gateway's default address.", metavar="HOST"),
            Field("labels", "--label", "Label; the given set replaces all of the gateway's labels.", kind="labels",
                  short="-l"),
            Field("refuse_connections", "--refuse-connections",
                  "Refuse new connections through the gateway (--no-refuse-connections: accept them again).",
                  kind="bool")),
    filters=(Filter("contains", "--contains", "Only gateways whose name contains TEXT (server-side filter).",
                    metavar="TEXT"),
             Filter("labels", "--label", "Only gateways carrying this label (filtered by gwctl: OPA has no label "
                    "filter; --limit still applies).", kind="labels", short="-l")),
    summaries={"list": "List the team's gateways: name, ID, addresses, whether they refuse connections, last seen",
               "get": "Show a gateway's properties",
               "update": "Update a gateway (PUT, 204): the fields given change, the others are sent unchanged",
               "delete": "Delete gateways from the team; several IDs or names, or - to read them from stdin"},
    examples={"list": "opa gateways list --all", "get": "opa gateways get {gateway_id}",
              "update": "opa gateways update {gateway_id} --description 'updated from the catalogue'",
              "delete": "opa gateways delete {delete_gateway_id} --yes",
              "wait": "opa gateways wait 'Dev Gateway' --for online --timeout 2m"},
    hooks=HOOKS, extra="gwctl.cli.opa.gateways:app",
)

SETUP_TOKENS = Resource(
    "opa", "setup-tokens", "setup token", f"{TEAM}/gateway_setup_tokens", id_pattern=UUID,
    name_fields=("description", "name"), paging="link", envelope="list", scope=("team",),
    verbs=("list", "get", "create", "delete"),
    models={"create": f"{MODELS}:SetupTokenCreate"},
    managed=("id", "created_at", "token"), secrets=("token",),
    help="Gateway setup tokens: the one-time secrets gateways enrol with.",
    columns=cols("id", "description", Column("labels", "details.labels"), Column("created-at", "created_at", kind="timestamp"),
                 Column("name", "name", default=False),
                 Column("registration-type", "registration_type", default=False)),
    fields=(Field("description", "--description", "What the token is for (1-1024 characters).", short="-d",
                  required=True),
            Field("details.labels", "--label", "Label gateways enrolled with it get.", kind="labels", short="-l"),
            Field("name", "--name", "Token name (1-255 of letters, digits, '-', '_', '.').", transform=token_name)),
    summaries={"list": "List the team's gateway setup tokens (their secret values are never shown)",
               "get": "Show a setup token's metadata (use `reveal` for the secret value)",
               "create": "Create a gateway setup token (registration type gateway-agent) and print its secret once "
                         "(--out FILE: write it there, 0600, and print only metadata)",
               "delete": "Delete setup tokens (gateways already enrolled are unaffected); several IDs or "
                         "descriptions, or - to read them from stdin"},
    examples={"list": "opa setup-tokens list --all", "get": "opa setup-tokens get {setup_token_id}",
              "create": "opa setup-tokens create --description 'catalogue token' --label env=dev",
              "delete": "opa setup-tokens delete {delete_setup_token_id} --yes",
              "wait": "opa setup-tokens wait {setup_token_id} --for exists --timeout 30s"},
    hooks=HOOKS, extra="gwctl.cli.opa.setup_tokens:app",
)

RESOURCES = (GATEWAYS, SETUP_TOKENS)

# --- configuration as code (gwctl opa config): the team's setup tokens and gateways
from gwctl.resources.config_code import ConfigSpec, Kind  # noqa: E402

CONFIG = ConfigSpec("opa", (
    # A setup token's secret is returned once, by its creation (apply writes it under --secrets-out).
    Kind("setup-tokens", "description", ignore=("registration_type",), defaults={"details.labels": {}},
         mints="token"),
    # Gateways enrol themselves with a setup token: apply updates them, never creates them.
    Kind("gateways", "name", fields=("name", "description", "labels", "access_address", "default_address",
                                     "refuse_connections"),
         defaults={"refuse_connections": False}, create="enrolls itself; cannot be created", delete=False),
), scope={"team": "team"})
