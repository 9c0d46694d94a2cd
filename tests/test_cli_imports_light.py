"""Every CLI module (except pydantic model modules, imported inside commands) stays free of
httpx, pydantic and keyring at import time, so help and completion are fast for every product."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import gwctl.cli
names = [m.name for m in pkgutil.walk_packages(gwctl.cli.__path__, "gwctl.cli.") if not m.name.endswith(".models")]
for name in names:
    importlib.import_module(name)
heavy = sorted(m for m in ("httpx", "pydantic", "keyring") if m in sys.modules)
print(len(names), ",".join(heavy))
"""


def test_cli_modules_import_nothing_heavy():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True)
    count, heavy = result.stdout.split()[0], result.stdout.strip().partition(" ")[2]
    assert int(count) > 20
    assert heavy == ""
