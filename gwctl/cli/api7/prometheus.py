"""`gwctl api7 prometheus`: the dashboard's Prometheus proxy (GET or form POST)."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.api7.calls import client, show
from gwctl.cli.options import product_app
from gwctl.cli.input import parse_labels
from gwctl.errors import UsageError

app = product_app("prometheus", "Query the control plane's Prometheus through the dashboard.")


@app.command("query")
def query(path: Annotated[str, typer.Argument(metavar="PATH", help="Prometheus API path, e.g. api/v1/query or api/v1/query_range.")],
          param: Annotated[Optional[List[str]], typer.Option("--param", "-P", metavar="KEY=VALUE", help="Prometheus parameter, e.g. query=up (repeatable).")] = None,
          post: Annotated[bool, typer.Option("--post", help="Send the parameters form-encoded in a POST (long queries).")] = False) -> None:
    """Query Prometheus through the dashboard (GET|POST /api/control_plane/prometheus/{path}).

    Example: gwctl api7 prometheus query api/v1/query --param 'query=sum(apisix_http_status)' -o json
    """
    from gwctl.api.api7.client import paths
    from gwctl.api.base import seg

    clean = path.strip().lstrip("/")
    if not clean or ".." in clean.split("/"):
        raise UsageError(f"invalid PATH {path!r}: expected e.g. api/v1/query")
    params = parse_labels(param, "--param") or {}
    if post and not params:
        raise UsageError("--post sends the parameters as a form: pass at least one --param KEY=VALUE")
    # The spec's {prometheus_path} is a single path segment: send the slashes encoded (api%2Fv1%2Fquery).
    target = f"{paths.prometheus}/{seg(clean, 'Prometheus path', slash=True)}"
    api = client()
    value = api.form("POST", target, params) if post else api.get(target, params or None)
    if isinstance(value, dict) and value.get("status") == "error":
        raise UsageError(f"Prometheus: {value.get('errorType', 'error')}: {value.get('error', '')}")
    show(value)
