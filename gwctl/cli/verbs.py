"""Generic verbs: list/get/create/update/patch/delete of any declared resource.

`resource_group(product, noun)` builds a resource's command group from its declaration
(gwctl.resources.<product>) and adds the product's own verbs (``Resource.extra``).
A product's quirks are hook functions in the module named by ``Resource.hooks``:

- ``options(res, verb) -> list[click.Parameter]``: extra parameters (scope flags, e.g. --gateway-group);
- ``prepare(res, verb, extra) -> dict``: runs first, before any request; returns path scope values;
- ``list_params(res, params, extra, client) -> dict``: query parameters of a list;
- ``check(res, verb, given, file_body) -> dict | None``: create/update/patch, before validation and any
  request, with the flags' fields (dotted key -> value) and the --from-file object (None without one):
  may refuse them (e.g. check the flags of an update before the current object is read) or return the
  flags' fields adjusted (e.g. shortcut flags that build one field);
- ``body(res, verb, body, extra, client) -> dict``: the body after validation, before sending;
- ``shown(res) -> function | None``: what is printed of an item of ``res`` (e.g. without its secret),
  as one function asked once per command; None: items print as they are;
- ``finish(res, verb)``: after output (e.g. server warnings);
- ``result(res, verb, item, extra, client) -> bool``: after a create/update/patch succeeded, before
  its output: may act on the answer (keep a returned secret, write it to --out) and print it itself
  (True: the generic output is skipped);
- ``delete_all(res, ids, extra, client, values) -> bool``: after the confirmation, may delete all the
  IDs itself (e.g. in one bulk request) and report them (True: no per-item deletes).

Update styles besides ``Resource.update`` put/put-merge/patch/json-patch: ``put-partial`` (a PUT
that carries only the fields to change, like a PATCH) goes the patch way with the update model.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

import click

from gwctl.resources import Field, Filter, Resource, resource

DEFAULT_LIMIT = 50
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
MAX_CONCURRENCY = 32


class Hooks:
    def __init__(self, res: Resource) -> None:
        self.module = importlib.import_module(res.hooks) if res.hooks else None

    def get(self, name: str) -> Callable[..., Any] | None:
        return getattr(self.module, name, None) if self.module else None


# --- building the click commands ---------------------------------------------------------------

def _field_option(field: Field, verb: str) -> click.Parameter:
    decls = [field.flag] + ([field.short] if field.short else [])
    help_ = field.help
    if field.kind == "bool":
        name = field.flag.lstrip("-")
        switches = field.flag if "/" in field.flag else f"--{name}/--no-{name}"
        return click.Option([switches, field.param], default=None, help=help_)
    if field.kind == "ref":
        metavar = field.metavar or "NAME|ID"
    else:
        metavar = field.metavar or {"labels": "KEY=VALUE", "json": "JSON", "plugins": "NAME[=JSON]",
                                    "int": "N"}.get(field.kind, "TEXT")
    from gwctl.cli.global_options import INT64

    type_: Any = click.Choice(field.choices) if field.choices else (INT64 if field.kind == "int" else str)
    if field.argument and verb == "create":
        return click.Argument([field.param], required=False, type=type_,
                              metavar=field.metavar or field.param.upper())
    if verb == "create" and field.required:
        help_ = help_.rstrip(".") + " (required)."
    if field.many:
        help_ = help_.rstrip(".") + " (repeatable)."
    return click.Option(decls + [field.param], type=type_, multiple=field.many, metavar=metavar, help=help_)


def _field_options(field: Field, verb: str) -> list[click.Parameter]:
    """A field's option, then its hidden older spellings (same destination: the one given wins)."""
    main = _field_option(field, verb)
    if not field.aliases or isinstance(main, click.Argument):
        return [main]
    return [main, *(click.Option([alias, field.param], type=main.type, multiple=field.many, hidden=True)
                    for alias in field.aliases)]


def _filter_option(filt: Filter) -> click.Parameter:
    decls = [filt.flag] + ([filt.short] if filt.short else [])
    if filt.kind == "bool":
        name = filt.flag.lstrip("-")
        switches = filt.flag if "/" in filt.flag else f"--{name}/--no-{name}"
        return click.Option([switches, filt.dest], default=None, help=filt.help)
    many = filt.kind in ("labels", "list")
    metavar = filt.metavar or ("KEY=VALUE" if filt.kind == "labels" else "TEXT")
    from gwctl.cli.global_options import INT64

    type_: Any = click.Choice(filt.choices) if filt.choices else (INT64 if filt.kind == "int" else str)
    return click.Option(decls + [filt.dest], type=type_, multiple=many, metavar=metavar,
                        help=filt.help.rstrip(".") + " (repeatable)." if many else filt.help)


def _ref_argument(res: Resource, name: str = "ref", many: bool = False) -> click.Argument:
    from gwctl.cli.completion_values import resource_refs

    metavar = f"{res.singular.upper().replace(' ', '_')}_ID"
    if res.name_fields:
        metavar = "ID|NAME"
    complete = resource_refs(res.product, res.noun)  # IDs and names from the profile's server (cached)
    check = _ref_check(res)
    if many:
        return click.Argument([name], nargs=-1, required=True, metavar=f"{metavar}...", shell_complete=complete,
                              callback=check)
    if res.default_ref:
        return click.Argument([name], required=False, metavar=f"[{metavar}]", shell_complete=complete,
                              callback=check)
    return click.Argument([name], metavar=metavar, shell_complete=complete, callback=check)


def _ref_check(res: Resource) -> Callable[..., Any]:
    """Check refs as they are parsed (empty, blank, '.', '..', control characters), so a hook that
    asks the server something first (a gateway group by name) never runs for a bad one."""
    what = f"{res.singular} ID or name" if res.name_fields else f"{res.singular} ID"

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None or ctx.resilient_parsing:
            return value
        from gwctl.api.base import check_segment

        for ref in (value if isinstance(value, (tuple, list)) else (value,)):
            if ref != "-" or not isinstance(value, (tuple, list)):
                check_segment(ref, what, slash=bool(res.name_fields))
        return value

    return callback


def _target(res: Resource, client: Any, values: dict[str, Any], ref: str | None) -> str:
    """The ID the item verbs act on: the ref's, or the profile's default (e.g. its cluster)."""
    from gwctl.cli.lookup import Lookup

    if ref is None and res.default_ref:
        return client.scope_value(res.default_ref)
    return Lookup(client, res, **values).resolve(ref)


def _a(singular: str, capital: bool = False) -> str:
    """"a user", "an API product", "an alert policy" ("An ..." with ``capital``)."""
    article = "an" if singular[:1].lower() in "aeio" else "a"
    return f"{article.capitalize() if capital else article} {singular}"


def verb_summary(res: Resource, verb: str) -> str:
    plural = res.noun.replace("-", " ")
    if res.singular.split()[0].isupper():  # "API product": the plural keeps the capitals
        plural = res.singular + "s"
    one = _a(res.singular)
    default = {
        "list": f"List {plural}",
        "get": f"Show {one}",
        "create": f"Create {one}",
        "update": {"put": f"Replace {one}; flags alone change those fields of the current one",
                   "put-merge": f"Update {one}: the fields given change, the others are kept",
                   }.get(res.update, f"Change fields of {one}"),
        "patch": f"Change fields of {one}",
        "delete": f"Delete {plural}; several IDs or names, or - to read them from stdin",
    }[verb]
    return res.summaries.get(verb, default)


def _help(res: Resource, verb: str, method: str, path: str) -> str:
    text = f"{verb_summary(res, verb)} ({method} {path})."
    if verb in ("get", "update", "patch", "delete") and res.name_fields:
        text += f"\n\n{_a(res.singular, capital=True)} is named by its ID or its {' or '.join(res.name_fields)}."
    if verb in ("get", "update", "patch") and res.default_ref:
        text += f" Without one, the profile's {res.default_ref.replace('_', ' ')} (or --{res.default_ref})."
    if res.versions:
        from gwctl.cli.versions import needs_note

        note = needs_note(res.versions_of(verb))
        if note:
            text += f"\n\n{note}"
    example = res.examples.get(verb)
    if example:
        import re

        # Catalogue examples hold {placeholders} the tests fill in; help shows them as NAMES
        # (gwctl.cli.help prints the Examples section verbatim).
        text += "\n\nExamples:\n  gwctl " + re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), example)
    return text


def verb_call(res: Resource, verb: str) -> tuple[str, str]:
    """(method, path template) a generic verb sends."""
    if verb == "list":
        return "GET", res.path
    if verb == "create":
        return "POST", res.path
    method = {"get": "GET", "delete": "DELETE", "patch": "PATCH"}.get(verb)
    if verb == "update":
        method = "PATCH" if res.update in ("patch", "json-patch") else "PUT"
    return method or "GET", res.item_path


def build_verb(res: Resource, verb: str) -> click.Command:
    from gwctl.cli.help import first_clause

    hooks = Hooks(res)
    method, path = verb_call(res, verb)
    params: list[click.Parameter] = []
    extra_options = hooks.get("options")
    extra_params = list(extra_options(res, verb)) if extra_options else []
    if verb == "list":
        params += [_filter_option(f) for f in res.filters]
        from gwctl.cli.global_options import MAX_LIMIT

        params += [click.Option(["--limit"], type=click.IntRange(1, MAX_LIMIT), default=DEFAULT_LIMIT, show_default=True,
                                help="Show at most N items (fetches only the pages needed)."),
                   click.Option(["--all", "all_"], is_flag=True, help="Fetch every item, ignoring --limit.")]
        callback = _list
    elif verb == "get":
        params.append(_ref_argument(res))
        callback = _get
    elif verb == "delete":
        params += [_ref_argument(res, "refs", many=True),
                   click.Option(["--yes", "-y"], is_flag=True,
                                help="Do not ask for confirmation (required when not on a terminal)."),
                   click.Option(["--concurrency"], type=click.IntRange(1, MAX_CONCURRENCY), default=4,
                                show_default=True, help="Parallel requests for several IDs.")]
        callback = _delete
    else:
        if verb != "create":
            params.append(_ref_argument(res))
        fields = [f for f in res.fields if verb in f.on]
        params += [_field_option(f, verb) for f in fields if f.argument and verb == "create"]
        params += [p for f in fields if not (f.argument and verb == "create") for p in _field_options(f, verb)]
        file_help = ("A JSON Patch document: a list of RFC 6902 operations, as JSON or YAML (- for stdin); the "
                     "flags add operations that set their fields." if verb == "patch" and res.patch_body == "json-patch"
                     else "Request body as JSON or YAML (- for stdin); flags override its fields.")
        params.append(click.Option(["--from-file", "-f"], metavar="FILE|-", help=file_help))
        callback = {"create": _create, "update": _update, "patch": _patch}[verb]
    params += extra_params
    extra_names = [p.name for p in extra_params]

    def run(**kwargs: Any) -> None:
        extra = {name: kwargs.pop(name) for name in extra_names}
        callback(res, hooks, kwargs, extra)

    return click.Command(verb, params=params, callback=run, help=_help(res, verb, method, path),
                         context_settings=CONTEXT_SETTINGS,
                         short_help=first_clause(verb_summary(res, verb)))


class ResourceGroup(click.Group):
    """A resource's verbs, each built only when asked for: a generic verb from the declaration, the
    product's own (``Resource.extra``, a Typer app) by loading that app, so one verb's run, help or
    completion builds nothing else and a generic verb never imports Typer.

    ``on_load`` callbacks (global and scope options) are applied to every verb when it is built."""

    def __init__(self, res: Resource, **kwargs: Any) -> None:
        super().__init__(res.noun, help=res.help, no_args_is_help=True, context_settings=CONTEXT_SETTINGS, **kwargs)
        self.res = res
        self.pending = [verb for verb in res.verbs if verb not in res.own_verbs]
        from gwctl.cli.waiting import has_wait

        if has_wait(res) and "wait" not in res.own_verbs:
            self.pending.append("wait")
        self.extra = res.extra
        self.own_verbs = res.own_verbs
        self.on_load: list[Callable[[click.Command], Any]] = []

    def _add(self, command: click.Command, name: str) -> None:
        for apply in self.on_load:
            apply(command)
        self.add_command(command, name)

    def _build(self, verb: str) -> None:
        self.pending.remove(verb)
        self._add(wait_verb(self.res) if verb == "wait" else build_verb(self.res, verb), verb)

    def _load_extra(self) -> None:
        if not self.extra:
            return
        from gwctl.cli.lazy import load_target

        own = load_target(self.extra)
        self.extra = None
        for name, command in getattr(own, "commands", {}).items():
            if name in self.pending:
                self.pending.remove(name)
            self._add(command, name)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.pending:
            self._build(cmd_name)
        elif cmd_name not in self.commands:
            self._load_extra()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for verb in list(self.pending):
            self._build(verb)
        self._load_extra()
        return super().list_commands(ctx)


def resource_group(product: str, noun: str) -> click.Group:
    """The command group of one declared resource: its generic verbs, then the product's own."""
    return ResourceGroup(resource(product, noun))


# --- wait: the one wait flow (gwctl.cli.waiting) on a declared resource -------------------------

class Target:
    """What a probe of a resource's condition sees: the client, the resolved ID and scope values."""

    def __init__(self, res: Any, client: Any, values: dict[str, Any], item_id: str) -> None:
        self.res, self.client, self.values, self.id = res, client, values, item_id

    def read(self) -> Any:
        """The object: GET of the item, or found in the listing when the API has no item GET."""
        from gwctl.errors import NotFoundError

        res = self.res
        if "get" in res.verbs:
            return self.client.read(res, self.id, **self.values)
        for page in self.client.list_pages(res, None, None, **self.values):
            for item in page:
                if isinstance(item, dict) and str(item.get(res.id_field)) == self.id:
                    return item
        raise NotFoundError(f"{res.singular} {self.id} not found")


def wait_verb(res: Resource) -> click.Command:
    """`gwctl PRODUCT NOUN wait REF --for CONDITION [--timeout D]` for a declared resource."""
    from gwctl.cli.waiting import (WAIT_EXITS, _declared, choose, conditions_for, for_option, interval_option,
                                   parse_duration, timeout_option)

    conditions = conditions_for(res)
    hooks = Hooks(res)
    extra_options = hooks.get("options")
    extra_params = list(extra_options(res, "get")) if extra_options else []
    params = [_ref_argument(res), for_option(conditions), timeout_option(), interval_option(), *extra_params]
    extra_names = [p.name for p in extra_params]

    def run(ref: str | None, for_: str, wait_timeout: str, interval: str, **kwargs: Any) -> None:
        extra = {name: kwargs.pop(name) for name in extra_names}
        condition, value = choose(conditions, for_)
        timeout = parse_duration(wait_timeout)
        first = parse_duration(interval, "--interval")
        _wait_resource(res, hooks, condition, value, ref, extra, timeout, first)

    names = " or ".join(res.name_fields)
    text = (f"Wait until {_a(res.singular)} reaches a condition, polling with back-off.\n\n"
            + (f"{_a(res.singular, capital=True)} is named by its ID or its {names}. " if res.name_fields else "")
            + WAIT_EXITS)
    if res.versions:
        from gwctl.cli.versions import needs_note

        note = needs_note(res.versions_of("get"))
        if note:
            text += f"\n\n{note}"
    example = res.examples.get("wait") or _declared(res, "EXAMPLES")
    if not example and res.example_ref is not None:
        args = f" {res.example_args}" if res.example_args else ""
        example = f"{res.product} {res.noun} wait {res.example_ref}{args} --for exists --timeout 1m"
    if not example and f"{res.noun} get " in res.examples.get("get", ""):
        example = res.examples["get"].replace(f"{res.noun} get ", f"{res.noun} wait ", 1) + " --for exists --timeout 1m"
    if example:
        import re

        text += "\n\nExamples:\n  gwctl " + re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), example)
    return click.Command("wait", params=params, callback=run, help=text, context_settings=CONTEXT_SETTINGS,
                         short_help=f"Wait until a {res.singular} reaches a condition (or is deleted).")


def _wait_resource(res: Any, hooks: Any, condition: Any, value: str | None, ref: str | None,
                   extra: dict[str, Any], timeout: float, interval: float) -> None:
    from gwctl.cli.context import get_app
    from gwctl.cli.lookup import Lookup
    from gwctl.cli.render import emit
    from gwctl.cli.waiting import PENDING, wait_for

    client, values = _start(res, hooks, "get", extra, [ref])
    state: dict[str, Any] = {}

    def target() -> Target:
        # Resolve again until found: the name may not exist yet, or may come back after a delete.
        if "id" not in state:
            if ref is None and res.default_ref:
                item_id = client.scope_value(res.default_ref)
            else:
                item_id = Lookup(client, res, **values).resolve(ref)
            state["id"] = item_id
        return Target(res, client, values, state["id"])

    def probe() -> Any:
        from gwctl.errors import NotFoundError

        current = target()
        try:
            observed = condition.probe(current) if condition.probe else current.read()
        except NotFoundError:
            if condition.absent == PENDING:
                state.pop("id", None)
            raise
        return observed

    what = f"{res.singular} {ref}" if ref is not None else f"the profile's {res.singular}"
    observed = wait_for(what, condition, probe, value=value, timeout=timeout, interval=interval)
    app = get_app()
    if observed is not None and (app.machine_output or app.opts.query):
        emit(observed)



# --- what the verbs do -------------------------------------------------------------------------

def _start(res: Resource, hooks: Hooks, verb: str, extra: dict[str, Any],
           refs: Any = ()) -> tuple[Any, dict[str, Any]]:
    """(client, path scope values): the prepare hook runs before the client is built; ``refs`` (the IDs
    or names given) are checked locally before the server is asked anything, its version included."""
    from gwctl.cli.context import get_app
    from gwctl.cli.lookup import check_ref

    for ref in refs:
        if ref is not None:
            check_ref(res, ref)
    prepare = hooks.get("prepare")
    values = (prepare(res, verb, extra) if prepare else None) or {}
    client = get_app().client(res.product)
    if res.versions:
        from gwctl.cli.versions import require

        require(client, " ".join(verb_call(res, verb)), res.versions_of(verb))
    return client, values


def _shown_of(res: Resource, hooks: Hooks) -> Callable[[Any], Any] | None:
    """What is printed of an item, or None when items print as they are (asked once: a list calls
    it for every item)."""
    shown = hooks.get("shown")
    show = shown(res) if shown else None
    if show is None:
        return None
    return lambda item: show(item) if isinstance(item, dict) else item


def _shown(res: Resource, hooks: Hooks, item: Any) -> Any:
    show = _shown_of(res, hooks)
    return show(item) if show else item


def _emit_result(res: Resource, hooks: Hooks, verb: str, item: Any, extra: dict[str, Any], client: Any) -> None:
    from gwctl.cli.render import emit

    result = hooks.get("result")
    if result and result(res, verb, item, extra, client):
        return
    emit(_shown(res, hooks, item), res.item_columns)


def _finish(res: Resource, hooks: Hooks, verb: str) -> None:
    finish = hooks.get("finish")
    if finish:
        finish(res, verb)


def _list(res: Resource, hooks: Hooks, args: dict[str, Any], extra: dict[str, Any]) -> None:
    from gwctl.cli.input import parse_labels
    from gwctl.cli.lookup import Lookup
    from gwctl.cli.render import emit

    params: dict[str, Any] = {}
    refs: list[tuple[Filter, str]] = []
    for filt in res.filters:
        value = args.get(filt.dest)
        if value in (None, (), []):
            continue
        if filt.kind == "labels":
            for key, val in parse_labels(value, filt.flag).items():
                params[f"{filt.param}[{key}]"] = val
        elif filt.ref:
            refs.append((filt, value))
        else:
            params[filt.param] = list(value) if isinstance(value, tuple) else value
    limit = None if args.get("all_") else args.get("limit")
    client, values = _start(res, hooks, "list", extra)
    for filt, value in refs:
        params[filt.param] = Lookup(client, resource(res.product, filt.ref)).resolve(value)
    list_params = hooks.get("list_params")
    if list_params:
        params = list_params(res, params, extra, client)
    pages = client.list_pages(res, params or None, limit, **values)
    show = _shown_of(res, hooks)
    if show is not None:
        from gwctl.api.paging import MappedPages

        pages = MappedPages(pages, show)
    emit(pages, res.columns)
    _finish(res, hooks, "list")


def _get(res: Resource, hooks: Hooks, args: dict[str, Any], extra: dict[str, Any]) -> None:
    from gwctl.cli.render import emit

    client, values = _start(res, hooks, "get", extra, [args["ref"]])
    item_id = _target(res, client, values, args["ref"])
    item = client.read(res, item_id, **values)
    if not isinstance(item, dict):
        from gwctl.api.base import shape_error

        raise shape_error("GET", client.resource_path(res, item_id, **values), f"the {res.singular}", item)
    _finish(res, hooks, "get")
    emit(_shown(res, hooks, item), res.item_columns)


def _delete(res: Resource, hooks: Hooks, args: dict[str, Any], extra: dict[str, Any]) -> None:
    delete_items(res, hooks, args["refs"], yes=args["yes"], concurrency=args["concurrency"], extra=extra)


def delete_items(res: Resource, hooks: Hooks, refs: Any, *, yes: bool, concurrency: int,
                 extra: dict[str, Any]) -> None:
    """The delete verb (names or IDs, `-` for stdin, one confirmation, bulk report); also for product verbs
    that are another resource's delete (`api7 services unpublish`)."""
    from gwctl.cli.flows import confirm_change, run_bulk
    from gwctl.cli.input import read_ids
    from gwctl.cli.lookup import Lookup

    refs = read_ids(refs)
    client, values = _start(res, hooks, "delete", extra, refs)
    lookup = Lookup(client, res, **values)
    ids = lookup.resolve_many(refs)
    from gwctl.api.base import check_segment

    for item_id in ids:  # a ref that matched no name is sent as an ID: all are valid, or none is deleted
        check_segment(item_id, f"{res.singular} ID", slash=True)  # compound IDs (manager/id) keep their '/'

    confirm_change("delete", res.singular, res.noun.replace("-", " "), [lookup.label(i) for i in ids], yes)
    delete_all = hooks.get("delete_all")
    if delete_all and delete_all(res, ids, extra, client, values):
        _finish(res, hooks, "delete")
        return
    run_bulk(ids, lambda item_id: client.delete_item(res, item_id, **values), verb="deleted", noun=res.singular,
             concurrency=concurrency, labels=lookup.labels, plural=res.noun.replace("-", " "))
    _finish(res, hooks, "delete")


# --- bodies ------------------------------------------------------------------------------------

def _flag_value(field: Field, value: Any) -> Any:
    """A flag's parsed value as the body wants it (None: not given)."""
    from gwctl.cli.input import parse_labels
    from gwctl.resources.values import parse_json_value, parse_plugins

    if value is None or (field.many and not value):
        return None
    if field.kind == "labels":
        value = parse_labels(value, field.flag)
    elif field.kind == "json":
        value = parse_json_value(value, field.flag)
    elif field.kind == "plugins":
        value = parse_plugins(value, field.flag)
    elif field.many:
        value = list(value)
    return field.transform(value) if field.transform else value


def _set(body: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    for part in parts[:-1]:
        inner = body.get(part)
        body[part] = inner = dict(inner) if isinstance(inner, dict) else {}
        body = inner
    body[parts[-1]] = value


def _value_at(body: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        body = body.get(part) if isinstance(body, dict) else None
    return body


def _flags_of(res: Resource, verb: str, args: dict[str, Any]) -> dict[str, Any]:
    """Dotted body key -> value of every flag given."""
    given: dict[str, Any] = {}
    for field in res.fields:
        if verb in field.on:
            value = _flag_value(field, args.get(field.param))
            if value is not None:
                given[field.key] = value
    return given


def _file_object(path: str | None) -> dict[str, Any]:
    from gwctl.cli.input import read_body_file
    from gwctl.errors import UsageError

    if path is None:
        return {}
    loaded = read_body_file(path)
    if not isinstance(loaded, dict):
        raise UsageError(f"invalid --from-file: expected an object, got {type(loaded).__name__}")
    return dict(loaded)


SERVER_BASE = "body (what the server returned, changed by the flags)"


def _validated(res: Resource, verb: str, body: dict[str, Any], source: str, given: dict[str, Any]) -> dict[str, Any]:
    from gwctl.cli.input import validate_body

    model = res.model(verb) or (res.model("create") if verb == "update" else None)
    if model is None:
        return body
    # A create's positional argument is named as its usage shows it (NAME), a flag by its flag.
    flag_names = {f.key.split(".")[0]: (f.metavar or f.param.upper()) if f.argument and verb == "create"
                  else f.flag.split("/")[0] for f in res.fields}
    from_flags = {k.split(".")[0] for k in given}
    if source == SERVER_BASE:  # a field the flags did not touch came from the server: name it, not a flag
        flag_names = {k: v for k, v in flag_names.items() if k in from_flags}
    return validate_body(model, body, source, flag_names, from_flags)


def _flags_valid(res: Resource, given: dict[str, Any]) -> None:
    """The flags' own values against the write model, before the current object is read: a bad
    value exits 2 without a request (fields the flags did not give are checked after the merge)."""
    from gwctl.cli.input import validate_body

    model = res.model("update") or res.model("create")
    if model is None or not given:
        return
    partial: dict[str, Any] = {}
    for key, value in given.items():
        _set(partial, key, value)
    flag_names = {f.key.split(".")[0]: f.flag.split("/")[0] for f in res.fields}
    validate_body(model, partial, "options", flag_names, {k.split(".")[0] for k in given}, only=set(partial))


def _resolve_refs(res: Resource, client: Any, body: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """References by name become IDs (`--policy employees` -> the policy's ID)."""
    from gwctl.cli.lookup import Lookup

    for key, noun in res.refs.items():
        value = body.get(key)
        if value in (None, "", []):
            continue
        lookup = Lookup(client, resource(res.product, noun))
        body[key] = ([lookup.resolve(str(v)) for v in value] if isinstance(value, list)
                     else lookup.resolve(str(value)))
    return body


def _send_body(res: Resource, hooks: Hooks, verb: str, body: dict[str, Any], extra: dict[str, Any],
               client: Any, values: dict[str, Any]) -> dict[str, Any]:
    body = _resolve_refs(res, client, body, values)
    adjust = hooks.get("body")
    return adjust(res, verb, body, extra, client) if adjust else body


def _checked(res: Resource, hooks: Hooks, verb: str, given: dict[str, Any],
             file_body: dict[str, Any] | None) -> dict[str, Any]:
    check = hooks.get("check")
    if check is None:
        return given
    adjusted = check(res, verb, dict(given), file_body)
    return given if adjusted is None else adjusted


def _nothing_to_change(res: Resource, verb: str) -> Exception:
    from gwctl.errors import UsageError

    flags = ", ".join(f.flag for f in res.fields if verb in f.on)
    return UsageError(f"nothing to {verb}: give --from-file or at least one of {flags}" if flags
                      else f"nothing to {verb}: give --from-file")


def _create(res: Resource, hooks: Hooks, args: dict[str, Any], extra: dict[str, Any]) -> None:
    from gwctl.cli.flows import report_done

    given = _flags_of(res, "create", args)
    body = _file_object(args.get("from_file"))
    given = _checked(res, hooks, "create", given, body if args.get("from_file") is not None else None)
    for key, value in given.items():
        _set(body, key, value)
    for field in res.fields:  # a field's default on create, when neither a flag nor the file set it
        if field.default is not None and "create" in field.on and _value_at(body, field.key) is None:
            _set(body, field.key, field.default)
    source = "--from-file" if args.get("from_file") else "options"
    body = {k: v for k, v in body.items() if k not in res.managed or k in res.refs or k == res.id_field}
    body = _validated(res, "create", body, source, given)
    client, values = _start(res, hooks, "create", extra)
    body = _send_body(res, hooks, "create", body, extra, client, values)
    created = client.create_item(res, body, **values)
    if not isinstance(created, dict):
        from gwctl.api.base import shape_error

        error = shape_error("POST", client.resource_path(res, **values), f"the new {res.singular}", created)
        error.hint = f"it may have been created all the same: see `gwctl {res.product} {res.noun} list`"
        raise error
    shown = created if isinstance(created, dict) else body
    report_done("created", res.singular, res.label(shown))
    _finish(res, hooks, "create")
    _emit_result(res, hooks, "create", created if created is not None else body, extra, client)


def _update(res: Resource, hooks: Hooks, args: dict[str, Any], extra: dict[str, Any]) -> None:
    if res.update in ("patch", "json-patch", "put-partial"):
        _patch(res, hooks, args, extra, verb="update")
        return
    from gwctl.cli.flows import report_done

    given = _flags_of(res, "update", args)
    from_file = args.get("from_file")
    if not given and from_file is None:
        raise _nothing_to_change(res, "update")
    file_body = _file_object(from_file)
    given = _checked(res, hooks, "update", given, file_body if from_file is not None else None)
    _flags_valid(res, given)
    whole = from_file is not None and res.update == "put"  # the file is the whole new object
    if whole:
        early = dict(file_body)
        for key, value in given.items():
            _set(early, key, value)
        early.pop(res.id_field, None) if res.id_field in res.managed else None
        _validated(res, "update", early, "--from-file", given)  # before the lookup asks the server
    client, values = _start(res, hooks, "update", extra, [args["ref"]])
    item_id = _target(res, client, values, args["ref"])
    if whole:
        body = file_body
    else:
        current = client.read(res, item_id, **values) or {}
        # Empty values the server fills in (methods: [] = all) are left out, as a user would.
        body = ({k: v for k, v in current.items() if k not in res.managed and v not in (None, [], "")}
                if isinstance(current, dict) else {})
        body.update(file_body)
    merged = {f.key for f in res.fields if f.merge}
    for key, value in given.items():
        current_value = _value_at(body, key)
        if key in merged and isinstance(value, dict) and isinstance(current_value, dict):
            value = {**current_value, **value}
        _set(body, key, value)
    body.pop(res.id_field, None) if res.id_field in res.managed else None
    source = "--from-file" if from_file else SERVER_BASE
    body = _validated(res, "update", body, source, given)
    body = _send_body(res, hooks, "update", body, extra, client, values)
    result = client.replace_item(res, item_id, body, **values)
    if result is None:  # a 204: show what the server has now
        result = client.read(res, item_id, **values)
    report_done("updated", res.singular, res.label(result if isinstance(result, dict) else {}, item_id))
    _finish(res, hooks, "update")
    _emit_result(res, hooks, "update", result, extra, client)


def _patch(res: Resource, hooks: Hooks, args: dict[str, Any], extra: dict[str, Any], verb: str = "patch") -> None:
    from gwctl.cli.flows import report_done

    if verb == "patch" and res.patch_body == "json-patch":
        _json_patch(res, hooks, args, extra)
        return

    given = _flags_of(res, verb, args)
    from_file = args.get("from_file")
    if not given and from_file is None:
        raise _nothing_to_change(res, verb)
    body = _file_object(from_file)
    given = _checked(res, hooks, verb, given, body if from_file is not None else None)
    for key, value in given.items():
        _set(body, key, value)
    model_verb = "update" if res.update == "put-partial" and verb == "update" else "patch"
    body = _validated(res, model_verb, body, "--from-file" if from_file else "options", given)
    client, values = _start(res, hooks, verb, extra, [args["ref"]])
    item_id = _target(res, client, values, args["ref"])
    body = _send_body(res, hooks, "patch", body, extra, client, values)
    result = client.patch_item(res, item_id, body, **values)
    if result is None:
        result = client.read(res, item_id, **values)
    report_done("updated", res.singular, res.label(result if isinstance(result, dict) else {}, item_id))
    _finish(res, hooks, verb)
    _emit_result(res, hooks, verb, result, extra, client)


def _json_patch(res: Resource, hooks: Hooks, args: dict[str, Any], extra: dict[str, Any]) -> None:
    """PATCH with an RFC 6902 document: --from-file's operations, then one `add` per flag (which sets
    the field whether or not the object has it)."""
    from gwctl.cli.flows import report_done
    from gwctl.cli.input import read_json_patch

    given = _flags_of(res, "patch", args)
    from_file = args.get("from_file")
    if not given and from_file is None:
        raise _nothing_to_change(res, "patch")
    operations = read_json_patch(from_file) if from_file is not None else []
    given = _checked(res, hooks, "patch", given, None)
    client, values = _start(res, hooks, "patch", extra, [args["ref"]])
    item_id = _target(res, client, values, args["ref"])
    given = _resolve_refs(res, client, dict(given), values)
    for key, value in given.items():
        pointer = "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in key.split("."))
        operations.append({"op": "add", "path": pointer, "value": value})
    result = client.patch_item(res, item_id, operations, **values)
    if result is None:
        result = client.read(res, item_id, **values)
    report_done("updated", res.singular, res.label(result if isinstance(result, dict) else {}, item_id))
    _finish(res, hooks, "patch")
    _emit_result(res, hooks, "patch", result, extra, client)
