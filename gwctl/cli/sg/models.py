"""Pydantic write models for `gwctl sg` bodies (imported inside commands only).

Field names follow shared/api/ibm-secure-gateway.md. Unknown fields are kept
(``extra="allow"``): some inputs have no documented name (create-gateway's
overage acknowledgement, update-destination's two cert regeneration flags), so a
``--from-file`` body can carry whatever the server expects.
"""

from __future__ import annotations

from typing import List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


# Optional parts that a server export may carry empty ("proxy": {"ip": "", "port": "", "type": ""},
# "clientPort": null, "serverCert": {}, a rule with "src_range": ""): empty means absent, so a file
# the server itself wrote is never refused locally.
_EMPTY = ("", None, {})
_PRUNED = ("clientPort", "proxy", "serverCert", "destCerts", "timeout")


def _prune_empty(data):
    if not isinstance(data, dict):
        return data
    data = dict(data)
    if isinstance(data.get("proxy"), dict):
        data["proxy"] = {k: v for k, v in data["proxy"].items() if v not in _EMPTY}
    if isinstance(data.get("ipRules"), list):
        data["ipRules"] = [{k: v for k, v in r.items() if v not in _EMPTY} if isinstance(r, dict) else r
                           for r in data["ipRules"]]
    for key in _PRUNED:
        if key in data and data[key] in _EMPTY:
            del data[key]
    return data


class GatewayCreate(_Open):
    desc: str = Field(min_length=1)
    enf_tok_sec: Optional[bool] = None
    active: Optional[bool] = None
    token_exp: Optional[int] = Field(default=None, ge=0, le=90)


class GatewayUpdate(_Open):
    desc: Optional[str] = Field(default=None, min_length=1)
    enf_tok_sec: Optional[bool] = None
    regen_token: Optional[bool] = None
    enabled: Optional[bool] = None
    token_exp: Optional[int] = Field(default=None, ge=0, le=90)


class IpRule(_Open):
    spt: Optional[str] = Field(default=None, pattern=r"^\d{1,5}(:\d{1,5})?$")
    src: Optional[str] = None
    src_range: Optional[str] = Field(default=None, pattern=r"^\d{1,3}(\.\d{1,3}){3}-\d{1,3}(\.\d{1,3}){3}$")
    app: Optional[str] = None

    @field_validator("spt", mode="before")
    @classmethod
    def _port_text(cls, value):
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("spt")
    @classmethod
    def _ports(cls, value):
        if value is not None and any(not 1 <= int(p) <= 65535 for p in value.split(":")):
            raise ValueError("ports must be from 1 to 65535")
        return value

    @model_validator(mode="after")
    def _one_source(self):
        if self.src and self.src_range:
            raise ValueError("src and src_range cannot be used together")
        return self


class CertFile(_Open):
    name: str = Field(min_length=1)
    content: str = Field(min_length=1)


class DestCerts(_Open):
    dest_cert: CertFile
    dest_key: CertFile


class Proxy(_Open):
    port: Optional[int] = Field(default=None, ge=1, le=65535)
    type: Optional[int | str] = None


class _Destination(_Open):
    desc: Optional[str] = Field(default=None, min_length=1)
    ip: Optional[str] = Field(default=None, min_length=1)
    port: Optional[int] = Field(default=None, ge=1, le=65535)
    protocol: Optional[Literal["TCP", "UDP", "TLS", "HTTP", "HTTPS"]] = None
    enable_client_tls: Optional[bool] = None
    client_tls: Optional[Literal["none", "mutualauth"]] = None
    TLS: Optional[Literal["none", "serverside", "mutualauth"]] = Field(default=None, alias="TLS")
    clientPort: Optional[int] = Field(default=None, ge=1, le=65535)
    private: Optional[bool] = None
    ipRules: Optional[List[IpRule]] = None
    rejectUnauth: Optional[bool] = None
    sni: Optional[str] = None
    enforceProxy: Optional[bool] = None
    proxy: Optional[Proxy] = None
    timeout: Optional[int] = Field(default=None, ge=0, le=180)
    compressData: Optional[bool] = None
    clientCerts: Optional[List[CertFile]] = Field(default=None, max_length=6)
    serverCert: Optional[CertFile] = None
    destCerts: Optional[DestCerts] = None

    @model_validator(mode="before")
    @classmethod
    def _lower_tls(cls, data):
        data = _prune_empty(data)
        # Accept `tls` as well as the API object's `TLS`: both spellings are in use.
        if isinstance(data, dict) and "tls" in data and "TLS" not in data:
            data = {**data, "TLS": data["tls"]}
            data.pop("tls")
        return data


class DestinationCreate(_Destination):
    desc: str = Field(min_length=1)
    ip: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)

    @model_validator(mode="after")
    def _kind(self):
        if self.private and self.clientPort is not None:
            raise ValueError("private applies to on-premises destinations only (not with clientPort)")
        return self


class DestinationUpdate(_Destination):
    port: Optional[int] = Field(default=None, ge=1, le=65535)
    enabled: Optional[bool] = None


class MigrateBody(_Open):
    connector_id: str = Field(min_length=1)
    token: Optional[str] = None
    apikey: Optional[str] = None

    @model_validator(mode="after")
    def _credential(self):
        if not self.token and not self.apikey:
            raise ValueError("either token or apikey must be defined")
        return self
