"""One output contract for every command: table | tsv | json | jsonl | yaml.

Columns are declared once per resource as `Column`s. JSON keeps the API's own
objects and field names. Rich is imported only to draw a table on a terminal.
"""

from __future__ import annotations

import sys
from typing import Any, Callable, Iterable, Iterator, Sequence

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


def _column_key(text: str) -> str:
    return text.strip().lower().replace("-", "_")


def select_columns(columns: Sequence[Column], spec: str | None, every: bool = False) -> list[Column]:
    """The columns --columns names: by the header shown or the column's name, case-insensitively."""
    if not spec:
        return list(columns) if every else [c for c in columns if c.default]
    by_name: dict[str, Column] = {}
    for c in columns:
        by_name.setdefault(_column_key(c.title), c)
        by_name.setdefault(_column_key(c.name), c)
    chosen = []
    for name in (n.strip() for n in spec.split(",")):
        if not name:
            continue
        col = by_name.get(_column_key(name))
        if col is None:
            valid = ", ".join(c.title for c in columns)
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


class _TsvLines:
    """TSV lines written in batches, at the latest when a page ends (a long list spends its time here)."""

    def __init__(self, readers: list[Callable[[Any], str]]) -> None:
        self.readers = readers
        self.tabs = len(readers) - 1
        self.batch: list[str] = []

    def add(self, item: Any) -> None:
        cells = [read(item) for read in self.readers]
        line = "\t".join(cells)
        # Checked on the whole line: a cell that needs escaping is rare.
        if line.count("\t") != self.tabs or "\n" in line or "\r" in line or "\\" in line:
            line = "\t".join(map(_tsv_escape, cells))
        self.batch.append(line)
        if len(self.batch) == 512:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            lines, self.batch = self.batch, []
            sys.stdout.write("\n".join(lines) + "\n")


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
        if getattr(self.app, "sink", None) is not None:  # one profile of several: the fleet run merges the results
            self.app.sink(data, columns)
            return
        if isinstance(data, Iterator) or _is_page_stream(data):
            data = _Pages(data, self._progress_line())
        try:
            self._emit(data, columns)
        finally:
            if isinstance(data, _Pages) and data._progress:
                data._progress(-1)
        if isinstance(data, _Pages):
            self._notice_more(data)

    def _emit(self, data: Any, columns: Sequence[Column] | None) -> None:
        if self.opts.query:
            data = self.apply_query(data.all() if isinstance(data, _Pages) else data)
            columns = None
        fmt = self.format
        if fmt in ("json", "jsonl", "yaml") and self.opts.columns:
            data = self.select_fields(data, columns)
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

        encode = json.JSONEncoder(indent=2, ensure_ascii=False, default=str).encode  # one for all items
        write = sys.stdout.write
        opening = "["
        for item in data:
            write(opening + "\n  " + encode(item).replace("\n", "\n  "))
            opening = ","
        write("[]\n" if opening == "[" else "\n]\n")

    def _progress_line(self) -> Callable[[int], None] | None:
        """`fetched N items…` on stderr after about a second, for output that waits for the whole list.

        Only when both stdout and stderr are a terminal: never when piped, never between streamed rows.
        """
        if not (self.app.stdout_tty and self.app.stderr_tty) or self.format in ("tsv", "jsonl"):
            return None
        import time

        started = time.monotonic()
        shown = [False]

        def progress(count: int) -> None:
            if count < 0:  # done: clear the line
                if shown[0]:
                    sys.stderr.write("\r\x1b[K")
                    sys.stderr.flush()
                return
            if time.monotonic() - started >= PROGRESS_AFTER:
                shown[0] = True
                sys.stderr.write(f"\rfetched {count} items…")
                sys.stderr.flush()

        return progress

    def _notice_more(self, pages: _Pages) -> None:
        """A list cut by the default --limit says so (an explicit --limit is what the user asked for)."""
        more = getattr(pages.source, "more", False)
        if more is False or not _limit_is_default():
            return
        if more:
            self.app.err(f"showing {pages.count}; more exist: --all or --limit N")
        else:
            self.app.err(f"showing {pages.count}; there may be more: --all or --limit N")

    def apply_query(self, data: Any) -> Any:
        import jmespath
        from jmespath.exceptions import JMESPathError

        try:
            return jmespath.search(self.opts.query, data)
        except JMESPathError as exc:
            raise UsageError(f"invalid --query: {' '.join(str(exc).split())}") from None

    def select_fields(self, data: Any, columns: Sequence[Column] | None) -> Any:
        """--columns with json/jsonl/yaml: each object keeps only those fields, under the API's own names."""
        spec = self.opts.columns
        if columns:
            chosen = select_columns(columns, spec)
            computed = [c.title for c in chosen if callable(c.path)]
            if computed:
                raise UsageError(f"--columns {','.join(computed)} is computed for tables and has no field in "
                                 f"-o {self.format}; pick fields with --query instead")
            paths = [c.path or c.name for c in chosen]
        else:
            items = data.all() if isinstance(data, _Pages) else data
            sample = [i for i in (items if isinstance(items, list) else [items]) if isinstance(i, dict)]
            if not sample:
                raise UsageError(f"--columns needs objects; -o {self.format} here prints "
                                 f"{type(items).__name__} values (use --query)")
            keys = {}
            for item in sample:
                for key in item:
                    keys.setdefault(_column_key(key), key)
            paths = []
            for name in (n.strip() for n in spec.split(",") if n.strip()):
                if _column_key(name) not in keys:
                    raise UsageError(f"unknown field {name!r} for --columns; fields: {', '.join(keys.values())}")
                paths.append(keys[_column_key(name)])

        def pick(item: Any) -> Any:
            if not isinstance(item, dict):
                return item
            picked: dict[str, Any] = {}
            for path in paths:
                parts = path.split(".")
                target = picked
                for part in parts[:-1]:
                    target = target.setdefault(part, {})
                target[parts[-1]] = dig(item, path)
            return picked

        if isinstance(data, _Pages):
            return _Pages([pick(i) for i in page] if isinstance(page, (list, tuple)) else pick(page)
                          for page in data._pages)
        if isinstance(data, list):
            return [pick(i) for i in data]
        return pick(data)

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
                lines = _TsvLines([c.reader() for c in chosen])
                if isinstance(data, _Pages):
                    data.page_done = lines.flush
                try:
                    lines.add(first)
                    for item in stream:
                        lines.add(item)
                finally:  # what was read before a failed page is written, as line by line would have
                    lines.flush()
            return
        items = data.all() if isinstance(data, _Pages) else list(data)
        if items and not all(isinstance(i, dict) for i in items):
            for item in items:
                self._write(format_cell(item) if not isinstance(item, (dict, list)) else compact(item))
            return
        chosen = select_columns(columns or generic_columns(items), self.opts.columns, every=self.format == "wide")
        rows = [[c.cell(i) for c in chosen] for i in items]
        self._table(chosen, rows)

    def _single(self, item: Any, columns: Sequence[Column] | None) -> None:
        if not isinstance(item, dict):
            if item is not None:
                self._write(format_cell(item) if not isinstance(item, list) else compact(item))
            return
        chosen = (select_columns(columns, self.opts.columns, every=self.format == "wide") if columns
                  else generic_columns([item]))
        if self.format == "tsv":
            for c in chosen:
                self._write(f"{_tsv_escape(c.title)}\t{_tsv_escape(c.cell(item))}")
            return
        shown = [c for c in chosen if c.kind != "secret" or not c.cell(item)]
        self._vertical(shown, [c.cell(item) for c in shown])
        # A secret stands on its own line: nothing to wrap or indent it, so it copies whole.
        for c in chosen:
            if c not in shown:
                self._write(f"{_escape_controls(c.title)}:")
                self._write(_escape_controls(c.cell(item)))

    def _console(self, width: int | None):
        from rich.console import Console

        return Console(file=sys.stdout, markup=False, emoji=False, highlight=False,
                       force_terminal=self.app.color or None, no_color=not self.app.color, soft_wrap=False,
                       width=width)

    def _terminal_width(self) -> int | None:
        """The width to fit (None: no limit, e.g. `-o table | cat` or -o wide)."""
        if self.format == "wide" or not self.app.stdout_tty:
            return None
        import shutil

        return shutil.get_terminal_size((80, 24)).columns

    def _vertical(self, columns: list[Column], values: list[str]) -> None:
        color = self.app.color
        cells = [_screen_safe(v, multiline=True) for v in values]
        width = self._terminal_width()
        titles = [_escape_controls(c.title) for c in columns]
        colours = [c.colour if color else None for c in columns]
        styled = color and _terminal_has_styles()
        text = plain_vertical(titles, cells, width, bold=styled, colours=colours if styled else None)
        if text is not None:  # plain ASCII: drawn without Rich (importing it costs about twice starting Python)
            sys.stdout.write(text)
            return
        from rich.cells import cell_len
        from rich.table import Table
        from rich.text import Text

        natural = max([cell_len(t) for t in titles] + [0]) + 2 + max(
            [cell_len(line) for v in cells for line in v.split("\n")] + [0])
        console = self._console(width if width is not None else max(natural, 1))
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column("FIELD", style="bold" if color else None, no_wrap=True)
        table.add_column("VALUE", overflow="fold")
        for column, title, cell in zip(columns, titles, cells):
            colour = column.colour(cell) if color else None
            table.add_row(title, Text(cell, style=colour or ""))
        console.print(table)

    def _table(self, columns: list[Column], rows: list[list[str]]) -> None:
        headers = [c.title for c in columns]
        if self.format == "tsv":
            if not self.opts.no_headers and headers:
                self._write("\t".join(headers))
            for row in rows:
                self._write("\t".join(_tsv_escape(c) for c in row))
            return
        if not rows:
            self.app.err("No results.")
            return
        color = self.app.color
        cells = [[_screen_safe(c) for c in row] for row in rows]
        titles = [_escape_controls(h) for h in headers]
        width = self._terminal_width()
        widths, shown = _layout(columns, titles, cells, width)
        hidden = [titles[i] for i in range(len(columns)) if i not in shown]
        # Drawn without Rich when the text is plain ASCII (importing Rich costs about twice starting Python).
        styled = color and _terminal_has_styles()
        colours = [c.colour if styled and c.kind == "state" else None for c in columns]
        text = plain_table([titles[i] for i in shown], [[row[i] for i in shown] for row in cells],
                           [widths[i] for i in shown], wrap=[not columns[i].keep for i in shown],
                           show_header=not self.opts.no_headers, bold=styled, colours=[colours[i] for i in shown])
        if text is not None:
            sys.stdout.write(text)
            self._note_hidden(hidden)
            return
        from rich.table import Table
        from rich.text import Text

        console = self._console(sum(w for w in widths if w) + 2 * (len(shown) - 1) if shown else 1)
        table = Table(box=None, show_header=not self.opts.no_headers,
                      header_style="bold" if color else None, pad_edge=False)
        for i in shown:
            keep = columns[i].keep or widths[i] is None
            table.add_column(titles[i], no_wrap=keep, overflow="fold", width=widths[i],
                             min_width=widths[i])
        for row in cells:
            texts = []
            for i in shown:
                colour = columns[i].colour(row[i]) if color else None
                texts.append(Text(row[i], style=colour or ""))
            table.add_row(*texts)
        console.print(table)
        self._note_hidden(hidden)

    def _note_hidden(self, hidden: list[str]) -> None:
        if hidden:
            self.app.err(f"note: {len(hidden)} column{'s' if len(hidden) > 1 else ''} hidden to fit the terminal "
                         f"({', '.join(hidden)}); -o wide shows every column")

    def _write(self, line: str) -> None:
        sys.stdout.write(line + "\n")


_NO_WRAP = ("timestamp", "duration", "state")
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def _cell_len(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _terminal_has_styles() -> bool:
    """Rich draws no bold nor colour on a terminal that says it has none, even when told it is one."""
    import os

    return os.environ.get("TERM", "").lower() not in ("dumb", "unknown")


def _plain(texts: Iterable[str]) -> bool:
    """ASCII without control characters (a newline aside): one character, one cell, as Rich measures it."""
    return all(t.isascii() and (t.isprintable() or t.replace("\n", "").isprintable()) for t in texts)


def _divide_line(text: str, width: int) -> list[int]:
    """Where Rich breaks a line of ASCII text to fit `width` (rich._wrap.divide_line, fold=True): words
    are runs of spaces, non-spaces, spaces; filled greedily; a word wider than a line is cut in pieces."""
    import re

    breaks: list[int] = []
    offset = 0
    for match in re.finditer(r"\s*\S+\s*", text):
        start, word = match.start(), match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            pieces = [word[i:i + width] for i in range(0, len(word), width)]
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            offset = len(pieces[-1])
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _cell_lines(text: str, width: int, wrap: bool) -> list[str]:
    """The lines of an ASCII cell `width` wide as Rich draws them (Text.wrap, left-justified, fold)."""
    lines = []
    for line in text.split("\n"):
        if not wrap or len(line) <= width:  # a line that fits is never broken
            lines.append(line[:width].ljust(width))
            continue
        edges = [0, *_divide_line(line, width), len(line)]
        for start, end in zip(edges, edges[1:]):
            piece = line[start:end]
            excess = len(piece) - width
            if excess > 0:  # spaces past the edge go first (Text.rstrip_end), then the rest is cut
                piece = piece[:len(piece) - min(excess, len(piece) - len(piece.rstrip()))]
            lines.append(piece[:width].ljust(width))
    return lines


_ANSI = {"red": "\x1b[31m", "green": "\x1b[32m", "yellow": "\x1b[33m"}


def plain_table(headers: list[str], rows: list[list[str]], widths: list[int], *, wrap: list[bool] | None = None,
                show_header: bool = True, bold: bool = False,
                colours: list[Callable[[str], str | None] | None] | None = None) -> str | None:
    """A list table exactly as Rich draws ours (no box, two spaces between columns, a bold header in
    colour, text wrapped in the columns `wrap` allows), without importing Rich. `widths`: each column's
    width (from _layout); a table wider than the terminal is drawn all the same, as Rich draws it.
    None when Rich must draw it: text that is not plain ASCII, a colour we do not know, an empty column."""
    if not _plain(headers) or not all(_plain(row) for row in rows) or not all(w > 0 for w in widths):
        return None
    count = len(headers)
    if not count:  # every column hidden: Rich draws an empty line
        return "\n"
    wrap = wrap or [True] * count
    out = []
    if show_header:
        heads = [_cell_lines(h, widths[i], wrap[i]) for i, h in enumerate(headers)]
        if any(len(lines) > 1 for lines in heads):  # never: a column is at least as wide as its title
            return None
        segments = []
        for i, lines in enumerate(heads):
            segments.extend(seg for seg in (" " if i else "", lines[0], " " if i < count - 1 else "") if seg)
        out.append("".join(f"{_BOLD}{seg}{_RESET}" if bold else seg for seg in segments) + "\n")
    for row in rows:
        row = row + [""] * (count - len(row))
        starts = []
        cells = []
        for i, text in enumerate(row):
            colour = colours[i](text) if colours and colours[i] else None
            if colour is not None and colour not in _ANSI:
                return None
            starts.append(_ANSI[colour] if colour else "")
            cells.append(_cell_lines(text, widths[i], wrap[i]))
        for n in range(max(len(lines) for lines in cells)):
            parts = []
            for i, lines in enumerate(cells):
                if n >= len(lines):  # a row is as tall as its tallest cell; blank below the others, never coloured
                    parts.append(" " * widths[i])
                elif starts[i]:
                    parts.append(f"{starts[i]}{lines[n]}{_RESET}")
                else:
                    parts.append(lines[n])
            out.append("  ".join(parts) + "\n")
    return "".join(out)


def plain_vertical(titles: list[str], values: list[str], width: int | None, *, bold: bool = False,
                   colours: list[Callable[[str], str | None] | None] | None = None) -> str | None:
    """One object as Rich draws our FIELD/VALUE table (titles in bold, values folded to the terminal's
    `width`, multiline values kept), without importing Rich. None when Rich must draw it: text that is
    not plain ASCII, a colour we do not know, a terminal too narrow for the titles."""
    if not titles or not _plain(titles) or not _plain(values):
        return None
    field = max(len(t) for t in titles) + 1  # with the space to its right
    longest = max(len(line) for v in values for line in v.split("\n"))
    if width is None:
        width = field + longest + 1
    # Rich's widths: the titles whole, the values in what is left (the titles never shrink here).
    value = min(longest + 1, width - field)
    if field < 2 or longest < 1 or value < 2:
        return None
    out = []
    for i, (title, text) in enumerate(zip(titles, values)):
        colour = colours[i](text) if colours and colours[i] else None
        if colour is not None and colour not in _ANSI:
            return None
        # The title and its right padding are two bold pieces; the blank under a title is one.
        head = f"{_BOLD}{title.ljust(field - 1)}{_RESET}{_BOLD} {_RESET}" if bold else title.ljust(field)
        blank = f"{_BOLD}{' ' * field}{_RESET}" if bold else " " * field
        for n, line in enumerate(_cell_lines(text, value - 1, True)):
            out.append(f"{blank if n else head} {_ANSI[colour] + line + _RESET if colour else line}\n")
    return "".join(out)


def _layout(columns: list[Column], headers: list[str], rows: list[list[str]],
            width: int | None) -> tuple[list[int], list[int]]:
    """(width of each column, indexes of the columns shown) fitting a table into `width`.

    ID, name and secret columns keep their full width. The others shrink, widest first, down to
    about 12 cells (their text wraps; times and states do not); when even that is too wide, the
    rightmost of them are left out.
    """
    cell_len = _cell_len
    natural = [max([cell_len(h)] + [cell_len(r[i]) for r in rows if i < len(r)]) for i, h in enumerate(headers)]
    shown = list(range(len(headers)))
    if width is None:
        return natural, shown
    while True:
        room = width - 2 * (len(shown) - 1)
        if sum(natural[i] for i in shown) <= room:
            return natural, shown
        flex = [i for i in shown if not columns[i].keep]
        fixed = sum(natural[i] for i in shown if columns[i].keep)
        # Below about 12 cells a wrapped column is unreadable; short values (times, states) never wrap.
        floor = {i: natural[i] if columns[i].kind in _NO_WRAP else min(natural[i], max(cell_len(headers[i]), 12))
                 for i in flex}
        left = room - fixed
        if flex and sum(floor.values()) <= left:
            cap = max(natural[i] for i in flex)
            while cap > 1 and sum(max(floor[i], min(natural[i], cap)) for i in flex) > left:
                cap -= 1
            widths = list(natural)
            for i in flex:
                widths[i] = max(floor[i], min(natural[i], cap))
            return widths, shown
        if not flex:  # only columns never cut: show them whole; the terminal wraps the line
            return natural, shown
        shown.remove(flex[-1])


class _Pages:
    """A lazily consumed stream of pages; counts the items and, on a terminal, shows progress."""

    def __init__(self, pages: Iterable[Any], progress: Callable[[int], None] | None = None) -> None:
        self.source = pages
        self._pages = iter(pages)
        self._items: list | None = None
        self.count = 0
        self._progress = progress
        self.page_done: Callable[[], None] | None = None  # an output that batches lines writes them

    def __iter__(self) -> Iterator[Any]:
        for page in self._pages:
            if isinstance(page, (list, tuple)):
                self.count += len(page)
                yield from page
            else:  # an iterator of items rather than pages: never iterate an object's keys
                self.count += 1
                yield page
            if self.page_done:
                self.page_done()
            if self._progress:
                self._progress(self.count)

    def all(self) -> list:
        if self._items is None:
            self._items = list(self)
        return self._items


PROGRESS_AFTER = 1.0  # seconds before a progress line appears


def _limit_is_default() -> bool:
    import click

    ctx = click.get_current_context(silent=True)
    if ctx is None or not any(p.name == "limit" for p in ctx.command.params):
        return False
    source = ctx.get_parameter_source("limit")
    return source is not None and source.name == "DEFAULT"


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
