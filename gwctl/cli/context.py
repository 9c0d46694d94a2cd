"""The per-invocation application context: global options, streams, profiles, clients.

Everything is built on first use, so commands that need no profile or network
never read config, touch the keyring or import httpx.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Any

import click
import time
from contextvars import ContextVar

from gwctl.cli.global_options import META_KEY, force_tty

if TYPE_CHECKING:
    from gwctl.config.credentials import Credentials, TokenCache
    from gwctl.config.profiles import Config, Profile


# Tests replace this so retries never really wait.
sleep = time.sleep

# The profile the running command uses, once resolved: hints name it so they run as printed.
active_profile: str | None = None

# The AppContext of one profile's run when a command runs across several profiles (gwctl.cli.fleet):
# each worker thread sets its own, so clients, profile and output never mix between profiles.
fleet_app: ContextVar[Any] = ContextVar("gwctl_fleet_app", default=None)


class GlobalOptions:
    """The parsed global options (from the root or any leaf; the leaf wins)."""

    DEFAULTS: dict[str, Any] = {"profile": None, "profile_from_env": False, "output": None, "query": None, "columns": None,
                                "no_headers": False, "verbose": 0, "timeout": None, "no_color": False,
                                "all_profiles": False, "fleet_concurrency": None}
    __slots__ = tuple(DEFAULTS)

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(self.DEFAULTS)
        if unknown:
            raise TypeError(f"unknown global options: {', '.join(sorted(unknown))}")
        for name, default in self.DEFAULTS.items():
            setattr(self, name, values.get(name, default))


class AppContext:
    # Set on the AppContext of one profile of a fleet run: emit() hands it what it would render.
    sink: Any = None

    def __init__(self, opts: GlobalOptions) -> None:
        self.opts = opts
        self._config: Config | None = None
        self._clients: dict[str, Any] = {}
        self._credentials: dict[str, Credentials] = {}
        self.overrides: dict[str, Any] = {}  # per-command profile option overrides (--org, --gateway-group)
        self.profile_name: str | None = None

    # --- streams -------------------------------------------------------
    @property
    def stdout_tty(self) -> bool:
        return force_tty() or _isatty(sys.stdout)

    @property
    def stderr_tty(self) -> bool:
        return force_tty() or _isatty(sys.stderr)

    @property
    def can_prompt(self) -> bool:
        return _isatty(sys.stdin) and (force_tty() or _isatty(sys.stderr))

    @property
    def color(self) -> bool:
        return not (self.opts.no_color or os.environ.get("NO_COLOR")) and self.stdout_tty

    @property
    def output(self) -> str:
        if self.opts.output:
            return self.opts.output
        return "table" if self.stdout_tty else "tsv"

    @property
    def machine_output(self) -> bool:
        return self.output in ("json", "jsonl", "yaml")

    def out(self, text: str = "") -> None:
        sys.stdout.write(text + "\n")

    def err(self, text: str) -> None:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    @property
    def stderr_color(self) -> bool:
        return not (self.opts.no_color or os.environ.get("NO_COLOR")) and self.stderr_tty

    def warn(self, text: str) -> None:
        line = f"warning: {runnable_hint(text)}"
        self.err(f"\x1b[33m{line}\x1b[0m" if self.stderr_color else line)  # yellow on a terminal only

    def log(self, line: str) -> None:
        """HTTP debug lines (already redacted by the transport)."""
        self.err(line)

    # --- configuration -------------------------------------------------
    @property
    def config(self) -> Config:
        if self._config is None:
            from gwctl.config.profiles import load

            self._config = load()
        return self._config

    def profile(self, product: str) -> Profile:
        profile = self.config.resolve(product, self.opts.profile, from_env=self.opts.profile_from_env)
        self.profile_name = profile.name
        if fleet_app.get() is None:
            global active_profile
            active_profile = profile.name
        return profile

    def credentials(self, profile: Profile) -> Credentials:
        if profile.name not in self._credentials:
            from gwctl.config.credentials import Credentials

            self._credentials[profile.name] = Credentials(profile.name, profile.product, profile.storage)
        return self._credentials[profile.name]

    def token_cache(self) -> TokenCache:
        from gwctl.config.credentials import TokenCache

        return TokenCache()

    def client_config(self, profile: Profile, **overrides: Any):
        from gwctl.api.http import ClientConfig

        timeout = self.opts.timeout or profile.timeout or 30.0
        if profile.insecure:
            self.warn(f"TLS verification is off for profile {profile.name!r} (--insecure)")
        config = ClientConfig(
            base_url=profile.url,
            product=profile.product,
            timeout=timeout,
            connect_timeout=min(timeout, 10.0),
            verify=not profile.insecure,
            ca_bundle=profile.ca_bundle,
            verbosity=self.opts.verbose,
            log=self.log,
            sleep=lambda seconds: sleep(seconds),
        )
        for key, value in overrides.items():
            setattr(config, key, value)
        return config

    def connection(self, product: str):
        from gwctl.api.base import Connection

        profile = self.profile(product)
        options = dict(profile.options)
        options.update({k: v for k, v in self.overrides.items() if v not in (None, "")})
        return Connection(
            profile_name=profile.name,
            product=product,
            url=profile.url,
            options=options,
            config=self.client_config(profile),
            secrets=self.credentials(profile),
            token_cache=self.token_cache(),
        )

    def client(self, product: str) -> Any:
        """The product's API client for the selected profile (built once)."""
        if product not in self._clients:
            module = importlib.import_module(f"gwctl.api.{product}.client")
            self._clients[product] = module.connect(self.connection(product))
        return self._clients[product]

    def drop_client(self, product: str) -> None:
        """Build the product's client afresh on next use (its credentials changed)."""
        client = self._clients.pop(product, None)
        close = getattr(client, "close", None)
        if close:
            close()

    def close(self) -> None:
        for client in self._clients.values():
            close = getattr(client, "close", None)
            if close:
                close()
        self._clients.clear()


PRODUCT_WORDS = ("opa", "pomerium", "api7", "sg", "gatekeeper")


def runnable_hint(text: str) -> str:
    """The commands quoted in a hint as they run: with the profile the command used (`-p NAME`, PROFILE filled in)."""
    worker = fleet_app.get()
    current = getattr(worker, "profile_name", None) if worker is not None else active_profile
    if not current or "`" not in text:
        return text
    import re
    import shlex

    name = shlex.quote(current)

    def with_profile(match: re.Match) -> str:
        command = match.group(0).replace("PROFILE", name)
        words = command.split()
        if len(words) < 2 or "-p" in words or "--profile" in words:
            return command
        if words[1] in PRODUCT_WORDS:
            return f"gwctl -p {name} {command[len('gwctl '):]}"
        if words[1] == "auth" and len(words) > 2 and words[2] in ("login", "status", "logout", "token"):
            return f"{command.rstrip()} -p {name}"
        return command

    return re.sub(r"`[^`]*`", lambda span: re.sub(r"\bgwctl [^`|;&]*", with_profile, span.group(0)), text)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def get_app(ctx: click.Context | None = None) -> AppContext:
    """The AppContext of the running command, built from the parsed global options."""
    worker = fleet_app.get()
    if worker is not None:
        return worker
    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        raw = ctx.meta.get(META_KEY, {})
        output = "json" if raw.get("json") else raw.get("output")
        opts = GlobalOptions(
            profile=raw.get("profile"),
            profile_from_env=bool(raw.get("profile_from_env")),
            output=output,
            query=raw.get("query"),
            columns=raw.get("columns"),
            no_headers=bool(raw.get("no_headers")),
            verbose=int(raw.get("verbose", 0)),
            timeout=raw.get("timeout"),
            no_color=bool(raw.get("no_color")),
            all_profiles=bool(raw.get("all_profiles")),
            fleet_concurrency=raw.get("fleet_concurrency"),
        )
        if opts.query:
            _check_query(opts.query)
        global active_profile
        active_profile = None
        root.obj = AppContext(opts)
        root.call_on_close(root.obj.close)
    return root.obj


def _check_query(expression: str) -> None:
    """Reject a bad --query before the command sends anything (a create must not half-happen)."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    from gwctl.errors import UsageError

    try:
        jmespath.compile(expression)
    except JMESPathError as exc:
        raise UsageError(f"invalid --query: {' '.join(str(exc).split())}") from None
