"""Generated bad input through the CLI against the emulators (hypothesis, fixed seed, bounded examples).

Every runnable example of every product's catalogue is the base; a generated value replaces an ID,
a numeric flag's value, a --from-file document or an --out path; generated config.toml,
credentials.json and token cache contents and GWCTL_*_DIR variables are tried on representative
commands. For every run: never exit 1, never a traceback, one `error:` line at most, and an exit 2
sent nothing (the emulators count every request, token exchanges included). Input that is invalid
by construction (non-finite or huge numbers, '.', '..', '/', control characters, bytes that are not
UTF-8, documents nested deeper than the limit, lone surrogates, unusable --out targets) must exit 2
with no request sent.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from functools import lru_cache

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwctl.errors import EXIT_TABLE
from gwctl.products import PRODUCTS
from gwctl.resources.values import MAX_DEPTH

pytestmark = pytest.mark.timeout(300)

DOCUMENTED = {code for code, _ in EXIT_TABLE} | {11, 12, 13, 14, 15, 141}
RUNS = {"examples": 0, "exit_1": 0}


def bounded(n: int):
    return settings(max_examples=n, derandomize=True, database=None, deadline=None, print_blob=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


# -- the command tree and the runnable examples ------------------------------------------------------

@lru_cache(maxsize=None)
def leaves() -> dict[tuple[str, ...], click.Command]:
    from gwctl._docs import all_commands

    return {tuple(path): command for path, command, _ in all_commands()}


def command_of(argv: list[str]) -> tuple[tuple[str, ...], click.Command]:
    table = leaves()
    for n in range(len(argv), 0, -1):
        if tuple(argv[:n]) in table:
            return tuple(argv[:n]), table[tuple(argv[:n])]
    raise LookupError(argv)


@lru_cache(maxsize=None)
def examples() -> list[tuple[str, str]]:
    """(product, example) for every catalogue row with a runnable example."""
    from gwctl.cli.catalogue import catalogue

    return [(p, op.example) for p in PRODUCTS for op in catalogue(p) if op.example]


NUMERIC_TYPES = ("IntParamType", "FloatParamType", "IntRange", "FloatRange", "Seconds")
NUMERIC_METAVARS = ("TIME", "DURATION", "PORT", "DAYS", "SECONDS", "N")


def numeric_options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and not p.count and not p.is_flag
            and (type(p.type).__name__ in NUMERIC_TYPES or (p.metavar or "") in NUMERIC_METAVARS)]


@lru_cache(maxsize=None)
def numeric_cases() -> list[tuple[str, str, str]]:
    """(product, example, flag) for every numeric flag of every example's command."""
    out = []
    for product, example in examples():
        _, command = command_of(shlex.split(example))
        out += [(product, example, p.opts[-1] if p.opts[-1].startswith("--") else p.opts[0])
                for p in numeric_options(command)]
    return out


def cases_with(flag: str) -> list[tuple[str, str]]:
    out = []
    for product, example in examples():
        _, command = command_of(shlex.split(example))
        if any(flag in getattr(p, "opts", ()) for p in command.params):
            out.append((product, example))
    return out


def id_cases() -> list[tuple[str, str]]:
    """(product, example) whose example names one object by ID in a {placeholder} argument."""
    out = []
    for product, example in examples():
        argv = shlex.split(example)
        path, command = command_of(argv)
        rest = argv[len(path):]
        if rest and rest[0].startswith("{") and rest[0].endswith("}") and any(
                isinstance(p, click.Argument) for p in command.params):
            out.append((product, example))
    return out


# -- running ---------------------------------------------------------------------------------------------

class Boxes(dict):
    """The five sandboxes; a short repr, so failing examples do not print their secrets."""

    def __repr__(self) -> str:
        return "<sandboxes>"


@pytest.fixture
def boxes(sandbox):
    return Boxes({p: sandbox(p) for p in PRODUCTS})


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    print(f"\nbad-input properties: {RUNS['examples']} CLI runs, {RUNS['exit_1']} ended in exit 1")


def requests_seen(boxes) -> int:
    return sum(len(b.emulator.requests) for b in boxes.values())


def run(boxes, argv: list[str], *, stdin: str = "", env: dict | None = None, must_refuse: bool = False,
        refuse_codes: tuple[int, ...] = (2,)):
    for box in boxes.values():
        box.emulator.clear_log()
    gw = next(iter(boxes.values())).gw
    result = gw(*argv, stdin=stdin, env=env)
    sent = requests_seen(boxes)
    RUNS["examples"] += 1
    if result.code == 1:
        RUNS["exit_1"] += 1
    shown = " ".join(repr(a) if len(a) < 80 else repr(a[:80]) + "..." for a in argv)
    assert result.code != 1, f"exit 1 for {shown}: {result.err}"
    assert "Traceback" not in result.err, shown
    assert result.code in DOCUMENTED, (shown, result.code, result.err)
    assert len([ln for ln in result.err.splitlines() if ln.startswith("error: ")]) <= 1, (shown, result.err)
    # An API7 operation the server's version lacks: the version is the one thing asked before exit 2.
    version_refusal = " is not in API7 Enterprise " in result.err and all(
        (r.method, r.path) == ("GET", "/api/version") for b in boxes.values() for r in b.emulator.requests)
    if result.code == 2 and "cannot contain '/'" not in result.err and not version_refusal:
        # (a name looked up first, then no match, may say "cannot contain '/'")
        assert sent == 0, f"exit 2 after {sent} request(s) for {shown}: {result.err}"
    if must_refuse:
        assert result.code in refuse_codes and sent == 0, \
            f"not refused locally ({result.code}, {sent} requests) for {shown}: {result.err}"
    return result


def base_argv(boxes, product: str, example: str) -> tuple[list[str], str]:
    values = boxes[product].emulator.example_values()
    return shlex.split(example.format(**values)), values.get("_stdin", "")


def with_option(argv: list[str], flag: str, value: str) -> list[str]:
    """``argv`` with ``flag value`` (replacing the example's own value of that flag)."""
    out, skip = [], False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == flag:
            skip = True
            continue
        if arg.startswith(flag + "="):
            continue
        out.append(arg)
    return [*out, flag, value]


# -- strategies -----------------------------------------------------------------------------------------

BAD_NUMBERS = st.one_of(
    st.sampled_from(["nan", "NaN", "inf", "-inf", "+inf", "Infinity", "1e309", "-1e309", "1e999", "", " ",
                     "0x", "12abc", "1_000_000_000_000_000_000_000", "9" * 5000, "-" + "9" * 40, "½"]),
    st.integers(min_value=10**20, max_value=10**400).map(str),
    st.integers(max_value=-10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: f != f or abs(f) > 1e300).map(repr),
)
ANY_NUMBERS = st.one_of(BAD_NUMBERS, st.integers(-10**6, 10**6).map(str),
                        st.floats(allow_nan=False, allow_infinity=False).map(repr),
                        st.text(max_size=12))

# IDs that would address another resource, or cannot be sent at all.
BAD_IDS = st.one_of(
    st.sampled_from(["", " ", "\t", ".", "..", " .. ", "./", "../x", "a/b", "/", "%", "a\nb", "a\rb",
                     "x\x7f", "\x00", "\udcff", "a\ud800b", "..\\"]),
    st.builds(lambda a, b: a + "/" + b, st.text(max_size=5), st.text(max_size=5)),
    st.builds(lambda a, c, b: a + c + b, st.text(max_size=5),
              st.sampled_from([chr(i) for i in range(32)] + ["\x7f"]), st.text(max_size=5)),
    st.builds(lambda a, s: a + s, st.text(max_size=5), st.sampled_from(["\ud800", "\udfff", "\udc80"])),
)


def must_refuse_id(value: str) -> bool:
    """Refused whatever the resource: a name may hold '/', so only dot segments are refused with it."""
    stripped = value.strip()
    return (not stripped or stripped in (".", "..") or any(p.strip() in (".", "..") for p in value.split("/"))
            or any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in value))


def json_documents():
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
    return st.recursive(leaf, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                     st.dictionaries(st.text(max_size=8), kids, max_size=4)),
                        max_leaves=20)


def nested(depth: int, kind: str) -> str:
    if kind == "list":
        return "[" * depth + "]" * depth
    if kind == "object":
        return '{"a": ' * depth + "1" + "}" * depth
    return "\n".join("  " * i + "a:" for i in range(depth)) + " 1\n"  # YAML block mapping


@st.composite
def bad_documents(draw) -> tuple[bytes, bool]:
    """(file content, invalid by construction)."""
    kind = draw(st.sampled_from(["deep", "surrogate", "not-utf8", "random", "text", "deep-yaml-flow"]))
    if kind == "deep":
        shape = draw(st.sampled_from(["list", "object", "yaml"]))
        if shape == "yaml":  # block YAML grows with the square of its depth
            return nested(draw(st.integers(MAX_DEPTH + 1, 300)), "yaml").encode(), True
        depth = draw(st.one_of(st.integers(MAX_DEPTH + 1, 3000), st.just(50_000)))
        return nested(depth, shape).encode(), True
    if kind == "deep-yaml-flow":
        depth = draw(st.integers(MAX_DEPTH + 1, 300))
        return ("a: " + "[" * depth + "]" * depth).encode(), True
    if kind == "surrogate":
        doc = draw(st.dictionaries(st.text(max_size=6), json_documents(), max_size=3))
        escape = draw(st.sampled_from(["\\ud800", "\\udfff", "\\udc00x"]))
        where = draw(st.sampled_from(["value", "key"]))
        body = json.dumps(doc)[1:-1]
        extra = f'"name": "a{escape}"' if where == "value" else f'"k{escape}": 1'
        return ("{" + extra + (", " + body if body else "") + "}").encode(), True
    if kind == "not-utf8":
        good = json.dumps(draw(st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=3))).encode()
        junk = draw(st.sampled_from([b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x80\x80"]))
        cut = draw(st.integers(0, len(good)))
        return good[:cut] + junk + good[cut:], True
    if kind == "random":
        return json.dumps(draw(json_documents())).encode(), False
    return draw(st.text(max_size=200)).encode("utf-8", "surrogatepass"), False


# -- properties: IDs, numbers, files, --out ----------------------------------------------------------------

@bounded(200)
@given(data=st.data())
def test_generated_ids(boxes, data):
    product, example = data.draw(st.sampled_from(id_cases()), label="example")
    argv, stdin = base_argv(boxes, product, example)
    raw = shlex.split(example)
    path, _ = command_of(raw)
    position = len(path)  # the placeholder right after the command path
    value = data.draw(st.one_of(BAD_IDS, st.text(max_size=30)), label="id")
    argv[position] = value
    run(boxes, argv, stdin=stdin, must_refuse=must_refuse_id(value))


REF_METAVARS = re.compile(r"(^|[|_])ID$|^NAME\|ID$|^ID\|NAME$")


@lru_cache(maxsize=None)
def ref_option_cases() -> list[tuple[str, str, str]]:
    """(product, example, flag) for every option of an example's command that names an object."""
    out = []
    for product, example in examples():
        _, command = command_of(shlex.split(example))
        out += [(product, example, p.opts[-1] if p.opts[-1].startswith("--") else p.opts[0])
                for p in command.params if isinstance(p, click.Option) and not p.is_flag
                and REF_METAVARS.search(p.metavar or "") and p.opts[0] not in ("-p", "--profile")]
    return out


@bounded(150)
@given(data=st.data())
def test_generated_reference_options(boxes, data):
    """An option naming an object (--gateway-group, --org, --policy...) given a bad ID or name."""
    product, example, flag = data.draw(st.sampled_from(ref_option_cases()), label="case")
    argv, stdin = base_argv(boxes, product, example)
    value = data.draw(BAD_IDS, label="value")
    run(boxes, with_option(argv, flag, value), stdin=stdin, must_refuse=must_refuse_id(value))


def delete_cases() -> list[tuple[str, str]]:
    """Deletes that take several IDs (and - for stdin)."""
    return [(p, e) for p, e in id_cases() if shlex.split(e)[2:3] == ["delete"] and any(
        isinstance(a, click.Argument) and a.nargs == -1 for a in command_of(shlex.split(e))[1].params)]


@bounded(30)
@given(data=st.data())
def test_generated_ids_on_stdin(boxes, data):
    """`delete -` reads IDs from stdin: a bad one among good ones stops everything before any request."""
    product, example = data.draw(st.sampled_from(delete_cases()), label="example")
    argv, _ = base_argv(boxes, product, example)
    path, _ = command_of(shlex.split(example))
    good = argv[len(path)]
    bad = data.draw(BAD_IDS.map(str.strip).filter(lambda v: v and "\n" not in v and "\r" not in v
                                                   and must_refuse_id(v)), label="bad")
    argv[len(path)] = "-"
    if "--yes" not in argv:
        argv.append("--yes")
    run(boxes, argv, stdin=f"{good}\n{bad}\n", must_refuse=True)


@bounded(250)
@given(data=st.data())
def test_generated_numeric_flag_values(boxes, data):
    product, example, flag = data.draw(st.sampled_from(numeric_cases()), label="case")
    argv, stdin = base_argv(boxes, product, example)
    bad = data.draw(st.booleans(), label="bad")
    value = data.draw(BAD_NUMBERS if bad else ANY_NUMBERS, label="value")
    run(boxes, with_option(argv, flag, value), stdin=stdin, must_refuse=bad)


@bounded(60)
@given(data=st.data())
def test_generated_global_timeouts(boxes, data):
    product, example = data.draw(st.sampled_from(examples()), label="example")
    argv, stdin = base_argv(boxes, product, example)
    value = data.draw(BAD_NUMBERS, label="timeout")
    run(boxes, ["--timeout", value, *argv], stdin=stdin, must_refuse=True)


@bounded(200)
@given(data=st.data())
def test_generated_request_bodies(boxes, data, tmp_path):
    product, example = data.draw(st.sampled_from(cases_with("--from-file")), label="example")
    argv, stdin = base_argv(boxes, product, example)
    content, invalid = data.draw(bad_documents(), label="document")
    if data.draw(st.booleans(), label="stdin"):
        text = content.decode("utf-8", "surrogateescape")
        run(boxes, with_option(argv, "--from-file", "-"), stdin=text, must_refuse=invalid)
    else:
        body = tmp_path / "body.json"
        body.write_bytes(content)
        run(boxes, with_option(argv, "--from-file", str(body)), stdin=stdin, must_refuse=invalid)


@st.composite
def bad_out_paths(draw, tmp_path) -> str:
    kind = draw(st.sampled_from(["long", "long-path", "dir", "dangling", "missing-parent", "parent-is-file",
                                 "nul", "empty", "not-utf8", "special"]))
    if kind == "long":
        return str(tmp_path / ("n" * draw(st.integers(256, 2000))))
    if kind == "long-path":
        return str(tmp_path) + "/a" * draw(st.integers(2100, 5000))
    if kind == "dir":
        return str(tmp_path)
    if kind == "dangling":
        link = tmp_path / "dangling"
        if not os.path.lexists(link):
            link.symlink_to(tmp_path / "nowhere" / "x")
        return str(link)
    if kind == "missing-parent":
        return str(tmp_path / draw(st.text("abc", min_size=1, max_size=5)) / "missing" / "out.txt")
    if kind == "parent-is-file":
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        return str(blocker / "out.txt")
    if kind == "nul":
        return str(tmp_path / "a\x00b")
    if kind == "empty":
        return draw(st.sampled_from(["", " "]))
    if kind == "not-utf8":
        return str(tmp_path / "a\udcffb")
    return draw(st.sampled_from(["/proc/version", "/proc/nope/x", "/dev/null/x", "/sys/x"]))


@bounded(150)
@given(data=st.data())
def test_generated_out_targets(boxes, data, tmp_path):
    cases = [c for flag in ("--out", "--token-out") for c in
             ((p, e, flag) for p, e in cases_with(flag))]
    product, example, flag = data.draw(st.sampled_from(cases), label="example")
    argv, stdin = base_argv(boxes, product, example)
    target = data.draw(bad_out_paths(tmp_path), label="out")
    run(boxes, with_option(argv, flag, target), stdin=stdin, must_refuse=True)


# -- properties: configuration, credentials and cache files, environment --------------------------------

REPRESENTATIVE = [["opa", "gateways", "list"], ["pomerium", "routes", "list"], ["api7", "routes", "list"],
                  ["sg", "gateways", "list"], ["gatekeeper", "status"], ["auth", "status"], ["profile", "list"],
                  ["sandbox", "status"]]

TOML_VALUES = st.one_of(st.integers(-10**20, 10**20), st.floats(allow_nan=True), st.booleans(), st.text(max_size=20),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text("ab", max_size=3), st.integers(),
                                                                             max_size=2))


@bounded(120)
@given(data=st.data())
def test_generated_config_files(boxes, data, tmp_path):
    import tomli_w

    config = os.path.join(os.environ["GWCTL_CONFIG_DIR"], "config.toml")
    original = open(config, "rb").read()
    try:
        kind = data.draw(st.sampled_from(["field", "bytes", "deep", "shape"]), label="kind")
        if kind == "field":
            import tomllib

            doc = tomllib.loads(original.decode())
            name = data.draw(st.sampled_from(sorted(doc["profiles"])), label="profile")
            key = data.draw(st.sampled_from(["url", "timeout", "storage", "insecure", "ca_bundle", "product",
                                             "team", "org_id", "gateway_group"]), label="key")
            doc["profiles"][name][key] = data.draw(TOML_VALUES, label="value")
            try:
                content = tomli_w.dumps(doc).encode()
            except (ValueError, TypeError):  # nan and friends TOML cannot write: use the raw form
                content = original + f"\n# {key}\n".encode()
        elif kind == "bytes":
            cut = data.draw(st.integers(0, len(original)), label="cut")
            content = original[:cut] + data.draw(st.binary(min_size=1, max_size=8), label="junk") + original[cut:]
        elif kind == "deep":
            depth = data.draw(st.one_of(st.integers(100, 3000), st.just(50_000)), label="depth")
            content = original + b"\nx = " + b"[" * depth + b"]" * depth + b"\n"
        else:
            content = data.draw(st.sampled_from([b"profiles = 1\n", b"defaults = []\n", b"[profiles]\nx = 1\n",
                                                 b"[profiles.x]\nproduct = 5\n", b"\xff\xfe"]), label="shape")
        with open(config, "wb") as fh:
            fh.write(content)
        argv = data.draw(st.sampled_from(REPRESENTATIVE), label="command")
        run(boxes, argv)
    finally:
        with open(config, "wb") as fh:
            fh.write(original)


@bounded(100)
@given(data=st.data())
def test_generated_credentials_and_token_cache_files(boxes, data, monkeypatch):
    store = os.path.join(os.environ["GWCTL_CONFIG_DIR"], "credentials.json")
    cache = os.path.join(os.environ["GWCTL_CACHE_DIR"], "tokens.json")
    product = data.draw(st.sampled_from(["opa", "api7"]), label="product")
    box = boxes[product]
    which = data.draw(st.sampled_from(["credentials", "cache"]), label="file")
    entry = data.draw(st.one_of(st.text(max_size=10), st.integers(), st.none(), st.lists(st.integers(), max_size=2),
                                st.dictionaries(st.sampled_from(["key_id", "key_secret", "api_key", "token",
                                                                 "expires_at"]),
                                                st.one_of(st.integers(), st.text(max_size=5), st.none(),
                                                          st.floats(allow_nan=True)), max_size=3)), label="entry")
    raw = data.draw(st.sampled_from(["object", "bytes", "deep", "list"]), label="shape")
    if raw == "object":
        key = box.profile if which == "credentials" else data.draw(
            st.sampled_from([f"{box.profile}:bearer", f"{box.profile}:token", f"{box.profile}:session"]))
        content = json.dumps({key: entry}).encode()
    elif raw == "bytes":
        content = data.draw(st.sampled_from([b"\xff", b"\xfe\xff", b"\x80"])) + data.draw(st.binary(max_size=6))
    elif raw == "deep":
        depth = data.draw(st.one_of(st.integers(1000, 3000), st.just(50_000)))
        content = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
    else:
        content = b"[1, 2]"
    path = store if which == "credentials" else cache
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(content)
    try:
        if which == "credentials":
            # The profile reads its secrets from the file store (no environment variables).
            for secret in PRODUCTS[product].secrets:
                monkeypatch.delenv(secret.env, raising=False)
            run(boxes, ["profile", "list"])
            config = os.path.join(os.environ["GWCTL_CONFIG_DIR"], "config.toml")
            text = open(config).read()
            open(config, "w").write(text.replace('storage = "keyring"', 'storage = "file"'))
            for argv in ([product, REPRESENTATIVE[0][1] if product == "opa" else "routes", "list"],
                         ["auth", "status"], ["auth", "logout", "-p", box.profile]):
                well_formed = raw == "object" and isinstance(entry, dict) and all(
                    isinstance(v, str) for v in entry.values())
                run(boxes, argv, must_refuse=not well_formed and argv[0] != "auth", refuse_codes=(4,))
            open(config, "w").write(text)
            for key, value in box.env.items():
                monkeypatch.setenv(key, value)
        else:
            for argv in ([product, "gateways" if product == "opa" else "routes", "list"], ["auth", "status"]):
                run(boxes, argv, must_refuse=raw != "object")
    finally:
        for name in (store, cache):
            if os.path.exists(name):
                os.remove(name)


@bounded(60)
@given(data=st.data())
def test_generated_directory_variables(boxes, data, tmp_path):
    variable = data.draw(st.sampled_from(["GWCTL_CONFIG_DIR", "GWCTL_STATE_DIR", "GWCTL_CACHE_DIR"]), label="var")
    kind = data.draw(st.sampled_from(["file", "under-file", "blank", "not-utf8"]), label="kind")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    value = {"file": str(blocker), "under-file": str(blocker / "sub"), "blank": " ",
             "not-utf8": str(tmp_path / "d\udcff")}[kind]
    argv = data.draw(st.sampled_from(REPRESENTATIVE + [["profile", "add", "p", "--product", "opa", "--url",
                                                        "http://127.0.0.1:1", "--team", "t"]]), label="command")
    # The directory that is a file must be refused before anything happens; "not-utf8" is refused
    # for every command; the others are refused by the commands that need that directory.
    result = run(boxes, argv, env={variable: value})
    if kind in ("file", "not-utf8") and result.code == 2:
        assert variable in result.err or "not a directory" in result.err, result.err


def test_named_cases_from_the_issue(boxes, tmp_path):
    """The inputs the issue names, one by one (exact outcomes)."""
    deep = tmp_path / "deep.json"
    deep.write_text(nested(50_000, "list"))
    result = run(boxes, ["api7", "services", "create", "--from-file", str(deep)], must_refuse=True)
    assert result.err == f"error: --from-file {deep}: nested deeper than {MAX_DEPTH} levels\n" \
        "hint: flatten the document; a request body never needs that depth\n"
    surrogate = tmp_path / "s.json"
    surrogate.write_text('{"name": "\\ud800"}')
    result = run(boxes, ["api7", "services", "create", "--from-file", str(surrogate)], must_refuse=True)
    assert "is not valid UTF-8" in result.err and "--from-file" in result.err
    latin1 = tmp_path / "l.json"
    latin1.write_bytes(b'{"name": "caf\xe9"}')
    result = run(boxes, ["api7", "services", "create", "--from-file", str(latin1)], must_refuse=True)
    assert result.err == f"error: --from-file {latin1} is not a UTF-8 text file\n"
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run(boxes, ["opa", "gateways", "list"], env={"GWCTL_CACHE_DIR": str(blocker)}, must_refuse=True)
    assert result.err == f"error: GWCTL_CACHE_DIR ({str(blocker)!r}) is not a directory\n" \
        "hint: point GWCTL_CACHE_DIR at a directory\n"
    for timeout in ("inf", "nan", "0"):
        run(boxes, ["opa", "gateways", "list", "--timeout", timeout], must_refuse=True)
    result = run(boxes, ["opa", "setup-tokens", "create", "-d", "x", "--out", "n" * 300], must_refuse=True)
    assert result.err == "error: invalid --out: a file name is 300 bytes long (at most 255)\n"
    result = run(boxes, ["api7", "tokens", "create", "--name", "x", "--expires-in", "never", "--out", str(tmp_path)],
                 must_refuse=True)
    assert result.err == f"error: --out {tmp_path} is a directory\n"
    result = run(boxes, ["api7", "tokens", "create", "--name", "x", "--expires-in", "99999999999d"],
                 must_refuse=True)
    assert result.err == "error: invalid --expires-in '99999999999d': at most 100y (or never)\n"


def test_credentials_file_holding_a_string_exits_4_naming_the_file(boxes, monkeypatch):
    config = os.path.join(os.environ["GWCTL_CONFIG_DIR"], "config.toml")
    text = open(config).read()
    open(config, "w").write(text.replace('storage = "keyring"', 'storage = "file"'))
    for secret in PRODUCTS["opa"].secrets:
        monkeypatch.delenv(secret.env, raising=False)
    store = os.path.join(os.environ["GWCTL_CONFIG_DIR"], "credentials.json")
    with open(store, "w") as fh:
        json.dump({"sandbox-opa": "str"}, fh)
    result = run(boxes, ["opa", "gateways", "list"], must_refuse=True, refuse_codes=(4,))
    assert result.err.splitlines() == [
        f"error: {store}: the entry for profile 'sandbox-opa' must be an object of secret names to strings",
        f"hint: fix or delete {store}, then store the secrets again with "
        "`gwctl auth login -p sandbox-opa --insecure-storage`"]
    result = run(boxes, ["auth", "status"])
    assert result.code == 4 and "sandbox-opa" in result.err
    result = run(boxes, ["auth", "logout", "-p", "sandbox-opa"])
    assert result.code == 0, result.err
    assert json.load(open(store)) == {}


@bounded(80)
@given(data=st.data())
def test_generated_profile_add_values(boxes, data):
    """`profile add` with a generated --timeout or --url: refused ones leave config.toml as it was and
    never echo a password given in the URL."""
    config = os.path.join(os.environ["GWCTL_CONFIG_DIR"], "config.toml")
    before = open(config, "rb").read()
    which = data.draw(st.sampled_from(["timeout", "url", "url-password"]), label="flag")
    argv = ["profile", "add", "generated", "--product", "opa", "--team", "t"]
    if which == "timeout":
        value = data.draw(BAD_NUMBERS, label="timeout")
        result = run(boxes, [*argv, "--url", "http://127.0.0.1:1", "--timeout", value], must_refuse=True)
    elif which == "url":
        value = data.draw(st.one_of(st.text(max_size=30), st.builds(lambda t: "http://" + t, st.text(max_size=20))),
                          label="url")
        result = run(boxes, [*argv, "--url", value])
    else:
        password = data.draw(st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=6, max_size=20),
                             label="password")
        result = run(boxes, [*argv, "--url", f"http://user:{password}@127.0.0.1:1/"], must_refuse=True)
        assert password not in result.out + result.err
        assert password.encode() not in open(config, "rb").read()
    if result.code != 0:
        assert open(config, "rb").read() == before
    else:
        run(boxes, ["profile", "remove", "generated", "--yes"])


@bounded(40)
@given(data=st.data())
def test_generated_secret_variables(boxes, data):
    """A secret variable holding a control character or bytes that are not UTF-8 exits 4 (never sent)."""
    product = data.draw(st.sampled_from(["opa", "pomerium", "api7", "sg"]), label="product")
    box = boxes[product]
    name, value = data.draw(st.sampled_from(sorted(box.env.items())), label="variable")
    bad = data.draw(st.sampled_from(["\n", "\r\n", "\x00", "\x1b", "\x7f", "\udcff"]), label="char")
    cut = data.draw(st.integers(0, len(value)), label="at")
    argv = {"opa": ["opa", "gateways", "list"], "pomerium": ["pomerium", "routes", "list"],
            "api7": ["api7", "routes", "list"], "sg": ["sg", "gateways", "list"]}[product]
    if "\x00" in bad:  # a NUL cannot be in a real environment variable
        return
    result = run(boxes, argv, env={name: value[:cut] + bad + value[cut:]}, must_refuse=True, refuse_codes=(2, 4))
    assert name in result.err
    assert value[:cut] + bad not in result.err or not value[:cut]
