"""A list loads only what it needs: no Typer, no pydantic, no keyring (its secrets come from the
environment here), no Rich even for a table on a terminal (nor for one object's FIELD/VALUE view), and
for an http:// profile no SSL context and not httpx's own transport (httpcore, h11): the standard
library's http.client does plain HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LISTS = {"opa": ("opa", "gateways", "list"), "pomerium": ("pomerium", "routes", "list"),
         "api7": ("api7", "routes", "list"), "sg": ("sg", "gateways", "list"), "gatekeeper": ("gatekeeper", "status")}
SHOW = ("import sys, ssl; made = []; new = ssl.SSLContext.__new__\n"
        "def counting(cls, *a, **k):\n    made.append(1); return new(cls, *a, **k)\n"
        "ssl.SSLContext.__new__ = counting\n"
        "from gwctl.main import main; code = main(sys.argv[1:])\n"
        "loaded = sorted(m for m in ('typer', 'pydantic', 'keyring', 'rich', 'httpcore', 'h11') if m in sys.modules)\n"
        "print(code, ','.join(loaded) or '-', len(made), file=sys.stderr)")


@pytest.mark.slow
@pytest.mark.parametrize("product", list(LISTS))
@pytest.mark.parametrize("output", ["json", "tsv", "table"])
def test_a_list_loads_only_what_it_needs(sandbox, product, output, isolated):
    sandbox(product)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "GWCTL_FORCE_TTY": "1" if output == "table" else ""}
    argv = [sys.executable, "-c", SHOW, *LISTS[product], "-o", output]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    expected = "0 - 0"
    assert result.stderr.splitlines()[-1] == expected, result.stderr
    assert result.stdout.strip()
