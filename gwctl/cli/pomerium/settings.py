"""`gwctl pomerium settings`: a cluster's settings (get, full update, JSON Patch)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from gwctl.cli.options import FromFileOpt, product_app
from gwctl.cli.pomerium import client
from gwctl.cli.pomerium.bodies import merged_body, validate
from gwctl.cli.render import emit
from gwctl.cli.input import read_body_file
from gwctl.cli.flows import report_done
from gwctl.errors import UsageError

app = product_app("settings", "Cluster settings: get, update, JSON Patch.")

FLAGS = {"logLevel": "--log-level", "address": "--address", "autoApplyChangesets": "--auto-apply-changesets",
         "authenticateServiceUrl": "--authenticate-url"}


@app.command("get")
def get_settings() -> None:
    """Show the cluster's settings (GET .../clusters/{clusterId}/settings).

    Example: gwctl pomerium --cluster CLUSTER settings get -o yaml
    """
    c = client()
    emit(c.get_settings(c.cluster_id()))


@app.command("update")
def update_settings(
    log_level: Annotated[Optional[str], typer.Option("--log-level", metavar="LEVEL", help="debug, info, warn or error.")] = None,
    address: Annotated[Optional[str], typer.Option("--address", metavar="HOST:PORT", help="Listen address (empty means :443).")] = None,
    auto_apply: Annotated[Optional[bool], typer.Option("--auto-apply-changesets/--no-auto-apply-changesets", help="Apply changesets automatically.")] = None,
    from_file: FromFileOpt = None,
) -> None:
    """Replace the cluster's settings (PUT .../clusters/{clusterId}/settings).

    --from-file is the full body (the output of `settings get` works); flags alone
    change those fields of the current settings (read first). Checked before sending.
    Example: gwctl pomerium settings update --log-level debug
    """
    from gwctl.api.pomerium.models import SETTINGS_COMPUTED, SettingsWrite

    flags = {"logLevel": log_level, "address": address, "autoApplyChangesets": auto_apply}
    given = {k: v for k, v in flags.items() if v is not None}
    c = client()
    cluster = c.cluster_id()
    if from_file is not None:
        body = validate(SettingsWrite, merged_body(from_file, flags, SETTINGS_COMPUTED), "--from-file", FLAGS, set(given))
    else:
        if not given:
            raise UsageError("nothing to update: give --from-file, --log-level, --address or --auto-apply-changesets")
        current = {k: v for k, v in c.get_settings(cluster).items() if k not in SETTINGS_COMPUTED}
        body = validate(SettingsWrite, {**current, **given}, "options", FLAGS, set(given))
    result = c.update_settings(cluster, body)
    report_done("updated", "settings of cluster", cluster)
    emit(result)


@app.command("patch")
def patch_settings(from_file: FromFileOpt = None) -> None:
    """Change settings with a JSON Patch document (PATCH .../clusters/{clusterId}/settings).

    The document (JSON or YAML, a list of RFC 6902 operations) is checked before sending.
    Example: echo '[{"op":"add","path":"/sshAddress","value":"0.0.0.0:22"}]' | gwctl pomerium settings patch -f -
    """
    from gwctl.api.pomerium.models import JsonPatch

    if from_file is None:
        raise UsageError("missing --from-file FILE|-: the JSON Patch document")
    document = read_body_file(from_file)
    if not isinstance(document, list):
        raise UsageError("invalid --from-file: a JSON Patch document is a list of operations")
    body = validate(JsonPatch, {"operations": document}, "--from-file", {})
    c = client()
    result = c.patch_settings(c.cluster_id(), body["operations"])
    report_done("updated", "settings of cluster", c.cluster_id())
    emit(result)
