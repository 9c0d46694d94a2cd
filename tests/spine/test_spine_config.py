"""gwctl.config: directory precedence, atomic private writes, the lock, Edit()."""

from __future__ import annotations

import os
import threading
import time

import pytest
from spine_helpers import mode_of

from gwctl.config import files, paths, profiles
from gwctl.errors import ConfigError


# --- paths.config_dir() precedence ----------------------------------------------------


def test_config_dir_prefers_gwctl_config_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("GWCTL_CONFIG_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.config_dir() == str(tmp_path / "explicit")
    assert paths.config_file() == str(tmp_path / "explicit" / "config.toml")
    assert paths.secrets_file() == str(tmp_path / "explicit" / "credentials.json")


def test_config_dir_falls_back_to_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("GWCTL_CONFIG_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.config_dir() == str(tmp_path / "xdg" / "gwctl")


@pytest.mark.parametrize("xdg", [None, ""])
def test_config_dir_falls_back_to_home_dot_config(monkeypatch, tmp_path, xdg):
    monkeypatch.delenv("GWCTL_CONFIG_DIR")
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.config_dir() == str(tmp_path / "home" / ".config" / "gwctl")


def test_empty_gwctl_config_dir_is_ignored(monkeypatch, tmp_path):
    monkeypatch.setenv("GWCTL_CONFIG_DIR", "")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert paths.config_dir() == str(tmp_path / "xdg" / "gwctl")


def test_cli_writes_where_xdg_points(gw, monkeypatch, tmp_path):
    monkeypatch.delenv("GWCTL_CONFIG_DIR")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9201").code == 0
    assert os.path.isfile(tmp_path / "xdg" / "gwctl" / "config.toml")
    assert not os.path.exists(tmp_path / "home" / ".config")


def test_cache_and_state_dirs_honour_their_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("GWCTL_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("GWCTL_STATE_DIR", str(tmp_path / "s"))
    assert paths.cache_dir() == str(tmp_path / "c")
    assert paths.state_dir() == str(tmp_path / "s")
    assert paths.token_cache_file() == str(tmp_path / "c" / "tokens.json")


# --- files -------------------------------------------------------------------------------


def test_write_private_replaces_with_mode_0600(tmp_path):
    target = tmp_path / "deep" / "secret.txt"
    target.parent.mkdir()
    target.write_text("old")
    os.chmod(target, 0o644)
    files.write_private(target, "new")
    assert target.read_text() == "new"
    assert mode_of(str(target)) == 0o600
    assert os.listdir(target.parent) == ["secret.txt"]


def test_write_private_creates_private_parent(tmp_path):
    target = tmp_path / "new" / "dir" / "f.json"
    files.write_private(target, b"{}")
    assert mode_of(str(tmp_path / "new" / "dir")) == 0o700


def test_read_json_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(ConfigError, match="is not valid JSON"):
        files.read_json(bad)
    bad.write_text("[1]")
    with pytest.raises(ConfigError, match="must hold a JSON object"):
        files.read_json(bad)
    assert files.read_json(tmp_path / "missing.json") == {}


def test_update_json_round_trip(tmp_path):
    target = tmp_path / "d.json"
    files.update_json(target, lambda d: d.__setitem__("a", 1))
    files.update_json(target, lambda d: d.__setitem__("b", 2))
    assert files.read_json(target) == {"a": 1, "b": 2}
    assert mode_of(str(target)) == 0o600


# --- the lock --------------------------------------------------------------------------------


def test_two_concurrent_edit_writers_both_land(config_file):
    """Two threads editing config.toml at once: the lock serialises them, neither write is lost."""
    ready = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            ready.wait()
            with profiles.Edit() as config:
                config.profiles[name] = profiles.Profile(name, "gatekeeper", "http://127.0.0.1:9201")
                time.sleep(0.05)  # widen the read-modify-write window
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert errors == []
    assert sorted(profiles.load().profiles) == ["a", "b"]


def test_many_concurrent_cli_writers_all_land(gw, config_file):
    import subprocess
    import sys

    procs = [
        subprocess.Popen([sys.executable, "-m", "gwctl", "profile", "add", f"p{i}", "--product", "gatekeeper",
                          "--url", f"http://127.0.0.1:{9000 + i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for i in range(4)
    ]
    for proc in procs:
        assert proc.wait(30) == 0, proc.stderr.read()
    assert sorted(profiles.load().profiles) == ["p0", "p1", "p2", "p3"]


def test_held_lock_times_out_cleanly(gw, config_file, monkeypatch):
    """Another process holds the lock: the command gives up with one line, exit 2, no change."""
    from filelock import FileLock

    real_locked = files.locked
    monkeypatch.setattr(files, "locked", lambda path, timeout=10.0: real_locked(path, timeout=0.2))
    os.makedirs(os.path.dirname(config_file), exist_ok=True)
    holder = FileLock(config_file + ".lock")
    result_box = {}

    def hold_and_run():
        result_box["r"] = gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9201")

    with holder:
        # filelock is re-entrant per thread: the contender must run in another thread.
        t = threading.Thread(target=hold_and_run)
        start = time.monotonic()
        t.start()
        t.join(10)
        elapsed = time.monotonic() - start
    result = result_box["r"]
    assert (result.code, result.out) == (2, "")
    assert result.err == f"error: {config_file} is locked by another gwctl process; try again\n"
    assert elapsed < 5
    assert not os.path.exists(config_file)


def test_lock_file_is_private(gw, config_file):
    assert gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9201").code == 0
    assert mode_of(config_file + ".lock") == 0o600


def test_edit_releases_the_lock_after_an_error(config_file):
    with pytest.raises(RuntimeError):
        with profiles.Edit() as config:
            config.profiles["x"] = profiles.Profile("x", "gatekeeper", "http://h")
            raise RuntimeError("boom")
    assert not os.path.exists(config_file)  # nothing saved
    with files.locked(config_file, timeout=0.5):
        pass  # not held any more


def test_edit_on_a_corrupt_file_releases_the_lock(config_file):
    os.makedirs(os.path.dirname(config_file), exist_ok=True)
    with open(config_file, "w") as fh:
        fh.write("= nope")
    with pytest.raises(ConfigError):
        with profiles.Edit():
            pass
    with files.locked(config_file, timeout=0.5):
        pass


# --- profile model -------------------------------------------------------------------------


def test_profile_round_trips_through_toml(config_file):
    with profiles.Edit() as config:
        config.profiles["p"] = profiles.Profile("p", "sg", "https://x", {"region": "us-south", "resource_group": "r"},
                                                ca_bundle="/etc/ca.pem", timeout=7.5, storage="file")
        config.defaults["sg"] = "p"
    loaded = profiles.load()
    assert loaded.profiles["p"] == config.profiles["p"]
    assert loaded.profiles["p"].options == {"region": "us-south", "resource_group": "r"}
    assert loaded.is_default(loaded.profiles["p"])
    assert mode_of(config_file) == 0o600


def test_build_profile_derives_sg_url_from_every_region():
    from gwctl.products import SG_REGIONS

    for region in SG_REGIONS:
        p = profiles.build_profile("s", "sg", None, {"region": region, "resource_group": "rg"})
        assert p.url == f"https://sgmanager.{region}.securegateway.cloud.ibm.com"
