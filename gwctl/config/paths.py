"""Where gwctl keeps its files. Each location can be overridden by an env var.

Paths are plain strings (os.path): pathlib costs ~3 ms of import on every command.
"""

from __future__ import annotations

import os


def _checked(path: str, env: str, explicit: bool) -> str:
    """``path``, or a usage error (exit 2) when it cannot be gwctl's directory: it exists but is no
    directory, or the name itself is unusable."""
    from gwctl.errors import ConfigError

    source = f"{env} ({path!r})" if explicit else path
    fix = f"point {env} at a directory" if explicit else f"move the file away or set {env} to a directory"
    if "\0" in path:
        raise ConfigError(f"{env} holds a NUL byte", hint=f"point {env} at a directory")
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"{env} is not valid UTF-8", hint=f"point {env} at a directory") from None
    if explicit and not path.strip():
        raise ConfigError(f"{env} is blank", hint=f"point {env} at a directory or unset it")
    if os.path.exists(path) and not os.path.isdir(path):
        raise ConfigError(f"{source} is not a directory", hint=fix)
    return path


def config_dir() -> str:
    """GWCTL_CONFIG_DIR, else $XDG_CONFIG_HOME/gwctl, else ~/.config/gwctl (macOS too)."""
    explicit = os.environ.get("GWCTL_CONFIG_DIR")
    if explicit:
        return _checked(explicit, "GWCTL_CONFIG_DIR", True)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = xdg if xdg else os.path.join(os.path.expanduser("~"), ".config")
    return _checked(os.path.join(base, "gwctl"), "GWCTL_CONFIG_DIR", False)


def state_dir() -> str:
    """GWCTL_STATE_DIR, else the platform's user state dir (sandbox pid file and logs)."""
    explicit = os.environ.get("GWCTL_STATE_DIR")
    if explicit:
        return _checked(explicit, "GWCTL_STATE_DIR", True)
    import platformdirs

    return _checked(platformdirs.user_state_dir("gwctl", appauthor=False), "GWCTL_STATE_DIR", False)


def cache_dir() -> str:
    """GWCTL_CACHE_DIR, else the platform's user cache dir (short-lived token cache)."""
    explicit = os.environ.get("GWCTL_CACHE_DIR")
    if explicit:
        return _checked(explicit, "GWCTL_CACHE_DIR", True)
    import platformdirs

    return _checked(platformdirs.user_cache_dir("gwctl", appauthor=False), "GWCTL_CACHE_DIR", False)


def config_file() -> str:
    return os.path.join(config_dir(), "config.toml")


def secrets_file() -> str:
    """Plaintext secrets, only for profiles whose owner chose --insecure-storage."""
    return os.path.join(config_dir(), "credentials.json")


def token_cache_file() -> str:
    return os.path.join(cache_dir(), "tokens.json")
