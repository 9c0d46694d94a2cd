"""Pieces shared by the `gwctl sg` resource modules: client, token option, columns, files."""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Sequence

import typer

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of, read_body_file
from gwctl.errors import UsageError

PROTOCOLS = ("TCP", "UDP", "TLS", "HTTP", "HTTPS")
TLS_MODES = ("none", "serverside", "mutualauth")
CLIENT_TLS_MODES = ("none", "mutualauth")
MASK = "***"

GatewayArg = Annotated[str, typer.Argument(metavar="GATEWAY", help="Gateway ID (e.g. qCTv6Onseiy_prod_us-south).")]
DestArg = Annotated[str, typer.Argument(metavar="DEST", help="Destination ID (e.g. qCTv6Onseiy_qVuvq).")]
GatewayTokenOpt = Annotated[
    bool,
    typer.Option(
        "--gateway-token-stdin",
        help="Read the gateway's security token from stdin instead of taking it from the gateway listing "
        "(for accounts whose API key may not list gateways); it is used for this call only.",
    ),
]
EnabledOpt = Annotated[bool, typer.Option("--enabled", help="Only ENABLED ones (type=enabled).")]
DisabledOpt = Annotated[bool, typer.Option("--disabled", help="Only DISABLED ones (type=disabled).")]


def client(gateway_id: str | None = None, token_stdin: bool = False) -> Any:
    """The sg API client; with ``token_stdin`` the gateway's security token is read from stdin first."""
    api = get_app().client("sg")
    if token_stdin:
        if gateway_id is None:  # pragma: no cover - programming error
            raise UsageError("--gateway-token-stdin needs a gateway")
        token = sys.stdin.readline().strip()
        if not token:
            raise UsageError("--gateway-token-stdin: stdin was empty")
        api.use_gateway_token(gateway_id, token)
    return api


def one_stdin_reader(token_stdin: bool, *uses: tuple[str, bool]) -> None:
    """Refuse two readers of stdin (the gateway token and an input file or ID list)."""
    if not token_stdin:
        return
    for flag, reads in uses:
        if reads:
            raise UsageError(f"--gateway-token-stdin and {flag} - both read stdin: pass the file by name")


def type_filter(enabled: bool, disabled: bool) -> str | None:
    if enabled and disabled:
        raise UsageError("--enabled and --disabled cannot be combined")
    return "enabled" if enabled else "disabled" if disabled else None


def take(items: Any, limit: int, all_: bool) -> Any:
    """A whole-list answer cut to --limit client-side."""
    wanted = limit_of(limit, all_)
    return items[:wanted] if wanted is not None and isinstance(items, list) else items


def body_file(from_file: str | None) -> dict[str, Any]:
    """The --from-file object the flags go on top of ({} without a file)."""
    body = read_body_file(from_file) or {}
    if not isinstance(body, dict):
        raise UsageError("--from-file: expected an object")
    return body


def epoch_ms(value: Any) -> str:
    """An epoch-milliseconds number as ISO 8601 UTC ('' for 0/None: never)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        return ""
    moment = datetime.fromtimestamp(value / 1000, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def masked(gateway: Any) -> Any:
    """A gateway object with its security token masked (it is shown only by `rotate-token`)."""
    if isinstance(gateway, dict) and gateway.get("jwt"):
        return {**gateway, "jwt": MASK}
    return gateway


def masked_all(items: Any) -> Any:
    return [masked(g) for g in items] if isinstance(items, list) else masked(items)


GATEWAY_COLUMNS = (
    Column("id", "_id", header="ID"),
    Column("desc", "desc", header="DESCRIPTION"),
    Column("status", "status"),
    Column("active", "active"),
    Column("enf-tok-sec", "enf_tok_sec", header="TOKEN_ENFORCED"),
    Column("clients", lambda g: len(g.get("connectedClientsArr") or []), header="CLIENTS"),
    Column("token-expiry", lambda g: epoch_ms(g.get("expiry")) or ("never" if g.get("expiry") == 0 else ""),
           header="TOKEN_EXPIRY"),
    Column("created", "created_at", default=False),
    Column("hostname", "hostname", default=False),
    Column("resource-group", "resource_group", default=False),
    Column("last-change", "last_status_change", default=False),
)


def _cloud(dest: dict) -> str:
    if dest.get("hostname") and dest.get("port"):
        return f"{dest['hostname']}:{dest['port']}"
    return ""


def _endpoint(dest: dict) -> str:
    info = dest.get("connection_info") or {}
    host, port = info.get("OnPremHost"), info.get("OnPremPort")
    return f"{host}:{port}" if host and port not in (None, "") else str(host or "")


DEST_COLUMNS = (
    Column("id", "_id", header="ID"),
    Column("desc", "desc", header="NAME"),
    Column("status", "status"),
    Column("protocol", "protocol"),
    Column("tls", "TLS", header="TLS"),
    Column("endpoint", _endpoint),
    Column("cloud-port", "port", header="CLOUD_PORT"),
    Column("client-port", "connection_info.clientPort"),
    Column("private", "private"),
    Column("rules", lambda d: len(d.get("ip_table_rules") or []), header="RULES"),
    Column("cloud", _cloud, header="CLOUD_HOST", default=False),
    Column("gateway", "configuration", default=False),
    Column("active", "active", default=False),
    Column("client-tls", "client_tls", default=False),
    Column("sni", "connection_info.sni", default=False),
    Column("timeout", "timeout", default=False),
    Column("created", "created_at", default=False),
)


def emit_gateways(data: Any) -> None:
    emit(masked_all(data), GATEWAY_COLUMNS)


def write_file(path: Path, data: bytes | str) -> None:
    """Write an export or a download 0600 atomically (exports can hold private keys)."""
    from gwctl.config.files import write_private

    if path.is_dir():
        raise UsageError(f"--out {path} is a directory")
    try:
        write_private(path.expanduser(), data)
    except OSError as exc:
        raise UsageError(f"cannot write --out {path}: {exc.strerror}") from None


def emit_document(body: Any, out: Path | None, what: str) -> None:
    """An exported file: to --out (0600) or to stdout as JSON, whatever -o says (it is a file)."""
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    write_file(out, text)
    get_app().err(f"wrote {what} to {out} (mode 0600)")


def read_local_file(path: str, flag: str, *, binary: bool = True) -> tuple[str, bytes]:
    """(file name, bytes) of FILE or - (stdin); exit 2 if unreadable or empty."""
    if path == "-":
        data = sys.stdin.read().encode()
        name = "stdin"
    else:
        target = Path(path).expanduser()
        try:
            data = target.read_bytes()
        except IsADirectoryError:
            raise UsageError(f"cannot read {flag} {path}: is a directory") from None
        except OSError as exc:
            raise UsageError(f"cannot read {flag} {path}: {exc.strerror}") from None
        name = target.name
    if not data.strip():
        raise UsageError(f"{flag} {path} is empty")
    return name, data


def read_json_file(path: str, flag: str) -> tuple[str, bytes, Any]:
    name, data = read_local_file(path, flag)
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UsageError(f"{flag} {path} is not a JSON export file") from None
    if not isinstance(parsed, dict):
        raise UsageError(f"{flag} {path}: expected a JSON object")
    return name, data, parsed


_PORT_RANGE = re.compile(r"^(\d{1,5})(?::(\d{1,5}))?$")
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
_HOST = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def check_port(value: int | None, flag: str) -> None:
    if value is not None and not 1 <= value <= 65535:
        raise UsageError(f"invalid {flag} {value}: must be a port from 1 to 65535")


def check_port_spec(value: str, flag: str) -> str:
    match = _PORT_RANGE.match(value.strip())
    if not match or any(p is not None and not 1 <= int(p) <= 65535 for p in match.groups()):
        raise UsageError(f"invalid {flag} {value!r}: expected a port (1-65535) or a range PORT:PORT")
    if match.group(2) and int(match.group(1)) > int(match.group(2)):
        raise UsageError(f"invalid {flag} {value!r}: the range start is above its end")
    return value.strip()


def is_ipv4(value: str) -> bool:
    match = _IPV4.match(value)
    return bool(match) and all(int(p) <= 255 for p in match.groups())


def check_src(value: str, flag: str) -> str:
    looks_numeric = bool(re.fullmatch(r"[\d.]+", value))  # 1.2.3.999 is a bad address, not a host name
    if not (is_ipv4(value) or (_HOST.match(value) and not looks_numeric)):
        raise UsageError(f"invalid {flag} {value!r}: expected an IPv4 address or a host name")
    return value


def check_range(value: str, flag: str) -> str:
    parts = value.split("-")
    if len(parts) != 2 or not all(is_ipv4(p) for p in parts):
        raise UsageError(f"invalid {flag} {value!r}: expected A.B.C.D-E.F.G.H")
    return value


def choice(value: str | None, choices: Sequence[str], flag: str, *, upper: bool = False) -> str | None:
    if value is None:
        return None
    normal = value.upper() if upper else value.lower()
    if normal not in choices:
        raise UsageError(f"invalid {flag} {value!r}: choose from {', '.join(choices)}")
    return normal


def report_activity(result: Any, noun: str) -> None:
    """stderr lines for a setActivity answer; the answer itself for machine output."""
    app = get_app()
    if isinstance(result, dict):
        for key, verb in (("activated", "activated"), ("deactivated", "deactivated")):
            for item in result.get(key) or ():
                item_id = item.get("_id") if isinstance(item, dict) else item
                app.err(f"{verb} {noun} {item_id}")
        for item in result.get("unchanged") or ():
            app.err(f"{noun} {item} was already in that state")
    if app.machine_output or app.opts.query:
        if noun == "gateway" and isinstance(result, dict):
            result = {k: masked_all(v) for k, v in result.items()}
        emit(result)
