"""Write models of the API7 request bodies, following the vendor's documents and spec.

Where those disagree the stricter constraint is used, so a body gwctl accepts also passes
the vendor's schema (names 1..255; consumer usernames on PUT without '-'). Unknown fields are kept (the vendor's
schemas allow them), nested objects (upstream, nodes, SSL client, registries) are checked.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, conint, model_validator

ID_PATTERN = r"^[a-zA-Z0-9-_.]+$"
HOST_PATTERN = r"^\*?[0-9a-zA-Z-._]+$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=255)]
Host = Annotated[str, StringConstraints(pattern=HOST_PATTERN)]
LabelValue = Annotated[str, StringConstraints(min_length=1, pattern=r"^\S+$")]
Labels = dict[str, LabelValue]
PathPrefix = Annotated[str, StringConstraints(min_length=1, max_length=4096, pattern=r"^/")]
RoutePath = Annotated[str, StringConstraints(min_length=1, max_length=4096, pattern=r"^/")]
Method = Literal["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]
Pem = Annotated[str, StringConstraints(min_length=128, max_length=65536)]
Status = Literal[0, 1]


class Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Node(Model):
    host: Host
    port: conint(ge=1, le=65535)
    weight: conint(ge=0, le=65535)
    priority: Optional[int] = None


class Timeout(Model):
    connect: Optional[conint(gt=0)] = None
    send: Optional[conint(gt=0)] = None
    read: Optional[conint(gt=0)] = None


class KeepalivePool(Model):
    size: Optional[conint(ge=1)] = None
    idle_timeout: Optional[float] = Field(None, ge=0)
    requests: Optional[conint(ge=1)] = None


class Upstream(Model):
    name: Optional[Annotated[str, StringConstraints(min_length=1, max_length=1024)]] = None
    scheme: Optional[Literal["http", "https", "grpc", "grpcs"]] = None
    desc: Optional[Annotated[str, StringConstraints(max_length=256)]] = None
    type: Optional[Literal["roundrobin", "least_conn", "ewma", "chash"]] = None
    hash_on: Optional[Literal["vars", "header", "cookie", "consumer", "vars_combinations"]] = None
    key: Optional[Annotated[str, StringConstraints(min_length=1)]] = None
    retries: Optional[conint(ge=0, le=65535)] = None
    retry_timeout: Optional[float] = Field(None, ge=0)
    timeout: Optional[Timeout] = None
    keepalive_pool: Optional[KeepalivePool] = None
    pass_host: Optional[Literal["pass", "node", "rewrite"]] = None
    upstream_host: Optional[Host] = None
    nodes: Optional[Annotated[list[Node], Field(min_length=1, max_length=64)]] = None
    service_name: Optional[Annotated[str, StringConstraints(min_length=1, max_length=256)]] = None
    discovery_type: Optional[Literal["kubernetes", "nacos"]] = None
    discovery_args: Optional[dict[str, Any]] = None
    checks: Optional[dict[str, Any]] = None


def _unique(values: Optional[list], field: str) -> None:
    if values is not None and len(set(values)) != len(values):
        raise ValueError(f"{field} must not contain duplicates")


class _ServiceFields(Model):
    labels: Optional[Labels] = None
    desc: Optional[str] = None
    hosts: Optional[Annotated[list[Host], Field(min_length=1, max_length=32)]] = None
    path_prefix: Optional[PathPrefix] = None
    strip_path_prefix: Optional[bool] = None
    plugins: Optional[dict[str, Any]] = None
    upstream: Optional[Upstream] = None

    @model_validator(mode="after")
    def _hosts_unique(self):
        _unique(self.hosts, "hosts")
        return self


class ServiceWrite(_ServiceFields):
    """POST/PUT /apisix/admin/services (and the 3.2.13+ templates)."""

    name: Name


class ServicePatch(_ServiceFields):
    name: Optional[Name] = None

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("the body must set at least one field")
        return self


# POST /api/services/publish and /api/services/conflict_check: gwctl builds these bodies from the
# services as the server returns them, so they are checked too (nothing the vendor's schema refuses
# is sent). The conflict check's IDs allow no '.', unlike the publish body's gateway_group_id.
StrictId = Annotated[str, StringConstraints(pattern=r"^[-_a-zA-Z0-9]+$")]


class PublishService(_ServiceFields):
    name: Optional[Annotated[str, StringConstraints(min_length=1, max_length=1024)]] = None
    service_id: StrictId
    version: str
    service_version_id: Optional[StrictId] = None
    status: Optional[Status] = None
    upstream: Upstream


class PublishBody(Model):
    create_new_version: Optional[bool] = None
    gateway_group_id: Optional[Annotated[str, StringConstraints(pattern=ID_PATTERN)]] = None
    services: Annotated[list[PublishService], Field(min_length=1)]

    @model_validator(mode="after")
    def _version_ids(self):
        if self.create_new_version is False and any(not s.service_version_id for s in self.services):
            raise ValueError("service_version_id is required when create_new_version is false")
        return self


class ConflictCheckService(Model):
    service_id: StrictId
    name: Optional[Annotated[str, StringConstraints(min_length=1, max_length=1024)]] = None
    hosts: Optional[Annotated[list[Host], Field(min_length=1, max_length=32)]] = None
    path_prefix: Optional[PathPrefix] = None
    version: Optional[str] = None
    service_version_id: Optional[StrictId] = None
    status: Optional[Status] = None


class ConflictCheckBody(Model):
    create_new_version: Optional[bool] = None
    gateway_group_id: Optional[StrictId] = None
    services: Annotated[list[ConflictCheckService], Field(min_length=1)]


class _RouteFields(Model):
    labels: Optional[Labels] = None
    desc: Optional[str] = None
    methods: Optional[Annotated[list[Method], Field(min_length=1, max_length=9)]] = None
    plugins: Optional[dict[str, Any]] = None
    enable_websocket: Optional[bool] = None

    @model_validator(mode="after")
    def _methods_unique(self):
        _unique(self.methods, "methods")
        return self


class RouteWrite(_RouteFields):
    """POST /apisix/admin/routes."""

    name: Name
    paths: Annotated[list[RoutePath], Field(min_length=1, max_length=64)]
    service_id: Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class RouteReplace(_RouteFields):
    """PUT /apisix/admin/routes/{id}: service_id optional."""

    name: Name
    paths: Annotated[list[RoutePath], Field(min_length=1, max_length=64)]
    service_id: Optional[Annotated[str, StringConstraints(pattern=ID_PATTERN + "|^$")]] = None


class RoutePatch(_RouteFields):
    name: Optional[Name] = None
    paths: Optional[Annotated[list[RoutePath], Field(min_length=1, max_length=64)]] = None

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("the body must set at least one field")
        return self


Username = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-zA-Z0-9_\-]+$")]


class ConsumerWrite(Model):
    username: Username
    plugins: Optional[dict[str, Any]] = None
    desc: Optional[str] = None
    labels: Optional[Labels] = None


class ConsumerReplace(ConsumerWrite):
    # The vendor's PUT schema allows neither '-' nor '.'.
    username: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[a-zA-Z0-9_]+$")]


class ConsumerPatch(Model):
    username: Optional[Username] = None
    plugins: Optional[dict[str, Any]] = None
    desc: Optional[str] = None
    labels: Optional[Labels] = None


class SslClient(Model):
    ca: Pem
    depth: Optional[conint(ge=0)] = None


class SslWrite(Model):
    snis: Optional[Annotated[list[Annotated[str, StringConstraints(min_length=1)]], Field(min_length=1)]] = None
    cert: Optional[Pem] = None
    certs: Optional[Annotated[list[Pem], Field(min_length=1, max_length=16)]] = None
    key: Optional[Pem] = None
    keys: Optional[Annotated[list[Pem], Field(min_length=1, max_length=16)]] = None
    client: Optional[SslClient] = None
    type: Optional[Literal["server", "client"]] = None
    labels: Optional[Labels] = None
    status: Optional[Status] = None

    @model_validator(mode="after")
    def _one_pair(self):
        single = self.cert is not None and self.key is not None
        multi = self.certs is not None and self.keys is not None
        if single == multi:
            raise ValueError("give either cert and key, or certs and keys")
        return self


class GatewayGroupWrite(Model):
    name: Name
    description: Optional[str] = None
    labels: Optional[Labels] = None


class GatewayGroupReplace(GatewayGroupWrite):
    description: str


class GlobalRuleWrite(Model):
    plugins: dict[str, Any]


class SecretWrite(Model):
    uri: Annotated[str, StringConstraints(pattern=r"^[^/]+://([\da-zA-Z.-]+|\[[\da-fA-F:]+\])(:\d+)?")]
    prefix: str
    token: str


class TokenCreate(Model):
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    expires_at: conint(ge=0)


class TokenUpdate(Model):
    name: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class TokenRegenerate(Model):
    expires_at: conint(ge=0)


class RuntimeUpstream(Model):
    name: Optional[Annotated[str, StringConstraints(min_length=1, max_length=1024)]] = None
    desc: Optional[Annotated[str, StringConstraints(max_length=256)]] = None
    nodes: Optional[Annotated[list[Node], Field(min_length=1, max_length=64)]] = None
    service_name: Optional[Annotated[str, StringConstraints(min_length=1, max_length=256)]] = None
    discovery_type: Optional[Literal["kubernetes", "nacos"]] = None
    discovery_args: Optional[dict[str, Any]] = None


class RuntimeConfigPatch(Model):
    hosts: Optional[Annotated[list[Host], Field(min_length=1, max_length=32)]] = None
    path_prefix: Optional[PathPrefix] = None
    strip_path_prefix: Optional[bool] = None
    upstreams: Optional[RuntimeUpstream] = None
    status: Optional[Status] = None
    plugins: Optional[dict[str, Any]] = None

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("the body must set at least one field")
        _unique(self.hosts, "hosts")
        return self


class NacosConfig(Model):
    hosts: Annotated[list[Annotated[str, StringConstraints(
        pattern=r"^http(s)?:\/\/([\da-zA-Z.-]+|\[[\da-fA-F:]+\])(:\d+)?$")]], Field(min_length=1)]
    prefix: Optional[str] = None
    default_weight: Optional[conint(ge=1, le=100)] = None
    fetch_interval: Optional[int] = None


class K8sService(Model):
    schema_: Literal["http", "https"] = Field(alias="schema")
    host: Host
    port: Annotated[str, StringConstraints(min_length=1)]


class K8sConfig(Model):
    service: Optional[K8sService] = None
    label_selector: Optional[str] = None
    namespace_selector: Optional[dict[str, Any]] = None
    client: Optional[dict[str, Any]] = None


class HealthCheck(Model):
    probe_interval: Optional[conint(ge=1)] = None
    probe_timeout: Optional[conint(ge=1)] = None


class ServiceRegistryWrite(Model):
    name: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    type: Literal["kubernetes", "nacos"]
    description: Optional[str] = None
    health_check: Optional[HealthCheck] = None
    nacos_config: Optional[NacosConfig] = None
    kubernetes_config: Optional[K8sConfig] = None

    @model_validator(mode="after")
    def _config_matches_type(self):
        need, other = ("nacos_config", "kubernetes_config") if self.type == "nacos" else ("kubernetes_config",
                                                                                           "nacos_config")
        if getattr(self, need) is None:
            raise ValueError(f"type {self.type} needs {need}")
        if getattr(self, other) is not None:
            raise ValueError(f"type {self.type} does not take {other}")
        return self


class ExportInfo(Model):
    title: str
    version: str
    desc: Optional[str] = None


class ExportServer(Model):
    url: Optional[str] = None
    desc: Optional[str] = None


class ExportWrite(Model):
    service_ids: Optional[list[str]] = None
    info: ExportInfo
    servers: Optional[list[ExportServer]] = None


class ImportRoute(_RouteFields):
    name: Name
    paths: Annotated[list[RoutePath], Field(min_length=1, max_length=64)]


class ImportWrite(ServiceWrite):
    routes: Annotated[list[ImportRoute], Field(min_length=1)]


class LicenseWrite(Model):
    data: Annotated[str, StringConstraints(min_length=1)]


# -- administration ------------------------------------------------------------------------

ObjectId = Annotated[str, StringConstraints(min_length=1, pattern=ID_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128)]
PersonName = Annotated[str, StringConstraints(min_length=1, max_length=150)]


class InviteWrite(Model):
    """POST /api/invites."""

    username: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    password: Password


class PasswordReset(Model):
    password: Password


class PasswordChange(Model):
    old_password: Optional[Password] = None
    new_password: Password


class MeUpdate(Model):
    first_name: PersonName
    last_name: PersonName


class RoleAssignment(Model):
    role_id: Annotated[str, StringConstraints(min_length=1)]
    scopes: Optional[list[Annotated[str, StringConstraints(min_length=1)]]] = None


class AssignRoles(Model):
    roles: Annotated[list[RoleAssignment], Field(min_length=1, max_length=32)]


class RoleWrite(Model):
    """POST /api/roles (PUT takes the same fields)."""

    name: Annotated[str, StringConstraints(min_length=1)]
    desc: Optional[Annotated[str, StringConstraints(max_length=256)]] = None
    permissions: list[Annotated[str, StringConstraints(min_length=1)]]


class LabelImpactItem(Model):
    id: ObjectId
    labels: Annotated[dict[str, str], Field(min_length=1)]


class LabelImpact(Model):
    """The RBAC label-impact body is a JSON array; gwctl validates it wrapped as {"items": [...]}."""

    items: Annotated[list[LabelImpactItem], Field(min_length=1)]


class OidcConfig(Model):
    client_id: str
    client_secret: str
    issuer: str
    request_scopes: list[str]
    ssl_verify: Optional[bool] = None
    root_url: str


class SamlConfig(Model):
    idp_metadata_url: str
    sp_root_url: str
    sign_request: Optional[bool] = None
    private_key: Optional[str] = None
    certificate: Optional[str] = None
    entity_id: Optional[str] = None
    attributes: Optional[dict[str, str]] = None


class LdapConfig(Model):
    host: str
    port: str
    base_dn: str
    bind_dn: str
    bind_password: Optional[str] = None
    identifier: str
    attributes: Optional[dict[str, str]] = None
    timeout: Optional[conint(ge=0)] = None
    use_ssl: Optional[bool] = None
    ssl_verify: Optional[bool] = None
    root_ca_cert: Optional[str] = None
    client_cert: Optional[str] = None
    client_key: Optional[str] = None


class CasConfig(Model):
    url: str
    send_service: Optional[bool] = None
    ssl_verify: Optional[bool] = None


ProviderType = Literal["ldap", "oidc", "saml", "cas", "built_in"]
PROVIDER_CONFIG = {"ldap": "ldap_config", "oidc": "oidc_config", "saml": "saml_config", "cas": "cas_config"}


class _LoginOptionFields(Model):
    logo: Optional[str] = None
    disable: Optional[bool] = None
    provider_type: Optional[ProviderType] = None
    oidc_config: Optional[OidcConfig] = None
    saml_config: Optional[SamlConfig] = None
    ldap_config: Optional[LdapConfig] = None
    cas_config: Optional[CasConfig] = None
    role_mapping: Optional[list[dict[str, Any]]] = None


class LoginOptionWrite(_LoginOptionFields):
    """POST /api/login_options and PUT /api/login_options/{id}: the provider's config is required."""

    name: Annotated[str, StringConstraints(min_length=1)]

    @model_validator(mode="after")
    def _config_for_type(self):
        field = PROVIDER_CONFIG.get(self.provider_type or "")
        if field and getattr(self, field) is None:
            raise ValueError(f"{field} is required for provider_type {self.provider_type}")
        return self


class LoginOptionPatch(_LoginOptionFields):
    name: Optional[Annotated[str, StringConstraints(min_length=1)]] = None

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("the body must set at least one field")
        return self


class SystemSettingsWrite(Model):
    control_plane_address: Optional[Annotated[list[str], Field(max_length=32)]] = None
    enable_mtls: Optional[bool] = None

    @model_validator(mode="after")
    def _checks(self):
        _unique(self.control_plane_address, "control_plane_address")
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("the body must set at least one field")
        return self


class ScimWrite(Model):
    enable_scim: bool


Severity = Literal["high", "medium", "low"]
PolicyDesc = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class _AlertPolicyFields(Model):
    desc: Optional[PolicyDesc] = None
    severity: Optional[Severity] = None
    enable: Optional[bool] = None
    title: Optional[Annotated[str, StringConstraints(min_length=1, max_length=128)]] = None
    detail: Optional[Annotated[str, StringConstraints(min_length=1, max_length=128)]] = None
    check_interval: Optional[conint(ge=60, le=86400)] = None
    webhook_templates: Optional[Annotated[list[str], Field(max_length=10)]] = None


class AlertPolicyCreate(_AlertPolicyFields):
    name: Annotated[str, StringConstraints(min_length=1)]
    scope: Annotated[list[ObjectId], Field(min_length=1)]


class AlertPolicyUpdate(_AlertPolicyFields):
    """PUT: the whole policy (name and scope required, as gwctl sends a full replacement)."""

    name: Annotated[str, StringConstraints(min_length=1)]
    scope: Annotated[list[ObjectId], Field(min_length=1)]


class AlertPolicyPatch(_AlertPolicyFields):
    name: Optional[Annotated[str, StringConstraints(min_length=1)]] = None
    scope: Optional[Annotated[list[ObjectId], Field(min_length=1)]] = None

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("the body must set at least one field")
        return self


class StatusCodeEventConfig(Model):
    duration: conint(ge=1)
    unit: Literal["hour", "minute", "second", "year", "month", "day"]
    http_status_code: Annotated[str, StringConstraints(pattern=r"^([2-5]\d{2}|[2-5]xx)$")]


class TriggerCondition(Model):
    event: Literal["number_of_status_code", "ratio_of_status_code", "control_plane_certificate_will_expire_in",
                   "gateway_certificate_will_expire_in", "gateway_instance_offline"]
    operator: Literal["larger_equal", "larger_than", "less_equal", "less_than", "equal"]
    value: int
    value_unit: Optional[Literal["hour", "minute", "second", "year", "month", "day"]] = None
    event_config: Optional[StatusCodeEventConfig] = None

    @model_validator(mode="after")
    def _shape(self):
        if self.event in ("number_of_status_code", "ratio_of_status_code"):
            if self.event_config is None:
                raise ValueError(f"event_config is required for event {self.event}")
            if self.operator not in ("larger_equal", "larger_than"):
                raise ValueError(f"operator must be larger_equal or larger_than for event {self.event}")
        elif self.event == "gateway_instance_offline":
            if self.operator not in ("equal", "larger_equal", "larger_than") or self.value_unit is None:
                raise ValueError("gateway_instance_offline needs operator equal|larger_equal|larger_than and value_unit")
        else:
            if self.operator not in ("less_equal", "less_than") or self.value_unit != "day":
                raise ValueError(f"{self.event} needs operator less_equal|less_than and value_unit day")
        return self


class TriggersWrite(Model):
    trigger_logical_operator: Optional[Literal["All", "Any"]] = None
    trigger_conditions: Annotated[list[TriggerCondition], Field(min_length=1, max_length=64)]


class WebhookHeader(Model):
    name: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[-_a-zA-Z0-9]+$")]
    value: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class WebhookTemplateWrite(Model):
    name: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    desc: Optional[Annotated[str, StringConstraints(max_length=255)]] = None
    url: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    method: Optional[Literal["POST"]] = None
    skip_tls_verify: bool
    headers: Optional[Annotated[list[WebhookHeader], Field(min_length=1, max_length=16)]] = None
    template: str


class CustomPluginWrite(Model):
    source_code: Annotated[str, StringConstraints(min_length=1)]
    catalog: Annotated[str, StringConstraints(min_length=1)]
    description: Annotated[str, StringConstraints(min_length=1)]
    documentation_link: Annotated[str, StringConstraints(min_length=1)]
    author: Annotated[str, StringConstraints(min_length=1)]
    logo: Optional[str] = None


class CustomPluginParse(Model):
    source_code: Annotated[str, StringConstraints(min_length=1)]


class ApiProductWrite(Model):
    name: Name
    raw_openapi: Annotated[str, StringConstraints(min_length=1)]
    server_url: Annotated[str, StringConstraints(min_length=1)]


class ApiProductPatch(Model):
    name: Optional[Name] = None
    raw_openapi: Optional[Annotated[str, StringConstraints(min_length=1)]] = None
    server_url: Optional[Annotated[str, StringConstraints(min_length=1)]] = None
