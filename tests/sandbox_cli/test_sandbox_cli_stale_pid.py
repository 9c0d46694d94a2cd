"""A stale sandbox pid file whose pid is a zombie or now belongs to another program."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from gwctl.cli import sandbox as sandbox_cli

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")


def write_state(tmp_path, pid):
    path = tmp_path / "state" / "sandbox.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "products": {}, "storage": "0600 credentials file"}))
    return path


def test_a_killed_but_unreaped_sandbox_is_not_running(gw, tmp_path):
    # Containers often run without an init that reaps orphans: a killed sandbox stays a zombie.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        child.send_signal(signal.SIGKILL)
        deadline = 200
        while deadline and b") Z" not in open(f"/proc/{child.pid}/stat", "rb").read():
            deadline -= 1
            import time

            time.sleep(0.01)
        assert not sandbox_cli.pid_alive(child.pid)
        path = write_state(tmp_path, child.pid)
        result = gw("sandbox", "status")
        assert (result.code, result.err) == (3, "error: the sandbox is not running\nhint: start it with `gwctl sandbox start`\n")
        assert not path.exists()
    finally:
        child.wait()


def test_a_reused_pid_is_not_the_sandbox_and_stop_leaves_it_alone(gw, tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert not sandbox_cli.pid_alive(other.pid)
        path = write_state(tmp_path, other.pid)
        result = gw("sandbox", "stop")
        assert (result.code, result.err) == (0, "the sandbox is not running\n")
        assert not path.exists()
        assert other.poll() is None  # still running: gwctl sent it no signal
    finally:
        other.kill()
        other.wait()


def test_this_process_counts_as_alive():
    assert sandbox_cli.pid_alive(os.getpid())
