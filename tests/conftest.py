"""Test isolation: temp config/state/cache dirs, an in-memory keyring, loopback-only
network, no real sleeping; plus `gw` to run the CLI and `emulator` to serve one."""

from __future__ import annotations

import io
import os
import socket
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest
from emulator_profiles import add_profile

SECRET_ENV = (
    "GWCTL_OPA_KEY_ID", "GWCTL_OPA_KEY_SECRET", "GWCTL_POMERIUM_TOKEN", "GWCTL_API7_API_KEY",
    "GWCTL_API7_USERNAME", "GWCTL_API7_PASSWORD", "GWCTL_API7_SESSION", "GWCTL_IBM_API_KEY", "GWCTL_VAULT_TOKEN",
    "GWCTL_VAULT_SECRET_ID", "GWCTL_GITHUB_TOKEN", "GWCTL_SG_CONNECTOR_APIKEY",
)


class MemoryKeyring:
    """A keyring backend that lives in a dict (never the developer's keychain)."""

    priority = 1

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.store.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.store[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        from keyring.errors import PasswordDeleteError

        if (service, user) not in self.store:
            raise PasswordDeleteError(user)
        del self.store[(service, user)]

    def get_credential(self, service, user):  # pragma: no cover - keyring API completeness
        return None


def _make_memory_backend():
    from keyring.backend import KeyringBackend

    class Backend(MemoryKeyring, KeyringBackend):
        pass

    return Backend()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    for name in SECRET_ENV + ("GWCTL_PROFILE", "GWCTL_OUTPUT", "GWCTL_FORCE_TTY", "NO_COLOR", "FORCE_COLOR",
                              "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
                              "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("GWCTL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("GWCTL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("GWCTL_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COLUMNS", "120")
    import keyring

    from gwctl.config import credentials

    backend = _make_memory_backend()
    keyring.set_keyring(backend)
    credentials.reset_keyring_probe()
    sleeps: list[float] = []
    import gwctl.cli.context as context

    monkeypatch.setattr(context, "sleep", sleeps.append, raising=False)
    yield {"keyring": backend, "sleeps": sleeps, "tmp": tmp_path}
    credentials.reset_keyring_probe()


@pytest.fixture
def keyring_store(isolated) -> dict:
    return isolated["keyring"].store


@pytest.fixture
def sleeps(isolated) -> list[float]:
    return isolated["sleeps"]


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """No test may send traffic anywhere but 127.0.0.1 / ::1."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ("127.0.0.1", "::1", "localhost"):
                raise OSError(f"test tried to reach {host}: only loopback is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        import json

        return json.loads(self.out)

    @property
    def all(self) -> str:
        return self.out + self.err


class _TTYStringIO(io.StringIO):
    def __init__(self, text: str = "", tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@dataclass
class Runner:
    monkeypatch: Any
    env: dict[str, str] = field(default_factory=dict)

    def __call__(self, *argv: str, stdin: str = "", tty: bool = False, stdin_tty: bool = False,
                 env: dict[str, str] | None = None) -> Result:
        from gwctl.main import main

        merged = {**self.env, **(env or {})}
        saved = {k: os.environ.get(k) for k in merged}
        os.environ.update(merged)
        out, err = _TTYStringIO(tty=tty), _TTYStringIO(tty=tty)
        old = sys.stdin, sys.stdout, sys.stderr
        sys.stdin, sys.stdout, sys.stderr = _TTYStringIO(stdin, tty=stdin_tty), out, err
        try:
            code = main(list(argv))
        finally:
            sys.stdin, sys.stdout, sys.stderr = old
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def gw(monkeypatch) -> Runner:
    """Run `gwctl ARGV` in-process: gw("profile", "list", tty=True) -> Result(code, out, err)."""
    return Runner(monkeypatch)


@pytest.fixture
def serve():
    """serve(emulator) -> RunningServer on 127.0.0.1; stopped after the test."""
    from gwctl.sandbox.server import serve as _serve

    running = []

    def start(app):
        server = _serve(app)
        running.append(server)
        return server

    yield start
    for server in running:
        server.stop()


@dataclass
class SandboxHandle:
    product: str
    emulator: Any
    server: Any
    profile: str
    env: dict[str, str]
    gw: Runner

    def run(self, *argv: str, **kwargs: Any) -> Result:
        return self.gw(*argv, **kwargs)


@pytest.fixture
def sandbox(gw, serve, monkeypatch):
    """sandbox("opa") -> a profile `sandbox-opa` (the default) on that product's emulator on
    127.0.0.1, with its secrets in the documented environment variables."""
    from gwctl.products import PRODUCTS
    from gwctl.sandbox import registry

    def start(product: str, **emulator_kwargs: Any) -> SandboxHandle:
        emulator = registry.load(product)(**emulator_kwargs)
        server = serve(emulator)
        name = f"sandbox-{product}"
        add_profile(gw, name, product, emulator, server.url)
        env = {PRODUCTS[product].secret(k).env: v for k, v in emulator.credentials().items()}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        emulator.clear_log()
        return SandboxHandle(product, emulator, server, name, env, gw)

    return start


@pytest.fixture
def clock():
    """The fake clock emulators run on (tests that need a fixed epoch set ``clock.now``)."""
    from fake_clock import FakeClock

    return FakeClock()


@pytest.fixture
def fake_time(monkeypatch, clock, sleeps):
    """`wait` polls on ``clock``: its sleeps advance it (and are recorded in ``sleeps``)."""
    import gwctl.cli.context as context
    import gwctl.cli.waiting as waiting

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    monkeypatch.setattr(waiting, "monotonic", clock)
    monkeypatch.setattr(context, "sleep", sleep)
    return clock
