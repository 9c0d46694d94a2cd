"""API7's hooks into the generic verbs: the gateway-group scope and the server's warnings."""

from __future__ import annotations

from typing import Any

import click


def options(res: Any, verb: str) -> list[click.Parameter]:
    if "{gateway_group}" not in res.path:
        return []
    return [click.Option(["--gateway-group", "-g", "gateway_group"], metavar="NAME|ID",
                         help="Gateway group (name or ID); overrides the profile's gateway_group.")]


def prepare(res: Any, verb: str, extra: dict[str, Any]) -> dict[str, Any]:
    from gwctl.cli.api7._common import use_gateway_group

    use_gateway_group(extra.get("gateway_group"))
    return {}


def finish(res: Any, verb: str) -> None:
    from gwctl.cli.api7._common import flush_warnings

    flush_warnings()
