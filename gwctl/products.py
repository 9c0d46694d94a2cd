"""What gwctl knows about each product without importing any of its code.

Used by profiles, `auth`, help text and the docs generator, so it must stay
free of heavy imports.
"""

from __future__ import annotations



# Plain classes rather than dataclasses or NamedTuples: this module is on every
# command's import path, and those build code with exec() at import time.


class SecretSpec:
    __slots__ = ("name", "env", "label", "hidden")

    def __init__(self, name: str, env: str, label: str, hidden: bool = True) -> None:
        self.name = name  # key in the credential store, e.g. "key_secret"
        self.env = env  # environment variable that supplies it
        self.label = label  # prompt text
        self.hidden = hidden


class OptionSpec:
    __slots__ = ("name", "flag", "help", "required", "choices")

    def __init__(self, name: str, flag: str, help: str, required: bool = False, choices: tuple = ()) -> None:
        self.name = name  # key in the profile, e.g. "team"
        self.flag = flag  # `profile add` flag, e.g. "--team"
        self.help = help
        self.required = required
        self.choices = choices


class ProductSpec:
    """name, title, help, default_url, url_help; options (OptionSpec) and secrets (SecretSpec);
    secret_sets: alternative sets of secret names that are each enough to authenticate;
    emulator: "module:Class" of its sandbox emulator; sandbox_example: the first command to try."""

    DEFAULTS: dict[str, object] = {"default_url": None, "options": (), "secrets": (), "secret_sets": (),
                                   "url_help": "", "emulator": "", "sandbox_example": ""}

    def __init__(self, name: str, title: str, help: str, **facts: object) -> None:
        self.name, self.title, self.help = name, title, help
        for key, default in self.DEFAULTS.items():
            setattr(self, key, facts.pop(key, default))
        if facts:
            raise TypeError(f"unknown product facts: {', '.join(facts)}")

    def secret(self, name: str) -> SecretSpec:
        for spec in self.secrets:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def env_vars(self) -> tuple[str, ...]:
        return tuple(s.env for s in self.secrets)


SG_REGIONS = ("us-south", "us-east", "eu-gb", "eu-de", "au-syd")

_SPECS = (
    ProductSpec(
        "opa", "Okta Privileged Access", "Okta Privileged Access: gateways and gateway setup tokens.",
        url_help="https://ORG.pam.okta.com",
        options=(OptionSpec("team", "--team", "OPA team name (every path is /v1/teams/TEAM/...).", required=True),),
        secrets=(SecretSpec("key_id", "GWCTL_OPA_KEY_ID", "Service user API key ID", hidden=False),
                 SecretSpec("key_secret", "GWCTL_OPA_KEY_SECRET", "Service user API key secret")),
        secret_sets=(("key_id", "key_secret"),),
        emulator="gwctl.sandbox.opa:OpaEmulator", sandbox_example="gwctl -p sandbox-opa opa gateways list"),
    ProductSpec(
        "pomerium", "Pomerium Zero",
        "Pomerium Zero: organizations, clusters, namespaces, routes, policies, certificates, API users.",
        default_url="https://console.pomerium.app/api/v0", url_help="https://console.pomerium.app/api/v0",
        options=(OptionSpec("org", "--org", "Default organization ID.", required=True),
                 OptionSpec("cluster", "--cluster", "Default cluster ID.")),
        secrets=(SecretSpec("refresh_token", "GWCTL_POMERIUM_TOKEN", "API user token (refresh token)"),),
        secret_sets=(("refresh_token",),),
        emulator="gwctl.sandbox.pomerium:PomeriumEmulator",
        sandbox_example="gwctl -p sandbox-pomerium pomerium routes list"),
    ProductSpec(
        "api7", "API7 Enterprise",
        "API7 Enterprise Admin API: services, routes, consumers, SSL, gateway groups, tokens, users.",
        url_help="https://DASHBOARD:7443",
        options=(OptionSpec("gateway_group", "--gateway-group", "Default gateway group (name or ID)."),),
        secrets=(SecretSpec("api_key", "GWCTL_API7_API_KEY", "API token (X-API-KEY)"),
                 SecretSpec("username", "GWCTL_API7_USERNAME", "Dashboard username", hidden=False),
                 SecretSpec("password", "GWCTL_API7_PASSWORD", "Dashboard password"),
                 SecretSpec("session", "GWCTL_API7_SESSION", "Dashboard session cookie (gwctl api7 login)")),
        secret_sets=(("api_key",), ("username", "password")),
        emulator="gwctl.sandbox.api7:Api7Emulator", sandbox_example="gwctl -p sandbox-api7 api7 services list"),
    ProductSpec(
        "sg", "IBM Cloud Secure Gateway", "IBM Cloud Secure Gateway: gateways, destinations, clients, certificates.",
        url_help="derived from --region",
        options=(OptionSpec("region", "--region", "IBM Cloud region.", required=True, choices=SG_REGIONS),
                 OptionSpec("resource_group", "--resource-group", "Resource group ID sent on account calls.",
                            required=True),
                 OptionSpec("iam_url", "--iam-url", "IAM endpoint (default https://iam.cloud.ibm.com).")),
        secrets=(SecretSpec("api_key", "GWCTL_IBM_API_KEY", "IBM Cloud API key"),),
        secret_sets=(("api_key",),),
        emulator="gwctl.sandbox.sg:SecureGatewayEmulator", sandbox_example="gwctl -p sandbox-sg sg gateways list"),
    # Gatekeeper has no API credentials; the Vault token is used to unseal.
    ProductSpec(
        "gatekeeper", "Vault Gatekeeper", "Vault Gatekeeper: task tokens, status, seal/unseal, policy reload.",
        url_help="http://HOST:9201",
        options=(OptionSpec("vault_addr", "--vault-addr", "Vault holding the Gatekeeper policy (its --vault-addr)."),
                 OptionSpec("kv_mount", "--kv-mount", "KV secrets engine of the policy (default secret)."),
                 OptionSpec("policy_path", "--policy-path", "Path of the policy in that engine (default gatekeeper)."),
                 OptionSpec("kv_version", "--kv-version", "KV engine version, 1 or 2 (default 2).", choices=("1", "2")),
                 OptionSpec("peers", "--peer-urls", "HA peers to check, comma-separated URLs (default: the peers "
                            "the instance reports).")),
        secrets=(SecretSpec("vault_token", "GWCTL_VAULT_TOKEN", "Vault token (for unseal)"),),
        emulator="gwctl.sandbox.gatekeeper:GatekeeperEmulator",
        sandbox_example="gwctl -p sandbox-gatekeeper gatekeeper status"),
)
PRODUCTS: dict[str, ProductSpec] = {spec.name: spec for spec in _SPECS}

PRODUCT_NAMES = tuple(PRODUCTS)

SG_REGION_URLS = {r: f"https://sgmanager.{r}.securegateway.cloud.ibm.com" for r in SG_REGIONS}
IBM_IAM_URL = "https://iam.cloud.ibm.com"


def all_env_vars() -> list[tuple[str, str]]:
    """(variable, description) for every secret environment variable."""
    out = []
    for spec in PRODUCTS.values():
        for secret in spec.secrets:
            out.append((secret.env, f"{spec.title}: {secret.label}"))
    return out
