"""What `gwctl api7` commands share: the client and its gateway-group scope, list queries,
server warnings, request bodies validated by the write models, overridable paths, passwords."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from gwctl.cli.context import get_app
from gwctl.cli.input import limit_of, parse_labels, read_body_file, validate_body
from gwctl.cli.render import Column, emit
from gwctl.errors import UsageError

PRODUCT = "api7"

def client():
    return get_app().client(PRODUCT)


def use_gateway_group(value: Optional[str]) -> None:
    """Apply --gateway-group before the client is built."""
    if value is not None:
        from gwctl.api.base import check_segment

        check_segment(value, "--gateway-group value", slash=True)
    if value:
        app = get_app()
        app.overrides["gateway_group"] = value
        built = app._clients.get(PRODUCT)
        if built is not None:  # the client may exist already (e.g. `client().patch(path(gg_id(...)))`)
            built.options["gateway_group"] = value


def gg_id(value: Optional[str] = None) -> str:
    use_gateway_group(value)
    return client().gateway_group_id()


def resolve(res: Any, ref: str, gateway_group: Optional[str] = None) -> str:
    """The ID of a declared resource's item named by ID or name (empty, `.`, `..`, ambiguous: exit 2)."""
    from gwctl.cli.lookup import Lookup

    use_gateway_group(gateway_group)
    return Lookup(client(), res).resolve(ref)


def item_path(res: Any, ref: str, *rest: str, gateway_group: Optional[str] = None) -> str:
    """The path of a declared resource's item named by ID or name, then REST, every part a checked segment."""
    from gwctl.api.base import seg

    item = client().resource_path(res, resolve(res, ref, gateway_group))
    return "/".join([item, *(seg(r) for r in rest)])


def list_params(search: Optional[str] = None, label: Optional[Sequence[str]] = None, order_by: Optional[str] = None,
                direction: Optional[str] = None, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = dict(extra)
    if direction is not None:
        if direction.lower() not in ("asc", "desc"):
            raise UsageError(f"invalid --direction {direction!r}: choose asc or desc")
        params["direction"] = direction.lower()
    if order_by:
        params["order_by"] = order_by
    if search:
        params["search"] = search
    for key, value in parse_labels(label).items():
        params[f"labels[{key}]"] = value
    return params


def flush_warnings() -> None:
    app = get_app()
    api = app._clients.get(PRODUCT)
    for warning in getattr(api, "warnings", ()) or ():
        app.warn(warning)
    if api is not None:
        api.warnings.clear()


def show(value: Any, columns: Sequence[Column] | None = None) -> None:
    flush_warnings()
    emit(value, columns)


def show_pages(pages, columns: Sequence[Column] | None = None) -> None:
    emit(pages, columns)
    flush_warnings()


_CU = ("created_at", "updated_at")
# Query enums of the vendor spec's list operations (path regex, parameter, values, flag), checked
# before any request so a typo is a usage error (exit 2), not a 400 from the server.
QUERY_ENUMS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (r"/apisix/admin/services|/api/services/template", "order_by", (*_CU, "last_published"), "--order-by"),
    (r"/apisix/admin/(routes|ssls|consumers|global_rules|secrets)|/api/routes/template", "order_by", _CU, "--order-by"),
    (r"/api/instances", "order_by", ("created_at", "last_heartbeat_time"), "--order-by"),
    (r"/api/(users|roles|login_options|gateway_groups|alert/policies|alert/webhook_templates|alert/policies/histories)",
     "order_by", _CU, "--order-by"),
    (r"/api/audit_logs", "order_by", ("event_time",), "--order-by"),
    (r"/api/settings/tokens|/api/tokens", "order_by", (*_CU, "expires_at"), "--order-by"),
    (r"/api/gateway_groups/[^/]+/services", "order_by", (*_CU, "publish_time"), "--order-by"),
    (r"/api/gateway_groups/[^/]+/services", "runtime_type", ("normal", "canary"), "--runtime-type"),
    (r"/api/gateway_groups/[^/]+/services/[^/]+/versions", "order_by", ("publish_time",), "--order-by"),
    (r"/api/gateway_groups/[^/]+/permitted_users|/api/services/[^/]+/permitted_users", "order_by", _CU, "--order-by"),
    (r"/api/gateway_groups/[^/]+/service_registries", "order_by", (*_CU, "last_connect_time"), "--order-by"),
    (r"/api/gateway_groups/[^/]+/service_registries/[^/]+/connected_services", "order_by", (*_CU, "publish_time"),
     "--order-by"),
    (r"/api/gateway_groups/[^/]+/service_registries/[^/]+/health_check_history", "order_by", ("connect_time",),
     "--order-by"),
    (r"/api/gateway_groups/[^/]+/service_registries/[^/]+/health_check_history", "status",
     ("healthy", "lost_connection"), "--status"),
    (r"/api/service_versions/[^/]+/routes", "order_by", _CU, "--order-by"),
)


def check_query_enums(path: str, params: dict | None) -> None:
    """Reject a query value outside the spec's enum for this list path (UsageError naming the flag)."""
    import re

    for pattern, name, choices, flag in QUERY_ENUMS:
        if not params or params.get(name) is None or not re.fullmatch(pattern, path):
            continue
        values = params[name] if isinstance(params[name], (list, tuple)) else [params[name]]
        for value in values:
            if value not in choices:
                raise UsageError(f"invalid {flag} {value!r}: choose {', '.join(choices)}")


def show_list(path: str, columns: Sequence[Column], params: dict | None, limit: int, all_: bool) -> None:
    check_query_enums(path, params)
    show_pages(client().pages(path, params, limit_of(limit, all_)), columns)


def plugins_of(values: Optional[Sequence[str]]) -> dict[str, Any] | None:
    from gwctl.resources.values import parse_plugins

    return parse_plugins(values) if values else None


NOT_READ = object()


def build_body(model_name: str, from_file: Optional[str], fields: dict[str, Any], base: dict | None = None,
               loaded: Any = NOT_READ) -> dict:
    """--from-file merged with flags (flags win), validated by models.<model_name> before any request.
    ``loaded``: the file as read_body_file already read it (a command that must look names up on the
    server reads its file first, so a bad file sends nothing)."""
    from gwctl.api.api7 import models

    body = dict(base or {})
    loaded = read_body_file(from_file) if loaded is NOT_READ else loaded
    if loaded is not None:
        if not isinstance(loaded, dict):
            raise UsageError(f"--from-file: expected an object, got {type(loaded).__name__}")
        body.update(loaded)
    body.update({k: v for k, v in fields.items() if v is not None})
    # With flags only, `base` is the object as the server has it (PUT replaces it whole): say so, since
    # a field the flags did not touch may be the one the vendor's schema refuses.
    flag = "--from-file" if from_file else ("body (what the server returned, changed by the flags)"
                                            if base else "flags")
    return validate_body(getattr(models, model_name), body, flag)


def show_items(items: Any, columns: Sequence[Column] | None, limit: int, all_: bool) -> None:
    """An unpaged list answer, cut to --limit client-side."""
    flush_warnings()
    if isinstance(items, list):
        cap = limit_of(limit, all_)
        items = items if cap is None else items[:cap]
    emit(items, columns)


def override_path(default: str, path: Optional[str], **values: str) -> str:
    """The path of an operation where dashboards differ: --path wins; placeholders filled in."""
    from gwctl.api.base import seg

    template = path or default
    if not template.startswith("/"):
        raise UsageError(f"invalid --path {path!r}: must start with /")
    return template.format(**{k: seg(v) for k, v in values.items()}) if values else template


def read_secret_input(what: str, from_stdin: bool, *, confirm_new: bool = False, stdin_lines: list[str] | None = None) -> str:
    """A password from stdin (one line) or a hidden TTY prompt; never from a flag."""
    import sys

    if from_stdin:
        line = stdin_lines.pop(0) if stdin_lines else sys.stdin.readline()
        value = line.rstrip("\r\n")
        if not value:
            raise UsageError(f"{what}: stdin was empty")
        return value
    app = get_app()
    if not app.can_prompt:
        raise UsageError(f"no terminal to prompt for the {what}: pass it on stdin with --password-stdin")
    import click

    value = click.prompt(what[:1].upper() + what[1:], hide_input=True, confirmation_prompt=confirm_new, err=True)
    if not value:
        raise UsageError(f"{what}: empty")
    return value
