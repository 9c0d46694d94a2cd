"""`gwctl -p 'bench-*' opa gateways list` over 50 profiles of an emulator that adds 50 ms to every
request: the default --fleet-concurrency against one profile after another (--fleet-concurrency 1,
the same as a shell loop without the start-up cost); prints the ratio (target >= 5x).

Run: python benchmarks/fleet.py [PROFILES]   (not a timed test)
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout

DELAY = 0.050

SERVER = """
import sys
from gwctl.sandbox.opa import OpaEmulator
from gwctl.sandbox.server import serve
emulator = OpaEmulator()
emulator.delay_next({delay}, n=10 ** 6)
server = serve(emulator)
print(server.url, flush=True)
sys.stdin.read()  # until the benchmark closes it
"""


def run(argv: list[str]) -> tuple[int, str]:
    from gwctl.main import main

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        code = main(argv)
    return code, out.getvalue()


def main() -> None:
    profiles = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    home = tempfile.mkdtemp()
    for name in ("CONFIG", "CACHE", "STATE"):
        os.environ[f"GWCTL_{name}_DIR"] = os.path.join(home, name.lower())
    os.environ["NO_PROXY"] = "127.0.0.1"
    # The emulator runs in its own process, so it does not share this one's GIL.
    server = subprocess.Popen([sys.executable, "-c", SERVER.format(delay=DELAY)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    url = server.stdout.readline().strip()
    try:
        from gwctl.cli.global_options import FLEET_CONCURRENCY
        from gwctl.cli.sandbox import register_profiles
        from gwctl.sandbox.opa import OpaEmulator

        template = OpaEmulator()
        os.environ["GWCTL_OPA_KEY_ID"], os.environ["GWCTL_OPA_KEY_SECRET"] = (template.admin_key_id,
                                                                              template.admin_key_secret)
        register_profiles({}, {f"bench-{n:02d}": ("opa", url, template.profile_options(url), {})
                               for n in range(profiles)})
        argv = ["-p", "bench-*", "opa", "gateways", "list", "--limit", "2", "-o", "json"]
        run(argv)  # warm up: imports, and every profile's service token cached
        timings = {}
        for label, extra in (("sequential", ["--fleet-concurrency", "1"]), ("fleet", [])):
            started = time.perf_counter()
            code, out = run([*argv, *extra])
            timings[label] = time.perf_counter() - started
            assert code == 0 and out.count('"gwctl_profile"') == 2 * profiles, (code, out[:200])
        ratio = timings["sequential"] / timings["fleet"]
        print(f"{profiles} profiles, {DELAY * 1000:.0f} ms per request, list of 2 gateways each")
        print(f"one after another (--fleet-concurrency 1): {timings['sequential']:.2f}s")
        print(f"default --fleet-concurrency {FLEET_CONCURRENCY}:           {timings['fleet']:.2f}s")
        print(f"speed-up: {ratio:.1f}x (target >= 5x)")
    finally:
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
