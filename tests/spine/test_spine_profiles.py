"""`gwctl profile add|list|show|use|remove|rename`: good and bad input, exit codes, config.toml."""

from __future__ import annotations

import os
import re

import pytest
from spine_helpers import mode_of, read_toml

OPA = ("--product", "opa", "--url", "https://acme.pam.okta.com", "--team", "ops")
GK = ("--product", "gatekeeper", "--url", "http://127.0.0.1:9201")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str) -> str:
    """TTY output without colour codes and trailing padding."""
    return "\n".join(line.rstrip() for line in ANSI.sub("", text).splitlines()) + "\n"


# --- add -----------------------------------------------------------------------


def test_add_first_profile_becomes_default(gw, config_file):
    result = gw("profile", "add", "prod", *OPA)
    assert (result.code, result.out) == (0, "")
    assert result.err == "added profile prod (opa, https://acme.pam.okta.com) [default]\n"
    assert read_toml(config_file) == {
        "defaults": {"opa": "prod"},
        "profiles": {"prod": {"product": "opa", "url": "https://acme.pam.okta.com", "team": "ops",
                              "storage": "keyring"}},
    }


def test_add_second_profile_is_not_default_unless_asked(gw, config_file):
    assert gw("profile", "add", "prod", *OPA).code == 0
    result = gw("profile", "add", "stage", "--product", "opa", "--url", "https://stage.pam.okta.com/", "--team", "qa")
    assert result.code == 0
    assert result.err == "added profile stage (opa, https://stage.pam.okta.com)\n"
    assert read_toml(config_file)["defaults"] == {"opa": "prod"}
    result = gw("profile", "add", "third", *OPA, "--default")
    assert result.err == "added profile third (opa, https://acme.pam.okta.com) [default]\n"
    assert read_toml(config_file)["defaults"] == {"opa": "third"}


def test_add_json_output_prints_the_profile(gw):
    result = gw("profile", "add", "gk", *GK, "--timeout", "5", "-o", "json")
    assert result.code == 0
    assert result.json() == {"name": "gk", "product": "gatekeeper", "url": "http://127.0.0.1:9201", "timeout": 5.0,
                             "storage": "keyring", "default": True}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--product", "nope", "--url", "https://x.example"),
         "error: invalid --product 'nope': choose from opa, pomerium, api7, sg, gatekeeper\n"),
        (("--url", "https://x.example"),
         "error: missing option --product\nhint: one of: opa, pomerium, api7, sg, gatekeeper\n"),
        (("--product", "opa", "--url", "ftp://x.example", "--team", "t"),
         "error: invalid --url 'ftp://x.example': expected http(s)://HOST[:PORT][/PATH]\n"),
        (("--product", "opa", "--url", "https://", "--team", "t"),
         "error: invalid --url 'https://': expected http(s)://HOST[:PORT][/PATH]\n"),
        (("--product", "opa", "--url", "acme.pam.okta.com", "--team", "t"),
         "error: invalid --url 'acme.pam.okta.com': expected http(s)://HOST[:PORT][/PATH]\n"),
        (("--product", "opa", "--url", "https://x.example:99999", "--team", "t"),
         "error: invalid --url 'https://x.example:99999': bad port\n"),
        (("--product", "opa", "--url", "https://x.example/?a=1", "--team", "t"),
         "error: invalid --url 'https://x.example/?a=1': no query or fragment allowed\n"),
        (("--product", "opa", "--url", "https://x .example", "--team", "t"),
         "error: invalid --url 'https://x .example': no spaces allowed\n"),
        (("--product", "opa", "--team", "t"),
         "error: missing option --url (e.g. https://ORG.pam.okta.com)\n"),
        (("--product", "opa", "--url", "https://x.example"),
         "error: missing option --team (required for opa profiles)\n"
         "hint: OPA team name (every path is /v1/teams/TEAM/...).\n"),
        (("--product", "pomerium"),
         "error: missing option --org (required for pomerium profiles)\nhint: Default organization ID.\n"),
        (("--product", "sg", "--resource-group", "rg"),
         "error: missing option --region (required for sg profiles)\nhint: IBM Cloud region.\n"),
        (("--product", "sg", "--region", "us-south"),
         "error: missing option --resource-group (required for sg profiles)\n"
         "hint: Resource group ID sent on account calls.\n"),
        (("--product", "sg", "--region", "mars-1", "--resource-group", "rg"),
         "error: invalid --region 'mars-1': choose from us-south, us-east, eu-gb, eu-de, au-syd\n"),
        (("--product", "sg", "--region", "us-south", "--resource-group", "rg", "--iam-url", "iam"),
         "error: invalid --iam-url 'iam': expected http(s)://HOST[:PORT][/PATH]\n"),
        (("--product", "gatekeeper", "--url", "http://h:9201", "--team", "t"),
         "error: option --team does not apply to gatekeeper profiles\n"),
        (("--product", "gatekeeper", "--url", "http://h:9201", "--timeout", "0"),
         "error: Invalid value for '--timeout': '0' must be more than 0 and at most 86400 seconds\nhint: see `gwctl profile add --help`\n"),
        (("--product", "gatekeeper", "--url", "http://h:9201", "--timeout", "-3"),
         "error: Invalid value for '--timeout': '-3' must be more than 0 and at most 86400 seconds\nhint: see `gwctl profile add --help`\n"),
        (("--product", "gatekeeper", "--url", "http://h:9201", "--timeout", "soon"),
         "error: Invalid value for '--timeout': 'soon' is not a number of seconds\nhint: see `gwctl profile add --help`\n"),
        (("--product", "gatekeeper", "--url", "http://h:9201", "--ca-bundle", "/no/such/ca.pem"),
         "error: invalid --ca-bundle '/no/such/ca.pem': no such file\n"),
        (("--product", "gatekeeper", "--url", "http://h:9201", "--zzz"),
         "error: No such option '--zzz'.\nhint: see `gwctl profile add --help`\n"),
    ],
    ids=lambda v: v if isinstance(v, str) and not v.startswith("error") else None,
)
def test_add_bad_input_is_a_usage_error(gw, config_file, argv, message):
    result = gw("profile", "add", "x", *argv)
    assert (result.code, result.out, result.err) == (2, "", message)
    assert not os.path.exists(config_file)


def test_add_bad_name(gw):
    result = gw("profile", "add", "bad name", *GK)
    assert (result.code, result.err) == (
        2, "error: invalid profile NAME 'bad name': use letters, digits, '-', '_' or '.' (max 64)\n")


def test_add_missing_name_argument(gw):
    result = gw("profile", "add")
    assert result.code == 2
    assert result.err == "error: Missing argument 'NAME'.\nhint: see `gwctl profile add --help`\n"


def test_add_duplicate_needs_force(gw, config_file):
    assert gw("profile", "add", "gk", *GK).code == 0
    result = gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9999")
    assert (result.code, result.err) == (2, "error: profile 'gk' already exists\nhint: use --force to replace it\n")
    assert read_toml(config_file)["profiles"]["gk"]["url"] == "http://127.0.0.1:9201"
    result = gw("profile", "add", "gk", "--product", "gatekeeper", "--url", "http://127.0.0.1:9999", "--force")
    assert (result.code, result.err) == (0, "added profile gk (gatekeeper, http://127.0.0.1:9999) [default]\n")
    assert read_toml(config_file)["profiles"]["gk"]["url"] == "http://127.0.0.1:9999"


def test_force_replacing_with_another_product_drops_the_old_default(gw, config_file, keyring_store):
    assert gw("profile", "add", "x", *OPA).code == 0
    assert gw("-p", "x", "auth", "login", "--stdin", "--no-verify", stdin="id\nsecret\n").code == 0
    assert gw("profile", "add", "x", *GK, "--force").code == 0
    assert read_toml(config_file)["defaults"] == {"gatekeeper": "x"}
    assert keyring_store == {}  # the opa secrets went with the opa profile
    from gwctl.config.profiles import load
    from gwctl.errors import NotFoundError

    with pytest.raises(NotFoundError, match="no opa profile configured"):
        load().resolve("opa", None)


def test_default_pointing_at_another_product_is_ignored(gw, config_file):
    assert gw("profile", "add", "gk", *GK).code == 0
    import tomli_w

    config = read_toml(config_file)
    config["defaults"]["opa"] = "gk"
    with open(config_file, "w") as fh:
        fh.write(tomli_w.dumps(config))
    result = gw("opa", "gateways", "list")
    assert result.code == 3
    assert result.err.startswith("error: no opa profile configured\n")


def test_add_ca_bundle_is_stored_as_absolute_path(gw, config_file, tmp_path, monkeypatch):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.chdir(tmp_path)
    assert gw("profile", "add", "gk", *GK, "--ca-bundle", "ca.pem").code == 0
    assert read_toml(config_file)["profiles"]["gk"]["ca_bundle"] == os.path.realpath(bundle)
    result = gw("profile", "add", "gk2", *GK, "--ca-bundle", "ca.pem", "--insecure")
    assert (result.code, result.err) == (2, "error: --insecure and --ca-bundle cannot be combined\n")


def test_add_each_product_with_its_options(gw, config_file):
    assert gw("profile", "add", "o", *OPA).code == 0
    assert gw("profile", "add", "pz", "--product", "pomerium", "--org", "org1", "--cluster", "c1").code == 0
    assert gw("profile", "add", "a7", "--product", "api7", "--url", "https://dash:7443",
              "--gateway-group", "default").code == 0
    assert gw("profile", "add", "ibm", "--product", "sg", "--region", "eu-de", "--resource-group", "rg1").code == 0
    assert gw("profile", "add", "gk", *GK, "--insecure").code == 0
    profiles = read_toml(config_file)["profiles"]
    assert profiles["pz"] == {"product": "pomerium", "url": "https://console.pomerium.app/api/v0", "org": "org1",
                              "cluster": "c1", "storage": "keyring"}
    assert profiles["a7"]["gateway_group"] == "default"
    # sg: the URL is derived from the region
    assert profiles["ibm"] == {"product": "sg", "url": "https://sgmanager.eu-de.securegateway.cloud.ibm.com",
                               "region": "eu-de", "resource_group": "rg1", "storage": "keyring"}
    assert profiles["gk"]["insecure"] is True
    assert read_toml(config_file)["defaults"] == {"api7": "a7", "gatekeeper": "gk", "opa": "o", "pomerium": "pz",
                                                  "sg": "ibm"}


def test_sg_explicit_url_wins_over_region(gw, config_file):
    assert gw("profile", "add", "ibm", "--product", "sg", "--region", "us-east", "--resource-group", "rg",
              "--url", "http://127.0.0.1:8080").code == 0
    assert read_toml(config_file)["profiles"]["ibm"]["url"] == "http://127.0.0.1:8080"


def test_option_of_another_product_is_rejected(gw):
    result = gw("profile", "add", "o", *OPA, "--region", "us-south")
    assert (result.code, result.err) == (2, "error: option --region does not apply to opa profiles\n")


# --- config.toml ---------------------------------------------------------------------


def test_config_written_with_mode_0600_and_no_temp_files_left(gw, config_dir, config_file):
    assert gw("profile", "add", "gk", *GK).code == 0
    assert gw("profile", "add", "o", *OPA).code == 0
    assert mode_of(config_file) == 0o600
    assert mode_of(config_dir) == 0o700
    leftovers = [n for n in os.listdir(config_dir) if n.endswith(".tmp")]
    assert leftovers == []


def test_config_written_atomically(gw, config_file, monkeypatch):
    """A failure while writing leaves the previous config.toml intact."""
    assert gw("profile", "add", "gk", *GK).code == 0
    before = open(config_file).read()
    import gwctl.config.files as files

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    result = gw("profile", "add", "o", *OPA)
    assert result.code != 0
    assert open(config_file).read() == before
    assert [n for n in os.listdir(os.path.dirname(config_file)) if n.endswith(".tmp")] == []


def test_config_never_holds_a_secret(gw, config_file, monkeypatch):
    assert gw("profile", "add", "gk", *GK).code == 0
    assert gw("auth", "login", "--stdin", stdin="vault-secret-123\n").code == 0
    assert gw("auth", "login", "--stdin", "--insecure-storage", stdin="vault-secret-456\n").code == 0
    assert gw("profile", "rename", "gk", "gk2").code == 0
    text = open(config_file).read()
    assert "vault-secret" not in text
    assert read_toml(config_file)["profiles"]["gk2"]["storage"] == "file"


def test_corrupted_config_is_a_one_line_usage_error(gw, config_file):
    os.makedirs(os.path.dirname(config_file), exist_ok=True)
    with open(config_file, "w") as fh:
        fh.write("[profiles.x\nproduct = 'opa'\n")
    for argv in (("profile", "list"), ("profile", "add", "gk", *GK), ("gatekeeper", "status")):
        result = gw(*argv)
        assert result.code == 2, argv
        lines = result.err.splitlines()
        assert len(lines) == 1, result.err
        assert lines[0].startswith(f"error: {config_file} is not valid TOML: ")
    with open(config_file) as fh:
        assert fh.read() == "[profiles.x\nproduct = 'opa'\n"  # never overwritten


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[profiles.x]\nproduct = "nope"\nurl = "http://h"\n', "has an unknown product 'nope'"),
        ('profiles = "x"\n', "[profiles] must be a table"),
        ('profiles = {x = 1}\n', "must be a table"),
        ('defaults = "opa"\n', "[defaults] must be a table"),
        (b"\xff\xfe".decode("latin-1"), "is not valid TOML"),
    ],
)
def test_invalid_config_content_is_a_usage_error(gw, config_file, text, message):
    os.makedirs(os.path.dirname(config_file), exist_ok=True)
    with open(config_file, "w", encoding="latin-1") as fh:
        fh.write(text)
    result = gw("profile", "list")
    assert result.code == 2, result.err
    assert len(result.err.splitlines()) == 1
    assert message in result.err


def test_unreadable_config_is_a_usage_error(gw, config_file):
    os.makedirs(config_file)  # a directory where the file should be
    result = gw("profile", "list")
    assert result.code == 2, result.err
    assert result.err.startswith(f"error: cannot read {config_file}: ")


# --- list / show -------------------------------------------------------------------------


def _two(gw):
    assert gw("profile", "add", "o", *OPA).code == 0
    assert gw("profile", "add", "gk", *GK).code == 0


def test_list_piped_is_tsv(gw):
    _two(gw)
    result = gw("profile", "list")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "NAME\tPRODUCT\tURL\tDEFAULT\tOPTIONS\n"
        "gk\tgatekeeper\thttp://127.0.0.1:9201\ttrue\t\n"
        "o\topa\thttps://acme.pam.okta.com\ttrue\tteam=ops\n"
    )


def test_list_on_a_tty_is_a_table(gw):
    _two(gw)
    result = gw("profile", "list", tty=True)
    assert result.code == 0
    assert plain(result.out) == (
        "NAME  PRODUCT     URL                        DEFAULT  OPTIONS\n"
        "gk    gatekeeper  http://127.0.0.1:9201      true\n"
        "o     opa         https://acme.pam.okta.com  true     team=ops\n"
    )


def test_list_filters_and_limits(gw):
    _two(gw)
    assert gw("profile", "list", "--product", "gatekeeper", "--no-headers").out == (
        "gk\tgatekeeper\thttp://127.0.0.1:9201\ttrue\t\n")
    assert gw("profile", "list", "--limit", "1", "--columns", "name").out == "NAME\ngk\n"
    assert gw("profile", "list", "--limit", "1", "--all", "--columns", "name").out == "NAME\ngk\no\n"


def test_list_empty(gw):
    result = gw("profile", "list")
    assert (result.code, result.out, result.err) == (0, "NAME\tPRODUCT\tURL\tDEFAULT\tOPTIONS\n", "")
    result = gw("profile", "list", tty=True)
    assert (result.code, result.out, result.err) == (0, "", "No results.\n")
    result = gw("profile", "list", "-o", "json")
    assert (result.code, result.out) == (0, "[]\n")


def test_show(gw):
    _two(gw)
    result = gw("profile", "show", "o")
    assert (result.code, result.err) == (0, "")
    assert result.out == ("NAME\to\nPRODUCT\topa\nURL\thttps://acme.pam.okta.com\nDEFAULT\ttrue\n"
                          "OPTIONS\tteam=ops\n")
    result = gw("profile", "show", "o", tty=True)
    assert plain(result.out) == (
        "NAME     o\nPRODUCT  opa\nURL      https://acme.pam.okta.com\nDEFAULT  true\nOPTIONS  team=ops\n")
    assert gw("profile", "show", "o", "-o", "json").json() == {
        "name": "o", "product": "opa", "url": "https://acme.pam.okta.com", "team": "ops", "storage": "keyring",
        "default": True}


@pytest.mark.parametrize("verb", ["show", "use", "remove", "rename"])
def test_unknown_profile_is_exit_3(gw, verb):
    _two(gw)
    argv = ["profile", verb, "nope"] + (["new"] if verb == "rename" else []) + (["--yes"] if verb == "remove" else [])
    result = gw(*argv)
    assert (result.code, result.out) == (3, "")
    assert result.err == "error: profile 'nope' does not exist\nhint: list profiles with `gwctl profile list`\n"


def test_unknown_global_profile_is_exit_3(gw):
    _two(gw)
    result = gw("-p", "nope", "gatekeeper", "status")
    assert (result.code, result.err) == (
        3, "error: profile 'nope' does not exist\nhint: list profiles with `gwctl profile list`\n")


# --- use: one default per product ---------------------------------------------------------


def test_use_sets_the_default_per_product(gw, config_file):
    _two(gw)
    assert gw("profile", "add", "o2", *OPA).code == 0
    assert gw("profile", "add", "gk2", *GK).code == 0
    result = gw("profile", "use", "o2")
    assert (result.code, result.out, result.err) == (0, "", "o2 is now the default opa profile\n")
    assert read_toml(config_file)["defaults"] == {"gatekeeper": "gk", "opa": "o2"}
    assert gw("profile", "list", "--columns", "name,default").out == (
        "NAME\tDEFAULT\ngk\ttrue\ngk2\tfalse\no\tfalse\no2\ttrue\n")


def test_without_a_default_several_profiles_need_a_choice(gw, config_file):
    _two(gw)
    assert gw("profile", "add", "gk2", *GK).code == 0
    config = read_toml(config_file)
    del config["defaults"]["gatekeeper"]
    import tomli_w

    with open(config_file, "w") as fh:
        fh.write(tomli_w.dumps(config))
    result = gw("gatekeeper", "status")
    assert (result.code, result.err) == (
        2, "error: several gatekeeper profiles (gk, gk2) and none is the default\n"
           "hint: choose with --profile NAME or `gwctl profile use NAME`\n")


def test_profile_of_another_product_is_refused(gw):
    _two(gw)
    result = gw("gatekeeper", "status", "-p", "o")
    assert (result.code, result.err) == (
        2, "error: profile 'o' is for opa, not gatekeeper\n"
           "hint: pick one of the gatekeeper profiles with --profile, or see `gwctl profile list`\n")


def test_no_profile_for_the_product(gw):
    result = gw("gatekeeper", "status")
    assert result.code == 3
    assert result.err == (
        "error: no gatekeeper profile configured\n"
        "hint: create one with `gwctl profile add NAME --product gatekeeper --url URL`, or run `gwctl sandbox start`\n")


# --- remove ------------------------------------------------------------------------------------


def test_remove_without_tty_needs_yes(gw, config_file):
    _two(gw)
    result = gw("profile", "remove", "gk")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("error: remove profile gk (its stored credentials are deleted too): confirmation required; "
                          "re-run with --yes\n")
    assert "gk" in read_toml(config_file)["profiles"]


def test_remove_with_yes_drops_credentials_and_tokens(gw, config_file, keyring_store):
    _two(gw)
    assert gw("-p", "gk", "auth", "login", "--stdin", stdin="tok\n").code == 0
    assert keyring_store == {("gwctl", "gk:vault_token"): "tok"}
    from gwctl.config.credentials import TokenCache

    TokenCache().set("gk:bearer", "t", 4e9)
    TokenCache().set("o:bearer", "t", 4e9)
    result = gw("profile", "remove", "gk", "-y")
    assert (result.code, result.out, result.err) == (0, "", "removed profile gk\n")
    config = read_toml(config_file)
    assert config == {"defaults": {"opa": "o"}, "profiles": {"o": config["profiles"]["o"]}}
    assert keyring_store == {}
    assert TokenCache().entries("") != {} and list(TokenCache().entries("")) == ["o:bearer"]


def test_remove_on_a_tty_asks(gw, config_file):
    _two(gw)
    result = gw("profile", "remove", "gk", tty=True, stdin_tty=True, stdin="n\n")
    assert result.code == 13
    assert "Remove profile gk (its stored credentials are deleted too)? [y/N]" in result.err
    assert "gk" in read_toml(config_file)["profiles"]
    result = gw("profile", "remove", "gk", tty=True, stdin_tty=True, stdin="y\n")
    assert result.code == 0
    assert "removed profile gk" in result.err
    assert "gk" not in read_toml(config_file)["profiles"]


def test_remove_default_promotes_the_only_other(gw, config_file):
    _two(gw)
    assert gw("profile", "add", "gk2", *GK).code == 0
    assert gw("profile", "remove", "gk", "--yes").code == 0
    assert read_toml(config_file)["defaults"] == {"gatekeeper": "gk2", "opa": "o"}


# --- rename -------------------------------------------------------------------------------------


def test_rename_keeps_default_and_credentials(gw, config_file, keyring_store):
    _two(gw)
    assert gw("-p", "gk", "auth", "login", "--stdin", stdin="tok\n").code == 0
    result = gw("profile", "rename", "gk", "vault")
    assert (result.code, result.out, result.err) == (0, "", "renamed profile gk to vault\n")
    config = read_toml(config_file)
    assert config["defaults"] == {"gatekeeper": "vault", "opa": "o"}
    assert set(config["profiles"]) == {"o", "vault"}
    assert keyring_store == {("gwctl", "vault:vault_token"): "tok"}


def test_rename_moves_cached_tokens(gw):
    from gwctl.config.credentials import TokenCache

    _two(gw)
    TokenCache().set("gk:bearer", "t", 4e9)
    assert gw("profile", "rename", "gk", "vault").code == 0
    assert list(TokenCache().entries("")) == ["vault:bearer"]


def test_rename_keeps_file_credentials(gw, config_dir):
    _two(gw)
    assert gw("-p", "gk", "auth", "login", "--stdin", "--insecure-storage", stdin="tok\n").code == 0
    assert gw("profile", "rename", "gk", "vault").code == 0
    import json

    with open(os.path.join(config_dir, "credentials.json")) as fh:
        assert json.load(fh) == {"vault": {"vault_token": "tok"}}


@pytest.mark.parametrize(
    ("new", "code", "err"),
    [
        ("o", 2, "error: profile 'o' already exists\n"),
        ("bad/name", 2, "error: invalid profile NEW 'bad/name': use letters, digits, '-', '_' or '.' (max 64)\n"),
    ],
)
def test_rename_bad_input(gw, config_file, new, code, err):
    _two(gw)
    before = open(config_file).read()
    result = gw("profile", "rename", "gk", new)
    assert (result.code, result.err) == (code, err)
    assert open(config_file).read() == before


def test_a_url_holding_credentials_is_refused_and_never_echoed(gw, tmp_path):
    result = gw("profile", "add", "x", "--product", "opa", "--url", "http://user:s3cr3t-pw@127.0.0.1:1/", "--team", "t")
    assert result.code == 2
    assert result.err == ("error: invalid --url: it holds credentials (USER:PASSWORD@); a URL must not\n"
                          "hint: give the URL without them and store the secret with `gwctl auth login`\n")
    assert "s3cr3t-pw" not in result.out + result.err
    assert gw("profile", "list", "-o", "json").out.strip() == "[]"
