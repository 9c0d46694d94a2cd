"""`gwctl api7 labels|schema|license|version`: what the dashboard says about itself (labels in use, schemas, license, version)."""

from __future__ import annotations

from typing import Annotated

import typer

from gwctl.cli.api7.options import DryRunOpt
from gwctl.cli.api7.calls import build_body, client, show
from gwctl.cli.render import cols
from gwctl.cli.options import product_app
from gwctl.resources.api7_fields import ts
from gwctl.cli.context import get_app
from gwctl.cli.flows import report_done
from gwctl.errors import UsageError

labels_app = product_app("labels", "Labels in use per resource type.")
schema_app = product_app("schema", "JSON schemas of the core resources and of plugins.")
license_app = product_app("license", "The API7 Enterprise license.")
version_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
LABEL_TYPES = ("gateway_group", "consumer", "ssl", "service", "route")
LICENSE_COLUMNS = cols("customer", "status", ts("effective-at"), ts("expired-at"), "max_dp_cores",
                       cols("runtime.status")[0])


@labels_app.command("list")
def labels_list(resource_type: Annotated[str, typer.Argument(metavar="RESOURCE_TYPE", help="gateway_group, consumer, ssl, service or route.")],
                limit: Annotated[int, typer.Option("--limit", min=1, max=1_000_000, help="Show at most N label keys.")] = 50,
                all_: Annotated[bool, typer.Option("--all", help="Show every label key.")] = False) -> None:
    """List the label keys and values used by a resource type (GET /api/labels/{resource_type}).

    Example: gwctl api7 labels list service
    """
    if resource_type not in LABEL_TYPES:
        raise UsageError(f"invalid RESOURCE_TYPE {resource_type!r}: choose {', '.join(LABEL_TYPES)}")
    value = client().get(f"/api/labels/{resource_type}") or {}
    if get_app().machine_output or not isinstance(value, dict):
        show(value)
        return
    rows = [{"key": k, "values": v} for k, v in value.items()]
    show(rows if all_ else rows[:limit], cols("key", "values"))


@schema_app.command("core")
def schema_core() -> None:
    """Show the JSON schemas of the core resources (GET /api/schema/core).

    Example: gwctl api7 schema core -o json
    """
    show(client().get("/api/schema/core"))


@schema_app.command("plugins")
def schema_plugins() -> None:
    """Show the JSON schemas of every plugin (GET /api/schema/plugins).

    Example: gwctl api7 schema plugins -o json
    """
    show(client().get("/api/schema/plugins"))


@license_app.command("get")
def license_get() -> None:
    """Show the license (GET /api/license).

    Example: gwctl api7 license get
    """
    show(client().get("/api/license"), LICENSE_COLUMNS)


@license_app.command("set")
def license_set(file: Annotated[str, typer.Argument(metavar="FILE|-", help="License file (the encoded license string; - for stdin).")],
                dry_run: DryRunOpt = False) -> None:
    """Import or update the license (PUT /api/license).

    Example: gwctl api7 license set LICENSE_FILE --dry-run
    """
    from gwctl.resources.values import read_text

    data = read_text(file, f"FILE {file}").strip()
    body = build_body("LicenseWrite", None, {"data": data})
    result = client().replace("/api/license", body, {"dry-run": "all" if dry_run else None})
    if not dry_run:
        report_done("updated", "license", "")
    show(result, LICENSE_COLUMNS)


@version_app.command("version")
def version(refresh: Annotated[bool, typer.Option("--refresh", help="Ask the dashboard again instead of using the cached answer.")] = False) -> None:
    """Show the dashboard version and the API family gwctl uses for it (GET /api/version, cached).

    Example: gwctl api7 version
    """
    from gwctl.api.api7.client import at_family, paths

    api = client()
    value = api.refresh_version() if refresh else api.version()
    family = api.family
    record = {"version": value, "api_family": family, "tokens_path": at_family(paths.tokens, family),
              "services_path": at_family(paths.services, family), "routes_path": at_family(paths.routes, family),
              "auth": "X-API-KEY" if api.auth_kind == "api_key" else "basic"}
    show(record, cols("version", "api_family", "tokens_path", "services_path", "routes_path", "auth"))
