"""The fast paths of long lists give exactly what the general code gives: a column's specialised
reader equals its ``cell``, and a timestamp already in the shown form (with or without a fraction
of a second) formats as the full parser would."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from gwctl.columns import Column, format_timestamp

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?$",
                  re.IGNORECASE)


def parsed(text: str) -> str:
    """The general rule for an ISO string: UTC to the second, Go's zero time as never, else as sent."""
    match = _ISO.match(text.strip())
    if text.strip() in ("0001-01-01T00:00:00Z",) or not match:
        return "never" if text.strip() == "0001-01-01T00:00:00Z" else text.strip()
    try:
        moment = datetime(*(int(g) for g in match.groups()[:6]), tzinfo=timezone.utc)
    except ValueError:
        return text.strip()
    zone = (match.group(7) or "Z").upper()
    if zone not in ("Z", "UTC"):
        digits = zone[1:].replace(":", "")
        moment -= (1 if zone[0] == "+" else -1) * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return "never" if moment.year < 2 else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


two = st.integers(0, 99).map(lambda n: f"{n:02d}")
timestamps = st.builds(
    lambda year, month, day, hour, minute, second, fraction, zone:
        f"{year}-{month}-{day}T{hour}:{minute}:{second}{fraction}{zone}",
    st.sampled_from(["0001", "0999", "1000", "1970", "2023", "2024", "9999"]), two, two, two, two, two,
    st.sampled_from(["", ".0", ".123456", ".999999999"]), st.sampled_from(["Z", "z", "+00:00", "-05:30", ""]),
)


@settings(max_examples=1500, derandomize=True, deadline=None)
@given(timestamps)
def test_a_timestamp_formats_as_the_general_parser_would(text):
    assert format_timestamp(text) == parsed(text)


def test_the_shown_form_passes_straight_through():
    assert format_timestamp("2023-08-25T13:00:00Z") == "2023-08-25T13:00:00Z"
    assert format_timestamp("2026-12-04T13:49:40.963979Z") == "2026-12-04T13:49:40Z"
    assert format_timestamp("2023-02-30T00:00:00.5Z") == "2023-02-30T00:00:00.5Z"  # not a date: as sent
    assert format_timestamp("0001-01-01T00:00:00Z") == "never"


values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
                      max_leaves=6)
COLUMNS = [Column("name", "name"), Column("enabled", "enabled"), Column("labels", "labels"),
           Column("seen", "last_seen"), Column("ttl", "ttl", kind="duration"), Column("deep", "a.b"),
           Column("fn", lambda item: item.get("name") if isinstance(item, dict) else None),
           Column("upper", "name", fmt=lambda v: str(v).upper())]


@settings(max_examples=500, derandomize=True, deadline=None)
@given(st.dictionaries(st.sampled_from(["name", "enabled", "labels", "last_seen", "ttl", "a"]), values) | values)
def test_a_columns_reader_equals_its_cell(item):
    for column in COLUMNS:
        assert column.reader()(item) == column.cell(item), column


def test_a_copied_column_gets_its_own_reader():
    column = Column("seen", "last_seen")
    column.reader()
    copy = column.copy(path="other")
    assert copy.reader()({"other": "x", "last_seen": "y"}) == "x"
