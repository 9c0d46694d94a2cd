"""The output contract (gwctl.cli.render) through main(): table | tsv | json | jsonl | yaml."""

from __future__ import annotations

import json
import re
import sys

import click
import pytest

from gwctl.cli.render import Column, emit

ANSI = re.compile(r"\x1b\[[0-9;]*m")
ITEMS = [
    {"id": "g1", "name": "alpha", "labels": {"env": "prod"}, "enabled": True, "note": None},
    {"id": "g2", "name": "beta\tgamma", "labels": {}, "enabled": False, "note": "line1\nline2"},
]
COLUMNS = (
    Column("id", "id", header="ID"),
    Column("name", "name"),
    Column("labels", "labels"),
    Column("enabled", "enabled"),
    Column("note", "note", default=False),
)
MARKUP = "[bold]x[/bold] :smile:"


@pytest.fixture
def show(add_command):
    """show(data, columns): `gwctl show` renders `data` (a value or a zero-argument factory)."""

    def install(data, columns=COLUMNS):
        @click.command("show")
        def command() -> None:
            """Render test data."""
            emit(data() if callable(data) else data, columns)

        add_command("show", command)

    return install


def test_piped_default_is_tsv_without_colour(gw, show):
    show(ITEMS)
    result = gw("show")
    assert (result.code, result.err) == (0, "")
    assert result.out == (
        "ID\tNAME\tLABELS\tENABLED\n"
        "g1\talpha\tenv=prod\ttrue\n"
        "g2\tbeta\\tgamma\t\tfalse\n"
    )
    assert "\x1b" not in result.out


def test_tty_default_is_a_coloured_table(gw, show):
    show(ITEMS)
    result = gw("show", tty=True)
    assert (result.code, result.err) == (0, "")
    assert "\x1b[1m" in result.out  # bold headers
    lines = [line.rstrip() for line in ANSI.sub("", result.out).splitlines()]
    assert lines == [
        "ID  NAME         LABELS    ENABLED",
        "g1  alpha        env=prod  true",
        "g2  beta\\tgamma            false",
    ]


@pytest.mark.parametrize("how", [("--no-color",), ("-o", "table", "--no-color")])
def test_no_color_flag(gw, show, how):
    show(ITEMS)
    result = gw("show", *how, tty=True)
    assert result.code == 0
    assert "\x1b" not in result.out
    assert result.out.splitlines()[0].rstrip() == "ID  NAME         LABELS    ENABLED"


def test_no_color_env(gw, show):
    show(ITEMS)
    result = gw("show", tty=True, env={"NO_COLOR": "1"})
    assert result.code == 0
    assert "\x1b" not in result.out
    assert result.out.splitlines()[0].rstrip() == "ID  NAME         LABELS    ENABLED"


def test_forced_table_when_piped_has_no_colour(gw, show):
    show(ITEMS)
    result = gw("show", "-o", "table")
    assert "\x1b" not in result.out
    assert result.out.splitlines()[1].rstrip() == "g1  alpha        env=prod  true"


def test_force_tty_env_makes_piped_output_a_table(gw, show):
    show(ITEMS)
    result = gw("show", env={"GWCTL_FORCE_TTY": "1"})
    assert ANSI.sub("", result.out).splitlines()[0].rstrip() == "ID  NAME         LABELS    ENABLED"
    assert gw("show", env={"GWCTL_FORCE_TTY": "0"}).out.startswith("ID\tNAME")


def test_table_wraps_long_cells_never_ids_or_names_tsv_does_not(gw, show):
    long = "x" * 300
    show([{"id": "g1", "name": "alpha", "labels": {"text": long}, "enabled": True}])
    table = gw("show", tty=True, env={"COLUMNS": "60"})
    assert (table.code, table.err) == (0, "")
    lines = [ANSI.sub("", line).rstrip() for line in table.out.splitlines()]
    assert all(len(line) <= 60 for line in lines)
    assert "…" not in table.out
    assert lines[1].startswith("g1  alpha  text=xxx")
    assert "".join(line[len("g1  alpha  "):].split("  ")[0] for line in lines[1:]) == f"text={long}"
    tsv = gw("show", env={"COLUMNS": "60"})
    assert tsv.out.splitlines()[1] == f"g1\talpha\ttext={long}\ttrue"


def test_long_names_stay_whole_other_columns_give_way_and_say_so(gw, show):
    name = "n" * 70
    show([{"id": "a0a05791-f6a1-4c5e-9d47-2b3c4d5e6f70", "name": name, "labels": {"env": "prod"}, "enabled": True}])
    table = gw("show", tty=True, env={"COLUMNS": "80"})
    assert table.code == 0
    assert [line.rstrip() for line in ANSI.sub("", table.out).splitlines()] == [
        "ID                                    NAME",
        f"a0a05791-f6a1-4c5e-9d47-2b3c4d5e6f70  {name}",
    ]
    assert table.err == "note: 2 columns hidden to fit the terminal (LABELS, ENABLED); -o wide shows every column\n"
    wide = gw("show", "-o", "wide", tty=True, env={"COLUMNS": "80"})
    assert (wide.code, wide.err) == (0, "")
    assert ANSI.sub("", wide.out).splitlines()[1].rstrip() == (
        f"a0a05791-f6a1-4c5e-9d47-2b3c4d5e6f70  {name}  env=prod  true")
    assert "NOTE" in ANSI.sub("", wide.out).splitlines()[0]  # every column, the hidden-by-default too


def test_table_piped_is_never_cut(gw, show):
    long = "y" * 200
    show([{"id": "a0a05791-f6a1-4c5e-9d47-2b3c4d5e6f70", "name": long, "labels": {"k": long}, "enabled": True}])
    result = gw("show", "-o", "table", env={"COLUMNS": "40"})
    assert (result.code, result.err) == (0, "")
    assert result.out.splitlines()[1].rstrip() == f"a0a05791-f6a1-4c5e-9d47-2b3c4d5e6f70  {long}  k={long}  true"


def test_columns_selection_and_order(gw, show):
    show(ITEMS)
    assert gw("show", "--columns", "name,id").out == "NAME\tID\nalpha\tg1\nbeta\\tgamma\tg2\n"
    # hidden-by-default columns can be asked for; escapes keep one row per line
    assert gw("show", "--columns", "id, note").out == "ID\tNOTE\ng1\t\ng2\tline1\\nline2\n"
    assert gw("show", "--columns", "ID").out.splitlines()[0] == "ID"


def test_unknown_column_lists_valid_names(gw, show):
    show(ITEMS)
    result = gw("show", "--columns", "id,bogus")
    assert (result.code, result.out) == (2, "")
    assert result.err == "error: unknown column 'bogus' for --columns; valid columns: ID, NAME, LABELS, ENABLED, NOTE\n"


def test_no_headers(gw, show):
    show(ITEMS)
    assert gw("show", "--no-headers").out == "g1\talpha\tenv=prod\ttrue\ng2\tbeta\\tgamma\t\tfalse\n"
    result = gw("show", "--no-headers", tty=True)
    assert ANSI.sub("", result.out).splitlines()[0].rstrip() == "g1  alpha        env=prod  true"


def test_json_list_is_an_array_with_api_field_names(gw, show):
    show(ITEMS)
    for argv in (("-o", "json"), ("--json",)):
        result = gw("show", *argv, tty=True)
        assert (result.code, result.err) == (0, "")
        assert json.loads(result.out) == ITEMS
        assert result.out.startswith("[\n  {\n")


def test_json_single_object(gw, show):
    show(ITEMS[0])
    assert gw("show", "-o", "json").json() == ITEMS[0]


def test_jsonl_one_object_per_line(gw, show):
    show(ITEMS)
    result = gw("show", "-o", "jsonl")
    assert result.code == 0
    assert [json.loads(line) for line in result.out.splitlines()] == ITEMS
    assert result.out.count("\n") == 2


def test_yaml(gw, show):
    import yaml

    show(ITEMS)
    result = gw("show", "-o", "yaml")
    assert result.code == 0
    assert yaml.safe_load(result.out) == ITEMS
    assert result.out.startswith("- id: g1\n  name: alpha\n")


def test_single_object_table_is_vertical(gw, show):
    show(ITEMS[0])
    assert gw("show").out == "ID\tg1\nNAME\talpha\nLABELS\tenv=prod\nENABLED\ttrue\n"
    result = gw("show", tty=True)
    assert [line.rstrip() for line in ANSI.sub("", result.out).splitlines()] == [
        "ID       g1", "NAME     alpha", "LABELS   env=prod", "ENABLED  true"]


def test_generic_columns_without_a_spec(gw, show):
    show([{"a": 1, "b": [1, 2]}, {"a": 2, "c": {"d": {"e": 1}}}], columns=None)
    assert gw("show").out == "A\tB\tC\n1\t1,2\t\n2\t\t{\"d\":{\"e\":1}}\n"


def test_scalars_and_lists_of_scalars(gw, show):
    show(["a", "b"], columns=None)
    assert gw("show").out == "a\nb\n"
    show("just text", columns=None)
    assert gw("show").out == "just text\n"


# --- empty results ----------------------------------------------------------------------


def test_empty_list(gw, show):
    show([])
    result = gw("show", tty=True)
    assert (result.code, result.out, result.err) == (0, "", "No results.\n")
    result = gw("show")
    assert (result.code, result.out, result.err) == (0, "ID\tNAME\tLABELS\tENABLED\n", "")
    assert gw("show", "--no-headers").out == ""
    assert gw("show", "-o", "json").out == "[]\n"
    assert gw("show", "-o", "jsonl").out == ""
    assert gw("show", "-o", "yaml").out == "[]\n"


def test_empty_list_without_columns(gw, show):
    show([], columns=None)
    result = gw("show")
    assert (result.code, result.out, result.err) == (0, "", "")
    result = gw("show", tty=True)
    assert (result.code, result.out, result.err) == (0, "", "No results.\n")


def test_empty_page_stream(gw, show):
    show(lambda: iter([[], []]))
    result = gw("show", tty=True)
    assert (result.code, result.out, result.err) == (0, "", "No results.\n")
    assert gw("show", "-o", "json").out == "[]\n"
    assert gw("show", "-o", "jsonl").out == ""


# --- markup and emoji in API data --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "tsv", "json", "jsonl", "yaml"])
def test_markup_and_emoji_are_printed_literally(gw, show, fmt):
    show([{"id": MARKUP, "name": "[red]r[/] :thumbs_up:", "labels": {"k": "[b]"}, "enabled": True}])
    result = gw("show", "-o", fmt, tty=True)
    assert result.code == 0
    assert MARKUP in ANSI.sub("", result.out)
    assert "[red]r[/] :thumbs_up:" in ANSI.sub("", result.out)
    assert "😄" not in result.out and "👍" not in result.out


def test_markup_in_generic_headers_and_vertical_table(gw, show):
    show({MARKUP: "[i]v[/i]"}, columns=None)
    out = ANSI.sub("", gw("show", tty=True).out)
    assert "[I]V[/I]" not in out and "[i]v[/i]" in out
    assert MARKUP.upper() in out


def test_terminal_escape_sequences_in_api_data_are_not_interpreted(gw, show):
    evil = "\x1b[2J\x1b]0;pwned\x07x"
    show([{"id": evil, "name": "a\r\nb", "labels": {}, "enabled": True}])
    result = gw("show", "--no-color", tty=True)
    assert result.code == 0
    assert "\x1b" not in result.out and "\x07" not in result.out and "\r" not in result.out
    lines = [line.rstrip() for line in result.out.splitlines()]
    assert lines[1] == "\\x1b[2J\\x1b]0;pwned\\x07x  a\\r\\nb          true"
    assert len(lines) == 2  # one row per item
    # JSON escapes them as well
    assert json.loads(gw("show", "-o", "json", tty=True).out)[0]["id"] == evil
    assert "\x1b" not in gw("show", "-o", "json", tty=True).out


def test_vertical_table_keeps_multiline_values(gw, show):
    show({"id": "c1", "name": "-----BEGIN-----\nAAAA\n-----END-----", "labels": {}, "enabled": False})
    lines = [line.rstrip() for line in gw("show", "--no-color", tty=True).out.splitlines()]
    assert lines[:4] == ["ID       c1", "NAME     -----BEGIN-----", "         AAAA", "         -----END-----"]


# --- --query ----------------------------------------------------------------------------


def test_query_applies_before_rendering(gw, show):
    show(ITEMS)
    assert gw("show", "--query", "[].id").out == "g1\ng2\n"
    assert gw("show", "--query", "[].id", "-o", "json").json() == ["g1", "g2"]
    assert gw("show", "--query", "[?enabled].{id: id}", "-o", "json").json() == [{"id": "g1"}]
    assert gw("show", "--query", "length(@)").out == "2\n"
    # the result of a query is shown with generic columns, not the command's
    assert gw("show", "--query", "[?enabled].{x: name}").out == "X\nalpha\n"


def test_query_on_a_page_stream(gw, show):
    show(lambda: iter([[ITEMS[0]], [ITEMS[1]]]))
    assert gw("show", "--query", "[1].name", "-o", "json").json() == "beta\tgamma"


@pytest.mark.parametrize("expression", ["[?", "foo[", "&&"])
def test_invalid_query_is_a_usage_error(gw, show, expression):
    show(ITEMS)
    result = gw("show", "--query", expression)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: invalid --query: ")
    assert len(result.err.splitlines()) == 1


# --- streaming ---------------------------------------------------------------------------


class PageSource:
    """An iterator of pages that records what stdout held when each page was pulled."""

    def __init__(self, pages):
        self.pages = pages
        self.snapshots: list[str] = []

    def __call__(self):
        def gen():
            for page in self.pages:
                self.snapshots.append(sys.stdout.getvalue())
                yield page

        return gen()


PAGES = [[{"id": "1", "name": "a"}, {"id": "2", "name": "b"}], [{"id": "3", "name": "c"}], [{"id": "4", "name": "d"}]]


def test_jsonl_streams_page_by_page(gw, show):
    source = PageSource(PAGES)
    show(source)
    result = gw("show", "-o", "jsonl")
    assert result.code == 0
    assert result.out.splitlines() == [json.dumps(i, separators=(",", ":")) for page in PAGES for i in page]
    # page 2 was fetched only after page 1 had been written, and so on
    assert source.snapshots == [
        "",
        '{"id":"1","name":"a"}\n{"id":"2","name":"b"}\n',
        '{"id":"1","name":"a"}\n{"id":"2","name":"b"}\n{"id":"3","name":"c"}\n',
    ]


def test_tsv_streams_page_by_page(gw, show):
    source = PageSource(PAGES)
    show(source, columns=(Column("id", "id", header="ID"), Column("name", "name")))
    result = gw("show")
    assert result.out == "ID\tNAME\n1\ta\n2\tb\n3\tc\n4\td\n"
    assert source.snapshots[1] == "ID\tNAME\n1\ta\n2\tb\n"


def test_jsonl_stops_pulling_when_the_consumer_fails(gw, show):
    """A lazily consumed stream: an error on page 2 leaves page 1 printed and page 3 unfetched."""
    pulled = []

    def pages():
        pulled.append(1)
        yield PAGES[0]
        pulled.append(2)
        raise click.ClickException("page 2 failed")

    show(pages)
    result = gw("show", "-o", "jsonl")
    assert result.code == 1
    assert result.out == '{"id":"1","name":"a"}\n{"id":"2","name":"b"}\n'
    assert pulled == [1, 2]


def test_an_iterator_of_items_renders_like_a_list(gw, show):
    show(lambda: iter(ITEMS))
    assert gw("show", "-o", "json").json() == ITEMS
    assert gw("show", "-o", "jsonl").out.count("\n") == 2
    assert gw("show").out.startswith("ID\tNAME\tLABELS\tENABLED\ng1\talpha\t")


def test_json_streams_the_array_page_by_page(gw, show):
    """-o json writes the array as the pages arrive (memory stays flat), with the very text of
    json.dumps(items, indent=2); nothing is written before the first page came."""
    source = PageSource(PAGES)
    show(source)
    result = gw("show", "-o", "json")
    items = [i for page in PAGES for i in page]
    assert (result.code, result.out) == (0, json.dumps(items, indent=2) + "\n")
    assert source.snapshots[0] == ""
    assert source.snapshots[1] == '[\n  {\n    "id": "1",\n    "name": "a"\n  },\n  {\n    "id": "2",\n    "name": "b"\n  }'
    show(PageSource([[], []]))
    assert gw("show", "-o", "json").out == "[]\n"


def test_query_needs_the_whole_result_before_writing(gw, show):
    source = PageSource(PAGES)
    show(source)
    result = gw("show", "-o", "json", "--query", "length(@)")
    assert (result.code, result.out) == (0, "4\n")
    assert source.snapshots == ["", "", ""]  # every page fetched before a byte was written


def test_table_collects_every_page(gw, show):
    show(PageSource(PAGES))
    lines = ANSI.sub("", gw("show", tty=True).out).splitlines()
    assert len(lines) == 5


# --- stderr vs stdout --------------------------------------------------------------------


def test_output_env_var_and_flag_precedence(gw, show):
    show(ITEMS)
    assert json.loads(gw("show", env={"GWCTL_OUTPUT": "json"}).out) == ITEMS
    assert gw("show", "-o", "tsv", env={"GWCTL_OUTPUT": "json"}).out.startswith("ID\t")
    result = gw("show", env={"GWCTL_OUTPUT": "xml"})
    assert result.code == 2
    assert "'xml' is not one of 'table', 'wide', 'tsv', 'json', 'jsonl', 'yaml'" in result.err


def test_bad_output_format_is_usage_error(gw, show):
    show(ITEMS)
    result = gw("show", "-o", "csv")
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: Invalid value for '-o' / '--output': 'csv' is not one of ")
