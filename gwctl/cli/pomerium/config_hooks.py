"""Pomerium's hooks into configuration as code (gwctl.cli.config_code.engine): the cluster's
settings (one object, read and replaced whole), and the fields the console API requires on
writes of namespaced objects (sent with their defaults, as the generic verbs do)."""

from __future__ import annotations

from typing import Any


def list_objects(kind: Any, res: Any, client: Any, state: Any) -> list | None:
    if kind.noun != "settings":
        return None
    settings = client.get_settings(client.scope_value("cluster"))
    return [(settings, {})] if isinstance(settings, dict) else []


def to_server(kind: Any, body: dict, current: Any, state: Any) -> dict:
    if kind.noun == "settings":
        return {**kind.defaults, **body}
    if kind.noun not in ("routes", "policies", "key-pairs"):
        return body
    from gwctl.cli.pomerium.resource_hooks import body as required
    from gwctl.resources import resource

    if state is None:  # validate: no request, and the namespace comes from the document or the cluster
        body.setdefault("namespaceId", "namespace")
    return required(resource("pomerium", kind.noun), "create", body, {}, state.client if state else None)


def write(kind: Any, action: str, item_id: Any, body: Any, values: dict, client: Any) -> Any:
    if kind.noun != "settings":
        return NotImplemented
    return client.update_settings(client.scope_value("cluster"), body)
