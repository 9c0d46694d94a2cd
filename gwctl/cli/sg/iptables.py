"""`gwctl sg iptables`: ACCEPT rules of a private destination."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, LimitOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import cols, emit
from gwctl.cli.sg.resource_hooks import DestArg, GatewayOpt, GatewayTokenOpt, gateway_of, resolve, take
from gwctl.cli.input import parse_labels
from gwctl.cli.flows import report_done
from gwctl.errors import UsageError
from gwctl.resources.sg import DEST_COLUMNS, check_port_spec, check_range, check_src

app = product_app("iptables", "IP table ACCEPT rules of private destinations: list, add, remove.")

RULE_COLUMNS = cols("app", "src", "src_range", "spt")
RULE_KEYS = ("spt", "src", "src_range", "app")
SrcOpt = Annotated[Optional[str], typer.Option("--src", metavar="IP", help="Source IP address or host name (src).")]
RangeOpt = Annotated[Optional[str], typer.Option("--src-range", metavar="A-B", help="Inclusive source IP range A.B.C.D-E.F.G.H (src_range).")]
SptOpt = Annotated[Optional[str], typer.Option("--src-port", metavar="PORT", help="Source port or range PORT:PORT (spt); default all ports.")]
AppOpt = Annotated[Optional[str], typer.Option("--app", metavar="ID", help="Rule ID (app): a rule with the same ID is replaced.")]


def _rule(src: str | None, src_range: str | None, spt: str | None, app_id: str | None, *, prefix: str = "--") -> dict:
    if src and src_range:
        raise UsageError(f"{prefix}src and {prefix}src-range cannot be combined")
    rule = {}
    if spt is not None:
        rule["spt"] = check_port_spec(spt, f"{prefix}src-port")
    if src is not None:
        rule["src"] = check_src(src, f"{prefix}src")
    if src_range is not None:
        rule["src_range"] = check_range(src_range, f"{prefix}src-range")
    if app_id:
        rule["app"] = app_id
    return rule


@app.command("list")
def list_rules(
    dest: DestArg,
    gateway: GatewayOpt,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """List a destination's rules (ip_table_rules of GET .../destinations/{destinationID}).

    Example: gwctl sg iptables list DEST -g GATEWAY
    """
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    dest_obj = api.get_destination(gateway, resolve("destinations", dest, gateway=gateway))
    rules = list((dest_obj or {}).get("ip_table_rules") or [])
    emit(take(rules, limit, all_), RULE_COLUMNS)


@app.command("add")
def add_rule(
    dest: DestArg,
    gateway: GatewayOpt,
    src: SrcOpt = None,
    src_range: RangeOpt = None,
    src_port: SptOpt = None,
    app_id: AppOpt = None,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Allow a source IP (or range) and port on a private destination (PUT .../ipTableRule).

    Without --src/--src-range every IP is allowed; without --src-port every port.
    Example: gwctl sg iptables add DEST -g GATEWAY --src-range 10.0.0.1-10.0.0.9 --src-port 443 --app web
    """
    rule = _rule(src, src_range, src_port, app_id)
    if not (src or src_range or src_port):
        raise UsageError("pass --src, --src-range or --src-port")
    api, gateway = gateway_of(gateway, gateway_token_stdin)
    dest = resolve("destinations", dest, gateway=gateway)
    result = api.add_ip_rule(gateway, dest, rule)
    report_done("added", "ip table rule to destination", dest)
    emit(result, DEST_COLUMNS)


@app.command("remove")
def remove_rule(
    dest: DestArg,
    gateway: GatewayOpt,
    rules: Annotated[Optional[List[str]], typer.Option("--rule", metavar="KEY=VALUE,...", help="A rule to remove, e.g. src=1.2.3.4,spt=80 (keys src, src_range, spt, app; repeatable).")] = None,
    src: SrcOpt = None,
    src_range: RangeOpt = None,
    src_port: SptOpt = None,
    all_rules: Annotated[bool, typer.Option("--all", help="Remove every rule (all=true): then no connection is accepted.")] = False,
    yes: YesOpt = False,
    gateway_token_stdin: GatewayTokenOpt = False,
) -> None:
    """Remove rules matching exactly, or all rules (DELETE .../ipTableRule).

    Example: gwctl sg iptables remove DEST -g GATEWAY --rule src=169.45.0.10,spt=80
    """
    wanted: list[dict] = []
    for raw in rules or ():
        fields = parse_labels([p for p in raw.split(",") if p], "--rule")
        unknown = sorted(set(fields) - set(RULE_KEYS))
        if unknown or not fields:
            raise UsageError(f"invalid --rule {raw!r}: keys are {', '.join(RULE_KEYS)}")
        wanted.append(_rule(fields.get("src"), fields.get("src_range"), fields.get("spt"), fields.get("app"),
                            prefix="--rule "))
    if src or src_range or src_port:
        wanted.append(_rule(src, src_range, src_port, None))
    if all_rules and wanted:
        raise UsageError("--all cannot be combined with a rule")
    if not all_rules and not wanted:
        raise UsageError("pass --rule KEY=VALUE,..., --src/--src-range/--src-port, or --all")
    from gwctl.cli.flows import confirm_change

    api, gateway = gateway_of(gateway, gateway_token_stdin)
    dest = resolve("destinations", dest, gateway=gateway)
    if all_rules:
        confirm_change("remove", "every IP table rule of destination", "", [dest], yes,
                       consequence="no connection will be accepted")
        result = api.remove_ip_rule(gateway, dest, None)
    else:
        for rule in wanted:
            result = api.remove_ip_rule(gateway, dest, rule)
    get_app().err(f"removed {'all rules' if all_rules else f'{len(wanted)} rule(s)'} from destination {dest}")
    emit(result, DEST_COLUMNS)
