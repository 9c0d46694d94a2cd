"""One spelling per meaning: a flag name means one thing across the whole command tree."""

from __future__ import annotations

import collections

import click
import pytest

from gwctl._docs import all_commands
from gwctl.cli.global_options import GLOBAL_OPTION_NAMES

COMMANDS = all_commands()
# Older spellings: accepted (hidden), never shown; the canonical spelling is what help shows.
RENAMED = {"--desc": "--description", "--token-out": "--out", "--labels": "--label"}
# Flags shared across products, with the metavar (the gist of their value) they always show.
CANONICAL = {"--description": ("-d", "TEXT"), "--label": ("-l", "KEY=VALUE"), "--out": (None, "FILE"),
             "--yes": ("-y", None), "--from-file": ("-f", "FILE|-"), "--limit": (None, None), "--all": (None, None)}
# -g names the product's scope: the gateway group (API7) or the gateway (Secure Gateway);
# -f names the file read: a request body (--from-file) or configuration documents (config --file).
SCOPE_SHORTS = {"-g": {"--gateway-group", "--gateway"}, "-f": {"--from-file", "--file"}}


def _visible_options():
    for path, command, ctx in COMMANDS:
        for param in command.get_params(ctx):
            if isinstance(param, click.Option) and not param.hidden and not set(param.opts) & GLOBAL_OPTION_NAMES:
                yield " ".join(path), param, ctx


def test_a_long_flag_is_a_switch_everywhere_or_takes_a_value_everywhere():
    shapes = collections.defaultdict(lambda: collections.defaultdict(list))
    for where, param, _ in _visible_options():
        for opt in param.opts + param.secondary_opts:
            if opt.startswith("--"):
                shapes[opt]["switch" if param.is_flag else "value"].append(where)
    mixed = {opt: {k: v[:2] for k, v in kinds.items()} for opt, kinds in shapes.items() if len(kinds) > 1}
    assert mixed == {}


def test_a_short_flag_stands_for_one_long_flag():
    meanings = collections.defaultdict(set)
    for _, param, _ in _visible_options():
        longs = [o for o in param.opts if o.startswith("--")]
        for short in (o for o in param.opts if not o.startswith("--")):
            meanings[short].add(longs[0] if longs else param.name)
    several = {s: sorted(m) for s, m in meanings.items() if len(m) > 1 and m != SCOPE_SHORTS.get(s)}
    assert several == {}


def test_older_spellings_are_hidden_and_the_shared_flags_read_the_same():
    for where, param, ctx in _visible_options():
        for opt in param.opts:
            assert opt not in RENAMED, f"gwctl {where} shows {opt}; spell it {RENAMED[opt]}"
            if opt in CANONICAL:
                short, metavar = CANONICAL[opt]
                shorts = [o for o in param.opts if not o.startswith("--")]
                if short is not None:
                    assert shorts == [short], f"gwctl {where} {opt}: short {shorts}, expected {short}"
                if metavar is not None:
                    assert param.make_metavar(ctx) == metavar, f"gwctl {where} {opt}"


DESCRIBED = [
    ("sg", ("sg", "gateways", "create", "{flag}", "Branch office"), "desc"),
    ("api7", ("api7", "consumers", "create", "carol", "{flag}", "Branch office"), "desc"),
    ("pomerium", ("pomerium", "policies", "create", "--name", "testers", "--allow-domain", "example.com",
                  "{flag}", "Branch office"), "description"),
]
CASES = [(*case, flag) for case in DESCRIBED for flag in ("--description", "-d", "--desc")
         if not (flag == "--desc" and case[0] == "pomerium")]  # pomerium never spelled it --desc


@pytest.mark.parametrize(("product", "argv", "key", "flag"), CASES)
def test_description_one_spelling_older_one_still_works(sandbox, product, argv, key, flag):
    box = sandbox(product)
    result = box.run(*[flag if a == "{flag}" else a for a in argv], "-o", "json")
    assert result.code == 0, result.err
    assert result.json()[key] == "Branch office"


def test_sg_gateway_create_out_and_token_out(sandbox, tmp_path):
    box = sandbox("sg")
    for flag in ("--out", "--token-out"):
        target = tmp_path / f"{flag.strip('-')}.token"
        result = box.run("sg", "gateways", "create", "-d", f"Branch {flag}", flag, str(target))
        assert result.code == 0, result.err
        assert target.stat().st_mode & 0o777 == 0o600 and target.read_text().strip()
        assert target.read_text().strip() not in result.out + result.err
