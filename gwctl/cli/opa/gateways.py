"""`gwctl opa gateways`: the team's gateways, their status reports, updates and removal."""

from __future__ import annotations

from typing import Annotated, Any, List, Optional

import typer

from gwctl.cli.options import (
    DEFAULT_LIMIT,
    AllOpt,
    ConcurrencyOpt,
    FromFileOpt,
    IdsArg,
    LabelOpt,
    LimitOpt,
    YesOpt,
    product_app,
)
from gwctl.cli.context import get_app
from gwctl.cli.opa._shared import (
    READ_HINT, RESOURCE_ADMIN_HINT, Listing, client, file_object, resolve_listed, resolve_many, role_hint,
)
from gwctl.cli.render import Column, human_bytes
from gwctl.cli.flows import confirm, run_bulk
from gwctl.cli.input import limit_of, parse_labels, read_ids
from gwctl.errors import UsageError

app = product_app("gateways", "OPA gateways: list, inspect, update, status reports, delete.")

GATEWAY_COLUMNS = (
    Column("name", "name"),
    Column("id", "id"),
    Column("access-address", "access_address"),
    Column("default-address", "default_address"),
    Column("refuse-connections", "refuse_connections"),
    Column("last-seen", "last_seen"),
    Column("description", "description", default=False),
    Column("cloud-provider", "cloud_provider", default=False),
    Column("labels", "labels", default=False),
)
GATEWAY_DETAIL_COLUMNS = tuple(Column(c.name, c.path, header=c.header) for c in GATEWAY_COLUMNS)
GO_ZERO_TIME = "0001-01-01T00:00:00Z"


def _percent(report: dict[str, Any]) -> str:
    total, used = report.get("total_storage_bytes"), report.get("used_storage_bytes")
    if not isinstance(total, (int, float)) or not isinstance(used, (int, float)) or total <= 0:
        return ""
    return f"{100 * used / total:.0f}%"


STATUS_COLUMNS = (
    Column("gateway-id", "gateway_id"),
    Column("status", "status"),
    Column("active-connections", "active_connections"),
    Column("storage-used", "used_storage_bytes", fmt=human_bytes),
    Column("storage-total", "total_storage_bytes", fmt=human_bytes),
    Column("storage-used-pct", _percent, header="STORAGE_USED_%"),
    Column("updated-at", "updated_at", fmt=lambda v: "never" if v in (None, "", GO_ZERO_TIME) else str(v)),
)
UPDATE_FLAGS = "--name, --description, --access-address, --default-address, --label or --from-file"


def resolve_gateway(ref: str, listing: Optional[Listing] = None) -> str:
    """A gateway's ID from its ID or its unique name."""
    return resolve_listed(ref, "gateway", client().list_gateways, ("name",), READ_HINT, listing)


@app.command("list")
def list_gateways(
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
    label: LabelOpt = None,
    contains: Annotated[Optional[str], typer.Option("--contains", metavar="TEXT", help="Only gateways whose name contains TEXT (server-side filter).")] = None,
) -> None:
    """List the team's gateways: name, ID, addresses, whether they refuse connections, last seen.

    --label k=v (repeatable) keeps gateways carrying all those labels (filtered by gwctl:
    OPA has no label filter), still stopping at --limit.
    Example: gwctl opa gateways list --label env=prod --all
    """
    from gwctl.api.paging import truncate
    from gwctl.cli.render import emit

    wanted = parse_labels(label)
    limit_n = limit_of(limit, all_)
    api = client()
    if wanted:
        pages = api.list_gateways(None, contains)
        filtered = ([g for g in page if _has_labels(g, wanted)] for page in pages)
        pages = truncate(filtered, limit_n)
    else:
        pages = api.list_gateways(limit_n, contains)
    with role_hint(READ_HINT):
        emit(pages, GATEWAY_COLUMNS)


def _has_labels(gateway: dict[str, Any], wanted: dict[str, str]) -> bool:
    labels = gateway.get("labels") or {}
    return isinstance(labels, dict) and all(labels.get(k) == v for k, v in wanted.items())


@app.command("get")
def get_gateway(
    gateway: Annotated[str, typer.Argument(metavar="ID|NAME", help="Gateway ID or unique name.")],
) -> None:
    """Show a gateway's properties.

    Example: gwctl opa gateways get "Dev Gateway"
    """
    from gwctl.cli.render import emit

    gateway_id = resolve_gateway(gateway)
    with role_hint(READ_HINT):
        emit(client().get_gateway(gateway_id), GATEWAY_DETAIL_COLUMNS)


@app.command("status")
def gateway_status(
    gateway: Annotated[str, typer.Argument(metavar="ID|NAME", help="Gateway ID or unique name.")],
) -> None:
    """Show a gateway's status report: state, active connections, storage used/total.

    Storage is shown in human units; -o json gives the raw report in bytes.
    Example: gwctl opa gateways status 7cdac13d-a3fe-43e8-9a41-13b15df97fc7
    """
    from gwctl.cli.render import emit

    gateway_id = resolve_gateway(gateway)
    with role_hint(READ_HINT):
        emit(client().gateway_status(gateway_id), STATUS_COLUMNS)


@app.command("update")
def update_gateway(
    gateway: Annotated[str, typer.Argument(metavar="ID|NAME", help="Gateway ID or unique name.")],
    name: Annotated[Optional[str], typer.Option("--name", help="New gateway name (1-255 characters).")] = None,
    description: Annotated[Optional[str], typer.Option("--description", "-d", help="New description.")] = None,
    access_address: Annotated[Optional[str], typer.Option("--access-address", metavar="HOST:PORT", help="Address clients connect to.")] = None,
    default_address: Annotated[Optional[str], typer.Option("--default-address", metavar="HOST", help="The gateway's default address.")] = None,
    label: Annotated[Optional[List[str]], typer.Option("--label", "-l", metavar="KEY=VALUE", help="Label (repeatable); the given set replaces all of the gateway's labels.")] = None,
    from_file: FromFileOpt = None,
) -> None:
    """Update a gateway (PUT, 204): the fields given change, the others are sent unchanged.

    --from-file takes a JSON/YAML body (name, description, access_address,
    default_address, labels, refuse_connections); flags override its fields.
    Example: gwctl opa gateways update "Dev Gateway" --access-address 10.0.0.5:7234 -l env=dev
    """
    from gwctl.api.opa.models import GatewayUpdate
    from gwctl.cli.render import emit
    from gwctl.cli.input import validate_body

    labels = parse_labels(label)
    changes = file_object(from_file)
    for key, value, flag in (("name", name, "--name"), ("description", description, "--description"),
                             ("access_address", access_address, "--access-address"),
                             ("default_address", default_address, "--default-address")):
        if value is not None:
            if key == "name" and not value.strip():
                raise UsageError("invalid --name: it must not be empty")
            changes[key] = value
    if label:
        changes["labels"] = labels
    if not changes:
        raise UsageError(f"nothing to update: give at least one of {UPDATE_FLAGS}")
    changes = validate_body(GatewayUpdate, changes, "--from-file" if from_file else "input")
    gateway_id = resolve_gateway(gateway)
    api = client()
    with role_hint(RESOURCE_ADMIN_HINT):
        current = api.get_gateway(gateway_id)
        body = {key: current.get(key) for key in ("name", "description", "access_address", "default_address", "labels")}
        body.update(changes)
        api.update_gateway(gateway_id, {k: v for k, v in body.items() if v is not None})
        get_app().err(f"updated gateway {gateway_id}")
        emit(api.get_gateway(gateway_id), GATEWAY_DETAIL_COLUMNS)


@app.command("delete")
def delete_gateways(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete gateways from the team by ID (or unique name).

    Example: gwctl opa gateways delete 5e8c2f4a-7b1d-4e3f-a6c9-0d2e4f6a8b1c --yes
    """
    gateway_ids = resolve_many(read_ids(ids), resolve_gateway)
    confirm(f"Delete {len(gateway_ids)} gateway(s): {', '.join(gateway_ids)}?", yes)
    api = client()
    with role_hint(RESOURCE_ADMIN_HINT):
        run_bulk(gateway_ids, api.delete_gateway, verb="deleted", noun="gateway", concurrency=concurrency)
