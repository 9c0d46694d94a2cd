"""API7's hooks into the generic verbs: the gateway-group scope, verb flags that become query
parameters (services patch --dry-run, plugin-metadata get --default-if-unset), list filters
the server spells its own way, secrets learned for redaction, and the server's warnings."""

from __future__ import annotations

from typing import Any

import click

GATEWAY_GROUP_HELP = "Gateway group (name or ID); overrides the profile's gateway_group."
# (noun, verb) -> (option, query parameters it sends when given)
QUERY_FLAGS: dict[tuple[str, str], tuple[click.Option, dict[str, str]]] = {}


def _query_flag(noun: str, verb: str, decl: str, dest: str, help_: str, query: dict[str, str]) -> None:
    QUERY_FLAGS[(noun, verb)] = (click.Option([decl, dest], is_flag=True, help=help_), query)


_query_flag("services", "patch", "--dry-run", "dry_run", "Ask the server to validate only (dry-run=all).",
            {"dry-run": "all"})
_query_flag("plugin-metadata", "get", "--default-if-unset", "return_default",
            "Return the default when none is stored (return_default).", {"return_default": "true"})


def options(res: Any, verb: str) -> list[click.Parameter]:
    params: list[click.Parameter] = []
    if "gateway_group" in res.scope:
        params.append(click.Option(["--gateway-group", "-g", "gateway_group"], metavar="NAME|ID",
                                   help=GATEWAY_GROUP_HELP))
    flag = QUERY_FLAGS.get((res.noun, verb))
    if flag:
        params.append(flag[0])
    return params


def prepare(res: Any, verb: str, extra: dict[str, Any]) -> dict[str, Any]:
    from gwctl.cli.api7.calls import use_gateway_group

    use_gateway_group(extra.get("gateway_group"))
    flag = QUERY_FLAGS.get((res.noun, verb))
    if flag and extra.get(flag[0].name):
        return {"query": dict(flag[1])}
    return {}


def list_params(res: Any, params: dict[str, Any], extra: dict[str, Any], client: Any) -> dict[str, Any]:
    if res.noun == "services" and params.get("gateway_group_id"):
        # --published-in: the 3.2.11 list filter; 3.2.13 and later list templates only and has no such filter.
        group = client.resolve_gateway_group(str(params.pop("gateway_group_id")))
        if client.family == "3.2.11":
            params["gateway_group_id"] = group
    if res.noun == "published-services" and params.get("unhealthy_nodes") is not None:
        params["unhealthy_nodes"] = "unhealthy_nodes_exists" if params["unhealthy_nodes"] else "no_unhealthy_nodes"
    return params


def body(res: Any, verb: str, body: dict[str, Any], extra: dict[str, Any], client: Any) -> dict[str, Any]:
    """Secrets given on the command line are registered with the redactor before anything is sent."""
    plugins = body.get("plugins") if isinstance(body.get("plugins"), dict) else {}
    client.learn((plugins.get("key-auth") or {}).get("key") if isinstance(plugins.get("key-auth"), dict) else None,
                 (plugins.get("basic-auth") or {}).get("password")
                 if isinstance(plugins.get("basic-auth"), dict) else None)
    if res.noun == "ssls" and isinstance(body.get("key"), str):
        client.learn(body["key"].strip())
    return body


def finish(res: Any, verb: str) -> None:
    from gwctl.cli.api7.calls import flush_warnings

    flush_warnings()
