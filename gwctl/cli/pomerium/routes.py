"""`gwctl pomerium routes`: routes of a namespace (from -> to, with policies)."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, FromFileOpt, IdsArg, LimitOpt, YesOpt
from gwctl.cli.pomerium._common import (
    DescendantsOpt, FilterOpt, NamespaceOpt, OrderByOpt, check_update_flags, client, create_body, delete_many,
    list_scope, names, resource_app, update_body,
)
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = resource_app("routes", "Routes: list, get, create, update, delete, matching certificates.")

ROUTE_COLUMNS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("from", "from"),
    Column("to", "to"),
    Column("policies", lambda r: names(r.get("policies"))),
    Column("enforced", lambda r: names(r.get("enforcedPolicies")), header="ENFORCED_POLICIES", default=False),
    Column("namespace", "namespaceId"),
    Column("updated", "updatedAt"),
)
CERT_COLUMNS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("status", "status"),
    Column("subject", lambda k: ((k.get("certificateInfo") or [{}])[0].get("subject") or {}).get("commonName")),
    Column("not-after", lambda k: (k.get("certificateInfo") or [{}])[0].get("notAfter")),
    Column("has-key", "hasKey"),
)
FLAGS = {"name": "--name", "from": "--from", "to": "--to", "policyIds": "--policy", "namespaceId": "--namespace",
         "description": "--description"}

NameOpt = Annotated[Optional[str], typer.Option("--name", help="Route name (1-128 characters).")]
FromUrlOpt = Annotated[Optional[str], typer.Option("--from", metavar="URL", help="External URL, e.g. https://app.example.com.")]
ToOpt = Annotated[Optional[List[str]], typer.Option("--to", metavar="URL", help="Upstream URL (repeatable).")]
PolicyOpt = Annotated[Optional[List[str]], typer.Option("--policy", metavar="POLICY_ID", help="Policy ID to assign (repeatable; replaces the list on update).")]
DescriptionOpt = Annotated[Optional[str], typer.Option("--description", help="Description shown in the console.")]


def _flags(name, from_, to, policy, namespace, description) -> dict:
    return {"name": name, "from": from_, "to": list(to) if to else None,
            "policyIds": list(policy) if policy is not None and policy != [] else None,
            "namespaceId": namespace, "description": description}


@app.command("list")
def list_routes(
    namespace: NamespaceOpt = None,
    include_descendants: DescendantsOpt = None,
    order_by: OrderByOpt = None,
    filter_: FilterOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List routes of a namespace, paging with offset/limit (GET /organizations/{org}/routes).

    Example: gwctl pomerium routes list --order-by -updatedAt --limit 10
    """
    scope = list_scope("routes", namespace, include_descendants, order_by, filter_)
    emit(client().list_routes(**scope, limit=limit_of(limit, all_)), ROUTE_COLUMNS)


@app.command("get")
def get_route(route_id: Annotated[str, typer.Argument(metavar="ROUTE_ID", help="Route ID.")]) -> None:
    """Show one route (GET /organizations/{org}/routes/{routeId}).

    Example: gwctl pomerium routes get ROUTE_ID -o yaml
    """
    emit(client().get_route(route_id), ROUTE_COLUMNS)


@app.command("create")
def create_route(
    name: NameOpt = None,
    from_: FromUrlOpt = None,
    to: ToOpt = None,
    policy: PolicyOpt = None,
    namespace: NamespaceOpt = None,
    description: DescriptionOpt = None,
    from_file: FromFileOpt = None,
) -> None:
    """Create a route (POST /organizations/{org}/routes); the body is checked before sending.

    Without --namespace (or namespaceId in the file) the route goes to the cluster's namespace.
    Example: gwctl pomerium routes create --name grafana --from https://grafana.example.com --to http://grafana:3000 --policy POLICY_ID
    """
    from gwctl.api.pomerium.models import ROUTE_COMPUTED, RouteWrite

    flags = _flags(name, from_, to, policy, namespace, description)
    body = create_body(RouteWrite, from_file, flags, flag_names=FLAGS, strip=ROUTE_COMPUTED)
    emit(client().create_route(complete(body)), ROUTE_COLUMNS)


def complete(body: dict) -> dict:
    """Send the route booleans and policyIds the spec marks required even when not given."""
    from gwctl.api.pomerium.models import RouteWrite

    for field, info in RouteWrite.model_fields.items():
        if info.annotation is bool:
            body.setdefault(info.alias or field, False)
    body.setdefault("policyIds", [])
    return body


@app.command("update")
def update_route(
    route_id: Annotated[str, typer.Argument(metavar="ROUTE_ID", help="Route ID.")],
    name: NameOpt = None,
    from_: FromUrlOpt = None,
    to: ToOpt = None,
    policy: PolicyOpt = None,
    namespace: NamespaceOpt = None,
    description: DescriptionOpt = None,
    from_file: FromFileOpt = None,
) -> None:
    """Replace a route (PUT .../routes/{routeId}): --from-file is the full body; flags alone
    change those fields of the current route (read first).

    Example: gwctl pomerium routes update ROUTE_ID --to http://grafana-v2:3000
    """
    from gwctl.api.pomerium.models import ROUTE_COMPUTED, RouteWrite

    flags = _flags(name, from_, to, policy, namespace, description)
    if from_file is None:
        check_update_flags(RouteWrite, flags, FLAGS,
                           {"namespaceId": "x", "name": "x", "from": "https://x.example", "to": ["http://x"]},
                           "nothing to update: give --from-file or at least one of --name, --from, --to, "
                           "--policy, --namespace, --description")
    body = update_body(RouteWrite, from_file, flags, lambda: client().get_route(route_id), flag_names=FLAGS,
                       strip=ROUTE_COMPUTED)
    emit(client().update_route(route_id, complete(body)), ROUTE_COLUMNS)


@app.command("delete")
def delete_routes(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete routes (DELETE .../routes/{routeId}); several IDs or - for stdin.

    Example: gwctl pomerium routes delete ROUTE_ID --yes
    """
    delete_many(ids, yes, concurrency, "route", client().delete_route)


@app.command("certificates")
def route_certificates(route_id: Annotated[str, typer.Argument(metavar="ROUTE_ID", help="Route ID.")]) -> None:
    """List the key pairs whose certificates match a route (GET .../routes/{routeId}/certificates).

    Example: gwctl pomerium routes certificates ROUTE_ID
    """
    emit(client().route_certificates(route_id), CERT_COLUMNS)
