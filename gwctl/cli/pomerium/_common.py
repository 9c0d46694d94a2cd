"""Helpers shared by the `gwctl pomerium` resource modules (no httpx or pydantic at import)."""

from __future__ import annotations

import json
import re
import time
from typing import Annotated, Any, Callable, List, Optional, Sequence

import typer

from gwctl.cli.options import product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.cli.input import read_body_file, validate_body
from gwctl.errors import UsageError

PRODUCT = "pomerium"

NamespaceOpt = Annotated[Optional[str], typer.Option(
    "--namespace", metavar="NAMESPACE_ID",
    help="Namespace ID (default: the cluster's namespace; without a cluster, the organization's root namespace).")]
DescendantsOpt = Annotated[Optional[bool], typer.Option(
    "--include-descendants/--no-include-descendants",
    help="Include resources of descendant namespaces (default: on when listing the root namespace).")]
OrderByOpt = Annotated[Optional[List[str]], typer.Option(
    "--order-by", metavar="FIELD[,-FIELD]", help="Sort by these fields; prefix - for descending (repeatable).")]
FilterOpt = Annotated[Optional[str], typer.Option(
    "--filter", metavar="JSON",
    help='Server-side filter, e.g. \'{"items":[{"field":"name","operator":"contains","value":"web"}]}\'.')]
FromOpt = Annotated[Optional[str], typer.Option(
    "--from", metavar="TIME", help="Start of the time range: RFC 3339, or an age like 24h, 7d (default: 24h ago).")]
ToOpt = Annotated[Optional[str], typer.Option(
    "--to", metavar="TIME", help="End of the time range: RFC 3339, an age like 1h, or now (default: now).")]


def resource_app(name: str, help_: str) -> typer.Typer:
    return product_app(name, help_)


def client():
    return get_app().client(PRODUCT)


def fmt_time(value: Any) -> str:
    return "" if not value else str(value)


def names(items: Any) -> str:
    return ",".join(str(i.get("name", i.get("id", ""))) for i in items or [] if isinstance(i, dict))


def check_choice(value: Optional[str], choices: Sequence[Any], flag: str) -> Optional[str]:
    if value is not None and value not in [str(c) for c in choices]:
        raise UsageError(f"invalid {flag} {value!r}: choose from {', '.join(map(str, choices))}")
    return value


def merged_body(from_file: Optional[str], flags: dict[str, Any], strip: Sequence[str] = ()) -> dict[str, Any]:
    """--from-file (minus read-only fields) with the given flags on top."""
    body: dict[str, Any] = {}
    if from_file is not None:
        loaded = read_body_file(from_file)
        if not isinstance(loaded, dict):
            raise UsageError(f"invalid --from-file: expected an object, got {type(loaded).__name__}")
        body = {k: v for k, v in loaded.items() if k not in strip}
    body.update({k: v for k, v in flags.items() if v is not None})
    return body


def body_from(model: Any, from_file: Optional[str], flags: dict[str, Any], *, flag_names: dict[str, str] | None = None,
              strip: Sequence[str] = (), placeholders: dict[str, Any] | None = None) -> dict[str, Any]:
    """The request body: --from-file with flags on top, validated by ``model`` before anything
    is sent. Errors name the flag when a flag supplied the field. ``placeholders`` fill
    fields that will be resolved later (e.g. from the cluster) only for validation."""
    body = merged_body(from_file, flags, strip)
    missing = {k: v for k, v in (placeholders or {}).items() if body.get(k) in (None, "")}
    result = validate(model, {**body, **missing}, "--from-file" if from_file is not None else "options",
                      flag_names or {}, {k for k, v in flags.items() if v is not None})
    for key in missing:
        result.pop(key, None)
    return result


def split_unknown(model: Any, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields the write model knows, fields it does not) of ``data``."""
    keys = set(model.model_fields) | {info.alias for info in model.model_fields.values() if info.alias}
    return ({k: v for k, v in data.items() if k in keys}, {k: v for k, v in data.items() if k not in keys})


def update_body(model: Any, from_file: Optional[str], flags: dict[str, Any], fetch: Callable[[], dict], *,
                flag_names: dict[str, str], strip: Sequence[str]) -> dict[str, Any]:
    """The body of a full-replace PUT: --from-file (flags on top), or the current object with
    the flags on top. Everything gwctl models is validated before any request. Fields it does
    not model (a newer API's) are kept when the server's current object has them, so a
    flags-only update and a `get` -> edit -> `update --from-file` round trip do not drop or
    choke on them; an unknown field the server does not have (a typo) is still refused."""
    given = {k: v for k, v in flags.items() if v is not None}
    if from_file is not None:
        known, unknown = split_unknown(model, merged_body(from_file, flags, strip))
        result = validate(model, known, "--from-file", flag_names, set(given))
        if unknown:
            current = fetch()
            typos = [k for k in unknown if not isinstance(current, dict) or k not in current]
            if typos:
                more = f" (and {len(typos) - 1} more)" if len(typos) > 1 else ""
                raise UsageError(f"invalid --from-file: field '{typos[0]}': Extra inputs are not permitted{more}")
        return {**result, **unknown}
    current = {k: v for k, v in fetch().items() if k not in strip}
    known, unknown = split_unknown(model, current)
    result = validate(model, {**known, **given}, "options", flag_names, set(given))
    return {**result, **unknown}


def validate(model: Any, body: Any, source: str, flag_names: dict[str, str], from_flags: set[str] = frozenset()) -> dict:
    return validate_body(model, body, source, flag_names, from_flags)


def parse_json_option(value: Optional[str], flag: str) -> Any:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        pass
    import yaml

    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        raise UsageError(f"invalid {flag}: neither JSON nor YAML") from None


def filter_param(value: Optional[str], kind: str) -> Optional[dict]:
    """--filter JSON, validated (shape, operator and field) before any request."""
    if value is None:
        return None
    from gwctl.api.pomerium import FILTER_FIELDS
    from gwctl.api.pomerium.models import Filter

    data = parse_json_option(value, "--filter")
    if isinstance(data, list):
        data = {"items": data}
    if not isinstance(data, dict):
        raise UsageError("invalid --filter: expected a JSON object with items")
    body = validate(Filter, data, "--filter", {})
    allowed = FILTER_FIELDS[kind]
    for item in body["items"]:
        if item["field"] not in allowed:
            raise UsageError(f"invalid --filter field {item['field']!r}: choose from {', '.join(allowed)}")
    return body


def order_param(values: Optional[List[str]], kind: str) -> Optional[str]:
    from gwctl.api.pomerium import order_by_param

    return order_by_param(values, kind)


_AGE = re.compile(r"^(\d+)(s|m|h|d|w)$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def time_arg(value: Optional[str], flag: str, default_age: float, now: float | None = None) -> str:
    """RFC 3339 for --from/--to: RFC 3339 as given, an age (24h, 7d) before now, or `now`."""
    now = time.time() if now is None else now
    if value is None:
        return _rfc3339(now - default_age)
    value = value.strip()
    if value == "now":
        return _rfc3339(now)
    match = _AGE.match(value)
    if match:
        return _rfc3339(now - int(match.group(1)) * _UNITS[match.group(2)])
    from datetime import datetime, timezone

    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"invalid {flag} {value!r}: use RFC 3339 (2026-01-31T00:00:00Z), an age like 24h, or now") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return _rfc3339(moment.timestamp())


def time_range(start: Optional[str], end: Optional[str]) -> tuple[str, str]:
    now = time.time()
    first, last = time_arg(start, "--from", 86400, now), time_arg(end, "--to", 0, now)
    if first >= last:
        raise UsageError("--from must be before --to")
    return first, last


def _rfc3339(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def resolve_namespace(explicit: Optional[str], descendants: Optional[bool]) -> tuple[str, Optional[bool]]:
    """(namespace, includeDescendants) for a namespaced list."""
    c = client()
    if explicit:
        return explicit, descendants
    if c.has_cluster:
        return c.cluster_namespace(), descendants
    return c.root_namespace(), True if descendants is None else descendants


def list_scope(kind: str, namespace: Optional[str], include_descendants: Optional[bool],
               order_by: Optional[List[str]], filter_: Optional[str]) -> dict[str, Any]:
    """The keyword arguments of a namespaced list call. --order-by and --filter are checked
    before the namespace is resolved, which may need a request."""
    order = order_param(order_by, kind)
    filt = filter_param(filter_, kind)
    ns, descendants = resolve_namespace(namespace, include_descendants)
    return {"namespace": ns, "include_descendants": descendants, "order_by": order, "filter_": filt}


# Stands in for a namespaceId that is filled in after validation (the cluster's, or the current object's).
NAMESPACE_PLACEHOLDER = "namespace-of-the-cluster"


def create_body(model: Any, from_file: Optional[str], flags: dict[str, Any], *, flag_names: dict[str, str],
                strip: Sequence[str]) -> dict[str, Any]:
    """The validated body of a namespaced create, its namespace resolved by namespace_for_write."""
    body = body_from(model, from_file, flags, flag_names=flag_names, strip=strip,
                     placeholders={"namespaceId": NAMESPACE_PLACEHOLDER})
    body["namespaceId"] = namespace_for_write(body.get("namespaceId"))
    return body


def check_update_flags(model: Any, flags: dict[str, Any], flag_names: dict[str, str], sample: dict[str, Any],
                       nothing: str) -> None:
    """A flags-only update: refuse no flags, and check the given ones on their own (``sample``
    fills the required fields) so a bad one is refused before the GET."""
    given = {k: v for k, v in flags.items() if v is not None}
    if not given:
        raise UsageError(nothing)
    validate(model, {**sample, **given}, "options", flag_names, set(given))


def namespace_for_write(explicit: Optional[str]) -> str:
    """The namespace of a new resource: --namespace (or the file's), else the cluster's."""
    if explicit:
        return explicit
    c = client()
    if not c.has_cluster:
        raise UsageError("no namespace: pass --namespace NAMESPACE_ID, or --cluster CLUSTER_ID to use its namespace",
                         hint="see `gwctl pomerium namespaces list`")
    return c.cluster_namespace()


def emit_secret_record(record: dict, secret_path: Sequence[str], out: Any, columns: Sequence[Column],
                       label: str) -> None:
    """Print a record holding a secret (possibly nested), or write the secret to --out
    (0600, atomic) and print the record without it."""
    from gwctl.cli.secret_output import write_secret_file
    from gwctl.errors import GwctlError

    app = get_app()
    if out is None:
        emit(record, columns)
        return
    holder: Any = record
    for key in secret_path[:-1]:
        holder = holder.get(key) if isinstance(holder, dict) else None
    secret = holder.get(secret_path[-1]) if isinstance(holder, dict) else None
    if not secret:
        raise GwctlError(f"the response held no {label} to write")
    write_secret_file(out, str(secret))
    meta = json.loads(json.dumps(record))
    target = meta
    for key in secret_path[:-1]:
        target = target[key]
    del target[secret_path[-1]]
    meta["written_to"] = str(out)
    app.err(f"wrote the {label} to {out} (mode 0600)")
    dotted = ".".join(secret_path)
    kept = [c for c in columns if c.path not in (dotted, secret_path[-1])]
    emit(meta, kept + [Column("written-to", "written_to")] if kept else None)


def delete_many(ids: List[str], yes: bool, concurrency: int, noun: str, action: Callable[[str], None],
                where: str = "") -> None:
    from gwctl.cli.flows import confirm, run_bulk
    from gwctl.cli.input import read_ids

    items = read_ids(ids)
    c = client()
    scope = where or f"organization {c.org_id}"
    what = f"{noun} {items[0]}" if len(items) == 1 else f"{len(items)} {noun}s"
    confirm(f"Delete {what} from {scope}?", yes)
    run_bulk(items, action, verb="deleted", noun=noun, concurrency=concurrency)


def strip_keys(record: dict, keys: Sequence[str]) -> dict:
    return {k: v for k, v in record.items() if k not in keys}
