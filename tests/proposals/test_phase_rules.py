"""What members may still do in each phase (RULES.md 9, "Phase rules")."""

from __future__ import annotations

import uuid

from server.proposals.scheduler import tick
from tests.conftest import Person
from tests.proposals.builders import (
    DAY,
    HOUR,
    Place,
    act,
    created_at,
    make_place,
    propose,
    state,
)


async def moved_to(issue: str, phase: str) -> None:
    """Tick an issue of ``make_place``'s policy into ``phase`` (not past voting)."""
    start = await created_at(issue) + 2 * HOUR
    moments = {"discussion": 1, "verification": 2, "voting": 3}[phase]
    for moment in (start, start + 5 * DAY, start + 7 * DAY)[:moments]:
        await tick(moment)
    assert await state(issue) == phase


async def new_initiative(person: Person, place: Place, issue: str) -> dict[str, str]:
    return await act(
        person,
        "proposal.initiative.create",
        {
            "id": str(uuid.uuid4()),
            "draft_id": str(uuid.uuid4()),
            "issue_id": issue,
            "name": "Trams instead",
            "content": "Run a tram on Via Roma.",
        },
    )


async def test_a_new_initiative_during_voting_is_refused_as_fully_frozen(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)
    await moved_to(issue, "voting")

    result = await new_initiative(other_resident, place, issue)

    assert (result["status"], result["code"]) == ("rejected", "proposal.fully_frozen")


async def test_support_during_voting_is_refused_as_fully_frozen(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)
    await moved_to(issue, "voting")

    result = await act(
        other_resident, "proposal.support.set", {"initiative_id": initiative}
    )

    assert (result["status"], result["code"]) == ("rejected", "proposal.fully_frozen")


async def test_an_opinion_during_voting_is_refused_as_fully_frozen(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)
    suggestion = str(uuid.uuid4())
    added = await act(
        other_resident,
        "proposal.suggestion.add",
        {"id": suggestion, "initiative_id": initiative, "name": "Trees", "degree": 1},
    )
    assert added["status"] == "applied", added
    await moved_to(issue, "voting")

    result = await act(
        other_resident,
        "proposal.opinion.set",
        {"suggestion_id": suggestion, "degree": 2, "fulfilled": False},
    )

    assert (result["status"], result["code"]) == ("rejected", "proposal.fully_frozen")


async def test_a_new_initiative_during_verification_is_accepted(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)
    await moved_to(issue, "verification")

    result = await new_initiative(other_resident, place, issue)

    assert result["status"] == "applied", result
