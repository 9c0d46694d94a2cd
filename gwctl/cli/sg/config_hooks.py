"""Secure Gateway's hooks into configuration as code (gwctl.cli.config_code.engine).

Objects are read in the shape they are written: a gateway's and destination's `enabled` from
their status, a gateway's token_exp from its security token, a destination's endpoint from
connection_info, its IP table rules as ipRules and its uploaded CA certificates (with their
contents) as serverCert and clientCerts. Writes the API does not take in one request (enabled on
create; active, IP table rules and certificates on update) are separate calls."""

from __future__ import annotations

from typing import Any

RULE_FIELDS = ("src", "src_range", "spt", "app")


def scope(client: Any) -> dict[str, Any]:
    options = client.conn.options
    return {"region": str(options.get("region") or ""), "resource_group": str(options.get("resource_group") or "")}


def token_days(jwt: Any, expiry: Any) -> int | None:
    """The lifetime (days) a gateway's security token was issued with: exp - iat of its payload
    (no exp, or an expiry of 0: never, 0). None when it cannot be told."""
    import base64
    import json

    if expiry == 0:
        return 0
    try:
        part = str(jwt).split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError, TypeError):
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("iat"), (int, float)):
        return None
    if not isinstance(claims.get("exp"), (int, float)):
        return 0
    return round((claims["exp"] - claims["iat"]) / 86400)


def _certs(obj: dict, client: Any) -> dict:
    """The uploaded CA certificates of a destination with their contents (one download, only when it has any)."""
    names = obj.get("cert") or {}
    server, clients = names.get("server_cert"), [n for n in names.get("client_cert") or [] if n]
    wanted = ([server] if server else []) + clients
    if not wanted:
        return {}
    response = client.download_certs(obj.get("configuration"), obj.get("_id"), wanted, as_json=True)
    # PEM text with its line ends as \n: the same certificate, and a readable block in YAML documents.
    contents = {f.get("name"): str(f.get("contents") or "").replace("\r\n", "\n")
                for f in response.json() if isinstance(f, dict)}
    out: dict[str, Any] = {}
    if server:
        out["serverCert"] = {"name": server, "content": contents.get(server, "")}
    if clients:
        out["clientCerts"] = [{"name": n, "content": contents.get(n, "")} for n in clients]
    return out


def from_server(kind: Any, obj: dict, client: Any) -> dict:
    obj = {**obj, "enabled": obj.get("status") != "DISABLED"}
    if kind.noun == "gateways":
        days = token_days(obj.get("jwt"), obj.get("expiry"))
        if days is not None:
            obj["token_exp"] = days
    if kind.noun == "destinations":
        obj.update(_certs(obj, client))
        info = obj.get("connection_info") or {}
        obj.update({"ip": info.get("OnPremHost"), "port": info.get("OnPremPort"),
                    "clientPort": info.get("clientPort"), "sni": info.get("sni")})
        obj["ipRules"] = [{k: r[k] for k in RULE_FIELDS if r.get(k) not in (None, "")}
                          for r in obj.get("ip_table_rules") or [] if isinstance(r, dict)]
    return obj


def to_server(kind: Any, body: dict, current: Any, state: Any) -> dict:
    """An update of a destination's certificates also names the ones to delete (absent from the document)."""
    if kind.noun != "destinations" or current is None:
        return body
    names = current.raw.get("cert") or {}
    have = {n for n in [names.get("server_cert"), *(names.get("client_cert") or [])] if n}
    keep = {c.get("name") for c in [body.get("serverCert") or {}, *(body.get("clientCerts") or [])]
            if isinstance(c, dict)}
    if have - keep:
        body["dropCerts"] = sorted(have - keep)
    return body


def write(kind: Any, action: str, item_id: Any, body: Any, values: dict, client: Any) -> Any:
    if action == "delete":
        return NotImplemented
    from gwctl.resources import resource

    res = resource("sg", kind.noun)
    body = dict(body)
    enabled = body.pop("enabled", None)
    active = body.pop("active", None) if action == "update" else None
    rules = body.pop("ipRules", None) if action == "update" else None
    certs = {k: body.pop(k) for k in ("serverCert", "clientCerts", "dropCerts") if k in body} if action == "update" else {}
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
    if active is not None:  # billing state: its own call
        result = client.set_gateway_activity([item_id] if active else [], [] if active else [item_id])
    if rules is not None:
        gateway = values["gateway"]
        client.remove_ip_rule(gateway, item_id, None)
        if rules:
            result = client.add_ip_rule(gateway, item_id, rules)
    if certs:
        result = _write_certs(client, values["gateway"], item_id, certs) or result
    return result


def _write_certs(client: Any, gateway: str, dest: str, certs: dict) -> Any:
    """Certificates change through the cert endpoints: removed names deleted, changed ones uploaded."""
    result = None
    if certs.get("dropCerts"):
        result = client.delete_certs(gateway, dest, certs["dropCerts"])
    files = []
    if certs.get("serverCert"):
        files.append(("cert", certs["serverCert"]))
    files += [("client_cert", c) for c in certs.get("clientCerts") or []]
    if files:
        result = client.upload_certs(gateway, dest, [(field, (c["name"], c["content"].encode(), "application/x-pem-file"))
                                                     for field, c in files])
    return result
