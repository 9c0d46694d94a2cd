"""One output contract for every command: table | tsv | json | jsonl | yaml.

Columns are declared once per resource as `Column`s. JSON keeps the API's own
objects and field names. Rich is imported only to draw a table on a terminal.
"""

from __future__ import annotations

import sys
from typing import Any, Iterable, Iterator, Sequence

from gwctl.columns import Column, cols, compact, dig, format_cell  # noqa: F401 - re-exported
from gwctl.errors import UsageError


def human_bytes(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        size = float(value)
    except (TypeError, ValueError):
        return str(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(value)


def select_columns(columns: Sequence[Column], spec: str | None) -> list[Column]:
    if not spec:
        return [c for c in columns if c.default]
    by_name = {c.name: c for c in columns}
    by_name.update({c.name.replace("-", "_"): c for c in columns})
    chosen = []
    for name in (n.strip() for n in spec.split(",")):
        if not name:
            continue
        col = by_name.get(name) or by_name.get(name.lower())
        if col is None:
            valid = ", ".join(c.name for c in columns)
            raise UsageError(f"unknown column {name!r} for --columns; valid columns: {valid}")
        chosen.append(col)
    return chosen


def generic_columns(items: Sequence[Any]) -> list[Column]:
    keys: list[str] = []
    for item in items[:50]:
        if isinstance(item, dict):
            keys.extend(k for k in item if k not in keys)
    return [Column(k, k, header=k.upper()) for k in keys]


_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
_NOTHING = object()  # sentinel: an empty stream


def _escape_controls(text: str) -> str:
    """Control characters (terminal escape sequences, tabs, CR, ...) shown escaped, never sent to a terminal."""
    if text.isprintable():
        return text
    import re

    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


def _screen_safe(text: str, multiline: bool = False) -> str:
    """A table cell for a terminal: one line per row, except in a vertical (single object) table."""
    if multiline:
        return "\n".join(_escape_controls(line) for line in text.replace("\r\n", "\n").split("\n"))
    return _escape_controls(text)


def _tsv_escape(text: str) -> str:
    if "\t" in text or "\n" in text or "\r" in text or "\\" in text:  # rare: most cells go as they are
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Renderer:
    def __init__(self, app) -> None:
        self.app = app
        self.format = app.output
        self.opts = app.opts

    # --- public --------------------------------------------------------
    def emit(self, data: Any, columns: Sequence[Column] | None = None) -> None:
        """Render one object or a list (or an iterator of pages, streamed for jsonl/tsv)."""
        if isinstance(data, Iterator) or _is_page_stream(data):
            data = _Pages(data)
        if self.opts.query:
            data = self.apply_query(data.all() if isinstance(data, _Pages) else data)
            columns = None
        fmt = self.format
        if fmt in ("json", "jsonl"):
            import json  # not on the table/TSV path: `profile list` stays light

        if fmt == "json" and isinstance(data, _Pages):
            self._json_array(data)
        elif fmt == "json":
            self._write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        elif fmt == "jsonl":
            encode = json.JSONEncoder(ensure_ascii=False, default=str, separators=(",", ":")).encode  # one for all
            write = sys.stdout.write
            for item in _iter_items(data):
                write(encode(item) + "\n")
        elif fmt == "yaml":
            import yaml

            payload = data.all() if isinstance(data, _Pages) else data
            sys.stdout.write(yaml.safe_dump(payload, sort_keys=False, allow_unicode=True, default_flow_style=False))
        elif isinstance(data, (dict,)) or not isinstance(data, (list, _Pages)):
            self._single(data, columns)
        else:
            self._rows(data, columns)

    def _json_array(self, data: _Pages) -> None:
        """The same text as json.dumps(items, indent=2), written as the pages arrive (memory stays
        flat however long the list). The first page is fetched before anything is written."""
        import json

        opening = "["
        for item in data:
            text = json.dumps(item, indent=2, ensure_ascii=False, default=str)
            sys.stdout.write(opening + "\n  " + text.replace("\n", "\n  "))
            opening = ","
        sys.stdout.write("[]\n" if opening == "[" else "\n]\n")

    def apply_query(self, data: Any) -> Any:
        import jmespath
        from jmespath.exceptions import JMESPathError

        try:
            return jmespath.search(self.opts.query, data)
        except JMESPathError as exc:
            raise UsageError(f"invalid --query: {' '.join(str(exc).split())}") from None

    # --- table / tsv ---------------------------------------------------
    def _rows(self, data: Any, columns: Sequence[Column] | None) -> None:
        if self.format == "tsv" and columns and not isinstance(data, list):
            chosen = select_columns(columns, self.opts.columns)
            # Fetch the first page before writing anything: a request that fails leaves stdout empty.
            stream = _iter_items(data)
            first = next(stream, _NOTHING)
            if not self.opts.no_headers:
                self._write("\t".join(c.title for c in chosen))
            if first is not _NOTHING:
                self._write("\t".join(_tsv_escape(c.cell(first)) for c in chosen))
            for item in stream:
                self._write("\t".join(_tsv_escape(c.cell(item)) for c in chosen))
            return
        items = data.all() if isinstance(data, _Pages) else list(data)
        if items and not all(isinstance(i, dict) for i in items):
            for item in items:
                self._write(format_cell(item) if not isinstance(item, (dict, list)) else compact(item))
            return
        chosen = select_columns(columns or generic_columns(items), self.opts.columns)
        rows = [[c.cell(i) for c in chosen] for i in items]
        self._table([c.title for c in chosen], rows)

    def _single(self, item: Any, columns: Sequence[Column] | None) -> None:
        if not isinstance(item, dict):
            if item is not None:
                self._write(format_cell(item) if not isinstance(item, list) else compact(item))
            return
        chosen = select_columns(columns, self.opts.columns) if columns else generic_columns([item])
        rows = [[c.title, c.cell(item)] for c in chosen]
        self._table(["FIELD", "VALUE"], rows, vertical=True)

    def _table(self, headers: list[str], rows: list[list[str]], vertical: bool = False) -> None:
        if self.format == "tsv":
            if not self.opts.no_headers and not vertical and headers:
                self._write("\t".join(headers))
            for row in rows:
                self._write("\t".join(_tsv_escape(c) for c in row))
            return
        if not rows and not vertical:
            self.app.err("No results.")
            return
        if vertical:  # one object: no header, the field names bold in colour, values may span lines
            text = None if any("\n" in cell for row in rows for cell in row) else plain_table(
                headers, rows, show_header=False, bold_first_column=self.app.color, cap=False)
        else:
            text = plain_table(headers, rows, show_header=not self.opts.no_headers, bold=self.app.color)
        if text is not None:
            sys.stdout.write(text)
            return
        self._rich_table(headers, rows, vertical)

    def _rich_table(self, headers: list[str], rows: list[list[str]], vertical: bool = False) -> None:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        console = Console(
            file=sys.stdout,
            markup=False,
            emoji=False,
            highlight=False,
            force_terminal=self.app.color or None,
            no_color=not self.app.color,
            soft_wrap=False,
        )
        table = Table(box=None, show_header=not vertical and not self.opts.no_headers,
                      header_style="bold" if self.app.color else None, pad_edge=False)
        cells = [[_screen_safe(c, multiline=vertical) for c in row] for row in rows]
        caps = [None] * len(headers) if vertical else _column_caps(headers, cells, console.width)
        for i, header in enumerate(headers):
            style = "bold" if vertical and i == 0 and self.app.color else None
            table.add_column(_escape_controls(header), overflow="fold" if vertical else "ellipsis", style=style,
                             no_wrap=not vertical, max_width=caps[i])
        for row in cells:
            table.add_row(*(Text(c) for c in row))
        console.print(table)

    def _write(self, line: str) -> None:
        sys.stdout.write(line + "\n")


def _column_caps(headers: list[str], rows: list[list[str]], width: int, cell_len=None) -> list[int | None]:
    """Widths that fit a one-line-per-row table into `width`: the widest columns give way first.

    (Rich would shrink every column by the same amount, squeezing short ones such as a
    name or ID down to "…" while a long description keeps most of its width.)
    """
    if cell_len is None:
        from rich.cells import cell_len

    natural = [max([cell_len(h)] + [cell_len(r[i]) for r in rows if i < len(r)]) for i, h in enumerate(headers)]
    room = width - 2 * (len(headers) - 1)  # one space of padding each side between columns
    if sum(natural) <= room:
        return [None] * len(headers)
    cap = max(natural)
    while cap > 1 and sum(min(n, cap) for n in natural) > room:
        cap -= 1
    cap = max(cap, 8)  # below this nothing is readable; let the terminal crop instead
    return [cap if n > cap else None for n in natural]


_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _console_width() -> int:
    """The width Rich would give a table: COLUMNS, else the first terminal among stdin, stdout and
    stderr, else 80 (0 when Rich would decide otherwise: a dumb terminal)."""
    import os

    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return 0
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def plain_table(headers: list[str], rows: list[list[str]], *, show_header: bool = True, bold: bool = False,
                bold_first_column: bool = False, cap: bool = True) -> str | None:
    """A list table exactly as Rich draws ours (no box, two spaces between columns, long cells cut
    with "…", a bold header in colour), without importing Rich (~2x the cost of starting Python).
    None when Rich must decide: text that is not plain ASCII, or a table that does not fit."""
    width = _console_width()
    heads = [_escape_controls(h) for h in headers]
    cells = [[_escape_controls(c) for c in row] for row in rows]
    if width < 1 or not all(t.isascii() for t in heads) or not all(c.isascii() for row in cells for c in row):
        return None
    count = len(heads)
    caps = _column_caps(headers, cells, width, cell_len=len) if cap else [None] * count
    pads = [(0 if i == 0 else 1) + (0 if i == count - 1 else 1) for i in range(count)]
    widths = []
    for i in range(count):
        natural = max([len(heads[i]) if show_header else 0] + [len(row[i]) for row in cells if i < len(row)])
        cell_width = min(natural + pads[i], width)
        if caps[i] is not None:
            cell_width = min(cell_width, caps[i] + pads[i])
        widths.append(cell_width or 1)
    if sum(widths) > width:
        return None

    def line(texts: list[str], header: bool) -> str:
        out = []
        for i, text in enumerate(texts):
            style = bold if header else (bold_first_column and i == 0)
            room = max(widths[i] - pads[i], 0)
            if len(text) > room:
                text = text[:room - 1] + "…" if room else ""
            segments = [" " if i else "", text + " " * (room - len(text)), " " if i < count - 1 else ""]
            out.extend(f"{_BOLD}{seg}{_RESET}" if style else seg for seg in segments if seg)
        return "".join(out) + "\n"

    lines = [line(heads, True)] if show_header else []
    lines.extend(line(row + [""] * (count - len(row)), False) for row in cells)
    return "".join(lines)


class _Pages:
    """A lazily consumed stream of pages."""

    def __init__(self, pages: Iterable[Any]) -> None:
        self._pages = iter(pages)
        self._items: list | None = None

    def __iter__(self) -> Iterator[Any]:
        for page in self._pages:
            if isinstance(page, (list, tuple)):
                yield from page
            else:  # an iterator of items rather than pages: never iterate an object's keys
                yield page

    def all(self) -> list:
        if self._items is None:
            self._items = list(self)
        return self._items


def _is_page_stream(data: Any) -> bool:
    return hasattr(data, "__next__")


def _iter_items(data: Any) -> Iterator[Any]:
    if isinstance(data, _Pages):
        if data._items is not None:
            yield from data._items
        else:
            yield from data
    elif isinstance(data, list):
        yield from data
    else:
        yield data


def emit(data: Any, columns: Sequence[Column] | None = None, app=None) -> None:
    """Render `data` for the running command (see Renderer.emit)."""
    from gwctl.cli.context import get_app

    Renderer(app or get_app()).emit(data, columns)
