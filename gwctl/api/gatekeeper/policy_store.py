"""The Gatekeeper policy kept in Vault's KV secrets engine (what upstream `gatekeeper policy` reads).

Gatekeeper loads the policy at its policy path and every path below it, merged; `update`
writes the path itself: KV v2 `POST /v1/{mount}/data/{path}` with ``{"data": policy}``, KV v1
`POST /v1/{mount}/{path}` with the policy as the body. Calls carry ``X-Vault-Token``.
"""

from __future__ import annotations

import re
from typing import Any

from gwctl.api.base import seg
from gwctl.api.http import HttpClient
from gwctl.errors import NotFoundError

POLICY_FIELDS = {"roles", "num_uses", "regexp"}


def validate_policy(policy: Any) -> list[str]:
    """What Gatekeeper would refuse in a policy document (policy/policy.go LoadPoliciesFromJson)."""
    if not isinstance(policy, dict):
        return [f"the policy must be an object of \"scheduler:task\" keys, not {type(policy).__name__}"]
    problems = []
    for key, rule in policy.items():
        where = f"key {key!r}"
        if key.endswith(":"):
            problems.append(f"{where}: keys must not end with ':'")
        if not isinstance(rule, dict):
            problems.append(f"{where}: expected an object with roles and num_uses")
            continue
        unknown = sorted(set(rule) - POLICY_FIELDS)
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)} (allowed: num_uses, regexp, roles)")
        roles = rule.get("roles")
        if roles is not None and not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
            problems.append(f"{where}: roles must be a list of AppRole names")
        uses = rule.get("num_uses")
        if isinstance(uses, bool) or not isinstance(uses, int) or uses < 1:
            problems.append(f"{where}: num_uses must be a whole number of at least 1")
        pattern = rule.get("regexp")
        if pattern is not None and not isinstance(pattern, str):
            problems.append(f"{where}: regexp must be a string")
        else:
            prefix = key[:-1] if key != "*" and key.endswith("*") else ""
            try:
                if pattern or prefix:
                    re.compile(prefix + (pattern or ""))
            except re.error:
                problems.append(f"{where}: invalid regexp")
    return problems


class PolicyStore:
    def __init__(self, http: HttpClient, vault_addr: str, token: str, mount: str = "secret",
                 path: str = "gatekeeper", kv_version: int = 2) -> None:
        self.http = http
        self.base = vault_addr.rstrip("/") + "/v1/" + "/".join(seg(p, "--kv-mount") for p in mount.split("/"))
        self.path = path.strip("/")
        self.version = kv_version
        self.headers = {"X-Vault-Token": token}
        http.redactor.add(token)

    def _url(self, kind: str, path: str) -> str:
        parts = "/".join(seg(p, "--policy-path") for p in path.split("/"))
        return f"{self.base}/{kind}/{parts}" if self.version == 2 else f"{self.base}/{parts}"

    @property
    def location(self) -> str:
        """How messages name the policy: the KV path as Vault's CLI writes it."""
        return self._url("data", self.path).split("/v1/", 1)[1]

    def read(self, path: str | None = None) -> dict | None:
        """The data stored at the policy path (or ``path``); None when nothing is stored there."""
        try:
            body = self.http.get(self._url("data", path or self.path), headers=self.headers, expect=dict)
        except NotFoundError:
            return None
        data = body.get("data")
        if self.version == 2:
            data = data.get("data") if isinstance(data, dict) else None
        return data if isinstance(data, dict) else None

    def _children(self, path: str) -> list[str]:
        try:
            body = self.http.get(self._url("metadata", path), params={"list": "true"}, headers=self.headers,
                                 expect=dict)
        except NotFoundError:
            return []
        listing = body.get("data")
        keys = listing.get("keys") if isinstance(listing, dict) else None
        keys = keys if isinstance(keys, list) else []
        found = []
        for key in keys:
            child = f"{path}/{str(key).rstrip('/')}"
            found += self._children(child) if str(key).endswith("/") else [child]
        return found

    def merged(self) -> tuple[dict, list[str]]:
        """The policy Gatekeeper loads: the path, then every path below it (later keys win), and
        the paths that held one."""
        merged: dict = {}
        sources = []
        for path in [self.path, *self._children(self.path)]:
            data = self.read(path)
            if data:
                merged.update(data)
                sources.append(path)
        return merged, sources

    def write(self, policy: dict) -> Any:
        body = {"data": policy} if self.version == 2 else policy
        return self.http.post(self._url("data", self.path), json=body, headers=self.headers)
