"""Configuration as code: which resources of a product take part in its documents, as plain data.

A product's resources module holds ``CONFIG``, a ``ConfigSpec`` listing its ``Kind``s in
dependency order (parents and referenced kinds first). Everything else a kind needs (path,
ID field, server-managed and secret fields, update style, write model) comes from the
resource declaration of the same noun. The engine is ``gwctl.cli.config_code``.

Imports nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import Any

VERSION = "config/v1"
OWNER_LABEL = ("managed-by", "gwctl")  # set by apply where a kind has labels; never dumped


class Kind:
    """One kind of object in a document (a list named like the CLI noun).

    key: the document field that identifies an object (a list or mapping value is keyed by
    its sorted items, e.g. an SSL's SNIs or a global rule's plugins). identity: extra fields
    that, with the key, identify it (a route's service). refs: document field -> (server
    field, referenced noun); in documents a reference holds the referenced object's key.
    parent: (document field, path value): the object lives under the referenced parent's
    path (a destination under its gateway). fields: the server fields that are dumped (None:
    all but the managed ones and ``ignore``). defaults: server defaults (dotted paths), left
    out of dumps and comparisons. secrets: dotted path -> when a placeholder is dumped
    (True: always, since the server never returns it; None: when the server returns a value;
    a field name: when that server field is true). labels: dotted path of the labels mapping
    (ownership). create: False, or the reason, when objects cannot be created (only
    updated). mints: the field of a create answer holding a new secret (written under
    --secrets-out; apply needs --secrets-out for any document listing such objects).
    create_only: dotted field -> how else it changes; set on create, compared, never updated (a
    difference is reported, not applied). dumped: False when a dump leaves the kind out unless
    --kinds names it (objects outside the document's scope, such as organization-wide tokens).
    """

    def __init__(self, noun: str, key: str, *, identity: tuple[str, ...] = (),
                 refs: dict[str, tuple[str, str]] | None = None, parent: tuple[str, str] | None = None,
                 fields: tuple[str, ...] | None = None, ignore: tuple[str, ...] = (),
                 defaults: dict[str, Any] | None = None, secrets: dict[str, Any] | None = None,
                 labels: str | None = None, create: bool | str = True, delete: bool = True,
                 mints: str | None = None, singleton: bool = False, update: str | None = None,
                 read_only: tuple[str, ...] = (), create_only: dict[str, str] | None = None,
                 dumped: bool = True, res: Any = None) -> None:
        self.product = ""  # set by the ConfigSpec that lists it
        self.noun = noun
        self.key = key
        self.identity = identity
        self.refs = refs or {}
        self.parent = parent
        self.fields = fields
        self.ignore = ignore
        self.defaults = defaults or {}
        self.secrets = secrets or {}
        self.labels = labels
        self.create = create
        self.delete = delete
        self.mints = mints
        self.singleton = singleton
        self.update = update  # overrides the resource's update style for apply
        self.read_only = read_only  # dumped, compared, never sent (e.g. a namespace's parent)
        self.create_only = create_only or {}
        self.dumped = dumped
        self.res = res  # the Resource, when it is not one of the product's CLI nouns (a singleton's)

    def __repr__(self) -> str:
        return f"Kind({self.noun})"


class ConfigSpec:
    """A product's configuration-as-code declaration.

    scope: document scope field -> profile option it is taken from (gateway group, team...).
    hooks: "module" of hook functions the engine calls (see gwctl.cli.config_code.engine).
    example_kinds: the --kinds of the help's examples (kinds whose dump needs no ${VARIABLE}, so the
    examples run as printed); "" for every kind a dump writes.
    """

    def __init__(self, product: str, kinds: tuple[Kind, ...], *, scope: dict[str, str], hooks: str | None = None,
                 example_kinds: str = "") -> None:
        self.product = product
        self.kinds = kinds
        for kind in kinds:
            kind.product = product
        self.scope = scope
        self.hooks = hooks
        self.example_kinds = example_kinds

    def kind(self, noun: str) -> Kind | None:
        return next((k for k in self.kinds if k.noun == noun), None)

    @property
    def nouns(self) -> tuple[str, ...]:
        return tuple(k.noun for k in self.kinds)


def config_spec(product: str) -> ConfigSpec:
    return importlib.import_module(f"gwctl.resources.{product}").CONFIG
