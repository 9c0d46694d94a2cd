"""`gwctl pomerium policies`: PPL policies of a namespace."""

from __future__ import annotations

from typing import Annotated, List, Optional

import typer

from gwctl.cli.options import DEFAULT_LIMIT, AllOpt, ConcurrencyOpt, FromFileOpt, IdsArg, LimitOpt, YesOpt
from gwctl.cli.pomerium._common import (
    DescendantsOpt, FilterOpt, NamespaceOpt, OrderByOpt, check_update_flags, client, create_body, delete_many,
    list_scope, names, parse_json_option, resource_app, update_body,
)
from gwctl.cli.render import Column, emit
from gwctl.cli.input import limit_of
from gwctl.errors import UsageError

app = resource_app("policies", "Policies (PPL): list, get, create, update, delete.")

POLICY_COLUMNS = (
    Column("id", "id"),
    Column("name", "name"),
    Column("enforced", "enforced"),
    Column("routes", lambda p: names(p.get("routes"))),
    Column("namespace", "namespaceId"),
    Column("description", "description", default=False),
    Column("updated", "updatedAt"),
)
FLAGS = {"name": "--name", "namespaceId": "--namespace", "enforced": "--enforced", "ppl": "--ppl",
         "description": "--description", "explanation": "--explanation", "remediation": "--remediation"}
TEXT_FIELDS = ("description", "explanation", "remediation")

NameOpt = Annotated[Optional[str], typer.Option("--name", help="Policy name (1-128 characters).")]
EnforcedOpt = Annotated[Optional[bool], typer.Option("--enforced/--not-enforced", help="Enforced policies apply to every route of the namespace.")]
PplOpt = Annotated[Optional[str], typer.Option("--ppl", metavar="JSON|YAML", help='PPL rule(s), e.g. \'{"allow":{"and":[{"domain":{"is":"example.com"}}]}}\'.')]
AllowDomainOpt = Annotated[Optional[List[str]], typer.Option("--allow-domain", metavar="DOMAIN", help="Shortcut PPL: allow users of this email domain (repeatable).")]
AllowEmailOpt = Annotated[Optional[List[str]], typer.Option("--allow-email", metavar="EMAIL", help="Shortcut PPL: allow this user (repeatable).")]
DescriptionOpt = Annotated[Optional[str], typer.Option("--description", help="Description.")]
ExplanationOpt = Annotated[Optional[str], typer.Option("--explanation", help="Shown to users who are denied.")]
RemediationOpt = Annotated[Optional[str], typer.Option("--remediation", help="What a denied user can do about it.")]


def _ppl(ppl: Optional[str], domains: Optional[List[str]], emails: Optional[List[str]]):
    if ppl is not None and (domains or emails):
        raise UsageError("--ppl cannot be combined with --allow-domain/--allow-email")
    if ppl is not None:
        return parse_json_option(ppl, "--ppl")
    criteria = [{"domain": {"is": d}} for d in domains or []] + [{"email": {"is": e}} for e in emails or []]
    return {"allow": {"or": criteria}} if criteria else None


def _flags(name, namespace, enforced, ppl, domains, emails, description, explanation, remediation) -> dict:
    return {"name": name, "namespaceId": namespace, "enforced": enforced, "ppl": _ppl(ppl, domains, emails),
            "description": description, "explanation": explanation, "remediation": remediation}


def _complete(body: dict) -> dict:
    """Every PolicyProperties field is required by the spec: send the defaults too."""
    body.setdefault("enforced", False)
    for field in TEXT_FIELDS:
        body.setdefault(field, "")
    return body


@app.command("list")
def list_policies(
    namespace: NamespaceOpt = None,
    include_descendants: DescendantsOpt = None,
    order_by: OrderByOpt = None,
    filter_: FilterOpt = None,
    limit: LimitOpt = DEFAULT_LIMIT,
    all_: AllOpt = False,
) -> None:
    """List policies of a namespace, paging with offset/limit (GET /organizations/{org}/policies).

    Example: gwctl pomerium policies list --filter '{"items":[{"field":"enforced","operator":"is","value":true}]}'
    """
    scope = list_scope("policies", namespace, include_descendants, order_by, filter_)
    emit(client().list_policies(**scope, limit=limit_of(limit, all_)), POLICY_COLUMNS)


@app.command("get")
def get_policy(policy_id: Annotated[str, typer.Argument(metavar="POLICY_ID", help="Policy ID.")]) -> None:
    """Show one policy with its routes (GET /organizations/{org}/policies/{policyId}).

    Example: gwctl pomerium policies get POLICY_ID -o yaml
    """
    emit(client().get_policy(policy_id), POLICY_COLUMNS)


@app.command("create")
def create_policy(
    name: NameOpt = None,
    namespace: NamespaceOpt = None,
    enforced: EnforcedOpt = None,
    ppl: PplOpt = None,
    allow_domain: AllowDomainOpt = None,
    allow_email: AllowEmailOpt = None,
    description: DescriptionOpt = None,
    explanation: ExplanationOpt = None,
    remediation: RemediationOpt = None,
    from_file: FromFileOpt = None,
) -> None:
    """Create a policy (POST /organizations/{org}/policies); the body is checked before sending.

    Without --namespace (or namespaceId in the file) the policy goes to the cluster's namespace.
    Example: gwctl pomerium policies create --name employees --allow-domain example.com
    """
    from gwctl.api.pomerium.models import POLICY_COMPUTED, PolicyWrite

    flags = _flags(name, namespace, enforced, ppl, allow_domain, allow_email, description, explanation, remediation)
    body = create_body(PolicyWrite, from_file, flags, flag_names=FLAGS, strip=POLICY_COMPUTED)
    emit(client().create_policy(_complete(body)), POLICY_COLUMNS)


@app.command("update")
def update_policy(
    policy_id: Annotated[str, typer.Argument(metavar="POLICY_ID", help="Policy ID.")],
    name: NameOpt = None,
    namespace: NamespaceOpt = None,
    enforced: EnforcedOpt = None,
    ppl: PplOpt = None,
    allow_domain: AllowDomainOpt = None,
    allow_email: AllowEmailOpt = None,
    description: DescriptionOpt = None,
    explanation: ExplanationOpt = None,
    remediation: RemediationOpt = None,
    from_file: FromFileOpt = None,
) -> None:
    """Replace a policy (PUT .../policies/{policyId}): --from-file is the full body; flags alone
    change those fields of the current policy (read first).

    Example: gwctl pomerium policies update POLICY_ID --enforced
    """
    from gwctl.api.pomerium.models import POLICY_COMPUTED, PolicyWrite

    flags = _flags(name, namespace, enforced, ppl, allow_domain, allow_email, description, explanation, remediation)
    if from_file is None:
        check_update_flags(PolicyWrite, flags, FLAGS, {"namespaceId": "x", "name": "x", "ppl": {"allow": {"and": []}}},
                           "nothing to update: give --from-file or at least one field option")
    body = update_body(PolicyWrite, from_file, flags, lambda: client().get_policy(policy_id), flag_names=FLAGS,
                       strip=POLICY_COMPUTED)
    emit(client().update_policy(policy_id, _complete(body)), POLICY_COLUMNS)


@app.command("delete")
def delete_policies(ids: IdsArg, yes: YesOpt = False, concurrency: ConcurrencyOpt = 4) -> None:
    """Delete policies (DELETE .../policies/{policyId}); one still used by a route is refused.

    Example: gwctl pomerium policies delete POLICY_ID --yes
    """
    delete_many(ids, yes, concurrency, "policy", client().delete_policy)
