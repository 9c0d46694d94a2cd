"""`gwctl status`: every profile (or a selection) checked in parallel.

Per profile: reachable (DNS, TCP, TLS and the certificate's expiry for https), authenticated
(where the credentials come from, the cached token's freshness, an authenticated call), the
server version where the API says it, the round-trip latency, the clock skew from the Date
header, and the product's own health (gwctl.cli.product_health). Secrets are never shown.
"""

from __future__ import annotations

import time
from typing import Any

import click

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit

PROBE_TIMEOUT = 10.0  # seconds per request unless --timeout says otherwise


def _ms(value: Any) -> str:
    return "" if value is None else f"{value:.0f}ms"


def _skew(value: Any) -> str:
    return "" if value is None else f"{value:+.0f}s"


def _auth_cell(row: dict[str, Any]) -> str:
    ok = row["auth"]["ok"]
    if ok is None:  # not checked: unreachable, or an API without credentials (Gatekeeper)
        return "-" if row["reachable"].get("ok") else ""
    return "yes" if ok else f"no: {row['auth']['error']}"


COLUMNS = (
    Column("profile", "profile"),
    Column("product", "product"),
    Column("reachable", lambda r: "yes" if r["reachable"]["ok"] else f"no: {r['reachable']['error']}"),
    Column("tls", lambda r: r["reachable"].get("certificate_expires") or ("-" if r["reachable"]["ok"] else "")),
    Column("auth", lambda r: _auth_cell(r)),
    Column("credentials", lambda r: r["auth"]["source"], default=False),
    Column("token", lambda r: r["auth"]["token"]),
    Column("version", "version"),
    Column("latency", lambda r: _ms(r["latency_ms"])),
    Column("skew", lambda r: _skew(r["clock_skew_s"])),
    Column("health", lambda r: r["health"]["summary"] or ""),
    Column("status", lambda r: "ok" if r["ok"] else "FAIL"),
)


def _reach(profile: Any, timeout: float) -> dict[str, Any]:
    """DNS, TCP connect and (https) the TLS handshake, each timed; the certificate's expiry."""
    import socket
    import ssl
    from urllib.parse import urlsplit

    parts = urlsplit(profile.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    result: dict[str, Any] = {"ok": False, "host": host, "port": port, "dns_ms": None, "connect_ms": None,
                              "tls_ms": None, "certificate_expires": None, "error": None}
    started = time.perf_counter()
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        result["error"] = f"DNS: {exc.strerror or exc}"
        return result
    result["dns_ms"] = (time.perf_counter() - started) * 1000
    family, kind, proto, _, address = addresses[0]
    started = time.perf_counter()
    sock = socket.socket(family, kind, proto)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
        result["connect_ms"] = (time.perf_counter() - started) * 1000
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=profile.ca_bundle or None)
            if profile.insecure:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            started = time.perf_counter()
            with context.wrap_socket(sock, server_hostname=host) as tls:
                result["tls_ms"] = (time.perf_counter() - started) * 1000
                cert = tls.getpeercert() or {}
            if cert.get("notAfter"):
                expires = ssl.cert_time_to_seconds(cert["notAfter"])
                result["certificate_expires"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires))
    except ssl.SSLError as exc:
        result["error"] = f"TLS: {exc.reason or exc}"
        return result
    except OSError as exc:
        result["error"] = "connection refused" if isinstance(exc, ConnectionRefusedError) \
            else f"TCP: {exc.strerror or type(exc).__name__}"
        return result
    finally:
        sock.close()
    result["ok"] = True
    return result


def _credentials(app: Any, profile: Any) -> tuple[str, str]:
    """(where the secrets come from, the cached token's freshness): never a value."""
    from gwctl.config.credentials import TokenCache
    from gwctl.resources.expiry import token_entries
    from gwctl.products import PRODUCTS

    spec = PRODUCTS[profile.product]
    creds = app.credentials(profile)
    origins = []
    for secret in spec.secrets:
        try:
            found = creds.lookup(secret.name)
        except Exception:  # noqa: BLE001 - an unusable keyring shows as unknown here; auth says why
            found = None
        if found:
            origins.append(f"{secret.name}={found.origin}")
    source = ", ".join(origins) or ("none needed" if not spec.secret_sets else "missing")
    entries = token_entries(TokenCache(), profile)
    now = time.time()
    fresh = [expires - now for expires in entries.values() if expires > now]
    from gwctl.columns import duration_text

    token = f"fresh {duration_text(max(fresh))}" if fresh else ("stale" if entries else "none cached")
    if not spec.secret_sets:
        token = "-"
    return source, token


class _ProbeApp:
    """Builds the AppContext one profile's probe runs on (its own client; answers observed)."""

    @staticmethod
    def make(main: Any, name: str) -> Any:
        from gwctl.cli.context import AppContext, GlobalOptions

        class ProbeApp(AppContext):
            def __init__(self) -> None:
                values = {slot: getattr(main.opts, slot) for slot in GlobalOptions.DEFAULTS}
                values.update(profile=name, profile_from_env=False, all_profiles=False)
                super().__init__(GlobalOptions(**values))
                self._config = main.config
                self.first: tuple[float, str | None, float] | None = None  # (round trip, Date, received)
                self.notes: list[str] = []

            @property
            def can_prompt(self) -> bool:
                return False

            def err(self, text: str) -> None:
                self.notes.append(text)

            def client_config(self, profile: Any, **overrides: Any) -> Any:
                config = super().client_config(profile, **overrides)
                config.max_retries = 0  # a status reports what it finds; it does not retry
                if not (main.opts.timeout or profile.timeout):
                    config.timeout = PROBE_TIMEOUT
                    config.connect_timeout = min(config.connect_timeout, PROBE_TIMEOUT)
                config.observe = self.observe
                return config

            def observe(self, response: Any, seconds: float) -> None:
                if self.first is None and response.status_code < 500:
                    self.first = (seconds, response.headers.get("Date"), time.time())

        return ProbeApp()


def probe(main: Any, name: str) -> dict[str, Any]:
    """One profile's row."""
    from email.utils import parsedate_to_datetime

    from gwctl.cli.context import fleet_app
    from gwctl.cli.product_health import PROBES
    from gwctl.errors import AuthError, GwctlError, PermissionDeniedError

    profile = main.config.get(name)
    app = _ProbeApp.make(main, name)
    token = fleet_app.set(app)
    row: dict[str, Any] = {"profile": name, "product": profile.product, "url": profile.url, "ok": False,
                           "reachable": {}, "auth": {"ok": None, "source": "", "token": "", "error": None},
                           "version": None, "latency_ms": None, "clock_skew_s": None,
                           "health": {"ok": None, "summary": None, "details": None}, "problems": []}
    try:
        timeout = main.opts.timeout or profile.timeout or PROBE_TIMEOUT
        row["reachable"] = _reach(profile, timeout)
        row["auth"]["source"], row["auth"]["token"] = _credentials(app, profile)
        if not row["reachable"]["ok"]:
            row["problems"].append(f"unreachable: {row['reachable']['error']}")
            return row
        try:
            health = PROBES[profile.product](app.client(profile.product))
        except (AuthError, PermissionDeniedError) as exc:
            row["auth"].update(ok=False, error=exc.message)
            row["problems"].append(f"not authenticated: {exc.message}")
        except GwctlError as exc:
            row["health"].update(ok=False, summary=f"error: {exc.message}")
            row["problems"].append(exc.message)
        else:
            row["auth"]["ok"] = True if PRODUCT_AUTH.get(profile.product, True) else None
            row["version"] = health.version
            row["health"] = {"ok": health.ok, "summary": health.summary, "details": health.details}
            if not health.ok:
                row["problems"].append(f"unhealthy: {health.summary}")
        row["auth"]["source"], row["auth"]["token"] = _credentials(app, profile)
        if app.first is not None:
            seconds, date, received = app.first
            row["latency_ms"] = round(seconds * 1000, 1)
            if date:
                try:
                    row["clock_skew_s"] = round(parsedate_to_datetime(date).timestamp() - (received - seconds / 2))
                except (TypeError, ValueError):
                    pass
    finally:
        fleet_app.reset(token)
        app.close()
        row["ok"] = not row["problems"]
    return row


# Products whose API checks credentials (Gatekeeper's status needs none).
PRODUCT_AUTH = {"gatekeeper": False}


@click.command("status")
@click.option("--check", is_flag=True, help="Exit 14 when any profile fails a check (for monitoring and cron).")
@click.option("--product", "products", multiple=True, metavar="PRODUCT",
              type=click.Choice(("opa", "pomerium", "api7", "sg", "gatekeeper")),
              help="Only profiles of this product (repeatable).")
def status(check: bool, products: tuple[str, ...]) -> None:
    """Check every profile in parallel: reachable (DNS, TCP, TLS certificate expiry), authenticated
    (credential source, token freshness), server version, latency, clock skew, product health.

    Without -p, every profile; -p takes names, comma lists and globs ('prod-*'). Health is the
    product's own: Gatekeeper seal state and peers, OPA gateways online/offline, Secure Gateway
    gateways connected, API7 gateway instances healthy, Pomerium cluster health checks.

    \b
    Examples:
      gwctl status
      gwctl status -p 'sandbox-*' --check -o json
    """
    from concurrent.futures import ThreadPoolExecutor

    from gwctl.cli.global_options import FLEET_CONCURRENCY
    from gwctl.errors import CheckFailed

    main = get_app()
    names = selected(main, products)
    with ThreadPoolExecutor(max_workers=min(main.opts.fleet_concurrency or FLEET_CONCURRENCY, len(names)),
                            thread_name_prefix="gwctl-status") as pool:
        rows = list(pool.map(lambda n: probe(main, n), names))
    emit(rows, COLUMNS)
    failed = [r["profile"] for r in rows if not r["ok"]]
    if check and failed:
        raise CheckFailed(f"{len(failed)} of {len(rows)} profiles failed a check: {', '.join(failed)}")


status.fleet_native = True  # type: ignore[attr-defined]


def selected(main: Any, products: tuple[str, ...] = ()) -> list[str]:
    """The profiles a fleet-wide command covers: -p names and globs (any product), else all."""
    from fnmatch import fnmatchcase

    from gwctl.errors import NotFoundError, UsageError

    config = main.config
    spec = None if main.opts.all_profiles else main.opts.profile
    if spec:
        names: set[str] = set()
        for pattern in (p.strip() for p in spec.split(",") if p.strip()):
            if any(c in pattern for c in "*?["):
                names.update(n for n in config.profiles if fnmatchcase(n, pattern))
            elif pattern in config.profiles:
                names.add(pattern)
            elif not main.opts.profile_from_env:
                raise NotFoundError(f"profile {pattern!r} does not exist",
                                    hint="list profiles with `gwctl profile list`")
    else:
        names = set(config.profiles)
    if products:
        names = {n for n in names if config.profiles[n].product in products}
    if not names:
        what = f"-p {spec!r}" if spec else "no profile is configured"
        raise UsageError(f"no profile to check: {what}" if spec else f"nothing to check: {what}",
                         hint="add one with `gwctl profile add`, or run `gwctl sandbox start`")
    return sorted(names)
