"""Vault Gatekeeper v1 (nemosupremo/vault-gatekeeper): no API credentials, five operations.

Success bodies are {"unsealed", "message"}, errors {"unsealed", "error"}; /status
answers 503 with the full status body when sealed.
"""

from __future__ import annotations

from typing import Any

import httpx

from gwctl.api.base import Connection, ProductClient
from gwctl.api.http import HttpClient
from gwctl.errors import ServerError

UNSEAL_METHODS = ("token", "token-wrapped", "approle", "aws", "aws-ec2", "github")
UNSEAL_FIELDS = ("token", "role_id", "secret_id", "aws_role", "aws_nonce", "personal_token")


def parse_error(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        if isinstance(body.get("error"), str):
            return body["error"]
        errors = body.get("errors")  # Vault's own shape
        if isinstance(errors, list) and errors:
            return "; ".join(str(e) for e in errors)
    return None


def is_status_report(response: httpx.Response) -> bool:
    """A sealed Gatekeeper answers 503 with its status body; a proxy's 503 is not that."""
    if response.status_code != 503:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and "unsealed" in body and "id" in body


class GatekeeperClient(ProductClient):
    def __init__(self, conn: Connection) -> None:
        self.profile_name = conn.profile_name
        conn.config.error_parser = parse_error
        conn.config.secret_headers = (*conn.config.secret_headers, "X-Vault-Token")
        self.http = HttpClient(conn.config)
        self.secrets = conn.secrets
        self.url = conn.url
        self.options = conn.options

    # -- HA peers ----------------------------------------------------------------------------------

    def peer_addresses(self, own: dict[str, Any] | None = None) -> list[str]:
        """The peers to check: the profile's `peers`, else the addresses this instance reports."""
        configured = self.options.get("peers")
        if configured:
            return [p.strip() for p in str(configured).split(",") if p.strip()]
        reported = (own or self.status()).get("peers") or []
        return [_peer_url(p["address"]) for p in reported if isinstance(p, dict) and p.get("address")]

    def peer_status(self, address: str) -> dict[str, Any]:
        """A peer's own GET /status (a sealed peer answers 503 with it)."""
        response = self.http.request("GET", address.rstrip("/") + "/status", ok=is_status_report)
        return self.http.decode(response)

    # -- the policy in Vault -------------------------------------------------------------------------

    def policy_store(self) -> Any:
        from gwctl.api.gatekeeper.policy_store import PolicyStore
        from gwctl.errors import UsageError

        vault_addr = self.options.get("vault_addr")
        if not vault_addr:
            raise UsageError(f"profile {self.profile_name!r} has no Vault address for the policy",
                             hint=f"set it with `gwctl profile add {self.profile_name} --product gatekeeper --url "
                                  f"{self.url} --vault-addr URL --force`")
        token = self.secrets.require("vault_token")["vault_token"]
        return PolicyStore(self.http, str(vault_addr), token, str(self.options.get("kv_mount") or "secret"),
                           str(self.options.get("policy_path") or "gatekeeper"),
                           int(self.options.get("kv_version") or 2))

    def vault_token_lookup(self) -> list[dict[str, Any]] | None:
        """The profile's Vault token as Vault sees it (GET {vault_addr}/v1/auth/token/lookup-self):
        accessor, expiry, TTL, policies; never the token. None without a Vault address."""
        vault_addr = self.options.get("vault_addr")
        if not vault_addr:
            return None
        token = self.secrets.require("vault_token")["vault_token"]
        body = self.http.get(str(vault_addr).rstrip("/") + "/v1/auth/token/lookup-self",
                             headers={"X-Vault-Token": token})
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return []
        return [{k: data.get(k) for k in ("accessor", "display_name", "expire_time", "ttl", "policies", "renewable")}]

    def status(self) -> dict[str, Any]:
        response = self.http.request("GET", "/status", ok=is_status_report)
        return self.http.decode_as(response, dict)

    def seal(self) -> dict[str, Any]:
        return self.http.post("/seal", expect=dict)

    def unseal(self, method: str, **fields: str | None) -> dict[str, Any]:
        body = {"method": method, **{k: v for k, v in fields.items() if v}}
        for key in ("token", "secret_id", "personal_token"):
            if body.get(key):
                self.http.redactor.add(body[key])
        return self.http.post("/unseal", json=body, expect=dict)

    def reload_policies(self) -> dict[str, Any]:
        return self.http.post("/policies/reload", expect=dict)

    def request_token(self, task_id: str, scheduler: str | None = None, role: str | None = None) -> dict[str, Any]:
        body = {"task_id": task_id, **({"scheduler": scheduler} if scheduler else {}), **({"role": role} if role else {})}
        result = self.http.post("/token", json=body, expect=dict)
        token = result.get("token")
        if not isinstance(token, str) or not token:
            raise ServerError("POST /token: Gatekeeper answered without a token")
        self.http.redactor.add(token)
        return result

    def unwrap(self, vault_addr: str, wrapping_token: str) -> dict[str, Any]:
        """Vault's POST /v1/sys/wrapping/unwrap: trade a wrapping token for the real one."""
        url = vault_addr.rstrip("/") + "/v1/sys/wrapping/unwrap"
        result = self.http.post(url, headers={"X-Vault-Token": wrapping_token}, expect=dict)
        auth = result.get("auth")
        token = auth.get("client_token") if isinstance(auth, dict) else None
        if isinstance(token, str) and token:
            self.http.redactor.add(token)
        return result


def _peer_url(address: str) -> str:
    """Gatekeeper's --peers takes host:port with an optional scheme; https is the default."""
    address = address.strip()
    return address if "://" in address else "https://" + address


def connect(conn: Connection) -> GatekeeperClient:
    return GatekeeperClient(conn)
