"""`gwctl opa setup-tokens`: gateway setup tokens, including unattended rotation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, List, Optional

import typer

from gwctl.cli.options import (
    DEFAULT_LIMIT,
    AllOpt,
    ConcurrencyOpt,
    FromFileOpt,
    IdsArg,
    LabelOpt,
    LimitOpt,
    OutFileOpt,
    YesOpt,
    product_app,
)
from gwctl.cli.context import get_app
from gwctl.cli.opa._shared import (
    RESOURCE_ADMIN_HINT,
    Listing,
    client,
    file_object,
    resolve_listed,
    resolve_many,
    role_hint,
    without_token,
)
from gwctl.cli.render import Column, emit
from gwctl.cli.flows import confirm, run_bulk
from gwctl.cli.secret_output import emit_secret
from gwctl.cli.input import limit_of, parse_labels, read_ids
from gwctl.errors import GwctlError, PartialFailure, UsageError

app = product_app("setup-tokens", "Gateway setup tokens: the one-time secrets gateways enrol with.")

TOKEN_COLUMNS = (
    Column("id", "id"),
    Column("description", "description"),
    Column("labels", "details.labels"),
    Column("created-at", "created_at"),
    Column("name", "name", default=False),
    Column("registration-type", "registration_type", default=False),
)
CREATED_COLUMNS = (*TOKEN_COLUMNS, Column("token", "token"))
REVEAL_COLUMNS = (Column("id", "id"), Column("description", "description"), Column("token", "token"))
ROTATE_COLUMNS = (
    Column("id", "created.id"),
    Column("description", "created.description"),
    Column("labels", "created.details.labels"),
    Column("created-at", "created.created_at"),
    Column("written-to", "written_to"),
    Column("replaced", "replaced"),
    Column("failed", lambda r: [f["id"] for f in r.get("failed") or ()]),
    Column("token", "created.token"),
)
NAME_HELP = "Token name (1-255 of letters, digits, '-', '_', '.')."


def resolve_token(ref: str, listing: Optional[Listing] = None) -> str:
    """A setup token's ID from its ID, or its unique description or name."""
    return resolve_listed(ref, "setup token", client().list_setup_tokens, ("description", "name"), RESOURCE_ADMIN_HINT,
                          listing)


def _check_fields(description: Optional[str], name: Optional[str]) -> None:
    import re

    if description is not None and not 1 <= len(description) <= 1024:
        raise UsageError("invalid --description: it must be 1 to 1024 characters")
    if name is not None and not re.match(r"^[\w\-_.]{1,255}$", name):
        raise UsageError(f"invalid --name {name!r}: use 1 to 255 letters, digits, '-', '_' or '.'")


def _create_body(description: Optional[str], name: Optional[str], labels: dict[str, str],
                 from_file: Optional[str]) -> dict[str, Any]:
    """The validated create body: the file's fields, overridden by the flags."""
    from gwctl.api.opa.models import SetupTokenCreate
    from gwctl.cli.input import validate_body

    _check_fields(description, name)
    body = file_object(from_file)
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


def _check_out(out: Optional[Path]) -> None:
    """Fail before any request when --out cannot be written."""
    from gwctl.cli.rotation import check_out

    check_out(out)


@app.command("list")
def list_tokens(limit: LimitOpt = DEFAULT_LIMIT, all_: AllOpt = False) -> None:
    """List the team's gateway setup tokens (their secret values are never shown).

    Example: gwctl opa setup-tokens list --all -o json
    """
    pages = client().list_setup_tokens(limit_of(limit, all_))
    with role_hint(RESOURCE_ADMIN_HINT):
        emit(([without_token(t) for t in page] for page in pages), TOKEN_COLUMNS)


@app.command("get")
def get_token(
    token: Annotated[str, typer.Argument(metavar="ID|DESCRIPTION", help="Setup token ID, or its unique description or name.")],
) -> None:
    """Show a setup token's metadata (use `reveal` for the secret value).

    Example: gwctl opa setup-tokens get b09ba4db-d5b4-4ec5-90da-188e1d13d467
    """
    token_id = resolve_token(token)
    with role_hint(RESOURCE_ADMIN_HINT):
        emit(without_token(client().get_setup_token(token_id)), TOKEN_COLUMNS)


@app.command("reveal")
def reveal_token(
    token: Annotated[str, typer.Argument(metavar="ID|DESCRIPTION", help="Setup token ID, or its unique description or name.")],
    out: OutFileOpt = None,
) -> None:
    """Print a setup token's secret value (GET .../token), or write it to --out.

    On a terminal or pipe only the token is printed; -o json gives the whole record.
    Example: gwctl opa setup-tokens reveal "Gateway Token 1" --out /var/lib/sft-gatewayd/setup.token
    """
    _check_out(out)
    token_id = resolve_token(token)
    with role_hint(RESOURCE_ADMIN_HINT):
        record = client().setup_token_value(token_id)
    if not isinstance(record, dict) or not record.get("token"):
        raise GwctlError(f"OPA returned no token value for setup token {token_id}")
    record = {"id": token_id, **record}  # Okta's own client reads only {"token": ...} from this endpoint
    app_ctx = get_app()
    if out is None and not (app_ctx.machine_output or app_ctx.opts.query):
        app_ctx.out(str(record["token"]))
        return
    emit_secret(record, "token", out, REVEAL_COLUMNS, label="setup token")


@app.command("create")
def create_token(
    description: Annotated[Optional[str], typer.Option("--description", "-d", help="What the token is for (1-1024 characters).")] = None,
    label: LabelOpt = None,
    name: Annotated[Optional[str], typer.Option("--name", help=NAME_HELP)] = None,
    from_file: FromFileOpt = None,
    out: OutFileOpt = None,
) -> None:
    """Create a gateway setup token (registration type gateway-agent) and print its secret once.

    --label k=v sets the labels gateways enrolled with it get. With --out the secret is
    written to FILE (0600, atomically) and only metadata is printed.
    Example: gwctl opa setup-tokens create -d "eu gateways" -l env=prod -l region=eu --out setup.token
    """
    labels = parse_labels(label)
    body = _create_body(description, name, labels, from_file)
    _check_out(out)
    api = client()
    with role_hint(RESOURCE_ADMIN_HINT):
        created = api.create_setup_token(body)
        if out is not None and not created.get("token"):  # a server that leaves it out of the 201
            created["token"] = api.setup_token_value(str(created.get("id"))).get("token")
    try:
        emit_secret(created, "token", out, CREATED_COLUMNS, label="setup token")
    except UsageError as exc:  # --out could not be written: the token exists all the same
        new_id = created.get("id")
        raise UsageError(f"{exc.message}; setup token {new_id} was created",
                         hint=f"write its value with `gwctl opa setup-tokens reveal {new_id} --out FILE`, "
                              f"or remove it with `gwctl opa setup-tokens delete {new_id} --yes`") from None


@app.command("delete")
def delete_tokens(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete setup tokens by ID (or unique description); gateways already enrolled are unaffected.

    Example: gwctl opa setup-tokens delete 0bcea2c6-8fd7-44f8-8125-eba8418a18d8 --yes
    """
    token_ids = resolve_many(read_ids(ids), resolve_token)
    confirm(f"Delete {len(token_ids)} setup token(s): {', '.join(token_ids)}?", yes)
    api = client()
    with role_hint(RESOURCE_ADMIN_HINT):
        run_bulk(token_ids, api.delete_setup_token, verb="deleted", noun="setup token", concurrency=concurrency)


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
    grace: Annotated[float, typer.Option("--grace", min=0, metavar="SECONDS",
                                         help="Wait this long after writing the new token before deleting the old ones.")] = 0.0,
    yes: YesOpt = False,
) -> None:
    """Rotate a setup token for cron: create the new one, store it, then delete the replaced ones.

    Order: create -> save it in a 0600 recovery file -> write --out (0600, atomic) and read
    it back -> wait --grace -> delete the replaced tokens -> remove the recovery file. If
    storing fails, nothing old is deleted and the error names the recovery file. If a delete
    fails the new token stays written and the command exits 10 naming the tokens left.
    Replacing tokens needs --yes without a terminal. -o json reports the new and replaced
    IDs. One rotation of a profile runs at a time (a second one waits).
    Example: gwctl opa setup-tokens rotate -d "prod gateways" -l env=prod --replace-matching-labels --out /etc/sft/setup.token --yes -o json
    """
    from gwctl.cli.flows import confirm_change
    from gwctl.cli.rotation import Rotation, check_out, rotation_lock, write_out

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
    with rotation_lock("opa", profile.name), role_hint(RESOURCE_ADMIN_HINT):
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
        with Rotation("opa", profile.name, "setup token", slug="setup-token", hint=hint) as rotation:
            secret, created = rotation.mint(lambda: _create(api, body))
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
