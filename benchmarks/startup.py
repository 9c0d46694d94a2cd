"""Startup benchmark: median wall time of local commands as a ratio to `python -c pass`.

    python benchmarks/startup.py [--runs N]

Targets on a 2-core machine: --version <= 2.0x, --help <= 6x, profile list <= 6x.
Runs against a throwaway config dir; never touches the network. Every command runs with
bytecode caching into a throwaway PYTHONPYCACHEPREFIX (as after any normal install), even
where PYTHONDONTWRITEBYTECODE is set: otherwise gwctl's own modules would be compiled from
source on every run and the benchmark would measure the compiler, not gwctl.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"gwctl --version": 2.0, "gwctl --help": 6.0, "gwctl profile list": 6.0}


def gwctl_exe() -> str:
    beside = Path(sys.executable).parent / "gwctl"
    return str(beside) if beside.exists() else (shutil.which("gwctl") or "gwctl")


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def median_times(cases: dict[str, list[str]], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Round-robin (one run of each command per round), so a burst of load elsewhere on the
    machine slows every command alike instead of skewing one command's ratio."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, argv in cases.items():
            samples[name].append(timed(argv, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    exe = gwctl_exe()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GWCTL_CONFIG_DIR": tmp, "GWCTL_CACHE_DIR": tmp, "GWCTL_STATE_DIR": tmp,
               "PYTHONPYCACHEPREFIX": os.path.join(tmp, "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for i in range(3):
            subprocess.run([exe, "profile", "add", f"bench{i}", "--product", "gatekeeper", "--url",
                            f"http://127.0.0.1:{9201 + i}"], env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "gwctl --version": [exe, "--version"],
            "gwctl --help": [exe, "--help"],
            "gwctl profile list": [exe, "profile", "list"],
        }
        for argv in cases.values():  # warm the OS cache and .pyc files
            subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results = median_times(cases, args.runs, env)
    base = results["python -c pass"]
    failed = False
    print(f"{'command':<22}{'median':>10}{'ratio':>8}{'target':>8}")
    for name, seconds in results.items():
        ratio = seconds / base
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = "ok" if ratio <= target else "OVER"
            failed |= ratio > target
        print(f"{name:<22}{seconds * 1000:>8.1f}ms{ratio:>7.2f}x{(f'{target:.1f}x' if target else ''):>8}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
