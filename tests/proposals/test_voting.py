"""Ballots: one per member, refused after the end, public and recountable once closed."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from server.accounts.auth import utcnow
from server.accounts.models import User
from server.proposals.cli_tally import run_tally
from server.proposals.models import Ballot, Initiative, Issue
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


async def in_voting(
    place: Place, initiators: list[Person], names: list[str]
) -> tuple[str, list[str], datetime]:
    """An issue with one initiative per name, moved into voting; answer when voting ends."""
    issue, first = await propose(initiators[0], place, names[0])
    initiatives = [first]
    for name in names[1:]:
        _, other = await propose(initiators[0], place, name, issue_id=issue)
        initiatives.append(other)
    start = await created_at(issue) + 2 * HOUR
    for moment in (start, start + 5 * DAY, start + 7 * DAY):
        await tick(moment)
    assert await state(issue) == "voting"
    return issue, initiatives, start + 10 * DAY


async def test_fifty_parallel_ballots_of_one_member_store_one(resident: Person) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [resident], ["Bike lanes"])

    answers = await asyncio.gather(
        *[
            resident.put(
                f"/api/proposals/issues/{issue}/ballot",
                json={"grades": {initiative: 1 + n % 3}},
            )
            for n in range(50)
        ]
    )

    assert {answer.status_code for answer in answers} == {200}
    assert await Ballot.filter(issue_id=issue).count() == 1


async def test_voter_is_told_that_ballots_become_public(resident: Person) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [resident], ["Bike lanes"])

    answer = await resident.put(
        f"/api/proposals/issues/{issue}/ballot", json={"grades": {initiative: 1}}
    )

    assert (await answer.get_json())["ballots_public_after_close"] is True


async def test_ballot_sent_after_the_end_of_voting_is_rejected_before_the_count(
    resident: Person,
) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [resident], ["Bike lanes"])
    # The device was offline; the phase ended by the clock, the scheduler has not run.
    await Issue.filter(id=issue).update(
        fully_frozen_at=datetime.now(timezone.utc) - 4 * DAY
    )

    result = await act(
        resident, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )

    assert (result["status"], result["code"]) == ("rejected", "proposal.voting_closed")


async def test_ballot_sent_after_the_issue_closed_is_rejected(resident: Person) -> None:
    place = await make_place()
    issue, (initiative,), ends = await in_voting(place, [resident], ["Bike lanes"])
    await tick(ends)

    result = await act(
        resident, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )

    assert result["code"] == "proposal.voting_closed"


async def test_ballot_before_voting_is_refused(resident: Person) -> None:
    place = await make_place()
    issue, initiative = await propose(resident, place)

    result = await act(
        resident, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )

    assert result["code"] == "proposal.voting_not_started"


async def test_ballot_grading_an_unknown_initiative_is_refused(
    resident: Person,
) -> None:
    place = await make_place()
    issue, _, _ = await in_voting(place, [resident], ["Bike lanes"])

    result = await act(
        resident,
        "proposal.ballot.cast",
        {"issue_id": issue, "grades": {str(uuid.uuid4()): 1}},
    )

    assert result["code"] == "proposal.not_admitted"


async def test_exported_ballots_recount_to_the_same_winner(
    resident: Person, other_resident: Person, staff: Person, tmp_path: Path
) -> None:
    place = await make_place()
    issue, (lanes, parking), ends = await in_voting(
        place, [resident], ["Bike lanes", "Parking"]
    )
    grades = [{lanes: 2, parking: 1}, {lanes: 1, parking: -1}, {lanes: 1, parking: 2}]
    for person, ballot in zip((resident, other_resident, staff), grades):
        await act(person, "proposal.ballot.cast", {"issue_id": issue, "grades": ballot})
    await tick(ends)

    exported = await resident.get(f"/api/proposals/issues/{issue}/ballots.json")
    path = tmp_path / "ballots.json"
    path.write_text(json.dumps(await exported.get_json()), encoding="utf-8")
    out = io.StringIO()
    status = run_tally([str(path), "--json"], out, io.StringIO())
    winner = await Initiative.get(winner=True, issue_id=issue)

    assert status == 0
    assert json.loads(out.getvalue())["winners"] == [str(winner.id)] == [lanes]


async def test_ballots_are_not_public_while_voting(resident: Person) -> None:
    place = await make_place()
    issue, _, _ = await in_voting(place, [resident], ["Bike lanes"])

    answer = await resident.get(f"/api/proposals/issues/{issue}/ballots.json")

    assert answer.status_code == 409
    assert (await answer.get_json())["error"]["code"] == "proposal.ballots_not_public"


async def test_closed_issue_publishes_the_pairwise_matrix_and_ranks(
    resident: Person,
) -> None:
    place = await make_place()
    issue, (initiative,), ends = await in_voting(place, [resident], ["Bike lanes"])
    await act(
        resident, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )
    await tick(ends)

    shown = await (await resident.get(f"/api/proposals/issues/{issue}")).get_json()

    assert shown["result"]["pairwise"][initiative]["status_quo"] == 1
    assert shown["initiatives"][0]["rank"] == 1


async def test_delegated_voice_weighs_on_the_trustees_ballot(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    await act(
        other_resident,
        "proposal.delegation.set",
        {
            "scope": "unit",
            "target_id": str(place.unit.id),
            "trustee_id": str(resident.user.id),
        },
    )
    issue, (initiative,), ends = await in_voting(place, [resident], ["Bike lanes"])
    await act(
        resident, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )
    await tick(ends)

    ballot = await Ballot.get(issue_id=issue)
    public = await (
        await other_resident.get(f"/api/proposals/issues/{issue}/ballots")
    ).get_json()

    assert ballot.weight == 2
    assert public[0]["delegators"] == [str(other_resident.user.id)]


async def test_member_sees_who_votes_for_them_and_whose_voice_they_carry(
    resident: Person, other_resident: Person, staff: Person
) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [resident], ["Bike lanes"])
    await act(
        other_resident,
        "proposal.delegation.set",
        {
            "scope": "area",
            "target_id": str(place.area.id),
            "trustee_id": str(staff.user.id),
        },
    )
    await act(
        staff,
        "proposal.delegation.set",
        {"scope": "issue", "target_id": issue, "trustee_id": str(resident.user.id)},
    )
    await act(
        resident, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )

    mine = await (
        await other_resident.get(f"/api/proposals/issues/{issue}/delegation")
    ).get_json()
    theirs = await (
        await resident.get(f"/api/proposals/issues/{issue}/delegation")
    ).get_json()

    assert [m["name"] for m in mine["my_voice_reaches"]] == ["Sam", "Rita"]
    assert mine["represented_by"]["name"] == "Rita"
    assert sorted(m["name"] for m in theirs["i_represent"]) == ["Otto", "Sam"]
    assert theirs["weight"] == 3


async def test_a_ballot_graded_with_true_or_a_string_is_refused(resident: Person) -> None:
    place = await make_place()
    issue, (initiative,), _ = await in_voting(place, [resident], ["Bike lanes"])

    answers = [
        await resident.put(
            f"/api/proposals/issues/{issue}/ballot", json={"grades": {initiative: grade}}
        )
        for grade in (True, "2")
    ]

    assert [answer.status_code for answer in answers] == [400, 400]
    assert await Ballot.filter(issue_id=issue).count() == 0


async def test_a_ballot_cast_within_the_time_to_live_counts_though_last_seen_lags_it(
    resident: Person, other_resident: Person
) -> None:
    place = await make_place()
    issue, (initiative,), ends = await in_voting(place, [resident], ["Bike lanes"])
    # Last seen is written at most hourly: 50 minutes ago, the ballot is not noted.
    noted = utcnow() - timedelta(minutes=50)
    await User.filter(id=other_resident.user.id).update(last_seen_at=noted)
    await act(
        other_resident, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}}
    )
    # The time to live reaches back to 20 minutes before the ballot was accepted.
    ttl = ends - (utcnow() - timedelta(minutes=20))

    await tick(ends, member_ttl=ttl)

    assert (await Ballot.get(issue_id=issue, member_id=other_resident.user.id)).weight == 1


async def test_the_ballot_of_a_member_inactive_at_the_close_is_not_published(
    resident: Person, other_resident: Person
) -> None:
    # Listed with weight 0, it would tell everyone that the voter had been away.
    place = await make_place()
    issue, (initiative,), ends = await in_voting(place, [resident], ["Bike lanes"])
    for person in (resident, other_resident):
        await act(person, "proposal.ballot.cast", {"issue_id": issue, "grades": {initiative: 1}})
    await User.filter(id=other_resident.user.id).update(last_seen_at=ends - 200 * DAY)
    await tick(ends)

    public = await (await resident.get(f"/api/proposals/issues/{issue}/ballots")).get_json()

    assert [ballot["member"]["id"] for ballot in public] == [str(resident.user.id)]
