"""Pomerium's hooks into the generic verbs (gwctl.resources.pomerium): namespaced lists
(--namespace, --include-descendants, --order-by, --filter), the namespace of a new object,
the fields the spec requires on every write, --type of users, shortcut PPL flags, flags
checked before the current object is read, and tokens printed once (or written to --out)."""

from __future__ import annotations

from typing import Any

import click

# The console API's name of a namespaced list (for --order-by and --filter fields).
KINDS = {"routes": "routes", "policies": "policies", "key-pairs": "keyPairs"}
# Stand-ins for the required fields when only the flags of an update are checked (before any request).
SAMPLES: dict[str, dict[str, Any]] = {
    "routes": {"namespaceId": "x", "name": "x", "from": "https://x.example", "to": ["http://x"]},
    "policies": {"namespaceId": "x", "name": "x", "ppl": {"allow": {"and": []}}},
    "key-pairs": {"namespaceId": "x"},
    "clusters": {"name": "x"},
    "organizations": {"name": "x"},
}
POLICY_TEXT_FIELDS = ("description", "explanation", "remediation")
# Create answers holding a token shown once: noun -> (key of the token, its label, its column).
SECRET_ANSWERS = {"clusters": ("refreshToken", "cluster token", "cluster-token"),
                  "service-accounts": ("token", "service account token", "token")}
OUT_HELP = "Write the {label} to FILE (0600, atomic) instead of printing it."


def options(res: Any, verb: str) -> list[click.Parameter]:
    if verb == "create" and res.noun in SECRET_ANSWERS:
        from pathlib import Path

        label = SECRET_ANSWERS[res.noun][1]
        return [click.Option(["--out"], type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
                             help=OUT_HELP.format(label=label))]
    return []


def list_params(res: Any, params: dict[str, Any], extra: dict[str, Any], client: Any) -> dict[str, Any]:
    """Checked before any request, then the namespace is resolved (which may need one)."""
    if res.noun == "users" and params.get("userType") is not None:
        from gwctl.api.pomerium.client import USER_TYPES
        from gwctl.cli.pomerium.options import check_choice

        params["userType"] = USER_TYPES[check_choice(params["userType"], tuple(USER_TYPES), "--type")]
    if res.noun not in KINDS:
        return params
    import json

    from gwctl.cli.pomerium.options import filter_param, order_param

    kind = KINDS[res.noun]
    order = order_param(params.pop("orderBy", None), kind)
    filt = filter_param(params.pop("filter", None), kind)
    namespace, descendants = params.pop("namespaceId", None), params.pop("includeDescendants", None)
    if not namespace:
        if client.has_cluster:
            namespace = client.cluster_namespace()
        else:
            namespace, descendants = client.root_namespace(), True if descendants is None else descendants
    params["namespaceId"] = namespace
    if descendants is not None:
        params["includeDescendants"] = "true" if descendants else "false"
    if order:
        params["orderBy"] = order
    if filt:
        params["filter"] = json.dumps(filt, separators=(",", ":"))
    return params


def check(res: Any, verb: str, given: dict[str, Any], file_body: dict[str, Any] | None) -> dict[str, Any]:
    """Shortcut PPL flags become ppl; an update's flags (or file) are checked before any request."""
    if res.noun == "policies":
        given = _shortcut_ppl(given)
    # A patch's flags are checked as an update's would be (a JSON Patch document is checked on its own).
    model = res.model("update") if verb == "update" or (verb == "patch" and given) else None
    if model is not None:
        from gwctl.cli.input import validate_body

        flag_names = {f.key: f.flag.split("/")[0] for f in res.fields}
        if file_body is None:
            validate_body(model, {**SAMPLES.get(res.noun, {}), **given}, "options", flag_names, set(given))
        else:
            validate_body(model, {**file_body, **given}, "--from-file", flag_names, set(given))
    return given


def _shortcut_ppl(given: dict[str, Any]) -> dict[str, Any]:
    from gwctl.errors import UsageError

    domains, emails = given.pop("allowDomain", None), given.pop("allowEmail", None)
    if not (domains or emails):
        return given
    if "ppl" in given:
        raise UsageError("--ppl cannot be combined with --allow-domain/--allow-email")
    criteria = [{"domain": {"is": d}} for d in domains or []] + [{"email": {"is": e}} for e in emails or []]
    return {**given, "ppl": {"allow": {"or": criteria}}}


def body(res: Any, verb: str, body: dict[str, Any], extra: dict[str, Any], client: Any) -> dict[str, Any]:
    """What the server computes is never sent (a `get` output given to update --from-file); a new
    namespaced object without a namespace goes to the cluster's; the spec's required fields are
    sent with their defaults."""
    if "namespace" not in res.scope:
        return body
    flags = {f.key for f in res.fields}
    body = {k: v for k, v in body.items() if k not in res.managed or k in flags}
    if verb == "create" and not body.get("namespaceId"):
        body["namespaceId"] = namespace_for_write(client)
    if res.noun == "routes":
        from gwctl.api.pomerium.models import RouteWrite

        for field, info in RouteWrite.model_fields.items():
            if info.annotation is bool:
                body.setdefault(info.alias or field, False)
        body.setdefault("policyIds", [])
    elif res.noun == "policies":
        body.setdefault("enforced", False)
        for field in POLICY_TEXT_FIELDS:
            body.setdefault(field, "")
    return body


def namespace_for_write(client: Any) -> str:
    """The namespace of a new object given none: the cluster's."""
    if not client.has_cluster:
        from gwctl.errors import UsageError

        raise UsageError("no namespace: pass --namespace NAMESPACE_ID, or --cluster CLUSTER_ID to use its namespace",
                         hint="see `gwctl pomerium namespaces list`")
    return client.cluster_namespace()


def result(res: Any, verb: str, item: Any, extra: dict[str, Any], client: Any) -> bool:
    """A created cluster or service account carries its token once: print it, or write it to --out."""
    if verb != "create" or res.noun not in SECRET_ANSWERS or not isinstance(item, dict):
        return False
    from gwctl.cli.pomerium.secret_records import emit_secret_record
    from gwctl.columns import Column

    key, label, column = SECRET_ANSWERS[res.noun]
    columns = tuple(c for c in res.columns if c.default)[:4] + (Column(column, key),)
    emit_secret_record(item, (key,), extra.get("out"), columns, label)
    return True
