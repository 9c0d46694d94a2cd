"""Apply of 1,000 API7 routes to an empty emulator that adds 20 ms to every request:
`gwctl api7 config apply --concurrency 8` against `--concurrency 1`; prints the ratio (target >= 5x).

Run: python benchmarks/config_apply.py [ROUTES]   (not a timed test)
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

DELAY = 0.020


def document(path: Path, routes: int) -> None:
    lines = ["gwctl: config/v1", "product: api7", "services:", "  - name: bench", "    path_prefix: /bench",
             "    upstream: {nodes: [{host: bench.internal, port: 80, weight: 100}]}", "routes:"]
    for i in range(routes):
        lines += [f"  - name: r{i:04d}", "    service: bench", f"    paths: [/r{i:04d}]"]
    path.write_text("\n".join(lines) + "\n")


def run(argv: list[str]) -> int:
    from gwctl.main import main

    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        return main(argv)


SERVER = """
import sys, time
from gwctl.sandbox.api7 import Api7Emulator
from gwctl.sandbox.server import serve
emulator = Api7Emulator(empty=True)
emulator.delay_next({delay}, n={n})
server = serve(emulator)
print(server.url, flush=True)
sys.stdin.read()  # until the benchmark closes it
print(len(emulator.routes), flush=True)
"""


def apply_once(doc: Path, concurrency: int, routes: int) -> float:
    """One apply to a fresh emulator in its own process (so it does not share this one's GIL)."""
    import subprocess

    from gwctl.products import PRODUCTS
    from gwctl.sandbox.api7 import Api7Emulator

    code = SERVER.format(delay=DELAY, n=10 * routes + 100)
    server = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    emulator = Api7Emulator(empty=True)  # for its credentials only
    try:
        home = tempfile.mkdtemp()
        os.environ.update({"GWCTL_CONFIG_DIR": f"{home}/config", "GWCTL_CACHE_DIR": f"{home}/cache",
                           "GWCTL_STATE_DIR": f"{home}/state", "NO_PROXY": "127.0.0.1"})
        for key, value in emulator.credentials().items():
            os.environ[PRODUCTS["api7"].secret(key).env] = value
        assert run(["profile", "add", "bench", "--product", "api7", "--url", url,
                    "--gateway-group", "default"]) == 0
        started = time.perf_counter()
        code = run(["api7", "config", "apply", "-f", str(doc), "-p", "bench", "--yes",
                    "--concurrency", str(concurrency)])
        elapsed = time.perf_counter() - started
        assert code == 0, f"apply exited {code}"
        server.stdin.close()
        assert int(server.stdout.readline()) == routes
        return elapsed
    finally:
        server.kill()
        server.wait()


def main() -> None:
    routes = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    doc = Path(tempfile.mkdtemp()) / "routes.yaml"
    document(doc, routes)
    serial = apply_once(doc, 1, routes)
    parallel = apply_once(doc, 8, routes)
    print(f"apply of {routes} routes, {DELAY * 1000:.0f} ms per request: --concurrency 1 {serial:.2f} s, "
          f"--concurrency 8 {parallel:.2f} s, ratio {serial / parallel:.1f}x (target >= 5x)")


if __name__ == "__main__":
    main()
