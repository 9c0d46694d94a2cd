"""Secure Gateway's hooks into configuration as code (gwctl.cli.config_code.engine).

Objects are read in the shape they are written: a gateway's and destination's `enabled` from
their status, a destination's endpoint from connection_info and its IP table rules as ipRules.
Writes the API does not take in one request (enabled on create, IP table rules on update) are
separate calls."""

from __future__ import annotations

from typing import Any

RULE_FIELDS = ("src", "src_range", "spt", "app")


def scope(client: Any) -> dict[str, Any]:
    options = client.conn.options
    return {"region": str(options.get("region") or ""), "resource_group": str(options.get("resource_group") or "")}


def from_server(kind: Any, obj: dict, client: Any) -> dict:
    obj = {**obj, "enabled": obj.get("status") != "DISABLED"}
    if kind.noun == "destinations":
        info = obj.get("connection_info") or {}
        obj.update({"ip": info.get("OnPremHost"), "port": info.get("OnPremPort"),
                    "clientPort": info.get("clientPort"), "sni": info.get("sni")})
        obj["ipRules"] = [{k: r[k] for k in RULE_FIELDS if r.get(k) not in (None, "")}
                          for r in obj.get("ip_table_rules") or [] if isinstance(r, dict)]
    return obj


def write(kind: Any, action: str, item_id: Any, body: Any, values: dict, client: Any) -> Any:
    if action == "delete":
        return NotImplemented
    from gwctl.resources import resource

    res = resource("sg", kind.noun)
    body = dict(body)
    enabled = body.pop("enabled", None)
    rules = body.pop("ipRules", None) if action == "update" else None
    result: Any = None
    if action == "create":
        if kind.noun == "destinations" and not body.get("ipRules"):
            body.pop("ipRules", None)
        result = client.create_item(res, body, **values)
        item_id = result.get("_id") if isinstance(result, dict) else None
        if enabled is False and item_id:
            client.patch_item(res, item_id, {"enabled": False}, **values)
        return result
    if enabled is not None:
        body["enabled"] = enabled
    if body:
        result = client.patch_item(res, item_id, body, **values)
    if rules is not None:
        gateway = values["gateway"]
        client.remove_ip_rule(gateway, item_id, None)
        if rules:
            result = client.add_ip_rule(gateway, item_id, rules)
    return result
