"""The resource model: every product's resources declared once, as plain data.

A product's module here (``gwctl.resources.<product>``) lists its ``RESOURCES``. From
them come the generic verbs (``gwctl.cli.verbs``), name-or-ID lookup, references by
name, the generic client calls (``gwctl.api.crud``) and the ``operations`` catalogue
rows. A product adds hand-written verbs only for what is really its own.

Imports nothing heavy: leaf help and completion load these tables.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

# Plain classes, not dataclasses: these modules are on the path of every leaf's help.

VERBS = ("list", "get", "create", "update", "patch", "delete")


class Field:
    """A body field that create/update/patch accept as a flag (and from --from-file).

    kind: str | int | bool | list (repeatable) | labels (KEY=VALUE, repeatable) |
    json (a JSON/YAML value) | plugins (NAME[=JSON], repeatable, API7) | ref (a name or
    ID of ``ref``, resolved to the ID; with ``many`` repeatable).

    A bool's flag may name both switches (``--strip-path-prefix/--keep-path-prefix``);
    otherwise the off switch is ``--no-<flag>``. ``merge``: on update, a mapping given by
    the flag is merged into the current value instead of replacing it.
    """

    __slots__ = ("key", "flag", "help", "kind", "ref", "many", "required", "choices", "metavar", "short",
                 "on", "transform", "argument", "merge", "default", "aliases")

    def __init__(self, key: str, flag: str, help: str, kind: str = "str", *, ref: str | None = None,
                 many: bool = False, required: bool = False, choices: tuple = (), metavar: str | None = None,
                 short: str | None = None, on: tuple = ("create", "update", "patch"),
                 transform: Callable[[Any], Any] | None = None, argument: bool = False,
                 merge: bool = False, default: Any = None, aliases: tuple[str, ...] = ()) -> None:
        self.key = key  # dotted body path, e.g. "details.labels"
        self.flag = flag
        self.help = help
        self.kind = kind
        self.ref = ref  # noun of the referenced resource (same product)
        self.many = many or kind in ("list", "labels", "plugins")
        self.required = required  # on create
        self.choices = choices
        self.metavar = metavar
        self.short = short
        self.on = on  # which verbs take it
        self.transform = transform  # applied to the parsed value before it goes into the body
        self.argument = argument  # create takes it as the first positional argument instead of a flag
        self.merge = merge  # update merges a mapping into the current one (e.g. plugins keep credentials)
        self.default = default  # create: the value when neither the flag nor --from-file sets it
        self.aliases = aliases  # older spellings, accepted but hidden (one spelling per meaning is shown)

    @property
    def param(self) -> str:
        return self.flag.split("/")[0].lstrip("-").replace("-", "_")


class Filter:
    """A list filter: a flag sent as query parameter ``param`` (or applied by a hook)."""

    __slots__ = ("param", "flag", "help", "kind", "choices", "metavar", "short", "ref")

    def __init__(self, param: str, flag: str, help: str, kind: str = "str", *, choices: tuple = (),
                 metavar: str | None = None, short: str | None = None, ref: str | None = None) -> None:
        self.param = param
        self.flag = flag
        self.help = help
        self.kind = kind  # str | int | bool | labels (labels[KEY]=VALUE) | list
        self.choices = choices
        self.metavar = metavar
        self.short = short
        self.ref = ref  # a name or ID of this resource noun, resolved to the ID

    @property
    def dest(self) -> str:
        return "filter_" + self.flag.split("/")[0].lstrip("-").replace("-", "_")


class Resource:
    """One resource of one product: API facts, then presentation."""

    def __init__(
        self,
        product: str,
        noun: str,
        singular: str,
        path: str,
        *,
        item_path: str | None = None,
        variants: dict[str, str] | None = None,
        id_field: str = "id",
        id_pattern: str | None = None,
        name_fields: tuple[str, ...] = ("name",),
        search_param: str | None = None,
        paging: str = "none",
        envelope: str | None = None,
        verbs: tuple[str, ...] = VERBS,
        update: str = "put",
        patch_body: str = "merge",
        models: dict[str, str] | None = None,
        managed: tuple[str, ...] = ("id", "created_at", "updated_at"),
        secrets: tuple[str, ...] = (),
        refs: dict[str, str] | None = None,
        parent: str | None = None,
        scope: tuple[str, ...] = (),
        help: str = "",
        columns: tuple = (),
        fields: tuple[Field, ...] = (),
        filters: tuple[Filter, ...] = (),
        examples: dict[str, str] | None = None,
        example_ref: str | None = None,
        default_ref: str | None = None,
        detail_all: bool = False,
        example_args: str = "",
        summaries: dict[str, str] | None = None,
        hooks: str | None = None,
        extra: str | None = None,
        own_verbs: tuple[str, ...] = (),
        create_status: tuple[int, ...] = (),
        versions: dict[str, dict[str, str]] | None = None,
    ) -> None:
        # --- API facts
        self.product = product
        self.noun = noun  # CLI noun: plural kebab-case
        self.singular = singular  # in messages: "route", "setup token"
        self.path = path  # collection path; {placeholders} are scope values (org, team, gateway_group...)
        self.item_path = item_path or path + "/{id}"
        self.variants = variants or {}  # release that moved the collection -> its path from then on
        self.id_field = id_field
        self.id_pattern = id_pattern  # a ref that matches is an ID: no lookup
        self.name_fields = name_fields  # () when the resource has no name to look up
        self.search_param = search_param  # server-side filter that narrows a lookup by name
        self.paging = paging  # none | page (page/page_size) | offset (offset/limit) | link (RFC 5988) | product
        self.envelope = envelope  # key of the item list in a list answer, None for a bare array
        self.verbs = verbs
        self.patch_body = patch_body  # what PATCH takes: merge (the fields to change) | json-patch (RFC 6902 operations)
        self.update = update  # put (full replace) | put-merge (PUT of current+changes) | put-partial (PUT of the changes only) | patch | json-patch
        self.models = models or {}  # verb -> "module:Class" write model, imported only when used
        self.managed = managed  # fields the server sets: never sent, ignored in diffs
        self.secrets = secrets  # fields holding secrets: masked in output and dumps
        self.refs = refs or {}  # body field -> referenced noun (route.service_id -> services)
        self.parent = parent  # noun of the parent resource, if any
        self.scope = scope  # which profile scopes the path needs (documentation and config-as-code)
        self.detail_all = detail_all  # one item (get, create, update) shows every column, not only the list's
        self.default_ref = default_ref  # profile scope whose value get/update/patch use when no ID is given
        self.create_status = create_status
        # verb (or "*") -> {"since", "until", "source"}: the server versions that have the operation
        self.versions = versions or {}
        # --- presentation
        self.help = help
        self.columns = columns
        self.fields = fields
        self.filters = filters
        # list/get/delete examples follow one pattern: given the sandbox placeholder of an item
        # (example_ref) and any scope flags (example_args), they need not be written out.
        self.examples = dict(examples or {})
        self.example_ref, self.example_args = example_ref, example_args
        if example_ref is not None:
            base, args = f"{product} {noun}", example_args and " " + example_args
            defaults = {"list": f"{base} list{args}", "get": f"{base} get {example_ref}{args}",
                        "delete": f"{base} delete {example_ref}{args} --yes"}
            for verb, example in defaults.items():
                if verb in verbs:
                    self.examples.setdefault(verb, example)
        self.summaries = summaries or {}
        self.hooks = hooks  # "module" with optional hook functions (see gwctl.cli.verbs.Hooks)
        self.extra = extra  # "module:app": product verbs added to this resource's group
        self.own_verbs = own_verbs  # generic verbs the product's own commands (in extra) replace

    def __repr__(self) -> str:
        return f"Resource({self.product}:{self.noun})"

    def versions_of(self, verb: str) -> dict[str, str]:
        return dict(self.versions.get(verb) or self.versions.get("*") or {})

    @property
    def item_columns(self) -> tuple:
        """The columns of one item's view."""
        if not self.detail_all:
            return self.columns
        from gwctl.columns import Column

        return tuple(Column(c.name, c.path, header=c.header, fmt=c.fmt) for c in self.columns)

    @property
    def title(self) -> str:
        return self.singular[:1].upper() + self.singular[1:]

    def model(self, verb: str) -> Any:
        """The write model class for ``verb`` (create/update/patch), or None."""
        target = self.models.get(verb)
        if not target:
            return None
        module, _, attr = target.partition(":")
        return getattr(importlib.import_module(module), attr)

    def label(self, item: Any, item_id: str | None = None) -> str:
        """How messages name one object: `ID (name)`, or the ID alone."""
        item_id = item_id if item_id is not None else (item.get(self.id_field) if isinstance(item, dict) else None)
        name = next((item.get(f) for f in self.name_fields if isinstance(item, dict) and item.get(f)), None)
        if name and str(name) != str(item_id):
            return f"{item_id} ({name})" if item_id not in (None, "") else str(name)
        return str(item_id)


def resources(product: str) -> dict[str, Resource]:
    """noun -> Resource for a product (its ``gwctl.resources.<product>`` module)."""
    module = importlib.import_module(f"gwctl.resources.{product}")
    return {r.noun: r for r in module.RESOURCES}


def resource(product: str, noun: str) -> Resource:
    return resources(product)[noun]
