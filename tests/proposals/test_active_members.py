"""Only members seen within ``WEGOVNOW_PROPOSALS_MEMBER_TTL_DAYS`` count (RULES.md 9)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from server.accounts.auth import utcnow
from server.accounts.models import User
from server.proposals.models import Issue
from server.proposals.scheduler import tick
from tests.conftest import Person
from tests.proposals.builders import DAY, HOUR, created_at, make_place, propose


async def make_dormant_member(days: int) -> None:
    """An account last seen ``days`` ago, made long before."""
    user = await User.create(id=uuid.uuid4(), name="Dora")
    long_ago = utcnow() - timedelta(days=days)
    await User.filter(id=user.id).update(
        created_at=long_ago - 30 * DAY, last_seen_at=long_ago
    )


async def test_a_dormant_account_does_not_raise_the_share_quorum(
    resident: Person, other_resident: Person
) -> None:
    # Half the members must support: 1 of Rita and Otto; 2 if Dora counted too.
    place = await make_place(issue_quorum=1, issue_quorum_num=1, issue_quorum_den=2)
    await make_dormant_member(days=181)
    issue, _ = await propose(resident, place)

    report = await tick(await created_at(issue) + 2 * HOUR, member_ttl=180 * DAY)

    assert report.changes == [{"issue": issue, "from": "admission", "to": "discussion"}]


async def test_a_member_seen_within_the_time_to_live_counts_in_the_population(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    await make_dormant_member(days=179)
    issue, _ = await propose(resident, place)

    await tick(await created_at(issue) + 2 * HOUR, member_ttl=180 * DAY)

    assert (await Issue.get(id=issue)).population == 3
