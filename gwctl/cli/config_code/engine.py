"""The configuration-as-code engine: server state in document form, the plan, and applying it.

Everything product-specific comes from the declarations (gwctl.resources.config_code and the
resource of each kind) and from the product's hook module (``ConfigSpec.hooks``), whose
optional functions are:

- ``options() -> list[click.Parameter]`` and ``prepare(extra)``: scope flags of the commands;
- ``scope(client) -> dict``: the document's ``scope`` (gateway group, team, ...);
- ``list_objects(kind, res, client, state) -> list[(server object, path values)] | None``: how a
  kind's objects are read when listing the resource is not enough (None: the generic way);
- ``from_server(kind, obj, client) -> obj``: a server object adjusted before normalising;
- ``to_server(kind, body, current, client, state) -> body``: a document object made a request body;
- ``write(kind, action, item_id, body, values, client) -> result | NotImplemented``: a write of
  its own (e.g. a singleton's PUT).
"""

from __future__ import annotations

import copy
import importlib
import re
from typing import Any, Callable

from gwctl.cli.config_code.documents import Documents, Item, identity, label_of
from gwctl.errors import UsageError
from gwctl.resources import Resource
from gwctl.resources import resource as declared
from gwctl.resources.config_code import OWNER_LABEL, ConfigSpec, Kind

MASK = "***"
EMPTY = (None, "", [], {})


class Hooks:
    def __init__(self, spec: ConfigSpec) -> None:
        self.module = importlib.import_module(spec.hooks) if spec.hooks else None

    def get(self, name: str) -> Callable[..., Any] | None:
        return getattr(self.module, name, None) if self.module else None


# --- dotted paths ---------------------------------------------------------------------------

def resource(product: str, noun: str) -> Resource:
    """A kind's resource: the product's declaration of the noun, or the kind's own."""
    from gwctl.resources.config_code import config_spec

    kind = config_spec(product).kind(noun)
    return kind.res if kind is not None and kind.res is not None else declared(product, noun)


def get_path(obj: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def set_path(obj: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        obj = obj.setdefault(part, {})
    obj[parts[-1]] = value


def drop_path(obj: dict, dotted: str) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        obj = obj.get(part) if isinstance(obj, dict) else None
        if not isinstance(obj, dict):
            return
    if isinstance(obj, dict):
        obj.pop(parts[-1], None)


def placeholder(product: str, kind: Kind, ident: tuple[str, ...], path: str) -> str:
    """The documented variable name of a secret: PRODUCT_KIND_KEY_FIELD, upper case, `_` for the rest."""
    raw = "_".join([product, kind.noun, *ident, path])
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9]", "_", raw)).strip("_").upper()


# --- server state -----------------------------------------------------------------------------

class Current:
    """One object on the server: its ID, its path values, the raw object and its document form."""

    __slots__ = ("kind", "item_id", "values", "raw", "doc", "ident")

    def __init__(self, kind: Kind, item_id: Any, values: dict[str, Any], raw: dict, doc: dict,
                 ident: tuple[str, ...]) -> None:
        self.kind = kind
        self.item_id = item_id
        self.values = values
        self.raw = raw
        self.doc = doc
        self.ident = ident


class State:
    """What the server holds, kind by kind, with key <-> ID maps for references."""

    def __init__(self, spec: ConfigSpec, client: Any, hooks: Hooks) -> None:
        self.spec = spec
        self.client = client
        self.hooks = hooks
        self.objects: dict[str, dict[tuple[str, ...], Current]] = {}
        self.key_of: dict[str, dict[str, str]] = {}  # noun -> ID -> key
        self.id_of: dict[str, dict[str, str]] = {}  # noun -> key -> ID
        self.scope: dict[str, Any] = {}

    def read(self, nouns: tuple[str, ...]) -> None:
        scope = self.hooks.get("scope")
        self.scope = (scope(self.client) if scope
                      else {field: self.client.scope_value(name) for field, name in self.spec.scope.items()})
        needed = set(nouns)
        for kind in self.spec.kinds:  # referenced kinds are read too: references need their keys
            if kind.noun in needed:
                needed.update(noun for _f, noun in kind.refs.values())
        for kind in self.spec.kinds:
            if kind.noun in needed:
                self.read_kind(kind)

    def read_kind(self, kind: Kind) -> None:
        res = resource(self.spec.product, kind.noun)
        listed = self.hooks.get("list_objects")
        found = listed(kind, res, self.client, self) if listed else None
        if found is None:
            found = []
            if kind.parent:
                field, value_name = kind.parent
                parent_noun = kind.refs[field][1]
                for parent_id in list(self.id_of.get(parent_noun, {}).values()):
                    values = {value_name: parent_id}
                    found += [(o, values) for page in self.client.list_pages(res, None, None, **values) for o in page]
            else:
                found = [(o, {}) for page in self.client.list_pages(res, None, None) for o in page]
        objects = self.objects.setdefault(kind.noun, {})
        keys, ids = self.key_of.setdefault(kind.noun, {}), self.id_of.setdefault(kind.noun, {})
        adjust = self.hooks.get("from_server")
        for raw, values in found:
            if not isinstance(raw, dict):
                continue
            if adjust:
                raw = adjust(kind, raw, self.client)
            item_id = raw.get(res.id_field)
            doc = self.normalise(kind, res, raw, values)
            ident = identity(kind, doc)
            objects[ident] = Current(kind, item_id, values, raw, doc, ident)
            if item_id is not None:
                keys[str(item_id)] = ident[-1]
                ids.setdefault(ident[-1], str(item_id))

    def normalise(self, kind: Kind, res: Resource, raw: dict, values: dict[str, Any]) -> dict:
        """A server object in document form (secrets as the server returned them)."""
        if kind.fields is not None:
            doc = {f: copy.deepcopy(raw[f]) for f in kind.fields if f in raw}
        else:
            dropped = set(res.managed) | set(kind.ignore) | {res.id_field}
            dropped -= {server_field for server_field, _n in kind.refs.values()} - {res.id_field}
            doc = {k: copy.deepcopy(v) for k, v in raw.items() if k not in dropped}
        for field, (server_field, noun) in kind.refs.items():
            if kind.parent and field == kind.parent[0]:
                parent_id = values.get(kind.parent[1])
                doc[field] = self.key_of.get(noun, {}).get(str(parent_id), parent_id)
                continue
            value = doc.pop(server_field, None) if server_field != field else doc.get(field)
            keys = self.key_of.get(noun, {})
            if isinstance(value, list):
                doc[field] = [keys.get(str(v), v) for v in value]
            elif value not in (None, ""):
                doc[field] = keys.get(str(value), value)
        return clean(kind, doc)


def clean(kind: Kind, doc: dict) -> dict:
    """What both sides of a comparison drop: the ownership label, server defaults, empty values."""
    doc = copy.deepcopy(doc)
    if kind.labels:
        labels = get_path(doc, kind.labels)
        if isinstance(labels, dict) and labels.get(OWNER_LABEL[0]) == OWNER_LABEL[1]:
            labels.pop(OWNER_LABEL[0])
    for dotted, default in kind.defaults.items():
        if get_path(doc, dotted) == default:
            drop_path(doc, dotted)
    for dotted in [*kind.defaults, kind.labels or ""]:  # a mapping emptied above goes too
        parent = dotted.rpartition(".")[0]
        while parent:
            if get_path(doc, parent) == {}:
                drop_path(doc, parent)
            parent = parent.rpartition(".")[0]
    return {k: v for k, v in doc.items() if v not in EMPTY}


def secret_shown(kind: Kind, path: str, raw: dict) -> bool:
    """Whether the server holds a value of this secret (so a dump writes its placeholder)."""
    rule = kind.secrets[path]
    if rule is True:
        return True
    if isinstance(rule, str):
        return bool(raw.get(rule))
    return get_path(raw, path) not in EMPTY


def readable(kind: Kind, path: str) -> bool:
    """A secret the server returns can be compared; a write-only one cannot."""
    return kind.secrets.get(path) is None


def dumped(spec: ConfigSpec, current: Current) -> tuple[dict, list[tuple[str, str]]]:
    """The document form of a server object with placeholders for its secrets: (object, [(var, path)])."""
    from gwctl.cli.config_code.documents import escape

    doc = escape(current.doc)
    names = []
    for path in current.kind.secrets:
        drop_path(doc, path)
        if secret_shown(current.kind, path, current.raw):
            var = placeholder(spec.product, current.kind, current.ident, path)
            set_path(doc, path, "${" + var + "}")
            names.append((var, path))
    return doc, names


# --- the plan --------------------------------------------------------------------------------------

class Change:
    __slots__ = ("action", "kind", "ident", "item", "current", "fields", "note")

    def __init__(self, action: str, kind: Kind, ident: tuple[str, ...], item: Item | None = None,
                 current: Current | None = None, fields: list[tuple[str, Any, Any]] | None = None,
                 note: str = "") -> None:
        self.action = action  # create | update | delete | skip
        self.kind = kind
        self.ident = ident
        self.item = item
        self.current = current
        self.fields = fields or []
        self.note = note

    @property
    def label(self) -> str:
        return label_of(self.kind, self.ident)

    def public(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action, "kind": self.kind.noun, "key": self.label}
        if self.fields:
            out["changes"] = [{"field": f, "old": old, "new": new} for f, old, new in self.fields]
        if self.note:
            out["note"] = self.note
        return out


class Plan:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.unchanged = 0

    @property
    def drift(self) -> bool:
        return bool(self.changes)

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)


def desired(kind: Kind, item: Item) -> dict:
    return clean(kind, item.body)


def comparable(kind: Kind, doc: dict) -> dict:
    """A document object without the secrets the server never returns (they cannot be compared)."""
    doc = copy.deepcopy(doc)
    for path in kind.secrets:
        if not readable(kind, path):
            drop_path(doc, path)
    return doc


def differences(old: Any, new: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """Changed leaves as (dotted field, old, new); lists compare whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in new:
                out.append((path, old[key], None))
            elif key not in old:
                out.append((path, None, new[key]))
            else:
                out.extend(differences(old[key], new[key], path))
        return out
    return [] if old == new else [(prefix, old, new)]


def mask(kind: Kind, fields: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    out = []
    for field, old, new in fields:
        secret = any(field == p or field.startswith(p + ".") or p.startswith(field + ".") for p in kind.secrets)
        if secret:
            old = None if old is None else MASK
            new = None if new is None else MASK
        out.append((field, old, new))
    return out


def _defaulted(kind: Kind, field: tuple[str, Any, Any]) -> tuple[str, Any, Any]:
    """A side left out because it equals the server's default shows that default."""
    path, old, new = field
    if path in kind.defaults:
        old = kind.defaults[path] if old is None else old
        new = kind.defaults[path] if new is None else new
    return path, old, new


def _within(field: str, paths: Any) -> bool:
    return any(field == p or field.startswith(p + ".") for p in paths)


def updatable(kind: Kind) -> bool:
    verbs = resource(kind.product, kind.noun).verbs
    return bool(kind.update) or "update" in verbs or "patch" in verbs


def owned(kind: Kind, current: Current, selector: dict[str, str], named: tuple[str, ...]) -> bool:
    """Whether --prune may delete an object absent from the documents."""
    if not kind.labels:
        return kind.noun in named
    labels = get_path(current.raw, kind.labels) or {}
    if not isinstance(labels, dict):
        return False
    if labels.get(OWNER_LABEL[0]) == OWNER_LABEL[1]:
        return True
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def plan(docs: Documents, state: State, nouns: tuple[str, ...], prune: bool = False,
         selector: dict[str, str] | None = None, named: tuple[str, ...] = ()) -> Plan:
    result = Plan()
    for kind in docs.spec.kinds:
        if kind.noun not in nouns:
            continue
        current = state.objects.get(kind.noun, {})
        wanted = set()
        for item in docs.items[kind.noun]:
            want = desired(kind, item)
            ident = identity(kind, want)
            wanted.add(ident)
            have = current.get(ident)
            if have is None:
                if kind.create is not True:
                    result.changes.append(Change("skip", kind, ident, item, note=str(kind.create)))
                else:
                    result.changes.append(Change("create", kind, ident, item))
                continue
            fields = differences(comparable(kind, have.doc), comparable(kind, want))
            fields = [_defaulted(kind, f) for f in fields if f[0] not in kind.read_only]
            fixed = [f for f in fields if _within(f[0], kind.create_only)]
            fields = [f for f in fields if f not in fixed]
            if fields and not updatable(kind):
                result.changes.append(Change("skip", kind, ident, item, have, mask(kind, fields + fixed),
                                             note="cannot be changed; delete it to have apply create it anew"))
                continue
            if fields:
                result.changes.append(Change("update", kind, ident, item, have, mask(kind, fields)))
            if fixed:
                hows = dict.fromkeys(kind.create_only[p] for f, _o, _n in fixed for p in kind.create_only
                                     if _within(f, {p: ""}))
                result.changes.append(Change("skip", kind, ident, item, have, mask(kind, fixed),
                                             note="set only on create; " + "; ".join(hows)))
            if not fields and not fixed:
                result.unchanged += 1
        if prune and kind.delete and not kind.singleton and (kind.noun in docs.listed or kind.noun in named):
            for ident, have in sorted(current.items()):
                if ident not in wanted and owned(kind, have, selector or {}, named):
                    result.changes.append(Change("delete", kind, ident, current=have))
    return result


# --- applying ------------------------------------------------------------------------------------

class Applier:
    """Writes a plan in dependency order with bounded concurrency, one report line per object."""

    def __init__(self, spec: ConfigSpec, state: State, hooks: Hooks, concurrency: int,
                 secrets_out: Any = None, report: Callable[[str], None] = print) -> None:
        self.spec = spec
        self.state = state
        self.client = state.client
        self.hooks = hooks
        self.concurrency = concurrency
        self.secrets_out = secrets_out
        self.report = report
        self.results: list[dict[str, Any]] = []

    def run(self, the_plan: Plan) -> list[dict[str, Any]]:
        import click

        ctx = click.get_current_context(silent=True)
        order = [k.noun for k in self.spec.kinds]
        writes = [c for c in the_plan.changes if c.action in ("create", "update")]
        deletes = [c for c in the_plan.changes if c.action == "delete"]
        for change in [c for c in the_plan.changes if c.action == "skip"]:
            self.report(f"skipped {_singular(change.kind)} {change.label}: "
                        f"{change.note}")
        phases = [[c for c in writes if c.kind.noun == noun] for noun in order]
        phases += [[c for c in deletes if c.kind.noun == noun] for noun in reversed(order)]
        for phase in phases:
            if phase:
                self._phase(phase, ctx)
        return self.results

    def _phase(self, changes: list[Change], ctx: Any) -> None:
        from concurrent.futures import ThreadPoolExecutor

        from gwctl.errors import GwctlError, exit_code_for

        def attempt(change: Change) -> dict[str, Any]:
            def go() -> dict[str, Any]:
                try:
                    self._one(change)
                    return {"action": change.action, "kind": change.kind.noun, "key": change.label, "ok": True,
                            "error": None, "exit_code": None}
                except GwctlError as exc:
                    return {"action": change.action, "kind": change.kind.noun, "key": change.label, "ok": False,
                            "error": exc.message, "exit_code": exit_code_for(exc), "exception": exc}
            if ctx is None:
                return go()
            with ctx.scope(cleanup=False):
                return go()

        with ThreadPoolExecutor(max_workers=max(1, min(self.concurrency, len(changes)))) as pool:
            for result in pool.map(attempt, changes):
                verb = {"create": "created", "update": "updated", "delete": "deleted"}[result["action"]]
                noun = _singular(next(c.kind for c in changes if c.kind.noun == result["kind"]))
                what = f"{noun} {result['key']}".rstrip()
                if result["ok"]:
                    self.report(f"{verb} {what}")
                else:
                    self.report(f"failed: {result['action']} {what}: {result['error']}")
                self.results.append(result)

    def _one(self, change: Change) -> None:
        kind = change.kind
        res = resource(self.spec.product, kind.noun)
        if change.action == "delete":
            current = change.current
            assert current is not None
            write = self.hooks.get("write")
            if write and write(kind, "delete", current.item_id, None, current.values, self.client) is not NotImplemented:
                return
            self.client.delete_item(res, current.item_id, **current.values)
            return
        assert change.item is not None
        body, values = self.body(kind, res, change)
        model = write_model(kind, res, change.action)
        if model is not None:
            from gwctl.cli.input import validate_body

            body = validate_body(model, body, f"{kind.noun} {change.label}")
        write = self.hooks.get("write")
        item_id = change.current.item_id if change.current else None
        result = write(kind, change.action, item_id, body, values, self.client) if write else NotImplemented
        if result is NotImplemented:
            if change.action == "create":
                result = self.client.create_item(res, body, **values)
            else:
                style = kind.update or res.update
                if style in ("put", "put-merge"):
                    result = self.client.replace_item(res, item_id, body, **values)
                else:
                    result = self.client.patch_item(res, item_id, body, **values)
        if change.action == "create":
            new_id = result.get(res.id_field) if isinstance(result, dict) else None
            if new_id is not None:
                self.state.id_of.setdefault(kind.noun, {})[change.ident[-1]] = str(new_id)
                self.state.key_of.setdefault(kind.noun, {})[str(new_id)] = change.ident[-1]
            if kind.mints:
                self._keep_secret(kind, change, result)

    def _keep_secret(self, kind: Kind, change: Change, result: Any) -> None:
        from pathlib import Path

        from gwctl.cli.secret_output import write_secret_file

        secret = get_path(result, kind.mints) if isinstance(result, dict) else None
        if not secret:
            return
        redactor = getattr(getattr(self.client, "http", None), "redactor", None)
        if redactor is not None:
            redactor.add(str(secret))
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{self.spec.product}-{kind.noun}-{change.label}") + ".secret"
        target = Path(self.secrets_out) / name
        write_secret_file(target, str(secret))
        self.report(f"wrote the {_singular(kind)} secret of {change.label} to {target} (mode 0600)")

    def body(self, kind: Kind, res: Resource, change: Change) -> tuple[dict, dict]:
        return request_body(self.spec, kind, res, change.item.body if change.item else {}, self.state,
                            change.current, self.hooks, change.action)


def request_body(spec: ConfigSpec, kind: Kind, res: Resource, doc: dict, state: State | None,
                 current: Current | None, hooks: Hooks, action: str) -> tuple[dict, dict]:
    """A document object as a request body (references as IDs, the ownership label set) and its
    path values. Without a state (validate), references become a stand-in ID."""
    body = copy.deepcopy(clean(kind, doc))
    values: dict[str, Any] = {}
    for field in kind.read_only:
        body.pop(field, None)
    if action == "update":  # a create-only field differs only in a reported skip, never in a write
        for field in kind.create_only:
            drop_path(body, field)
    for field, (server_field, noun) in kind.refs.items():
        value = body.pop(field, None)
        if value in EMPTY:
            continue
        ids = state.id_of.get(noun, {}) if state else {}

        def one(ref: Any) -> str:
            if state is None:
                return "ref-" + re.sub(r"[^A-Za-z0-9-]", "-", str(ref))
            if str(ref) not in ids:
                raise UsageError(f"{noun.replace('-', ' ')} {ref!r} does not exist on the server")
            return ids[str(ref)]
        if kind.parent and field == kind.parent[0]:
            values[kind.parent[1]] = one(value)
            continue
        body[server_field] = [one(v) for v in value] if isinstance(value, list) else one(value)
    if current is not None and current.values:
        values = {**current.values, **values}
    if kind.labels:
        labels = dict(get_path(body, kind.labels) or {})
        labels[OWNER_LABEL[0]] = OWNER_LABEL[1]
        set_path(body, kind.labels, labels)
    adjust = hooks.get("to_server")
    if adjust:
        body = adjust(kind, body, current, state)
    style = kind.update or res.update
    if action == "update" and current is not None:
        if style == "put-merge":
            base = {k: v for k, v in current.raw.items() if k not in res.managed and v is not None
                    and (kind.fields is None or k in kind.fields)}
            body = {**base, **body}
        elif style in ("patch", "put-partial"):
            old = comparable(kind, current.doc)
            for dotted, default in kind.defaults.items():  # back to the default: sent, since absent means unchanged
                if get_path(old, dotted) is not None and get_path(body, dotted) is None and \
                        not _within(dotted, kind.create_only):
                    set_path(body, dotted, default)
            body = {k: v for k, v in body.items()
                    if k not in old or old.get(k) != v or (kind.labels and k == kind.labels.split(".")[0])}
    return body, values


def write_model(kind: Kind, res: Resource, action: str) -> Any:
    """The write model a request body passes before it is sent (it may add the API's required constants)."""
    if action == "create":
        return res.model("create")
    style = kind.update or res.update
    if style in ("patch", "json-patch"):
        return res.model("patch")
    return res.model("update") or (res.model("create") if style != "put-partial" else None)


def validate_models(docs: Documents, hooks: Hooks) -> None:
    """Every object against its resource's write model (create, else update); exit 2 naming file, object, field."""
    from gwctl.cli.input import validate_body

    for item in docs.all():
        kind = item.kind
        res = resource(docs.spec.product, kind.noun)
        verb = "create" if kind.create is True and "create" in res.models else "update"
        model = res.model(verb)
        if model is None:
            continue
        body, _values = request_body(docs.spec, kind, res, item.body, None, None, hooks, "validate")
        name = "" if kind.singleton else f" ({label_of(kind, identity(kind, item.body))})"
        validate_body(model, body, f"{item.where}{name}")


def _singular(kind: Kind) -> str:
    return resource(kind.product, kind.noun).singular
