"""Wire models of the sync protocol; ``PROTOCOL.md`` beside this file explains them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MutationStatus = Literal["applied", "conflict", "rejected"]


class WireModel(BaseModel):
    # Unknown fields are refused: a typo in a field name must not silently drop data.
    model_config = ConfigDict(extra="forbid")


class Mutation(WireModel):
    seq: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=64)
    args: dict[str, Any]
    base_version: int | None = Field(default=None, ge=0)
    created_at: datetime | None = None


class PushRequest(WireModel):
    protocol: int
    client_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    mutations: list[Mutation] = Field(max_length=1000)


class ConflictInfo(WireModel):
    kind: Literal["field", "deleted"]
    id: str
    field: str | None = None
    yours: Any = None
    theirs: Any = None


class MutationResult(WireModel):
    seq: int
    status: MutationStatus
    code: str
    message: str = ""
    message_key: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    entity: str | None = None
    id: str | None = None
    version: int | None = None
    conflict: ConflictInfo | None = None


class PushResponse(WireModel):
    protocol: int
    results: list[MutationResult]
    last_seq: int
    server_time: datetime


class Change(WireModel):
    entity: str
    id: str
    version: int
    deleted: bool
    data: dict[str, Any] | None


class PullResponse(WireModel):
    protocol: int
    changes: list[Change]
    cursor: int
    has_more: bool
    last_seq: int
    reset_required: bool = False
    server_time: datetime


def json_schemas() -> dict[str, Any]:
    """Every wire model as JSON Schema, for clients written in other languages."""
    models: list[type[BaseModel]] = [
        PushRequest,
        PushResponse,
        PullResponse,
        Mutation,
        MutationResult,
        Change,
    ]
    return {model.__name__: model.model_json_schema() for model in models}
