"""Interest in an issue: LF's meaning, and what dropping it takes away (RULES.md 9)."""

from __future__ import annotations

import uuid

from server.proposals.models import Interest, Opinion, Supporter
from tests.conftest import Person
from tests.proposals.builders import act, make_place, propose


async def test_showing_interest_makes_the_member_interested_without_supporting(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)

    result = await act(other_resident, "proposal.interest", {"issue_id": issue})

    assert result["status"] == "applied", result
    member = other_resident.user.id
    assert await Interest.exists(issue_id=issue, member_id=member)
    assert not await Supporter.exists(member_id=member)


async def test_dropping_interest_withdraws_the_members_support(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)
    await act(other_resident, "proposal.support.set", {"initiative_id": initiative})

    await act(
        other_resident, "proposal.interest", {"issue_id": issue, "interested": False}
    )

    member = other_resident.user.id
    assert not await Supporter.exists(initiative_id=initiative, member_id=member)


async def test_dropping_interest_removes_the_members_opinions(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)
    suggestion = str(uuid.uuid4())
    await act(
        resident,
        "proposal.suggestion.add",
        {"id": suggestion, "initiative_id": initiative, "name": "Trees", "degree": 1},
    )
    opinion = {"suggestion_id": suggestion, "degree": 2, "fulfilled": False}
    await act(other_resident, "proposal.opinion.set", opinion)
    assert await Opinion.exists(member_id=other_resident.user.id)

    await act(
        other_resident, "proposal.interest", {"issue_id": issue, "interested": False}
    )

    assert not await Opinion.exists(member_id=other_resident.user.id)
