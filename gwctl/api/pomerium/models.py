"""Pydantic write models of the Pomerium Zero console API (shared/api/pomerium-zero.md §3).

Used to validate request bodies locally before anything is sent. Imported lazily
by the commands that need them.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Duration = Annotated[str, Field(pattern=r"^([0-9]+(y|w|d|h|m|s|ms))+$")]
EntityName = Annotated[str, Field(min_length=1, max_length=128)]
Url = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9+.-]*://[^/\s]+")]
HttpsUrl = Annotated[str, Field(pattern=r"^https?://[^/\s]+")]
NonEmpty = Annotated[str, Field(min_length=1)]
PemCertificate = Annotated[str, Field(pattern=r"-----BEGIN CERTIFICATE-----")]
PemKey = Annotated[str, Field(pattern=r"-----BEGIN [A-Z ]*PRIVATE KEY-----")]
OrganizationRole = Literal["owner", "admin", "auditor", "member"]
IdentityProviderType = Literal["apple", "auth0", "azure", "cognito", "github", "gitlab", "google", "oidc", "okta",
                               "onelogin", "ping"]
BearerTokenFormat = Literal["", "default", "idp_access_token", "idp_identity_token"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


# Variants of a write model for the generic verbs (gwctl.resources.pomerium):
# - create: namespaceId may be left out (the CLI fills in the cluster's namespace after validation);
# - replace (full PUT): fields gwctl does not model are kept (a newer API's, from the server's own
#   object); the client refuses one the server's object does not have (a typo) before the PUT.
KEEP_UNKNOWN = ConfigDict(extra="allow", populate_by_name=True)
DROP_UNKNOWN = ConfigDict(extra="ignore", populate_by_name=True)


def _ip(value: Optional[str]) -> Optional[str]:
    if value:
        ipaddress.ip_address(value)
    return value


# -- policies ------------------------------------------------------------------------------


class PPLRuleBody(Strict):
    and_: Optional[list[dict[str, Any]]] = Field(None, alias="and")
    or_: Optional[list[dict[str, Any]]] = Field(None, alias="or")
    not_: Optional[list[dict[str, Any]]] = Field(None, alias="not")
    nor: Optional[list[dict[str, Any]]] = None


class PPLRule(Strict):
    allow: Optional[PPLRuleBody] = None
    deny: Optional[PPLRuleBody] = None

    @model_validator(mode="after")
    def _one_action(self) -> PPLRule:
        if self.allow is None and self.deny is None:
            raise ValueError("a PPL rule needs allow or deny")
        return self


class PolicyWrite(Strict):
    namespaceId: NonEmpty
    name: EntityName
    enforced: bool = False
    ppl: Union[PPLRule, list[PPLRule]]
    description: str = ""
    explanation: str = ""
    remediation: str = ""
    originatorId: Optional[str] = None


class PolicyCreate(PolicyWrite):
    namespaceId: Optional[NonEmpty] = None


class PolicyReplace(PolicyWrite):
    model_config = KEEP_UNKNOWN


# -- routes --------------------------------------------------------------------------------


class DirectResponse(Strict):
    status: int = Field(ge=100, le=599)
    body: str


class Redirect(Strict):
    httpsRedirect: Optional[bool] = None
    schemeRedirect: Optional[str] = None
    hostRedirect: Optional[str] = None
    portRedirect: Optional[int] = Field(None, ge=0, le=65535)
    pathRedirect: Optional[str] = None
    prefixRewrite: Optional[str] = None
    responseCode: Optional[int] = None
    stripQuery: Optional[bool] = None


class HeaderMatcher(Strict):
    prefix: str


class RewriteResponseHeader(Strict):
    header: NonEmpty
    matcher: HeaderMatcher
    value: str


class CircuitBreakerThresholds(Strict):
    maxConnections: Optional[int] = Field(None, ge=0)
    maxPendingRequests: Optional[int] = Field(None, ge=0)
    maxRequests: Optional[int] = Field(None, ge=0)
    maxRetries: Optional[int] = Field(None, ge=0)
    maxConnectionPools: Optional[int] = Field(None, ge=0)


class StatusRange(Strict):
    start: int
    end: int


class HealthCheck(Strict):
    type: Literal["http", "tcp", "grpc"]
    timeout: Duration
    interval: Duration
    unhealthyThreshold: int = Field(ge=0)
    healthyThreshold: int = Field(ge=0)
    path: Optional[str] = None
    host: Optional[str] = None
    expectedStatuses: Optional[list[StatusRange]] = None
    codecClientType: Optional[Literal["http1", "http2"]] = None
    send: Optional[str] = None
    receive: Optional[list[str]] = None
    authority: Optional[str] = None
    serviceName: Optional[str] = None

    @model_validator(mode="after")
    def _http_path(self) -> HealthCheck:
        if self.type == "http" and not self.path:
            raise ValueError("an http health check needs path")
        return self


class RouteWrite(Strict):
    namespaceId: NonEmpty
    name: EntityName
    from_: Url = Field(alias="from")
    to: Optional[list[Url]] = None
    policyIds: list[str] = Field(default_factory=list)
    allowWebsockets: bool = False
    allowSpdy: bool = False
    tlsSkipVerify: bool = False
    tlsUpstreamAllowRenegotiation: bool = False
    preserveHostHeader: bool = False
    enableGoogleCloudServerlessAuthentication: bool = False
    showErrorDetails: bool = False
    description: Optional[str] = None
    logoUrl: Optional[str] = None
    response: Optional[DirectResponse] = None
    prefix: Optional[str] = None
    path: Optional[str] = None
    regex: Optional[str] = None
    prefixRewrite: Optional[str] = None
    regexRewritePattern: Optional[str] = None
    regexRewriteSubstitution: Optional[str] = None
    hostRewrite: Optional[str] = None
    hostRewriteHeader: Optional[str] = None
    hostPathRegexRewritePattern: Optional[str] = None
    hostPathRegexRewriteSubstitution: Optional[str] = None
    regexPriorityOrder: Optional[int] = None
    timeout: Optional[Duration] = None
    idleTimeout: Optional[Duration] = None
    tlsUpstreamServerName: Optional[str] = None
    tlsDownstreamServerName: Optional[str] = None
    tlsCustomCaKeyPairId: Optional[str] = None
    tlsClientKeyPairId: Optional[str] = None
    tlsDownstreamClientCaKeyPairId: Optional[str] = None
    setRequestHeaders: Optional[dict[str, str]] = None
    setResponseHeaders: Optional[dict[str, str]] = None
    removeRequestHeaders: Optional[list[str]] = None
    rewriteResponseHeaders: Optional[list[RewriteResponseHeader]] = None
    passIdentityHeaders: Optional[bool] = None
    kubernetesServiceAccountToken: Optional[str] = None
    jwtIssuerFormat: Optional[Literal["hostOnly", "uri"]] = None
    healthCheck: Optional[HealthCheck] = None
    loadBalancingPolicy: Optional[Literal["round_robin", "least_request", "ring_hash", "random", "maglev"]] = None
    identityProviderClientId: Optional[str] = None
    identityProviderClientSecret: Optional[str] = None
    bearerTokenFormat: Optional[BearerTokenFormat] = None
    idpAccessTokenAllowedAudiences: Optional[list[str]] = None
    dependsOn: Optional[list[str]] = None
    circuitBreakerThresholds: Optional[CircuitBreakerThresholds] = None
    healthyPanicThreshold: Optional[int] = Field(None, ge=0, le=100)
    redirect: Optional[Redirect] = None
    upstreamTunnel: Optional[dict[str, Any]] = None
    mcp: Optional[dict[str, Any]] = None
    # GEN-H (2026-08) additions
    allowUpgrades: Optional[list[str]] = None
    sessionRecording: Optional[dict[str, Any]] = None
    originatorId: Optional[str] = None


class RouteCreate(RouteWrite):
    namespaceId: Optional[NonEmpty] = None


class RouteReplace(RouteWrite):
    model_config = KEEP_UNKNOWN


ROUTE_COMPUTED = ("id", "createdAt", "updatedAt", "policies", "enforcedPolicies", "enforcedPolicyIds")
POLICY_COMPUTED = ("id", "createdAt", "updatedAt", "routes", "enforcedRoutes")
KEY_PAIR_COMPUTED = ("id", "createdAt", "updatedAt", "hasKey", "origin", "status", "certificateInfo")
SETTINGS_COMPUTED = ("id", "createdAt", "updatedAt")


# -- key pairs ---------------------------------------------------------------------------------


class KeyPairWrite(Strict):
    namespaceId: NonEmpty
    name: Optional[str] = None
    certificate: Optional[PemCertificate] = None
    key: Optional[PemKey] = None


class KeyPairCreate(KeyPairWrite):
    namespaceId: Optional[NonEmpty] = None


class KeyPairReplace(KeyPairCreate):
    """An unset namespaceId keeps the key pair's current one."""

    model_config = KEEP_UNKNOWN


# -- settings ----------------------------------------------------------------------------------


class SettingsWrite(Open):
    logLevel: NonEmpty
    address: str
    dnsLookupFamily: Literal["V4_ONLY", "V6_ONLY", "V4_PREFERRED", "AUTO", "ALL"]
    timeoutRead: Duration
    timeoutWrite: Duration
    timeoutIdle: Duration
    codecType: Literal["", "auto", "http1", "http2", "http3"]
    cookieName: NonEmpty
    cookieHttpOnly: bool
    cookieExpire: Duration
    defaultUpstreamTimeout: Duration
    skipXffAppend: bool
    passIdentityHeaders: bool
    autoApplyChangesets: bool
    proxyLogLevel: Optional[str] = None
    accessLogFields: Optional[list[str]] = None
    authorizeLogFields: Optional[list[str]] = None
    dnsQueryTries: Optional[int] = Field(None, ge=0)
    dnsUdpMaxQueries: Optional[int] = Field(None, ge=0)
    dnsUseTcp: Optional[bool] = None
    setResponseHeaders: Optional[dict[str, str]] = None
    jwtClaimsHeaders: Optional[dict[str, str]] = None
    identityProvider: Optional[Union[IdentityProviderType, Literal[""]]] = None
    identityProviderScopes: Optional[list[str]] = None
    identityProviderRequestParams: Optional[dict[str, str]] = None
    bearerTokenFormat: Optional[BearerTokenFormat] = None
    otelTracesSamplerArg: Optional[float] = None
    sshHostKeys: Optional[list[str]] = None


class JsonPatchOp(Strict):
    op: Literal["add", "remove", "replace", "copy", "move", "test"]
    path: Annotated[str, Field(pattern=r"^(/.*)?$")]
    value: Any = None
    from_: Optional[Annotated[str, Field(pattern=r"^(/.*)?$")]] = Field(None, alias="from")

    @model_validator(mode="after")
    def _operands(self) -> JsonPatchOp:
        if self.op in ("add", "replace", "test") and "value" not in self.model_fields_set:
            raise ValueError(f"{self.op} needs value")
        if self.op in ("copy", "move") and self.from_ is None:
            raise ValueError(f"{self.op} needs from")
        return self


class JsonPatch(Strict):
    operations: list[JsonPatchOp] = Field(min_length=1)


# -- clusters, organizations, service accounts ----------------------------------------------------


class ClusterCreate(Strict):
    name: EntityName
    domain: Annotated[str, Field(pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    manualOverrideIpAddress: Optional[str] = None
    flavor: Optional[Literal["standard", "hosted"]] = None

    _check_ip = field_validator("manualOverrideIpAddress")(_ip)


class ClusterUpdate(Strict):
    name: EntityName
    manualOverrideIpAddress: Optional[str] = None
    flavor: Optional[Literal["standard", "hosted"]] = None

    _check_ip = field_validator("manualOverrideIpAddress")(_ip)


class ClusterReplace(ClusterUpdate):
    """The current cluster with the flags on top: its read-only fields are dropped."""

    model_config = DROP_UNKNOWN


class OrganizationCreate(Strict):
    name: EntityName
    logoURL: Optional[HttpsUrl] = None


class OrganizationUpdate(Strict):
    name: EntityName
    logoURL: Optional[HttpsUrl] = None
    ownerUserId: Optional[str] = None


class OrganizationReplace(OrganizationUpdate):
    """The current organization with the flags on top: its read-only fields are dropped."""

    model_config = DROP_UNKNOWN


class ServiceAccountCreate(Strict):
    description: str
    userId: NonEmpty
    expiresAt: Optional[datetime] = None

    @field_validator("expiresAt")
    @classmethod
    def _aware(cls, value: Optional[datetime]) -> Optional[datetime]:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a time zone (e.g. 2027-01-01T00:00:00Z)")
        return value


class InviteCreate(Strict):
    emails: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = Field(min_length=1)
    role: OrganizationRole


class ApiUserCreate(Strict):
    name: NonEmpty
    role: Optional[OrganizationRole] = None


class CustomDomainCreate(Strict):
    clusterId: NonEmpty
    domainName: Annotated[str, Field(pattern=r"^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$")]


# -- filters -----------------------------------------------------------------------------------

FilterOperator = Literal["=", "!=", "<", "<=", ">", ">=", "after", "before", "contains", "doesNotContain",
                         "doesNotEqual", "endsWith", "equals", "is", "isAnyOf", "isEmpty", "isNotEmpty", "not",
                         "onOrAfter", "onOrBefore", "startsWith"]


class FilterItem(Strict):
    field: NonEmpty
    operator: FilterOperator
    value: Any = None


class Filter(Strict):
    items: list[FilterItem]
    logicOperator: Optional[Literal["and", "or"]] = None
    quickFilterLogicOperator: Optional[Literal["and", "or"]] = None
    quickFilterValues: Optional[list[str]] = None


# -- billing, onboarding, identity provider --------------------------------------------------------


class BillingPortal(Strict):
    deepLink: Literal["", "payment_method"] = ""
    returnUrl: HttpsUrl


class Checkout(Strict):
    billingEmail: Optional[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = None
    cancelUrl: HttpsUrl
    organizationName: Optional[str] = None
    successUrl: HttpsUrl


class OnboardingStart(Strict):
    system: NonEmpty
    timezone: NonEmpty


class OnboardingConfigure(Strict):
    system: NonEmpty
    timezone: NonEmpty
    ipAddress: Optional[str] = None
    port: Optional[Annotated[str, Field(pattern=r"^[0-9]{1,5}$")]] = None

    _check_ip = field_validator("ipAddress")(_ip)


class IdpCheck(Strict):
    provider: IdentityProviderType
    url: Optional[HttpsUrl] = None
    clientId: Optional[str] = None
    clientSecret: Optional[str] = None
    requestParams: Optional[dict[str, str]] = None
    scopes: Optional[list[str]] = None


class CustomerUpdate(Strict):
    email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
