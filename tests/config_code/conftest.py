"""Configuration-as-code tests: a second, empty emulator of a product beside the seeded sandbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from emulator_profiles import add_profile


@dataclass
class Fresh:
    emulator: Any
    profile: str


@pytest.fixture
def fresh(gw, serve):
    """fresh("api7") -> an empty emulator (credentials and scope only) behind profile `fresh-api7`."""
    from gwctl.sandbox import registry

    def start(product: str, like: Any = None, **kwargs: Any) -> Fresh:
        emulator = registry.load(product)(empty=True, **kwargs)
        if product == "pomerium" and like is not None:  # the same API user's refresh token works on both
            emulator.refresh_tokens[like.refresh_token_of(like.admin_user_id)] = like.admin_user_id
        server = serve(emulator)
        name = f"fresh-{product}"
        add_profile(gw, name, product, emulator, server.url)
        emulator.clear_log()
        return Fresh(emulator, name)

    return start
