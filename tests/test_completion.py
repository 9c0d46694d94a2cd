"""Completion of profile names, resource IDs and names (live, bounded, then cached 0600) and option
values, through click's protocol and in real bash, zsh and fish."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import gwctl

REPO = Path(gwctl.__file__).resolve().parent.parent
OPA_GATEWAYS = {"7cdac13d-a3fe-43e8-9a41-13b15df97fc7", "a0a05791-fc26-4386-93f4-eca6a157e015"}


def complete(monkeypatch, words: str) -> list[str]:
    """bash_complete answers for the last word of `words` (click's protocol: `type,value` lines)."""
    from gwctl.main import main

    parts = words.split(" ")
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setenv("_GWCTL_COMPLETE", "bash_complete")
        patch.setenv("COMP_WORDS", words)
        patch.setenv("COMP_CWORD", str(len(parts) - 1))
        patch.setattr(sys, "stdout", out)
        assert main([]) == 0
        out.flush()
    return [line.split(",", 1)[1] for line in out.buffer.getvalue().decode().splitlines() if line]


def test_profile_names_complete_for_p_and_profile_commands(sandbox, gw, monkeypatch):
    sandbox("opa")
    sandbox("gatekeeper")
    assert complete(monkeypatch, "gwctl -p ") == ["sandbox-gatekeeper", "sandbox-opa"]
    assert complete(monkeypatch, "gwctl opa gateways list -p sandbox-o") == ["sandbox-opa"]
    for verb in ("show", "use", "remove", "rename"):
        assert complete(monkeypatch, f"gwctl profile {verb} sandbox-g") == ["sandbox-gatekeeper"]


def test_resource_ids_and_names_complete_live_then_from_a_private_cache(sandbox, monkeypatch, isolated):
    box = sandbox("opa")
    got = complete(monkeypatch, "gwctl opa gateways get ")
    assert OPA_GATEWAYS <= set(got)
    assert "ProductionGateway" in got  # names without spaces are offered too
    requests = len(box.emulator.requests)
    assert requests >= 1
    assert complete(monkeypatch, "gwctl opa gateways delete 7cd") == ["7cdac13d-a3fe-43e8-9a41-13b15df97fc7"]
    assert len(box.emulator.requests) == requests  # the second answer came from the cache
    cached = list((isolated["tmp"] / "cache" / "completion").iterdir())
    assert cached and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in cached)
    assert not any("opa-sandbox-" in p.read_text() for p in cached)  # IDs and names only, no secret


def test_resource_completion_gives_up_after_about_a_second(sandbox, monkeypatch):
    import time

    from gwctl.cli import completion_values

    box = sandbox("opa")
    monkeypatch.setattr(completion_values, "LIVE_SECONDS", 0.2)
    box.emulator.sleep = time.sleep  # a real delay: the server answers the list after 1s
    box.emulator.delay_next(1.0, method="GET")
    started = time.monotonic()
    assert complete(monkeypatch, "gwctl opa gateways get ") == []
    assert time.monotonic() - started < 0.9
    time.sleep(1.0)
    assert OPA_GATEWAYS <= set(complete(monkeypatch, "gwctl opa gateways get "))  # the next answer is on time


def test_without_a_profile_resource_completion_is_empty(monkeypatch):
    assert complete(monkeypatch, "gwctl opa gateways get ") == []


def test_enum_values_complete(monkeypatch):
    assert complete(monkeypatch, "gwctl -o ") == ["table", "wide", "tsv", "json", "jsonl", "yaml"]
    assert complete(monkeypatch, "gwctl api7 services list --direction ") == ["asc", "desc"]
    assert complete(monkeypatch, "gwctl completion ") == ["bash", "zsh", "fish"]


# --- real shells ----------------------------------------------------------------------------------

def _env(tmp_path: Path) -> dict[str, str]:
    """The installed `gwctl` of this interpreter, importing this tree."""
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    script = bindir / "gwctl"
    script.write_text(f"#!{sys.executable}\nimport sys\nfrom gwctl.main import run\nrun()\n")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bindir}:{os.environ.get('PATH', '')}",
            "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}


def _shell(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it from the OS packages)")
    return path


BASH = r'''
source <(gwctl completion bash)
read -r -a COMP_WORDS <<< "$WORDS"; [[ "$WORDS" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE="$WORDS"; COMP_POINT=${#COMP_LINE}
_gwctl_completion gwctl
printf '%s\n' "${COMPREPLY[@]}"
'''
ZSH = r'''
compdef() { :; }
_describe() { local name=$3; for entry in "${(@P)name}"; do print -r -- "${entry%%:*}"; done; }
compadd() { local name=${@[-1]}; for entry in "${(@P)name}"; do print -r -- "$entry"; done; }
_path_files() { :; }
source <(gwctl completion zsh)
words=(${(z)WORDS}); [[ "$WORDS" == *" " ]] && words+=("")
CURRENT=${#words}
_gwctl_completion
'''


def _run_shell(shell: str, words: str, env: dict[str, str]) -> list[str]:
    if shell == "bash":
        argv = [_shell("bash"), "-c", BASH]
    elif shell == "zsh":
        argv = [_shell("zsh"), "-f", "-c", ZSH]
    else:
        argv = [_shell("fish"), "--no-config", "-c",
                "gwctl completion fish | source; complete -C \"$WORDS\" | cut -f1"]
    result = subprocess.run(argv, capture_output=True, text=True, env={**env, "WORDS": words}, timeout=60)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_real_shells_complete_profiles_ids_and_choices(sandbox, tmp_path, shell):
    sandbox("opa")
    env = _env(tmp_path)
    assert _run_shell(shell, "gwctl -p sandbox-", env) == ["sandbox-opa"]
    assert _run_shell(shell, "gwctl profile show ", env) == ["sandbox-opa"]
    assert OPA_GATEWAYS <= set(_run_shell(shell, "gwctl opa gateways get ", env))
    assert _run_shell(shell, "gwctl -o js", env) == ["json", "jsonl"]
    assert "gateways" in _run_shell(shell, "gwctl opa ", env)


@pytest.mark.parametrize("words", ["gwctl -p ", "gwctl profile show ", "gwctl -o "])
def test_profile_and_choice_completion_stay_light(tmp_path, words):
    """No httpx, pydantic, rich or keyring for completion that needs no server."""
    env = {**os.environ, "GWCTL_CONFIG_DIR": str(tmp_path / "cfg"), "GWCTL_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "gwctl", "profile", "add", "gk", "--product", "gatekeeper", "--url",
                    "http://127.0.0.1:9"], env=env, capture_output=True, check=True, timeout=60)
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "gwctl"], capture_output=True, text=True,
                            timeout=60, env={**env, "_GWCTL_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                             "COMP_CWORD": str(len(words.split()))})
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.splitlines()[0] in ("plain,gk", "plain,table")
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert not {m for m in modules if m.split(".")[0] in ("httpx", "pydantic", "rich", "keyring")}
