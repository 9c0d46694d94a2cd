"""Every figure of gwctl's performance table, measured side by side in one run, with its target.

    python -m benchmarks [--runs 11] [--only startup,lists,large,bulk] [--tiny] [--code DIR]

- startup: local commands as a ratio to `python -c pass` (medians of --runs alternating runs);
- lists: one list per product against its emulator, TSV and json piped, and a table on a pty;
- large: `opa setup-tokens list --all` with 2,000 tokens, and 10,000 / 50,000 gateways in
  jsonl, json and TSV, against a plain httpx paging loop (benchmarks/raw_list.py), with peak RSS;
- bulk: 500 deletes behind 20 ms of latency at --concurrency 1, 8 and 32.

The emulators run in this process on 127.0.0.1 (no other traffic); gwctl runs as the installed
`gwctl` script with a throwaway config and bytecode cache. --tiny shrinks every size (a smoke run;
its figures mean nothing). Not a test: the machine's load moves the figures, so compare ratios.
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

TEAM_GATEWAYS = "gateways"
LIST_COMMANDS = {  # product -> the list it is measured with (Gatekeeper has no list: its status)
    "opa": ["opa", "gateways", "list"],
    "pomerium": ["pomerium", "routes", "list"],
    "api7": ["api7", "routes", "list"],
    "sg": ["sg", "gateways", "list"],
    "gatekeeper": ["gatekeeper", "status"],
}
STARTUP = {  # name -> (argv after gwctl, extra env, target ratio)
    "gwctl --version": (["--version"], {}, 2.0),
    "gwctl --help": (["--help"], {}, 6.0),
    "gwctl api7 --help": (["api7", "--help"], {}, 6.0),
    "leaf help: api7 routes list": (["api7", "routes", "list", "--help"], {}, 5.0),
    "leaf help: opa setup-tokens reveal": (["opa", "setup-tokens", "reveal", "--help"], {}, 5.0),
    "leaf help: sg gateways activate": (["sg", "gateways", "activate", "--help"], {}, 5.0),
    "leaf help: pomerium settings get": (["pomerium", "settings", "get", "--help"], {}, 5.0),
    "leaf help: gatekeeper status": (["gatekeeper", "status", "--help"], {}, 5.0),
    "completion: gwctl api7 rou": ([], {"_GWCTL_COMPLETE": "bash_complete", "COMP_WORDS": "gwctl api7 rou",
                                        "COMP_CWORD": "2"}, 5.0),
}


# --- running commands ------------------------------------------------------------------------

def gwctl_exe() -> str:
    beside = Path(sys.executable).parent / "gwctl"
    return str(beside) if beside.exists() else (shutil.which("gwctl") or "gwctl")


def run_once(argv: list[str], env: dict[str, str], tty: bool = False) -> tuple[float, int]:
    """(wall seconds, ru_maxrss) of one run; stdout to /dev/null, or to a pty with ``tty``. (For the
    peak RSS of the command alone see peak_rss.)"""
    master = slave = None
    if tty:
        master, slave = pty.openpty()
        drain = threading.Thread(target=_drain, args=(master,), daemon=True)
        drain.start()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdout=slave if tty else subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if slave is not None:
        os.close(slave)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:8])} exited {proc.returncode}")
    return elapsed, usage.ru_maxrss


# The peak RSS of a command, measured by a small Python that starts it: Linux counts in a child's
# ru_maxrss the memory it shared with its parent before exec, and this process holds the emulators' data.
_PEAK_RSS = ("import os, subprocess, sys; "
             "p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL); _, status, usage = os.wait4(p.pid, 0); "
             "print(usage.ru_maxrss if os.waitstatus_to_exitcode(status) == 0 else -1)")


def peak_rss(argv: list[str], env: dict[str, str]) -> int:
    """Peak RSS (KiB) of one run of ``argv``."""
    result = subprocess.run([sys.executable, "-c", _PEAK_RSS, *argv], env=env, capture_output=True, text=True,
                            check=True)
    kib = int(result.stdout.strip())
    if kib < 0:
        raise RuntimeError(f"{' '.join(argv[:8])} failed")
    return kib


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)


def medians(cases: dict[str, tuple[list[str], dict[str, str], bool]], runs: int) -> dict[str, float]:
    """Round-robin: one run of each case per round, so load elsewhere slows every case alike."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for argv, env, tty in cases.values():  # warm the OS cache and the bytecode cache
        run_once(argv, env, tty)
    names = list(cases)
    order = random.Random(0)  # the same orders in every run of the benchmark
    for _ in range(runs):
        # A new order each round: no case always runs right after the same other one.
        order.shuffle(names)
        for name in names:
            argv, env, tty = cases[name]
            samples[name].append(run_once(argv, env, tty)[0])
    return {name: statistics.median(values) for name, values in samples.items()}


def report(title: str, rows: list[tuple[str, float, float | None, str, str]]) -> None:
    """rows: (what, seconds, ratio, target text, verdict)."""
    print(f"\n{title}")
    print(f"  {'what':<46}{'time':>10}{'ratio':>9}  {'target':<12}")
    for what, seconds, ratio, target, verdict in rows:
        ratio_text = f"{ratio:.2f}x" if ratio is not None else ""
        print(f"  {what:<46}{seconds * 1000:>8.0f}ms{ratio_text:>9}  {target:<12}{verdict}")
    sys.stdout.flush()


def verdict(ok: bool) -> str:
    return "ok" if ok else "OVER"


# --- the emulators -----------------------------------------------------------------------------

class Bench:
    def __init__(self, tmp: str, code: str | None = None) -> None:
        from gwctl.sandbox.server import serve

        self.serve = serve
        self.exe = gwctl_exe()
        self.env = {**os.environ, "GWCTL_CONFIG_DIR": os.path.join(tmp, "config"),
                    "GWCTL_STATE_DIR": os.path.join(tmp, "state"), "GWCTL_CACHE_DIR": os.path.join(tmp, "cache"),
                    "PYTHONPYCACHEPREFIX": os.path.join(tmp, "pycache"), "NO_PROXY": "127.0.0.1,localhost",
                    "COLUMNS": "120", "LINES": "40"}
        # Bytecode is cached as after any install: otherwise every run would compile gwctl again.
        for name in ("PYTHONDONTWRITEBYTECODE", "GWCTL_PROFILE", "GWCTL_OUTPUT", "GWCTL_FORCE_TTY"):
            self.env.pop(name, None)
        if code:  # gwctl from another source tree (e.g. an older checkout): its figures, our emulators
            self.env["PYTHONPATH"] = os.path.abspath(code)
        self.servers: list[Any] = []

    def start(self, product: str, profile: str, **kwargs: Any) -> Any:
        from gwctl.products import PRODUCTS
        from gwctl.sandbox import registry

        emulator = registry.load(product)(**kwargs)
        server = self.serve(emulator)
        self.servers.append(server)
        argv = [self.exe, "profile", "add", profile, "--product", product, "--url", emulator.profile_url(server.url)]
        for key, value in emulator.profile_options(server.url).items():
            argv += ["--" + key.replace("_", "-"), str(value)]
        subprocess.run(argv, env=self.env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for key, value in emulator.credentials().items():
            self.env[PRODUCTS[product].secret(key).env] = value
        emulator.url = server.url
        return emulator

    def gwctl(self, *argv: str) -> list[str]:
        return [self.exe, *argv]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


# --- the sections --------------------------------------------------------------------------------

def startup(bench: Bench, runs: int) -> None:
    cases = {"python -c pass": ([sys.executable, "-c", "pass"], bench.env, False)}
    for name, (argv, extra, _) in STARTUP.items():
        cases[name] = (bench.gwctl(*argv), {**bench.env, **extra}, False)
    results = medians(cases, runs)
    base = results["python -c pass"]
    rows = [("python -c pass", base, 1.0, "", "")]
    for name, (_, _, target) in STARTUP.items():
        ratio = results[name] / base
        rows.append((name, results[name], ratio, f"<= {target:g}x", verdict(ratio <= target)))
    report(f"Startup (medians of {runs} alternating runs, ratio to python -c pass)", rows)


def lists(bench: Bench, runs: int) -> None:
    cases: dict[str, tuple[list[str], dict[str, str], bool]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], bench.env, False)}
    for product, argv in LIST_COMMANDS.items():
        bench.start(product, f"bench-{product}")
        base = bench.gwctl("-p", f"bench-{product}", *argv)
        cases[f"{product}: {' '.join(argv[1:])} -o tsv"] = (base + ["-o", "tsv"], bench.env, False)
        cases[f"{product}: {' '.join(argv[1:])} -o json"] = (base + ["-o", "json"], bench.env, False)
        cases[f"{product}: {' '.join(argv[1:])} (table, pty)"] = (base, bench.env, True)
    results = medians(cases, runs)
    base = results["python -c pass"]
    rows = [("python -c pass", base, 1.0, "", "")]
    for name, seconds in results.items():
        if name == "python -c pass":
            continue
        target = 13.0 if name.endswith("(table, pty)") else 12.0
        ratio = seconds / base
        rows.append((name, seconds, ratio, f"<= {target:g}x", verdict(ratio <= target)))
    report(f"One list per product against its emulator (medians of {runs} alternating runs)", rows)


def large(bench: Bench, runs: int, sizes: tuple[int, int, int, int]) -> None:
    tokens, small, medium, big = sizes
    raw = [sys.executable, "-m", "benchmarks.raw_list"]
    rows = []

    opa = bench.start("opa", "bench-tokens")
    for n in range(tokens):
        opa.add_setup_token(f"bench {n}", host=opa.url)
    cases = {
        "gwctl": (bench.gwctl("-p", "bench-tokens", "opa", "setup-tokens", "list", "--all", "-o", "tsv"),
                  bench.env, False),
        "raw": (raw + [opa.url, "sandbox", "gateway_setup_tokens", "tsv"], bench.env, False),
    }
    times = medians(cases, runs)
    ratio = times["gwctl"] / times["raw"]
    rows.append((f"opa setup-tokens list --all, {tokens:,} tokens (TSV)", times["gwctl"], ratio,
                 "<= 1.5x raw", verdict(ratio <= 1.5)))
    report("Setup tokens (each a secret the output redactor learns) vs a raw httpx paging loop", rows)

    rss: dict[tuple[int, str], int] = {}
    rows = []
    for count in (small, medium, big):
        emulator = bench.start("opa", f"bench-{count}")
        for n in range(count - len(emulator.gateways)):
            emulator.add_gateway(None, f"bench-{n}", labels={"env": "bench"})
        for fmt in ("jsonl", "tsv", "json"):
            cases = {
                "gwctl": (bench.gwctl("-p", f"bench-{count}", "opa", "gateways", "list", "--all", "-o", fmt),
                          bench.env, False),
                "raw": (raw + [emulator.url, "sandbox", TEAM_GATEWAYS, fmt], bench.env, False),
            }
            # Fewer runs for the big ones, but enough that one slow run does not move the median.
            quick = runs if count <= small else max(min(runs, 3), runs // 2 if count <= medium else runs // 3)
            times = medians(cases, quick)
            rss[(count, fmt)] = peak_rss(cases["gwctl"][0], bench.env)
            ratio = times["gwctl"] / times["raw"]
            # The target is for 10,000 items and more; at 1,000 both sides are mostly their start-up.
            targeted = fmt in ("jsonl", "tsv") and count > small
            target = "<= 1.1x raw" if targeted else ""
            ok = ratio <= 1.1 if targeted else True
            rows.append((f"{count:,} gateways -o {fmt} (peak RSS {rss[(count, fmt)] / 1024:.0f} MiB)",
                         times["gwctl"], ratio, target, verdict(ok) if target else ""))
    report("Large lists vs a raw httpx paging loop (medians; fewer runs for the big ones)", rows)
    rows = []
    for fmt in ("json", "jsonl", "tsv"):
        growth = rss[(big, fmt)] / rss[(small, fmt)]
        rows.append((f"peak RSS -o {fmt}: {big:,} vs {small:,} items", 0.0, growth, "<= 1.2x",
                     verdict(growth <= 1.2)))
    print("\nMemory (peak RSS of the larger list as a ratio to the smaller)")
    for what, _, growth, target, ok in rows:
        print(f"  {what:<46}{'':>10}{growth:>8.2f}x  {target:<12}{ok}")


def bulk(bench: Bench, count: int, latency: float) -> None:
    emulator = bench.start("opa", "bench-bulk", latency=latency)
    seconds: dict[int, float] = {}
    for concurrency in (1, 8, 32):
        ids = [emulator.add_gateway(None, f"doomed-{n}")["id"] for n in range(count)]
        argv = bench.gwctl("-p", "bench-bulk", "opa", "gateways", "delete", *ids, "--yes",
                           "--concurrency", str(concurrency))
        seconds[concurrency] = run_once(argv, bench.env)[0]
        left = set(ids) & set(emulator.gateways)
        if left:
            raise RuntimeError(f"{len(left)} gateways were not deleted")
    rows = [(f"{count} deletes, --concurrency 1", seconds[1], 1.0, "", "")]
    for concurrency, target in ((8, 6.0), (32, 12.0)):
        speedup = seconds[1] / seconds[concurrency]
        rows.append((f"{count} deletes, --concurrency {concurrency}", seconds[concurrency], speedup,
                     f">= {target:g}x", verdict(speedup >= target)))
    report(f"Bulk deletes behind {latency * 1000:.0f} ms of latency per request (speed-up over --concurrency 1)",
           rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="alternating runs per figure (default 11)")
    parser.add_argument("--only", default="startup,lists,large,bulk", help="comma list of sections")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes: a smoke run, not a measurement")
    parser.add_argument("--code", metavar="DIR", help="run gwctl from this source tree (to compare with an older one)")
    args = parser.parse_args(argv)
    sections = set(args.only.split(","))
    sizes = (20, 10, 30, 50) if args.tiny else (2000, 1000, 10_000, 50_000)
    deletes, latency = (6, 0.001) if args.tiny else (500, 0.020)
    import platform

    print(f"gwctl benchmarks: Python {platform.python_version()}, {os.cpu_count()} CPUs, {args.runs} runs")
    with tempfile.TemporaryDirectory(prefix="gwctl-bench-") as tmp:
        bench = Bench(tmp, args.code)
        try:
            if "startup" in sections:
                startup(bench, args.runs)
            if "lists" in sections:
                lists(bench, args.runs)
            if "large" in sections:
                large(bench, args.runs, sizes)
            if "bulk" in sections:
                bulk(bench, deletes, latency)
        finally:
            bench.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
