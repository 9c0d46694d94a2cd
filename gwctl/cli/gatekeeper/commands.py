"""`gwctl gatekeeper` seal/unseal, policy reload and task tokens (Typer; `status` is in status.py)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from gwctl.cli.options import OutFileOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.cli.flows import confirm_change
from gwctl.cli.secret_output import emit_secret
from gwctl.cli.error_hints import explain
from gwctl.cli.gatekeeper.status import SEALED_HINT, _client
from gwctl.errors import ServerError, UsageError

app = product_app("gatekeeper", "Vault Gatekeeper: task tokens, status, seal/unseal, policy reload.")
policies_app = product_app("policies", "Gatekeeper policies (kept in Vault).")
token_app = product_app("token", "Wrapped Vault tokens for scheduled tasks.")
app.add_typer(policies_app, name="policies")
app.add_typer(token_app, name="token")

MESSAGE_COLUMNS = cols("unsealed", "message")
TOKEN_COLUMNS = cols("token", "ttl", "vault_addr")
CLIENT_TOKEN_COLUMNS = (Column("client_token", "client_token"), Column("accessor", "accessor"),
                        Column("policies", "policies"), Column("lease_duration", "lease_duration"),
                        Column("renewable", "renewable"))


def _gatekeeper_said(exc) -> bool:
    """True for Gatekeeper's own {"unsealed", "error"} body; a proxy's 502/503 page keeps its raw message."""
    return isinstance(exc.body, dict) and "unsealed" in exc.body


def _report(body: dict) -> None:
    """Write the server's message to stderr, or the whole body for machine output."""
    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(body)
    else:
        app_ctx.err(str(body.get("message", "")))


@app.command("seal")
def seal(yes: YesOpt = False) -> None:
    """Seal the instance (POST /seal): it stops handing out tokens until unsealed."""
    profile = get_app().profile("gatekeeper")
    confirm_change("seal", "Gatekeeper", "Gatekeepers", [profile.url], yes,
                   consequence="scheduled tasks get no tokens until it is unsealed")
    _report(_client().seal())


def _secret(flag_stdin: bool, env: str, label: str, flag: str, stored: str | None = None) -> str:
    """A secret from stdin, an env var, the profile's store, or a TTY prompt; never a flag value."""
    app_ctx = get_app()
    if flag_stdin:
        value = sys.stdin.readline().strip()
        if not value:
            raise UsageError(f"{flag}: stdin was empty")
        return value
    if os.environ.get(env):
        return os.environ[env]
    if stored:
        return stored
    if app_ctx.can_prompt:
        return typer.prompt(label, hide_input=True, err=True).strip()
    raise UsageError(f"no {label.lower()}: pass it on stdin with {flag}, set {env}, or run on a terminal")


@app.command("unseal")
def unseal(
    method: Annotated[str, typer.Option("--method", "-m", metavar="METHOD",
                                        help="token, token-wrapped, approle, aws, aws-ec2 or github.")],
    token_stdin: Annotated[bool, typer.Option("--token-stdin", help="Read the Vault token (token, token-wrapped) from stdin; else GWCTL_VAULT_TOKEN, the profile's stored token, or a prompt.")] = False,
    role_id: Annotated[Optional[str], typer.Option("--role-id", help="AppRole role ID (approle).")] = None,
    secret_id_stdin: Annotated[bool, typer.Option("--secret-id-stdin", help="Read the AppRole secret ID from stdin; else GWCTL_VAULT_SECRET_ID or a prompt.")] = False,
    aws_role: Annotated[Optional[str], typer.Option("--aws-role", help="Vault AWS auth role (aws, aws-ec2).")] = None,
    aws_nonce: Annotated[Optional[str], typer.Option("--aws-nonce", help="AWS EC2 login nonce (aws, aws-ec2).")] = None,
    github_token_stdin: Annotated[bool, typer.Option("--github-token-stdin", help="Read the GitHub personal token from stdin; else GWCTL_GITHUB_TOKEN or a prompt.")] = False,
) -> None:
    """Unseal the instance with Vault credentials (POST /unseal).

    Secrets are never taken as flag values: use stdin, the environment or the prompt.
    Example: printf '%s\\n' "$VAULT_TOKEN" | gwctl gatekeeper unseal --method token --token-stdin
    """
    from gwctl.api.gatekeeper.client import UNSEAL_METHODS

    if method not in UNSEAL_METHODS:
        raise UsageError(f"invalid --method {method!r}: choose from {', '.join(UNSEAL_METHODS)}")
    fields: dict[str, str | None] = {}
    if method in ("token", "token-wrapped"):
        stored = None
        if not token_stdin and not os.environ.get("GWCTL_VAULT_TOKEN") and method == "token":
            app_ctx = get_app()
            stored = app_ctx.credentials(app_ctx.profile("gatekeeper")).get("vault_token")
        label = "Vault token" if method == "token" else "Wrapped Vault token"
        fields["token"] = _secret(token_stdin, "GWCTL_VAULT_TOKEN", label, "--token-stdin", stored)
    elif method == "approle":
        if not role_id:
            raise UsageError("missing option --role-id (required for --method approle)")
        fields["role_id"] = role_id
        fields["secret_id"] = _secret(secret_id_stdin, "GWCTL_VAULT_SECRET_ID", "AppRole secret ID", "--secret-id-stdin")
    elif method in ("aws", "aws-ec2"):
        if not aws_role:
            raise UsageError(f"missing option --aws-role (required for --method {method})")
        fields["aws_role"] = aws_role
        fields["aws_nonce"] = aws_nonce
    elif method == "github":
        fields["personal_token"] = _secret(github_token_stdin, "GWCTL_GITHUB_TOKEN", "GitHub personal token", "--github-token-stdin")
    with explain(
        {400: "Gatekeeper could not decode the unseal request",
         422: f"Gatekeeper does not support the unseal method {method!r}",
         401: f"Vault rejected the {method} credentials, or Gatekeeper could not load its policies"},
        {401: "check the credentials against Vault, then retry"},
        when=_gatekeeper_said,
    ):
        _report(_client().unseal(method, **fields))


@policies_app.command("reload")
def reload_policies() -> None:
    """Reload the policies from Vault (POST /policies/reload); unsealed peers follow."""
    with explain({503: "Gatekeeper is sealed: it cannot reload policies"}, {503: SEALED_HINT}, when=_gatekeeper_said):
        _report(_client().reload_policies())


@token_app.command("request")
def request_token(
    task_id: Annotated[str, typer.Option("--task-id", help="The scheduler's task ID (e.g. $MESOS_TASK_ID).")],
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="mesos, dcosee-mesos or ecs (default: the server's first).")] = None,
    role: Annotated[Optional[str], typer.Option("--role", help="AppRole to request (must be allowed by the task's policy).")] = None,
    unwrap: Annotated[bool, typer.Option("--unwrap", help="Unwrap at Vault and print the real client token.")] = False,
    vault_addr: Annotated[Optional[str], typer.Option("--vault-addr", metavar="URL", help="Vault to unwrap at (default: vault_addr from the response).")] = None,
    out: OutFileOpt = None,
) -> None:
    """Request a response-wrapped Vault token for a task (POST /token; never retried).

    Prints the wrapping token, its ttl and vault_addr; with --unwrap, the client token.
    With --out the secret goes to FILE (0600, atomic) and only metadata is printed.
    """
    from gwctl.config.profiles import validate_url

    if not task_id.strip():
        raise UsageError("--task-id must not be empty")
    if vault_addr:
        vault_addr = validate_url(vault_addr, "--vault-addr")
    from gwctl.cli.secret_output import check_out

    check_out(out)  # before the request: each one uses up one of the task's tokens
    client = _client()
    with explain(
        {401: f"task {task_id!r} is unknown to the scheduler (or the caller's host does not match it)",
         403: f"task {task_id!r} is too old for a token, or the role is not allowed by its policy",
         429: f"task {task_id!r} has used all the tokens its policy allows; a repeated request may mean "
              "the task ID was stolen: investigate before raising the limit",
         500: "Gatekeeper could not issue a token (no policy matches the task, unknown scheduler, or a Vault error)",
         503: "Gatekeeper is sealed and no unsealed peer could answer"},
        {401: "check --task-id (and --scheduler): the task must be running, and ask from the host it runs on",
         503: SEALED_HINT},
        when=_gatekeeper_said,
    ):
        wrapped = client.request_token(task_id, scheduler, role)
    if not unwrap:
        emit_secret(wrapped, "token", out, TOKEN_COLUMNS, label="wrapping token")
        return
    address = vault_addr or wrapped.get("vault_addr")
    if not address:
        raise UsageError("the response has no vault_addr: pass --vault-addr URL")
    with explain({400: "Vault refused to unwrap the token (already used, expired, or not a wrapping token)"}):
        result = client.unwrap(address, wrapped["token"])
    auth = dict((result or {}).get("auth") or {})
    if not auth.get("client_token"):
        raise ServerError("Vault's unwrap answer held no client token")
    emit_secret(auth, "client_token", out, CLIENT_TOKEN_COLUMNS, label="client token")


def command(name: str):
    """One of the commands above as a click command (for the lazily loaded `gwctl gatekeeper` group)."""
    import typer.main

    return typer.main.get_command(app).commands[name]
