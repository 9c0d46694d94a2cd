"""`gwctl api7 system-settings`, `scim` and `system-info`: organisation-wide settings."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import FromFileOpt, OutFileOpt, product_app
from gwctl.cli.api7.options import PathOpt
from gwctl.cli.api7.calls import build_body, client, override_path, show
from gwctl.cli.render import cols
from gwctl.cli.render import Column
from gwctl.cli.flows import report_done
from gwctl.errors import UsageError

settings_app = product_app("system-settings", "Control-plane addresses and data-plane mTLS.")
scim_app = product_app("scim", "SCIM provisioning: enable it and generate its token.")
info_app = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)

SETTINGS_COLUMNS = (Column("control_plane_address", lambda s: ",".join(s.get("control_plane_address") or [])),
                    Column("enable_mtls", "enable_mtls"))
SCIM_COLUMNS = cols("enable_scim", Column("token_generated_at", "token_generated_at", default=False, kind="timestamp"))


@settings_app.command("get")
def settings_get() -> None:
    """Show the system settings (GET /api/system_settings).

    Example: gwctl api7 system-settings get
    """
    show(client().get("/api/system_settings"), SETTINGS_COLUMNS)


@settings_app.command("update")
def settings_update(address: Annotated[Optional[List[str]], typer.Option("--control-plane-address", metavar="URL", help="Control-plane address gateways connect to (repeatable; replaces the list).")] = None,
                    mtls: Annotated[Optional[bool], typer.Option("--mtls/--no-mtls", help="Require mTLS between data plane and control plane.")] = None,
                    from_file: FromFileOpt = None) -> None:
    """Change the system settings (PUT /api/system_settings).

    Example: gwctl api7 system-settings update --control-plane-address https://cp.example.com:7943 --mtls
    """
    body = build_body("SystemSettingsWrite", from_file,
                      {"control_plane_address": list(address) if address else None, "enable_mtls": mtls})
    result = client().replace("/api/system_settings", body)
    report_done("updated", "system settings", "")
    show(result, SETTINGS_COLUMNS)


@scim_app.command("get")
def scim_get() -> None:
    """Show the SCIM settings (GET /api/system_settings/scim).

    Example: gwctl api7 scim get
    """
    show(client().get("/api/system_settings/scim"), SCIM_COLUMNS)


@scim_app.command("update")
def scim_update(enable: Annotated[Optional[bool], typer.Option("--enable/--disable", help="Turn the SCIM endpoint on or off.")] = None,
                from_file: FromFileOpt = None) -> None:
    """Turn SCIM provisioning on or off (PUT /api/system_settings/scim).

    Example: gwctl api7 scim update --enable
    """
    if enable is None and from_file is None:
        raise UsageError("missing --enable or --disable")
    body = build_body("ScimWrite", from_file, {"enable_scim": enable})
    result = client().replace("/api/system_settings/scim", body)
    report_done("updated", "SCIM settings", "")
    show(result, SCIM_COLUMNS)


@scim_app.command("generate-token")
def scim_generate_token(out: OutFileOpt = None) -> None:
    """Generate a new SCIM token (PUT /api/system_settings/scim/token); the old one stops working.

    Prints the token once; with --out it goes to FILE (0600, atomic) and only metadata is printed.
    Example: gwctl api7 scim generate-token --out scim.token
    """
    from gwctl.cli.secret_output import emit_secret

    from gwctl.cli.secret_output import check_out

    check_out(out)
    api = client()
    # Each PUT mints a new token and kills the previous one: never resent once it may have arrived.
    token = api.fetch_secret("PUT", "/api/system_settings/scim/token", idempotent=False)
    if not isinstance(token, str) or not token:
        from gwctl.errors import ServerError

        raise ServerError("PUT /api/system_settings/scim/token: the dashboard returned no SCIM token")
    api.learn(token)
    emit_secret({"token": token}, "token", out, cols("token"), label="SCIM token")


@info_app.command("system-info")
def system_info(path: PathOpt = None) -> None:
    """Show the dashboard's system information (GET /api/system_infos).

    Needs API7 Enterprise 3.8.7 or later; the sandbox has it when started with `gwctl sandbox start --api7-version 3.9`.
    Example: gwctl api7 system-info -o json
    """
    from gwctl.api.api7.client import paths
    from gwctl.cli.catalogue import require_operation

    target = override_path(paths.guessed["system_infos"], path)

    require_operation("api7", "GET", "/api/system_infos")
    value = client().get(target)
    if isinstance(value, dict) and value and all(not isinstance(v, (dict, list)) for v in value.values()):
        from gwctl.cli.context import get_app

        if not get_app().machine_output:
            show([{"key": k, "value": v} for k, v in value.items()], cols("key", "value"))
            return
    show(value)
