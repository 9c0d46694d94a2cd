"""`gwctl expiring --within 30d`: what expires soon, across profiles and products, soonest first.

What carries an expiry is declared per product in gwctl.resources.expiry; this lists it for each
selected profile in parallel (each with its own client), then adds the tokens gwctl has cached.
"""

from __future__ import annotations

import re
import time
from typing import Any

import click

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_window(text: str) -> float:
    """Seconds from `30d`, `12h`, `2w`, `1d12h` (or a number of seconds)."""
    from gwctl.errors import UsageError

    raw = text.strip().lower()
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhdw])", raw)
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        seconds = float(raw)
    elif parts and "".join(n + u for n, u in parts) == raw:
        seconds = sum(float(n) * _UNITS[u] for n, u in parts)
    else:
        raise UsageError(f"invalid --within {text!r}: give a duration such as 30d, 12h, 2w or 1d12h")
    if not 0 < seconds <= 10 * 365 * 86400:
        raise UsageError(f"invalid --within {text!r}: it must be more than 0 and at most 10 years")
    return seconds


def remaining(seconds: float | None) -> str:
    """`12d3h`, `5h20m`, `40s` (the one duration style of tables), `expired 2d ago`, `unknown`."""
    if seconds is None:
        return "unknown"
    from gwctl.columns import duration_text

    text = duration_text(abs(seconds))
    return f"expired {text} ago" if seconds < 0 else text


def _timestamp(value: Any, fmt: str) -> float | None:
    from datetime import datetime

    if fmt == "epoch":
        return float(value)
    if fmt == "epoch_ms":
        return float(value) / 1000
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    match = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", text)
    if match and match.group(2):  # Go and Vault send nanoseconds; Python takes at most microseconds
        text = match.group(1) + match.group(2)[:7] + match.group(3)
    return datetime.fromisoformat(text).timestamp()


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


COLUMNS = (
    Column("profile", "profile"),
    Column("product", "product"),
    Column("kind", "kind"),
    Column("name", "name"),
    Column("id", "id", header="ID"),
    Column("expires-at", lambda r: r["expires_at"] or "unknown"),
    Column("remaining", "remaining"),
)


def _items(client: Any, spec: Any) -> list[dict[str, Any]] | None:
    from gwctl.resources import resource

    if spec.noun:
        return [i for page in client.list_pages(resource(spec.product, spec.noun)) for i in page if isinstance(i, dict)]
    return getattr(client, spec.call)()


def _name(item: dict[str, Any], path: str) -> str:
    from gwctl.columns import dig

    value = dig(item, path)
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)


def scan(main: Any, name: str, window: float, include_unknown: bool) -> tuple[list[dict[str, Any]], Any]:
    """One profile's rows (expiring within ``window``; unknown ones counted) and its failure, if any."""
    from gwctl.cli.context import AppContext, GlobalOptions, fleet_app
    from gwctl.columns import dig
    from gwctl.config.credentials import TokenCache
    from gwctl.errors import GwctlError
    from gwctl.resources.expiry import declared, token_entries, token_kind

    profile = main.config.get(name)
    values = {slot: getattr(main.opts, slot) for slot in GlobalOptions.DEFAULTS}
    values.update(profile=name, profile_from_env=False, all_profiles=False)
    app = AppContext(GlobalOptions(**values))
    app._config = main.config
    app.err = lambda text: main.err(f"{name}: {text}")  # type: ignore[method-assign]
    token = fleet_app.set(app)
    rows: list[dict[str, Any]] = []
    failure = None
    now = time.time()

    def row(kind: str, item_name: str, item_id: str, expires: float | None) -> dict[str, Any]:
        left = None if expires is None else expires - now
        return {"profile": name, "product": profile.product, "kind": kind, "name": item_name, "id": item_id,
                "expires_at": _iso(expires), "expires_in_s": None if left is None else int(left),
                "remaining": remaining(left)}

    try:
        client = app.client(profile.product)
        for spec in declared(profile.product):
            items = _items(client, spec)
            if spec.at is None or items is None:
                if include_unknown:
                    count = len(items or ())
                    rows.append(row(spec.kind, f"{count} item{'s' if count != 1 else ''}" if items is not None
                                    else "", "", None))
                continue
            for item in items:
                raw = dig(item, spec.at)
                if raw in spec.never:
                    continue
                try:
                    expires = _timestamp(raw, spec.fmt)
                except (TypeError, ValueError):
                    expires = None
                if expires is None:
                    if include_unknown:
                        rows.append(row(spec.kind, _name(item, spec.name), str(dig(item, spec.id) or ""), None))
                elif expires - now <= window:
                    rows.append(row(spec.kind, _name(item, spec.name), str(dig(item, spec.id) or ""), expires))
    except GwctlError as exc:
        from gwctl.errors import exit_code_for

        failure = {"profile": name, "error": " ".join(exc.message.split()), "exit_code": exit_code_for(exc),
                   "http_status": exc.http_status, "request_id": exc.request_id}
    finally:
        fleet_app.reset(token)
        app.close()
    # gwctl's own short-lived tokens, cached with their expiry (renewed before it).
    for key, expires in sorted(token_entries(TokenCache(), profile).items()):
        if expires - now <= window:
            rows.append(row(token_kind(profile.product, key) or "cached token", key.split(":")[0], key, expires))
    return rows, failure


@click.command("expiring")
@click.option("--within", "within", required=True, metavar="DURATION",
              help="The window: 30d, 12h, 2w, 1d12h (what expires sooner, or has expired, is listed).")
@click.option("--check", is_flag=True, help="Exit 15 when anything expires within the window (for cron).")
@click.option("--include-unknown", is_flag=True,
              help="Also list, once per profile, the kinds of items whose expiry the API does not give.")
@click.option("--product", "products", multiple=True, metavar="PRODUCT",
              type=click.Choice(("opa", "pomerium", "api7", "sg", "gatekeeper")),
              help="Only profiles of this product (repeatable).")
def expiring(within: str, check: bool, include_unknown: bool, products: tuple[str, ...]) -> None:
    """List everything that expires within a window, soonest first, across profiles (all without -p).

    API7 API tokens and SSL certificates; Pomerium key pairs (certificate not-after), service
    accounts and custom domains; Secure Gateway gateway security tokens; the Vault token of a
    Gatekeeper profile; and the short-lived tokens gwctl caches (OPA service tokens, Pomerium ID
    tokens, IBM IAM tokens). OPA setup tokens carry no expiry (see --include-unknown).

    \b
    Examples:
      gwctl expiring --within 30d
      gwctl expiring --within 30d -p 'sandbox-*' -o json
    """
    from concurrent.futures import ThreadPoolExecutor

    from gwctl.cli.global_options import FLEET_CONCURRENCY
    from gwctl.cli.status import selected
    from gwctl.errors import ExpiringFound, FleetFailed

    window = parse_window(within)
    main = get_app()
    names = selected(main, products)
    with ThreadPoolExecutor(max_workers=min(main.opts.fleet_concurrency or FLEET_CONCURRENCY, len(names)),
                            thread_name_prefix="gwctl-expiring") as pool:
        results = list(pool.map(lambda n: scan(main, n, window, include_unknown), names))
    rows = [r for found, _ in results for r in found]
    rows.sort(key=lambda r: (r["expires_at"] is None, r["expires_at"] or "", r["profile"], r["kind"], r["id"]))
    failures = [f for _, f in results if f]
    emit(rows, COLUMNS)
    dated = [r for r in rows if r["expires_at"]]
    if check and dated:
        if failures and main.output != "json":
            for f in failures:
                main.err(f"error: {f['profile']}: {f['error']}")
        raise ExpiringFound(f"1 item expires within {within}" if len(dated) == 1
                            else f"{len(dated)} items expire within {within}")
    if failures:
        codes = {f["exit_code"] for f in failures}
        code = codes.pop() if len(failures) == len(names) and len(codes) == 1 else 10
        if main.output != "json":
            for f in failures:
                main.err(f"error: {f['profile']}: {f['error']}")
        raise FleetFailed(f"{len(failures)} of {len(names)} profiles could not be checked: "
                          f"{', '.join(f['profile'] for f in failures)}", exit_code=code, failures=failures)


expiring.fleet_native = True  # type: ignore[attr-defined]
