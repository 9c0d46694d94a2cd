"""Slicing for the three paging styles the vendors use.

Only the arithmetic lives here. Parameter names, defaults, caps, validation
messages and envelopes are vendor facts and stay in each emulator.
"""

from __future__ import annotations

from typing import Any, Sequence


def page_number(items: Sequence[Any], number: int, size: int) -> list:
    """Page ``number`` (from 1) of ``size`` items."""
    start = (number - 1) * size
    return list(items[start:start + size])


def offset_limit(items: Sequence[Any], offset: int, limit: int) -> list:
    """``limit`` items from position ``offset``."""
    return list(items[offset:offset + limit])


def keyset(cursor: int | None, count: int, backwards: bool = False) -> tuple[int, int]:
    """(start, end) of the page next to the item at index ``cursor``: after it, or before it when
    ``backwards``; the first ``count`` items when there is no cursor."""
    if cursor is None:
        return 0, count
    return (max(0, cursor - count), cursor) if backwards else (cursor + 1, cursor + 1 + count)
