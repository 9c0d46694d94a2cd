"""Fleets of profiles on emulators over loopback: each profile has its own credentials in the
(in-memory) keyring, so one of them can hold a wrong one."""

from __future__ import annotations

import socket
from typing import Any

import pytest


def dead_url() -> str:
    """An http URL on 127.0.0.1 where nothing listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def fleet(serve):
    """fleet(product, {name: emulator | "dead"}, wrong={names}) -> {name: emulator}: one profile per name.

    Emulators are served once each; a name mapped to "dead" points at a closed port; names in
    ``wrong`` get a wrong secret."""
    from gwctl.cli.sandbox import register_profiles

    served: dict[int, str] = {}

    def make(product: str, members: dict[str, Any], wrong: set[str] = frozenset()) -> dict[str, Any]:
        profiles = {}
        for name, emulator in members.items():
            if emulator == "dead":
                from gwctl.sandbox import registry

                template = registry.load(product)()
                url = dead_url()
                profiles[name] = (product, template.profile_url(url), template.profile_options(url),
                                  template.credentials())
                continue
            if id(emulator) not in served:
                served[id(emulator)] = serve(emulator).url
            url = served[id(emulator)]
            secrets = dict(emulator.credentials())
            if name in wrong:
                secrets = {k: v[:-4] + "XXXX" for k, v in secrets.items()}
            profiles[name] = (product, emulator.profile_url(url), emulator.profile_options(url), secrets)
        register_profiles({}, profiles)
        return members

    return make
