"""Phase changes through the scheduler, with the time passed in explicitly."""

from __future__ import annotations

import asyncio

from server.proposals.models import (
    Initiative,
    Issue,
    IssueEvent,
    Snapshot,
    SnapshotSupport,
)
from server.proposals.scheduler import tick
from tests.conftest import Person
from tests.proposals.builders import (
    DAY,
    HOUR,
    act,
    created_at,
    make_place,
    propose,
    state,
)


async def test_supported_issue_is_accepted_after_the_minimum_admission_time(
    resident: Person,
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)
    start = await created_at(issue)

    too_early = await tick(start + HOUR / 2)
    report = await tick(start + 2 * HOUR)

    assert too_early.changes == []
    assert report.changes == [{"issue": issue, "from": "admission", "to": "discussion"}]


async def test_issue_without_quorum_is_cancelled_when_admission_time_runs_out(
    resident: Person,
) -> None:
    place = await make_place(issue_quorum=5)
    issue, _ = await propose(resident, place)

    await tick(await created_at(issue) + 11 * DAY)

    assert await state(issue) == "canceled_issue_not_accepted"


async def test_area_accepts_one_issue_per_run_the_best_supported_first(
    resident: Person, other_resident: Person, staff: Person
) -> None:
    place = await make_place()
    weaker, _ = await propose(resident, place, "Weaker")
    stronger, initiative = await propose(resident, place, "Stronger")
    for person in (other_resident, staff):
        await act(person, "proposal.support.set", {"initiative_id": initiative})
    start = await created_at(stronger)

    first = await tick(start + 2 * HOUR)

    assert [c["issue"] for c in first.changes] == [stronger]
    assert await state(weaker) == "admission"


async def test_issue_goes_through_every_phase_to_a_winner(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)
    await act(other_resident, "proposal.support.set", {"initiative_id": initiative})
    start = await created_at(issue)

    await tick(start + 2 * HOUR)
    await tick(start + 2 * HOUR + 5 * DAY)
    await tick(start + 2 * HOUR + 7 * DAY)
    for person in (resident, other_resident):
        cast = await act(
            person,
            "proposal.ballot.cast",
            {"issue_id": issue, "grades": {initiative: 1}},
        )
        assert cast["status"] == "applied", cast
    await tick(start + 2 * HOUR + 10 * DAY)

    assert await state(issue) == "finished_with_winner"
    assert (await Initiative.get(id=initiative)).winner is True
    assert await Snapshot.filter(issue_id=issue).count() == 4


async def test_half_freeze_fixes_the_drafts(resident: Person) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)
    start = await created_at(issue)
    await tick(start + 2 * HOUR)
    await tick(start + 2 * HOUR + 5 * DAY)

    result = await act(
        resident,
        "proposal.draft.add",
        {
            "id": "0190f0aa-0000-7000-8000-000000000001",
            "initiative_id": initiative,
            "content": "late",
        },
    )

    assert (await state(issue), result["code"]) == (
        "verification",
        "proposal.half_frozen",
    )


async def test_initiative_without_enough_satisfied_supporters_is_not_admitted(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place(initiative_quorum=2)
    issue, initiative = await propose(resident, place)
    await act(
        other_resident,
        "proposal.suggestion.add",
        {
            "id": "0190f0aa-0000-7000-8000-0000000000a1",
            "initiative_id": initiative,
            "name": "Protect the trees",
            "degree": 2,
        },
    )
    start = await created_at(issue)

    for moment in (2 * HOUR, 2 * HOUR + 5 * DAY, 2 * HOUR + 7 * DAY):
        await tick(start + moment)

    assert await state(issue) == "canceled_no_initiative_admitted"
    assert (await Initiative.get(id=initiative)).admitted is False


async def test_snapshot_records_support_at_the_phase_change(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)
    await act(other_resident, "proposal.support.set", {"initiative_id": initiative})

    await tick(await created_at(issue) + 2 * HOUR)
    snapshot = await Snapshot.get(issue_id=issue, event="accepted")

    assert await SnapshotSupport.filter(snapshot=snapshot).count() == 2
    assert snapshot.population >= 2


async def test_two_instances_ticking_at_once_change_the_issue_once(
    resident: Person,
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)
    moment = await created_at(issue) + 2 * HOUR

    reports = await asyncio.gather(tick(moment), tick(moment), tick(moment))

    assert sum(len(report.changes) for report in reports) == 1
    assert await Snapshot.filter(issue_id=issue).count() == 1
    assert (
        await Issue.get(id=issue)
    ).version == 3  # created, its first initiative, accepted once


async def test_followers_hear_when_voting_starts_and_a_day_before_it_ends(
    resident: Person,
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)
    start = await created_at(issue) + 2 * HOUR
    for moment in (
        start,
        start + 5 * DAY,
        start + 7 * DAY,
        start + 9 * DAY + HOUR,
        start + 9 * DAY + 2 * HOUR,
    ):
        await tick(moment)

    events = (
        await IssueEvent.filter(issue_id=issue)
        .order_by("id")
        .values_list("event", flat=True)
    )

    assert events == ["voting_started", "voting_ends_soon"]


async def test_no_reminder_comes_before_the_last_day_of_voting(
    resident: Person,
) -> None:
    place = await make_place()
    issue, _ = await propose(resident, place)
    start = await created_at(issue) + 2 * HOUR
    for moment in (start, start + 5 * DAY, start + 7 * DAY):
        await tick(moment)

    early = await tick(start + 9 * DAY - HOUR)
    due = await tick(start + 9 * DAY)

    assert (early.reminders, due.reminders) == (0, 1)


async def test_voting_of_a_day_or_less_gets_no_reminder(resident: Person) -> None:
    place = await make_place(voting_time=int(DAY.total_seconds()))
    issue, _ = await propose(resident, place)
    start = await created_at(issue) + 2 * HOUR
    for moment in (start, start + 5 * DAY, start + 7 * DAY, start + 7 * DAY + HOUR):
        await tick(moment)

    events = await IssueEvent.filter(issue_id=issue).values_list("event", flat=True)

    assert events == ["voting_started"]
