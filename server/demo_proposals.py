"""The proposals part of ``wegovnow seed-demo``: a unit, two areas, one policy and
four issues, one in each open phase, so a newcomer has something to read and vote on.

Initiatives, drafts, support and suggestions go through the same mutation handlers
as the app's, dated in the past; only the phase changes are written directly, as the
scheduler would have written them on the days it ran.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

# Importing the module registers the proposal mutations this seed runs.
import server.proposals.mutations  # noqa: F401
from server.accounts.auth import Caller
from server.accounts.models import User
from server.proposals.access import member_ids_query
from server.proposals.models import AllowedPolicy, Area, Initiative, Issue, Policy, Unit
from server.settings import Settings
from server.syncing.changelog import record_change
from server.syncing.registry import MUTATIONS, MutationContext

DAY = timedelta(days=1)
POLICY = {
    "name": "Standard",
    "description": "Ten days to find supporters, a week of discussion, three days "
    "to check the final texts, five days of voting.",
    "min_admission_time": 3600,
    "max_admission_time": int((10 * DAY).total_seconds()),
    "discussion_time": int((7 * DAY).total_seconds()),
    "verification_time": int((3 * DAY).total_seconds()),
    "voting_time": int((5 * DAY).total_seconds()),
    "majority": {},
}
MEMBERS = ["Giulia (demo)", "Marco (demo)", "Sara (demo)"]


@dataclass
class DemoInitiative:
    name: str
    content: str
    supporters: list[int] = field(default_factory=list)  # indexes into MEMBERS
    suggestions: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class DemoIssue:
    area: str
    state: str
    # Days before now at which it was created, accepted, half and fully frozen.
    days: tuple[float | None, ...]
    initiatives: list[DemoInitiative]


ISSUES = [
    DemoIssue(
        "Mobility",
        "voting",
        (20, 18, 11, 1),
        [
            DemoInitiative(
                "A 30 km/h zone around the schools",
                "Limit traffic to **30 km/h** in the streets around the three "
                "primary schools, from 7:30 to 17:00 on school days.",
                [1, 2],
            ),
            DemoInitiative(
                "Speed bumps at the school gates",
                "Build raised crossings at each school gate instead of a speed "
                "limit that nobody checks.",
                [2],
            ),
        ],
    ),
    DemoIssue(
        "Mobility",
        "discussion",
        (5, 4, None, None),
        [
            DemoInitiative(
                "Bike lanes on Corso Trentin",
                "Paint a protected bike lane on both sides of Corso Trentin, "
                "from the station to the hospital.\n\n- 2.2 km\n- no parking lost",
                [1],
                [
                    ("Keep the bus stops", "The lane should pass behind the stops.", 2),
                    ("Green paint at crossings", "", 1),
                ],
            ),
        ],
    ),
    DemoIssue(
        "Parks and squares",
        "verification",
        (14, 12, 1, None),
        [
            DemoInitiative(
                "Drinking fountains in the park",
                "Install four drinking fountains in Parco Fluviale, one with a "
                "bowl for dogs.",
                [1, 2],
            ),
        ],
    ),
    DemoIssue(
        "Parks and squares",
        "admission",
        (1, None, None, None),
        [
            DemoInitiative(
                "Shade trees in Piazza Indipendenza",
                "Plant twelve plane trees along the south side of the square.",
            ),
        ],
    ),
]


def context(user: User, now: datetime, settings: Settings) -> MutationContext:
    return MutationContext(
        caller=Caller(user=user, via="token"),
        client_id="seed-demo",
        seq=0,
        base_version=None,
        device_created_at=None,
        now=now,
        settings=settings,
    )


async def act(
    mutation_name: str, user: User, now: datetime, settings: Settings, **args: Any
) -> None:
    spec = MUTATIONS[mutation_name]
    async with in_transaction():
        await spec.handler(context(user, now, settings), spec.args_model(**args))


async def seed_structure() -> tuple[dict[str, Area], Policy]:
    unit = await Unit.create(
        id=uuid.uuid4(),
        name="San Donà di Piave",
        description="The whole town.",
    )
    policy = await Policy.create(id=uuid.uuid4(), **POLICY)
    areas = {}
    for name in ("Mobility", "Parks and squares"):
        areas[name] = await Area.create(id=uuid.uuid4(), unit=unit, name=name)
        await AllowedPolicy.create(area=areas[name], policy=policy)
    return areas, policy


async def seed_issue(
    demo: DemoIssue,
    area: Area,
    policy: Policy,
    members: list[User],
    settings: Settings,
) -> None:
    now = datetime.now(UTC)
    created, accepted, half, full = (
        None if d is None else now - d * DAY for d in demo.days
    )
    assert created is not None
    issue_id = uuid.uuid4()
    for number, initiative in enumerate(demo.initiatives):
        at = created + number * timedelta(hours=2)
        initiative_id = uuid.uuid4()
        await act(
            "proposal.initiative.create",
            members[0],
            at,
            settings,
            id=initiative_id,
            draft_id=uuid.uuid4(),
            issue_id=issue_id,
            area_id=area.id,
            policy_id=policy.id,
            name=initiative.name,
            content=initiative.content,
        )
        for who in initiative.supporters:
            await act(
                "proposal.support.set",
                members[who],
                at + timedelta(hours=1),
                settings,
                initiative_id=initiative_id,
            )
        for name, content, degree in initiative.suggestions:
            await act(
                "proposal.suggestion.add",
                members[2],
                at + timedelta(hours=3),
                settings,
                id=uuid.uuid4(),
                initiative_id=initiative_id,
                name=name,
                content=content,
                degree=degree,
            )
    await move_to_phase(issue_id, demo.state, accepted, half, full)


async def move_to_phase(
    issue_id: uuid.UUID,
    state: str,
    accepted: datetime | None,
    half: datetime | None,
    full: datetime | None,
) -> None:
    """Write the phase as the scheduler would have, and announce it to pulls."""
    population = await member_ids_query().count()
    async with in_transaction():
        await Issue.filter(id=issue_id).update(
            state=state,
            accepted_at=accepted,
            half_frozen_at=half,
            fully_frozen_at=full,
            population=population,
            initiative_quorum=1 if full else None,
            version=F("version") + 1,
        )
        issue = await Issue.get(id=issue_id)
        await record_change("proposal_issue", str(issue_id), issue.version)
        for initiative in await Initiative.filter(issue_id=issue_id):
            if full is not None:
                initiative.admitted = True
            initiative.version += 1
            await initiative.save(update_fields=["admitted", "version"])
            await record_change(
                "proposal_initiative", str(initiative.id), initiative.version
            )


async def seed_proposals(settings: Settings) -> str:
    """Add the demo proposals once; a second run finds the unit and adds nothing."""
    if await Unit.exists():
        return "proposals already present, none added"
    areas, policy = await seed_structure()
    members = [
        await User.create(id=uuid.uuid4(), name=name, role="resident")
        for name in MEMBERS
    ]
    for demo in ISSUES:
        await seed_issue(demo, areas[demo.area], policy, members, settings)
    return f"1 unit, {len(areas)} proposal areas, {len(ISSUES)} issues"
