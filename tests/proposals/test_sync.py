"""Proposals over the sync protocol: mutations in, issues and initiatives out."""

from __future__ import annotations

import uuid

from tests.conftest import Person
from tests.helpers import pull_all
from tests.proposals.builders import act, make_place, propose


async def test_new_initiative_reaches_another_members_pull(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(
        resident, place, content="# Plan\n<img src=x onerror=alert(1)>"
    )

    records, _, _ = await pull_all(other_resident, "client-otto-0001")

    assert records[issue]["initiative_ids"] == [initiative]
    assert records[initiative]["draft"]["html"].startswith("<h1>Plan</h1>")
    assert "<img" not in records[initiative]["draft"]["html"]


async def test_support_and_interest_show_in_the_supporters_pull(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)

    await act(other_resident, "proposal.support.set", {"initiative_id": initiative})
    records, _, _ = await pull_all(other_resident, "client-otto-0001")

    assert records[initiative]["supported"] is True
    assert records[initiative]["supporter_count"] == 2
    assert records[issue]["interested"] is True


async def test_unmet_must_leaves_its_supporter_unsatisfied_until_fulfilled(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    _, initiative = await propose(resident, place)
    suggestion = str(uuid.uuid4())
    await act(
        other_resident,
        "proposal.suggestion.add",
        {
            "id": suggestion,
            "initiative_id": initiative,
            "name": "Keep the trees",
            "degree": 2,
        },
    )
    before, cursor, _ = await pull_all(other_resident, "client-otto-0001")

    await act(
        other_resident,
        "proposal.opinion.set",
        {"suggestion_id": suggestion, "degree": 2, "fulfilled": True},
    )
    after, _, _ = await pull_all(other_resident, "client-otto-0001", cursor)

    assert (
        before[initiative]["supporter_count"],
        before[initiative]["satisfied_supporter_count"],
    ) == (2, 1)
    assert after[initiative]["satisfied_supporter_count"] == 2
    assert after[initiative]["suggestions"][0]["opinions"]["must"] == {
        "fulfilled": 1,
        "unfulfilled": 0,
    }


async def test_fulfilled_must_not_leaves_its_supporter_unsatisfied(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    _, initiative = await propose(resident, place)
    suggestion = str(uuid.uuid4())
    await act(
        other_resident,
        "proposal.suggestion.add",
        {
            "id": suggestion,
            "initiative_id": initiative,
            "name": "No cars",
            "degree": -2,
        },
    )

    await act(
        other_resident,
        "proposal.opinion.set",
        {"suggestion_id": suggestion, "degree": -2, "fulfilled": True},
    )
    records, _, _ = await pull_all(other_resident, "client-otto-0001")

    assert records[initiative]["satisfied_supporter_count"] == 1


async def test_new_draft_marks_earlier_support_as_outdated(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    _, initiative = await propose(resident, place)
    await act(other_resident, "proposal.support.set", {"initiative_id": initiative})

    await act(
        resident,
        "proposal.draft.add",
        {"id": str(uuid.uuid4()), "initiative_id": initiative, "content": "v2"},
    )
    records, _, _ = await pull_all(other_resident, "client-otto-0001")

    assert records[initiative]["support_outdated"] is True
    assert len(records[initiative]["drafts"]) == 2


async def test_resent_initiative_from_its_author_is_not_created_twice(
    resident: Person,
) -> None:
    place = await make_place()
    args = {
        "id": str(uuid.uuid4()),
        "draft_id": str(uuid.uuid4()),
        "issue_id": str(uuid.uuid4()),
        "area_id": str(place.area.id),
        "policy_id": str(place.policy.id),
        "name": "Trees",
        "content": "Plant trees",
    }
    await act(resident, "proposal.initiative.create", args)

    again = await act(resident, "proposal.initiative.create", args)

    assert (again["status"], again["code"]) == ("applied", "proposal.already_created")


async def test_withdrawing_the_only_initiative_cancels_the_issue(
    resident: Person,
) -> None:
    from server.proposals.scheduler import tick
    from tests.proposals.builders import created_at, state

    place = await make_place()
    issue, initiative = await propose(resident, place)

    await act(resident, "proposal.initiative.revoke", {"id": initiative})
    await tick(await created_at(issue))

    assert await state(issue) == "canceled_revoked_before_accepted"
