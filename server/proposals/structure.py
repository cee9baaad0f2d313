"""Setting up proposals: units (a tree), areas and policies; admins only.

Mounted inside the ``proposals`` blueprint, so its routes live under ``/api/proposals``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, jsonify
from tortoise.transactions import in_transaction

from server.accounts.auth import Caller, require_caller
from server.core.errors import BadRequest, Forbidden, NotFound
from server.core.validation import parse_body
from server.proposals.access import engine_policy, is_admin
from server.proposals.models import AllowedPolicy, Area, Policy, Unit

blueprint = Blueprint("proposals_structure", __name__)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UnitBody(Body):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    parent_id: uuid.UUID | None = None


class AreaBody(Body):
    unit_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    policy_ids: list[uuid.UUID] = Field(min_length=1, max_length=50)
    quorum_standard: float = Field(default=2, gt=0)
    quorum_issues: float = Field(default=1, gt=0)
    quorum_time: timedelta = timedelta(days=1)
    quorum_exponent: float = Field(default=0.5, ge=0)
    quorum_factor: float = Field(default=2, ge=1)
    quorum_den: int | None = Field(default=None, ge=1)


class MajorityBody(Body):
    direct_num: int = Field(default=1, ge=0)
    direct_den: int = Field(default=2, ge=1)
    direct_strict: bool = True
    direct_positive: int = Field(default=0, ge=0)
    direct_non_negative: int = Field(default=0, ge=0)
    indirect_num: int = Field(default=1, ge=0)
    indirect_den: int = Field(default=2, ge=1)
    indirect_strict: bool = True
    indirect_positive: int = Field(default=0, ge=0)
    indirect_non_negative: int = Field(default=0, ge=0)
    no_reverse_beat_path: bool = False
    no_multistage_majority: bool = False
    defeat_strength: Literal["tuple", "winning", "margin"] = "tuple"
    # LF's default; "simple" breaks ties by initiative order alone (RULES.md 3).
    tie_breaking: Literal["variant1", "variant2", "simple"] = "variant1"


class PolicyBody(Body):
    """Durations accept seconds or ISO 8601 (``P7D``); answers give seconds."""

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    min_admission_time: timedelta
    max_admission_time: timedelta
    discussion_time: timedelta
    verification_time: timedelta
    voting_time: timedelta
    issue_quorum: int = Field(default=1, ge=1)
    issue_quorum_num: int = Field(default=0, ge=0)
    issue_quorum_den: int = Field(default=1, ge=1)
    initiative_quorum: int = Field(default=1, ge=1)
    initiative_quorum_num: int = Field(default=0, ge=0)
    initiative_quorum_den: int = Field(default=1, ge=1)
    majority: MajorityBody = Field(default_factory=MajorityBody)


def require_admin() -> Caller:
    caller = require_caller()
    if not is_admin(caller):
        raise Forbidden("proposal.admins_only")
    return caller


# Structure: units, areas, policies -------------------------------------------------


def unit_json(unit: Unit) -> dict[str, Any]:
    return {
        "id": str(unit.id),
        "parent_id": str(unit.parent_id) if unit.parent_id else None,
        "name": unit.name,
        "description": unit.description,
    }  # type: ignore[attr-defined]


async def area_json(area: Area) -> dict[str, Any]:
    policies = await AllowedPolicy.filter(area_id=area.id).values_list(
        "policy_id", flat=True
    )
    return {
        "id": str(area.id),
        "unit_id": str(area.unit_id),
        "name": area.name,  # type: ignore[attr-defined]
        "description": area.description,
        "policy_ids": [str(p) for p in policies],
        "quorum": {
            "standard": area.quorum_standard,
            "issues": area.quorum_issues,
            "time": area.quorum_time,
            "exponent": area.quorum_exponent,
            "factor": area.quorum_factor,
            "den": area.quorum_den,
        },
    }


def policy_json(policy: Policy) -> dict[str, Any]:
    names = (
        "min_admission_time",
        "max_admission_time",
        "discussion_time",
        "verification_time",
        "voting_time",
        "issue_quorum",
        "issue_quorum_num",
        "issue_quorum_den",
        "initiative_quorum",
        "initiative_quorum_num",
        "initiative_quorum_den",
    )
    return {
        "id": str(policy.id),
        "name": policy.name,
        "description": policy.description,
        "active": policy.active,
        **{n: getattr(policy, n) for n in names},
        "majority": policy.majority,
    }


@blueprint.get("/units")
async def list_units() -> Any:
    units = await Unit.all().order_by("name")
    areas = await Area.all().order_by("name")
    return jsonify(
        {
            "units": [unit_json(u) for u in units],
            "areas": [await area_json(a) for a in areas],
        }
    )


@blueprint.post("/units")
async def create_unit() -> Any:
    require_admin()
    body = await parse_body(UnitBody)
    if body.parent_id is not None and not await Unit.exists(id=body.parent_id):
        raise NotFound("proposal.unit_not_found")
    unit = await Unit.create(
        id=uuid.uuid4(),
        name=body.name,
        description=body.description,
        parent_id=body.parent_id,
    )
    return jsonify(unit_json(unit)), 201


@blueprint.post("/areas")
async def create_area() -> Any:
    require_admin()
    body = await parse_body(AreaBody)
    if not await Unit.exists(id=body.unit_id):
        raise NotFound("proposal.unit_not_found")
    policies = set(body.policy_ids)
    if await Policy.filter(id__in=list(policies)).count() != len(policies):
        raise NotFound("proposal.policy_not_found")
    async with in_transaction():
        area = await Area.create(
            id=uuid.uuid4(),
            unit_id=body.unit_id,
            name=body.name,
            description=body.description,
            quorum_standard=body.quorum_standard,
            quorum_issues=body.quorum_issues,
            quorum_time=int(body.quorum_time.total_seconds()),
            quorum_exponent=body.quorum_exponent,
            quorum_factor=body.quorum_factor,
            quorum_den=body.quorum_den,
        )
        for policy_id in policies:
            await AllowedPolicy.create(area=area, policy_id=policy_id)
    return jsonify(await area_json(area)), 201


@blueprint.get("/policies")
async def list_policies() -> Any:
    return jsonify([policy_json(p) for p in await Policy.all().order_by("name")])


@blueprint.post("/policies")
async def create_policy() -> Any:
    require_admin()
    body = await parse_body(PolicyBody)
    durations = {
        name: int(getattr(body, name).total_seconds())
        for name in (
            "min_admission_time",
            "max_admission_time",
            "discussion_time",
            "verification_time",
            "voting_time",
        )
    }
    if any(seconds < 0 for seconds in durations.values()):
        raise BadRequest(
            "proposal.policy_invalid", {"reason": "durations cannot be negative"}
        )
    quorums = body.model_dump(
        include={
            "issue_quorum",
            "issue_quorum_num",
            "issue_quorum_den",
            "initiative_quorum",
            "initiative_quorum_num",
            "initiative_quorum_den",
        }
    )
    policy = Policy(
        id=uuid.uuid4(),
        name=body.name,
        description=body.description,
        majority=body.majority.model_dump(),
        **durations,
        **quorums,
    )
    try:
        engine_policy(policy)
    except ValueError as error:
        raise BadRequest("proposal.policy_invalid", {"reason": str(error)}) from error
    await policy.save()
    return jsonify(policy_json(policy)), 201
