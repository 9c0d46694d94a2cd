"""The benchmark entry point runs end to end at tiny sizes (its figures are not checked: not a timed test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmarks_run_at_tiny_sizes():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-m", "benchmarks", "--tiny", "--runs", "1", "--only", "large,bulk"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for row in ("opa setup-tokens list --all, 20 tokens (TSV)", "50 gateways -o json (peak RSS",
                "peak RSS -o json: 50 vs 10 items", "6 deletes, --concurrency 32"):
        assert row in result.stdout, result.stdout
