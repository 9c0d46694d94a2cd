"""In-memory record stores: the CRUD mechanics every emulator shares.

A ``Store`` is a dict of records keyed by ID (seeds and tests index it directly).
What a vendor decides is passed in by the emulator, never decided here: the
404 a miss answers (``missing``), the ID format (``new_id``), which records a
caller may see (``where``), timestamps and envelopes (the emulator adds them).
"""

from __future__ import annotations

from typing import Any, Callable, NoReturn


class Store(dict):
    def __init__(self, missing: Callable[[Any], NoReturn], new_id: Callable[[], str] | None = None,
                 id_field: str = "id") -> None:
        super().__init__()
        self.missing = missing  # must raise (the emulator's abort)
        self.new_id = new_id
        self.id_field = id_field

    def find(self, key: Any, where: Callable[[dict], bool] | None = None) -> dict:
        """The record under ``key``; ``missing(key)`` when there is none or ``where`` rejects it."""
        if key not in self:
            self.missing(key)
        record = self[key]
        if where is not None and not where(record):
            self.missing(key)
        return record

    def create(self, *fields: dict, key: Any = None) -> dict:
        """Store ``{id_field: key, **fields...}`` under ``key`` (default: a new ID) and return it."""
        key = self.new_id() if key is None else key
        record = {self.id_field: key}
        for part in fields:
            record.update(part)
        self[key] = record
        return record

    def delete(self, key: Any, where: Callable[[dict], bool] | None = None) -> dict:
        """Remove and return the record under ``key`` (``missing`` as in find)."""
        record = self.find(key, where)
        del self[key]
        return record

    def select(self, **fields: Any) -> list[dict]:
        """The records whose fields equal ``fields``, in insertion order."""
        return [r for r in self.values() if all(r.get(k) == v for k, v in fields.items())]

    def taken(self, field: str, value: Any, other_than: Any = None) -> bool:
        """Whether a record other than ``other_than`` (a key) has ``field`` equal to ``value``."""
        return any(r.get(field) == value for k, r in self.items() if k != other_than)

    def purge(self, where: Callable[[dict], bool]) -> list:
        """Remove every record ``where`` accepts (cascading deletes); their keys."""
        keys = [k for k, r in self.items() if where(r)]
        for key in keys:
            del self[key]
        return keys

def apply_fields(record: dict, body: dict, *, replace: bool, keep: tuple[str, ...] = (),
                 preserve: tuple[str, ...] = (), null_deletes: bool = True) -> None:
    """Write a request body onto a stored record in place.

    ``replace`` (PUT) first drops every field except ``keep``, ``preserve`` and private
    ``_`` ones; otherwise the body merges in (PATCH). Body values for ``keep`` fields are
    ignored (read-only); with ``null_deletes`` a null value removes the field (JSON merge patch).
    """
    if replace:
        kept = {k: v for k, v in record.items() if k in keep or k in preserve or k.startswith("_")}
        record.clear()
        record.update(kept)
    for key, value in body.items():
        if key in keep:
            continue
        if value is None and null_deletes:
            record.pop(key, None)
        else:
            record[key] = value
