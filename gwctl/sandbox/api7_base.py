"""What both halves of the API7 emulator share: the seeded identities and plugin list, and the
vendor's record envelope and CRUD helpers (``Api7Base``).

api7.py (gateway resources) and api7_admin.py (identity, RBAC, admin resources) both
import from here, so the imports point one way: api7 -> api7_admin -> api7_base.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from werkzeug.wrappers import Request, Response

from .base import Emulator
from .store import Store, apply_fields

GG_DEFAULT = "86fb9981-d9d2-4555-9df8-91ae92129335"
USER_ADMIN = "u-0000-admin"
USER_OPS = "u-0001-ops"
ADMIN_USER, ADMIN_PASSWORD = "admin", "sandbox-admin-password"

PLUGINS = ("basic-auth", "key-auth", "jwt-auth", "hmac-auth", "cors", "limit-count", "limit-req", "proxy-rewrite",
           "prometheus", "http-logger", "syslog", "request-id", "ip-restriction", "response-rewrite")


def new_id() -> str:
    """API7's object IDs are UUIDs."""
    return str(uuid.uuid4())


def public(obj: dict) -> dict:
    """A stored record without its private (underscore) keys."""
    return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}


class Api7Base(Emulator):
    """API7's error body, {"value", "key", "warning_msg"} envelope, timestamps and CRUD steps."""

    def error(self, status: int, message: str) -> Response:
        return self.json({"error_msg": message}, status)

    def not_found(self, request: Request) -> Response:
        return self.error(404, "404 page not found")

    def now(self) -> int:
        # Strictly increasing so "updated_at desc" orders deterministically.
        self._tick += 1
        return int(self.clock()) + self._tick

    def store(self, noun: str) -> Store:
        """An empty store of UUID-keyed records whose misses answer 404 "<noun> not found"."""
        return self.records(f"{noun} not found", new_id)

    def body(self, request: Request) -> Any:
        return self.json_body(request, invalid="invalid request body: not valid JSON", empty={})

    def value(self, obj: Any, key: str = "") -> dict:
        return {"value": public(obj) if isinstance(obj, dict) else obj, "key": key, "warning_msg": ""}

    @staticmethod
    def apply(obj: dict, body: dict, replace: bool, keep: tuple[str, ...] = ("id", "created_at")) -> None:
        # A PUT keeps the object's gateway group; a null in the body removes the field.
        apply_fields(obj, body, replace=replace, keep=keep, preserve=("gateway_group_id",))

    # -- the CRUD steps every API7 resource takes ------------------------------------------

    def insert(self, store: Store, *fields: dict, key: str | None = None, location: str = "") -> dict:
        """Create a record stamped created_at = updated_at = now; answer it in the envelope, whose
        key is ``location``/ID when a location is given."""
        key = key or store.new_id()
        t = self.now()
        record = store.create(*fields, {"created_at": t, "updated_at": t}, key=key)
        return self.value(record, f"{location}/{key}" if location else "")

    def rewrite(self, obj: dict, body: dict, *, replace: bool, keep: tuple[str, ...] = ("id", "created_at"),
                key: str = "") -> dict:
        """PUT (``replace``) or PATCH ``body`` onto a stored object, stamp updated_at, answer it."""
        self.apply(obj, body, replace=replace, keep=keep)
        obj["updated_at"] = self.now()
        return self.value(obj, key)

    def remove(self, store: Store, key: Any) -> dict:
        """Delete a record (404 when missing); API7 answers an empty value."""
        store.delete(key)
        return self.value({})

    def unique(self, store: Store, field: str, value: Any, message: str, other_than: Any = None) -> None:
        """400 ``message`` when another record already has ``field`` = ``value``."""
        if store.taken(field, value, other_than):
            self.abort(400, message)
