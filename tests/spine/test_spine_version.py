"""`gwctl version`, `gwctl --version`, `python -m gwctl --version`."""

from __future__ import annotations

import platform
import subprocess
import sys

import gwctl
from gwctl.main import main

VERSION = gwctl.__version__


def test_version_flag(gw):
    assert gw("--version") == type(gw("--version"))(0, f"gwctl {VERSION}\n", "")


def test_version_flag_among_other_options(gw):
    result = gw("-o", "json", "--version")
    assert (result.code, result.out, result.err) == (0, f"gwctl {VERSION}\n", "")


def test_version_command(gw):
    result = gw("version")
    assert (result.code, result.out, result.err) == (0, f"gwctl {VERSION}\n", "")


def test_version_json(gw):
    for argv in (("version", "-o", "json"), ("-o", "json", "version"), ("version", "--json")):
        result = gw(*argv)
        assert (result.code, result.err) == (0, "")
        assert result.json() == {"version": VERSION, "python": platform.python_version(), "platform": sys.platform}


def test_version_yaml_and_query(gw):
    assert gw("version", "-o", "yaml").out.startswith(f"version: {VERSION}\n")
    assert gw("version", "--query", "version").out == f"{VERSION}\n"


def test_main_returns_int_for_version():
    assert main(["--version"]) == 0


def test_python_m_gwctl_version():
    result = subprocess.run([sys.executable, "-m", "gwctl", "--version"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"gwctl {VERSION}\n", "")


def test_python_m_gwctl_exit_code_passes_through(tmp_path):
    import os

    env = {**os.environ, "GWCTL_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "gwctl", "profile", "show", "ghost"], capture_output=True,
                            text=True, timeout=60, env=env)
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr.startswith("error: profile 'ghost' does not exist\n")
