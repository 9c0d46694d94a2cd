"""Pydantic write models: request bodies are checked against these before anything is sent."""

from __future__ import annotations

from typing import Any, Dict, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator
from typing_extensions import Annotated

Name = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\w\-_.]+$")]
Labels = Optional[Dict[str, str]]


class InfrastructureOrchestrator(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Optional[str] = None
    name: Optional[str] = None

    @model_validator(mode="after")
    def _one_of(self) -> "InfrastructureOrchestrator":
        if (self.id is None) == (self.name is None):
            raise ValueError("give either id or name, not both")
        return self


class SetupTokenDetails(BaseModel):
    model_config = ConfigDict(extra="forbid")

    labels: Labels = None
    infrastructure_orchestrator: Optional[InfrastructureOrchestrator] = None


class SetupTokenCreate(BaseModel):
    """POST /v1/teams/{team}/gateway_setup_tokens (S3 schema; Okta's own client sends details.labels)."""

    model_config = ConfigDict(extra="forbid")

    registration_type: Literal["gateway-agent"]
    description: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    details: SetupTokenDetails
    name: Optional[Name] = None

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """registration_type gateway-agent and details.labels {} unless given (sent, as Okta's client does)."""
        if not isinstance(data, dict):
            return data
        data = {"registration_type": "gateway-agent", **data}
        details = data.get("details")
        if details is None:
            data["details"] = {"labels": {}}
        elif isinstance(details, dict) and "labels" not in details:
            data["details"] = {**details, "labels": {}}
        return data


class GatewayUpdate(BaseModel):
    """PUT /v1/teams/{team}/gateways/{id} (the fields of the documented sample body)."""

    model_config = ConfigDict(extra="forbid")

    name: Optional[Annotated[str, StringConstraints(min_length=1, max_length=255)]] = None
    description: Optional[Annotated[str, StringConstraints(max_length=1024)]] = None
    access_address: Optional[str] = None
    default_address: Optional[str] = None
    labels: Labels = None
    refuse_connections: Optional[StrictBool] = Field(default=None)
