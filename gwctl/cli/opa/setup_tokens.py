"""`gwctl opa setup-tokens reveal|rotate`: OPA's own setup-token verbs (the secret value, unattended
rotation). list/get/create/delete come from the declaration (gwctl.resources.opa.SETUP_TOKENS)."""

from __future__ import annotations

from typing import Annotated, Any, List, Optional

import typer

from gwctl.cli.options import LabelOpt, LOCK_TIMEOUT, LockTimeoutOpt, OutFileOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.opa.resource_hooks import RESOURCE_ADMIN_HINT, client, lookup, role_hint, without_token
from gwctl.cli.render import Column, emit
from gwctl.cli.secret_output import check_out, emit_secret
from gwctl.cli.input import parse_labels
from gwctl.errors import GwctlError, PartialFailure, ServerError, UsageError

app = product_app("setup-tokens", "Gateway setup tokens: reveal the secret, rotate.")

REVEAL_COLUMNS = (Column("id", "id"), Column("description", "description"), Column("token", "token"))
ROTATE_COLUMNS = (Column("id", "created.id"), Column("description", "created.description"),
                  Column("labels", "created.details.labels"), Column("created-at", "created.created_at", kind="timestamp"),
                  Column("written-to", "written_to"), Column("replaced", "replaced"),
                  Column("failed", lambda r: [f["id"] for f in r.get("failed") or ()]),
                  Column("token", "created.token"))
NAME_HELP = "Token name (1-255 of letters, digits, '-', '_', '.')."


def resolve_token(ref: str, tokens: Any = None) -> str:
    """A setup token's ID from its ID, or its unique description or name (gwctl.cli.lookup)."""
    return (tokens or lookup("setup-tokens")).resolve(ref)


def resolve_many(refs: Any, resolver: Any = resolve_token) -> list[str]:
    """Several refs resolved against one listing of the setup tokens."""
    tokens = lookup("setup-tokens")
    return list(dict.fromkeys(resolver(ref, tokens) for ref in refs))


def _check_fields(description: Optional[str], name: Optional[str]) -> None:
    import re

    if description is not None and not 1 <= len(description) <= 1024:
        raise UsageError("invalid --description: it must be 1 to 1024 characters")
    if name is not None and not re.match(r"^[\w\-_.]{1,255}$", name):
        raise UsageError(f"invalid --name {name!r}: use 1 to 255 letters, digits, '-', '_' or '.'")


def _create_body(description: Optional[str], name: Optional[str], labels: dict[str, str],
                 from_file: Optional[str]) -> dict[str, Any]:
    """The validated create body of a rotation: the file's fields, overridden by the flags."""
    from gwctl.api.opa.models import SetupTokenCreate
    from gwctl.cli.input import read_body_file, validate_body

    _check_fields(description, name)
    loaded = read_body_file(from_file) if from_file else None
    if loaded is not None and not isinstance(loaded, dict):
        raise UsageError(f"invalid --from-file: expected an object, got {type(loaded).__name__}")
    body = dict(loaded or {})
    body.setdefault("registration_type", "gateway-agent")
    if description is not None:
        body["description"] = description
    if name is not None:
        body["name"] = name
    details = body.get("details")
    details = dict(details) if isinstance(details, dict) else ({} if details is None else details)
    if isinstance(details, dict):
        if labels:
            details["labels"] = labels
        details.setdefault("labels", {})
    body["details"] = details
    if not body.get("description"):
        raise UsageError("missing option --description (or a description in --from-file)")
    return validate_body(SetupTokenCreate, body, "--from-file" if from_file else "input")


@app.command("reveal")
def reveal_token(
    token: Annotated[str, typer.Argument(metavar="ID|DESCRIPTION", help="Setup token ID, or its unique description or name.")],
    out: OutFileOpt = None,
) -> None:
    """Print a setup token's secret value (GET .../token), or write it to --out.

    On a terminal or pipe only the token is printed; -o json gives the whole record.
    Example: gwctl opa setup-tokens reveal "Gateway Token 1" --out setup.token
    """
    check_out(out)
    token_id = resolve_token(token)
    record = client().setup_token_value(token_id)
    if not isinstance(record, dict) or not record.get("token"):
        raise ServerError(f"OPA returned no token value for setup token {token_id}")
    record = {"id": token_id, **record}  # Okta's own client reads only {"token": ...} from this endpoint
    app_ctx = get_app()
    if out is None and not (app_ctx.machine_output or app_ctx.opts.query):
        app_ctx.out(str(record["token"]))
        return
    emit_secret(record, "token", out, REVEAL_COLUMNS, label="setup token")


def _labels_of(token: dict[str, Any]) -> dict[str, str]:
    details = token.get("details") or {}
    return dict(details.get("labels") or {}) if isinstance(details, dict) else {}


@app.command("rotate")
def rotate_token(
    description: Annotated[Optional[str], typer.Option("--description", "-d", help="Description of the new token (1-1024 characters).")] = None,
    label: LabelOpt = None,
    name: Annotated[Optional[str], typer.Option("--name", help=NAME_HELP)] = None,
    replace: Annotated[Optional[List[str]], typer.Option(
        "--replace", metavar="ID", help="Setup token (ID or unique description) to delete once the new one is safe (repeatable).")] = None,
    replace_matching_labels: Annotated[bool, typer.Option(
        "--replace-matching-labels", help="Delete every existing token whose labels equal the new token's --label set.")] = False,
    out: OutFileOpt = None,
    grace: Annotated[float, typer.Option("--grace", min=0, max=86400, metavar="SECONDS",
                                         help="Wait this long after writing the new token before deleting the old ones.")] = 0.0,
    yes: YesOpt = False,
    lock_timeout: LockTimeoutOpt = LOCK_TIMEOUT,
) -> None:
    """Rotate a setup token for cron: create the new one, store it, then delete the replaced ones.

    Order: create -> save it in a 0600 recovery file -> write --out (0600, atomic) and read
    it back -> wait --grace -> delete the replaced tokens -> remove the recovery file. If
    storing fails, nothing old is deleted and the error names the recovery file. If a delete
    fails the new token stays written and the command exits 10 naming the tokens left.
    Replacing tokens needs --yes without a terminal. -o json reports the new and replaced
    IDs. If writing fails after the create the command exits 12 (`gwctl auth recover`
    finishes the job). One rotation of a profile (or of one --out file) runs at a time;
    another waits up to --lock-timeout seconds.
    Example: gwctl opa setup-tokens rotate -d "prod gateways" -l env=prod --replace-matching-labels --out setup.token --yes -o json
    """
    from gwctl.cli.flows import confirm_change
    from gwctl.cli.rotation import Rotation, check_out, rotation_lock, write_out

    if grace != grace:  # nan passes every range check
        raise UsageError("invalid --grace nan: give a number of seconds")
    labels = parse_labels(label)
    if replace and replace_matching_labels:
        raise UsageError("--replace and --replace-matching-labels cannot be combined")
    if replace_matching_labels and not labels:
        raise UsageError("--replace-matching-labels needs the new token's labels: give at least one --label KEY=VALUE")
    if description is None:
        raise UsageError("missing option --description")
    body = _create_body(description, name, labels, None)
    check_out(out)
    app_ctx = get_app()
    if (replace or replace_matching_labels) and not yes and not app_ctx.can_prompt:
        # Decided before any request, so a cron line fails the same whether or not tokens match today.
        if replace:
            confirm_change("delete", "setup token", "setup tokens", replace, yes, consequence="replaced by the new one")
        else:
            which = f"labelled {','.join(f'{k}={v}' for k, v in labels.items())}"
            confirm_change("delete", "setup tokens", "setup tokens", [which], yes, consequence="replaced by the new one")
    profile = app_ctx.profile("opa")
    api = client()
    with rotation_lock("opa", profile.name, lock_timeout, out=out), role_hint(RESOURCE_ADMIN_HINT):
        if replace_matching_labels:
            old = [t for page in api.list_setup_tokens() for t in page if _labels_of(t) == labels]
            old_ids = [str(t["id"]) for t in old]
        else:
            old_ids = resolve_many(replace or (), resolve_token)
            for old_id in old_ids:  # an unknown ID stops the rotation before anything is created
                api.get_setup_token(old_id)
        if old_ids:
            confirm_change("delete", "setup token", "setup tokens", old_ids, yes, consequence="replaced by the new one")
        hint = "write it where the gateways read it, then delete the file (the new setup token is valid)"
        with Rotation("opa", profile.name, "setup token", slug="setup-token", hint=hint, out=out) as rotation:
            secret, created = rotation.mint(lambda: _create(api, body), facts=lambda c: {"token_id": str(c.get("id"))})
            new_id = str(created.get("id"))
            app_ctx.err(f"created setup token {new_id}")
            if out is not None:
                with rotation.step("write"):
                    write_out(out, secret)
                app_ctx.err(f"wrote the setup token to {out} (mode 0600)")
                rotation.secured()
            replaced, failed = _delete_replaced(api, [i for i in old_ids if i != new_id], grace)
            record = without_token(created) if out is not None else created
            report = {"created": record, "written_to": str(out) if out is not None else None,
                      "replaced": replaced, "failed": failed}
            with rotation.step("print"):
                emit(report, [c for c in ROTATE_COLUMNS if c.name != "token" or out is None])
    if failed:
        left = ", ".join(f["id"] for f in failed)
        where = f" and written to {out}" if out is not None else ""
        raise PartialFailure(
            f"the new setup token {new_id} is created{where}, but {len(failed)} old setup token(s) are left: {left}",
            hint=f"delete them later with `gwctl opa setup-tokens delete {' '.join(f['id'] for f in failed)} --yes`",
        )


def _create(api: Any, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Create the new setup token (a POST: never resent) and its secret value."""
    created = api.create_setup_token(body)
    secret = created.get("token")
    if not secret:  # a server that leaves it out of the 201
        secret = api.setup_token_value(str(created.get("id"))).get("token")
        created["token"] = secret
    return str(secret or ""), created


def _delete_replaced(api: Any, old_ids: list[str], grace: float) -> tuple[list[str], list[dict[str, Any]]]:
    """Delete the replaced tokens after --grace: (deleted or already gone, failed records)."""
    app_ctx = get_app()
    replaced: list[str] = []
    failed: list[dict[str, Any]] = []
    if old_ids and grace > 0:
        from gwctl.cli import context

        app_ctx.err(f"waiting {grace:g}s before deleting {len(old_ids)} old setup token(s)")
        context.sleep(grace)
    for old_id in old_ids:
        try:
            api.delete_setup_token(old_id)
        except GwctlError as exc:
            if exc.http_status == 404:
                app_ctx.err(f"setup token {old_id} was already gone")
                replaced.append(old_id)
                continue
            from gwctl.errors import exit_code_for

            failed.append({"id": old_id, "error": exc.message, "exit_code": exit_code_for(exc)})
            app_ctx.err(f"failed: setup token {old_id}: {exc.message}")
            continue
        replaced.append(old_id)
        app_ctx.err(f"deleted setup token {old_id}")
    return replaced, failed
