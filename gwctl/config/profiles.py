"""Profiles: one product endpoint each, stored in config.toml (never a secret)."""

from __future__ import annotations

import re
import sys
import os
from typing import Any

from gwctl.config import paths
from gwctl.errors import ConfigError, NotFoundError, UsageError
from gwctl.products import PRODUCTS, SG_REGION_URLS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
STORAGE_CHOICES = ("keyring", "file")
# Keys a profile may hold besides the product's own options.
COMMON_KEYS = ("product", "url", "ca_bundle", "insecure", "timeout", "storage")


class Profile:
    def __init__(self, name: str, product: str, url: str, options: dict[str, Any] | None = None, *,
                 ca_bundle: str | None = None, insecure: bool = False, timeout: float | None = None,
                 storage: str = "keyring") -> None:
        self.name = name
        self.product = product
        self.url = url
        self.options = dict(options or {})
        self.ca_bundle = ca_bundle
        self.insecure = insecure
        self.timeout = timeout
        self.storage = storage  # where `auth login` put the secrets ("keyring" or "file")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and self.to_toml() == other.to_toml() and self.name == other.name

    def __repr__(self) -> str:
        return f"Profile({self.name!r}, {self.product!r}, {self.url!r})"

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"product": self.product, "url": self.url}
        data.update({k: v for k, v in self.options.items() if v not in (None, "")})
        if self.ca_bundle:
            data["ca_bundle"] = self.ca_bundle
        if self.insecure:
            data["insecure"] = True
        if self.timeout is not None:
            data["timeout"] = self.timeout
        data["storage"] = self.storage
        return data

    @classmethod
    def from_toml(cls, name: str, data: dict[str, Any], path: str | None = None) -> Profile:
        """A profile as config.toml holds it, every value checked (a hand edit can break any of them)."""
        import math

        path = path or paths.config_file()
        where = f"profile {name!r} in {path}"

        def bad(what: str) -> ConfigError:
            return ConfigError(f"{where}: {what}")

        if not isinstance(data, dict):
            raise bad("must be a table")
        product = data.get("product")
        if not isinstance(product, str) or product not in PRODUCTS:
            raise bad(f"has an unknown product {product!r}" if isinstance(product, str) else "'product' must be a string")
        url = data.get("url", "")
        if not isinstance(url, str) or not url:
            raise bad("'url' must be a string like https://HOST")
        try:
            validate_url(url, "'url'")
        except UsageError as exc:
            raise bad(exc.message.removeprefix("invalid ")) from None
        timeout = data.get("timeout")
        if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                    or not math.isfinite(timeout) or not 0 < timeout <= 86400):
            raise bad("'timeout' must be a number of seconds, more than 0 and at most 86400")
        if not isinstance(data.get("insecure", False), bool):
            raise bad("'insecure' must be true or false")
        if not isinstance(data.get("ca_bundle", ""), str):
            raise bad("'ca_bundle' must be a file name")
        storage = data.get("storage", "keyring")
        if storage not in STORAGE_CHOICES:
            raise bad(f"'storage' must be one of {', '.join(STORAGE_CHOICES)}")
        options = {k: v for k, v in data.items() if k not in COMMON_KEYS}
        for key, value in options.items():
            if isinstance(value, (dict, list)) or (key in {o.name for o in PRODUCTS[product].options}
                                                   and not isinstance(value, str)):
                raise bad(f"{key!r} must be a string")
        return cls(
            name,
            product,
            url,
            options,
            ca_bundle=data.get("ca_bundle") or None,
            insecure=data.get("insecure", False),
            timeout=timeout,
            storage=storage,
        )

    def public_dict(self, is_default: bool = False) -> dict[str, Any]:
        data = {"name": self.name, **self.to_toml(), "default": is_default}
        return data


class Config:
    def __init__(self, profiles: dict[str, Profile] | None = None, defaults: dict[str, str] | None = None) -> None:
        self.profiles = profiles or {}
        self.defaults = defaults or {}  # product -> profile name

    def get(self, name: str) -> Profile:
        try:
            return self.profiles[name]
        except KeyError:
            raise NotFoundError(
                f"profile {name!r} does not exist",
                hint="list profiles with `gwctl profile list`",
            ) from None

    def is_default(self, profile: Profile) -> bool:
        return self.defaults.get(profile.product) == profile.name

    def resolve(self, product: str, name: str | None, from_env: bool = False) -> Profile:
        """The profile a `gwctl <product> ...` command uses.

        A GWCTL_PROFILE (``from_env``) of another product is ignored: one exported profile
        must not break the other products' commands. An explicit --profile of another product is an error.
        """
        if name and from_env and name in self.profiles and self.profiles[name].product != product:
            name = None
        if name:
            profile = self.get(name)
            if profile.product != product:
                raise UsageError(
                    f"profile {name!r} is for {profile.product}, not {product}",
                    hint=f"pick one of the {product} profiles with --profile, or see `gwctl profile list`",
                )
            return profile
        default = self.defaults.get(product)
        if default and default in self.profiles and self.profiles[default].product == product:
            return self.profiles[default]
        candidates = [p for p in self.profiles.values() if p.product == product]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise NotFoundError(
                f"no {product} profile configured",
                hint=f"create one with `gwctl profile add NAME --product {product} --url URL`, or run `gwctl sandbox start`",
            )
        names = ", ".join(sorted(p.name for p in candidates))
        raise UsageError(
            f"several {product} profiles ({names}) and none is the default",
            hint="choose with --profile NAME or `gwctl profile use NAME`",
        )

    def to_toml(self) -> dict[str, Any]:
        return {
            "defaults": dict(sorted(self.defaults.items())),
            "profiles": {name: p.to_toml() for name, p in sorted(self.profiles.items())},
        }


def load(path: str | None = None) -> Config:
    path = path or paths.config_file()
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}",
                          hint="check its permissions, or point GWCTL_CONFIG_DIR at another directory") from None
    try:
        data = tomllib.loads(raw.decode())
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not valid TOML: it is not UTF-8 text") from None
    except RecursionError:
        raise ConfigError(f"{path} is not valid TOML: nested too deep") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    profiles_raw = data.get("profiles", {})
    if not isinstance(profiles_raw, dict):
        raise ConfigError(f"{path}: [profiles] must be a table")
    if not isinstance(data.get("defaults", {}), dict):
        raise ConfigError(f"{path}: [defaults] must be a table")
    config = Config(
        profiles={name: Profile.from_toml(name, body, path) for name, body in profiles_raw.items()},
        defaults={k: v for k, v in data.get("defaults", {}).items() if isinstance(v, str)},
    )
    return config


def save(config: Config, path: str | None = None) -> None:
    import tomli_w

    path = path or paths.config_file()
    from gwctl.config.files import write_private

    try:
        write_private(path, tomli_w.dumps(config.to_toml()))
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}",
                          hint="check its permissions, or point GWCTL_CONFIG_DIR at another directory") from None


class Edit:
    """`with Edit() as config:` loads under the lock and saves atomically on success."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or paths.config_file()
        from gwctl.config.files import locked

        self._lock = locked(self.path)

    def __enter__(self) -> Config:
        self._lock.__enter__()
        try:
            self.config = load(self.path)
        except BaseException:
            self._lock.__exit__(*sys.exc_info())
            raise
        return self.config

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                save(self.config, self.path)
        finally:
            self._lock.__exit__(exc_type, exc, tb)


def validate_name(name: str, flag: str = "NAME") -> str:
    if not NAME_RE.match(name):
        raise UsageError(f"invalid profile {flag} {name!r}: use letters, digits, '-', '_' or '.' (max 64)")
    return name


def validate_url(url: str, flag: str = "--url") -> str:
    from urllib.parse import urlsplit

    try:
        userinfo = "@" in (urlsplit(url).netloc or "")
    except ValueError:
        userinfo = False
    if userinfo:  # never echo it: it may hold a password
        raise UsageError(f"invalid {flag}: it holds credentials (USER:PASSWORD@); a URL must not",
                         hint="give the URL without them and store the secret with `gwctl auth login`")
    if any(c.isspace() for c in url):
        raise UsageError(f"invalid {flag} {url!r}: no spaces allowed")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"invalid {flag} {url!r}: expected http(s)://HOST[:PORT][/PATH]")
    try:
        parts.port
    except ValueError:
        raise UsageError(f"invalid {flag} {url!r}: bad port") from None
    if parts.query or parts.fragment:
        raise UsageError(f"invalid {flag} {url!r}: no query or fragment allowed")
    return url.rstrip("/")


def build_profile(
    name: str,
    product: str | None,
    url: str | None,
    options: dict[str, Any],
    *,
    ca_bundle: str | None = None,
    insecure: bool = False,
    timeout: float | None = None,
) -> Profile:
    """Validate `profile add` input: exit 2 naming the offending option."""
    validate_name(name)
    if not product:
        raise UsageError("missing option --product", hint=f"one of: {', '.join(PRODUCTS)}")
    spec = PRODUCTS.get(product)
    if spec is None:
        raise UsageError(f"invalid --product {product!r}: choose from {', '.join(PRODUCTS)}")
    allowed = {opt.name for opt in spec.options}
    for key, value in options.items():
        if value not in (None, "") and key not in allowed:
            flag = "--" + key.replace("_", "-")
            raise UsageError(f"option {flag} does not apply to {product} profiles")
    clean: dict[str, Any] = {}
    for opt in spec.options:
        value = options.get(opt.name)
        if value in (None, ""):
            if opt.required:
                raise UsageError(f"missing option {opt.flag} (required for {product} profiles)", hint=opt.help)
            continue
        if opt.choices and value not in opt.choices:
            raise UsageError(f"invalid {opt.flag} {value!r}: choose from {', '.join(opt.choices)}")
        if opt.name.endswith("_url") or opt.name == "vault_addr":
            value = validate_url(value, opt.flag)
        elif opt.name == "peers":
            value = ",".join(validate_url(peer.strip(), opt.flag) for peer in str(value).split(",") if peer.strip())
        elif opt.name in ("kv_mount", "policy_path"):
            value = str(value).strip("/")
            if not value or any(part in ("", ".", "..") for part in value.split("/")):
                raise UsageError(f"invalid {opt.flag} {options.get(opt.name)!r}: give a path like gatekeeper or team/gatekeeper")
        clean[opt.name] = value
    if not url:
        if product == "sg" and clean.get("region"):
            url = SG_REGION_URLS[clean["region"]]
        elif spec.default_url:
            url = spec.default_url
        else:
            raise UsageError(f"missing option --url (e.g. {spec.url_help})")
    url = validate_url(url)
    if timeout is not None and timeout <= 0:
        raise UsageError(f"invalid --timeout {timeout}: must be positive")
    if ca_bundle:
        bundle = os.path.expanduser(ca_bundle)
        if not os.path.isfile(bundle):
            raise UsageError(f"invalid --ca-bundle {ca_bundle!r}: no such file")
        ca_bundle = os.path.realpath(bundle)
    if insecure and ca_bundle:
        raise UsageError("--insecure and --ca-bundle cannot be combined")
    return Profile(name, product, url, clean, ca_bundle=ca_bundle, insecure=insecure, timeout=timeout)
