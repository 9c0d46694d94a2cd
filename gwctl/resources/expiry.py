"""What expires, per product, and where the API says when: the data `gwctl expiring` reads.

An ``Expiring`` names a kind of item, how to list it (a declared resource's noun, or a client
method returning a list of objects) and which field holds its expiry in which format. ``at=None``
means the API gives no expiry: such items are counted once per profile, shown only with
--include-unknown. Short-lived tokens gwctl caches (``CACHED_TOKENS``) come from the token cache.
Imports nothing heavy.
"""

from __future__ import annotations

from typing import Any


class Expiring:
    __slots__ = ("product", "kind", "noun", "call", "at", "fmt", "name", "id", "never")

    def __init__(self, product: str, kind: str, *, noun: str | None = None, call: str | None = None,
                 at: str | None = None, fmt: str = "rfc3339", name: str = "name", id: str = "id",
                 never: tuple = (0, None, "")) -> None:
        self.product = product
        self.kind = kind  # what the operator calls it: "API token", "key pair"
        self.noun = noun  # a declared resource listed with the generic client call
        self.call = call  # else a client method that returns the objects
        self.at = at  # dotted path of the expiry (None: the API does not say)
        self.fmt = fmt  # epoch | epoch_ms | rfc3339
        self.name = name  # dotted path of a human name (a list is joined)
        self.id = id
        self.never = never  # values that mean "does not expire"


EXPIRING: tuple[Expiring, ...] = (
    Expiring("api7", "API token", noun="tokens", at="expires_at", fmt="epoch"),
    Expiring("api7", "SSL certificate", noun="ssls", at="validity_end", fmt="epoch", name="snis"),
    Expiring("pomerium", "key pair", noun="key-pairs", at="certificateInfo.0.notAfter"),
    Expiring("pomerium", "service account", noun="service-accounts", at="expiresAt", name="description"),
    Expiring("pomerium", "custom domain", noun="custom-domains", at="expiresAt", name="domainName"),
    Expiring("sg", "gateway security token", noun="gateways", at="expiry", fmt="epoch_ms", name="desc", id="_id"),
    Expiring("opa", "setup token", noun="setup-tokens", at=None, name="description"),
    Expiring("gatekeeper", "Vault token", call="vault_token_lookup", at="expire_time", name="display_name",
             id="accessor"),
)

# The short-lived tokens gwctl logs in with and caches, by cache key prefix (the cache also keeps
# lookups such as a version, and Secure Gateway security tokens, which the API lists itself).
CACHED_TOKENS: dict[str, dict[str, str]] = {
    "opa": {"bearer": "service token (cached)"},
    "pomerium": {"id_token": "ID token (cached)"},
    "sg": {"iam": "IAM token (cached)"},
}


def declared(product: str) -> tuple[Expiring, ...]:
    return tuple(e for e in EXPIRING if e.product == product)


def token_kind(product: str, key: str) -> str | None:
    """The kind of a token cache entry (its key without the profile), or None when it is no token."""
    for prefix, kind in CACHED_TOKENS.get(product, {}).items():
        if key.startswith(prefix):
            return kind
    return None


def token_entries(cache: Any, profile: Any) -> dict[str, float]:
    """key (without the profile) -> expiry of the profile's cached tokens."""
    prefix = f"{profile.name}:"
    return {key[len(prefix):]: expires for key, expires in cache.entries(prefix).items()
            if token_kind(profile.product, key[len(prefix):])}
