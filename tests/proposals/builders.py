"""Builders for the proposals tests: a unit with one area and policy, and actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from server.accounts.auth import create_api_token
from server.accounts.models import User
from server.proposals.models import AllowedPolicy, Area, Issue, Policy, Unit
from tests.conftest import Person
from tests.helpers import mutation, push

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass
class Place:
    unit: Unit
    area: Area
    policy: Policy


async def make_place(**policy: Any) -> Place:
    """One unit, one area, one policy: admission 1 h to 10 days, then 5, 2 and 3 days."""
    unit = await Unit.create(id=uuid.uuid4(), name="Milano")
    values: dict[str, Any] = {
        "min_admission_time": int(HOUR.total_seconds()),
        "max_admission_time": int((10 * DAY).total_seconds()),
        "discussion_time": int((5 * DAY).total_seconds()),
        "verification_time": int((2 * DAY).total_seconds()),
        "voting_time": int((3 * DAY).total_seconds()),
        **policy,
    }
    stored = await Policy.create(
        id=uuid.uuid4(), name="Standard", majority={}, **values
    )
    area = await Area.create(id=uuid.uuid4(), unit=unit, name="Mobility")
    await AllowedPolicy.create(area=area, policy=stored)
    return Place(unit, area, stored)


async def make_guest(person: Person) -> Person:
    user = await User.create(id=uuid.uuid4(), name="Guest", is_guest=True)
    return Person(person.app, user, await create_api_token(user))


async def act(person: Person, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Send one mutation from a fresh device and answer its result."""
    answer = await push(
        person, f"dev-{uuid.uuid4().hex[:16]}", [mutation(1, name, args)]
    )
    return answer["results"][0]  # type: ignore[no-any-return]


async def propose(
    person: Person,
    place: Place,
    name: str = "Bike lanes",
    issue_id: str | None = None,
    content: str = "Paint **bike lanes** on Via Roma.",
) -> tuple[str, str]:
    """Create an initiative (and its issue when ``issue_id`` is None); answer both ids."""
    issue = issue_id or str(uuid.uuid4())
    initiative = str(uuid.uuid4())
    result = await act(
        person,
        "proposal.initiative.create",
        {
            "id": initiative,
            "draft_id": str(uuid.uuid4()),
            "issue_id": issue,
            "area_id": str(place.area.id),
            "policy_id": str(place.policy.id),
            "name": name,
            "content": content,
        },
    )
    assert result["status"] == "applied", result
    return issue, initiative


async def created_at(issue_id: str) -> datetime:
    return (await Issue.get(id=issue_id)).created_at


async def state(issue_id: str) -> str:
    return (await Issue.get(id=issue_id)).state
