"""`gwctl pomerium namespaces`: the organization's namespaces."""

from __future__ import annotations

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, LimitOpt
from gwctl.cli.pomerium._common import client, resource_app
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of

app = resource_app("namespaces", "Namespaces of the organization.")

NAMESPACE_COLUMNS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("type", "type"),
    Column("parent", "parentId"),
    Column("role", "role"),
    Column("created", "createdAt", default=False),
)


@app.command("list")
def list_namespaces(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the organization's namespaces with your role in each (GET .../namespaces).

    Example: gwctl pomerium namespaces list
    """
    from gwctl.api.paging import truncate

    emit(truncate(iter([client().list_namespaces()]), limit_of(limit, all_)), NAMESPACE_COLUMNS)
