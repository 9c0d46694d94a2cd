"""The credential chain against a real OS keyring (SecretService).

Skipped unless GWCTL_REAL_KEYRING=1; `.ci/run` runs it under dbus-run-session with an
unlocked gnome-keyring:

    GWCTL_REAL_KEYRING=1 XDG_DATA_HOME="$(mktemp -d)" dbus-run-session -- sh -c \\
      'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; python -m pytest -q -m keyring tests/test_keyring_real.py'
"""

from __future__ import annotations

import os
import uuid

import pytest

pytestmark = [
    pytest.mark.keyring,
    pytest.mark.skipif(os.environ.get("GWCTL_REAL_KEYRING") != "1", reason="set GWCTL_REAL_KEYRING=1 (see .ci/run)"),
]


@pytest.fixture
def real_keyring(isolated, monkeypatch):
    """Swap the in-memory backend of tests/conftest.py for SecretService (isolated() restores nothing real)."""
    import keyring
    from keyring.backends import SecretService

    from gwctl.config import credentials

    backend = SecretService.Keyring()
    keyring.set_keyring(backend)
    credentials.reset_keyring_probe()
    monkeypatch.setattr(credentials, "KEYRING_TIMEOUT", 15.0)
    profile = f"gwctl-test-{uuid.uuid4().hex[:12]}"  # never collides with a real profile's entries
    yield backend, profile
    for name in ("vault_token", "key_id", "key_secret"):
        try:
            backend.delete_password("gwctl", f"{profile}:{name}")
        except Exception:  # noqa: BLE001 - best effort clean-up
            pass
    credentials.reset_keyring_probe()


def test_backend_is_usable(real_keyring):
    from gwctl.config.credentials import keyring_usable

    assert keyring_usable()


def test_store_get_forget_round_trip(real_keyring):
    from gwctl.config.credentials import Credentials

    backend, profile = real_keyring
    creds = Credentials(profile, "opa", "keyring", env={})
    assert creds.get("key_secret") is None
    assert creds.store("key_id", "id-1") == "keyring service 'gwctl'"
    assert creds.store("key_secret", "s3cr3t-ü-✓") == "keyring service 'gwctl'"
    assert backend.get_password("gwctl", f"{profile}:key_secret") == "s3cr3t-ü-✓"
    fresh = Credentials(profile, "opa", "keyring", env={})
    found = fresh.lookup("key_secret")
    assert (found.value, found.origin) == ("s3cr3t-ü-✓", "keyring")
    assert fresh.require("key_id", "key_secret") == {"key_id": "id-1", "key_secret": "s3cr3t-ü-✓"}
    # overwrite
    fresh.store("key_secret", "second")
    assert Credentials(profile, "opa", "keyring", env={}).get("key_secret") == "second"
    assert fresh.forget() == ["keyring"]
    assert backend.get_password("gwctl", f"{profile}:key_secret") is None
    assert Credentials(profile, "opa", "keyring", env={}).get("key_id") is None
    assert fresh.forget() == []


def test_env_still_wins_over_the_real_keyring(real_keyring):
    from gwctl.config.credentials import Credentials

    _, profile = real_keyring
    Credentials(profile, "gatekeeper", "keyring", env={}).store("vault_token", "from-keyring")
    creds = Credentials(profile, "gatekeeper", "keyring", env={"GWCTL_VAULT_TOKEN": "from-env"})
    assert creds.lookup("vault_token").origin == "env"
    assert Credentials(profile, "gatekeeper", "keyring", env={}).get("vault_token") == "from-keyring"


def test_cli_login_status_logout(real_keyring, gw):
    backend, profile = real_keyring
    assert gw("profile", "add", profile, "--product", "gatekeeper", "--url", "http://127.0.0.1:9").code == 0
    result = gw("auth", "login", "-p", profile, "--stdin", stdin="real-keyring-token\n")
    assert (result.code, result.err) == (0, f"stored credentials for profile {profile} in keyring service 'gwctl'\n")
    assert backend.get_password("gwctl", f"{profile}:vault_token") == "real-keyring-token"
    result = gw("auth", "status", "-p", profile, "-o", "json")
    assert result.code == 0
    assert result.json()[0]["source"] == "keyring"
    assert "real-keyring-token" not in result.all
    result = gw("auth", "logout", "-p", profile)
    assert (result.code, result.err) == (0, f"logged out of profile {profile} (keyring)\n")
    assert backend.get_password("gwctl", f"{profile}:vault_token") is None
