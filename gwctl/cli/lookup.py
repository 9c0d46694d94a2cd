"""Name or ID: one lookup for every declared resource, in arguments and in references.

A ref is first checked as a path segment (empty, blank, `.`, `..` exit 2 before any
request; an ID with `/` exits 2). A resource without names, or a ref shaped like its IDs, is used as is.
Otherwise the collection is listed once (narrowed by the server's search filter when
it has one): an ID match wins, then exact names, then names ignoring case; several
matches exit 2 naming the candidates; no match leaves the ref as a literal ID, so
the server answers for it (404: exit 3).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from gwctl.errors import UsageError


class Lookup:
    """Resolves refs of one resource, listing its collection at most once."""

    def __init__(self, client: Any, res: Any, **values: Any) -> None:
        self.client = client
        self.res = res
        self.values = values  # path scope values (e.g. a parent's ID)
        self._items: list[dict[str, Any]] | None = None
        self.labels: dict[str, str] = {}  # id -> "id (name)" for messages

    def _listed(self, ref: str) -> list[dict[str, Any]]:
        if self._items is not None:
            return self._items
        params = {self.res.search_param: ref} if self.res.search_param else None
        items = [i for page in self.client.list_pages(self.res, params, None, **self.values) for i in page
                 if isinstance(i, dict)]
        if params is None:
            self._items = items  # a search narrowed to one ref is not the whole collection
        return items

    def resolve(self, ref: str) -> str:
        res = self.res
        check_ref(res, ref)
        ref_id = ref
        if res.name_fields and not (res.id_pattern and re.fullmatch(res.id_pattern, ref)):
            ref_id = self._match(ref)
        self.labels.setdefault(ref_id, ref_id)
        return ref_id

    def _match(self, ref: str) -> str:
        res = self.res
        items = self._listed(ref)
        for item in items:
            if str(item.get(res.id_field)) == ref:
                self.labels[ref] = res.label(item)
                return ref
        exact = [i for i in items if any(i.get(f) == ref for f in res.name_fields)]
        matches = exact or [i for i in items
                            if any(isinstance(i.get(f), str) and i[f].lower() == ref.lower() for f in res.name_fields)]
        if len(matches) > 1:
            candidates = ", ".join(res.label(m) for m in matches)
            raise UsageError(f"{res.singular} name {ref!r} is ambiguous: it matches {len(matches)} {res.noun.replace('-', ' ')}: "
                             f"{candidates}", hint=f"give the {res.singular} ID")
        if matches:
            found = str(matches[0].get(res.id_field))
            self.labels[found] = res.label(matches[0])
            return found
        return ref

    def resolve_many(self, refs: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(self.resolve(ref) for ref in refs))

    def label(self, item_id: str) -> str:
        return self.labels.get(item_id, item_id)


def check_ref(res: Any, ref: str) -> None:
    """The local check of an ID or name, before any request. A name may hold a '/'; an ID may not
    (resource_path checks the ID that comes out)."""
    from gwctl.api.base import check_segment

    check_segment(ref, f"{res.singular} ID or name" if res.name_fields else f"{res.singular} ID",
                  slash=bool(res.name_fields))
