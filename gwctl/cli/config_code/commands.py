"""`gwctl PRODUCT config dump|validate|diff|apply`: one command group for every product that
declares ``CONFIG`` (gwctl.resources.config_code)."""

from __future__ import annotations

from typing import Any

import click

from gwctl.cli.verbs import CONTEXT_SETTINGS, MAX_CONCURRENCY

HELP = """Configuration as code: dump the {product} configuration to a document, check one, show what
would change and apply it.

\b
A document is YAML or JSON: `gwctl: config/v1`, `product: {product}`, the `scope` it was taken from,
then one list per kind ({kinds}). Objects are identified by a key (their name) and refer to each other
by key; secrets are `${{VARIABLE}}` placeholders filled in from the environment."""


def _files_option() -> click.Option:
    return click.Option(["-f", "--file", "files"], multiple=True, required=True, metavar="PATH",
                        help="Document file or folder (all *.yaml, *.yml, *.json inside, sorted); repeatable.")


def _kinds_option() -> click.Option:
    return click.Option(["--kinds"], metavar="K1,K2", help="Only these kinds (kinds without labels are pruned only "
                        "when named here).")


def _label_option() -> click.Option:
    return click.Option(["--label", "-l", "labels"], multiple=True, metavar="KEY=VALUE",
                        help="Only objects with this label (repeatable); with --prune, objects carrying it may be "
                             "deleted too.")


def config_group(product: str) -> click.Group:
    from gwctl.resources.config_code import config_spec

    spec = config_spec(product)
    extra_options = _hook(spec, "options")
    extra_params = list(extra_options()) if extra_options else []
    names = [p.name for p in extra_params]
    examples = {verb: "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
                for verb, lines in help_examples(spec).items()}

    def wrap(function):
        def run(**kwargs: Any) -> None:
            extra = {name: kwargs.pop(name) for name in names}
            prepare = _hook(spec, "prepare")
            if prepare:
                prepare(extra)
            function(spec, **kwargs)
        return run

    group = click.Group("config", help=HELP.format(product=product, kinds=", ".join(spec.nouns)),
                        context_settings=CONTEXT_SETTINGS, no_args_is_help=True,
                        short_help="Configuration as code: dump, validate, diff, apply.")
    group.add_command(click.Command(
        "dump", callback=wrap(_dump), context_settings=CONTEXT_SETTINGS,
        params=[click.Option(["-f", "--file", "out"], metavar="FILE|-", default="-",
                             help="Write the document to FILE (default: stdout)."),
                _kinds_option(), _label_option(), *extra_params],
        short_help="Write the configuration as a document.",
        help="Write the configuration as a document (YAML; -o json for JSON). Two dumps of the same state are "
             "identical; server-managed fields and server defaults are left out; secrets are written as "
             "${VARIABLE} placeholders, listed on stderr.\n\n" + examples["dump"]))
    group.add_command(click.Command(
        "validate", callback=wrap(_validate), context_settings=CONTEXT_SETTINGS,
        params=[_files_option(), _kinds_option(), *extra_params],
        short_help="Check documents without sending any request.",
        help="Check documents without sending any request: known kinds, keys present and unique across files, "
             "references resolve, every object passes the write model, every ${VARIABLE} is set.\n\n"
             + examples["validate"]))
    common = [_files_option(), click.Option(["--prune"], is_flag=True, help="Also delete objects absent from the "
                                            "documents that gwctl owns (its ownership label, or --label)."),
              _kinds_option(), _label_option()]
    group.add_command(click.Command(
        "diff", callback=wrap(_diff), context_settings=CONTEXT_SETTINGS,
        params=[*common, click.Option(["--exit-code"], is_flag=True, help="Exit 11 when something would change "
                                      "(0 when nothing would)."), *extra_params],
        short_help="Show what apply would change.",
        help="Show what apply would change: objects to create, to update (field, old -> new; secrets masked), "
             "to delete (only with --prune) and how many are unchanged. Writes no file; -o json prints the plan "
             "as JSON.\n\n" + examples["diff"]))
    group.add_command(click.Command(
        "apply", callback=wrap(_apply), context_settings=CONTEXT_SETTINGS,
        params=[*common,
                click.Option(["--dry-run"], is_flag=True, help="Show the plan and change nothing."),
                click.Option(["--yes", "-y"], is_flag=True, help="Do not ask for confirmation (required when not "
                             "on a terminal)."),
                click.Option(["--concurrency"], type=click.IntRange(1, MAX_CONCURRENCY), default=4, show_default=True,
                             help="Parallel requests."),
                click.Option(["--secrets-out"], metavar="DIR", help=_secrets_out_help(spec)),
                *extra_params],
        short_help="Apply documents: create, update (and with --prune delete).",
        help="Apply documents: compute the plan, show it, ask (or --yes), then create and update objects in "
             "dependency order (with --prune, delete owned objects absent from the documents, dependants first), "
             "reporting each one. Applying the same documents twice changes nothing the second time. A partial "
             "failure exits 10.\n\n" + examples["apply"]))
    return group


def help_examples(spec: Any) -> dict[str, list[str]]:
    """Each command's examples: command lines that run as printed, in order, against the sandbox."""
    product = spec.product
    base = f"gwctl {product} config"
    kinds = spec.example_kinds.split(",") if spec.example_kinds else [k.noun for k in spec.kinds if k.dumped]
    narrowed = f" --kinds {spec.example_kinds}" if spec.example_kinds else ""
    dump = f"{base} dump{narrowed} -f {product}.yaml"
    minting = any(k.mints and k.create is True for k in spec.kinds if k.noun in kinds)
    keep = " --secrets-out secrets" if minting else ""
    return {
        "dump": [dump, f"{base} dump -o json"],
        "validate": [dump, f"{base} validate -f {product}.yaml"],
        "diff": [dump, f"{base} diff -f {product}.yaml --exit-code", f"{base} diff -f {product}.yaml -o json"],
        "apply": [dump, f"{base} apply -f {product}.yaml --dry-run", f"{base} apply -f {product}.yaml --yes{keep}"],
    }


def _secrets_out_help(spec: Any) -> str:
    minting = [k.noun for k in spec.kinds if k.mints and k.create is True]
    if not minting:
        return "Folder for secrets that creating objects returns (files of mode 0600)."
    return (f"Folder for the secrets that creating {', '.join(minting)} returns (one file of mode 0600 each). "
            f"Required when the plan creates {' or '.join(minting)}: without it apply refuses before "
            "changing anything. Give it in scheduled jobs so a missing object is re-created.")


def _hook(spec: Any, name: str) -> Any:
    if not spec.hooks:
        return None
    import importlib

    return getattr(importlib.import_module(spec.hooks), name, None)


def _kinds(spec: Any, raw: str | None, dump: bool = False) -> tuple[str, ...]:
    from gwctl.errors import UsageError

    if not raw:
        return tuple(k.noun for k in spec.kinds if k.dumped) if dump else spec.nouns
    chosen = tuple(k.strip() for k in raw.split(",") if k.strip())
    unknown = [k for k in chosen if k not in spec.nouns]
    if unknown or not chosen:
        raise UsageError(f"invalid --kinds {raw!r}: choose from {', '.join(spec.nouns)}")
    return chosen


def _selector(labels: tuple[str, ...]) -> dict[str, str]:
    from gwctl.cli.input import parse_labels

    return parse_labels(labels, "--label")


def _load(spec: Any, files: tuple[str, ...], kinds: tuple[str, ...]) -> Any:
    from gwctl.cli.config_code.documents import load
    from gwctl.cli.config_code.engine import Hooks, validate_models

    docs = load(spec, files, kinds if kinds != spec.nouns else None)
    validate_models(docs, Hooks(spec))
    return docs


def _state(spec: Any, nouns: tuple[str, ...]) -> Any:
    from gwctl.cli.config_code.engine import Hooks, State
    from gwctl.cli.context import get_app

    state = State(spec, get_app().client(spec.product), Hooks(spec))
    state.read(nouns)
    return state


# --- dump ----------------------------------------------------------------------------------------

def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def render_document(data: dict[str, Any], as_json: bool) -> str:
    if as_json:
        import json

        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: Any, value: str) -> Any:  # PEM and other multi-line text as literal blocks
        style = "|" if "\n" in value and value.strip() == value.rstrip("\n") and "\t" not in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=100)


def _dump(spec: Any, out: str, kinds: str | None, labels: tuple[str, ...]) -> None:
    from gwctl.cli.config_code.engine import dumped, get_path
    from gwctl.cli.context import get_app
    from gwctl.resources.config_code import VERSION

    nouns = _kinds(spec, kinds, dump=True)
    selector = _selector(labels)
    if out != "-":
        _check_writable(out)
    app = get_app()
    state = _state(spec, nouns)
    data: dict[str, Any] = {"gwctl": VERSION, "product": spec.product, "scope": _sorted(state.scope)}
    placeholders: list[tuple[str, str]] = []
    for kind in spec.kinds:
        if kind.noun not in nouns or (selector and not kind.labels):
            continue
        objects = []
        for ident in sorted(state.objects.get(kind.noun, {})):
            current = state.objects[kind.noun][ident]
            if selector:
                have = get_path(current.raw, kind.labels) or {}
                if not all(isinstance(have, dict) and have.get(k) == v for k, v in selector.items()):
                    continue
            doc, names = dumped(spec, current)
            objects.append(_sorted(doc))
            placeholders += [(var, f"{current.kind.noun} {'/'.join(ident)}: {path}") for var, path in names]
        if kind.singleton:
            if objects:
                data[kind.noun] = objects[0]
        elif objects:
            data[kind.noun] = objects
    text = render_document(data, app.opts.output == "json")
    if out == "-":
        import sys

        sys.stdout.write(text)
    else:
        _write(out, text)
        app.err(f"wrote {out}")
    if placeholders:
        app.err("secrets are written as placeholders; set these variables before apply:")
        for var, where in placeholders:
            app.err(f"  {var}  ({where})")


def _check_writable(out: str) -> None:
    from pathlib import Path

    from gwctl.errors import UsageError

    path = Path(out).expanduser()
    if path.is_dir():
        raise UsageError(f"-f {out} is a directory")
    if not path.parent.is_dir():
        raise UsageError(f"-f {out}: the folder {path.parent} does not exist")


def _write(out: str, text: str) -> None:
    from pathlib import Path

    from gwctl.errors import UsageError

    try:
        Path(out).expanduser().write_text(text)
    except OSError as exc:
        raise UsageError(f"cannot write -f {out}: {exc.strerror}") from None


# --- validate ------------------------------------------------------------------------------------

def _validate(spec: Any, files: tuple[str, ...], kinds: str | None) -> None:
    from gwctl.cli.context import get_app

    docs = _load(spec, files, _kinds(spec, kinds))
    count = len(docs.all())
    get_app().err(f"valid: {count} object{'s' if count != 1 else ''} in {len(set(i.source for i in docs.all())) or 1} "
                  f"file{'s' if len(set(i.source for i in docs.all())) > 1 else ''}")


# --- diff and apply ------------------------------------------------------------------------------------

def _value(value: Any) -> str:
    import json

    return "(none)" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def plan_text(the_plan: Any) -> list[str]:
    from gwctl.cli.config_code.engine import _singular

    lines = []
    signs = {"create": "+", "update": "~", "delete": "-", "skip": "!"}
    for change in the_plan.changes:
        head = f"{signs[change.action]} {change.action} {_singular(change.kind)} {change.label}".rstrip()
        if change.action == "skip":
            head = f"! {_singular(change.kind)} {change.label}: {change.note}"
        lines.append(head)
        for field, old, new in change.fields:
            lines.append(f"    {field}: {_value(old)} -> {_value(new)}")
    creatable = [c for c in the_plan.changes if c.action != "skip"]
    if not creatable and not the_plan.changes:
        lines.append(f"No changes: {the_plan.unchanged} unchanged.")
    else:
        summary = (f"Plan: {the_plan.count('create')} to create, {the_plan.count('update')} to update, "
                   f"{the_plan.count('delete')} to delete, {the_plan.unchanged} unchanged")
        skipped = [c for c in the_plan.changes if c.action == "skip"]
        uncreatable = sum(1 for c in skipped if c.current is None)
        if uncreatable:
            summary += f", {uncreatable} cannot be created"
        if len(skipped) > uncreatable:
            summary += f", {len(skipped) - uncreatable} cannot be changed"
        lines.append(summary + ".")
    return lines


def plan_json(spec: Any, the_plan: Any) -> dict[str, Any]:
    return {"product": spec.product, "changes": [c.public() for c in the_plan.changes],
            "summary": {"create": the_plan.count("create"), "update": the_plan.count("update"),
                        "delete": the_plan.count("delete"), "skip": the_plan.count("skip"),
                        "unchanged": the_plan.unchanged}}


def _compute(spec: Any, files: tuple[str, ...], prune: bool, kinds: str | None, labels: tuple[str, ...],
             before_request: Any = None) -> tuple[Any, Any, Any]:
    from gwctl.cli.config_code.engine import plan

    nouns = _kinds(spec, kinds)
    docs = _load(spec, files, nouns)
    selector = _selector(labels)
    if before_request:
        before_request(docs)
    named = nouns if kinds else ()
    state = _state(spec, tuple(n for n in nouns if n in docs.listed or n in named))  # kinds left out: not read
    _learn_secrets(docs, state.client)
    return docs, state, plan(docs, state, nouns, prune, selector, named)


def _learn_secrets(docs: Any, client: Any) -> None:
    """Secrets from the documents are masked in -v logs like the profile's own."""
    from gwctl.cli.config_code.engine import get_path

    redactor = getattr(getattr(client, "http", None), "redactor", None)
    if redactor is None:
        return
    for item in docs.all():
        for path in item.kind.secrets:
            value = get_path(item.body, path)
            if isinstance(value, str) and value:
                redactor.add(value)


def _print_plan(spec: Any, the_plan: Any, to_err: bool = False) -> None:
    from gwctl.cli.context import get_app

    app = get_app()
    if app.opts.output == "json" and not to_err:
        import json
        import sys

        sys.stdout.write(json.dumps(plan_json(spec, the_plan), indent=2, ensure_ascii=False) + "\n")
        return
    for line in plan_text(the_plan):
        app.err(line) if to_err else app.out(line)


def _diff(spec: Any, files: tuple[str, ...], prune: bool, kinds: str | None, labels: tuple[str, ...],
          exit_code: bool) -> None:
    from gwctl.errors import DriftDetected

    _docs, _state_, the_plan = _compute(spec, files, prune, kinds, labels)
    _print_plan(spec, the_plan)
    if exit_code and the_plan.drift:
        count = len(the_plan.changes)
        raise DriftDetected("1 object differs from the documents" if count == 1
                            else f"{count} objects differ from the documents")


def _apply(spec: Any, files: tuple[str, ...], prune: bool, kinds: str | None, labels: tuple[str, ...],
           dry_run: bool, yes: bool, concurrency: int, secrets_out: str | None) -> None:
    from gwctl.cli.config_code.engine import Applier
    from gwctl.cli.context import get_app
    from gwctl.cli.flows import confirm_change
    from gwctl.errors import PartialFailure, UsageError

    app = get_app()
    if secrets_out is not None:
        _check_secrets_dir(secrets_out)

    _docs, state, the_plan = _compute(spec, files, prune, kinds, labels)
    as_json = app.opts.output == "json"
    _print_plan(spec, the_plan, to_err=as_json and not dry_run)
    actions = [c for c in the_plan.changes if c.action != "skip"]
    if dry_run or not actions:
        return
    # Checked on the plan, before any write: re-applying a document whose secret-minting objects
    # all exist needs no --secrets-out; one that would create them refuses without it.
    minting = sorted({c.kind.noun for c in actions if c.action == "create" and c.kind.mints})
    if minting and secrets_out is None:
        raise UsageError(f"creating {', '.join(minting)} returns secrets: give --secrets-out DIR to keep them "
                         "(files of mode 0600); nothing was changed")
    summary = (f"({the_plan.count('create')} to create, {the_plan.count('update')} to update, "
               f"{the_plan.count('delete')} to delete)")
    confirm_change("apply", "the changes", "changes", [summary], yes)
    applier = Applier(spec, state, state.hooks, concurrency, secrets_out, app.err)
    results = applier.run(the_plan)
    if as_json:
        from gwctl.cli.render import emit

        emit([{k: v for k, v in r.items() if k != "exception"} for r in results])
    failed = [r for r in results if not r["ok"]]
    if failed:
        if len(results) == 1:
            raise failed[0]["exception"]
        done = len(results) - len(failed)
        from gwctl.cli.config_code.engine import resource

        names = ", ".join(f"{r['action']} {resource(spec.product, r['kind']).singular} {r['key']}" for r in failed)
        raise PartialFailure(f"{len(failed)} of {len(results)} changes failed ({done} done): {names}")


def _check_secrets_dir(path: str) -> None:
    from pathlib import Path

    from gwctl.errors import UsageError

    target = Path(path).expanduser()
    if target.exists() and not target.is_dir():
        raise UsageError(f"--secrets-out {path} is not a directory")
    if not target.exists():
        try:
            target.mkdir(parents=True, mode=0o700)
        except OSError as exc:
            raise UsageError(f"cannot create --secrets-out {path}: {exc.strerror}") from None
