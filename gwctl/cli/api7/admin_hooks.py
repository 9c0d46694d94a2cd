"""API7 administration resources' hooks into the generic verbs (gwctl.resources.api7_admin):
`tokens create --out` (the new token is printed once or written 0600), login-option secrets
learned for redaction and the name the vendor's PATCH requires, `api-products delete --path`, and the
server's warnings."""

from __future__ import annotations

from typing import Any

import click


PATH_HELP = "Use this API path instead (dashboards differ here; {id} is filled in)."


def _portal_help() -> str:
    from gwctl.resources.api7_admin import PORTAL_ID

    return f"The developer portal the product belongs to (API7 Enterprise {PORTAL_ID['since']} and later)."


def options(res: Any, verb: str) -> list[click.Parameter]:
    if res.noun == "api-products":
        portal = [click.Option(["--portal-id", "portal_id"], metavar="PORTAL_ID", help=_portal_help())]
        if verb == "delete":
            return [click.Option(["--path", "path"], metavar="PATH", help=PATH_HELP), *portal]
        return portal
    if res.noun == "tokens" and verb == "create":
        from pathlib import Path

        return [click.Option(["--out", "out"], type=click.Path(path_type=Path), metavar="FILE",
                             help="Write the token to FILE (0600, atomic) and print only metadata.")]
    return []


def _product_path(extra: dict[str, Any], item_id: str) -> str:
    from gwctl.api.api7.client import paths
    from gwctl.cli.api7.calls import override_path

    return override_path(paths.guessed["api_product_delete"], extra.get("path"), id=item_id)


def prepare(res: Any, verb: str, extra: dict[str, Any]) -> dict[str, Any]:
    if extra.get("path"):
        _product_path(extra, "x")  # a bad --path is refused before any request
    from gwctl.cli.secret_output import check_out

    check_out(extra.get("out"))  # before the token is minted
    portal = extra.get("portal_id")
    if portal is None:
        return {}
    if not str(portal).strip():
        from gwctl.errors import UsageError

        raise UsageError("invalid --portal-id: must not be empty")
    _require_portal_id(res, verb)
    return {"query": {"portal_id": portal}}


def _require_portal_id(res: Any, verb: str) -> None:
    """--portal-id: the operation itself, then its portal_id parameter, must be in the server's version."""
    from gwctl.cli.context import get_app
    from gwctl.cli.verbs import verb_call
    from gwctl.cli.versions import require
    from gwctl.resources.api7_admin import PORTAL_ID

    client = get_app().client("api7")
    require(client, " ".join(verb_call(res, verb)), res.versions_of(verb))
    require(client, "the portal_id parameter (--portal-id)", PORTAL_ID)


def list_params(res: Any, params: dict[str, Any], extra: dict[str, Any], client: Any) -> dict[str, Any]:
    if res.noun == "api-products" and extra.get("portal_id"):
        params["portal_id"] = extra["portal_id"]
    return params


def body(res: Any, verb: str, body: dict[str, Any], extra: dict[str, Any], client: Any) -> dict[str, Any]:
    if res.noun == "tokens" and verb == "update":  # a rename: the PUT takes the name only (not the expiry)
        return {k: v for k, v in body.items() if k == "name"}
    if res.noun == "login-options":
        from gwctl.resources.api7_admin import LOGIN_CONFIG_KEYS, LOGIN_SECRET_KEYS

        configs = [body.get(k) for k in LOGIN_CONFIG_KEYS if isinstance(body.get(k), dict)]
        client.learn(*[conf.get(s) for conf in configs for s in LOGIN_SECRET_KEYS])
        if verb == "patch" and "name" not in body:  # the vendor's PATCH schema requires name: send the current one
            from gwctl.cli.lookup import Lookup

            item_id = Lookup(client, res).resolve(click.get_current_context().params["ref"])
            body = {"name": (client.read(res, item_id) or {}).get("name"), **body}
    return body


def result(res: Any, verb: str, item: Any, extra: dict[str, Any], client: Any) -> bool:
    if res.noun == "tokens" and verb == "create" and isinstance(item, dict):
        from gwctl.cli.secret_output import emit_secret
        from gwctl.cli.render import Column

        client.learn(item.get("token"))
        emit_secret(item, "token", extra.get("out"), (*res.columns, Column("token", "token")), label="token")
        return True
    return False


def delete_all(res: Any, ids: list[str], extra: dict[str, Any], client: Any, values: dict[str, Any]) -> bool:
    """api-products delete --path: the operator's path (dashboards differ here)."""
    if not extra.get("path"):
        return False
    from gwctl.cli.flows import run_bulk

    run_bulk(ids, lambda item_id: client.remove(_product_path(extra, item_id)), verb="deleted", noun=res.singular,
             concurrency=click.get_current_context().params.get("concurrency") or 4)
    return True


def finish(res: Any, verb: str) -> None:
    from gwctl.cli.api7.calls import flush_warnings

    flush_warnings()
