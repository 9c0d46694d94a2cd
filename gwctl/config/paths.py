"""Where gwctl keeps its files. Each location can be overridden by an env var."""

from __future__ import annotations

import os
from pathlib import Path


def config_dir() -> Path:
    """GWCTL_CONFIG_DIR, else $XDG_CONFIG_HOME/gwctl, else ~/.config/gwctl (macOS too)."""
    explicit = os.environ.get("GWCTL_CONFIG_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg) if xdg else Path.home() / ".config"
    return base / "gwctl"


def state_dir() -> Path:
    """GWCTL_STATE_DIR, else the platform's user state dir (sandbox pid file and logs)."""
    explicit = os.environ.get("GWCTL_STATE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_state_dir("gwctl", appauthor=False))


def cache_dir() -> Path:
    """GWCTL_CACHE_DIR, else the platform's user cache dir (short-lived token cache)."""
    explicit = os.environ.get("GWCTL_CACHE_DIR")
    if explicit:
        return Path(explicit)
    import platformdirs

    return Path(platformdirs.user_cache_dir("gwctl", appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def secrets_file() -> Path:
    """Plaintext secrets, only for profiles whose owner chose --insecure-storage."""
    return config_dir() / "credentials.json"


def token_cache_file() -> Path:
    return cache_dir() / "tokens.json"
