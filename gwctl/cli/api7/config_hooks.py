"""API7's hooks into configuration as code (gwctl.cli.config_code.engine): the gateway-group
flag; plugin metadata, which has no list (each plugin that takes metadata is read) and is
written with a PUT to the plugin's name; secret managers, created and replaced by a PUT to
their ID (vault/NAME)."""

from __future__ import annotations

from typing import Any

import click


def options() -> list[click.Parameter]:
    from gwctl.cli.api7.resource_hooks import GATEWAY_GROUP_HELP

    return [click.Option(["--gateway-group", "-g", "gateway_group"], metavar="NAME|ID", help=GATEWAY_GROUP_HELP)]


def prepare(extra: dict[str, Any]) -> None:
    from gwctl.cli.api7.calls import use_gateway_group

    use_gateway_group(extra.get("gateway_group"))


def scope(client: Any) -> dict[str, Any]:
    return {"gateway_group": str(client.options.get("gateway_group") or "")}


def list_objects(kind: Any, res: Any, client: Any, state: Any) -> list | None:
    if kind.noun != "plugin-metadata":
        return None
    from gwctl.api.api7.client import paths
    from gwctl.errors import NotFoundError

    found = []
    for name in sorted(str(n) for n in client.items(f"{paths.plugins}/list", {"has_metadata": True})):
        try:
            item = client.read(res, name)
        except NotFoundError:
            continue
        if isinstance(item, dict):
            found.append(({**item, "id": name}, {}))
    return found


def from_server(kind: Any, obj: dict, client: Any) -> dict:
    if kind.noun == "plugin-metadata":
        return {**obj, "plugin": obj.get("id")}
    return obj


def to_server(kind: Any, body: dict, current: Any, state: Any) -> dict:
    return body


def write(kind: Any, action: str, item_id: Any, body: Any, values: dict, client: Any) -> Any:
    if kind.noun not in ("plugin-metadata", "secrets") or action == "delete":
        return NotImplemented
    from gwctl.resources import resource

    res = resource("api7", kind.noun)
    # Both are created and replaced by a PUT to their key (a plugin's name; a secret's vault/NAME).
    name = body.pop("plugin" if kind.noun == "plugin-metadata" else "id", None) or item_id
    return client.replace_item(res, name, body)
