"""`gwctl sandbox`: run the emulators of all five admin APIs on 127.0.0.1.

`serve` runs them in the foreground; `start` runs `serve` as a background
process and waits until it has written its state file (pid, URLs, profiles).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import click

from gwctl.cli.context import get_app
from gwctl.cli.render import Column, emit
from gwctl.cli.versions import SANDBOX_VERSIONS as API7_VERSIONS
from gwctl.errors import GwctlError, NotFoundError, UsageError
from gwctl.products import PRODUCTS

PROFILE_PREFIX = "sandbox-"
START_TIMEOUT = 20.0
STATUS_COLUMNS = (
    Column("product", "product"),
    Column("url", "url", header="URL"),
    Column("profile", "profile"),
    Column("example", "example"),
)


def state_file() -> str:
    from gwctl.config import paths

    return os.path.join(paths.state_dir(), "sandbox.json")


def log_file() -> str:
    from gwctl.config import paths

    return os.path.join(paths.state_dir(), "sandbox.log")


def pid_alive(pid: int) -> bool:
    """True while `pid` is a live sandbox process.

    A zombie (killed, not yet reaped: containers often have no init that reaps) is dead, and
    so is a pid the system has since given to another program (where /proc can tell).
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            cmdline = fh.read().split(b"\0")
    except OSError:  # no /proc (macOS) or it just exited: trust kill(0)
        return True
    if stat[stat.rfind(b")") + 2:][:1] in (b"Z", b"X"):
        return False
    return pid == os.getpid() or (b"sandbox" in cmdline and b"serve" in cmdline)


def read_state() -> dict | None:
    """The running sandbox's state; a stale file (dead pid, garbage) is removed."""
    path = state_file()
    try:
        with open(path, encoding="utf-8") as fh:
            state = json.load(fh)
        pid = int(state["pid"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        _remove(path)
        return None
    if not pid_alive(pid):
        _remove(path)
        return None
    return state


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _rows(state: dict) -> list[dict]:
    rows = [
        {"product": product, "url": info["url"], "profile": info["profile"], "example": PRODUCTS[product].sandbox_example}
        for product, info in state["products"].items()
    ]
    for name, info in sorted((state.get("fleet") or {}).items()):
        rows.append({"product": info["product"], "url": info["url"], "profile": name, "example": ""})
    return rows


def _summary(state: dict, verb: str) -> None:
    app = get_app()
    if app.machine_output or app.opts.query:
        emit({"running": True, **state, "endpoints": _rows(state)})
        return
    app.err(f"sandbox {verb} (pid {state['pid']}); credentials stored in the {state['storage']}")
    emit(_rows(state), STATUS_COLUMNS)
    app.err("to try:")
    for product, info in state["products"].items():
        for line in info.get("fixtures") or ():
            app.err(f"  {product}: {line}")
    if state.get("fleet"):
        app.err("  fleet: gwctl status; gwctl -p 'sandbox-opa*' opa gateways list; gwctl expiring --within 30d")
    app.err("stop it with `gwctl sandbox stop`")


def register_profiles(endpoints: dict[str, tuple[str, dict, dict]],
                      fleet: dict[str, tuple[str, str, dict, dict]] | None = None) -> str:
    """Write a `sandbox-<product>` profile per emulator (and one per fleet member: name ->
    (product, url, options, secrets)) and store its credentials.

    Returns where the credentials went: the keyring when one works, else the 0600 file.
    """
    from gwctl.config.credentials import Credentials, TokenCache, keyring_usable
    from gwctl.config.profiles import Edit, build_profile

    storage = "keyring" if keyring_usable() else "file"
    every = {PROFILE_PREFIX + product: (product, *entry) for product, entry in endpoints.items()}
    every.update(fleet or {})
    with Edit() as config:
        for name, (product, url, options, _) in every.items():
            profile = build_profile(name, product, url, options)
            profile.storage = storage
            config.profiles[name] = profile
            if name == PROFILE_PREFIX + product:
                config.defaults.setdefault(product, name)
    for name, (product, _, _, secrets) in every.items():
        creds = Credentials(name, product, storage, env={})
        for key, value in secrets.items():
            creds.store(key, value, storage)
        TokenCache().drop_prefix(f"{name}:")
    return "OS keyring" if storage == "keyring" else "0600 credentials file"


@click.group("sandbox", no_args_is_help=True)
def group() -> None:
    """Run local emulators of all five admin APIs on 127.0.0.1, with ready profiles.

    Example: gwctl sandbox start && gwctl -p sandbox-gatekeeper gatekeeper status
    """




def _port_base_option(fn):
    return click.option("--port-base", type=click.IntRange(1024, 65000), default=None,
                        help="First port; products use consecutive ports (default: free ports).")(fn)


def _fleet_option(fn):
    return click.option("--fleet", type=click.IntRange(0, 20), default=0, metavar="N", show_default=True,
                        help="Also run N more endpoints per product, each its own team, organization or region, "
                             "with profiles sandbox-PRODUCT-2 ... (for `gwctl status` and -p 'sandbox-*').")(fn)


def _version_of(product: str, api7_version: str) -> dict[str, str]:
    """The emulator's keyword arguments: the API7 emulator follows --api7-version."""
    return {"version": api7_version} if product == "api7" else {}


@group.command("serve")
@_port_base_option
@_fleet_option
@click.option("--detached", is_flag=True, hidden=True, help="Internal: run as the background process of `start`.")
@click.option("--api7-version", type=click.Choice(API7_VERSIONS), default="3.2.11", show_default=True,
              help="The API7 Enterprise version the API7 emulator follows.")
def serve(port_base: int | None, fleet: int, detached: bool, api7_version: str = "3.2.11") -> None:
    """Run the sandbox in the foreground until Ctrl-C (or SIGTERM).

    Example: gwctl sandbox serve
    """
    from gwctl.config.files import write_private
    from gwctl.sandbox import registry
    from gwctl.sandbox.server import serve as serve_app

    app = get_app()
    existing = read_state()
    if existing and existing["pid"] != os.getpid():
        raise UsageError(f"a sandbox is already running (pid {existing['pid']})", hint="stop it with `gwctl sandbox stop`")
    products = registry.available()
    servers = []
    endpoints: dict[str, tuple[str, dict, dict]] = {}
    fixtures: dict[str, list[str]] = {}
    try:
        for offset, product in enumerate(products):
            emulator = registry.load(product)(**_version_of(product, api7_version))
            port = port_base + offset if port_base else 0
            try:
                server = serve_app(emulator, port=port)
            except OSError as exc:
                raise UsageError(f"cannot listen on 127.0.0.1:{port} for {product}: {exc.strerror}",
                                 hint="choose another --port-base") from None
            servers.append(server)
            endpoints[product] = (emulator.profile_url(server.url), emulator.profile_options(server.url),
                                  emulator.credentials())
            fixtures[product] = emulator.fixtures()
            servers += emulator.start_companions(server.url, serve_app)  # e.g. Gatekeeper's HA peers
        members: dict[str, tuple[str, str, dict, dict]] = {}
        for n in range(2, fleet + 2):
            for product in products:
                member = registry.load(product).fleet_member(n, **_version_of(product, api7_version))
                try:
                    server = serve_app(member)
                except OSError as exc:
                    raise UsageError(f"cannot listen on 127.0.0.1 for {product}: {exc.strerror}") from None
                servers.append(server)
                members[f"{PROFILE_PREFIX}{product}-{n}"] = (product, member.profile_url(server.url),
                                                             member.profile_options(server.url), member.credentials())
        storage = register_profiles(endpoints, members)
        state = {
            "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "storage": storage,
            "api7_version": api7_version,
            "products": {p: {"url": e[0], "profile": PROFILE_PREFIX + p, "fixtures": fixtures[p]}
                         for p, e in endpoints.items()},
        }
        if members:
            state["fleet"] = {name: {"product": m[0], "url": m[1]} for name, m in members.items()}
        write_private(state_file(), json.dumps(state, indent=2))
        if not detached:
            _summary(state, "running in the foreground")
            app.err("press Ctrl-C to stop")
        signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    finally:
        for server in servers:
            server.stop()
        current = _state_pid()
        if current == os.getpid():
            _remove(state_file())


def _raise_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt


def _state_pid() -> int | None:
    try:
        with open(state_file(), encoding="utf-8") as fh:
            return int(json.load(fh)["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


@group.command("start")
@_port_base_option
@click.option("--api7-version", type=click.Choice(API7_VERSIONS), default=None,
              help="The API7 Enterprise version the API7 emulator follows (default: 3.2.11; 3.9: API products, "
                   "plugin catalogs, IAM policy references).")
@_fleet_option
def start(port_base: int | None, fleet: int, api7_version: str | None = None) -> None:
    """Start the sandbox in the background (idempotent: reports a running one).

    Examples:
      gwctl sandbox start
      gwctl sandbox start --api7-version 3.9
      gwctl sandbox start --fleet 2
    """
    state = read_state()
    if state:
        running = state.get("api7_version") or API7_VERSIONS[0]
        if api7_version and api7_version != running:
            raise UsageError(f"the sandbox is already running, with API7 {running}",
                             hint=f"stop it first: `gwctl sandbox stop`, then `gwctl sandbox start --api7-version "
                                  f"{api7_version}`")
        _summary(state, "is already running")
        return
    from gwctl.config.files import ensure_parent

    ensure_parent(state_file())
    argv = [sys.executable, "-m", "gwctl", "sandbox", "serve", "--detached"]
    if port_base:
        argv += ["--port-base", str(port_base)]
    argv += ["--api7-version", api7_version or API7_VERSIONS[0]]
    if fleet:
        argv += ["--fleet", str(fleet)]
    # The log may show request paths and profile names: 0600 like every file gwctl writes.
    log_fd = os.open(log_file(), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.chmod(log_file(), 0o600)
    with os.fdopen(log_fd, "ab") as log:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                                 close_fds=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise GwctlError(f"the sandbox exited during start (status {child.returncode})",
                             hint=f"see {log_file()}")
        state = read_state()
        if state and state.get("pid") == child.pid:
            _summary(state, "started")
            return
        time.sleep(0.05)
    child.terminate()
    raise GwctlError(f"the sandbox did not start within {START_TIMEOUT:g}s", hint=f"see {log_file()}")


@group.command("status")
def status() -> None:
    """Show the running sandbox's endpoints and profiles (exit 3 when none runs).

    Example: gwctl sandbox status
    """
    state = read_state()
    if not state:
        app = get_app()
        if app.machine_output:
            emit({"running": False})
        raise NotFoundError("the sandbox is not running", hint="start it with `gwctl sandbox start`")
    _summary(state, "is running")


@group.command("stop")
@click.option("--purge", is_flag=True, help="Also remove the sandbox-* profiles and their credentials.")
def stop(purge: bool) -> None:
    """Stop the background sandbox; keeps its profiles unless --purge.

    Examples:
      gwctl sandbox stop
      gwctl sandbox stop --purge
    """
    app = get_app()
    state = read_state()
    if state:
        pid = int(state["pid"])
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
            _reap(pid)
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        _remove(state_file())
        app.err(f"stopped the sandbox (pid {pid})")
    else:
        app.err("the sandbox is not running")
    if purge:
        removed = purge_profiles()
        app.err(f"removed {len(removed)} sandbox profile(s)" + (f": {', '.join(removed)}" if removed else ""))


def _reap(pid: int) -> None:
    """Collect our own child (`start` then `stop` in one process, as in tests)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def purge_profiles() -> list[str]:
    from gwctl.config.credentials import Credentials, TokenCache
    from gwctl.config.profiles import Edit

    with Edit() as config:
        doomed = [p for p in config.profiles.values() if p.name.startswith(PROFILE_PREFIX)]
        for profile in doomed:
            del config.profiles[profile.name]
            if config.defaults.get(profile.product) == profile.name:
                del config.defaults[profile.product]
    for profile in doomed:
        Credentials(profile.name, profile.product, profile.storage).forget()
        TokenCache().drop_prefix(f"{profile.name}:")
    return [p.name for p in doomed]
