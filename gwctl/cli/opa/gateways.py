"""`gwctl opa gateways status`: the one gateway verb of OPA's own. list/get/update/delete come from
the declaration (gwctl.resources.opa.GATEWAYS) through the generic verbs."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from gwctl.cli.opa.resource_hooks import client, lookup
from gwctl.cli.options import product_app
from gwctl.cli.render import Column, human_bytes
from gwctl.columns import format_timestamp

app = product_app("gateways", "OPA gateways: status reports.")



def _percent(report: dict[str, Any]) -> str:
    total, used = report.get("total_storage_bytes"), report.get("used_storage_bytes")
    if not isinstance(total, (int, float)) or not isinstance(used, (int, float)) or total <= 0:
        return ""
    return f"{100 * used / total:.0f}%"


STATUS_COLUMNS = (Column("gateway-id", "gateway_id"), Column("status", "status"),
                  Column("active-connections", "active_connections"),
                  Column("storage-used", "used_storage_bytes", fmt=human_bytes),
                  Column("storage-total", "total_storage_bytes", fmt=human_bytes),
                  Column("storage-used-pct", _percent, header="STORAGE_USED_%"),
                  Column("updated-at", "updated_at", kind="timestamp", fmt=lambda v: "never" if v in (None, "") else format_timestamp(v)))


@app.command("status")
def gateway_status(
    gateway: Annotated[str, typer.Argument(metavar="ID|NAME", help="Gateway ID or unique name.")],
) -> None:
    """Show a gateway's status report: state, active connections, storage used/total.

    Storage is shown in human units; -o json gives the raw report in bytes.
    Example: gwctl opa gateways status 7cdac13d-a3fe-43e8-9a41-13b15df97fc7
    """
    from gwctl.cli.render import emit

    gateway_id = lookup("gateways").resolve(gateway)
    emit(client().gateway_status(gateway_id), STATUS_COLUMNS)
