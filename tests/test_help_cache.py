"""Rendered --help pages are cached: a leaf's help is shown again without loading its command group
(Typer included), exactly as rendered; a page is kept only when click rendered help, and any change
to the code, the command line or the width is a new key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = ("import sys; from gwctl.main import main; code = main(sys.argv[1:]); "
        "print(repr(sorted(m for m in ('typer', 'click', 'httpx') if m in sys.modules)), file=sys.stderr); "
        "sys.exit(code)")


def _help(tmp_path, *argv: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GWCTL_CACHE_DIR": str(tmp_path / "cache"), "GWCTL_CONFIG_DIR": str(tmp_path / "config"),
           "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", SHOW, *argv], env=env, capture_output=True, text=True, timeout=60)


def test_a_typer_leafs_help_is_shown_again_without_loading_typer(tmp_path):
    first = _help(tmp_path, "opa", "setup-tokens", "reveal", "--help")
    again = _help(tmp_path, "opa", "setup-tokens", "reveal", "--help")
    assert first.returncode == again.returncode == 0
    assert first.stdout == again.stdout and first.stdout.startswith("Usage: gwctl opa setup-tokens reveal [OPTIONS]")
    assert first.stderr == "['click', 'typer']\n"
    assert again.stderr == "[]\n"  # neither Typer nor click was imported
    assert len(list((tmp_path / "cache" / "help").iterdir())) == 1


def test_the_width_and_the_command_line_are_part_of_the_key(gw, monkeypatch, isolated):
    first = gw("api7", "routes", "list", "--help")
    monkeypatch.setenv("COLUMNS", "60")
    narrow = gw("api7", "routes", "list", "--help")
    other = gw("api7", "routes", "get", "--help")
    assert first.code == narrow.code == other.code == 0
    assert first.out != narrow.out and "Usage: gwctl api7 routes get" in other.out
    assert len(list((isolated["tmp"] / "cache" / "help").iterdir())) == 3


def test_a_changed_source_file_is_a_new_key(gw, monkeypatch, isolated):
    import gwctl.help_cache as help_cache

    assert gw("opa", "gateways", "list", "--help").code == 0
    monkeypatch.setattr(help_cache, "_fingerprint", lambda: "the code changed")
    assert gw("opa", "gateways", "list", "--help").code == 0
    assert len(list((isolated["tmp"] / "cache" / "help").iterdir())) == 2


def test_a_stale_or_foreign_file_is_not_shown(gw, isolated):
    first = gw("opa", "gateways", "list", "--help")
    [page] = (isolated["tmp"] / "cache" / "help").iterdir()
    page.write_text("0000\nnot gwctl's help\n")
    again = gw("opa", "gateways", "list", "--help")
    assert again.out == first.out


def test_only_rendered_help_is_kept(sandbox, isolated):
    box = sandbox("opa")
    # --help is the value of --description here: the command runs, and its output is not help
    result = box.run("opa", "setup-tokens", "create", "--description", "--help", "-o", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["description"] == "--help"
    assert not (isolated["tmp"] / "cache" / "help").exists()
    assert box.run("opa", "nosuch", "--help").code == 2
    assert not (isolated["tmp"] / "cache" / "help").exists()


def test_a_completion_is_answered_again_without_loading_click(tmp_path):
    env = {**os.environ, "GWCTL_CACHE_DIR": str(tmp_path / "cache"), "GWCTL_CONFIG_DIR": str(tmp_path / "config"),
           "PYTHONPATH": str(ROOT), "_GWCTL_COMPLETE": "bash_complete", "COMP_WORDS": "gwctl api7 rou",
           "COMP_CWORD": "2"}
    runs = [subprocess.run([sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, timeout=60)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout == "plain,routes\n"
    assert (runs[0].stderr, runs[1].stderr) == ("['click']\n", "[]\n")
    other = subprocess.run([sys.executable, "-c", SHOW], env={**env, "COMP_WORDS": "gwctl api7 routes list --l",
                                                                 "COMP_CWORD": "4"},
                           capture_output=True, text=True, timeout=60)
    assert other.stdout == "plain,--label\nplain,--limit\n"
