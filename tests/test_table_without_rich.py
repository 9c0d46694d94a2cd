"""List tables that fit are drawn without importing Rich, character for character as Rich draws them."""

from __future__ import annotations

import io
import random
import subprocess
import sys

import pytest

from gwctl.cli import render
from gwctl.cli.render import Renderer, plain_table
from gwctl.columns import Column


class _Opts:
    query = None
    columns = None

    def __init__(self, no_headers: bool) -> None:
        self.no_headers = no_headers


class _App:
    output = "table"
    stdout_tty = True

    def __init__(self, color: bool, no_headers: bool) -> None:
        self.color = color
        self.opts = _Opts(no_headers)

    def err(self, text: str) -> None:
        pass


def _draw(headers, rows, color, no_headers, monkeypatch, rich: bool, columns=None) -> str:
    columns = columns or [Column(h.lower(), h.lower(), header=h) for h in headers]
    out, saved = io.StringIO(), sys.stdout
    with monkeypatch.context() as patch:
        if rich:
            patch.setattr(render, "plain_table", lambda *args, **kwargs: None)
        sys.stdout = out
        try:
            Renderer(_App(color, no_headers))._table(columns, [list(r) for r in rows])
        finally:
            sys.stdout = saved
    return out.getvalue()


def _word(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_./:= "
    return "".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 2, 5, 8, 12, 20, 40, 90])))


def _compare(seed: int, monkeypatch) -> int:
    """Draw one random table both ways and compare; how many were drawn without Rich."""
    rng = random.Random(seed)
    width = rng.choice([40, 60, 80, 100, 120, 200])
    monkeypatch.setenv("COLUMNS", str(width))
    count = rng.randint(1, 7)
    headers = [rng.choice(["ID", "NAME", "DESCRIPTION", "LABELS", "X", "CREATED_AT"]) for _ in range(count)]
    rows = [[_word(rng) for _ in range(count)] for _ in range(rng.randint(1, 6))]
    if rng.random() < 0.2:
        rows[0][0] = "tab\there\x1b[31m"  # escaped the same way on both paths
    plain = 0
    for color in (False, True):
        for no_headers in (False, True):
            escaped = [[render._screen_safe(c) for c in row] for row in rows]
            if plain_table(headers, escaped, width, show_header=not no_headers, bold=color) is not None:
                plain += 1
            mine = _draw(headers, rows, color, no_headers, monkeypatch, rich=False)
            assert mine == _draw(headers, rows, color, no_headers, monkeypatch, rich=True), \
                (headers, rows, color, no_headers)
    return plain


@pytest.mark.parametrize("seed", range(60))
def test_the_same_text_as_rich(seed, monkeypatch):
    _compare(seed, monkeypatch)


def test_many_random_tables_are_drawn_without_rich(monkeypatch):
    drawn = sum(_compare(seed, monkeypatch) for seed in range(60))
    assert drawn >= 60  # of 240: the comparison is not vacuous


def test_non_ascii_text_and_tables_too_wide_are_left_to_rich():
    assert plain_table(["NAME"], [["日本語"]], 80) is None
    assert plain_table(["A"] * 12, [["x" * 30] * 12], 80) is None
    assert plain_table(["NAME"], [["plain"]], 80) == "NAME \nplain\n"


def test_a_table_that_fits_imports_no_rich():
    code = ("import sys; from gwctl.cli.render import plain_table; "
            "print(plain_table(['ID', 'NAME'], [['1', 'a']], 100), end=''); print('rich' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "ID  NAME\n1   a   \nFalse\n"


@pytest.mark.parametrize("color", [False, True])
def test_state_colours_as_rich_draws_them(color, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    columns = [Column("id", "id"), Column("status", "status", kind="state", header="STATUS"), Column("desc", "desc")]
    rows = [["a1", "ENABLED", "x"], ["b2", "DISABLED", "yy"], ["c3", "other", "z"], ["d4", "", "q"]]

    drawn = _draw(None, rows, color, False, monkeypatch, rich=False, columns=columns)
    assert drawn == _draw(None, rows, color, False, monkeypatch, rich=True, columns=columns)
    assert ("\x1b[32mENABLED" in drawn) is color
