"""Leak scan: every secret of the session, plain and encoded, in everything gwctl printed or wrote.

A representative run per product: every runnable example of its operations catalogue with -vvv
(creates, token mints, rotations included), `auth login` from stdin, `auth status`, `auth token`,
secrets written with --out, and a real `gwctl sandbox start`. The secrets are every credential of
the sandboxes, every token, key or password the emulators hold at the end (seeded or minted) and
every credential the emulators received in a header. Each is looked for as is, base64 (standard and
URL-safe, with and without padding) and percent-encoded, in:
  - stderr (the -vvv HTTP logs included) of every run: never;
  - stdout: only for commands whose purpose is to show a secret (ALLOWED_ON_STDOUT);
  - every file under the config, state and cache directories: never, except the stores whose job it
    is to hold secrets (credentials.json when the user chose --insecure-storage, the token cache,
    rotation recovery files) and the --out files asked for.
Every file gwctl wrote is 0600 and every directory it created 0700.
"""

from __future__ import annotations

import base64
import os
import re
import shlex
import stat
from urllib.parse import quote, unquote

import pytest

from gwctl.products import PRODUCTS

SECRET_KEY = re.compile(r"(token|secret|passw|api_?key|apikey|jwt|refresh|credential|private|session|wrapped)", re.I)
NOT_SECRET_KEY = re.compile(r"(_id$|^id$|name|_at$|expir|type|count|ttl|enabled|allowed|_url$|uses|policy|"
                            r"status|created|updated|description|role|scope|max|used|last)", re.I)
SECRET_HEADER = re.compile(r"(authorization|api-key|apikey|token|secret|cookie|x-vault)", re.I)
MIN_LEN = 10

# Commands (argv prefix after the product) whose purpose is to show a secret on stdout.
ALLOWED_ON_STDOUT = {
    ("opa", "setup-tokens", "create"), ("opa", "setup-tokens", "reveal"), ("opa", "setup-tokens", "rotate"),
    ("pomerium", "users", "create-api-user"), ("pomerium", "users", "renew-token"),
    ("pomerium", "service-accounts", "create"), ("pomerium", "service-accounts", "token"),
    ("pomerium", "clusters", "create"), ("pomerium", "clusters", "rotate-token"),
    ("api7", "tokens", "create"), ("api7", "tokens", "regenerate"), ("api7", "scim", "generate-token"),
    ("api7", "gateway-groups", "instance-token"), ("api7", "gateway-groups", "dp-cert"),
    ("sg", "gateways", "create"), ("sg", "gateways", "rotate-token"), ("sg", "gateways", "regen-auth"),
    ("sg", "gateways", "export"), ("sg", "destinations", "export"), ("sg", "certs", "download"),
    ("sg", "export"),
    ("gatekeeper", "token", "request"),
    ("auth", "token"),
}
SECRET_STORES = ("credentials.json", "tokens.json")


def allowed_on_stdout(argv: list[str]) -> bool:
    words = [a for a in argv if not a.startswith("-")]
    return any(tuple(words[:len(key)]) == key for key in ALLOWED_ON_STDOUT)


# -- collecting the secrets -------------------------------------------------------------------------------

ID_KEY = re.compile(r"(^id$|_id$|Id$|ID$|^_id$|^key$|^name$)")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def secret_shaped(value: str) -> bool:
    """A credential, not an ID or a word: long, letters and digits, varied, no spaces, not a UUID."""
    return (len(value) >= 16 and not any(c.isspace() for c in value) and any(c.isdigit() for c in value)
            and any(c.isalpha() for c in value) and len(set(value)) >= 10 and not UUID.match(value))


def _ids(value, key: str, found: set[str], depth: int = 0) -> None:
    if depth > 12:
        return
    if isinstance(value, str):
        if ID_KEY.search(key):
            found.add(value)
    elif hasattr(value, "items"):
        for k, v in list(value.items()):
            _ids(v, str(k), found, depth + 1)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            _ids(item, key, found, depth + 1)


def _walk(value, key: str, found: set[str], depth: int = 0) -> None:
    if depth > 12:
        return
    secretish = bool(SECRET_KEY.search(key)) and not NOT_SECRET_KEY.search(key)
    if isinstance(value, str):
        if secretish and len(value) >= MIN_LEN:
            found.add(value)
        elif "PRIVATE KEY-----" in value:
            found.update(line for line in value.splitlines() if len(line) >= 40 and "-----" not in line)
        return
    if hasattr(value, "items"):
        for k, v in list(value.items()):
            if secretish and isinstance(k, str) and len(k) >= MIN_LEN:
                found.add(k)  # e.g. refresh_tokens = {token: user}
            _walk(v, str(k) if isinstance(k, str) else key, found, depth + 1)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            _walk(item, key, found, depth + 1)


def emulator_secrets(emulator) -> set[str]:
    found: set[str] = set(emulator.credentials().values())
    ids: set[str] = set()
    for name, value in vars(emulator).items():
        if name in ("requests", "clock", "sleep") or name.startswith("_"):
            continue
        _walk(value, name, found)
        _ids(value, name, ids)
    for request in emulator.requests:
        for header, value in request.headers.items():
            if not SECRET_HEADER.search(header):
                continue
            for part in re.split(r"[\s;,=]+", value):
                if len(part) >= MIN_LEN:
                    found.add(part)
                    try:
                        found.update(p for p in base64.b64decode(part, validate=True).decode().split(":")
                                     if len(p) >= MIN_LEN)
                    except ValueError:
                        pass
    # A key ID (OPA's key_id) identifies a key: the secret is its other half.
    public = {emulator.credentials().get("key_id"), *map(str, emulator.profile_options("").values())}
    return {s for s in found if secret_shaped(s) and s not in ids and s not in public}


def encodings(secret: str) -> set[str]:
    raw = secret.encode()
    forms = {secret, quote(secret, safe=""), quote(secret)}
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        text = encode(raw).decode()
        forms |= {text, text.rstrip("=")}
    return {f for f in forms if len(f) >= MIN_LEN}


def hits(text: str, secrets: set[str]) -> list[str]:
    return sorted({s for s in secrets for form in encodings(s) if form in text})


def written_files(tmp_path) -> list[str]:
    out = []
    for root in ("config", "state", "cache"):
        for folder, dirs, files in os.walk(tmp_path / root):
            out += [os.path.join(folder, f) for f in files]
    return out


def assert_private_tree(tmp_path) -> None:
    loose = []
    for root in ("config", "state", "cache"):
        base = tmp_path / root
        if not base.exists():
            continue
        for folder, dirs, files in os.walk(base):
            if stat.S_IMODE(os.stat(folder).st_mode) != 0o700:
                loose.append(f"{folder} {oct(stat.S_IMODE(os.stat(folder).st_mode))}")
            for name in files:
                path = os.path.join(folder, name)
                if stat.S_IMODE(os.lstat(path).st_mode) != 0o600:
                    loose.append(f"{path} {oct(stat.S_IMODE(os.lstat(path).st_mode))}")
    assert loose == [], loose


# -- the run ------------------------------------------------------------------------------------------------

ROTATING = re.compile(r"\b(rotate|rotate-token|regenerate|renew-token|regen-auth|seal|delete-me|logout)\b")


def catalogue_runs(product: str) -> list[str]:
    from gwctl.cli.catalogue import catalogue

    examples = [op.example for op in catalogue(product) if op.example]
    # What invalidates the sandbox's own credential or seals the server goes last.
    return sorted(dict.fromkeys(examples), key=lambda e: bool(ROTATING.search(e)))


@pytest.mark.timeout(300)
def test_no_secret_in_output_logs_or_files(sandbox, tmp_path):
    boxes = {p: sandbox(p) for p in PRODUCTS}
    gw = boxes["opa"].gw
    runs: list[tuple[list[str], object]] = []

    def run(*argv: str, stdin: str = ""):
        result = gw(*argv, stdin=stdin)
        runs.append((list(argv), result))
        return result

    # Logging in stores secrets (verified against the server first); one profile in the 0600 file.
    for product, box in boxes.items():
        lines = "".join(f"{value}\n" for value in box.env.values())
        storage = ["--insecure-storage"] if product == "sg" else []
        result = run("auth", "login", "-p", box.profile, "--stdin", *storage, "-vvv", stdin=lines)
        assert result.code == 0, result.err
    run("auth", "status", "-vvv")
    run("profile", "list")
    run("-o", "json", "profile", "show", "sandbox-opa")
    out_dir = tmp_path / "out"
    out_dir.mkdir(mode=0o700)
    run("opa", "setup-tokens", "create", "-d", "leak-scan", "--out", str(out_dir / "setup.token"), "-vvv")
    run("api7", "tokens", "create", "--name", "leak-scan", "--expires-in", "1d", "--out", str(out_dir / "api7.token"),
        "-vvv")
    run("api7", "tokens", "create", "--name", "leak-scan-2", "--expires-in", "1d", "-o", "json", "-vvv")
    run("gatekeeper", "token", "request", "--task-id", "web-task", "--out", str(out_dir / "vault.token"), "-vvv")
    run("auth", "token", "-p", "sandbox-opa")
    for product, box in boxes.items():
        values = box.emulator.example_values()
        for example in catalogue_runs(product):
            run(*shlex.split(example.format(**values)), "-vvv", stdin=values.get("_stdin", ""))
    run("auth", "status")

    secrets: set[str] = set()
    for box in boxes.values():
        secrets |= emulator_secrets(box.emulator)
    assert len(secrets) >= 20, "the scan found too few secrets to be meaningful"

    leaks = []
    for argv, result in runs:
        shown = " ".join(argv)
        for secret in hits(result.err, secrets):
            leaks.append(f"stderr of `{shown}`: {secret[:6]}...")
        if not allowed_on_stdout(argv):
            for secret in hits(result.out, secrets):
                leaks.append(f"stdout of `{shown}`: {secret[:6]}...")
    for path in written_files(tmp_path):
        name = os.path.basename(path)
        if name in SECRET_STORES or f"{os.sep}recovery{os.sep}" in path:
            continue
        with open(path, encoding="utf-8", errors="replace") as fh:
            for secret in hits(fh.read(), secrets):
                leaks.append(f"file {path}: {secret[:6]}...")
    forms = sum(len(encodings(s)) for s in secrets)
    print(f"\nleak scan: {len(runs)} runs, {len(secrets)} secrets ({forms} plain and encoded forms), "
          f"{len(written_files(tmp_path))} files, {len(leaks)} hits")
    if os.environ.get("LEAKDUMP"):
        open(os.environ["LEAKDUMP"], "w").write("\n".join(leaks) + "\n----\n" + "\n".join(sorted(secrets)))
    assert leaks == []
    # The scan sees secrets where they belong: on the stdout of the commands that show one.
    shown = {" ".join(a for a in argv if not a.startswith("-"))[:40] for argv, r in runs
             if allowed_on_stdout(argv) and hits(r.out, secrets)}
    print("shown on purpose:", sorted(shown))
    assert len(shown) >= 5, shown
    assert_private_tree(tmp_path)
    for path in out_dir.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_real_sandbox_start_leaves_no_secret_outside_its_stores(gw, tmp_path, monkeypatch):
    """`gwctl sandbox start` in the background (headless: secrets in the 0600 file), a few commands
    with -vvv, stop: its log, state file and config hold no secret; every file 0600, every dir 0700."""
    from gwctl.sandbox import registry

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    secrets = {v for p in PRODUCTS for k, v in registry.load(p)().credentials().items()
               if secret_shaped(v) and not k.endswith("_id")}
    runs = []
    try:
        started = gw("sandbox", "start")
        assert started.code == 0, started.err
        runs.append((["sandbox", "start"], started))
        for argv in (["opa", "gateways", "list"], ["pomerium", "routes", "list"], ["api7", "routes", "list"],
                     ["sg", "gateways", "list"], ["gatekeeper", "status"], ["auth", "status"], ["sandbox", "status"]):
            runs.append((argv, gw(*argv, "-vvv")))
    finally:
        runs.append((["sandbox", "stop"], gw("sandbox", "stop")))
    leaks = [f"{' '.join(argv)}: {s[:6]}..." for argv, r in runs for s in hits(r.out + r.err, secrets)]
    for path in written_files(tmp_path):
        if os.path.basename(path) not in SECRET_STORES:
            with open(path, encoding="utf-8", errors="replace") as fh:
                leaks += [f"file {path}: {s[:6]}..." for s in hits(fh.read(), secrets)]
    assert leaks == []
    assert_private_tree(tmp_path)


def test_the_scanner_finds_encoded_secrets():
    """The scan itself: a secret is found plain, base64 (both alphabets, unpadded) and percent-encoded."""
    secret = "s3cr3t/Value+with=odd&chars"
    for form in (secret, base64.b64encode(secret.encode()).decode().rstrip("="),
                 base64.urlsafe_b64encode(secret.encode()).decode(), quote(secret, safe="")):
        assert hits(f"prefix {form} suffix", {secret}) == [secret]
        assert unquote(quote(secret, safe="")) == secret
    assert hits("nothing here", {secret}) == []
