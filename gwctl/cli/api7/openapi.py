"""`gwctl api7 openapi`: export services as OpenAPI, import OpenAPI documents as services."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer

from gwctl.cli.render import Column, cols
from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.api7.calls import client, show
from gwctl.cli.context import get_app
from gwctl.resources.values import read_text
from gwctl.errors import UsageError

app = product_app("openapi", "OpenAPI import, export and conversion.")
SpecArg = Annotated[Optional[str], typer.Argument(metavar="FILE|-", help="OpenAPI document (JSON or YAML; - for stdin).")]


def _read_spec(path: Optional[str]) -> str:
    if path is None:
        raise UsageError("missing FILE|-: the OpenAPI document")
    return read_text(path, path)


@app.command("convert")
def convert(spec: SpecArg = None) -> None:
    """Convert an OpenAPI document to a service with routes, without saving (PUT /api/openapi/convert).

    Example: gwctl api7 openapi convert OPENAPI_FILE -o json > service.json
    """
    show(client().replace("/api/openapi/convert", {"raw_openapi": _read_spec(spec)}),
         cols("name", "desc", "routes"))


@app.command("import")
def import_(spec: SpecArg = None,
            name: Annotated[Optional[str], typer.Option("--name", "-n", help="Service name (default: the document's title).")] = None,
            from_file: FromFileOpt = None) -> None:
    """Create a service and its routes from an OpenAPI document (PUT /api/openapi/convert, POST /api/import/services).

    With --from-file the file is the import body itself (service fields + routes) and no
    conversion is made.

    Example: gwctl api7 openapi import OPENAPI_FILE --name petstore
    """
    from gwctl.cli.api7.calls import build_body

    api = client()
    if from_file is None:
        converted = api.replace("/api/openapi/convert", {"raw_openapi": _read_spec(spec)}) or {}
        base = converted if isinstance(converted, dict) else {}
    elif spec is not None:
        raise UsageError("give an OpenAPI FILE or --from-file BODY, not both")
    else:
        base = {}
    body = build_body("ImportWrite", from_file, {"name": name}, base)
    show(api.create("/api/import/services", body),
         cols("id", "name", "path_prefix", Column("routes", lambda s: len(s.get("routes") or []))))


@app.command("export")
def export(service_ids: Annotated[Optional[List[str]], typer.Argument(metavar="[SERVICE_ID...]", help="Services to export (or --all-services).")] = None,
           all_services: Annotated[bool, typer.Option("--all-services", help="Export every service (scope=all).")] = False,
           title: Annotated[str, typer.Option("--title", help="info.title of the document.")] = "API7 services",
           version: Annotated[str, typer.Option("--version", help="info.version of the document.")] = "1.0.0",
           server: Annotated[Optional[List[str]], typer.Option("--server", metavar="URL", help="servers[].url (repeatable).")] = None,
           out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="Write the document to FILE (.yaml/.yml as YAML).")] = None,
           from_file: FromFileOpt = None) -> None:
    """Export services as an OpenAPI document (POST /api/export/services).

    Example: gwctl api7 openapi export SERVICE_ID --title Shop --version 2.0.0 --out shop.yaml
    """
    from gwctl.cli.api7.calls import build_body

    if not service_ids and not all_services and from_file is None:
        raise UsageError("give SERVICE_ID... or --all-services")
    fields = {} if from_file is not None else {
        "service_ids": service_ids or None, "info": {"title": title, "version": version},
        "servers": [{"url": u} for u in server] if server else None}
    body = build_body("ExportWrite", from_file, fields)
    doc = client().create("/api/export/services", body, {"scope": "all" if all_services else "partial"})
    if out is None:
        show(doc)
        return
    import json

    if out.suffix in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    from gwctl.cli.secret_output import write_out_file

    write_out_file(out, text)
    get_app().err(f"wrote the OpenAPI document to {out}")
