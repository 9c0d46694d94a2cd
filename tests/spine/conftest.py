"""Helpers for the spine tests: extra root commands, config files, a closed port."""

from __future__ import annotations

import importlib.machinery
import os
import socket
import sys
import types
from typing import Callable

import click
import pytest


@pytest.fixture
def add_command(monkeypatch) -> Callable[..., None]:
    """add_command("t", click_command): make `gwctl t ...` run that command (through main()).

    The command is served by a throwaway module so the lazy root loads it like any other.
    """

    from gwctl.cli import root

    def add(name: str, command: click.Command, help_: str = "A test command.") -> None:
        modname = "_gwctl_spine_cmd_" + name.replace("-", "_")
        module = types.ModuleType(modname)
        module.__spec__ = importlib.machinery.ModuleSpec(modname, None)
        module.command = command
        monkeypatch.setitem(sys.modules, modname, module)
        monkeypatch.setitem(root.LOCAL_COMMANDS, name, (f"{modname}:command", help_))

    return add


@pytest.fixture
def config_dir(isolated) -> str:
    return os.environ["GWCTL_CONFIG_DIR"]


@pytest.fixture
def config_file(config_dir) -> str:
    return os.path.join(config_dir, "config.toml")


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (connection refused)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port
