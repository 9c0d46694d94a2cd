"""Options shared by `gwctl pomerium` commands and the checks of their values (no httpx or
pydantic at import): choices, --order-by and --filter of the console API's lists."""

from __future__ import annotations

from typing import Annotated, Any, List, Optional, Sequence

from gwctl.errors import UsageError


def __getattr__(name: str) -> Any:
    """The Typer option types, built on first use: the generic list verbs use the checks below
    without importing Typer."""
    if name not in ("OrderByOpt", "FilterOpt"):
        raise AttributeError(name)
    import typer

    options = {
        "OrderByOpt": Annotated[Optional[List[str]], typer.Option(
            "--order-by", metavar="FIELD[,-FIELD]", help="Sort by these fields; prefix - for descending (repeatable).")],
        "FilterOpt": Annotated[Optional[str], typer.Option(
            "--filter", metavar="JSON",
            help='Server-side filter, e.g. \'{"items":[{"field":"name","operator":"contains","value":"web"}]}\'.')],
    }
    globals()[name] = options[name]
    return options[name]


def check_choice(value: Optional[str], choices: Sequence[Any], flag: str) -> Optional[str]:
    if value is not None and value not in [str(c) for c in choices]:
        raise UsageError(f"invalid {flag} {value!r}: choose from {', '.join(map(str, choices))}")
    return value


def filter_param(value: Optional[str], kind: str) -> Optional[dict]:
    """--filter JSON, validated (shape, operator and field) before any request."""
    if value is None:
        return None
    from gwctl.api.pomerium.client import FILTER_FIELDS
    from gwctl.api.pomerium.models import Filter
    from gwctl.cli.pomerium.bodies import parse_json_option, validate

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
    from gwctl.api.pomerium.client import order_by_param

    return order_by_param(values, kind)
