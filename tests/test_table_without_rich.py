"""List tables are drawn without importing Rich, character for character as Rich draws them."""

from __future__ import annotations

import io
import random
import subprocess
import sys

import pytest

from gwctl.cli.render import Renderer, plain_table


class _Opts:
    query = None
    columns = None

    def __init__(self, no_headers: bool) -> None:
        self.no_headers = no_headers


class _App:
    output = "table"

    def __init__(self, color: bool, no_headers: bool) -> None:
        self.color = color
        self.opts = _Opts(no_headers)

    def err(self, text: str) -> None:
        raise AssertionError(text)


def _rich(headers, rows, color, no_headers, vertical=False) -> str:
    out, saved = io.StringIO(), sys.stdout
    sys.stdout = out
    try:
        Renderer(_App(color, no_headers))._rich_table(headers, rows, vertical)
    finally:
        sys.stdout = saved
    return out.getvalue()


def _word(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_./:= "
    return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 2, 5, 8, 12, 20, 40, 90])))


def _compare(seed: int, monkeypatch) -> list[str]:
    """Draw one random table both ways and compare; the tables drawn without Rich."""
    rng = random.Random(seed)
    monkeypatch.setenv("COLUMNS", str(rng.choice([40, 60, 80, 100, 120, 200])))
    count = rng.randint(1, 7)
    headers = [rng.choice(["ID", "NAME", "DESCRIPTION", "LABELS", "X", "CREATED_AT"]) for _ in range(count)]
    rows = [[_word(rng) for _ in range(count)] for _ in range(rng.randint(1, 6))]
    if rng.random() < 0.2:
        rows[0][0] = "tab\there\x1b[31m"  # escaped the same way on both paths
    drawn: list[str] = []
    for color in (False, True):
        for no_headers in (False, True):
            mine = plain_table(headers, rows, show_header=not no_headers, bold=color)
            if mine is None:  # does not fit: Rich draws it
                continue
            expected = _rich(headers, rows, color, no_headers)
            drawn.append(mine)
            assert mine == expected, (headers, rows, color, no_headers)
    fields = [[rng.choice(["ID", "NAME", "DESCRIPTION", "STATE"]), _word(rng)] for _ in range(rng.randint(1, 8))]
    for color in (False, True):  # one object: a vertical table
        app = _App(color, False)
        out, saved = io.StringIO(), sys.stdout
        sys.stdout = out
        try:
            Renderer(app)._table(["FIELD", "VALUE"], fields, vertical=True)
        finally:
            sys.stdout = saved
        assert out.getvalue() == _rich(["FIELD", "VALUE"], fields, color, False, vertical=True), (fields, color)
    return drawn


@pytest.mark.parametrize("seed", range(60))
def test_the_same_text_as_rich(seed, monkeypatch):
    _compare(seed, monkeypatch)


def test_most_random_tables_are_drawn_without_rich(monkeypatch):
    drawn = sum(len(_compare(seed, monkeypatch)) for seed in range(60))
    assert drawn >= 120  # of 240: the comparison is not vacuous


def test_non_ascii_text_and_tables_too_wide_are_left_to_rich(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert plain_table(["NAME"], [["日本語"]]) is None
    assert plain_table(["A"] * 12, [["x" * 30] * 12]) is None
    assert plain_table(["NAME"], [["plain"]]) == "NAME \nplain\n"


def test_a_list_on_a_terminal_imports_no_rich(tmp_path):
    code = ("import sys, os; os.environ['COLUMNS'] = '100'; from gwctl.cli.render import plain_table; "
            "print(plain_table(['ID', 'NAME'], [['1', 'a']]), end=''); print('rich' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "ID  NAME\n1   a   \nFalse\n"
