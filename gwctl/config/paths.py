"""Where gwctl keeps its files. Each location can be overridden by an env var.

Paths are plain strings (os.path): pathlib costs ~3 ms of import on every command.
"""

from __future__ import annotations

import os


def config_dir() -> str:
    """GWCTL_CONFIG_DIR, else $XDG_CONFIG_HOME/gwctl, else ~/.config/gwctl (macOS too)."""
    explicit = os.environ.get("GWCTL_CONFIG_DIR")
    if explicit:
        return explicit
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = xdg if xdg else os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "gwctl")


def state_dir() -> str:
    """GWCTL_STATE_DIR, else the platform's user state dir (sandbox pid file and logs)."""
    explicit = os.environ.get("GWCTL_STATE_DIR")
    if explicit:
        return explicit
    import platformdirs

    return platformdirs.user_state_dir("gwctl", appauthor=False)


def cache_dir() -> str:
    """GWCTL_CACHE_DIR, else the platform's user cache dir (short-lived token cache)."""
    explicit = os.environ.get("GWCTL_CACHE_DIR")
    if explicit:
        return explicit
    import platformdirs

    return platformdirs.user_cache_dir("gwctl", appauthor=False)


def config_file() -> str:
    return os.path.join(config_dir(), "config.toml")


def secrets_file() -> str:
    """Plaintext secrets, only for profiles whose owner chose --insecure-storage."""
    return os.path.join(config_dir(), "credentials.json")


def token_cache_file() -> str:
    return os.path.join(cache_dir(), "tokens.json")
