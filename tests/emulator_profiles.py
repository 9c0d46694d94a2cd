"""A profile for an emulator the tests started: the one way tests point gwctl at a server."""

from __future__ import annotations

from typing import Any


def add_profile(gw: Any, name: str, product: str, emulator: Any, url: str) -> None:
    """`gwctl profile add NAME` for ``emulator`` served at ``url`` (or a proxy in front of it)."""
    argv = ["profile", "add", name, "--product", product, "--url", emulator.profile_url(url)]
    for key, value in emulator.profile_options(url).items():
        argv += ["--" + key.replace("_", "-"), str(value)]
    result = gw(*argv)
    assert result.code == 0, result.err
