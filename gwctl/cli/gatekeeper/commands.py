"""`gwctl gatekeeper` seal, unseal, wait, policies and token commands (Typer; `status` is in .status)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Optional

import typer

from gwctl.cli.options import OutFileOpt, WaitIntervalOpt, WaitTimeoutOpt, YesOpt, product_app
from gwctl.cli.context import get_app
from gwctl.cli.render import Column, cols, emit
from gwctl.cli.flows import confirm_change
from gwctl.cli.secret_output import emit_secret
from gwctl.cli.error_hints import explain
from gwctl.cli.gatekeeper.status import SEALED_HINT, peer_row, peer_states, probe
from gwctl.errors import ServerError, UsageError
from gwctl.products import PRODUCTS

app = product_app("gatekeeper", PRODUCTS["gatekeeper"].help)  # only holds the commands: see command()
policies_app = product_app("policies", "Gatekeeper policies (kept in Vault).")
token_app = product_app("token", "Wrapped Vault tokens for scheduled tasks.")


def command(name: str):
    """One of this module's top-level commands, as click (the product group loads each on its own)."""
    import typer.main

    return typer.main.get_command(app).commands[name]


MESSAGE_COLUMNS = cols("unsealed", "message")
TOKEN_COLUMNS = cols("token", Column("ttl", "ttl", kind="duration"), "vault_addr")
CLIENT_TOKEN_COLUMNS = (Column("accessor", "accessor"), Column("ttl", "ttl", header="TTL", kind="duration"),
                        Column("expires", "expires"), Column("policies", "policies"),
                        Column("renewable", "renewable"),
                        Column("lease_duration", "lease_duration", default=False, kind="duration"),
                        Column("client_token", "client_token"))
POLICY_COLUMNS = (Column("key", "key"), Column("roles", "roles"), Column("num_uses", "num_uses"),
                  Column("regexp", "regexp"))


def _client():
    return get_app().client("gatekeeper")


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
    """Seal the instance (POST /seal): it stops handing out tokens until unsealed.

    Example: gwctl gatekeeper seal --yes
    """
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


PolicyFileArg = Annotated[str, typer.Argument(metavar="FILE|-", help="Policy document, JSON or YAML (- for stdin).")]


def _policy_rows(policy: dict) -> list[dict]:
    return [{"key": key, **(rule if isinstance(rule, dict) else {})} for key, rule in sorted(policy.items())]


def _read_policy(path: str) -> dict:
    """The policy document in FILE, checked as Gatekeeper checks it; exit 2 naming the file and key."""
    from gwctl.api.gatekeeper.policy_store import validate_policy
    from gwctl.cli.input import read_body_file

    policy = read_body_file(path, "FILE")
    problems = validate_policy(policy)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise UsageError(f"invalid policy in {'stdin' if path == '-' else path}: {problems[0]}{more}")
    return policy


def _canonical(policy: dict | None) -> list[str]:
    import json

    return json.dumps(policy or {}, indent=2, sort_keys=True).splitlines(keepends=True) if policy else []


@policies_app.command("get")
def get_policy() -> None:
    """Show the policy Gatekeeper loads from Vault: the policy path and every path below it, merged.

    -o json prints the policy document itself (what `update` takes). The Vault address, KV mount,
    path and version come from the profile; the Vault token from GWCTL_VAULT_TOKEN or the keyring.

    \b
    Example: gwctl gatekeeper policies get -o json
    """
    store = _client().policy_store()
    policy, sources = store.merged()
    if not sources:
        from gwctl.errors import NotFoundError

        raise NotFoundError(f"no policy is stored at {store.location}",
                            hint="write one with `gwctl gatekeeper policies update FILE`")
    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit(policy)
    else:
        emit(_policy_rows(policy), POLICY_COLUMNS)


@policies_app.command("validate")
def validate_policy_file(path: PolicyFileArg) -> None:
    """Check a policy document as Gatekeeper would, without sending anything (exit 2 if invalid).

    \b
    Example: gwctl gatekeeper policies get -o json > policy.json && gwctl gatekeeper policies validate policy.json
    """
    policy = _read_policy(path)
    get_app().err(f"valid policy: {len(policy)} key(s)")


@policies_app.command("diff")
def diff_policy(path: PolicyFileArg) -> None:
    """Show what `update FILE` would change in the policy stored at the policy path (unified diff).

    Only the policy path itself is compared: paths below it are kept by an update.

    \b
    Example: gwctl gatekeeper policies get -o json > policy.json && gwctl gatekeeper policies diff policy.json
    """
    import difflib

    policy = _read_policy(path)
    store = _client().policy_store()
    current = store.read()
    lines = list(difflib.unified_diff(_canonical(current), _canonical(policy), f"vault:{store.location}",
                                      "stdin" if path == "-" else path))
    app_ctx = get_app()
    if app_ctx.machine_output or app_ctx.opts.query:
        emit({"location": store.location, "changed": bool(lines), "diff": "".join(lines)})
        return
    if lines:
        sys.stdout.write("".join(line if line.endswith("\n") else line + "\n" for line in lines))
    else:
        app_ctx.err(f"no changes: {store.location} already holds this policy")


@policies_app.command("update")
def update_policy(
    path: PolicyFileArg,
    reload: Annotated[bool, typer.Option("--reload", help="Then reload the policies on Gatekeeper "
                                                        "(POST /policies/reload).")] = False,
) -> None:
    """Replace the policy stored at the policy path in Vault with FILE (checked first).

    Gatekeeper keeps using its loaded policy until it reloads: pass --reload, or run
    `gwctl gatekeeper policies reload` afterwards.

    \b
    Example: gwctl gatekeeper policies get -o json > policy.json && gwctl gatekeeper policies update policy.json --reload
    """
    policy = _read_policy(path)
    client = _client()
    store = client.policy_store()
    with explain({403: f"Vault refused the token for {store.location}"},
                 {403: "the Vault token needs create and update on that path"}):
        store.write(policy)
    app_ctx = get_app()
    app_ctx.err(f"updated the Gatekeeper policy at {store.location} ({len(policy)} key(s))")
    if reload:
        reload_policies()
    else:
        app_ctx.err("run `gwctl gatekeeper policies reload` to make Gatekeeper use it")


@policies_app.command("reload")
def reload_policies() -> None:
    """Reload the policies from Vault (POST /policies/reload); unsealed peers follow.

    Example: gwctl gatekeeper policies reload
    """
    with explain({503: "Gatekeeper is sealed: it cannot reload policies"}, {503: SEALED_HINT}, when=_gatekeeper_said):
        _report(_client().reload_policies())


@app.command("wait")
def wait(
    for_: Annotated[str, typer.Option("--for", metavar="CONDITION",
                                      help="unsealed: the instance (with --peers: every peer) is unsealed.")] = "unsealed",
    peers: Annotated[bool, typer.Option("--peers", help="Wait until every HA peer is reachable and unsealed.")] = False,
    timeout: WaitTimeoutOpt = "5m",
    interval: WaitIntervalOpt = "1s",
) -> None:
    """Wait until Gatekeeper is unsealed, polling its status with back-off.

    An instance that cannot be reached yet (restarting) counts as not unsealed.
    Exit 0 when unsealed (on every peer with --peers), 7 on timeout.

    \b
    Example: gwctl gatekeeper wait --for unsealed --peers --timeout 2m
    """
    from gwctl.cli.gatekeeper.waits import CONDITIONS
    from gwctl.cli.waiting import run_wait

    what = "every Gatekeeper peer" if peers else "Gatekeeper"
    run_wait(what, CONDITIONS, for_, timeout, interval, _Peers(_client, peers))


class _Peers:
    """What `wait` reads: the peer rows of this instance (and with --peers, of every peer)."""

    def __init__(self, client, all_peers: bool) -> None:
        self.client, self.all_peers = client, all_peers

    def read(self) -> list[dict]:
        client = self.client()
        if self.all_peers:
            return peer_states(client)
        return [peer_row(get_app().profile("gatekeeper").url, probe(client.status))]


@token_app.command("request")
def request_token(
    task_id: Annotated[str, typer.Option("--task-id", help="The scheduler's task ID (e.g. $MESOS_TASK_ID).")],
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="mesos, dcosee-mesos or ecs (default: the server's first).")] = None,
    role: Annotated[Optional[str], typer.Option("--role", help="AppRole to request (must be allowed by the task's policy).")] = None,
    unwrap: Annotated[bool, typer.Option("--unwrap", help="Unwrap at Vault and show the client token's accessor and "
                                                        "TTL (the token itself only with --show-token or --out).")] = False,
    show_token: Annotated[bool, typer.Option("--show-token", help="With --unwrap: also print the client token.")] = False,
    vault_addr: Annotated[Optional[str], typer.Option("--vault-addr", metavar="URL", help="Vault to unwrap at (default: vault_addr from the response).")] = None,
    out: OutFileOpt = None,
) -> None:
    """Request a response-wrapped Vault token for a task (POST /token; never retried).

    Prints the wrapping token, its ttl and vault_addr. With --unwrap, the client token's
    accessor (to revoke it: vault token revoke -accessor ACCESSOR), TTL, expiry and
    policies; the token itself only with --show-token, or written to --out FILE (0600,
    atomic) while only metadata is printed.

    Examples:
      gwctl gatekeeper token request --task-id web-task
      gwctl gatekeeper token request --task-id web-task --unwrap --out vault.token
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
    if not isinstance(address, str) or not address:
        raise UsageError("the response has no vault_addr: pass --vault-addr URL")
    with explain({400: "Vault refused to unwrap the token (already used, expired, or not a wrapping token)"}):
        result = client.unwrap(address, wrapped["token"])
    auth = result.get("auth")
    auth = dict(auth) if isinstance(auth, dict) else {}
    if not isinstance(auth.get("client_token"), str) or not auth["client_token"]:
        raise ServerError("Vault's unwrap answer held no client token")
    auth.update(_lease(auth.get("lease_duration")))
    if out is not None or show_token:
        emit_secret(auth, "client_token", out, CLIENT_TOKEN_COLUMNS, label="client token")
        return
    auth.pop("client_token")
    emit(auth, [c for c in CLIENT_TOKEN_COLUMNS if c.name != "client_token"])
    get_app().err("the client token is not shown: pass --show-token to print it or --out FILE to keep it")


def _lease(seconds) -> dict:
    """ttl (as Vault's CLI writes it, e.g. 768h) and expires (RFC 3339 UTC) of a lease in seconds."""
    import time

    if not isinstance(seconds, int) or isinstance(seconds, bool):
        return {"ttl": None, "expires": None}
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    ttl = "".join(f"{n}{u}" for n, u in ((hours, "h"), (minutes, "m"), (secs, "s")) if n) or "0s"
    return {"ttl": ttl, "expires": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + seconds))}
