"""Write models of the API7 request bodies, following the vendor spec and the seed.

Where the seed and the Chinese spec disagree the stricter constraint is used, so a body
gwctl accepts also passes the vendor's schema (names 1..255 as in the seed; consumer
usernames on PUT without '-' as in the spec). Unknown fields are kept (the vendor's
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
    """POST/PUT /apisix/admin/services (and the 3.2.14 templates)."""

    name: Name


class ServicePatch(_ServiceFields):
    name: Optional[Name] = None

    @model_validator(mode="after")
    def _not_empty(self):
        if not self.model_fields_set and not self.model_extra:
            raise ValueError("the body must set at least one field")
        return self


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
